/* summary_json.h - the rows of `brig ps` and `brig network ls` as JSON,
 * both ways: brig serve's own endpoints (src/api/h_brig.c) send them, the
 * CLI as its client (src/cli/client.c) reads them back into the very
 * structs the local path prints from, so both print the same table.
 * Reading is defensive (a client may talk to any server): a missing or
 * wrongly typed key reads as empty or 0, strings are cut to their field. */
#ifndef BRIG_SUMMARY_JSON_H
#define BRIG_SUMMARY_JSON_H

#include <jansson.h>
#include <stddef.h>

#include "inspect.h"
#include "network.h"

/* {"id", "name", "image", "command", "created", "status", "exit_code"
 * (only when has_exit), "oom_killed", "started", "finished", "addresses",
 * "ports"}: a new reference, NULL without memory. */
json_t *container_summary_to_json(const struct container_summary *s);

/* An array of them as *v (malloc'd, free it) and *n; EINVAL when a is no
 * array or an element no object, ENOMEM. */
int container_summaries_from_json(json_t *a, struct container_summary **v, size_t *n,
				  struct brig_err *e);

/* {"name", "bridge", "subnet", "gateway", "mtu", "internal", "no_gateway",
 * "ipam_none"}: a new reference, NULL without memory. */
json_t *network_summary_to_json(const struct network_summary *s);

/* As container_summaries_from_json, for network rows. */
int network_summaries_from_json(json_t *a, struct network_summary **v, size_t *n,
				struct brig_err *e);

#endif
