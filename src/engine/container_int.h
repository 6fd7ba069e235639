/* container_int.h - private to src/engine: the helpers container.c (the
 * record), start.c (start and finish), attach.c (networks) and lifecycle.c
 * (stop, remove, gc) share.  Not part of brig's API (container.h);
 * tests/lint-layers.py refuses it outside src/engine/. */
#ifndef BRIG_CONTAINER_INT_H
#define BRIG_CONTAINER_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "container.h"
#include "hosts.h"

/* container.c */

/* Empty ct: no process, no pty, no lock held. */
void container_blank(struct container *ct);

/* The environment: extra, the record's -e, then defaults; free with container_env_free(). */
char **container_build_env(const struct container_spec *spec, char *const *extra, size_t n_extra);

/* -u UID[:GID] or NAME[:GID] into s; a name is looked up in the image at rootfs. */
int container_parse_user(const char *spec, const char *rootfs, struct spawn_spec *s,
			 struct brig_err *e);

/* The capabilities: the default set, plus --cap-add, minus --cap-drop;
 * with --privileged, the host's bounding set (spawn_host_caps). */
uint64_t container_caps(const struct container_spec *spec);

/* --security-opt into s (whose caps are set): no_new_privs unless
 * no-new-privileges=false; the seccomp filter for s->caps unless
 * --privileged or seccomp=unconfined, compiled once and cached under
 * <runroot>/seccomp (sysfilter_get).  The same for run, start and exec. */
int container_confine(const struct brig_ctx *c, const struct container_spec *spec,
		      struct spawn_spec *s, struct brig_err *e);

/* Neither the container's process nor the brig process owning it lives. */
bool container_both_gone(const struct container_state *st);

/* The container's own process (st's pid, started at st's starttime) lives. */
bool container_alive(const struct container_state *st);

/* attach.c */

/* s->net from the first --net: none, host, container:NAME, or new (bridge). */
int container_net_mode(const struct brig_ctx *c, const struct container_spec *spec,
		       struct spawn_spec *s, struct brig_err *e);

/* True when the container's networks are bridge networks (not a mode). */
bool container_is_bridge_mode(const struct container_spec *spec);

/* Lease and describe every bridge network of ct.spec (ct->ifaces, ct->st.nets). */
int container_attach_networks(const struct brig_ctx *c, struct container *ct, struct brig_err *e);

/* Release ct's leases; with delete_links also the host ends of its veths. */
void container_release_networks(const struct brig_ctx *c, struct container *ct, bool delete_links);

/* The container as its networks' name registries see it (pointers into spec and st). */
void container_hosts_entry(const char *id, const struct container_spec *spec,
			   const struct container_state *st, struct hosts_entry *h);

/* Leave the name registries of every network in st. */
void container_leave_hosts(const struct brig_ctx *c, const char *id,
			   const struct container_state *st);

/* mounts.c: mounts (-v, --mount, --tmpfs, --read-only) */

/* At create, under the store lock: *out (always set; free with
 * mountspec_free_all(*out, n)) gets a copy of in[0..n) where every
 * anonymous volume has its new name; every volume exists; a --mount bind
 * whose source is missing is refused as Docker refuses it. */
int container_mounts_create(const struct brig_ctx *c, const struct mount_spec *in, size_t n,
			    struct mount_spec **out, struct brig_err *e);

/* At a start: the runtime's mounts of spec (*out always set; free with
 * container_spawn_mounts_free(*out, spec->n_mounts)): volumes by their
 * directory (made again when gone), -v host directories made when
 * missing, tmpfs options as attributes and data. */
int container_spawn_mounts(const struct brig_ctx *c, const struct container_spec *spec,
			   struct spawn_mount **out, struct brig_err *e);
void container_spawn_mounts_free(struct spawn_mount *m, size_t n);

/* spawn_seed_fn: fill a volume (dst) with the content of path in the
 * container's root, as brig cp copies "PATH/." (copy.c). */
int container_seed_volume(int root, const char *path, int dst, struct brig_err *e);

/* Docker's "Mounts" of inspect for spec (new reference; NULL: no memory). */
json_t *container_mounts_json(const struct brig_ctx *c, const struct container_spec *spec);

/* Once the record is gone: remove its anonymous volumes (m[0..n)); a
 * failure is a warning, a volume another record names stays. */
void container_drop_volumes(const struct brig_ctx *c, const struct mount_spec *m, size_t n);

/* Remove record id, then (cfg not NULL) the anonymous volumes of its
 * config cfg: a record that goes with --rm, or that nobody can start. */
int container_remove_record(const struct brig_ctx *c, const char *id,
			    const struct container_spec *cfg, struct brig_err *e);

/* container_remove_record, calling gone_hook(arg) once the record is
 * unlisted and its destroy event written, before its files are deleted. */
int container_remove_record_then(const struct brig_ctx *c, const char *id,
				 const struct container_spec *cfg, void (*gone_hook)(void *),
				 void *arg, struct brig_err *e);

#endif
