/* state.c - container records under <root>/containers/<id>/. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "spec.h"
#include "spec_parse.h"
#include "state.h"

int state_lock(const struct brig_ctx *c, struct brig_err *e)
{
	char path[PATH_MAX];

	if (mkdir_p(c->runroot, 0700, e) < 0)
		return brig_err_ctx(e, "runtime root");
	snprintf(path, sizeof(path), "%s/state.lock", c->runroot);
	return lock_file(path, e);
}

void state_unlock(int fd)
{
	if (fd >= 0)
		close(fd); /* closing drops the flock */
}

int state_path(const struct brig_ctx *c, const char *id, const char *file, char *out,
	       size_t len, struct brig_err *e)
{
	int n;

	if (file)
		n = snprintf(out, len, "%s/containers/%s/%s", c->root, id, file);
	else
		n = snprintf(out, len, "%s/containers/%s", c->root, id);
	if (n < 0 || (size_t)n >= len)
		return brig_errf(e, ENAMETOOLONG, "path for container %.12s: too long", id);
	return 0;
}

/* With sync, flushed to disk before the rename (write_atomic). */
static int save_json(const char *path, json_t *j, bool sync, struct brig_err *e)
{
	cleanup_free char *text = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);

	if (!text)
		return brig_errf(e, ENOMEM, "encode %s: out of memory", path);
	if (!sync)
		return write_atomic_nosync(path, text, strlen(text), e);
	return write_atomic(path, text, strlen(text), e);
}

static json_t *load_json(const char *path, struct brig_err *e)
{
	json_error_t jerr;
	json_t *j = json_load_file(path, 0, &jerr);

	if (!j)
		brig_errf(e, access(path, F_OK) == 0 ? EINVAL : ENOENT, "read %s: %s", path,
			  jerr.text);
	return j;
}

bool state_config_torn(const struct brig_ctx *c, const char *id)
{
	char path[PATH_MAX];
	struct brig_err e;
	json_t *j;

	if (state_path(c, id, "config.json", path, sizeof(path), &e) < 0 ||
	    access(path, F_OK) < 0)
		return false;
	j = load_json(path, &e);
	json_decref(j);
	return !j && e.code == EINVAL;
}

/* A short, readable generated name: adjective_noun, as Docker does. */
static void gen_name(const char *id, char out[64])
{
	static const char *const adj[] = { "brisk", "calm", "eager", "keen", "lucid", "nimble",
					   "quiet", "rapid", "steady", "vivid", "witty", "bold" };
	static const char *const noun[] = { "packet", "router", "switch", "bridge", "socket",
					    "frame", "hop", "link", "port", "route", "node", "mesh" };
	unsigned v = (unsigned)strtoul((char[9]){ id[0], id[1], id[2], id[3], id[4], id[5], id[6],
						   id[7], 0 },
				       NULL, 16);

	snprintf(out, 64, "%s_%s_%.4s", adj[v % ARRAY_SIZE(adj)],
		 noun[(v / ARRAY_SIZE(adj)) % ARRAY_SIZE(noun)], id + 8);
}

/* Names are indexed as symlinks <root>/names/<name> -> <id>, created with
 * the record under the store lock, so finding one reads one link instead
 * of every record. */
static int name_path(const struct brig_ctx *c, const char *name, char *out, size_t len)
{
	int n = snprintf(out, len, "%s/names/%s", c->root, name);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* Find the record named name; returns 1 and fills id when found.  A link
 * whose record is gone (a crash between the two) does not count. */
static int find_by_name(const struct brig_ctx *c, const char *name, char id[BRIG_ID_LEN + 1])
{
	char path[PATH_MAX], target[BRIG_ID_LEN + 1], rec[PATH_MAX];
	ssize_t n;

	if (!valid_name(name) || name_path(c, name, path, sizeof(path)) < 0)
		return 0;
	n = readlink(path, target, sizeof(target) - 1);
	if (n != BRIG_ID_LEN)
		return 0;
	target[n] = '\0';
	snprintf(rec, sizeof(rec), "%s/containers/%s/config.json", c->root, target);
	if (access(rec, F_OK) < 0)
		return 0;
	memcpy(id, target, BRIG_ID_LEN + 1);
	return 1;
}

static int index_name(const struct brig_ctx *c, const char *name, const char *id,
		      struct brig_err *e)
{
	char path[PATH_MAX], dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s/names", c->root);
	if (mkdir_p(dir, 0700, e) < 0 || name_path(c, name, path, sizeof(path)) < 0)
		return brig_err_ctx(e, "name index");
	unlink(path); /* a stale link: find_by_name said the name is free */
	if (symlink(id, path) < 0)
		return brig_errno(e, "name index %s", name);
	return 0;
}

static void unindex_name(const struct brig_ctx *c, const char *id)
{
	char path[PATH_MAX], target[BRIG_ID_LEN + 1];
	struct container_spec cfg;
	struct brig_err e;

	if (state_load(c, id, &cfg, NULL, &e) == 0 && *cfg.name &&
	    name_path(c, cfg.name, path, sizeof(path)) == 0 &&
	    readlink(path, target, sizeof(target) - 1) == BRIG_ID_LEN &&
	    strncmp(target, id, BRIG_ID_LEN) == 0)
		unlink(path);
	spec_free(&cfg);
}

/* config.json for spec as this record's: its id, name and hostname. */
static int write_config(const struct brig_ctx *c, const struct container_spec *spec,
			const char *id, const char *name, struct container_spec *out,
			struct brig_err *e)
{
	struct container_spec rec = *spec;
	char path[PATH_MAX], short_id[BRIG_SHORT_ID + 1];
	json_t *j;
	int r;

	snprintf(rec.id, sizeof(rec.id), "%s", id);
	rec.name = name;
	snprintf(short_id, sizeof(short_id), "%.*s", BRIG_SHORT_ID, id);
	if (!rec.hostname)
		rec.hostname = short_id;
	if (state_path(c, id, "config.json", path, sizeof(path), e) < 0)
		return -e->code;
	if (!(j = spec_to_json(&rec)))
		return brig_errf(e, ENOMEM, "container config: out of memory");
	/* An --rm record lives no longer than its container, which no crash
	 * survives: it need not reach the disk (the fsync cost 0.4-5 ms of a
	 * start here).  After a crash one left torn is removed by gc
	 * (state_config_torn). */
	r = save_json(path, j, !spec->rm, e);
	if (r == 0)
		r = spec_from_json(j, out, e);
	json_decref(j);
	return r;
}

/* The record's directory appears with its lock already held: it is made
 * as <id>.new (no id: listings skip it), locked, then renamed.  A gc that
 * lists it can never take the lock of a record still being written.  The
 * caller holds the store lock (state_lock), so state_sweep, which takes it
 * too, never sees an <id>.new whose creator is alive. */
static int make_locked(const struct brig_ctx *c, const char *id, int *lock_fd,
		       struct brig_err *e)
{
	char dir[PATH_MAX], tmp[PATH_MAX + 8], lock[PATH_MAX + 16];
	int fd;

	if (state_path(c, id, NULL, dir, sizeof(dir), e) < 0)
		return -e->code;
	snprintf(tmp, sizeof(tmp), "%s.new", dir);
	snprintf(lock, sizeof(lock), "%s/lock", tmp);
	if (mkdir_p(tmp, 0700, e) < 0 || (fd = lock_file(lock, e)) < 0)
		return -e->code;
	if (rename(tmp, dir) < 0) {
		close(fd);
		return brig_errno(e, "rename %s", tmp);
	}
	if (lock_fd)
		*lock_fd = fd;
	else
		close(fd);
	return 0;
}

int state_rename(const struct brig_ctx *c, const char *id, const char *name, struct brig_err *e)
{
	struct container_spec cfg = { 0 }, out = { 0 };
	char other[BRIG_ID_LEN + 1], old[64] = "", path[PATH_MAX];
	int lock, r;

	if (!valid_name(name))
		return brig_errf(e, EINVAL, "invalid container name '%s'", name);
	if ((lock = state_lock(c, e)) < 0)
		return lock;
	if (find_by_name(c, name, other))
		r = brig_errf(e, EEXIST, "the name %s is already in use by container %.12s", name,
			      other);
	else
		r = state_load(c, id, &cfg, NULL, e);
	if (r == 0) {
		snprintf(old, sizeof(old), "%s", cfg.name);
		r = write_config(c, &cfg, id, name, &out, e);
	}
	if (r == 0)
		r = index_name(c, name, id, e);
	if (r == 0 && *old && name_path(c, old, path, sizeof(path)) == 0)
		unlink(path);
	spec_free(&cfg);
	spec_free(&out);
	state_unlock(lock);
	return r;
}

int state_create(const struct brig_ctx *c, const struct container_spec *spec, int *lock_fd,
		 struct container_spec *out, struct brig_err *e)
{
	const char *name = spec->name;
	char id[BRIG_ID_LEN + 1], name_out[64];
	bool taken = false;

	memset(out, 0, sizeof(*out));
	if (name && !valid_name(name))
		return brig_errf(e, EINVAL,
				 "invalid container name '%s': must match [a-zA-Z0-9][a-zA-Z0-9_.-]* "
				 "(at most 63 characters)",
				 name);
	/* A generated name is one of ~9.4M: among a thousand containers two
	 * may meet (the birthday bound, ~5%): then another id, another name. */
	for (int tries = 0; tries < 16 && (tries == 0 || (taken && !name)); tries++) {
		if (gen_id(id, e) < 0)
			return -e->code;
		if (name)
			snprintf(name_out, 64, "%s", name);
		else
			gen_name(id, name_out);
		taken = find_by_name(c, name_out, (char[BRIG_ID_LEN + 1]){ 0 }) == 1;
	}
	if (taken)
		return brig_errf(e, EEXIST, "container name '%s' is already in use", name_out);
	if (make_locked(c, id, lock_fd, e) < 0)
		return -e->code;
	if (write_config(c, spec, id, name_out, out, e) < 0)
		return -e->code;
	return index_name(c, name_out, id, e);
}

int state_save(const struct brig_ctx *c, const char *id, const struct container_state *st,
	       struct brig_err *e)
{
	char path[PATH_MAX];
	json_t *j;
	int r;

	if (state_path(c, id, "state.json", path, sizeof(path), e) < 0)
		return -e->code;
	if (!(j = spec_state_to_json(st)))
		return brig_errf(e, ENOMEM, "container state: out of memory");
	/* Only an exit (its code, when) is worth a disk flush: after a crash a
	 * created or running state is stale anyway (no container survives
	 * it); one left empty reads back as created (state_load), one lost is
	 * what a crash before the rename leaves, flushed or not (the rename
	 * itself is not). */
	r = save_json(path, j, st->status == CONTAINER_EXITED, e);
	json_decref(j);
	return r;
}

int state_load(const struct brig_ctx *c, const char *id, struct container_spec *spec,
	       struct container_state *st, struct brig_err *e)
{
	char path[PATH_MAX];
	json_t *j;
	int r;

	if (spec) {
		memset(spec, 0, sizeof(*spec));
		if (state_path(c, id, "config.json", path, sizeof(path), e) < 0)
			return -e->code;
		if (!(j = load_json(path, e)))
			return -e->code;
		r = spec_from_json(j, spec, e);
		json_decref(j);
		if (r < 0)
			return brig_err_ctx(e, "container %.12s", id);
	}
	if (st) {
		struct brig_err ignore;
		j = NULL;
		/* A record being created has no state yet. */
		if (state_path(c, id, "state.json", path, sizeof(path), e) < 0 ||
		    !(j = load_json(path, e)) || spec_state_from_json(j, st, &ignore) < 0) {
			memset(st, 0, sizeof(*st));
			st->status = CONTAINER_CREATED;
		}
		json_decref(j);
	}
	return 0;
}

void state_list_free(char **ids)
{
	if (!ids)
		return;
	for (char **p = ids; *p; p++)
		free(*p);
	free(ids);
}

static bool is_id(const char *s)
{
	return strlen(s) == BRIG_ID_LEN && strspn(s, "0123456789abcdef") == BRIG_ID_LEN;
}

/* A record's directory being made (<id>.new) or removed (<id>.rm). */
static bool in_transit(const char *name)
{
	char id[BRIG_ID_LEN + 1];

	if (strlen(name) <= BRIG_ID_LEN)
		return false;
	memcpy(id, name, BRIG_ID_LEN);
	id[BRIG_ID_LEN] = '\0';
	return is_id(id) && (strcmp(name + BRIG_ID_LEN, ".new") == 0 ||
			     strcmp(name + BRIG_ID_LEN, ".rm") == 0);
}

/* Whether a remover still works on dir: it holds the record's lock. */
static bool lock_held(const char *dir)
{
	char lock[PATH_MAX + 320];
	cleanup_close int fd = -1;

	snprintf(lock, sizeof(lock), "%s/lock", dir);
	fd = open(lock, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	return fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0;
}

/* Under the store lock, which state_create holds from mkdir to rename:
 * every <id>.new seen then is a killed creator's. */
static void sweep_locked(const char *dir, char **names)
{
	char path[PATH_MAX + 300];
	struct brig_err ignored;

	for (char **n = names; *n; n++) {
		snprintf(path, sizeof(path), "%s/%s", dir, *n);
		if (strcmp(*n + BRIG_ID_LEN, ".new") == 0 || !lock_held(path))
			remove_tree(path, &ignored);
	}
}

void state_sweep(const struct brig_ctx *c)
{
	char path[PATH_MAX];
	cleanup_dir DIR *d = NULL;
	struct brig_err ignored;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	int lock;

	snprintf(path, sizeof(path), "%s/containers", c->root);
	if (!(d = opendir(path)))
		return;
	while ((de = readdir(d))) {
		char *name = in_transit(de->d_name) ? strdup(de->d_name) : NULL;
		if (name && spec_list_add(&names, &n, name, &ignored) < 0) {
			free(name);
			break;
		}
	}
	/* nothing in transit: no store lock taken (ps runs this every time) */
	if (n > 0 && (lock = state_lock(c, &ignored)) >= 0) {
		sweep_locked(path, names);
		state_unlock(lock);
	}
	strv_free(names);
}

int state_list(const struct brig_ctx *c, char ***ids, struct brig_err *e)
{
	char path[PATH_MAX];
	cleanup_dir DIR *d = NULL;
	struct dirent *de;
	size_t n = 0, cap = 16;
	char **v = calloc(cap + 1, sizeof(*v));

	if (!v)
		return brig_errf(e, ENOMEM, "list containers: out of memory");
	snprintf(path, sizeof(path), "%s/containers", c->root);
	d = opendir(path);
	if (!d) {
		if (errno == ENOENT) {
			*ids = v;
			return 0;
		}
		free(v);
		return brig_errno(e, "open %s", path);
	}
	while ((de = readdir(d))) {
		if (!is_id(de->d_name))
			continue;
		if (n == cap) {
			char **nv = realloc(v, (cap * 2 + 1) * sizeof(*v));
			if (!nv) {
				state_list_free(v);
				return brig_errf(e, ENOMEM, "list containers: out of memory");
			}
			v = nv;
			cap *= 2;
		}
		v[n++] = strdup(de->d_name);
		v[n] = NULL;
	}
	*ids = v;
	return 0;
}

bool state_find_name(const struct brig_ctx *c, const char *name, char id[BRIG_ID_LEN + 1])
{
	return find_by_name(c, name, id) == 1;
}

int state_resolve(const struct brig_ctx *c, const char *ref, char id[BRIG_ID_LEN + 1],
		  struct brig_err *e)
{
	char **ids = NULL;
	int matches = 0;
	size_t rlen = strlen(ref);

	/* An exact name wins over an id prefix, as in Docker. */
	if (find_by_name(c, ref, id) == 1)
		return 0;
	if (state_list(c, &ids, e) < 0)
		return -e->code;
	for (char **p = ids; *p && rlen > 0; p++) {
		if (strncmp(*p, ref, rlen) == 0) {
			matches++;
			snprintf(id, BRIG_ID_LEN + 1, "%s", *p);
		}
	}
	state_list_free(ids);
	if (matches == 1)
		return 0;
	if (matches > 1)
		return brig_errf(e, EINVAL, "container '%s': ambiguous id prefix", ref);
	return brig_errf(e, ENOENT, "container '%s': no such container", ref);
}

int state_unlist(const struct brig_ctx *c, const char *id, char *gone, size_t len,
		 struct brig_err *e)
{
	char path[PATH_MAX];
	int r;

	if (state_path(c, id, NULL, path, sizeof(path), e) < 0)
		return -e->code;
	if (snprintf(gone, len, "%s.rm", path) >= (int)len)
		return brig_errf(e, ENAMETOOLONG, "remove %s: path too long", path);
	unindex_name(c, id);
	/* out of every listing at once: a gc running alongside never sees a
	 * half-removed record (nor re-creates its lock file in it) */
	r = rename(path, gone);
	if (r < 0 && (errno == ENOTEMPTY || errno == EEXIST)) {
		if (remove_tree(gone, e) < 0) /* what a crashed remover left */
			return -e->code;
		r = rename(path, gone);
	}
	if (r < 0)
		return errno == ENOENT ? 0 : brig_errno(e, "remove %s", path);
	return 1;
}

int state_remove(const struct brig_ctx *c, const char *id, struct brig_err *e)
{
	char gone[PATH_MAX + 8];
	int r = state_unlist(c, id, gone, sizeof(gone), e);

	return r <= 0 ? r : remove_tree(gone, e);
}

int state_each(const struct brig_ctx *c, state_visit_fn fn, void *arg, struct brig_err *e)
{
	char **ids = NULL;
	int r = 0;

	if (state_list(c, &ids, e) < 0)
		return -e->code;
	for (char **p = ids; *p && r == 0; p++) {
		struct container_spec cfg;
		struct brig_err skip;
		if (state_load(c, *p, &cfg, NULL, &skip) == 0)
			r = fn(*p, &cfg, arg, e);
		spec_free(&cfg);
	}
	state_list_free(ids);
	return r;
}

static int uses_image(const char *id, const struct container_spec *cfg, void *image_id,
		      struct brig_err *e)
{
	(void)id;
	(void)e;
	return strcmp(cfg->image_id, image_id) == 0;
}

int state_image_in_use(const struct brig_ctx *c, const char *image_id, bool *used,
		       struct brig_err *e)
{
	int r = state_each(c, uses_image, (void *)image_id, e);

	*used = r > 0;
	return r < 0 ? r : 0;
}
