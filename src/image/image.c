/* image.c - the store as its users see it: resolve an image for a
 * container, inspect, list, tag, history, remove, prune (image.h).
 * Imports are in import.c, the files in store.c. */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "image.h"
#include "ref.h"
#include "store.h"

/* ---- resolve ----------------------------------------------------------- */

/* "a:b:c": the layers' directories, top first. */
static int lower_dirs(const struct brig_ctx *c, const char *id, json_t *cfg, char **out,
		      struct brig_err *e)
{
	json_t *ids = store_diff_ids(cfg);
	size_t n = ids ? json_array_size(ids) : 0, len = 1;
	char path[PATH_MAX];
	char *s;

	if (!ids) {
		if (store_image_path(c, id, "rootfs", path, sizeof(path), e) < 0)
			return -e->code;
		*out = strdup(path);
		return *out ? 0 : brig_errf(e, ENOMEM, "out of memory");
	}
	if (n == 0)
		return brig_errf(e, EINVAL, "image %.12s has no layers", id);
	s = calloc(n, PATH_MAX + 1);
	if (!s)
		return brig_errf(e, ENOMEM, "out of memory");
	for (size_t i = n; i-- > 0;) {
		const char *d = json_string_value(json_array_get(ids, i));
		if (!digest_valid(d) || store_layer_path(c, d + 7, "diff", path, sizeof(path), e) < 0) {
			free(s);
			return brig_errf(e, EINVAL, "image %.12s: bad layer id", id);
		}
		if (access(path, F_OK) < 0) {
			free(s);
			return brig_errf(e, ENOENT, "image %.12s: layer %.19s is missing", id, d);
		}
		len += (size_t)sprintf(s + len - 1, "%s%s", len > 1 ? ":" : "", path);
	}
	*out = s;
	return 0;
}

int image_resolve(const struct brig_ctx *c, const char *name, struct image_info *out,
		  struct brig_err *e)
{
	cleanup_json json_t *cfg = NULL;
	json_t *conf;

	memset(out, 0, sizeof(*out));
	if (store_find(c, name, out->id, e) < 0 || store_config(c, out->id, &cfg, e) < 0 ||
	    lower_dirs(c, out->id, cfg, &out->lower, e) < 0)
		return -e->code;
	conf = json_object_get(cfg, "config");
	out->config = json_is_object(conf) ? json_incref(conf) : json_object();
	return 0;
}

int image_find(const struct brig_ctx *c, const char *name, char id[BRIG_ID_LEN + 1],
	       struct brig_err *e)
{
	return store_find(c, name, id, e);
}

void image_info_free(struct image_info *info)
{
	free(info->lower);
	json_decref(info->config);
	info->lower = NULL;
	info->config = NULL;
}

/* ---- inspect, list ----------------------------------------------------- */

/* References of id, familiar ("alpine:latest"), in map order. */
static json_t *tags_of(json_t *refs, const char *id)
{
	json_t *tags = json_array(), *v;
	const char *key;

	json_object_foreach(refs, key, v) {
		if (!strcmp(json_string_value(v), id) && !strchr(key, '@'))
			json_array_append_new(tags, json_string(ref_familiar(key)));
	}
	return tags;
}

static const char *str_or(json_t *obj, const char *key, const char *def)
{
	const char *v = json_string_value(json_object_get(obj, key));

	return v ? v : def;
}

static json_t *inspect_doc(const struct brig_ctx *c, const char *id, json_t *refs, json_t *cfg,
			   json_t *meta)
{
	char full[DIGEST_MAX];
	json_t *layers = store_diff_ids(cfg), *conf = json_object_get(cfg, "config");
	json_t *digests = json_object_get(meta, "repo_digests");

	snprintf(full, sizeof(full), "sha256:%.64s", id);
	return json_pack("{s:s, s:o, s:o, s:s, s:s, s:s, s:I, s:o, s:{s:s, s:o}, s:{s:s, s:s}}",
			 "Id", full, "RepoTags", tags_of(refs, id), "RepoDigests",
			 json_is_array(digests) ? json_incref(digests) : json_array(), "Created",
			 str_or(cfg, "created", ""), "Architecture", str_or(cfg, "architecture", ""),
			 "Os", str_or(cfg, "os", "linux"), "Size",
			 (json_int_t)store_image_size(c, id, cfg), "Config",
			 json_is_object(conf) ? json_incref(conf) : json_object(), "RootFS", "Type",
			 "layers", "Layers", layers ? json_incref(layers) : json_array(), "Metadata",
			 "Source", str_or(meta, "source", ""), "Imported", str_or(meta, "imported", ""));
}

int image_inspect(const struct brig_ctx *c, const char *name, json_t **out, struct brig_err *e)
{
	cleanup_json json_t *refs = NULL, *cfg = NULL, *meta = NULL;
	char id[SHA256_HEX + 1];

	if (store_find(c, name, id, e) < 0 || store_refs(c, &refs, e) < 0 ||
	    store_config(c, id, &cfg, e) < 0 || store_meta(c, id, &meta, e) < 0)
		return -e->code;
	*out = inspect_doc(c, id, refs, cfg, meta);
	return *out ? 0 : brig_errf(e, ENOMEM, "out of memory");
}

static int by_created(const void *a, const void *b)
{
	const char *x = str_or(*(json_t *const *)a, "Created", "");
	const char *y = str_or(*(json_t *const *)b, "Created", "");

	return strcmp(y, x);
}

/* Rows for one image into arr. */
static void list_image(const struct brig_ctx *c, const char *id, json_t *refs, json_t *arr)
{
	cleanup_json json_t *cfg = NULL;
	char full[DIGEST_MAX];
	struct brig_err ignored;
	const char *key;
	json_t *v;
	bool tagged = false;

	if (store_config(c, id, &cfg, &ignored) < 0)
		return; /* half removed or corrupt: not listed */
	snprintf(full, sizeof(full), "sha256:%.64s", id);
	json_int_t size = (json_int_t)store_image_size(c, id, cfg);
	json_object_foreach(refs, key, v) {
		char repo[REF_MAX];
		const char *colon;
		if (strcmp(json_string_value(v), id) || strchr(key, '@'))
			continue;
		colon = strrchr(key, ':');
		if (!colon || strchr(colon, '/'))
			continue;
		snprintf(repo, sizeof(repo), "%.*s", (int)(colon - key), key);
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:I}", "Repository",
						     ref_familiar(repo), "Tag", colon + 1, "Id",
						     full, "Created", str_or(cfg, "created", ""),
						     "Size", size));
		tagged = true;
	}
	if (!tagged)
		json_array_append_new(arr, json_pack("{s:s, s:s, s:s, s:s, s:I}", "Repository",
						     "<none>", "Tag", "<none>", "Id", full,
						     "Created", str_or(cfg, "created", ""), "Size",
						     size));
}

int image_list(const struct brig_ctx *c, json_t **out, struct brig_err *e)
{
	cleanup_json json_t *refs = NULL;
	char dir[PATH_MAX];
	cleanup_dir DIR *d = NULL;
	struct dirent *de;
	json_t *arr;
	size_t n;

	if (store_refs(c, &refs, e) < 0 || store_path(c, "by-id", dir, sizeof(dir), e) < 0)
		return -e->code;
	arr = json_array();
	if (!arr)
		return brig_errf(e, ENOMEM, "out of memory");
	d = opendir(dir);
	while (d && (de = readdir(d)))
		if (hex_id_valid(de->d_name))
			list_image(c, de->d_name, refs, arr);
	n = json_array_size(arr);
	{
		json_t **rows = calloc(n ? n : 1, sizeof(*rows));
		if (!rows) {
			json_decref(arr);
			return brig_errf(e, ENOMEM, "out of memory");
		}
		for (size_t i = 0; i < n; i++)
			rows[i] = json_incref(json_array_get(arr, i));
		qsort(rows, n, sizeof(*rows), by_created);
		json_array_clear(arr);
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, rows[i]);
		free(rows);
	}
	*out = arr;
	return 0;
}

/* ---- tag, history ------------------------------------------------------- */

int image_tag(const struct brig_ctx *c, const char *src, const char *dst, struct brig_err *e)
{
	cleanup_json json_t *refs = NULL;
	char id[SHA256_HEX + 1], key[REF_MAX];
	int lock, r;

	if (store_canonical(dst, key, sizeof(key), e) < 0)
		return -e->code;
	lock = store_lock(c, e);
	if (lock < 0)
		return lock;
	r = store_find(c, src, id, e);
	if (r == 0)
		r = store_refs(c, &refs, e);
	if (r == 0) {
		json_object_set_new(refs, key, json_string(id));
		r = store_refs_save(c, refs, e);
	}
	close(lock);
	return r;
}

int image_history(const struct brig_ctx *c, const char *name, json_t **out, struct brig_err *e)
{
	cleanup_json json_t *cfg = NULL;
	char id[SHA256_HEX + 1];
	json_t *hist, *h, *ids, *arr;
	size_t i, layer = 0;

	if (store_find(c, name, id, e) < 0 || store_config(c, id, &cfg, e) < 0)
		return -e->code;
	hist = json_object_get(cfg, "history");
	ids = store_diff_ids(cfg);
	arr = json_array();
	if (!arr)
		return brig_errf(e, ENOMEM, "out of memory");
	json_array_foreach(hist, i, h) {
		json_int_t size = 0;
		if (!json_is_true(json_object_get(h, "empty_layer")))
			size = store_layer_size(c, json_string_value(json_array_get(ids, layer++)));
		json_array_insert_new(arr, 0,
				      json_pack("{s:s, s:s, s:I, s:s}", "Created",
						str_or(h, "created", ""), "CreatedBy",
						str_or(h, "created_by", ""), "Size", size, "Comment",
						str_or(h, "comment", "")));
	}
	*out = arr;
	return 0;
}

/* ---- remove, prune ------------------------------------------------------ */

static bool referenced(json_t *refs, const char *id)
{
	const char *key;
	json_t *v;

	json_object_foreach(refs, key, v)
		if (!strcmp(json_string_value(v), id))
			return true;
	return false;
}

/* Remove every reference to id from the map. */
static void drop_refs(json_t *refs, const char *id)
{
	const char *key;
	json_t *v;
	void *tmp;

	json_object_foreach_safe(refs, tmp, key, v)
		if (!strcmp(json_string_value(v), id))
			json_object_del(refs, key);
}

static int drop_image(const struct brig_ctx *c, const char *id, struct brig_err *e)
{
	char dir[PATH_MAX];

	if (store_image_path(c, id, NULL, dir, sizeof(dir), e) < 0)
		return -e->code;
	return remove_tree(dir, e);
}

/* Under the users' lock: EBUSY when a container uses id. */
static int check_unused(const struct image_users *users, const char *id, const char *name,
			struct brig_err *e)
{
	bool used = false;

	if (users->in_use(users->arg, id, &used, e) < 0)
		return brig_err_ctx(e, "image %s", name);
	if (used)
		return brig_errf(e, EBUSY, "image %s is in use by a container", name);
	return 0;
}

int image_remove(const struct brig_ctx *c, const struct image_users *users, const char *name,
		 bool *untagged_only, struct brig_err *e)
{
	cleanup_json json_t *refs = NULL;
	char id[SHA256_HEX + 1], key[REF_MAX];
	int lock, slock = -1, r;

	*untagged_only = false;
	lock = store_lock(c, e);
	if (lock < 0)
		return lock;
	r = store_find(c, name, id, e);
	if (r == 0)
		r = store_refs(c, &refs, e);
	if (r < 0)
		goto out;
	/* A reference of an image with others: only the reference goes. */
	if (store_canonical(name, key, sizeof(key), &(struct brig_err){ 0 }) < 0 ||
	    !json_object_get(refs, key))
		snprintf(key, sizeof(key), "%s", name);
	if (json_object_get(refs, key)) {
		json_object_del(refs, key);
		if (referenced(refs, id)) {
			*untagged_only = true;
			r = store_refs_save(c, refs, e);
			goto out;
		}
	}
	/* The last reference: the image goes too, unless a container uses it
	 * (checked with new users held off until it is gone). */
	slock = users->lock(users->arg, e);
	if (slock < 0) {
		r = slock;
		goto out;
	}
	r = check_unused(users, id, name, e);
	if (r == 0) {
		drop_refs(refs, id);
		r = store_refs_save(c, refs, e);
	}
	if (r == 0)
		r = drop_image(c, id, e);
	users->unlock(users->arg, slock);
out:
	close(lock);
	return r;
}

/* Layers no remaining image names. */
static int prune_layers(const struct brig_ctx *c, int *count, struct brig_err *e)
{
	cleanup_json json_t *keep = json_object();
	char dir[PATH_MAX], path[PATH_MAX];
	cleanup_dir DIR *d = NULL;
	struct dirent *de;

	if (!keep || store_path(c, "by-id", dir, sizeof(dir), e) < 0)
		return keep ? -e->code : brig_errf(e, ENOMEM, "out of memory");
	d = opendir(dir);
	while (d && (de = readdir(d))) {
		cleanup_json json_t *cfg = NULL;
		json_t *v;
		size_t i;
		if (!hex_id_valid(de->d_name) || store_config(c, de->d_name, &cfg, e) < 0)
			continue;
		json_array_foreach(store_diff_ids(cfg), i, v)
			if (digest_valid(json_string_value(v)))
				json_object_set_new(keep, json_string_value(v) + 7, json_true());
	}
	if (d)
		closedir(steal_ptr(d));
	if (store_path(c, "layers", dir, sizeof(dir), e) < 0)
		return -e->code;
	d = opendir(dir);
	while (d && (de = readdir(d))) {
		if (!hex_id_valid(de->d_name) || json_object_get(keep, de->d_name) ||
		    store_layer_path(c, de->d_name, NULL, path, sizeof(path), e) < 0)
			continue;
		if (remove_tree(path, e) < 0)
			return -e->code;
		(*count)++;
	}
	return 0;
}

int image_prune(const struct brig_ctx *c, const struct image_users *users, bool all, int *removed,
		struct brig_err *e)
{
	cleanup_json json_t *refs = NULL;
	char dir[PATH_MAX];
	cleanup_dir DIR *d = NULL;
	struct dirent *de;
	int lock, slock, count = 0, r = 0;

	lock = store_lock(c, e);
	if (lock < 0)
		return lock;
	slock = users->lock(users->arg, e);
	if (slock < 0) {
		close(lock);
		return slock;
	}
	if (store_refs(c, &refs, e) < 0 || store_path(c, "by-id", dir, sizeof(dir), e) < 0)
		r = -e->code;
	d = r == 0 ? opendir(dir) : NULL;
	while (r == 0 && d && (de = readdir(d))) {
		bool used = false;
		if (!hex_id_valid(de->d_name) || (!all && referenced(refs, de->d_name)))
			continue;
		if (users->in_use(users->arg, de->d_name, &used, e) < 0) {
			r = -e->code;
			break;
		}
		if (used)
			continue;
		if (referenced(refs, de->d_name)) {
			drop_refs(refs, de->d_name);
			r = store_refs_save(c, refs, e);
		}
		if (r == 0 && (r = drop_image(c, de->d_name, e)) == 0)
			count++;
	}
	users->unlock(users->arg, slock);
	if (r == 0)
		r = prune_layers(c, &count, e);
	if (r == 0)
		count += store_tmp_sweep(c);
	close(lock);
	if (removed)
		*removed = count;
	return r;
}
