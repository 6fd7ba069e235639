/* ipam.c - lease-file IPAM: one file per network, one line per lease
 *
 *   <addr> <container-id> <owner-pid> <owner-starttime>
 *   last6 <addr6>     (only once an IPv6 address was leased)
 *   last <addr>
 *
 * where <addr> is IPv4 or (dual-stack networks) IPv6.
 *
 * Concurrency: every operation holds flock(LOCK_EX) on "<path>.lock" for
 * its whole read-modify-write.  The lease file itself is replaced by
 * rename(), so locking it directly would lock an inode that the next writer
 * unlinks; the separate lock file is never renamed.  Readers never see a
 * torn file (temp file + rename).  The file is parsed defensively:
 * a corrupt line is counted, skipped and dropped on rewrite.
 *
 * Cost at scale: the file stays sorted by address, so a lease is found by
 * binary search, and an allocation checks a bounded number of owners
 * (RECLAIM_SWEEP: all of them in a file of at most that many leases; else
 * that many from a random place, plus the owner of every address it would
 * take), not every owner's /proc entry.  ipam_gc checks them all. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "io.h"
#include "warn.h"
#include "proc.h"
#include "ipam.h"
#include "parse.h"

#define LEASE_FILE_MAX (64u << 20) /* a /8 of leases fits well below this */

/* ---- parsing ---- */

static void warn_line(struct ipam_warn *w, size_t lineno, const char *why)
{
	if (!w)
		return;
	if (w->bad_lines++ == 0)
		snprintf(w->first, sizeof(w->first), "line %zu: %s", lineno, why);
}

/* Strict unsigned decimal: digits only, no sign, no leading zero, fits. */
static bool parse_ull(const char *s, unsigned long long max, unsigned long long *out)
{
	unsigned long long v = 0;

	if (!*s || (s[0] == '0' && s[1]))
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		if (v > (max - (unsigned)(*s - '0')) / 10)
			return false;
		v = v * 10 + (unsigned)(*s - '0');
	}
	*out = v;
	return true;
}

static bool valid_cid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= IPAM_CID_MAX)
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == n;
}

/* IPv4 before IPv6, then by address. */
static int cmp_address(const struct ipam_entry *x, const struct ipam_entry *y)
{
	if (x->v6 != y->v6)
		return x->v6 ? 1 : -1;
	if (x->v6)
		return memcmp(&x->addr6, &y->addr6, sizeof(x->addr6));
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* The index of the lease of x's address in sorted f, or -1. */
static int find_sorted(const struct ipam_file *f, const struct ipam_entry *x)
{
	size_t lo = 0, hi = f->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp_address(&f->v[mid], x);

		if (c == 0)
			return (int)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int find_addr(const struct ipam_file *f, uint32_t addr)
{
	struct ipam_entry x = { .addr = addr };

	return find_sorted(f, &x);
}

static int find_addr6(const struct ipam_file *f, const struct in6_addr *a)
{
	struct ipam_entry x = { .v6 = true, .addr6 = *a };

	return find_sorted(f, &x);
}

/* The first lease of cid in one family, or -1. */
static int find_cid(const struct ipam_file *f, const char *cid, bool v6)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].v6 == v6 && strcmp(f->v[i].cid, cid) == 0)
			return (int)i;
	return -1;
}

static int push(struct ipam_file *f, const struct ipam_entry *ent)
{
	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 16;
		struct ipam_entry *v = reallocarray(f->v, cap, sizeof(*v));

		if (!v)
			return -ENOMEM;
		f->v = v;
		f->cap = cap;
	}
	f->v[f->n++] = *ent;
	return 0;
}

/* By address, then by line: the first line of an address sorts first. */
static int cmp_addr_line(const void *a, const void *b)
{
	const struct ipam_entry *x = a, *y = b;
	int c = cmp_address(x, y);

	if (c)
		return c;
	return x->line < y->line ? -1 : x->line > y->line;
}

/* Whether f->v is in cmp's order already (a linear look beats a sort). */
static bool sorted_by(const struct ipam_file *f, int (*cmp)(const void *, const void *))
{
	for (size_t i = 1; i < f->n; i++)
		if (cmp(&f->v[i - 1], &f->v[i]) > 0)
			return false;
	return true;
}

/* A second lease of an address already leased is corrupt: keep the first
 * line, count the others.  Leaves f sorted by address. */
static void drop_duplicates(struct ipam_file *f, struct ipam_warn *warn)
{
	size_t j = 0;

	if (f->n < 2)
		return;
	if (!sorted_by(f, cmp_addr_line)) /* brig writes it sorted */
		qsort(f->v, f->n, sizeof(*f->v), cmp_addr_line);
	for (size_t i = 0; i < f->n; i++) {
		if (j > 0 && cmp_address(&f->v[j - 1], &f->v[i]) == 0)
			warn_line(warn, f->v[i].line, "duplicate address");
		else
			f->v[j++] = f->v[i];
	}
	f->n = j;
}

/* An address of either family into ent: IPv6 when it has a ':'. */
static int parse_any(const char *s, struct ipam_entry *ent)
{
	ent->v6 = strchr(s, ':') != NULL;
	return ent->v6 ? net_parse_ip6(s, &ent->addr6, NULL) : net_parse_ip(s, &ent->addr, NULL);
}

/* Parse one NUL-terminated line (no newline) into ent, or say why not.
 * Returns 1 for a lease, 2 for a "last" line, 3 for "last6", 0 when
 * corrupt. */
static int parse_line(char *line, struct ipam_entry *ent, const char **why)
{
	char *f[5];
	int n = 0;
	unsigned long long v;

	/* Exactly single spaces between fields: "a  b" or a leading space
	 * would make an empty field, which is refused below. */
	for (char *p = line;; p++) {
		if (n == 5)
			return *why = "too many fields", 0;
		f[n++] = p;
		p = strchr(p, ' ');
		if (!p)
			break;
		*p = '\0';
	}
	for (int i = 0; i < n; i++)
		if (!*f[i])
			return *why = "empty field", 0;
	if (n == 2 && strcmp(f[0], "last") == 0) {
		if (net_parse_ip(f[1], &ent->addr, NULL) < 0)
			return *why = "bad address in last line", 0;
		return 2;
	}
	if (n == 2 && strcmp(f[0], "last6") == 0) {
		if (net_parse_ip6(f[1], &ent->addr6, NULL) < 0)
			return *why = "bad address in last6 line", 0;
		return 3;
	}
	if (n != 4)
		return *why = "wrong number of fields", 0;
	if (parse_any(f[0], ent) < 0)
		return *why = "bad address", 0;
	if (!valid_cid(f[1]))
		return *why = "bad container id", 0;
	snprintf(ent->cid, sizeof(ent->cid), "%s", f[1]);
	if (!parse_ull(f[2], INT_MAX, &v) || v == 0)
		return *why = "bad owner pid", 0;
	ent->owner = (pid_t)v;
	if (!parse_ull(f[3], ULLONG_MAX, &ent->starttime))
		return *why = "bad owner start time", 0;
	return 1;
}

int ipam_parse(const char *buf, size_t len, struct ipam_file *f, struct ipam_warn *warn,
	       struct brig_err *e)
{
	char line[IPAM_LINE_MAX + 1];
	size_t pos = 0, lineno = 0;

	while (pos < len) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t ll = nl ? (size_t)(nl - (buf + pos)) : len - pos;
		struct ipam_entry ent = { 0 };
		const char *why = NULL;
		int kind;

		lineno++;
		if (!nl)
			why = "truncated (no newline)";
		else if (ll > IPAM_LINE_MAX)
			why = "line too long";
		else if (memchr(buf + pos, '\0', ll))
			why = "NUL byte";
		pos += ll + (nl ? 1 : 0);
		if (why) {
			warn_line(warn, lineno, why);
			continue;
		}
		memcpy(line, nl - ll, ll);
		line[ll] = '\0';
		kind = parse_line(line, &ent, &why);
		if (kind == 2 && f->has_last)
			kind = 0, why = "second last line";
		if (kind == 3 && f->has_last6)
			kind = 0, why = "second last6 line";
		if (kind == 0) {
			warn_line(warn, lineno, why);
		} else if (kind == 2) {
			f->last = ent.addr;
			f->has_last = true;
		} else if (kind == 3) {
			f->last6 = ent.addr6;
			f->has_last6 = true;
		} else {
			ent.line = lineno;
			if (push(f, &ent) < 0)
				return brig_errf(e, ENOMEM, "lease file: out of memory");
		}
	}
	drop_duplicates(f, warn);
	return (int)(f->n > INT_MAX ? INT_MAX : f->n);
}

void ipam_file_free(struct ipam_file *f)
{
	free(f->v);
	memset(f, 0, sizeof(*f));
}

/* ---- liveness ---- */

/* Owners an allocation checks at most besides those of the addresses it
 * would take; a file of at most this many leases is checked whole. */
#define RECLAIM_SWEEP 32

/* The owner is alive: its pid runs and started when the lease says (a
 * reused pid has another start time; a zombie is dead). */
static bool owner_alive(const struct ipam_entry *x)
{
	unsigned long long st = proc_starttime(x->owner);

	return st != 0 && st == x->starttime;
}

/* Drop leases of dead owners (pid gone, or reused: start time differs);
 * returns how many.  Start times are looked up once per pid through a
 * small direct-mapped cache: many leases share one owner. */
static int reclaim(struct ipam_file *f)
{
	struct {
		pid_t pid;
		unsigned long long st;
	} cache[256] = { 0 };
	size_t j = 0;
	int freed = 0;

	for (size_t i = 0; i < f->n; i++) {
		pid_t pid = f->v[i].owner;
		unsigned slot = (unsigned)pid % ARRAY_SIZE(cache);

		if (cache[slot].pid != pid) {
			cache[slot].pid = pid;
			cache[slot].st = proc_starttime(pid);
		}
		if (cache[slot].st != 0 && cache[slot].st == f->v[i].starttime)
			f->v[j++] = f->v[i];
		else
			freed++;
	}
	f->n = j;
	return freed;
}

/* Remove lease i, keeping the order. */
static void drop(struct ipam_file *f, size_t i)
{
	memmove(&f->v[i], &f->v[i + 1], (f->n - i - 1) * sizeof(*f->v));
	f->n--;
}

/* Before an allocation: every owner of a small file, else RECLAIM_SWEEP
 * leases from a random place, so that over a few allocations every dead
 * owner's lease goes, while one allocation costs the same at 10 leases
 * or 10000.  The addresses an allocation takes are checked besides
 * (take_if_dead), and ipam_gc checks all. */
static void reclaim_some(struct ipam_file *f)
{
	size_t at;

	if (f->n <= RECLAIM_SWEEP) {
		reclaim(f);
		return;
	}
	at = arc4random_uniform((uint32_t)(f->n > UINT32_MAX ? UINT32_MAX : f->n));
	for (size_t k = 0; k < RECLAIM_SWEEP && f->n; k++) {
		if (at >= f->n)
			at = 0;
		if (owner_alive(&f->v[at]))
			at++;
		else
			drop(f, at); /* the next one moved into at */
	}
}

/* Lease i is in the way of an allocation: drop it when its owner is dead.
 * Returns whether it went. */
static bool take_if_dead(struct ipam_file *f, int i)
{
	if (i < 0 || owner_alive(&f->v[i]))
		return false;
	drop(f, (size_t)i);
	return true;
}

/* ---- the locked file ---- */

struct lease_db {
	const char *path;
	int lockfd;
	struct ipam_file f;
	struct ipam_warn w; /* corrupt lines of this read */
	bool damaged;       /* missing, empty, corrupt, or no "last" line */
};

static void lease_db_close(struct lease_db *db)
{
	ipam_file_free(&db->f);
	if (db->lockfd >= 0)
		close(db->lockfd); /* releases the flock */
	db->lockfd = -1;
}
#define cleanup_db __attribute__((cleanup(lease_db_close)))

/* Lock <path>.lock, then read and parse <path>. */
static int lease_db_open(struct lease_db *db, const char *path, struct brig_err *e)
{
	char lockpath[PATH_MAX];
	cleanup_free char *buf = NULL;
	size_t len = 0;

	db->path = path;
	if (snprintf(lockpath, sizeof(lockpath), "%s.lock", path) >= (int)sizeof(lockpath))
		return brig_errf(e, ENAMETOOLONG, "lease file path too long: %s", path);
	db->lockfd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (db->lockfd < 0)
		return brig_errno(e, "open lease lock %s", lockpath);
	while (flock(db->lockfd, LOCK_EX) < 0)
		if (errno != EINTR)
			return brig_errno(e, "lock %s", lockpath);
	/* absent is empty (buf stays NULL); the file is ours: never a link */
	if (read_file_max(path, O_NOFOLLOW, LEASE_FILE_MAX, &buf, &len, e) < 0 && e->code != ENOENT)
		return brig_err_ctx(e, "lease file");
	if (ipam_parse(buf ? buf : "", len, &db->f, &db->w, e) < 0)
		return brig_err_ctx(e, "%s", path);
	/* Every write ends with the "last" line: without it the file was lost,
	 * truncated or replaced. */
	db->damaged = !buf || db->w.bad_lines || !db->f.has_last;
	if (db->w.bad_lines)
		brig_warn("lease file %s: skipped %d corrupt line(s): %s", path, db->w.bad_lines,
			  db->w.first);
	return 0;
}

/* Add ent in its place by address (f stays sorted); -ENOMEM on failure. */
static int insert(struct ipam_file *f, const struct ipam_entry *ent)
{
	size_t lo = 0, hi = f->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_address(&f->v[mid], ent) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (push(f, ent) < 0)
		return -ENOMEM;
	memmove(&f->v[lo + 1], &f->v[lo], (f->n - 1 - lo) * sizeof(*f->v));
	f->v[lo] = *ent;
	return 0;
}

int ipam_file_add(struct ipam_file *f, const struct ipam_entry *ent)
{
	if ((ent->v6 ? find_addr6(f, &ent->addr6) : find_addr(f, ent->addr)) >= 0)
		return 0;
	return insert(f, ent);
}

/* A damaged file is rebuilt from the truth before it is used. */
static int recover(struct lease_db *db, const struct ipam_recover *rec, struct brig_err *e)
{
	if (!db->damaged || !rec)
		return 0;
	if (rec->fn(rec->arg, &db->f, e) < 0)
		return brig_err_ctx(e, "rebuild lease file %s", db->path);
	return 1;
}

static int cmp_entry(const void *a, const void *b)
{
	return cmp_address(a, b);
}

/* Serialize db->f (sorted) and replace the file atomically. */
static int lease_db_save(struct lease_db *db, struct brig_err *e)
{
	size_t cap = (db->f.n + 2) * (IPAM_LINE_MAX + 2), len = 0;
	cleanup_free char *buf = malloc(cap);
	char tmp[PATH_MAX], a[NET_IP6_STRLEN];
	cleanup_close int fd = -1;

	if (!buf)
		return brig_errf(e, ENOMEM, "write lease file %s: out of memory", db->path);
	if (!sorted_by(&db->f, cmp_entry)) /* kept sorted: only a rebuild is not */
		qsort(db->f.v, db->f.n, sizeof(*db->f.v), cmp_entry);
	for (size_t i = 0; i < db->f.n; i++) {
		const struct ipam_entry *x = &db->f.v[i];

		len += (size_t)snprintf(buf + len, cap - len, "%s %s %d %llu\n",
					x->v6 ? net_ip6_str(&x->addr6, a) : net_ip_str(x->addr, a),
					x->cid, (int)x->owner, x->starttime);
	}
	if (db->f.has_last6) /* before "last": that one stays the final line */
		len += (size_t)snprintf(buf + len, cap - len, "last6 %s\n",
					net_ip6_str(&db->f.last6, a));
	/* Always a "last" line (0.0.0.0: none yet): the mark of a whole file. */
	len += (size_t)snprintf(buf + len, cap - len, "last %s\n",
				net_ip_str(db->f.has_last ? db->f.last : 0, a));
	if (snprintf(tmp, sizeof(tmp), "%s.tmp", db->path) >= (int)sizeof(tmp))
		return brig_errf(e, ENAMETOOLONG, "lease file path too long: %s", db->path);
	/* The temp name is fixed: only the lock holder writes it. */
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return brig_errno(e, "create %s", tmp);
	/* No fsync: the file lives in the runtime root and caches the truth;
	 * rename alone keeps readers from a torn file, and a file a crash cut
	 * short lacks its "last" line and is rebuilt (recover). */
	if (write_all(fd, buf, len) < 0) {
		brig_errno(e, "write %s", tmp);
		unlink(tmp);
		return -e->code;
	}
	if (rename(tmp, db->path) < 0) {
		brig_errno(e, "rename %s to %s", tmp, db->path);
		unlink(tmp);
		return -e->code;
	}
	return 0;
}

/* ---- allocation ---- */

/* Usable host range [*lo, *hi] of n, and its gateway (0: none). */
static void host_range(const struct net_network *n, uint32_t *lo, uint32_t *hi, uint32_t *gw)
{
	uint32_t mask = n->prefix <= 0 ? 0 : 0xffffffffu << (32 - n->prefix);
	uint32_t net = n->subnet & mask, bcast = net | ~mask;

	if (n->prefix >= 31) { /* RFC 3021: no network/broadcast addresses */
		*lo = net;
		*hi = bcast;
	} else {
		*lo = net + 1;
		*hi = bcast - 1;
	}
	*gw = n->no_gateway ? 0 : n->gateway ? n->gateway : *lo;
}

/* Refuse req unless it is a free host address of n (or cid's own lease,
 * whose index goes to *idx; -1 otherwise). */
static int check_requested(struct ipam_file *f, const struct net_network *n,
			   const char *cid, uint32_t req, int *idx, struct brig_err *e)
{
	uint32_t lo, hi, gw;
	char a[16], s[16];
	int i;

	host_range(n, &lo, &hi, &gw);
	if (req < lo || req > hi)
		return brig_errf(e, EINVAL, "address %s is not a host address of network %s (%s/%d)",
				 net_ip_str(req, a), n->name, net_ip_str(n->subnet, s), n->prefix);
	if (req == gw)
		return brig_errf(e, EADDRINUSE, "address %s is the gateway of network %s",
				 net_ip_str(req, a), n->name);
	i = find_addr(f, req);
	if (i >= 0 && strcmp(f->v[i].cid, cid) != 0 && take_if_dead(f, i))
		i = -1;
	if (i >= 0 && strcmp(f->v[i].cid, cid) != 0)
		return brig_errf(e, EADDRINUSE, "address %s is already in use by container %s",
				 net_ip_str(req, a), f->v[i].cid);
	*idx = i;
	return 0;
}

/* Next free address after f->last, wrapping; -ENOSPC when full.  An
 * address whose owner is dead is free: the first RECLAIM_SWEEP leased
 * ones on the way are checked (the walk starts after the last
 * allocation, so it rarely meets any), and a full network is swept whole
 * before it is called full. */
static int pick_free(struct ipam_file *f, const struct net_network *n, uint32_t *out,
		     struct brig_err *e)
{
	uint32_t lo, hi, gw, a, size;
	int checks = RECLAIM_SWEEP, i;
	char s[16];

	host_range(n, &lo, &hi, &gw);
	size = hi - lo + 1; /* hi >= lo; a /0 would wrap to 0 and is not a network */
	for (int pass = 0; pass < 2; pass++) {
		a = (f->has_last && f->last >= lo && f->last < hi) ? f->last + 1 : lo;
		for (uint64_t k = 0; k < (size ? size : 1ull << 32); k++) {
			if (a != gw && ((i = find_addr(f, a)) < 0 ||
					(checks-- > 0 && take_if_dead(f, i)))) {
				*out = a;
				return 0;
			}
			a = a == hi ? lo : a + 1;
		}
		if (reclaim(f) == 0)
			break;
	}
	return brig_errf(e, ENOSPC, "network %s (%s/%d) has no free address: %zu leased", n->name,
			 net_ip_str(n->subnet, s), n->prefix, f->n);
}

/* cid's own lease in one family when its owner still runs (a retry gets
 * it back); a dead owner's is dropped.  -1 when none. */
static int own_lease(struct ipam_file *f, const char *cid, bool v6)
{
	int i = find_cid(f, cid, v6);

	return take_if_dead(f, i) ? -1 : i;
}

int ipam_lease(const char *path, const struct net_network *n, const char *cid, pid_t owner,
	       unsigned long long starttime, uint32_t requested, uint32_t *out,
	       const struct ipam_recover *rec, struct brig_err *e)
{
	cleanup_db struct lease_db db = { .lockfd = -1 };
	struct ipam_entry ent = { .owner = owner, .starttime = starttime };
	int i = -1;

	if (!valid_cid(cid))
		return brig_errf(e, EINVAL, "lease: invalid container id '%.64s'", cid);
	if (owner <= 0 || n->prefix < 0 || n->prefix > 32)
		return brig_errf(e, EINVAL, "lease: invalid owner pid or prefix");
	if (lease_db_open(&db, path, e) < 0 || recover(&db, rec, e) < 0)
		return -e->code;
	reclaim_some(&db.f);
	if (requested) {
		if (check_requested(&db.f, n, cid, requested, &i, e) < 0)
			return -e->code;
		ent.addr = requested;
	} else {
		/* A retry by the same container gets its lease back. */
		i = own_lease(&db.f, cid, false);
		if (i < 0 && pick_free(&db.f, n, &ent.addr, e) < 0)
			return -e->code;
	}
	snprintf(ent.cid, sizeof(ent.cid), "%s", cid);
	if (i >= 0) {
		ent.addr = db.f.v[i].addr;
		db.f.v[i] = ent;
	} else if (insert(&db.f, &ent) < 0) {
		return brig_errf(e, ENOMEM, "lease: out of memory");
	}
	db.f.last = ent.addr;
	db.f.has_last = true;
	if (lease_db_save(&db, e) < 0)
		return -e->code;
	*out = ent.addr;
	return 0;
}

/* ---- IPv6 allocation ---- */

/* Host range of n's v6 subnet: subnet::1 .. the last address (IPv6 has no
 * broadcast; subnet::0 is the subnet-router anycast address), and the
 * gateway (0: none). */
static void host_range6(const struct net_network *n, net_u128 *lo, net_u128 *hi, net_u128 *gw)
{
	net_u128 net = net_ip6_u128(&n->subnet6) & net_mask6(n->prefix6);

	*lo = net + 1;
	*hi = net | ~net_mask6(n->prefix6);
	*gw = n->no_gateway ? 0 : net_ip6_u128(&n->gateway6);
}

static int check_requested6(struct ipam_file *f, const struct net_network *n,
			    const char *cid, const struct in6_addr *req, int *idx,
			    struct brig_err *e)
{
	net_u128 lo, hi, gw, r = net_ip6_u128(req);
	char a[NET_IP6_STRLEN], s[NET_CIDR6_STRLEN];
	int i;

	host_range6(n, &lo, &hi, &gw);
	if (r < lo || r > hi)
		return brig_errf(e, EINVAL, "address %s is not a host address of network %s (%s)",
				 net_ip6_str(req, a), n->name,
				 net_prefix6_str(&n->subnet6, n->prefix6, s));
	if (r == gw)
		return brig_errf(e, EADDRINUSE, "address %s is the gateway of network %s",
				 net_ip6_str(req, a), n->name);
	i = find_addr6(f, req);
	if (i >= 0 && strcmp(f->v[i].cid, cid) != 0 && take_if_dead(f, i))
		i = -1;
	if (i >= 0 && strcmp(f->v[i].cid, cid) != 0)
		return brig_errf(e, EADDRINUSE, "address %s is already in use by container %s",
				 net_ip6_str(req, a), f->v[i].cid);
	*idx = i;
	return 0;
}

/* Next free v6 address after f->last6, wrapping.  Among any k+2
 * consecutive candidates (k leases, the gateway) one is free, so the walk
 * is bounded by the leases, not by the size of a /64.  A full small
 * subnet is swept for dead owners before it is called full. */
static int pick_free6(struct ipam_file *f, const struct net_network *n,
		      struct in6_addr *out, struct brig_err *e)
{
	net_u128 lo, hi, gw, a, last = net_ip6_u128(&f->last6);
	char s[NET_CIDR6_STRLEN];
	struct in6_addr cand;

	host_range6(n, &lo, &hi, &gw);
	for (int pass = 0; pass < 2; pass++) {
		a = (f->has_last6 && last >= lo && last < hi) ? last + 1 : lo;
		for (net_u128 k = 0; k <= hi - lo && k < (net_u128)f->n + 2; k++) {
			net_u128_ip6(a, &cand);
			if (a != gw && find_addr6(f, &cand) < 0) {
				*out = cand;
				return 0;
			}
			a = a == hi ? lo : a + 1;
		}
		if (reclaim(f) == 0) /* full: but some owners may be dead */
			break;
	}
	return brig_errf(e, ENOSPC, "network %s (%s) has no free IPv6 address", n->name,
			 net_prefix6_str(&n->subnet6, n->prefix6, s));
}

int ipam_lease6(const char *path, const struct net_network *n, const char *cid, pid_t owner,
		unsigned long long starttime, const struct in6_addr *requested,
		struct in6_addr *out, const struct ipam_recover *rec, struct brig_err *e)
{
	cleanup_db struct lease_db db = { .lockfd = -1 };
	struct ipam_entry ent = { .v6 = true, .owner = owner, .starttime = starttime };
	int i = -1;

	if (!valid_cid(cid))
		return brig_errf(e, EINVAL, "lease: invalid container id '%.64s'", cid);
	if (owner <= 0 || !n->ipv6 || n->prefix6 < 1 || n->prefix6 > 127)
		return brig_errf(e, EINVAL, "lease: invalid owner pid or IPv6 subnet");
	if (lease_db_open(&db, path, e) < 0 || recover(&db, rec, e) < 0)
		return -e->code;
	reclaim_some(&db.f);
	if (requested) {
		if (check_requested6(&db.f, n, cid, requested, &i, e) < 0)
			return -e->code;
		ent.addr6 = *requested;
	} else if ((i = own_lease(&db.f, cid, true)) < 0 && pick_free6(&db.f, n, &ent.addr6, e) < 0) {
		return -e->code;
	}
	snprintf(ent.cid, sizeof(ent.cid), "%s", cid);
	if (i >= 0) {
		ent.addr6 = db.f.v[i].addr6;
		db.f.v[i] = ent;
	} else if (insert(&db.f, &ent) < 0) {
		return brig_errf(e, ENOMEM, "lease: out of memory");
	}
	db.f.last6 = ent.addr6;
	db.f.has_last6 = true;
	if (lease_db_save(&db, e) < 0)
		return -e->code;
	*out = ent.addr6;
	return 0;
}

int ipam_release(const char *path, const char *cid, struct brig_err *e)
{
	cleanup_db struct lease_db db = { .lockfd = -1 };
	size_t j = 0, before;

	if (access(path, F_OK) < 0 && errno == ENOENT)
		return 0;
	if (lease_db_open(&db, path, e) < 0)
		return -e->code;
	before = db.f.n;
	for (size_t i = 0; i < db.f.n; i++)
		if (strcmp(db.f.v[i].cid, cid) != 0)
			db.f.v[j++] = db.f.v[i];
	db.f.n = j;
	/* "last" stays: rotation must not hand the freed address out at once.
	 * Corrupt lines (warned about once) are dropped on the way. */
	return before == j && !db.w.bad_lines ? 0 : lease_db_save(&db, e);
}

int ipam_reown(const char *path, const char *cid, pid_t owner, unsigned long long starttime,
	       struct brig_err *e)
{
	cleanup_db struct lease_db db = { .lockfd = -1 };
	int count = 0;

	if (owner <= 0)
		return brig_errf(e, EINVAL, "re-own leases of %s: invalid pid %d", cid, (int)owner);
	if (lease_db_open(&db, path, e) < 0)
		return -e->code;
	for (size_t i = 0; i < db.f.n; i++) {
		if (strcmp(db.f.v[i].cid, cid) == 0) {
			db.f.v[i].owner = owner;
			db.f.v[i].starttime = starttime;
			count++;
		}
	}
	if (count == 0)
		return brig_errf(e, ENOENT, "container %s holds no lease in %s", cid, path);
	if (lease_db_save(&db, e) < 0)
		return -e->code;
	return count;
}

int ipam_gc(const char *path, int *freed, const struct ipam_recover *rec,
	    struct brig_err *e)
{
	cleanup_db struct lease_db db = { .lockfd = -1 };
	int rebuilt;

	*freed = 0;
	if (!rec && access(path, F_OK) < 0 && errno == ENOENT)
		return 0;
	if (lease_db_open(&db, path, e) < 0 || (rebuilt = recover(&db, rec, e)) < 0)
		return -e->code;
	*freed = reclaim(&db.f);
	/* Rewrite also when only corrupt lines were found, to drop them. */
	if (*freed == 0 && db.w.bad_lines == 0 && !rebuilt)
		return 0;
	return lease_db_save(&db, e);
}
