/* images.c - the image store with the container records as its users: the
 * engine's side of struct image_users (image.h), so that src/image never
 * includes the state store. */
#include "image.h"
#include "images.h"
#include "state.h"

static int users_lock(void *arg, struct brig_err *e)
{
	return state_lock(arg, e);
}

static void users_unlock(void *arg, int token)
{
	(void)arg;
	state_unlock(token);
}

static int users_in_use(void *arg, const char *image_id, bool *used, struct brig_err *e)
{
	return state_image_in_use(arg, image_id, used, e);
}

/* The users of c's images: the container records under c->root.  arg is
 * only ever read back as a const ctx by the callbacks above. */
static struct image_users users_of(const struct brig_ctx *c)
{
	return (struct image_users){ users_lock, users_unlock, users_in_use, (void *)c };
}

int images_import(const struct brig_ctx *c, const char *src, const char *name,
		  char id_out[BRIG_ID_LEN + 1], struct brig_err *e)
{
	struct image_users u = users_of(c);

	return image_import(c, &u, src, name, id_out, e);
}

int images_resolve(const struct brig_ctx *c, const char *name, char id[BRIG_ID_LEN + 1],
		   char *rootfs, size_t len, struct brig_err *e)
{
	return image_resolve(c, name, id, rootfs, len, e);
}

int images_inspect(const struct brig_ctx *c, const char *name, json_t **out, struct brig_err *e)
{
	return image_inspect(c, name, out, e);
}

int images_list(const struct brig_ctx *c, json_t **out, struct brig_err *e)
{
	return image_list(c, out, e);
}

int images_remove(const struct brig_ctx *c, const char *name, struct brig_err *e)
{
	struct image_users u = users_of(c);

	return image_remove(c, &u, name, e);
}

int images_prune(const struct brig_ctx *c, int *removed, struct brig_err *e)
{
	struct image_users u = users_of(c);

	return image_prune(c, &u, removed, e);
}
