/* container.c - the container record: create it (rootfs, directories),
 * load, find and free it, lock it against a concurrent start, read its
 * status, build the process spec `brig exec` runs in it (environment,
 * user, capabilities), and find records by label.  Starting and finishing
 * are in start.c, networks in attach.c, stop, remove and gc in
 * lifecycle.c. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "proc.h"
#include "container.h"
#include "container_int.h"
#include "events.h"
#include "userns_ctl.h"
#include "image.h"
#include "labels.h"
#include "parse.h"
#include "state.h"
#include "sysfilter.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* A root filesystem directory rather than an image: a path starting with
 * '/' or '.' (as podman's --rootfs). */
static bool is_rootfs_dir(const char *image)
{
	return image[0] == '/' || image[0] == '.';
}

/* The image (reference or id) or a root filesystem directory. */
static int resolve_rootfs(const struct brig_ctx *c, const char *image, struct image_info *info,
			  struct brig_err *e)
{
	char path[PATH_MAX];
	struct stat st;

	if (!is_rootfs_dir(image))
		return image_resolve(c, image, info, e);
	memset(info, 0, sizeof(*info));
	if (!realpath(image, path) || stat(path, &st) < 0)
		return brig_errno(e, "rootfs %s", image);
	if (!S_ISDIR(st.st_mode))
		return brig_errf(e, ENOTDIR, "rootfs %s: not a directory", image);
	info->lower = strdup(path);
	return info->lower ? 0 : brig_errf(e, ENOMEM, "out of memory");
}

/* Docker's rules: --entrypoint replaces the image's Entrypoint and drops
 * its Cmd; arguments after the image replace Cmd.  The result is a new
 * NULL-terminated array of borrowed strings. */
static int image_command(const struct container_spec *s, json_t *cfg, char ***out, size_t *n,
			 struct brig_err *e)
{
	json_t *ep = json_object_get(cfg, "Entrypoint"), *cmd = json_object_get(cfg, "Cmd"), *v;
	size_t nargs = strv_len(s->argv), k = 0, i;
	char **r = calloc(nargs + json_array_size(ep) + json_array_size(cmd) + 2, sizeof(*r));

	if (!r)
		return brig_errf(e, ENOMEM, "out of memory");
	if (s->entrypoint) {
		if (*s->entrypoint)
			r[k++] = (char *)s->entrypoint;
	} else {
		json_array_foreach(ep, i, v)
			if (json_is_string(v))
				r[k++] = (char *)json_string_value(v);
	}
	for (i = 0; i < nargs; i++)
		r[k++] = s->argv[i];
	if (!nargs && !s->entrypoint)
		json_array_foreach(cmd, i, v)
			if (json_is_string(v))
				r[k++] = (char *)json_string_value(v);
	if (!k) {
		free(r);
		return brig_errf(e, EINVAL, "no command specified");
	}
	*out = r;
	*n = k;
	return 0;
}

/* -e values first (they win), then the image's Env: borrowed strings. */
static char **image_env(const struct container_spec *s, json_t *cfg, size_t *n)
{
	json_t *env = json_object_get(cfg, "Env"), *v;
	char **r = calloc(s->n_env + json_array_size(env) + 1, sizeof(*r));
	size_t k = 0, i;

	if (!r)
		return NULL;
	for (i = 0; i < s->n_env; i++)
		r[k++] = s->env[i];
	json_array_foreach(env, i, v) {
		const char *kv = json_string_value(v), *eq = kv ? strchr(kv, '=') : NULL;
		bool set = false;
		if (!eq)
			continue;
		for (size_t j = 0; j < s->n_env && !set; j++)
			set = !strncmp(s->env[j], kv, (size_t)(eq - kv)) &&
			      (s->env[j][eq - kv] == '=' || s->env[j][eq - kv] == '\0');
		if (!set)
			r[k++] = (char *)kv;
	}
	*n = k;
	return r;
}

/* Fold the image's config into s (whose strings it borrows from cfg):
 * command, environment, working directory, user, and labels (the image's
 * under --label's, as Docker's inspect shows them and as
 * container_list_labeled finds them).  *cmd and *env are to be freed (the
 * arrays only), *labels with strv_free. */
static int apply_image_config(struct container_spec *s, json_t *cfg, char ***cmd, char ***env,
			      char ***labels, struct brig_err *e)
{
	const char *wd = json_string_value(json_object_get(cfg, "WorkingDir"));
	const char *user = json_string_value(json_object_get(cfg, "User"));

	if (image_command(s, cfg, cmd, &s->n_cmd, e) < 0)
		return -e->code;
	s->cmd = *cmd;
	*env = image_env(s, cfg, &s->n_env);
	if (!*env)
		return brig_errf(e, ENOMEM, "out of memory");
	s->env = *env;
	if (labels_merge(json_object_get(cfg, "Labels"), s->labels, s->n_labels, labels,
			 &s->n_labels) < 0)
		return brig_errf(e, ENOMEM, "out of memory");
	s->labels = *labels;
	if (!s->workdir && wd && *wd)
		s->workdir = wd;
	if (!s->user && user && *user)
		s->user = user;
	s->image_config = json_object_size(cfg) ? cfg : NULL;
	return 0;
}

static int make_dirs(struct container *ct, const char *lower, struct brig_err *e)
{
	static const char *const sub[] = { "upper", "work", "merged" };
	char path[PATH_MAX], rootfs[PATH_MAX];
	struct stat st;

	for (size_t i = 0; i < ARRAY_SIZE(sub); i++) {
		snprintf(path, sizeof(path), "%s/%s", ct->dir, sub[i]);
		if (mkdir(path, 0700) < 0 && errno != EEXIST)
			return brig_errno(e, "mkdir %s", path);
	}
	/* The container's "/" takes the upper dir's mode and owner: give it
	 * the image root's (its top layer's), or a non-root user could not
	 * even enter "/". */
	snprintf(rootfs, sizeof(rootfs), "%.*s", (int)strcspn(lower, ":"), lower);
	snprintf(path, sizeof(path), "%s/upper", ct->dir);
	if (stat(rootfs, &st) < 0)
		return brig_errno(e, "stat %s", rootfs);
	if (chmod(path, st.st_mode & 07777) < 0 || chown(path, st.st_uid, st.st_gid) < 0)
		return brig_errno(e, "set mode of %s", path);
	return 0;
}

/* An empty container: no process, no pty, no lock held. */
void container_blank(struct container *ct)
{
	memset(ct, 0, sizeof(*ct));
	ct->pid = -1;
	ct->pty_master = -1;
	ct->lock_fd = -1;
}

int container_create(const struct brig_ctx *c, const struct container_spec *o, struct container *ct,
		     struct brig_err *e)
{
	struct container_spec s = *o;
	cleanup_free char **cmd = NULL, **env = NULL;
	cleanup_strv char **labels = NULL;
	struct image_info img;
	int lock, r;

	container_blank(ct);
	if (resolve_rootfs(c, o->image, &img, e) < 0)
		return -e->code;
	if (!img.config && !(img.config = json_object())) {
		image_info_free(&img);
		return brig_errf(e, ENOMEM, "out of memory");
	}
	snprintf(s.image_id, sizeof(s.image_id), "%s", img.id);
	s.rootfs = img.lower;
	rfc3339(now_ns(), s.created, sizeof(s.created));
	r = apply_image_config(&s, img.config, &cmd, &env, &labels, e);
	lock = r < 0 ? r : state_lock(c, e);
	if (lock < 0) {
		image_info_free(&img);
		return lock;
	}
	/* the volumes and the record that names them, under one lock */
	r = container_mounts_create(c, o->mounts, o->n_mounts, &s.mounts, e);
	if (r == 0)
		r = container_userns_alloc(c, &s, e); /* the records are its table */
	if (r == 0)
		r = state_create(c, &s, &ct->lock_fd, &ct->spec, e);
	state_unlock(lock);
	if (r < 0)
		container_drop_volumes(c, s.mounts, s.n_mounts);
	mountspec_free_all(s.mounts, s.n_mounts);
	if (r < 0) {
		image_info_free(&img);
		return r;
	}
	snprintf(ct->id, sizeof(ct->id), "%s", ct->spec.id);
	snprintf(ct->name, sizeof(ct->name), "%s", ct->spec.name);
	ct->created_now = true;
	r = 0;
	if (state_path(c, ct->id, NULL, ct->dir, sizeof(ct->dir), e) < 0 ||
	    make_dirs(ct, img.lower, e) < 0 || container_userns_dirs(c, ct, e) < 0) {
		struct brig_err ignore;
		container_remove_record(c, ct->id, &ct->spec, &ignore);
		r = -e->code;
	}
	if (r == 0)
		events_container(c, "create", ct->id, &ct->spec);
	image_info_free(&img);
	return r;
}

int container_keep_created(const struct brig_ctx *c, struct container *ct, struct brig_err *e)
{
	struct container_state st = { .status = CONTAINER_CREATED };

	ct->created_now = false; /* a start refused later keeps it, as Docker's */
	return state_save(c, ct->id, &st, e);
}

void container_free(struct container *ct)
{
	spec_free(&ct->spec);
	container_unlock(ct);
	if (ct->cg)
		cgroup_free(ct->cg);
	ct->cg = NULL;
}

static bool env_has(char **env, size_t n, const char *key)
{
	size_t klen = strlen(key);

	for (size_t i = 0; i < n; i++)
		if (strncmp(env[i], key, klen) == 0 && env[i][klen] == '=')
			return true;
	return false;
}

/* Append KEY=VALUE unless the user already set KEY. */
static void add_default(char **env, size_t *k, const char *key, const char *value)
{
	if (!env_has(env, *k, key) && asprintf(&env[*k], "%s=%s", key, value) > 0)
		(*k)++;
}

/* The container's environment: extra (exec's -e) and the record's -e
 * values first (the first definition of a name wins), then the defaults
 * the user did not set.  Every string is malloc'd; free with container_env_free(). */
char **container_build_env(const struct container_spec *spec, char *const *extra, size_t n_extra)
{
	size_t n = n_extra + spec->n_env, k = 0;
	char **env = calloc(n + 8, sizeof(*env));

	if (!env)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		const char *kv = i < n_extra ? extra[i] : spec->env[i - n_extra];
		const char *host = strchr(kv, '=') ? NULL : getenv(kv);
		/* -e NAME takes the caller's value, as in Docker */
		if (strchr(kv, '=') ? (env[k] = strdup(kv)) != NULL
				    : host && asprintf(&env[k], "%s=%s", kv, host) > 0)
			k++;
	}
	add_default(env, &k, "HOSTNAME", spec->hostname ? spec->hostname : "");
	add_default(env, &k, "PATH", DEFAULT_PATH);
	add_default(env, &k, "HOME", "/root");
	if (spec->tty)
		add_default(env, &k, "TERM", "xterm");
	return env;
}

/* Open rel (e.g. "etc/passwd") as the image shows it: from the topmost of
 * the lower directories ("top:...:bottom") that has it, never through a
 * symlink; a whiteout there means the image has none. */
static FILE *lower_open(const char *lower, const char *rel)
{
	char path[PATH_MAX];
	struct stat st;

	for (const char *p = lower; p && *p;) {
		size_t n = strcspn(p, ":");
		int fd;
		snprintf(path, sizeof(path), "%.*s/%s", (int)n, p, rel);
		if (lstat(path, &st) == 0) {
			if (!S_ISREG(st.st_mode))
				return NULL;
			fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
			return fd < 0 ? NULL : fdopen(fd, "re");
		}
		p += n + (p[n] == ':');
	}
	return NULL;
}

/* Look NAME (or a numeric uid) up in the image's /etc/passwd. */
static int lookup_passwd(const char *lower, const char *name, uid_t *uid, gid_t *gid)
{
	char line[512];
	cleanup_fclose FILE *f = lower_open(lower, "etc/passwd");

	while (f && fgets(line, sizeof(line), f)) {
		char *save, *n = strtok_r(line, ":", &save), *pw = strtok_r(NULL, ":", &save);
		char *u = strtok_r(NULL, ":", &save), *g = strtok_r(NULL, ":", &save);
		if (n && pw && u && g && (strcmp(n, name) == 0 || strcmp(u, name) == 0)) {
			*uid = (uid_t)strtoul(u, NULL, 10);
			*gid = (gid_t)strtoul(g, NULL, 10);
			return 0;
		}
	}
	return -1;
}

/* -u UID[:GID] or NAME[:GID]; a name is looked up in the image. */
int container_parse_user(const char *spec, const char *rootfs, struct spawn_spec *s,
			 struct brig_err *e)
{
	char buf[256];
	char *colon;
	uint64_t v;

	if (!*spec)
		return 0;
	snprintf(buf, sizeof(buf), "%s", spec);
	colon = strchr(buf, ':');
	if (colon)
		*colon++ = '\0';
	s->user_set = true;
	s->gid = 0;
	if (parse_uint(buf, UINT32_MAX - 1, &v, e) == 0) {
		s->uid = (uid_t)v;
		gid_t g;
		uid_t u;
		if (lookup_passwd(rootfs, buf, &u, &g) == 0)
			s->gid = g;
	} else if (lookup_passwd(rootfs, buf, &s->uid, &s->gid) < 0) {
		return brig_errf(e, EINVAL, "user '%s': no such user in the image", buf);
	}
	if (colon) {
		if (parse_uint(colon, UINT32_MAX - 1, &v, e) < 0)
			return brig_errf(e, EINVAL, "user '%s': group must be numeric", spec);
		s->gid = (gid_t)v;
	}
	return 0;
}

/* Docker's rule, whatever the order on the command line: the default set
 * (every capability when --cap-add ALL) minus --cap-drop, then the other
 * --cap-add on top, so `--cap-drop ALL --cap-add NET_ADMIN` is exactly
 * NET_ADMIN; with --privileged the host's whole bounding set, whatever
 * --cap-* say.  What the host lacks is left out when applied. */
uint64_t container_caps(const struct container_spec *spec)
{
	bool add_all = spec->cap_add == ~0ULL;

	if (spec->privileged)
		return spawn_host_caps();
	return ((add_all ? ~0ULL : spawn_default_caps()) & ~spec->cap_drop) |
	       (add_all ? 0 : spec->cap_add);
}

int container_confine(const struct brig_ctx *c, const struct container_spec *spec,
		      struct spawn_spec *s, struct brig_err *e)
{
	char dir[PATH_MAX];

	s->no_new_privs = !spec->security.no_new_privs_off;
	s->seccomp = NULL;
	if (spec->privileged || spec->security.seccomp_unconfined)
		return 0;
	if (snprintf(dir, sizeof(dir), "%s/seccomp", c->runroot) >= (int)sizeof(dir))
		return brig_errf(e, ENAMETOOLONG, "runtime root %s: too long", c->runroot);
	s->seccomp = sysfilter_get(s->caps, dir, e);
	return s->seccomp ? 0 : -e->code;
}

const char *container_status(const struct container_state *st)
{
	/* The truth is the process, not the file: gone means exited. */
	if (st->status == CONTAINER_RUNNING && !container_alive(st))
		return "exited";
	return spec_status_name(st->status);
}

/* A start time of 0 is one that could not be read: the process was gone
 * (or a zombie) already, as a container that exits at once can be before
 * its owner records it; it must not match a pid that no longer exists. */
static bool alive(pid_t pid, unsigned long long starttime)
{
	return pid > 0 && starttime != 0 && proc_starttime(pid) == starttime;
}

bool container_alive(const struct container_state *st)
{
	return alive(st->pid, st->starttime);
}

/* Neither the container's process nor the brig process owning it lives. */
bool container_both_gone(const struct container_state *st)
{
	return !alive(st->pid, st->starttime) && !alive(st->owner, st->owner_starttime);
}

int container_lock(const struct brig_ctx *c, const char *id, struct brig_err *e)
{
	char path[PATH_MAX];

	if (state_path(c, id, "lock", path, sizeof(path), e) < 0)
		return -e->code;
	return lock_file(path, e);
}

int container_lock_wait(const struct brig_ctx *c, const char *id, int timeout_ms,
			struct brig_err *e)
{
	char path[PATH_MAX];
	int fd;

	if (state_path(c, id, "lock", path, sizeof(path), e) < 0)
		return -e->code;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return brig_errno(e, "container %.12s: open %s", id, path);
	for (int waited = 0; flock(fd, LOCK_EX | LOCK_NB) < 0; waited += 10) {
		if ((errno != EWOULDBLOCK && errno != EINTR) || waited >= timeout_ms) {
			int r = errno == EWOULDBLOCK ? brig_errf(e, EBUSY, "container %.12s: still being started", id)
						   : brig_errno(e, "container %.12s: lock", id);
			close(fd);
			return r;
		}
		usleep(10000);
	}
	return fd;
}

void container_unlock(struct container *ct)
{
	if (ct->lock_fd >= 0)
		close(ct->lock_fd);
	ct->lock_fd = -1;
}

int container_load(const struct brig_ctx *c, const char *ref, struct container *ct,
		   struct brig_err *e)
{
	container_blank(ct);
	if (state_resolve(c, ref, ct->id, e) < 0 ||
	    (ct->lock_fd = container_lock(c, ct->id, e)) < 0 ||
	    state_load(c, ct->id, &ct->spec, &ct->prev, e) < 0 ||
	    state_path(c, ct->id, NULL, ct->dir, sizeof(ct->dir), e) < 0)
		return -e->code;
	snprintf(ct->name, sizeof(ct->name), "%s", ct->spec.name);
	if (!container_settled(&ct->prev))
		return brig_errf(e, EBUSY, "container %s is running", ref);
	return 0;
}

int container_find(const struct brig_ctx *c, const char *ref, char id[BRIG_ID_LEN + 1],
		   pid_t *pid, struct brig_err *e)
{
	struct container_state st;

	if (state_resolve(c, ref, id, e) < 0 || state_load(c, id, NULL, &st, e) < 0)
		return -e->code;
	if (pid)
		*pid = st.pid;
	return strcmp(container_status(&st), "running") == 0 ? 1 : 0;
}

bool container_settled(const struct container_state *st)
{
	return st->status != CONTAINER_RUNNING || container_both_gone(st);
}

int container_exec_spec(const struct container_spec *cfg, char **extra, size_t n_extra,
			const char *user, const char *workdir, struct spawn_spec *s,
			char ***env_out, struct brig_err *e)
{
	/* -e of exec comes first: the first definition wins. */
	*env_out = container_build_env(cfg, extra, n_extra);
	if (!*env_out)
		return brig_errf(e, ENOMEM, "exec: out of memory");
	s->env = *env_out;
	s->workdir = workdir ? workdir : cfg->workdir;
	s->caps = container_caps(cfg);
	s->privileged = cfg->privileged;
	s->userns = cfg->userns.set ? &cfg->userns : NULL;
	return container_parse_user(user ? user : cfg->user, cfg->rootfs, s, e);
}

void container_env_free(char **env)
{
	strv_free(env);
}

struct labeled {
	const char *key, *value;
	char (*ids)[BRIG_ID_LEN + 1];
	size_t n;
};

static int add_labeled(const char *id, const struct container_spec *cfg, void *arg,
		       struct brig_err *e)
{
	struct labeled *l = arg;
	const char *v = labels_get(cfg->labels, cfg->n_labels, l->key);
	char (*nv)[BRIG_ID_LEN + 1];

	if (!v || (l->value && strcmp(v, l->value) != 0))
		return 0;
	if (!(nv = realloc(l->ids, (l->n + 1) * sizeof(*nv))))
		return brig_errf(e, ENOMEM, "list containers: out of memory");
	l->ids = nv;
	snprintf(l->ids[l->n++], BRIG_ID_LEN + 1, "%s", id);
	return 0;
}

int container_list_labeled(const struct brig_ctx *c, const char *key, const char *value,
			   char (**ids)[BRIG_ID_LEN + 1], size_t *n, struct brig_err *e)
{
	struct labeled l = { .key = key, .value = value };

	*ids = NULL;
	*n = 0;
	if (state_each(c, add_labeled, &l, e) < 0) {
		free(l.ids);
		return -e->code;
	}
	*ids = l.ids;
	*n = l.n;
	return 0;
}
