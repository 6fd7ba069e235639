/* lab_int.h - what lab_up.c and lab.c share (private to src/engine). */
#ifndef BRIG_LAB_INT_H
#define BRIG_LAB_INT_H

#include <sys/types.h>

#include "ctx.h"
#include "lab_record.h"

/* The label every node container carries: its lab's name (containerlab's
 * own key, so scripts that filter on it keep working). */
#define LAB_LABEL "containerlab"

/* Remove everything r records (with the lab locked): its containers
 * (killed at once, then removed), host interfaces, bridges, management
 * network when the lab defined it and no one else uses it, then the
 * record.  Failures go to e (the first one) and the work goes on. */
int lab_destroy(const struct brig_ctx *c, const struct lab_record *r, struct brig_err *e);

/* Run argv in container ref, its stdout and stderr into *out (malloc'd,
 * NUL-terminated, *len bytes); *status is its exit status per the
 * contract.  Negative only when brig could not run it (e says why). */
int lab_capture(const struct brig_ctx *c, const char *ref, char *const *argv, int *status,
		char **out, size_t *len, struct brig_err *e);

/* "NODE:IFNAME" split at its first ':' into node and ifname: -EINVAL
 * (a one-line message) when either is empty or too long. */
#define LAB_END_MAX 64
int lab_end_split(const char *s, char node[LAB_END_MAX], char ifname[LAB_END_MAX],
		  struct brig_err *e);

/* The link of r (with two ends) that node:ifname is an end of, and its
 * other end in *peer; NULL when none. */
const struct lab_rec_link *lab_link_find(const struct lab_record *r, const char *node,
					 const char *ifname, const struct lab_rec_end **peer);

/* The pid whose network namespace node's interfaces live in: its
 * container's (its id into id, when not NULL), or 0 for the host's
 * ("host", bridge and host nodes; id ""). Negative (e) when r has no such
 * node or it is not running. */
pid_t lab_node_pid(const struct brig_ctx *c, const struct lab_record *r, const char *node,
		   char *id, struct brig_err *e);

#endif
