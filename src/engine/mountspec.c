/* mountspec.c - -v, --mount and --tmpfs values (see mountspec.h). */
#include <limits.h>
#include <linux/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cleanup.h"
#include "mountspec.h"
#include "util.h"

static const char *const type_names[] = {
	[MOUNT_BIND] = "bind",
	[MOUNT_VOLUME] = "volume",
	[MOUNT_TMPFS] = "tmpfs",
};

const char *mountspec_type_name(enum mount_type t)
{
	return (size_t)t < ARRAY_SIZE(type_names) ? type_names[t] : "unknown";
}

int mountspec_type_from(const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(type_names); i++)
		if (strcmp(s, type_names[i]) == 0)
			return (int)i;
	return -1;
}

void mountspec_free(struct mount_spec *m)
{
	free(m->source);
	free(m->target);
	free(m->options);
	memset(m, 0, sizeof(*m));
}

void mountspec_free_all(struct mount_spec *m, size_t n)
{
	for (size_t i = 0; m && i < n; i++)
		mountspec_free(&m[i]);
	free(m);
}

bool mountspec_valid_name(const char *name)
{
	size_t n = strlen(name);
	const char *alnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

	/* n >= 2: name[0] is not the terminator strchr would find */
	return n >= 2 && n <= MOUNTSPEC_NAME_MAX && strchr(alnum, name[0]) &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == n;
}

void mountspec_one_line(struct brig_err *e)
{
	for (char *p = e->msg; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
}

/* The end of a parse: on failure nothing of m (may be NULL) is left, and
 * e is one line. */
static int finish(int r, struct mount_spec *m, struct brig_err *e)
{
	if (r >= 0)
		return 0;
	if (m)
		mountspec_free(m);
	mountspec_one_line(e);
	return -e->code;
}

static bool has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return true;
	return false;
}

int mountspec_clean(const char *path, char *out, size_t len, struct brig_err *e)
{
	size_t o = 0;

	if (path[0] != '/')
		return finish(brig_errf(e, EINVAL, "'%s': not an absolute path", path), NULL, e);
	if (len < 2)
		return brig_errf(e, ENAMETOOLONG, "path too long");
	for (const char *p = path;;) {
		size_t n;

		p += strspn(p, "/");
		n = strcspn(p, "/");
		if (n == 0)
			break;
		if (n == 2 && p[0] == '.' && p[1] == '.') {
			/* drop the last component; at the root, stay there */
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
		} else if (!(n == 1 && p[0] == '.')) {
			if (o + 1 + n >= len)
				return finish(brig_errf(e, ENAMETOOLONG, "'%.64s...': path too long", path),
					      NULL, e);
			out[o++] = '/';
			memcpy(out + o, p, n);
			o += n;
		}
		p += n;
	}
	if (o == 0)
		out[o++] = '/';
	out[o] = '\0';
	return 0;
}

/* A copy of the clean form of path into *out. */
static int clean_dup(const char *path, char **out, struct brig_err *e)
{
	char buf[PATH_MAX];

	if (has_control(path))
		return brig_errf(e, EINVAL, "'%s': control character in path", path);
	if (mountspec_clean(path, buf, sizeof(buf), e) < 0)
		return -e->code;
	if (!(*out = strdup(buf)))
		return brig_errf(e, ENOMEM, "out of memory");
	return 0;
}

/* ".", "..", "./x", "../x": a host path relative to the caller's directory. */
static bool relative_path(const char *s)
{
	return !strcmp(s, ".") || !strcmp(s, "..") || !strncmp(s, "./", 2) || !strncmp(s, "../", 3);
}

/* A bind's host path: absolute, or relative (see above) to cwd. */
static int host_path(const char *src, const char *cwd, char **out, struct brig_err *e)
{
	char buf[PATH_MAX];
	int n;

	if (src[0] == '/')
		return clean_dup(src, out, e);
	if (!cwd)
		return brig_errf(e, EINVAL, "'%s': a relative host path needs a working directory", src);
	n = snprintf(buf, sizeof(buf), "%s/%s", cwd, src);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return brig_errf(e, ENAMETOOLONG, "'%.64s...': path too long", src);
	return clean_dup(buf, out, e);
}

/* The container path: absolute, clean, not "/". */
static int target_path(const char *dst, char **out, struct brig_err *e)
{
	if (dst[0] != '/')
		return brig_errf(e, EINVAL, "invalid mount path: '%s' mount path must be absolute", dst);
	if (clean_dup(dst, out, e) < 0)
		return -e->code;
	if (strcmp(*out, "/") == 0)
		return brig_errf(e, EINVAL, "destination can't be '/'");
	return 0;
}

/* ---- -v ---- */

/* The words of -v's OPTS.  A propagation brig cannot give is refused
 * with a reason rather than as unknown. */
enum vmode { V_RO, V_RW, V_NOCOPY, V_LABEL, V_PRIVATE, V_UNSUPPORTED };

static const struct {
	const char *word;
	enum vmode mode;
} vol_modes[] = {
	{ "ro", V_RO },	       { "rw", V_RW },		{ "nocopy", V_NOCOPY },
	{ "z", V_LABEL },      { "Z", V_LABEL },	{ "private", V_PRIVATE },
	{ "rprivate", V_PRIVATE }, { "shared", V_UNSUPPORTED }, { "rshared", V_UNSUPPORTED },
	{ "slave", V_UNSUPPORTED }, { "rslave", V_UNSUPPORTED },
};

static int vmode_of(const char *word, size_t n)
{
	for (size_t i = 0; i < ARRAY_SIZE(vol_modes); i++)
		if (strlen(vol_modes[i].word) == n && !strncmp(vol_modes[i].word, word, n))
			return (int)vol_modes[i].mode;
	return -1;
}

/* Every word of s is a mode word: "X:ro" is a path and a mode, as Docker
 * reads it, not a source and a target. */
static bool is_mode(const char *s)
{
	for (const char *p = s;; p++) {
		size_t n = strcspn(p, ",");
		if (vmode_of(p, n) < 0)
			return false;
		p += n;
		if (!*p)
			return true;
	}
}

static int apply_modes(const char *arg, const char *modes, struct mount_spec *m,
		       struct brig_err *e)
{
	bool rw_seen = false;

	for (const char *p = modes; p; p++) {
		size_t n = strcspn(p, ",");
		int v = vmode_of(p, n);

		if (v < 0)
			return brig_errf(e, EINVAL, "invalid volume specification '%s': unknown mode '%.*s'",
					 arg, (int)n, p);
		if (v == V_UNSUPPORTED)
			return brig_errf(e, EINVAL,
					 "invalid volume specification '%s': propagation '%.*s' is not "
					 "supported (brig's mounts are private)", arg, (int)n, p);
		if ((v == V_RO || v == V_RW) && rw_seen)
			return brig_errf(e, EINVAL, "invalid volume specification '%s': ro and rw given twice",
					 arg);
		if (v == V_NOCOPY && m->type != MOUNT_VOLUME)
			return brig_errf(e, EINVAL,
					 "invalid volume specification '%s': nocopy applies to volumes only", arg);
		rw_seen |= v == V_RO || v == V_RW;
		m->readonly |= v == V_RO;
		m->nocopy |= v == V_NOCOPY;
		p += n;
		if (!*p)
			break;
	}
	return 0;
}

/* -v's source: a host path (a bind) or a volume name. */
static int volume_source(const char *arg, const char *src, const char *cwd, struct mount_spec *m,
			 struct brig_err *e)
{
	if (src[0] == '/' || relative_path(src)) {
		m->type = MOUNT_BIND;
		m->create_source = true;
		if (host_path(src, cwd, &m->source, e) < 0)
			return brig_err_ctx(e, "invalid volume specification '%s'", arg);
		return 0;
	}
	m->type = MOUNT_VOLUME;
	if (strchr(src, '/'))
		return brig_errf(e, EINVAL,
				 "invalid volume specification '%s': a host path must be absolute or "
				 "start with ./ or ../", arg);
	if (!mountspec_valid_name(src))
		return brig_errf(e, EINVAL,
				 "invalid volume name '%s': must match [a-zA-Z0-9][a-zA-Z0-9_.-]+ (at "
				 "most %d characters); a host directory needs an absolute path",
				 src, MOUNTSPEC_NAME_MAX);
	if (!(m->source = strdup(src)))
		return brig_errf(e, ENOMEM, "out of memory");
	return 0;
}

static int parse_volume(const char *arg, const char *cwd, struct mount_spec *m, struct brig_err *e)
{
	cleanup_free char *buf = strdup(arg);
	char *f[3], *src = NULL, *dst, *modes = NULL, *p;
	int n = 0;

	if (!buf)
		return brig_errf(e, ENOMEM, "out of memory");
	if (!*arg)
		return brig_errf(e, EINVAL, "invalid volume specification: empty");
	for (p = buf; p; n++) {
		if (n == 3)
			return brig_errf(e, EINVAL,
					 "invalid volume specification '%s': at most SOURCE:PATH:MODE", arg);
		f[n] = p;
		p = strchr(p, ':');
		if (p)
			*p++ = '\0';
	}
	dst = f[0];
	if (n == 2 && is_mode(f[1]))
		modes = f[1];
	else if (n >= 2) {
		src = f[0];
		dst = f[1];
		modes = n == 3 ? f[2] : NULL;
	}
	if (src && !*src)
		return brig_errf(e, EINVAL, "invalid volume specification '%s': empty source", arg);
	if (target_path(dst, &m->target, e) < 0)
		return brig_err_ctx(e, "invalid volume specification '%s'", arg);
	if (src) {
		if (volume_source(arg, src, cwd, m, e) < 0)
			return -e->code;
	} else {
		m->type = MOUNT_VOLUME;
		m->anonymous = true;
	}
	return apply_modes(arg, modes, m, e);
}

int mountspec_parse_volume(const char *arg, const char *cwd, struct mount_spec *m,
			   struct brig_err *e)
{
	memset(m, 0, sizeof(*m));
	return finish(parse_volume(arg, cwd, m, e), m, e);
}

/* ---- --tmpfs options ---- */

#define ATTR_DEFAULT (MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC)

/* Flag words: the attributes each clears, then sets. */
static const struct {
	const char *word;
	uint64_t clear, set;
} tmpfs_flags[] = {
	{ "exec", MOUNT_ATTR_NOEXEC, 0 },
	{ "noexec", 0, MOUNT_ATTR_NOEXEC },
	{ "suid", MOUNT_ATTR_NOSUID, 0 },
	{ "nosuid", 0, MOUNT_ATTR_NOSUID },
	{ "dev", MOUNT_ATTR_NODEV, 0 },
	{ "nodev", 0, MOUNT_ATTR_NODEV },
	{ "relatime", MOUNT_ATTR__ATIME, MOUNT_ATTR_RELATIME },
	{ "noatime", MOUNT_ATTR__ATIME, MOUNT_ATTR_NOATIME },
	{ "strictatime", MOUNT_ATTR__ATIME, MOUNT_ATTR_STRICTATIME },
	{ "diratime", MOUNT_ATTR_NODIRATIME, 0 },
	{ "nodiratime", 0, MOUNT_ATTR_NODIRATIME },
};

/* key=value words, in the order the data is written. */
enum tkey { T_SIZE, T_MODE, T_UID, T_GID, T_INODES, T_KEYS };

static const char *const tmpfs_keys[T_KEYS] = { "size", "mode", "uid", "gid", "nr_inodes" };

static int tmpfs_value(enum tkey k, const char *v, uint64_t *out, struct brig_err *e)
{
	int64_t size;
	char *end;

	switch (k) {
	case T_SIZE:
		if (parse_size(v, &size, e) < 0)
			return -e->code;
		*out = (uint64_t)size;
		return 0;
	case T_MODE:
		errno = 0;
		*out = strtoull(v, &end, 8);
		if (!*v || *end || errno || *out > 07777 || *v == '-' || *v == '+' || *v == ' ')
			return brig_errf(e, EINVAL, "an octal mode up to 7777");
		return 0;
	case T_UID:
	case T_GID:
		return parse_uint(v, UINT32_MAX - 1, out, e);
	default:
		return parse_uint(v, UINT32_MAX, out, e);
	}
}

static int tmpfs_word(const char *w, size_t n, struct mount_tmpfs *t, uint64_t val[T_KEYS],
		      bool has[T_KEYS], struct brig_err *e)
{
	const char *eq = memchr(w, '=', n);
	char v[64];

	if (!eq) {
		if (n == 2 && (!strncmp(w, "ro", 2) || !strncmp(w, "rw", 2))) {
			t->readonly = w[1] == 'o';
			return 0;
		}
		for (size_t i = 0; i < ARRAY_SIZE(tmpfs_flags); i++)
			if (strlen(tmpfs_flags[i].word) == n && !strncmp(tmpfs_flags[i].word, w, n)) {
				t->attrs = (t->attrs & ~tmpfs_flags[i].clear) | tmpfs_flags[i].set;
				return 0;
			}
		return brig_errf(e, EINVAL, "unknown option");
	}
	for (int k = 0; k < T_KEYS; k++) {
		if (strlen(tmpfs_keys[k]) != (size_t)(eq - w) || strncmp(tmpfs_keys[k], w, (size_t)(eq - w)))
			continue;
		if (n - (size_t)(eq - w) - 1 >= sizeof(v))
			return brig_errf(e, EINVAL, "value too long");
		snprintf(v, sizeof(v), "%.*s", (int)(n - (size_t)(eq - w) - 1), eq + 1);
		if (tmpfs_value((enum tkey)k, v, &val[k], e) < 0)
			return -e->code;
		has[k] = true;
		return 0;
	}
	return brig_errf(e, EINVAL, "unknown option");
}

static void tmpfs_data(const uint64_t val[T_KEYS], const bool has[T_KEYS], char *out, size_t len)
{
	size_t o = 0;

	out[0] = '\0';
	for (int k = 0; k < T_KEYS && o < len; k++)
		if (has[k])
			o += (size_t)snprintf(out + o, len - o, k == T_MODE ? "%s%s=%llo" : "%s%s=%llu",
					      o ? "," : "", tmpfs_keys[k], (unsigned long long)val[k]);
}

static int tmpfs_parse(const char *opts, struct mount_tmpfs *t, struct brig_err *e)
{
	uint64_t val[T_KEYS] = { 0 };
	bool has[T_KEYS] = { 0 };

	memset(t, 0, sizeof(*t));
	t->attrs = ATTR_DEFAULT;
	for (const char *p = opts; p && *p; p++) {
		size_t n = strcspn(p, ",");
		if (n == 0)
			return brig_errf(e, EINVAL, "empty option in '%s'", opts);
		if (tmpfs_word(p, n, t, val, has, e) < 0)
			return brig_err_ctx(e, "option '%.*s'", (int)n, p);
		p += n;
		if (!*p)
			break;
		if (!p[1])
			return brig_errf(e, EINVAL, "empty option in '%s'", opts);
	}
	tmpfs_data(val, has, t->data, sizeof(t->data));
	return 0;
}

int mountspec_tmpfs_parse(const char *opts, struct mount_tmpfs *t, struct brig_err *e)
{
	return finish(tmpfs_parse(opts, t, e), NULL, e);
}

void mountspec_tmpfs_format(const struct mount_tmpfs *t, char *out, size_t len)
{
	uint64_t atime = t->attrs & MOUNT_ATTR__ATIME;
	int n = snprintf(out, len, "%s,%s,%s%s%s", t->attrs & MOUNT_ATTR_NOSUID ? "nosuid" : "suid",
			 t->attrs & MOUNT_ATTR_NODEV ? "nodev" : "dev",
			 t->attrs & MOUNT_ATTR_NOEXEC ? "noexec" : "exec",
			 atime == MOUNT_ATTR_NOATIME	 ? ",noatime"
			 : atime == MOUNT_ATTR_STRICTATIME ? ",strictatime"
							   : "",
			 t->attrs & MOUNT_ATTR_NODIRATIME ? ",nodiratime" : "");

	if (n > 0 && (size_t)n < len && t->data[0])
		snprintf(out + n, len - (size_t)n, ",%s", t->data);
}

/* The canonical options of t into m->options. */
static int set_tmpfs(const struct mount_tmpfs *t, struct mount_spec *m, struct brig_err *e)
{
	char buf[MOUNTSPEC_TMPFS_MAX];

	mountspec_tmpfs_format(t, buf, sizeof(buf));
	m->type = MOUNT_TMPFS;
	m->readonly = t->readonly;
	if (!(m->options = strdup(buf)))
		return brig_errf(e, ENOMEM, "out of memory");
	return 0;
}

static int parse_tmpfs(const char *arg, struct mount_spec *m, struct brig_err *e)
{
	cleanup_free char *path = strdup(arg);
	struct mount_tmpfs t;
	char *opts;

	if (!path)
		return brig_errf(e, ENOMEM, "out of memory");
	opts = strchr(path, ':');
	if (opts)
		*opts++ = '\0';
	if (target_path(path, &m->target, e) < 0 || mountspec_tmpfs_parse(opts, &t, e) < 0 ||
	    set_tmpfs(&t, m, e) < 0)
		return brig_err_ctx(e, "invalid --tmpfs '%s'", arg);
	return 0;
}

int mountspec_parse_tmpfs(const char *arg, struct mount_spec *m, struct brig_err *e)
{
	memset(m, 0, sizeof(*m));
	return finish(parse_tmpfs(arg, m, e), m, e);
}

/* ---- --mount ---- */

enum mkey { K_TYPE, K_SOURCE, K_TARGET, K_READONLY, K_NOCOPY, K_PROPAGATION, K_TMPFS_SIZE,
	    K_TMPFS_MODE, K_CONSISTENCY, K_KEYS };

static const struct {
	const char *name;
	enum mkey key;
	bool flag; /* may stand alone: "readonly" = "readonly=true" */
} mount_keys[] = {
	{ "type", K_TYPE, false },
	{ "source", K_SOURCE, false },
	{ "src", K_SOURCE, false },
	{ "target", K_TARGET, false },
	{ "destination", K_TARGET, false },
	{ "dst", K_TARGET, false },
	{ "readonly", K_READONLY, true },
	{ "ro", K_READONLY, true },
	{ "volume-nocopy", K_NOCOPY, true },
	{ "bind-propagation", K_PROPAGATION, false },
	{ "tmpfs-size", K_TMPFS_SIZE, false },
	{ "tmpfs-mode", K_TMPFS_MODE, false },
	{ "consistency", K_CONSISTENCY, false },
};

/* The keys each type refuses (Docker: "field X must not be specified"). */
static const enum mkey not_for[][4] = {
	[MOUNT_BIND] = { K_NOCOPY, K_TMPFS_SIZE, K_TMPFS_MODE, K_KEYS },
	[MOUNT_VOLUME] = { K_PROPAGATION, K_TMPFS_SIZE, K_TMPFS_MODE, K_KEYS },
	[MOUNT_TMPFS] = { K_SOURCE, K_NOCOPY, K_PROPAGATION, K_KEYS },
};

static const char *key_name(enum mkey k)
{
	for (size_t i = 0; i < ARRAY_SIZE(mount_keys); i++)
		if (mount_keys[i].key == k)
			return mount_keys[i].name;
	return "?";
}

static int parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "true", "1", "t" }, *const no[] = { "false", "0", "f" };

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcasecmp(v, yes[i]))
			return *out = true, 0;
		if (!strcasecmp(v, no[i]))
			return *out = false, 0;
	}
	return -1;
}

/* Split arg's fields into val[key] (the last given wins). */
static int mount_fields(const char *arg, char *buf, const char *val[K_KEYS], struct brig_err *e)
{
	for (char *save, *f = strtok_r(buf, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(f, '=');
		size_t i;

		if (eq)
			*eq++ = '\0';
		for (i = 0; i < ARRAY_SIZE(mount_keys); i++)
			if (!strcasecmp(f, mount_keys[i].name))
				break;
		if (i == ARRAY_SIZE(mount_keys))
			return brig_errf(e, EINVAL, "invalid --mount '%s': unknown key '%s'", arg, f);
		if (!eq && !mount_keys[i].flag)
			return brig_errf(e, EINVAL, "invalid --mount '%s': field '%s' must be a key=value pair",
					 arg, f);
		val[mount_keys[i].key] = eq ? eq : "true";
	}
	return 0;
}

static int mount_flag(const char *arg, const char *const val[K_KEYS], enum mkey k, bool *out,
		      struct brig_err *e)
{
	if (val[k] && parse_bool(val[k], out) < 0)
		return brig_errf(e, EINVAL, "invalid --mount '%s': %s: '%s' is not a boolean", arg,
				 key_name(k), val[k]);
	return 0;
}

/* tmpfs-size and tmpfs-mode as --tmpfs options. */
static int mount_tmpfs(const char *arg, const char *const val[K_KEYS], struct mount_spec *m,
		       struct brig_err *e)
{
	char opts[160];
	struct mount_tmpfs t;

	snprintf(opts, sizeof(opts), "%s%.64s%s%s%.64s", val[K_TMPFS_SIZE] ? "size=" : "",
		 val[K_TMPFS_SIZE] ? val[K_TMPFS_SIZE] : "",
		 val[K_TMPFS_SIZE] && val[K_TMPFS_MODE] ? "," : "", val[K_TMPFS_MODE] ? "mode=" : "",
		 val[K_TMPFS_MODE] ? val[K_TMPFS_MODE] : "");
	if (mountspec_tmpfs_parse(opts, &t, e) < 0)
		return brig_err_ctx(e, "invalid --mount '%s'", arg);
	t.readonly = m->readonly;
	return set_tmpfs(&t, m, e);
}

static int mount_source(const char *arg, const char *src, const char *cwd, struct mount_spec *m,
			struct brig_err *e)
{
	const char *type = mountspec_type_name(m->type);

	if (m->type == MOUNT_VOLUME) {
		m->anonymous = !src;
		if (src && !mountspec_valid_name(src))
			return brig_errf(e, EINVAL,
					 "invalid --mount '%s': invalid volume name '%s': must match "
					 "[a-zA-Z0-9][a-zA-Z0-9_.-]+", arg, src);
		if (src && !(m->source = strdup(src)))
			return brig_errf(e, ENOMEM, "out of memory");
		return 0;
	}
	if (!src || !*src)
		return brig_errf(e, EINVAL, "invalid mount config for type \"%s\": field source must not be empty",
				 type);
	if (src[0] != '/' && !relative_path(src))
		return brig_errf(e, EINVAL,
				 "invalid mount config for type \"%s\": invalid mount path: '%s' mount path "
				 "must be absolute", type, src);
	return host_path(src, cwd, &m->source, e);
}

static int parse_mount(const char *arg, const char *cwd, struct mount_spec *m, struct brig_err *e)
{
	cleanup_free char *buf = strdup(arg);
	const char *val[K_KEYS] = { 0 };
	const char *type;
	int t;

	if (!buf)
		return brig_errf(e, ENOMEM, "out of memory");
	if (mount_fields(arg, buf, val, e) < 0)
		return -e->code;
	t = mountspec_type_from(val[K_TYPE] ? val[K_TYPE] : "volume");
	if (t < 0)
		return brig_errf(e, EINVAL, "invalid --mount '%s': type must be bind, volume or tmpfs", arg);
	m->type = (enum mount_type)t;
	type = mountspec_type_name(m->type);
	for (const enum mkey *k = not_for[t]; *k != K_KEYS; k++)
		if (val[*k])
			return brig_errf(e, EINVAL, "invalid mount config for type \"%s\": field %s must not be specified",
					 type, key_name(*k));
	if (val[K_PROPAGATION] && strcmp(val[K_PROPAGATION], "private") && strcmp(val[K_PROPAGATION], "rprivate"))
		return brig_errf(e, EINVAL, "invalid --mount '%s': bind-propagation '%s' is not supported (brig's mounts are private)",
				 arg, val[K_PROPAGATION]);
	if (!val[K_TARGET])
		return brig_errf(e, EINVAL, "invalid --mount '%s': target is required", arg);
	if (target_path(val[K_TARGET], &m->target, e) < 0)
		return brig_err_ctx(e, "invalid mount config for type \"%s\"", type);
	if (mount_flag(arg, val, K_READONLY, &m->readonly, e) < 0 ||
	    mount_flag(arg, val, K_NOCOPY, &m->nocopy, e) < 0)
		return -e->code;
	if (m->type == MOUNT_TMPFS)
		return mount_tmpfs(arg, val, m, e);
	return mount_source(arg, val[K_SOURCE], cwd, m, e);
}

int mountspec_parse_mount(const char *arg, const char *cwd, struct mount_spec *m,
			  struct brig_err *e)
{
	memset(m, 0, sizeof(*m));
	return finish(parse_mount(arg, cwd, m, e), m, e);
}

int mountspec_check(const struct mount_spec *m, size_t n, struct brig_err *e)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp(m[i].target, m[j].target) == 0)
				return brig_errf(e, EINVAL, "duplicate mount point: %s", m[i].target);
	return 0;
}
