/* volume.h - named volumes: directories brig keeps for containers' data.
 *
 *   <root>/volumes/<name>/_data         what containers see (mode 0755 at first)
 *   <root>/volumes/<name>/volume.json   {"name", "created", "labels", "anonymous"}
 *
 * A volume is made in a temporary directory and renamed into place, and
 * removed by renaming it away first, so a half-made or half-removed
 * volume never shows.  A volume that any container record names (running
 * or not) is in use and is never removed.  Create, remove and prune hold
 * the container store's lock (state_lock), the lock container_create
 * holds while it makes a container's volumes and record, so a volume is
 * never removed between the two. */
#ifndef BRIG_VOLUME_H
#define BRIG_VOLUME_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctx.h"
#include "mountspec.h"
#include "util.h"

/* Create volume name (NULL: a generated 64-hex name, as Docker's), with
 * labels "KEY=VALUE" (or "KEY": an empty value).  An existing volume of
 * that name is success, as `docker volume create` is.  name_out (may be
 * NULL) receives the name. */
int volume_create(const struct brig_ctx *c, const char *name, char *const *labels, size_t n_labels,
		  char name_out[MOUNTSPEC_NAME_MAX + 1], struct brig_err *e);

/* Make volume name unless it exists; anonymous marks one brig named for a
 * container.  The caller holds the store lock, or, at a container's start,
 * uses a volume its record names (which nobody may remove). */
int volume_ensure(const struct brig_ctx *c, const char *name, bool anonymous, struct brig_err *e);

/* The directory containers mount: <root>/volumes/<name>/_data.  EINVAL
 * for an invalid name. */
int volume_path(const struct brig_ctx *c, const char *name, char *out, size_t len,
		struct brig_err *e);

/* Docker's inspect document of each of names[0..n) into the array *docs
 * (new reference): Name, Driver ("local"), Mountpoint, CreatedAt, Labels,
 * Options, Scope.  A missing one goes to on_error (may be NULL) and is
 * counted: the return value, or negative when nothing could be done. */
int volume_inspect(const struct brig_ctx *c, char *const *names, size_t n, json_t **docs,
		   void (*on_error)(void *arg, const struct brig_err *e), void *arg,
		   struct brig_err *e);

/* Every volume's inspect document, sorted by name (new reference). */
int volume_list(const struct brig_ctx *c, json_t **out, struct brig_err *e);

/* The container record using volume name: 1 and its id and name (either
 * may be NULL), 0 when none does. */
int volume_user(const struct brig_ctx *c, const char *name, char id[BRIG_ID_LEN + 1],
		char user[64], struct brig_err *e);

/* Remove volume name: EBUSY ("volume x is in use by container ...") while
 * a container record names it; ENOENT when there is none, unless force. */
int volume_remove(const struct brig_ctx *c, const char *name, bool force, struct brig_err *e);

/* Remove the volumes no container record names: the anonymous ones, or
 * with all every one.  *removed (new reference) lists their names;
 * *reclaimed gets the bytes their files held. */
int volume_prune(const struct brig_ctx *c, bool all, json_t **removed, int64_t *reclaimed,
		 struct brig_err *e);

#endif
