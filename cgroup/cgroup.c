/* cgroup.c - the public cgroup interface: one container cgroup spans one
 * directory per hierarchy brig uses (several on v1, one on v2, v1 plus the
 * unified tree on hybrid hosts), each driven through its struct cgroup_ops.
 * Also the helpers both drivers share and the cpuset parser.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"
#include "driver.h"

#define CG_MAXDIRS (CG_NCTRL + 1)

struct cgroup {
	int ndirs;
	struct cg_dir dirs[CG_MAXDIRS];
};

/* ---- shared helpers ---------------------------------------------------- */

int cg_write(const struct cg_dir *d, const char *dir, const char *name, const char *s,
	     struct brig_err *e)
{
	char path[PATH_MAX];
	cleanup_close int fd = -1;
	size_t len = strlen(s);
	ssize_t n;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
		return brig_errf(e, ENAMETOOLONG, "cgroup path too long: %s/%s", dir, name);
	/* The kernel provides every file we write, so O_CREAT is never needed
	 * on cgroupfs (and it would turn a missing file into EACCES).  A test's
	 * fake tree is a plain directory that populates nothing: there, and
	 * only there, create the file. */
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | (d && d->emulate ? O_CREAT : 0), 0644);
	if (fd < 0)
		return brig_errno(e, "write %s", path);
	/* cgroupfs takes one value per write(2); a short write is an error. */
	n = write(fd, s, len);
	if (n < 0)
		return brig_errno(e, "write %s: value \"%s\"", path, s);
	if ((size_t)n != len)
		return brig_errf(e, EIO, "write %s: value \"%s\": short write", path, s);
	return 0;
}

int cg_write_pids_cpuset(const struct cg_dir *d, const struct cgroup_limits *l,
			 struct brig_err *e)
{
	char v[32];
	int r;

	if ((d->ctrls & CG_BIT(CG_PIDS)) && l->pids != 0) {
		if (l->pids > 0)
			snprintf(v, sizeof(v), "%" PRId64, l->pids);
		else
			snprintf(v, sizeof(v), "max");
		r = cg_write(d, d->path, "pids.max", v, e);
		if (r < 0)
			return r;
	}
	if ((d->ctrls & CG_BIT(CG_CPUSET)) && l->cpuset[0])
		return cg_write(d, d->path, "cpuset.cpus", l->cpuset, e);
	return 0;
}

int cg_read(const char *dir, const char *name, char *buf, size_t len, struct brig_err *e)
{
	char path[PATH_MAX];
	cleanup_close int fd = -1;
	size_t off = 0;
	ssize_t n;

	if (len == 0)
		return brig_errf(e, EINVAL, "read %s/%s: no buffer", dir, name);
	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, name) >= sizeof(path))
		return brig_errf(e, ENAMETOOLONG, "cgroup path too long: %s/%s", dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return brig_errno(e, "read %s", path);
	while (off + 1 < len) {
		n = read(fd, buf + off, len - 1 - off);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return brig_errno(e, "read %s", path);
		}
		if (n == 0)
			break;
		off += (size_t)n;
	}
	buf[off] = '\0';
	return (int)off;
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;
	unsigned long long x;

	while (isspace((unsigned char)*s))
		s++;
	if (strncmp(s, "max", 3) == 0 && (s[3] == '\0' || isspace((unsigned char)s[3]))) {
		*v = UINT64_MAX;
		return 0;
	}
	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	x = strtoull(s, &end, 10);
	if (errno)
		return -errno;
	while (isspace((unsigned char)*end))
		end++;
	if (*end)
		return -EINVAL;
	*v = x;
	return 0;
}

int cg_read_u64(const char *dir, const char *name, uint64_t *v, struct brig_err *e)
{
	char buf[64];
	int r = cg_read(dir, name, buf, sizeof(buf), e);

	if (r < 0)
		return r;
	if (parse_u64(buf, v) < 0)
		return brig_errf(e, EINVAL, "read %s/%s: not a number: \"%.20s\"", dir, name, buf);
	return 0;
}

int cg_parse_keyed(const char *text, const char *key, uint64_t *v)
{
	size_t klen = strlen(key);
	const char *p = text;

	while (p && *p) {
		if (strncmp(p, key, klen) == 0 && (p[klen] == ' ' || p[klen] == '\t')) {
			char num[32];
			size_t i = 0;
			const char *q = p + klen;

			while (*q == ' ' || *q == '\t')
				q++;
			while (q[i] && q[i] != '\n' && i + 1 < sizeof(num)) {
				num[i] = q[i];
				i++;
			}
			num[i] = '\0';
			return parse_u64(num, v);
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -ENOENT;
}

int cg_mkdir_levels(struct cg_dir *d, const char *rel,
		    int (*fn)(struct cg_dir *d, const char *dir, const char *up, bool made,
			      struct brig_err *e),
		    struct brig_err *e)
{
	char dir[PATH_MAX], up[PATH_MAX];
	const char *p = rel;
	size_t n;
	int r;

	n = (size_t)snprintf(dir, sizeof(dir), "%s", d->mount);
	if (n >= sizeof(dir))
		return brig_errf(e, ENAMETOOLONG, "cgroup path too long: %s", d->mount);
	while (*p) {
		size_t clen = strcspn(p, "/");
		bool made = true;

		if (clen == 0) {
			p++;
			continue;
		}
		memcpy(up, dir, n + 1);
		if (n + 1 + clen >= sizeof(dir))
			return brig_errf(e, ENAMETOOLONG, "cgroup path too long: %s/%s", d->mount,
					 rel);
		dir[n] = '/';
		memcpy(dir + n + 1, p, clen);
		n += 1 + clen;
		dir[n] = '\0';
		p += clen;
		if (mkdir(dir, 0755) < 0) {
			if (errno != EEXIST)
				return brig_errno(e, "mkdir %s", dir);
			made = false;
		}
		if (fn) {
			r = fn(d, dir, up, made, e);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* rmdir(2) returning 0 or -errno.  cgroupfs drops a directory's interface
 * files itself; a test's fake tree is a plain directory holding the files
 * cg_write() created, so there remove them first, unless a child directory
 * (a child cgroup) makes it "not empty" just as the kernel would say. */
static int rmdir_one(const struct cg_dir *d, const char *path)
{
	if (d->emulate) {
		cleanup_dir DIR *dir = opendir(path);
		struct dirent *de;

		if (!dir)
			return -errno;
		while ((de = readdir(dir)))
			if (de->d_type == DT_DIR && strcmp(de->d_name, ".") != 0 &&
			    strcmp(de->d_name, "..") != 0)
				return -ENOTEMPTY;
		rewinddir(dir);
		while ((de = readdir(dir)))
			if (de->d_type == DT_REG && unlinkat(dirfd(dir), de->d_name, 0) < 0)
				return -errno;
	}
	return rmdir(path) < 0 ? -errno : 0;
}

int cg_rmdir(const struct cg_dir *d, const char *path, struct brig_err *e)
{
	/* Tasks that just exited may still be counted for a moment: poll, from
	 * 0.5 ms doubling to 10 ms (usually one short wait), up to ~1 s for the
	 * kernel to drain them, then give up with EBUSY. */
	long wait_ns = 500 * 1000, waited = 0;

	for (;;) {
		int r = rmdir_one(d, path);
		struct timespec tick = { 0, wait_ns };

		if (r == 0 || r == -ENOENT)
			return 0;
		if (r != -EBUSY || waited >= 1000L * 1000 * 1000) {
			errno = -r;
			return brig_errno(e, "rmdir %s", path);
		}
		nanosleep(&tick, NULL);
		waited += wait_ns;
		wait_ns = wait_ns * 2 > 10L * 1000 * 1000 ? 10L * 1000 * 1000 : wait_ns * 2;
	}
}

/* ---- the interface ------------------------------------------------------ */

const char *cgroup_mode(void)
{
	switch (cg_host.mode) {
	case CG_MODE_V1:
		return "v1";
	case CG_MODE_V2:
		return "v2";
	case CG_MODE_HYBRID:
		return "hybrid";
	default:
		return "none";
	}
}

/* parent: relative to each hierarchy root (a leading '/' is dropped), no
 * "." or ".." components, so a --cgroup-parent can never escape the tree. */
static int check_names(const char **parent, const char *id, struct brig_err *e)
{
	const char *p;

	if (!*parent || !**parent)
		*parent = "brig";
	while (**parent == '/')
		(*parent)++;
	if (!**parent)
		return brig_errf(e, EINVAL, "cgroup parent \"/\": must name a directory");
	for (p = *parent; *p;) {
		size_t clen = strcspn(p, "/");

		if ((clen == 1 && p[0] == '.') || (clen == 2 && p[0] == '.' && p[1] == '.'))
			return brig_errf(e, EINVAL,
					 "cgroup parent \"%s\": \".\" and \"..\" are not allowed",
					 *parent);
		p += clen;
		while (*p == '/')
			p++;
	}
	if (strlen(*parent) > 512)
		return brig_errf(e, ENAMETOOLONG, "cgroup parent too long");
	if (id) {
		if (!*id || strchr(id, '/') || strcmp(id, ".") == 0 || strcmp(id, "..") == 0 ||
		    strlen(id) > 255)
			return brig_errf(e, EINVAL, "cgroup id \"%s\": not a valid directory name",
					 id);
	}
	return 0;
}

/* A test's fake tree lives on an ordinary filesystem. */
static bool on_cgroupfs(const char *mount)
{
	struct statfs fs;

	if (statfs(mount, &fs) < 0)
		return true; /* assume the real thing; errors surface on use */
	return fs.f_type == CGROUP_SUPER_MAGIC || fs.f_type == CGROUP2_SUPER_MAGIC;
}

static struct cg_dir *add_dir(struct cgroup *cg, const char *mount, const struct cgroup_ops *ops)
{
	struct cg_dir *d;

	for (int i = 0; i < cg->ndirs; i++)
		if (cg->dirs[i].ops == ops && strcmp(cg->dirs[i].mount, mount) == 0)
			return &cg->dirs[i];
	if (cg->ndirs >= CG_MAXDIRS)
		return NULL;
	d = &cg->dirs[cg->ndirs++];
	memset(d, 0, sizeof(*d));
	d->ops = ops;
	snprintf(d->mount, sizeof(d->mount), "%s", mount);
	d->emulate = !on_cgroupfs(mount);
	return d;
}

/* Lay out one directory per hierarchy: each v1 hierarchy holding one of our
 * controllers, plus the cgroup2 tree when mounted (on hybrid hosts it has no
 * controllers but tracks processes). */
static int build(const char *parent, const char *id, struct cgroup **out, struct brig_err *e)
{
	cleanup_free struct cgroup *cg = NULL;
	unsigned on_v1 = 0;
	int r;

	r = check_names(&parent, id, e);
	if (r < 0)
		return r;
	if (!cg_host.detected) {
		r = cgroup_detect(NULL, NULL, NULL, e);
		if (r < 0)
			return r;
	}
	cg = calloc(1, sizeof(*cg));
	if (!cg)
		return brig_errno(e, "cgroup: allocate");
	for (int c = 0; c < CG_NCTRL; c++) {
		struct cg_dir *d;

		if (!cg_host.v1_mount[c][0])
			continue;
		d = add_dir(cg, cg_host.v1_mount[c], &cg_v1_ops);
		if (!d)
			return brig_errf(e, E2BIG, "cgroup: too many hierarchies");
		d->ctrls |= CG_BIT(c);
		on_v1 |= CG_BIT(c);
	}
	if (cg_host.v2_mount[0]) {
		struct cg_dir *d = add_dir(cg, cg_host.v2_mount, &cg_v2_ops);

		if (!d)
			return brig_errf(e, E2BIG, "cgroup: too many hierarchies");
		d->ctrls = cg_host.v2_ctrls & ~on_v1;
	}
	if (cg->ndirs == 0)
		return brig_errf(e, ENOENT, "no cgroup hierarchy is mounted");
	for (int i = 0; i < cg->ndirs; i++) {
		struct cg_dir *d = &cg->dirs[i];
		char path[PATH_MAX];

		if ((size_t)snprintf(path, sizeof(path), "%s/%s/%s", d->mount, parent, id) >=
		    sizeof(path))
			return brig_errf(e, ENAMETOOLONG, "cgroup path too long: %s/%s/%s",
					 d->mount, parent, id);
		memcpy(d->path, path, sizeof(d->path));
	}
	*out = steal_ptr(cg);
	return 0;
}

static unsigned all_ctrls(const struct cgroup *cg)
{
	unsigned m = 0;

	for (int i = 0; i < cg->ndirs; i++)
		m |= cg->dirs[i].ctrls;
	return m;
}

/* Refuse limits this host cannot enforce before touching anything. */
static int check_limits(const struct cgroup *cg, const struct cgroup_limits *l, struct brig_err *e)
{
	static const struct {
		enum cg_ctrl c;
		const char *what;
	} need[] = {
	    {CG_MEMORY, "memory limit"},
	    {CG_CPU, "cpu limit"},
	    {CG_PIDS, "pids limit"},
	    {CG_CPUSET, "cpuset"},
	};
	unsigned have = all_ctrls(cg);

	for (size_t i = 0; i < ARRAY_SIZE(need); i++) {
		bool want = false;

		switch (need[i].c) {
		case CG_MEMORY:
			want = l->memory != 0 || l->memory_swap != 0;
			break;
		case CG_CPU:
			want = l->cpu_quota || l->cpu_shares;
			break;
		case CG_PIDS:
			want = l->pids != 0;
			break;
		case CG_CPUSET:
			want = l->cpuset[0] != '\0';
			break;
		default:
			break;
		}
		if (want && !(have & CG_BIT(need[i].c)))
			return brig_errf(e, EOPNOTSUPP,
					 "%s requested but the %s cgroup controller is not "
					 "available on this host",
					 need[i].what, cg_ctrl_names[need[i].c]);
	}
	if (l->memory < 0)
		return brig_errf(e, EINVAL, "memory limit %" PRId64 ": must be positive",
				 l->memory);
	if (l->memory_swap < -1)
		return brig_errf(e, EINVAL, "memory+swap limit %" PRId64 ": must be positive or -1",
				 l->memory_swap);
	if (l->memory_swap > 0 && l->memory == 0)
		return brig_errf(e, EINVAL, "a memory+swap limit needs a memory limit too");
	if (l->memory_swap > 0 && l->memory_swap < l->memory)
		return brig_errf(e, EINVAL,
				 "memory+swap limit %" PRId64 " is below the memory limit %" PRId64,
				 l->memory_swap, l->memory);
	if (l->cpu_shares && (l->cpu_shares < 2 || l->cpu_shares > 262144))
		return brig_errf(e, EINVAL, "cpu shares %" PRIu64 ": must be 2..262144",
				 l->cpu_shares);
	if (l->cpu_period && (l->cpu_period < 1000 || l->cpu_period > 1000000))
		return brig_errf(e, EINVAL, "cpu period %" PRIu64 ": must be 1000..1000000 us",
				 l->cpu_period);
	if (l->cpu_quota && l->cpu_quota < 1000)
		return brig_errf(e, EINVAL, "cpu quota %" PRIu64 ": must be at least 1000 us",
				 l->cpu_quota);
	if (memchr(l->cpuset, '\0', sizeof(l->cpuset)) == NULL)
		return brig_errf(e, EINVAL, "cpuset: not terminated");
	return 0;
}

int cgroup_create(const char *parent, const char *id, const struct cgroup_limits *l,
		  struct cgroup **out, struct brig_err *e)
{
	static const struct cgroup_limits none = {0};
	struct cgroup *cg = NULL;
	const char *par = parent;
	int r;

	if (!l)
		l = &none;
	r = build(parent, id, &cg, e);
	if (r < 0)
		return r;
	r = check_limits(cg, l, e);
	if (r < 0)
		goto fail;
	(void)check_names(&par, NULL, NULL);
	for (int i = 0; i < cg->ndirs; i++) {
		struct cg_dir *d = &cg->dirs[i];

		r = d->ops->create(d, par, l, e);
		if (r < 0)
			goto fail;
		r = d->ops->set_limits(d, l, e);
		if (r < 0)
			goto fail;
	}
	*out = cg;
	return 0;
fail:
	/* Nothing left behind: the container directories go; the shared parent
	 * directories stay, other containers may be using them. */
	for (int i = 0; i < cg->ndirs; i++)
		(void)cg->dirs[i].ops->destroy(&cg->dirs[i], NULL);
	cgroup_free(cg);
	return brig_err_ctx(e, "cgroup %s", id);
}

int cgroup_open(const char *parent, const char *id, struct cgroup **out, struct brig_err *e)
{
	return build(parent, id, out, e);
}

int cgroup_enter(struct cgroup *cg, pid_t pid, struct brig_err *e)
{
	if (!cg || pid <= 0)
		return brig_errf(e, EINVAL, "cgroup enter: bad pid %d", (int)pid);
	for (int i = 0; i < cg->ndirs; i++) {
		int r = cg->dirs[i].ops->enter(&cg->dirs[i], pid, e);

		if (r < 0)
			return r;
	}
	return 0;
}

int cgroup_enter_self(struct cgroup *cg, bool v2_done, struct brig_err *e)
{
	if (!cg)
		return brig_errf(e, EINVAL, "cgroup enter: no cgroup");
	for (int i = 0; i < cg->ndirs; i++) {
		struct cg_dir *d = &cg->dirs[i];
		int r;

		if (v2_done && d->ops == &cg_v2_ops && !d->emulate)
			continue;
		r = d->ops->enter_self(d, e);
		if (r < 0)
			return r;
	}
	return 0;
}

int cgroup_clone_fd(const struct cgroup *cg, struct brig_err *e)
{
	for (int i = 0; cg && i < cg->ndirs; i++) {
		const struct cg_dir *d = &cg->dirs[i];
		int fd;

		if (d->ops != &cg_v2_ops || d->emulate)
			continue;
		fd = open(d->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return brig_errno(e, "open %s", d->path);
		return fd;
	}
	return brig_errf(e, ENOENT, "no cgroup2 directory");
}

int cgroup_stats(struct cgroup *cg, struct cgroup_stats *st, struct brig_err *e)
{
	if (!cg || !st)
		return brig_errf(e, EINVAL, "cgroup stats: no cgroup");
	memset(st, 0, sizeof(*st));
	for (int i = 0; i < cg->ndirs; i++) {
		int r;

		/* Drivers read a missing file as "controller off": make sure
		 * a missing cgroup is an error, not a row of zeros. */
		if (access(cg->dirs[i].path, F_OK) < 0)
			return brig_errno(e, "cgroup stats: %s", cg->dirs[i].path);
		r = cg->dirs[i].ops->stats(&cg->dirs[i], st, e);

		if (r < 0)
			return r;
	}
	return 0;
}

int cgroup_destroy(struct cgroup *cg, struct brig_err *e)
{
	int ret = 0;

	if (!cg)
		return 0;
	/* Try every hierarchy; report the first failure. */
	for (int i = 0; i < cg->ndirs; i++) {
		struct brig_err tmp;
		int r = cg->dirs[i].ops->destroy(&cg->dirs[i], ret < 0 ? &tmp : e);

		if (r < 0 && ret == 0)
			ret = r;
	}
	return ret;
}

void cgroup_free(struct cgroup *cg) { free(cg); }

int cgroup_remove_parent(const char *parent, struct brig_err *e)
{
	cleanup_free struct cgroup *cg = NULL;
	int r, removed = 0;

	r = build(parent, "x", &cg, e);
	if (r < 0)
		return r;
	(void)check_names(&parent, NULL, NULL);
	for (int i = 0; i < cg->ndirs; i++) {
		struct cg_dir *d = &cg->dirs[i];
		char path[PATH_MAX];
		size_t base = strlen(d->mount);

		if ((size_t)snprintf(path, sizeof(path), "%s/%s", d->mount, parent) >= sizeof(path))
			return brig_errf(e, ENAMETOOLONG, "cgroup path too long: %s/%s", d->mount,
					 parent);
		/* Deepest level first; stop at the first one still in use. */
		while (strlen(path) > base) {
			char *slash;

			r = rmdir_one(d, path);
			if (r == 0) {
				removed++;
			} else if (r == -ENOTEMPTY || r == -EBUSY || r == -EEXIST) {
				break;
			} else if (r != -ENOENT) {
				errno = -r;
				return brig_errno(e, "rmdir %s", path);
			}
			slash = strrchr(path, '/');
			if (!slash)
				break;
			*slash = '\0';
		}
	}
	return removed;
}

const char *cgroup_path(const struct cgroup *cg, const char *controller)
{
	if (!cg)
		return NULL;
	for (int i = 0; i < cg->ndirs; i++) {
		const struct cg_dir *d = &cg->dirs[i];

		if (!controller) {
			if (d->ops == &cg_v2_ops)
				return d->path;
			continue;
		}
		for (int c = 0; c < CG_NCTRL; c++)
			if ((d->ctrls & CG_BIT(c)) && strcmp(controller, cg_ctrl_names[c]) == 0)
				return d->path;
	}
	return NULL;
}

/* ---- cpuset lists ------------------------------------------------------- */

/* One CPU number: digits only, at most 5 of them (no host has 100000 CPUs),
 * which also keeps strtoul far from overflow. */
static int cpu_number(const char **p, const char *whole, long *v, struct brig_err *e)
{
	const char *s = *p;
	size_t n = 0;

	while (isdigit((unsigned char)s[n]))
		n++;
	if (n == 0)
		return brig_errf(e, EINVAL, "cpuset \"%s\": expected a CPU number at \"%s\"", whole,
				 s);
	if (n > 5)
		return brig_errf(e, ERANGE, "cpuset \"%s\": CPU number %.*s is out of range", whole,
				 (int)n, s);
	*v = strtol(s, NULL, 10);
	*p = s + n;
	return 0;
}

int cgroup_parse_cpuset(const char *s, int ncpus, char *out, size_t outlen, struct brig_err *e)
{
	cleanup_free bool *set = NULL;
	const char *p = s;
	size_t used = 0;
	int r;

	if (!s || !*s)
		return brig_errf(e, EINVAL, "cpuset: empty list");
	if (ncpus <= 0 || ncpus > 99999)
		return brig_errf(e, EINVAL, "cpuset \"%s\": bad host CPU count %d", s, ncpus);
	set = calloc((size_t)ncpus, sizeof(*set));
	if (!set)
		return brig_errno(e, "cpuset: allocate");
	for (;;) {
		long lo, hi;

		r = cpu_number(&p, s, &lo, e);
		if (r < 0)
			return r;
		hi = lo;
		if (*p == '-') {
			p++;
			r = cpu_number(&p, s, &hi, e);
			if (r < 0)
				return r;
			if (hi < lo)
				return brig_errf(e, EINVAL,
						 "cpuset \"%s\": range %ld-%ld is reversed", s, lo,
						 hi);
		}
		if (hi >= ncpus)
			return brig_errf(e, EINVAL, "cpuset %ld: host has only %d CPU%s", hi, ncpus,
					 ncpus == 1 ? "" : "s");
		for (long c = lo; c <= hi; c++)
			set[c] = true;
		if (*p == '\0')
			break;
		if (*p != ',')
			return brig_errf(e, EINVAL, "cpuset \"%s\": unexpected \"%c\"", s, *p);
		p++;
	}
	/* Canonical form: ascending, merged ranges, "0-1,3". */
	if (outlen == 0)
		return brig_errf(e, ENOSPC, "cpuset \"%s\": no room for the result", s);
	out[0] = '\0';
	for (int c = 0; c < ncpus;) {
		int end = c;
		int n;

		if (!set[c]) {
			c++;
			continue;
		}
		while (end + 1 < ncpus && set[end + 1])
			end++;
		if (end == c)
			n = snprintf(out + used, outlen - used, "%s%d", used ? "," : "", c);
		else
			n = snprintf(out + used, outlen - used, "%s%d-%d", used ? "," : "", c, end);
		if (n < 0 || (size_t)n >= outlen - used)
			return brig_errf(e, ENOSPC, "cpuset \"%s\": too long", s);
		used += (size_t)n;
		c = end + 1;
	}
	return 0;
}
