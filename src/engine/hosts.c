/* hosts.c - per-network registries of running containers and the
 * /etc/hosts they produce (see hosts.h). */
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "hosts.h"
#include "parse.h"
#include "proc.h"
#include "util.h"

#define LOCALHOST "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"

struct member {
	char id[BRIG_ID_LEN + 1];
	char mode[2]; /* "s": reads the network's shared file; "p": its own */
	int pid;
	char addr[64], name[64], host[64]; /* addr: "A4" or "A4,A6" (dual stack) */
	char nets[HOSTS_MAX_NETS * 64];
	char aliases[256], extra[1024]; /* "" when none ("-" on disk) */
};

struct registry {
	char net[64];
	struct member *v;
	size_t n;
};

static int reg_path(const struct brig_ctx *c, const char *net, const char *suffix, char *out,
		    size_t len, struct brig_err *e)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s/hosts", c->runroot);
	if (mkdir_p(dir, 0700, e) < 0)
		return -e->code;
	if (snprintf(out, len, "%s/%s%s", dir, net, suffix) >= (int)len)
		return brig_errf(e, ENAMETOOLONG, "hosts registry of %s: path too long", net);
	return 0;
}

/* One registry line into m; false when malformed (it is only ever written
 * here, so such a line is skipped rather than trusted). */
static bool parse_member(const char *line, struct member *m)
{
	*m = (struct member){ .aliases = "-", .extra = "-" };
	if (sscanf(line, "%64s %1s %d %63s %63s %63s %511s %255s %1023s", m->id, m->mode, &m->pid,
		   m->addr, m->name, m->host, m->nets, m->aliases, m->extra) < 7)
		return false;
	if (!strcmp(m->aliases, "-"))
		m->aliases[0] = '\0';
	if (!strcmp(m->extra, "-"))
		m->extra[0] = '\0';
	return true;
}

/* Parse the registry.  A last line without its newline is one being
 * appended: not yet there. */
static int reg_read(const struct brig_ctx *c, const char *net, struct registry *r,
		    struct brig_err *e)
{
	char path[PATH_MAX], line[4096];
	cleanup_fclose FILE *f = NULL;

	memset(r, 0, sizeof(*r));
	snprintf(r->net, sizeof(r->net), "%s", net);
	if (reg_path(c, net, "", path, sizeof(path), e) < 0)
		return -e->code;
	if (!(f = fopen(path, "re")))
		return errno == ENOENT ? 0 : brig_errno(e, "open %s", path);
	while (fgets(line, sizeof(line), f)) {
		struct member m;
		if (!strchr(line, '\n') || !parse_member(line, &m))
			continue;
		if (r->n % 64 == 0) {
			struct member *v = reallocarray(r->v, r->n + 64, sizeof(*v));
			if (!v)
				return brig_errf(e, ENOMEM, "hosts registry of %s: out of memory", net);
			r->v = v;
		}
		r->v[r->n++] = m;
	}
	return 0;
}

/* The registry line of m. */
static void registry_line(FILE *out, const struct member *m)
{
	fprintf(out, "%s %s %d %s %s %s %s %s %s\n", m->id, m->mode, m->pid, m->addr, m->name,
		m->host, m->nets, *m->aliases ? m->aliases : "-", *m->extra ? m->extra : "-");
}

/* One writer per network at a time, so the last rewrite is the newest. */
static int lock_net(const struct brig_ctx *c, const char *net, struct brig_err *e)
{
	char path[PATH_MAX];

	if (reg_path(c, net, ".lock", path, sizeof(path), e) < 0)
		return -e->code;
	return lock_file(path, e);
}

/* ---- texts ---- */

/* Registries read during one rewrite, each once. */
struct cache {
	struct registry regs[HOSTS_MAX_NETS * 4];
	size_t n;
};

static const struct registry *cached(const struct brig_ctx *c, struct cache *k, const char *net)
{
	struct brig_err e;

	for (size_t i = 0; i < k->n; i++)
		if (!strcmp(k->regs[i].net, net))
			return &k->regs[i];
	if (k->n == sizeof(k->regs) / sizeof(k->regs[0]) || reg_read(c, net, &k->regs[k->n], &e) < 0)
		return NULL;
	return &k->regs[k->n++];
}

static void cache_free(struct cache *k)
{
	for (size_t i = 0; i < k->n; i++)
		free(k->regs[i].v);
}

/* "ADDR NAME [HOSTNAME] [ALIAS...]" */
static void member_line(FILE *out, const struct member *m)
{
	char aliases[sizeof(m->aliases)];

	char addrs[sizeof(m->addr)];

	/* one line per address: the IPv4 one, then a dual-stack member's IPv6 */
	snprintf(addrs, sizeof(addrs), "%s", m->addr);
	for (char *s1, *ad = strtok_r(addrs, ",", &s1); ad; ad = strtok_r(NULL, ",", &s1)) {
		fprintf(out, "%s\t%s", ad, m->name);
		if (strcmp(m->host, m->name))
			fprintf(out, " %s", m->host);
		snprintf(aliases, sizeof(aliases), "%s", m->aliases);
		for (char *save, *a = strtok_r(aliases, ",", &save); a; a = strtok_r(NULL, ",", &save))
			fprintf(out, " %s", a);
		fputc('\n', out);
	}
}

/* The member's own --add-host lines, "NAME=IP,..." as "IP\tNAME". */
static void extra_lines(FILE *out, const char *extra)
{
	char list[1024];

	snprintf(list, sizeof(list), "%s", extra);
	for (char *save, *kv = strtok_r(list, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '=');
		if (eq) {
			*eq = '\0';
			fprintf(out, "%s\t%s\n", eq + 1, kv);
		}
	}
}

/* The members of every network in the comma-separated list nets, except
 * skip_id. */
static void members_of(const struct brig_ctx *c, struct cache *k, const char *nets,
		       const char *skip_id, FILE *out)
{
	char list[HOSTS_MAX_NETS * 64];

	snprintf(list, sizeof(list), "%s", nets);
	for (char *save, *n = strtok_r(list, ",", &save); n; n = strtok_r(NULL, ",", &save)) {
		const struct registry *r = cached(c, k, n);
		for (size_t i = 0; r && i < r->n; i++)
			if (!skip_id || strcmp(r->v[i].id, skip_id))
				member_line(out, &r->v[i]);
	}
}

static void nets_list(const struct hosts_entry *h, char *out, size_t len)
{
	size_t off = 0;

	out[0] = '\0';
	for (size_t i = 0; i < h->n_nets && off < len; i++)
		off += (size_t)snprintf(out + off, len - off, "%s%s", i ? "," : "", h->nets[i]);
}

static void entry_member(const struct hosts_entry *h, size_t i, struct member *m)
{
	memset(m, 0, sizeof(*m));
	snprintf(m->id, sizeof(m->id), "%s", h->id);
	snprintf(m->mode, sizeof(m->mode), "%s", h->shared ? "s" : "p");
	m->pid = (int)h->pid;
	net_ip_str(h->addrs[i], m->addr);
	if (h->has6[i]) {
		char a6[NET_IP6_STRLEN];
		size_t len = strlen(m->addr);
		snprintf(m->addr + len, sizeof(m->addr) - len, ",%s", net_ip6_str(&h->addrs6[i], a6));
	}
	snprintf(m->name, sizeof(m->name), "%s", h->name);
	snprintf(m->host, sizeof(m->host), "%s", h->hostname);
	nets_list(h, m->nets, sizeof(m->nets));
	snprintf(m->aliases, sizeof(m->aliases), "%s", h->aliases[i]);
	snprintf(m->extra, sizeof(m->extra), "%s", h->extra);
}

int hosts_text(const struct brig_ctx *c, const struct hosts_entry *h, char **out,
	       struct brig_err *e)
{
	struct cache k = { .n = 0 };
	struct member self;
	size_t len = 0;
	FILE *mem = open_memstream(out, &len);

	if (!mem)
		return brig_errno(e, "hosts file");
	fputs(LOCALHOST, mem);
	for (size_t i = 0; i < h->n_nets; i++) {
		entry_member(h, i, &self);
		member_line(mem, &self);
	}
	members_of(c, &k, self.nets, h->id, mem);
	extra_lines(mem, h->extra);
	cache_free(&k);
	if (fclose(mem) != 0)
		return brig_errno(e, "hosts file");
	return 0;
}

/* ---- rewriting members ---- */

/* Open a file inside a running container's root without letting a symlink
 * in the container lead out of it. */
static int open_in_container(int pid, const char *path)
{
	char root[64];
	cleanup_close int dfd = -1;
	struct open_how how = {
		.flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
		.mode = 0644,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};

	snprintf(root, sizeof(root), "/proc/%d/root", pid);
	dfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -1;
	return (int)syscall(SYS_openat2, dfd, path, &how, sizeof(how));
}

/* In place (same inode): the file may be open, mapped or bound inside. */
static void write_in_place(int fd, const char *text, size_t len)
{
	if (fd >= 0 && pwrite(fd, text, len, 0) == (ssize_t)len)
		(void)!ftruncate(fd, (off_t)len);
}

static void write_hosts(int pid, const char *text, size_t len)
{
	cleanup_close int fd = open_in_container(pid, "/etc/hosts");

	write_in_place(fd, text, len);
}

/* The network's shared file: what every member on this one network only
 * reads through its read-only bind of /etc/hosts.  One write serves them
 * all. */
static void write_shared(const struct brig_ctx *c, struct cache *k, const char *net)
{
	char path[PATH_MAX];
	struct brig_err e;
	cleanup_free char *text = NULL;
	cleanup_close int fd = -1;
	size_t len = 0;
	FILE *mem;

	if (reg_path(c, net, ".hosts", path, sizeof(path), &e) < 0 ||
	    !(mem = open_memstream(&text, &len)))
		return;
	fputs(LOCALHOST, mem);
	members_of(c, k, net, NULL, mem);
	if (fclose(mem) != 0)
		return;
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	write_in_place(fd, text, len);
}

/* A private member's file: the common text, then its own extra lines. */
static void write_member(const struct member *m, const char *text, size_t len)
{
	cleanup_free char *own = NULL;
	size_t own_len = 0;
	FILE *mem;

	if (!*m->extra) {
		write_hosts(m->pid, text, len);
		return;
	}
	if (!(mem = open_memstream(&own, &own_len)))
		return;
	fwrite(text, 1, len, mem);
	extra_lines(mem, m->extra);
	if (fclose(mem) == 0)
		write_hosts(m->pid, own, own_len);
}

/* Rewrite /etc/hosts of every private member of r.  Members usually
 * share their list of networks, so the text is built once per distinct
 * list. */
static void rewrite_private(const struct brig_ctx *c, const struct registry *r)
{
	struct cache k = { .n = 0 };
	char nets[HOSTS_MAX_NETS * 64] = "";
	char *text = NULL;
	size_t len = 0;

	for (size_t i = 0; i < r->n; i++) {
		if (r->v[i].mode[0] == 's')
			continue; /* served by the shared file */
		if (!text || strcmp(nets, r->v[i].nets)) {
			free(text);
			text = NULL;
			FILE *mem = open_memstream(&text, &len);
			if (!mem)
				break;
			fputs(LOCALHOST, mem);
			members_of(c, &k, r->v[i].nets, NULL, mem);
			fclose(mem);
			snprintf(nets, sizeof(nets), "%s", r->v[i].nets);
		}
		write_member(&r->v[i], text, len);
	}
	free(text);
	cache_free(&k);
}

/* ---- targeted edits: a join appends, a leave cuts its lines ----
 *
 * A start or a removal costs the same at 10 members or 1000: the registry
 * line and the shared file's lines of one member are appended or cut out,
 * found by their text, without parsing the others.  Only a network with
 * private members ("p") has them parsed, to rewrite their own files. */

/* Where text (whole lines) starts in buf[0, len) at the start of a line,
 * or -1. */
static ssize_t find_lines(const char *buf, size_t len, const char *text, size_t tlen)
{
	for (size_t off = 0; off + tlen <= len;) {
		const char *nl;

		if (!memcmp(buf + off, text, tlen))
			return (ssize_t)off;
		if (!(nl = memchr(buf + off, '\n', len - off)))
			break;
		off = (size_t)(nl - buf) + 1;
	}
	return -1;
}

/* The registry line of id in buf (its offset and length), or -1. */
static ssize_t find_member(const char *buf, size_t len, const char *id, size_t *line_len)
{
	char key[BRIG_ID_LEN + 2];
	size_t klen = (size_t)snprintf(key, sizeof(key), "%s ", id);
	ssize_t off = find_lines(buf, len, key, klen);
	const char *nl;

	if (off < 0 || !(nl = memchr(buf + off, '\n', len - (size_t)off)))
		return -1;
	*line_len = (size_t)(nl - (buf + off)) + 1;
	return off;
}

/* Any private member in a registry's text (the mode is its 2nd field). */
static bool any_private(const char *buf, size_t len)
{
	for (const char *p = buf, *end = buf + len; p < end;) {
		const char *sp = memchr(p, ' ', (size_t)(end - p));
		const char *nl = memchr(p, '\n', (size_t)(end - p));

		if (sp && (!nl || sp < nl) && sp + 1 < end && sp[1] == 'p')
			return true;
		if (!nl)
			break;
		p = nl + 1;
	}
	return false;
}

/* A member's text in a file: its registry line or its hosts lines. */
static size_t text_of(void (*fmt)(FILE *, const struct member *), const struct member *m,
		      char *out, size_t cap)
{
	FILE *mem = fmemopen(out, cap, "w");
	long n;

	if (!mem)
		return 0;
	fmt(mem, m);
	n = ftell(mem);
	return fclose(mem) == 0 && n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

/* Replace path by buf without fsync: the runtime root's files do not
 * outlive a reboot, and rename alone keeps readers from a torn file. */
static int replace_file(const char *path, const char *buf, size_t len, struct brig_err *e)
{
	char tmp[PATH_MAX];
	cleanup_close int fd = -1;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return brig_errf(e, ENAMETOOLONG, "%s: path too long", path);
	/* a fixed temp name: only the holder of the network's lock writes */
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return brig_errno(e, "create %s", tmp);
	if (write_all(fd, buf, len) < 0 || rename(tmp, path) < 0) {
		brig_errno(e, "replace %s", path);
		unlink(tmp);
		return -e->code;
	}
	return 0;
}

/* Append a member's line to the registry (one write: a reader without the
 * lock sees it whole or, unterminated, skips it). */
static int append_file(const char *path, const char *text, size_t len, struct brig_err *e)
{
	cleanup_close int fd =
		open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0 || write_all(fd, text, len) < 0)
		return brig_errno(e, "append to %s", path);
	return 0;
}

/* The shared file's whole text, read through fd; NULL on failure. */
static char *read_fd_all(int fd, size_t *len)
{
	struct stat st;
	char *buf;
	ssize_t n;

	if (fstat(fd, &st) < 0 || !(buf = malloc((size_t)st.st_size + 1)))
		return NULL;
	n = pread(fd, buf, (size_t)st.st_size, 0);
	if (n != st.st_size) {
		free(buf);
		return NULL;
	}
	*len = (size_t)n;
	return buf;
}

/* The shared file without old's lines and with m's appended, written from
 * the first byte that changes (same inode: it is bound in containers).
 * -1 when the file does not hold what the registry says (missing, or a
 * line not found): the caller rewrites it whole. */
static int patch_shared(const struct brig_ctx *c, const char *net, const struct member *old,
			const struct member *m)
{
	char path[PATH_MAX], o[2048], n[2048];
	size_t olen = old ? text_of(member_line, old, o, sizeof(o)) : 0;
	size_t nlen = m ? text_of(member_line, m, n, sizeof(n)) : 0;
	size_t len = 0, from;
	cleanup_free char *buf = NULL;
	cleanup_close int fd = -1;
	struct brig_err e;
	ssize_t at = -1;

	if ((old && !olen) || (m && !nlen) || reg_path(c, net, ".hosts", path, sizeof(path), &e) < 0)
		return -1;
	fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || !(buf = read_fd_all(fd, &len)) || len < strlen(LOCALHOST) ||
	    memcmp(buf, LOCALHOST, strlen(LOCALHOST)))
		return -1;
	from = len;
	if (old) {
		at = find_lines(buf, len, o, olen);
		if (at < (ssize_t)strlen(LOCALHOST))
			return -1;
		memmove(buf + at, buf + at + olen, len - (size_t)at - olen);
		len -= olen;
		from = (size_t)at;
	}
	if (m) {
		char *grown = realloc(buf, len + nlen);
		if (!grown)
			return -1;
		buf = grown;
		memcpy(buf + len, n, nlen);
		len += nlen;
	}
	if (len > from && pwrite(fd, buf + from, len - from, (off_t)from) != (ssize_t)(len - from))
		return -1;
	return ftruncate(fd, (off_t)len) < 0 ? -1 : 0;
}

/* The registry (raw, len bytes) without the line at off (old_len bytes;
 * off < 0: none) and with m's appended (m may be NULL). */
static int edit_registry(const char *path, const char *raw, size_t len, ssize_t off,
			 size_t old_len, const struct member *m, struct brig_err *e)
{
	char line[2048];
	size_t n = m ? text_of(registry_line, m, line, sizeof(line)) : 0;
	cleanup_free char *buf = NULL;
	size_t tail;

	if (m && !n)
		return brig_errf(e, EOVERFLOW, "registry line of %s too long", m->id);
	if (off < 0) /* a new member: append */
		return append_file(path, line, n, e);
	if (!(buf = malloc(len - old_len + n + 1)))
		return brig_errf(e, ENOMEM, "hosts registry: out of memory");
	tail = len - (size_t)off - old_len;
	memcpy(buf, raw, (size_t)off);
	memcpy(buf + off, raw + off + old_len, tail);
	memcpy(buf + off + tail, line, n);
	return replace_file(path, buf, len - old_len + n, e);
}

/* Change one network's registry (drop id, then add m when not NULL) and
 * the hosts files: the shared one patched, private members' rewritten. */
static void update(const struct brig_ctx *c, const char *net, const char *id,
		   const struct member *m)
{
	char path[PATH_MAX];
	struct brig_err e;
	cleanup_close int lock = lock_net(c, net, &e);
	cleanup_free char *raw = NULL;
	char line[4096];
	struct member old;
	size_t len = 0, old_len = 0;
	ssize_t off = -1;
	bool priv, have_old = false;

	if (lock < 0 || reg_path(c, net, "", path, sizeof(path), &e) < 0)
		return;
	if (read_file(path, &raw, &len, &e) < 0 && e.code != ENOENT)
		return;
	if (raw && (off = find_member(raw, len, id, &old_len)) >= 0) {
		snprintf(line, sizeof(line), "%.*s", (int)old_len, raw + off);
		have_old = parse_member(line, &old);
	}
	if (off < 0 && !m)
		return;
	priv = (m && m->mode[0] == 'p') || (raw && any_private(raw, len));
	if (edit_registry(path, raw, len, off, old_len, m, &e) < 0)
		return;
	/* a malformed old line: its hosts lines are unknown, rewrite whole */
	if ((off >= 0 && !have_old) || patch_shared(c, net, have_old ? &old : NULL, m) < 0) {
		struct cache k = { .n = 0 };
		write_shared(c, &k, net);
		cache_free(&k);
	}
	if (priv) {
		struct registry r;
		if (reg_read(c, net, &r, &e) == 0)
			rewrite_private(c, &r);
		free(r.v);
	}
}

void hosts_join(const struct brig_ctx *c, const struct hosts_entry *h)
{
	struct member m;

	for (size_t i = 0; i < h->n_nets; i++) {
		entry_member(h, i, &m);
		update(c, h->nets[i], h->id, &m);
	}
}

void hosts_leave(const struct brig_ctx *c, const char *id, const char *const *nets,
		 size_t n_nets)
{
	for (size_t i = 0; i < n_nets; i++)
		update(c, nets[i], id, NULL);
}

void hosts_drop(const struct brig_ctx *c, const char *net)
{
	static const char *const suffixes[] = { "", ".hosts", ".lock", ".tmp" };
	char path[PATH_MAX];
	struct brig_err e;

	for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++)
		if (reg_path(c, net, suffixes[i], path, sizeof(path), &e) == 0)
			unlink(path);
}

int hosts_shared_path(const struct brig_ctx *c, const char *net, char *out, size_t len,
		      struct brig_err *e)
{
	return reg_path(c, net, ".hosts", out, len, e);
}

static int detach_hosts(void *arg, struct brig_err *e)
{
	(void)arg;
	if (umount2("/etc/hosts", MNT_DETACH) < 0)
		return brig_errno(e, "detach the shared /etc/hosts");
	return 0;
}

int hosts_unshare(pid_t pid, struct brig_err *e)
{
	/* in a child: brig itself stays in its own mount namespace */
	if (proc_run_in_ns(pid, "mnt", CLONE_NEWNS, detach_hosts, NULL, e) < 0)
		return brig_err_ctx(e, "container %d", (int)pid);
	return 0;
}
