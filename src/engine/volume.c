/* volume.c - the volume store under <root>/volumes (see volume.h). */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "events.h"
#include "labels.h"
#include "spec.h"
#include "state.h"
#include "util.h"
#include "volume.h"

/* Docker's label on the volumes it makes for a lone -v PATH. */
#define ANON_LABEL "com.docker.volume.anonymous"

static int volumes_dir(const struct brig_ctx *c, char *out, size_t len, struct brig_err *e)
{
	int n = snprintf(out, len, "%s/volumes", c->root);

	if (n < 0 || (size_t)n >= len)
		return brig_errf(e, ENAMETOOLONG, "volumes directory: path too long");
	return 0;
}

/* <root>/volumes/<name>[/<file>], name checked first: it becomes a path. */
static int bad_name(const char *name, struct brig_err *e)
{
	brig_errf(e, EINVAL, "invalid volume name '%s': must match [a-zA-Z0-9][a-zA-Z0-9_.-]+ (at most %d characters)",
		  name, MOUNTSPEC_NAME_MAX);
	mountspec_one_line(e);
	return -e->code;
}

static int no_such(const char *name, struct brig_err *e)
{
	brig_errf(e, ENOENT, "volume '%s': no such volume", name);
	mountspec_one_line(e);
	return -e->code;
}

static int vol_path(const struct brig_ctx *c, const char *name, const char *file, char *out,
		    size_t len, struct brig_err *e)
{
	int n;

	if (!mountspec_valid_name(name))
		return bad_name(name, e);
	n = snprintf(out, len, "%s/volumes/%s%s%s", c->root, name, file ? "/" : "", file ? file : "");
	if (n < 0 || (size_t)n >= len)
		return brig_errf(e, ENAMETOOLONG, "volume %s: path too long", name);
	return 0;
}

int volume_path(const struct brig_ctx *c, const char *name, char *out, size_t len,
		struct brig_err *e)
{
	return vol_path(c, name, "_data", out, len, e);
}

/* A volume exists when its _data directory does. */
static bool exists(const struct brig_ctx *c, const char *name)
{
	char path[PATH_MAX];
	struct brig_err e;
	struct stat st;

	return volume_path(c, name, path, sizeof(path), &e) == 0 && lstat(path, &st) == 0 &&
	       S_ISDIR(st.st_mode);
}

/* ---- create ---- */

/* The volume's labels, and Docker's mark on an anonymous one. */
static json_t *volume_labels(char *const *labels, size_t n, bool anonymous)
{
	json_t *o = labels_json(labels, n);

	if (o && anonymous && json_object_set_new(o, ANON_LABEL, json_string("")) < 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static int check_labels(char *const *labels, size_t n, struct brig_err *e)
{
	for (size_t i = 0; i < n; i++)
		if (labels_check(labels[i], e) < 0)
			return -e->code;
	return 0;
}

/* volume.json of a new volume into dir. */
static int write_record(const char *dir, const char *name, char *const *labels, size_t n,
			bool anonymous, struct brig_err *e)
{
	char path[PATH_MAX + 16], created[40];
	cleanup_json json_t *j = NULL;
	cleanup_free char *text = NULL;

	rfc3339(now_ns(), created, sizeof(created));
	j = json_pack("{s:s,s:s,s:o,s:b}", "name", name, "created", created, "labels",
		      volume_labels(labels, n, anonymous), "anonymous", anonymous);
	if (!j || !(text = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS)))
		return brig_errf(e, ENOMEM, "volume %s: out of memory", name);
	snprintf(path, sizeof(path), "%s/volume.json", dir);
	return write_atomic(path, text, strlen(text), e);
}

/* Build the volume in a temporary directory, then rename it into place:
 * a volume shows whole or not at all.  Losing a race to a concurrent
 * maker of the same name is success. */
static int make(const struct brig_ctx *c, const char *name, char *const *labels, size_t n,
		bool anonymous, struct brig_err *e)
{
	char dir[PATH_MAX], tmp[PATH_MAX], final[PATH_MAX], data[PATH_MAX + 8];
	struct brig_err ignore;

	if (vol_path(c, name, NULL, final, sizeof(final), e) < 0 ||
	    volumes_dir(c, dir, sizeof(dir), e) < 0 || mkdir_p(dir, 0700, e) < 0)
		return -e->code;
	if (snprintf(tmp, sizeof(tmp), "%s/.new-%s-XXXXXX", dir, name) >= (int)sizeof(tmp))
		return brig_errf(e, ENAMETOOLONG, "volume %s: path too long", name);
	if (!mkdtemp(tmp))
		return brig_errno(e, "volume %s: create %s", name, tmp);
	snprintf(data, sizeof(data), "%s/_data", tmp);
	if (chmod(tmp, 0700) < 0 || mkdir(data, 0755) < 0 || chmod(data, 0755) < 0) {
		brig_errno(e, "volume %s: create %s", name, data);
		goto fail;
	}
	if (write_record(tmp, name, labels, n, anonymous, e) < 0)
		goto fail;
	if (rename(tmp, final) == 0 || (errno == EEXIST || errno == ENOTEMPTY)) {
		remove_tree(tmp, &ignore); /* nothing left after a rename */
		return 0;
	}
	brig_errno(e, "volume %s: rename into place", name);
fail:
	remove_tree(tmp, &ignore);
	return -e->code;
}

int volume_ensure(const struct brig_ctx *c, const char *name, bool anonymous, struct brig_err *e)
{
	if (exists(c, name))
		return 0;
	return make(c, name, NULL, 0, anonymous, e);
}

int volume_create(const struct brig_ctx *c, const char *name, char *const *labels, size_t n_labels,
		  char name_out[MOUNTSPEC_NAME_MAX + 1], struct brig_err *e)
{
	char id[BRIG_ID_LEN + 1];
	int lock, r;

	if (!name) {
		if (gen_id(id, e) < 0)
			return -e->code;
		name = id;
	}
	if (!mountspec_valid_name(name))
		return bad_name(name, e);
	if (check_labels(labels, n_labels, e) < 0)
		return -e->code;
	lock = state_lock(c, e);
	if (lock < 0)
		return lock;
	r = exists(c, name) ? 0 : make(c, name, labels, n_labels, false, e);
	state_unlock(lock);
	if (r == 0)
		events_volume(c, "create", name);
	if (r == 0 && name_out)
		snprintf(name_out, MOUNTSPEC_NAME_MAX + 1, "%s", name);
	return r;
}

/* ---- read ---- */

/* The record of volume name (the key "anonymous" and the labels), or an
 * empty one for a volume without a readable record. */
static json_t *load_record(const struct brig_ctx *c, const char *name)
{
	char path[PATH_MAX];
	struct brig_err e;
	json_t *j = NULL;

	if (vol_path(c, name, "volume.json", path, sizeof(path), &e) == 0)
		j = json_load_file(path, 0, NULL);
	if (!json_is_object(j)) {
		json_decref(j);
		j = json_object();
	}
	return j;
}

static bool is_anonymous(const struct brig_ctx *c, const char *name)
{
	cleanup_json json_t *j = load_record(c, name);

	return json_is_true(json_object_get(j, "anonymous"));
}

/* Docker's document for one volume. */
static json_t *document(const struct brig_ctx *c, const char *name)
{
	char mountpoint[PATH_MAX];
	cleanup_json json_t *rec = load_record(c, name);
	json_t *labels = json_object_get(rec, "labels");
	const char *created = json_string_value(json_object_get(rec, "created"));
	struct brig_err e;

	if (volume_path(c, name, mountpoint, sizeof(mountpoint), &e) < 0)
		return NULL;
	return json_pack("{s:s,s:s,s:O,s:s,s:s,s:{},s:s}", "CreatedAt", created ? created : "",
			 "Driver", "local", "Labels", json_is_object(labels) ? labels : json_null(),
			 "Mountpoint", mountpoint, "Name", name, "Options", "Scope", "local");
}

int volume_inspect(const struct brig_ctx *c, char *const *names, size_t n, json_t **docs,
		   void (*on_error)(void *arg, const struct brig_err *e), void *arg,
		   struct brig_err *e)
{
	json_t *out = json_array();
	int missing = 0;

	if (!out)
		return brig_errf(e, ENOMEM, "volume inspect: out of memory");
	for (size_t i = 0; i < n; i++) {
		struct brig_err one;
		json_t *doc = NULL;

		if (!mountspec_valid_name(names[i]) || !exists(c, names[i]))
			no_such(names[i], &one);
		else if (!(doc = document(c, names[i])))
			brig_errf(&one, ENOMEM, "volume '%s': out of memory", names[i]);
		if (doc) {
			json_array_append_new(out, doc);
			continue;
		}
		missing++;
		if (on_error)
			on_error(arg, &one);
	}
	*docs = out;
	return missing;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void names_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* The names of every volume, sorted, NULL terminated (malloc'd). */
static int names_list(const struct brig_ctx *c, char ***out, struct brig_err *e)
{
	char dir[PATH_MAX];
	cleanup_dir DIR *d = NULL;
	struct dirent *de;
	size_t n = 0;
	char **v = calloc(1, sizeof(*v));

	if (!v || volumes_dir(c, dir, sizeof(dir), e) < 0) {
		free(v);
		return v ? -e->code : brig_errf(e, ENOMEM, "volumes: out of memory");
	}
	*out = v;
	if (!(d = opendir(dir)))
		return errno == ENOENT ? 0 : brig_errno(e, "open %s", dir);
	while ((de = readdir(d))) {
		char **nv;
		if (!mountspec_valid_name(de->d_name) || !exists(c, de->d_name))
			continue; /* ".new-" and ".rm-" leftovers, stray files */
		if (!(nv = realloc(v, (n + 2) * sizeof(*v))))
			return brig_errf(e, ENOMEM, "volumes: out of memory");
		*out = v = nv;
		/* v[n] was the terminator: a failed strdup leaves it one */
		if (!(v[n] = strdup(de->d_name)))
			return brig_errf(e, ENOMEM, "volumes: out of memory");
		v[++n] = NULL;
	}
	qsort(v, n, sizeof(*v), by_name);
	return 0;
}

int volume_list(const struct brig_ctx *c, json_t **out, struct brig_err *e)
{
	char **names = NULL;
	json_t *a = json_array();
	int r = names_list(c, &names, e);

	for (size_t i = 0; r == 0 && a && names[i]; i++)
		if (json_array_append_new(a, document(c, names[i])) < 0)
			r = brig_errf(e, ENOMEM, "volumes: out of memory");
	names_free(names);
	if (!a)
		r = brig_errf(e, ENOMEM, "volumes: out of memory");
	if (r < 0) {
		json_decref(a);
		return r;
	}
	*out = a;
	return 0;
}

/* ---- in use, remove, prune ---- */

static bool names_volume(const struct container_spec *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->n_mounts; i++)
		if (cfg->mounts[i].type == MOUNT_VOLUME && cfg->mounts[i].source &&
		    strcmp(cfg->mounts[i].source, name) == 0)
			return true;
	return false;
}

int volume_user(const struct brig_ctx *c, const char *name, char id[BRIG_ID_LEN + 1],
		char user[64], struct brig_err *e)
{
	char **ids = NULL;
	int found = 0;

	if (state_list(c, &ids, e) < 0)
		return -e->code;
	for (char **p = ids; *p && !found; p++) {
		struct container_spec cfg;
		struct brig_err skip;
		if (state_load(c, *p, &cfg, NULL, &skip) == 0 && names_volume(&cfg, name)) {
			found = 1;
			if (id)
				snprintf(id, BRIG_ID_LEN + 1, "%s", *p);
			if (user)
				snprintf(user, 64, "%s", cfg.name ? cfg.name : "");
		}
		spec_free(&cfg);
	}
	state_list_free(ids);
	return found;
}

/* Rename the volume away, then remove it: what is left after a crash is a
 * ".rm-" directory prune removes, never half a volume. */
static int destroy(const struct brig_ctx *c, const char *name, struct brig_err *e)
{
	char path[PATH_MAX], gone[PATH_MAX + 96], id[BRIG_ID_LEN + 1];

	if (vol_path(c, name, NULL, path, sizeof(path), e) < 0 || gen_id(id, e) < 0)
		return -e->code;
	snprintf(gone, sizeof(gone), "%s/volumes/.rm-%.16s", c->root, id);
	if (rename(path, gone) < 0)
		return brig_errno(e, "remove volume %s", name);
	return remove_tree(gone, e);
}

/* The lock is held: no container is being created with it. */
static int remove_locked(const struct brig_ctx *c, const char *name, bool force,
			 struct brig_err *e)
{
	char id[BRIG_ID_LEN + 1], user[64];
	int r;

	if (!exists(c, name))
		return force ? 0 : no_such(name, e);
	r = volume_user(c, name, id, user, e);
	if (r < 0)
		return r;
	if (r > 0)
		return brig_errf(e, EBUSY, "volume %s is in use by container %s (%.12s): remove the container first",
				 name, user, id);
	return destroy(c, name, e);
}

int volume_remove(const struct brig_ctx *c, const char *name, bool force, struct brig_err *e)
{
	int lock, r;

	if (!mountspec_valid_name(name))
		return force ? 0 : no_such(name, e);
	lock = state_lock(c, e);
	if (lock < 0)
		return lock;
	r = remove_locked(c, name, force, e);
	state_unlock(lock);
	if (r == 0)
		events_volume(c, "destroy", name);
	return r;
}

/* Leftovers of a crash: ".new-" and ".rm-" directories. */
static void sweep(const struct brig_ctx *c)
{
	char dir[PATH_MAX], path[PATH_MAX + 256];
	cleanup_dir DIR *d = NULL;
	struct dirent *de;
	struct brig_err e;

	if (volumes_dir(c, dir, sizeof(dir), &e) < 0 || !(d = opendir(dir)))
		return;
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, ".new-", 5) || !strncmp(de->d_name, ".rm-", 4)) {
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			remove_tree(path, &e);
		}
}

static int prune_locked(const struct brig_ctx *c, bool all, json_t *removed, int64_t *reclaimed,
			struct brig_err *e)
{
	char **names = NULL, path[PATH_MAX];
	int r = names_list(c, &names, e);

	for (size_t i = 0; r == 0 && names[i]; i++) {
		int used;
		if (!all && !is_anonymous(c, names[i]))
			continue;
		used = volume_user(c, names[i], NULL, NULL, e);
		if (used < 0) {
			r = used;
			break;
		}
		if (used)
			continue;
		if (vol_path(c, names[i], NULL, path, sizeof(path), e) == 0)
			*reclaimed += tree_size(path);
		if (destroy(c, names[i], e) < 0)
			r = -e->code;
		else
			json_array_append_new(removed, json_string(names[i]));
	}
	names_free(names);
	sweep(c);
	return r;
}

int volume_prune(const struct brig_ctx *c, bool all, json_t **removed, int64_t *reclaimed,
		 struct brig_err *e)
{
	json_t *list = json_array();
	int lock, r;

	*reclaimed = 0;
	if (!list)
		return brig_errf(e, ENOMEM, "volume prune: out of memory");
	lock = state_lock(c, e);
	if (lock < 0) {
		json_decref(list);
		return lock;
	}
	r = prune_locked(c, all, list, reclaimed, e);
	state_unlock(lock);
	*removed = list;
	return r;
}
