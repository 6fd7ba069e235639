/* inspect.h - what `brig ps` and `brig inspect` show, composed once for
 * every front end: typed rows for a listing, and the inspect document.
 * Formatting ("Up 9 seconds", table widths) is the front end's. */
#ifndef BRIG_INSPECT_H
#define BRIG_INSPECT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "ctx.h"
#include "spec.h"

/* One container as a listing shows it.  Times are unix seconds, 0 when
 * the record has none. */
struct container_summary {
	char id[BRIG_ID_LEN + 1];
	char name[256];
	char image[256];
	char command[1024];	/* entrypoint and arguments joined by spaces */
	int64_t created;
	enum container_status status; /* the truth: a running record whose
				       * process is gone reads as exited */
	bool has_exit;		/* exit_code is known */
	int exit_code;
	bool oom_killed;
	int64_t started, finished;
	/* the addresses on its bridge networks, in attachment order, "" for a
	 * network without IPAM; none unless it runs (an exited container holds
	 * no lease) */
	size_t n_addresses;
	char addresses[MAX_NETS][16];
	/* the IPv6 ones beside, index for index ("" on a v4-only network);
	 * ps --format json's "addresses6" */
	char addresses6[MAX_NETS][46];
	/* the published ports as Docker's ps shows them, "" for none
	 * (portspec_summary) */
	char ports[512];
};

/* The containers (all, or only the running ones), after reconciling the
 * records of crashed owners, in the store's order; a record that cannot
 * be read is left out.  *v is malloc'd (free it), *n its length. */
int container_list(const struct brig_ctx *c, bool all, struct container_summary **v, size_t *n,
		   struct brig_err *e);

/* The same selection as container_list, as a JSON array of inspect
 * documents (`ps --format json`): a new reference in *doc. */
int container_list_json(const struct brig_ctx *c, bool all, json_t **doc, struct brig_err *e);

/* The inspect documents of the containers refs[0..n) (names or unique id
 * prefixes), after reconciling crashed records once: *docs gets a new
 * array of {"id", "name", "image", "created", "state": state.json with
 * "status" (the truth, as container_list) and "OOMKilled", "config":
 * config.json (its "labels" {} when none), and Docker's "Mounts" and
 * "HostConfig": {"Privileged"}}, one per container found, in order.  Each
 * ref that cannot be inspected goes to on_error (may be NULL) and is left
 * out.  Returns how many were left out, or negative (e filled) without
 * memory. */
int container_inspect(const struct brig_ctx *c, char *const *refs, size_t n, json_t **docs,
		      void (*on_error)(void *arg, const struct brig_err *e), void *arg,
		      struct brig_err *e);

#endif
