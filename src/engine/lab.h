/* lab.h - labs from topology files in containerlab's format
 * (src/lab/topo.h, docs/labs.md): deploy one, destroy it (without its file
 * and after any crash), list them, inspect one, run a command on its
 * nodes.  Nothing here prints; the CLI and the API server call these. */
#ifndef BRIG_LAB_H
#define BRIG_LAB_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "ctx.h"
#include "err.h"

#define LAB_NAME_MAX 64

struct lab_up_opts {
	int max_workers;  /* nodes started at once; <= 0: 4 per CPU */
	bool reconfigure; /* a lab of that name that is up: destroy it first */
	/* what the deploy does, a line at a time ("pulling busybox"); may be NULL */
	void (*progress)(void *arg, const char *line);
	void *arg;
};

/* Deploy the lab file describes: management network, bridges, nodes (in
 * dependency order, max_workers at once), links, exec commands.  The file
 * is checked completely before anything is made; the lab's record is
 * written before the first side effect.  name (LAB_NAME_MAX) gets the
 * lab's name.  On failure everything this run made is removed again.
 * -EEXIST when the lab is up already (without reconfigure). */
int lab_up(const struct brig_ctx *c, const char *file, const struct lab_up_opts *o,
	   char *name, struct brig_err *e);

/* Destroy lab ref (its name, or a topology file naming it): its nodes,
 * the bridges and host interfaces it made, its management network when
 * it defined it and nobody else uses it, its record.  Each failure goes
 * to e and the work goes on; -ENOENT when there is no such lab. */
int lab_down(const struct brig_ctx *c, const char *ref, struct brig_err *e);

/* The name of the lab ref means: a file's `name`, or ref itself. */
int lab_resolve(const char *ref, char *name, struct brig_err *e);

/* Every recorded lab's name (strv_free). */
int lab_names(const struct brig_ctx *c, char ***names, struct brig_err *e);

/* One lab as `lab ls` shows it. */
struct lab_summary {
	char name[LAB_NAME_MAX];
	char state[16]; /* "running", "deploying" (or crashed while it was) */
	size_t nodes, running; /* container nodes, and how many of them run */
	char file[4096];
};

/* Every lab, sorted by name.  *v malloc'd. */
int lab_list(const struct brig_ctx *c, struct lab_summary **v, size_t *n, struct brig_err *e);

/* The document of lab name: {"name", "file", "state", "mgmt": {"network",
 * "subnet"}, "nodes": [{"name", "container", "kind", "image", "group",
 * "state", "ipv4" (management address, "" without), "interfaces":
 * [{"name", "peer", "ipv4", "type"}]}], "links": [{"type", "mtu",
 * "a": END, "b": END}]}.  A new reference in *doc. */
int lab_inspect(const struct brig_ctx *c, const char *name, json_t **doc, struct brig_err *e);

/* `lab link LAB A:IF B:IF down|up`: take the link between those two ends
 * down like a pulled cable (nothing passes either way; both interfaces,
 * their addresses and routes stay: lab_link.c says how), or put it back.
 * Either order of the ends; -ENOENT when the lab has no such link. */
int lab_link_set(const struct brig_ctx *c, const char *lab, const char *end_a, const char *end_b,
		 bool up, struct brig_err *e);

/* One node's part of `lab exec`. */
struct lab_exec_out {
	const char *node, *container;
	int status;	    /* the command's exit status per the contract */
	const char *output; /* stdout and stderr, interleaved as written */
	size_t len;
	const char *error;  /* brig's own failure, or NULL */
};

/* Run argv on every container node of lab name (only those in filter,
 * a NULL-terminated list of node names, when it is not NULL), one node
 * after the other; each result goes to each.  Returns the number of nodes
 * where it failed (status not 0), or negative when the lab is unknown or
 * filter names no node of it. */
int lab_exec(const struct brig_ctx *c, const char *name, char *const *filter, char *const *argv,
	     void (*each)(void *arg, const struct lab_exec_out *out), void *arg,
	     struct brig_err *e);

#endif
