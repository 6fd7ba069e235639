/* state.h - the container state store under <root>/containers/<id>/.
 *
 * config.json is written once at create; state.json is rewritten atomically
 * on every transition.  A global flock on <runroot>/state.lock serialises
 * create/remove so names stay unique.  Readers never see torn files. */
#ifndef BRIG_STATE_H
#define BRIG_STATE_H

#include <jansson.h>
#include <stdbool.h>

#include "ctx.h"
#include "util.h"

/* spec.h; declared only, as src/image includes this header too */
struct container_spec;
struct container_state;

/* Take the store lock (exclusive); returns an fd to pass to state_unlock. */
int state_lock(const struct brig_ctx *c, struct brig_err *e);
void state_unlock(int fd);

/* Path of a container's directory (or a file in it when file != NULL). */
int state_path(const struct brig_ctx *c, const char *id, const char *file, char *out,
	       size_t len, struct brig_err *e);

/* Create a record: new id, the name spec->name (generated when NULL)
 * checked for validity and uniqueness, config.json written from spec with
 * "id", "name" and, when spec has none, "hostname" (the short id, as
 * Docker).  *out gets the record as written (owned: spec_free it, also on
 * failure).  Caller holds the lock.  With lock_fd, the record's own lock
 * (<dir>/lock) is taken before config.json exists and its fd returned:
 * nobody removes a record while its creator still starts it. */
int state_create(const struct brig_ctx *c, const struct container_spec *spec, int *lock_fd,
		 struct container_spec *out, struct brig_err *e);

/* Write state.json atomically; flushed to disk (fsync) only when it
 * records an exit. */
int state_save(const struct brig_ctx *c, const char *id, const struct container_state *st,
	       struct brig_err *e);

/* Give record id the name name (free, valid): its config.json and the
 * name index, under the store lock.  EEXIST when the name is taken. */
int state_rename(const struct brig_ctx *c, const char *id, const char *name, struct brig_err *e);

/* The id of the container named name (exactly: no id prefix), if any. */
bool state_find_name(const struct brig_ctx *c, const char *name, char id[BRIG_ID_LEN + 1]);

/* Resolve a name or unique id prefix to the full id. */
int state_resolve(const struct brig_ctx *c, const char *ref, char id[BRIG_ID_LEN + 1],
		  struct brig_err *e);

/* Load config.json into *spec (owned: spec_free it, also on failure) and
 * state.json into *st; either may be NULL.  A record without a readable
 * state.json (being created) reads as status created. */
int state_load(const struct brig_ctx *c, const char *id, struct container_spec *spec,
	       struct container_state *st, struct brig_err *e);

/* All container ids, malloc'd array of strings (NULL terminated). */
int state_list(const struct brig_ctx *c, char ***ids, struct brig_err *e);
void state_list_free(char **ids);

/* Called by state_each with a record's id and config; a return other
 * than 0 stops the walk. */
typedef int (*state_visit_fn)(const char *id, const struct container_spec *cfg, void *arg,
			      struct brig_err *e);

/* Call fn with each record's config (one config.json read each), in the
 * store's order; a record that cannot be read (half made, half removed)
 * is skipped.  Returns fn's first non-zero return, else 0; negative (e
 * filled) when the store cannot be listed. */
int state_each(const struct brig_ctx *c, state_visit_fn fn, void *arg, struct brig_err *e);

/* The record's config.json is there but not JSON: an --rm record's is
 * written without fsync, so a crash may leave it empty or garbage (gc
 * then removes the record as abandoned). */
bool state_config_torn(const struct brig_ctx *c, const char *id);

/* Remove what a killed creator or remover left (gc): every <id>.new
 * (under the store lock, which creators hold from mkdir to rename) and
 * every <id>.rm whose record lock nobody holds. */
void state_sweep(const struct brig_ctx *c);

/* Take the record out of every listing and lookup: its name unindexed,
 * its directory renamed to <id>.rm, whose path goes to gone.  1 when
 * renamed, 0 when there was no record; the caller removes gone
 * (remove_tree; state_sweep does when a remover died). */
int state_unlist(const struct brig_ctx *c, const char *id, char *gone, size_t len,
		 struct brig_err *e);

/* Remove the record directory (state_unlist, then the tree: no listing
 * sees it half removed). */
int state_remove(const struct brig_ctx *c, const char *id, struct brig_err *e);

/* True when any container record references image id. */
int state_image_in_use(const struct brig_ctx *c, const char *image_id, bool *used,
		       struct brig_err *e);

#endif
