/* lab_int.h - what lab_up.c and lab.c share (private to src/engine). */
#ifndef BRIG_LAB_INT_H
#define BRIG_LAB_INT_H

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

#endif
