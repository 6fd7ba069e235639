/* store.c - paths, lock, references and records of the image store
 * (store.h). */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "proc.h"
#include "ref.h"
#include "image.h"
#include "store.h"
#include "util.h"

#define RECORD_MAX (4 << 20)

int store_path(const struct brig_ctx *c, const char *sub, char *out, size_t len,
	       struct brig_err *e)
{
	int n = snprintf(out, len, "%s/images%s%s", c->root, sub ? "/" : "", sub ? sub : "");

	if (n < 0 || (size_t)n >= len)
		return brig_errf(e, ENAMETOOLONG, "images path under %s: too long", c->root);
	return 0;
}

static int store_sub(const struct brig_ctx *c, const char *dir, const char *hex, const char *file,
		     char *out, size_t len, struct brig_err *e)
{
	char sub[PATH_MAX];

	if (!hex_id_valid(hex))
		return brig_errf(e, EINVAL, "'%s': not an image or layer id", hex);
	snprintf(sub, sizeof(sub), "%s/%s%s%s", dir, hex, file ? "/" : "", file ? file : "");
	return store_path(c, sub, out, len, e);
}

int store_image_path(const struct brig_ctx *c, const char *id, const char *file, char *out,
		     size_t len, struct brig_err *e)
{
	return store_sub(c, "by-id", id, file, out, len, e);
}

int store_layer_path(const struct brig_ctx *c, const char *hex, const char *file, char *out,
		     size_t len, struct brig_err *e)
{
	return store_sub(c, "layers", hex, file, out, len, e);
}

static int read_json(const char *path, json_t **out, struct brig_err *e)
{
	cleanup_free char *text = NULL;
	json_error_t jerr;

	if (read_file_max(path, O_NOFOLLOW, RECORD_MAX, &text, NULL, e) < 0)
		return -e->code;
	*out = json_loads(text, 0, &jerr);
	if (!*out || !json_is_object(*out)) {
		json_decref(*out);
		*out = NULL;
		return brig_errf(e, EINVAL, "corrupt record %s: %s", path, jerr.text);
	}
	return 0;
}

int store_write_json(const char *path, json_t *j, struct brig_err *e)
{
	cleanup_free char *text = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);

	if (!text)
		return brig_errf(e, ENOMEM, "out of memory");
	return write_atomic(path, text, strlen(text), e);
}

int store_canonical(const char *name, char *out, size_t len, struct brig_err *e)
{
	struct image_ref r;

	if (ref_parse(name, &r, e) < 0)
		return -e->code;
	ref_string(&r, out, len);
	return 0;
}

/* Names of a store written before layers: <name>.json {"id": ...}. */
static void legacy_refs(const struct brig_ctx *c, json_t *map, json_t *files)
{
	char dir[PATH_MAX];
	cleanup_dir DIR *d = NULL;
	struct dirent *de;

	if (store_path(c, NULL, dir, sizeof(dir), &(struct brig_err){ 0 }) < 0 || !(d = opendir(dir)))
		return;
	while ((de = readdir(d))) {
		char path[PATH_MAX], name[256], key[REF_MAX];
		size_t l = strlen(de->d_name);
		struct brig_err ignored;
		json_t *rec = NULL;

		if (l <= 5 || strcmp(de->d_name + l - 5, ".json") || de->d_name[0] == '.' ||
		    !strcmp(de->d_name, "repositories.json"))
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(l - 5), de->d_name);
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= (int)sizeof(path) ||
		    read_json(path, &rec, &ignored) < 0)
			continue;
		if (hex_id_valid(json_string_value(json_object_get(rec, "id")))) {
			if (store_canonical(name, key, sizeof(key), &ignored) < 0)
				snprintf(key, sizeof(key), "%s", name);
			if (!json_object_get(map, key))
				json_object_set(map, key, json_object_get(rec, "id"));
			if (files)
				json_array_append_new(files, json_string(path));
		}
		json_decref(rec);
	}
}

int store_refs(const struct brig_ctx *c, json_t **refs, struct brig_err *e)
{
	char path[PATH_MAX];
	json_t *j = NULL, *map;
	bool legacy = false;

	if (store_path(c, "repositories.json", path, sizeof(path), e) < 0)
		return -e->code;
	if (read_json(path, &j, e) < 0) {
		if (e->code != ENOENT)
			return -e->code;
		j = json_object();
		legacy = true; /* never written: maybe a store of an older brig */
	}
	map = json_object_get(j, "refs");
	map = json_is_object(map) ? json_incref(map) : json_object();
	json_decref(j);
	if (!map)
		return brig_errf(e, ENOMEM, "out of memory");
	/* Once repositories.json exists, the first writer has folded the old
	 * names into it: a run need not look for them again. */
	if (legacy)
		legacy_refs(c, map, NULL);
	*refs = map;
	return 0;
}

int store_refs_save(const struct brig_ctx *c, json_t *refs, struct brig_err *e)
{
	char path[PATH_MAX];
	cleanup_json json_t *j = json_pack("{s:O}", "refs", refs);

	if (!j)
		return brig_errf(e, ENOMEM, "out of memory");
	if (store_path(c, "repositories.json", path, sizeof(path), e) < 0)
		return -e->code;
	return store_write_json(path, j, e);
}

/* Fold a legacy store's <name>.json files into repositories.json. */
static int migrate(const struct brig_ctx *c, struct brig_err *e)
{
	cleanup_json json_t *files = json_array(), *refs = NULL;
	size_t i;
	json_t *f;

	if (!files)
		return brig_errf(e, ENOMEM, "out of memory");
	if (store_refs(c, &refs, e) < 0)
		return -e->code;
	legacy_refs(c, refs, files);
	if (!json_array_size(files))
		return 0;
	if (store_refs_save(c, refs, e) < 0)
		return -e->code;
	json_array_foreach(files, i, f)
		unlink(json_string_value(f));
	return 0;
}

int store_lock(const struct brig_ctx *c, struct brig_err *e)
{
	char path[PATH_MAX];
	int fd;

	if (store_path(c, NULL, path, sizeof(path), e) < 0 || mkdir_p(path, 0700, e) < 0 ||
	    store_path(c, ".lock", path, sizeof(path), e) < 0)
		return -e->code;
	fd = lock_file(path, e);
	if (fd < 0)
		return fd;
	if (migrate(c, e) < 0) {
		close(fd);
		return -e->code;
	}
	return fd;
}

static bool is_hex(const char *s)
{
	for (; *s; s++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return true;
}

/* An image id, or a prefix of one naming a single image. */
static int find_id(const struct brig_ctx *c, const char *name, char id[SHA256_HEX + 1],
		   struct brig_err *e)
{
	const char *hex = strncmp(name, "sha256:", 7) ? name : name + 7;
	size_t n = strlen(hex), found = 0;
	char dir[PATH_MAX];
	cleanup_dir DIR *d = NULL;
	struct dirent *de;

	if (n < 4 || n > SHA256_HEX || !is_hex(hex) || store_path(c, "by-id", dir, sizeof(dir), e) < 0)
		return -ENOENT;
	d = opendir(dir);
	while (d && (de = readdir(d))) {
		if (!hex_id_valid(de->d_name) || strncmp(de->d_name, hex, n))
			continue;
		if (found++)
			return brig_errf(e, EINVAL, "image id prefix '%s' is ambiguous", name);
		memcpy(id, de->d_name, SHA256_HEX + 1);
	}
	return found ? 0 : -ENOENT;
}

int store_find(const struct brig_ctx *c, const char *name, char id[SHA256_HEX + 1],
	       struct brig_err *e)
{
	cleanup_json json_t *refs = NULL;
	char key[REF_MAX];
	struct brig_err why;
	const char *v;
	int r;

	if (store_refs(c, &refs, e) < 0)
		return -e->code;
	v = json_string_value(json_object_get(refs, name));
	if (!v && store_canonical(name, key, sizeof(key), &why) == 0)
		v = json_string_value(json_object_get(refs, key));
	if (v && hex_id_valid(v)) {
		snprintf(id, SHA256_HEX + 1, "%s", v);
		return 0;
	}
	r = find_id(c, name, id, e);
	if (r == -ENOENT)
		return brig_errf(e, ENOENT, "image '%s': no such image", name);
	return r;
}

int store_config(const struct brig_ctx *c, const char *id, json_t **cfg, struct brig_err *e)
{
	char path[PATH_MAX];

	if (store_image_path(c, id, "config.json", path, sizeof(path), e) < 0)
		return -e->code;
	if (read_json(path, cfg, e) == 0)
		return 0;
	if (e->code != ENOENT)
		return -e->code;
	/* A legacy flat image: no config, its rootfs/ beside. */
	if (store_image_path(c, id, "rootfs", path, sizeof(path), e) < 0)
		return -e->code;
	if (access(path, F_OK) < 0)
		return brig_errf(e, ENOENT, "image %.12s: no such image", id);
	*cfg = json_object();
	return *cfg ? 0 : brig_errf(e, ENOMEM, "out of memory");
}

int store_meta(const struct brig_ctx *c, const char *id, json_t **meta, struct brig_err *e)
{
	char path[PATH_MAX];

	if (store_image_path(c, id, "meta.json", path, sizeof(path), e) < 0)
		return -e->code;
	if (read_json(path, meta, e) == 0)
		return 0;
	if (e->code != ENOENT)
		return -e->code;
	*meta = json_object();
	return *meta ? 0 : brig_errf(e, ENOMEM, "out of memory");
}

json_t *store_diff_ids(json_t *cfg)
{
	json_t *ids = json_object_get(json_object_get(cfg, "rootfs"), "diff_ids");

	return json_is_array(ids) ? ids : NULL;
}

int64_t store_layer_size(const struct brig_ctx *c, const char *diff_id)
{
	char path[PATH_MAX];
	struct brig_err ignored;
	json_t *rec = NULL;
	int64_t size;

	if (!digest_valid(diff_id) ||
	    store_layer_path(c, diff_id + 7, "layer.json", path, sizeof(path), &ignored) < 0 ||
	    read_json(path, &rec, &ignored) < 0)
		return 0;
	size = (int64_t)json_integer_value(json_object_get(rec, "size"));
	json_decref(rec);
	return size;
}

int64_t store_image_size(const struct brig_ctx *c, const char *id, json_t *cfg)
{
	json_t *ids = store_diff_ids(cfg), *d;
	char path[PATH_MAX];
	int64_t total = 0;
	size_t i;

	if (!ids) {
		if (store_image_path(c, id, "rootfs", path, sizeof(path), &(struct brig_err){ 0 }) < 0)
			return 0;
		return tree_size(path);
	}
	json_array_foreach(ids, i, d)
		total += store_layer_size(c, json_string_value(d));
	return total;
}

/* tmp/<pid>-<starttime>-<random>: its importer, to tell stale ones. */
static bool tmp_alive(const char *name)
{
	unsigned long long start;
	int pid;

	if (sscanf(name, "%d-%llu-", &pid, &start) != 2 || pid <= 0)
		return false;
	return proc_starttime(pid) == start;
}

int store_tmp_sweep(const struct brig_ctx *c)
{
	char dir[PATH_MAX], path[PATH_MAX];
	cleanup_dir DIR *d = NULL;
	struct dirent *de;
	int n = 0;

	if (store_path(c, "tmp", dir, sizeof(dir), &(struct brig_err){ 0 }) < 0 || !(d = opendir(dir)))
		return 0;
	while ((de = readdir(d))) {
		struct brig_err ignored;
		if (de->d_name[0] == '.' || tmp_alive(de->d_name) ||
		    snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= (int)sizeof(path))
			continue;
		if (remove_tree(path, &ignored) == 0)
			n++;
	}
	return n;
}

int store_tmp(const struct brig_ctx *c, char *out, size_t len, struct brig_err *e)
{
	char dir[PATH_MAX], rnd[BRIG_ID_LEN + 1];
	pid_t pid = getpid();
	int n;

	if (store_path(c, "tmp", dir, sizeof(dir), e) < 0 || mkdir_p(dir, 0700, e) < 0 ||
	    gen_id(rnd, e) < 0)
		return -e->code;
	store_tmp_sweep(c);
	n = snprintf(out, len, "%s/%d-%llu-%.16s", dir, pid, proc_starttime(pid), rnd);
	if (n < 0 || (size_t)n >= len)
		return brig_errf(e, ENAMETOOLONG, "%s: path too long", dir);
	if (mkdir(out, 0700) < 0)
		return brig_errno(e, "mkdir %s", out);
	return 0;
}

int image_tmp_dir(const struct brig_ctx *c, char *out, size_t len, struct brig_err *e)
{
	return store_tmp(c, out, len, e);
}
