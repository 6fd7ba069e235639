/* publish.h - a container's published ports on the host (publish.c):
 * chosen and checked at start, put into table inet brig's maps as
 * elements tagged with the container's id, deleted by that id when it
 * stops, crashed (gc) or is removed, and listed for `brig port`, ps and
 * inspect. */
#ifndef BRIG_PUBLISH_H
#define BRIG_PUBLISH_H

#include <stddef.h>

#include <jansson.h>

#include "container.h"
#include "ctx.h"
#include "err.h"
#include "ports.h"
#include "portspec.h"

/* Check one -p value (portspec_parse): 0, or -EINVAL with e filled. */
int publish_check(const char *value, struct brig_err *e);

/* What spec asks to publish: its -p values, then with -P each of the
 * image's ExposedPorts that no -p names, into out[0..*n). */
int publish_requests(const struct container_spec *spec, struct port_request out[PORTSPEC_MAX],
		     size_t *n, struct brig_err *e);

/* Publish ct's ports (its networks attached, before it is spawned): a
 * host port for each request (a free one when none is given), refused
 * (EADDRINUSE) when another running container publishes it or a host
 * socket holds it; the elements added in one batch, recorded in ct->st.
 * Nothing to publish: 0.  With --network host: a warning, nothing done. */
int container_publish(const struct brig_ctx *c, struct container *ct, struct brig_err *e);

/* Delete every element whose comment is id from the maps (whatever its
 * record says: after a crash too); errors are warnings. */
void container_unpublish(const struct brig_ctx *c, const char *id);

/* The published ports of every running container, as map elements, for
 * a table being rebuilt (network.c; the host lock is held).  *v is
 * malloc'd. */
int publish_running(const struct brig_ctx *c, struct net_port **v, size_t *n, struct brig_err *e);

/* The ports container ref publishes (none unless it runs). */
int container_published(const struct brig_ctx *c, const char *ref,
			struct port_binding out[PORTSPEC_BINDINGS_MAX], size_t *n, struct brig_err *e);

/* inspect's NetworkSettings.Ports, as Docker's: {"80/tcp": [{"HostIp":
 * "0.0.0.0", "HostPort": "8080"}]}; a new reference, NULL when out of
 * memory. */
json_t *publish_ports_json(const struct container_state *st);

#endif
