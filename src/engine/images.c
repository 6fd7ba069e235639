/* images.c - the image store with the container records as its users: the
 * engine's side of struct image_users (image.h), so that src/image never
 * includes the state store. */
#include "cleanup.h"
#include "events.h"
#include "image.h"
#include "images.h"
#include "pull.h"
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

/* Docker's: one load event per image loaded, named by its first tag. */
static void load_events(const struct brig_ctx *c, json_t *loaded)
{
	size_t i;
	json_t *img;

	json_array_foreach(loaded, i, img) {
		const char *id = json_string_value(json_object_get(img, "id"));
		const char *tag = json_string_value(json_array_get(json_object_get(img, "tags"), 0));
		if (id)
			events_image(c, "load", tag ? tag : id, id);
	}
}

int images_import(const struct brig_ctx *c, const char *src, const struct image_import_opts *o,
		  json_t **loaded, struct brig_err *e)
{
	struct image_users u = users_of(c);
	json_t *mine = NULL;
	int r = image_import(c, &u, src, o, loaded ? loaded : &mine, e);

	if (r >= 0)
		load_events(c, loaded ? *loaded : mine);
	json_decref(mine);
	return r;
}

int images_inspect(const struct brig_ctx *c, const char *name, json_t **out, struct brig_err *e)
{
	return image_inspect(c, name, out, e);
}

int images_list(const struct brig_ctx *c, json_t **out, struct brig_err *e)
{
	return image_list(c, out, e);
}

int images_tag(const struct brig_ctx *c, const char *src, const char *dst, struct brig_err *e)
{
	int r = image_tag(c, src, dst, e);

	if (r >= 0)
		events_image(c, "tag", dst, NULL);
	return r;
}

int images_history(const struct brig_ctx *c, const char *name, json_t **out, struct brig_err *e)
{
	return image_history(c, name, out, e);
}

int images_remove(const struct brig_ctx *c, const char *name, bool *untagged_only,
		  struct brig_err *e)
{
	struct image_users u = users_of(c);
	cleanup_free char *id = events_image_id(c, name); /* before it goes */
	bool untag = false;
	int r = image_remove(c, &u, name, &untag, e);

	if (r >= 0)
		events_image(c, untag ? "untag" : "delete", name, id);
	if (untagged_only)
		*untagged_only = untag;
	return r;
}

int images_prune(const struct brig_ctx *c, bool all, int *removed, struct brig_err *e)
{
	struct image_users u = users_of(c);
	int pulls = 0;

	if (image_prune(c, &u, all, removed, e) < 0 || images_pull_prune(c, &pulls, e) < 0)
		return -e->code;
	if (removed)
		*removed += pulls;
	return 0;
}

int images_save_fd(const struct brig_ctx *c, const char *const *names, size_t n, int fd,
		   struct brig_err *e)
{
	return image_save(c, names, n, fd, e);
}
