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

/* Take the store lock (exclusive); returns an fd to pass to state_unlock. */
int state_lock(const struct brig_ctx *c, struct brig_err *e);
void state_unlock(int fd);

/* Path of a container's directory (or a file in it when file != NULL). */
int state_path(const struct brig_ctx *c, const char *id, const char *file, char *out,
	       size_t len, struct brig_err *e);

/* Create a record: new id, name (generated when NULL) checked for validity
 * and uniqueness, config.json written with "id", "name" and, when config
 * has none, "hostname" (the short id, as Docker).  Caller holds the lock.
 * With lock_fd, the record's own lock (<dir>/lock) is taken before
 * config.json exists and its fd returned: nobody removes a record while
 * its creator still starts it. */
int state_create(const struct brig_ctx *c, const char *name, json_t *config, int *lock_fd,
		 char id[BRIG_ID_LEN + 1],
		 char name_out[64], struct brig_err *e);

/* Write state.json atomically (steals nothing; caller keeps st). */
int state_save(const struct brig_ctx *c, const char *id, json_t *st, struct brig_err *e);

/* Resolve a name or unique id prefix to the full id. */
int state_resolve(const struct brig_ctx *c, const char *ref, char id[BRIG_ID_LEN + 1],
		  struct brig_err *e);

/* Load config.json and state.json (either out may be NULL). */
int state_load(const struct brig_ctx *c, const char *id, json_t **config, json_t **st,
	       struct brig_err *e);

/* All container ids, malloc'd array of strings (NULL terminated). */
int state_list(const struct brig_ctx *c, char ***ids, struct brig_err *e);
void state_list_free(char **ids);

/* Remove the record directory. */
int state_remove(const struct brig_ctx *c, const char *id, struct brig_err *e);

/* True when any container record references image id. */
int state_image_in_use(const struct brig_ctx *c, const char *image_id, bool *used,
		       struct brig_err *e);

#endif
