/* topo.c - a containerlab topology file read into struct topo (see
 * topo.h): loading, the top level and mgmt, the shared message and type
 * helpers, container names and word splitting.  topo_node.c folds the
 * node keys, topo_link.c reads the links, ydoc.c builds the YAML tree. */
#include <arpa/inet.h>
#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "io.h"
#include "parse.h"
#include "topo_int.h"
#include "util.h"
#include "warn.h"

/* A topology is a few KiB; this only keeps a wrong path (a disk image)
 * from being read into memory. */
#define TOPO_MAX_FILE (16u << 20)

/* ---- messages ---------------------------------------------------------------- */

/* Messages are one line: a key or value may hold a newline or an escape
 * sequence, which must not reach a terminal as such. */
static void one_line(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

int perr(struct pctx *c, int line, const char *path, const char *fmt, ...)
{
	char what[768];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return brig_errf(c->e, EINVAL, "%s:%d: %s%s%s", c->file, line, path, *path ? ": " : "",
			 what);
}

void pwarn(struct pctx *c, int line, const char *path, const char *fmt, ...)
{
	char what[768], msg[1024];
	va_list ap;

	if (c->quiet)
		return;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(msg, sizeof(msg), "%s:%d: %s%s%s", c->file, line, path, *path ? ": " : "", what);
	one_line(msg);
	brig_warn("%s", msg);
}

void key_path(char *out, const char *parent, const char *key)
{
	snprintf(out, KEY_PATH_MAX, "%s%s%.64s", parent, *parent ? "." : "", key);
}

void index_path(char *out, const char *parent, size_t i)
{
	snprintf(out, KEY_PATH_MAX, "%s[%zu]", parent, i);
}

/* ---- types ------------------------------------------------------------------- */

static int want(struct pctx *c, const struct ynode *v, const char *path, enum ynode_type t)
{
	static const char *const names[] = {
		[YNODE_SCALAR] = "a string",
		[YNODE_SEQ] = "a list",
		[YNODE_MAP] = "a map",
	};

	if (v->type == t)
		return 0;
	return perr(c, v->line, path, "expected %s, got %s", names[t], ynode_kind(v));
}

int want_map(struct pctx *c, const struct ynode *v, const char *path)
{
	return want(c, v, path, YNODE_MAP);
}

int want_seq(struct pctx *c, const struct ynode *v, const char *path)
{
	return want(c, v, path, YNODE_SEQ);
}

int want_str(struct pctx *c, const struct ynode *v, const char *path)
{
	return want(c, v, path, YNODE_SCALAR);
}

int get_bool(struct pctx *c, const struct ynode *v, const char *path, bool *out)
{
	static const char *const yes[] = { "true", "True", "TRUE", "yes", "Yes", "YES",
					   "on",   "On",   "ON",   "y",   "Y" };
	static const char *const no[] = { "false", "False", "FALSE", "no", "No", "NO",
					  "off",   "Off",   "OFF",   "n",  "N" };

	if (want_str(c, v, path) < 0)
		return -EINVAL;
	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (strcmp(v->str, yes[i]) == 0 || strcmp(v->str, no[i]) == 0) {
			*out = strcmp(v->str, yes[i]) == 0;
			return 0;
		}
	}
	return perr(c, v->line, path, "expected true or false, got '%.64s'", v->str);
}

int get_int(struct pctx *c, const struct ynode *v, const char *path, long min, long max,
	    long *out)
{
	const char *s;
	char *end;
	long n;

	if (want_str(c, v, path) < 0)
		return -EINVAL;
	s = v->str;
	errno = 0;
	n = strtol(s, &end, 10);
	/* strtol takes leading blanks and '+': a number is written plainly */
	if (!*s || (!isdigit((unsigned char)*s) && *s != '-') || *end || errno)
		return perr(c, v->line, path, "expected an integer, got '%.64s'", s);
	if (n < min || n > max)
		return perr(c, v->line, path, "%ld is out of range (%ld..%ld)", n, min, max);
	*out = n;
	return 0;
}

static int nidx_cmp(const void *a, const void *b)
{
	return strcmp(((const struct nidx *)a)->name, ((const struct nidx *)b)->name);
}

long node_find(const struct pctx *c, const char *name)
{
	struct nidx key = { .name = name }, *hit;

	if (!c->idx)
		return -1;
	hit = bsearch(&key, c->idx, c->t->n_nodes, sizeof(key), nidx_cmp);
	return hit ? (long)hit->i : -1;
}

int get_ipv6_addr(struct pctx *c, const struct ynode *v, const char *path, struct in6_addr *a,
		  int *prefix)
{
	static const struct in6_addr loopback = IN6ADDR_LOOPBACK_INIT;
	struct brig_err why;
	net_u128 host;

	if (want_str(c, v, path) < 0)
		return -EINVAL;
	if (net_parse_addr_prefix6(v->str, a, prefix, &why) < 0)
		return perr(c, v->line, path, "%s", why.msg);
	if (IN6_IS_ADDR_UNSPECIFIED(a) || IN6_ARE_ADDR_EQUAL(a, &loopback) ||
	    IN6_IS_ADDR_MULTICAST(a))
		return perr(c, v->line, path, "%.64s is not a unicast address for an interface",
			    v->str);
	host = net_ip6_u128(a) & ~net_mask6(*prefix);
	if (*prefix < 127 && host == 0)
		return perr(c, v->line, path,
			    "%.64s is no host address (the subnet-router anycast address of its "
			    "subnet)", v->str);
	return 0;
}

/* ---- vectors ----------------------------------------------------------------- */

int svec_push(struct svec *v, char *s)
{
	if (!s)
		return -ENOMEM;
	if (v->n + 2 > v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 4;
		char **p = realloc(v->v, cap * sizeof(*p));

		if (!p) {
			free(s);
			return -ENOMEM;
		}
		v->v = p;
		v->cap = cap;
	}
	v->v[v->n++] = s;
	v->v[v->n] = NULL;
	return 0;
}

void svec_free(struct svec *v)
{
	strv_free(v->v);
	memset(v, 0, sizeof(*v));
}

/* ---- key tables ---------------------------------------------------------------- */

static long name_at(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; names && (n ? i < n : names[i] != NULL); i++)
		if (strcmp(names[i], s) == 0)
			return (long)i;
	return -1;
}

void unknown_key(struct pctx *c, const struct ynode *k, const char *path,
		 const char *const *unsupported)
{
	char kp[KEY_PATH_MAX];

	key_path(kp, path, k->str);
	if (name_at(unsupported, 0, k->str) >= 0)
		pwarn(c, k->line, kp, "not supported by brig, ignored");
	else
		pwarn(c, k->line, kp, "unknown key, ignored");
}

int map_slots(struct pctx *c, const struct ynode *m, const char *path, const char *const *names,
	      size_t n, const char *const *unsupported, const struct ynode **vals,
	      const struct ynode **keys)
{
	if (want_map(c, m, path) < 0)
		return -EINVAL;
	for (size_t i = 0; i + 1 < m->n; i += 2) {
		const struct ynode *k = m->items[i];
		long at = name_at(names, n, k->str);

		if (at >= 0) {
			vals[at] = m->items[i + 1];
			if (keys)
				keys[at] = k;
			continue;
		}
		unknown_key(c, k, path, unsupported);
	}
	return 0;
}

/* ---- top level ----------------------------------------------------------------- */

enum { TOP_NAME, TOP_PREFIX, TOP_MGMT, TOP_TOPOLOGY, TOP_SETTINGS, TOP_COUNT };
static const char *const top_keys[TOP_COUNT] = { "name", "prefix", "mgmt", "topology",
						 "settings" };

enum { TP_DEFAULTS, TP_KINDS, TP_GROUPS, TP_NODES, TP_LINKS, TP_COUNT };
static const char *const topology_keys[TP_COUNT] = { "defaults", "kinds", "groups", "nodes",
						     "links" };

static int parse_name(struct pctx *c, const struct ynode *v, int line)
{
	if (ynode_is_null(v))
		return perr(c, v ? v->line : line, "name", "the lab needs a name");
	if (want_str(c, v, "name") < 0)
		return -EINVAL;
	if (!valid_name(v->str))
		return perr(c, v->line, "name",
			    "invalid lab name '%.64s' (want [a-zA-Z0-9][a-zA-Z0-9_.-]*, at most "
			    "63 bytes)",
			    v->str);
	c->t->name = strdup(v->str);
	return c->t->name ? 0 : brig_errf(c->e, ENOMEM, "out of memory");
}

static int parse_prefix(struct pctx *c, const struct ynode *v)
{
	if (ynode_is_null(v))
		return 0;
	if (want_str(c, v, "prefix") < 0)
		return -EINVAL;
	if (*v->str && strcmp(v->str, "__lab-name") != 0 && !valid_name(v->str))
		return perr(c, v->line, "prefix",
			    "invalid prefix '%.64s' (want \"\", __lab-name or a name)", v->str);
	c->t->prefix = strdup(v->str);
	return c->t->prefix ? 0 : brig_errf(c->e, ENOMEM, "out of memory");
}

/* ---- mgmt -------------------------------------------------------------------------- */

enum {
	MG_NETWORK,
	MG_SUBNET,
	MG_SUBNET_OLD,
	MG_GW,
	MG_V6,
	MG_V6_OLD,
	MG_GW6,
	MG_MTU,
	MG_BRIDGE,
	MG_EXTERNAL,
	MG_COUNT
};
/* ipv4_subnet and ipv6_subnet: containerlab's older spellings */
static const char *const mgmt_keys[MG_COUNT] = {
	"network", "ipv4-subnet", "ipv4_subnet", "ipv4-gw", "ipv6-subnet",
	"ipv6_subnet", "ipv6-gw", "mtu", "bridge", "external-access",
};
static const char *const mgmt_unsupported[] = {
	"ipv4-range", "ipv6-range", "skip-when-unused", "driver-opts", "mac", NULL,
};

static int mgmt_str(struct pctx *c, const struct ynode *v, const char *path, bool ifname,
		    char **out)
{
	if (want_str(c, v, path) < 0)
		return -EINVAL;
	if (ifname ? !net_ifname_valid(v->str) : !valid_name(v->str))
		return perr(c, v->line, path, "invalid %s '%.64s'",
			    ifname ? "interface name" : "network name", v->str);
	*out = strdup(v->str);
	return *out ? 0 : brig_errf(c->e, ENOMEM, "out of memory");
}

static int mgmt_subnet(struct pctx *c, const struct ynode *v, const char *path)
{
	struct topo_mgmt *m = &c->t->mgmt;
	struct brig_err e2;

	if (want_str(c, v, path) < 0)
		return -EINVAL;
	if (strcmp(v->str, "auto") == 0) {
		pwarn(c, v->line, path, "'auto' is not supported, %s is used",
		      TOPO_DEFAULT_MGMT_SUBNET);
		return 0;
	}
	if (net_parse_cidr(v->str, &m->subnet, &m->prefix, &e2) < 0)
		return perr(c, v->line, path, "%s", e2.msg);
	m->subnet_given = true;
	return 0;
}

static int mgmt_gw(struct pctx *c, const struct ynode *v, const char *path)
{
	struct brig_err e2;

	if (want_str(c, v, path) < 0)
		return -EINVAL;
	if (net_parse_ip(v->str, &c->t->mgmt.gateway, &e2) < 0)
		return perr(c, v->line, path, "%s", e2.msg);
	return 0;
}

static int mgmt_subnet6(struct pctx *c, const struct ynode *v, const char *path)
{
	struct topo_mgmt *m = &c->t->mgmt;
	struct brig_err e2;

	if (want_str(c, v, path) < 0)
		return -EINVAL;
	if (net_parse_cidr6(v->str, &m->subnet6, &m->prefix6, &e2) < 0)
		return perr(c, v->line, path, "%s", e2.msg);
	m->ipv6 = m->subnet6_given = true;
	return 0;
}

static int mgmt_gw6(struct pctx *c, const struct ynode *v, const char *path)
{
	struct brig_err e2;

	if (want_str(c, v, path) < 0)
		return -EINVAL;
	if (net_parse_ip6(v->str, &c->t->mgmt.gateway6, &e2) < 0)
		return perr(c, v->line, path, "%s", e2.msg);
	return 0;
}

/* The v6 half: containerlab makes the management network dual stack by
 * default (both subnets when the file gives neither; ipv6_implicit, which
 * the engine keeps only when the host's default is dual stack), v4 only
 * when the file gives only ipv4-subnet; checked as any brig network's v6
 * half. */
static int mgmt_validate6(struct pctx *c, const struct ynode **v, const struct ynode *mgmt)
{
	struct topo_mgmt *m = &c->t->mgmt;
	struct net_network n = { .ipv6 = true, .subnet6 = m->subnet6, .prefix6 = m->prefix6,
				 .gateway6 = m->gateway6 };
	const struct ynode *at = v[MG_GW6] ? v[MG_GW6] : v[MG_V6] ? v[MG_V6] : v[MG_V6_OLD];
	struct brig_err e2;

	if (!m->ipv6 && !v[MG_SUBNET] && !v[MG_SUBNET_OLD]) {
		m->ipv6 = m->ipv6_implicit = true;
		net_parse_cidr6(TOPO_DEFAULT_MGMT_SUBNET6, &m->subnet6, &m->prefix6, &e2);
		n.subnet6 = m->subnet6;
		n.prefix6 = m->prefix6;
	}
	if (!m->ipv6 && v[MG_GW6])
		return perr(c, v[MG_GW6]->line, "mgmt.ipv6-gw", "needs mgmt.ipv6-subnet");
	if (!m->ipv6)
		return 0;
	snprintf(n.name, sizeof(n.name), "%s", m->network);
	if (net_network_validate6(&n, &e2) < 0)
		return perr(c, at ? at->line : mgmt ? mgmt->line : 1,
			    v[MG_GW6] ? "mgmt.ipv6-gw" : "mgmt.ipv6-subnet", "%s", e2.msg);
	m->gateway6 = n.gateway6;
	return 0;
}

/* The subnet and gateway together, as brig checks any network's. */
static int mgmt_validate(struct pctx *c, const struct ynode **v, const struct ynode *mgmt)
{
	struct topo_mgmt *m = &c->t->mgmt;
	struct net_network n = { .subnet = m->subnet, .prefix = m->prefix,
				 .gateway = m->gateway, .mtu = m->mtu };
	const struct ynode *at = v[MG_GW] ? v[MG_GW] : v[MG_SUBNET] ? v[MG_SUBNET] : v[MG_SUBNET_OLD];
	struct brig_err e2;

	snprintf(n.name, sizeof(n.name), "%s", m->network);
	if (net_network_validate(&n, &e2) < 0)
		return perr(c, at ? at->line : mgmt ? mgmt->line : 1,
			    v[MG_GW] ? "mgmt.ipv4-gw" : "mgmt.ipv4-subnet", "%s", e2.msg);
	c->mgmt_gw = n.gateway;
	return mgmt_validate6(c, v, mgmt);
}

static int mgmt_key(struct pctx *c, int k, const struct ynode *v, const char *path)
{
	struct topo_mgmt *m = &c->t->mgmt;
	long mtu;
	int r = 0;

	switch (k) {
	case MG_NETWORK:
		free(m->network);
		m->network = NULL;
		return mgmt_str(c, v, path, false, &m->network);
	case MG_SUBNET:
	case MG_SUBNET_OLD:
		return mgmt_subnet(c, v, path);
	case MG_GW:
		return mgmt_gw(c, v, path);
	case MG_V6:
	case MG_V6_OLD:
		return mgmt_subnet6(c, v, path);
	case MG_GW6:
		return mgmt_gw6(c, v, path);
	case MG_MTU:
		r = get_int(c, v, path, 68, 65535, &mtu);
		m->mtu = (int)mtu;
		return r;
	case MG_BRIDGE:
		return mgmt_str(c, v, path, true, &m->bridge);
	default:
		return get_bool(c, v, path, &m->external_access);
	}
}

static int parse_mgmt(struct pctx *c, const struct ynode *mgmt)
{
	const struct ynode *v[MG_COUNT] = { 0 };
	struct topo_mgmt *m = &c->t->mgmt;
	char path[KEY_PATH_MAX];

	m->network = strdup(TOPO_DEFAULT_MGMT_NETWORK);
	m->external_access = true;
	if (!m->network)
		return brig_errf(c->e, ENOMEM, "out of memory");
	net_parse_cidr(TOPO_DEFAULT_MGMT_SUBNET, &m->subnet, &m->prefix, c->e);
	if (!ynode_is_null(mgmt) &&
	    map_slots(c, mgmt, "mgmt", mgmt_keys, MG_COUNT, mgmt_unsupported, v, NULL) < 0)
		return -EINVAL;
	for (int k = 0; k < MG_COUNT; k++) {
		if (ynode_is_null(v[k]))
			continue;
		key_path(path, "mgmt", mgmt_keys[k]);
		if (mgmt_key(c, k, v[k], path) < 0)
			return -EINVAL;
	}
	return mgmt_validate(c, v, ynode_is_null(mgmt) ? NULL : mgmt);
}

/* ---- topology ---------------------------------------------------------------------- */

static int parse_topology(struct pctx *c, const struct ynode *topo, int line)
{
	const struct ynode *v[TP_COUNT] = { 0 }, *k[TP_COUNT] = { 0 };

	if (ynode_is_null(topo))
		return perr(c, topo ? topo->line : line, "topology", "the lab has no topology");
	if (map_slots(c, topo, "topology", topology_keys, TP_COUNT, NULL, v, k) < 0 ||
	    levels_parse(c, v[TP_DEFAULTS], k[TP_DEFAULTS] ? k[TP_DEFAULTS]->line : topo->line,
			 v[TP_KINDS], v[TP_GROUPS]) < 0)
		return -EINVAL;
	if (ynode_is_null(v[TP_NODES]))
		return perr(c, k[TP_NODES] ? k[TP_NODES]->line : topo->line, "topology.nodes",
			    "the lab has no nodes");
	if (nodes_parse(c, v[TP_NODES]) < 0)
		return -EINVAL;
	if (ynode_is_null(v[TP_LINKS]))
		return 0;
	return links_parse(c, v[TP_LINKS], "topology.links");
}

static int parse_root(struct pctx *c, const struct ydoc *d)
{
	const struct ynode *v[TOP_COUNT] = { 0 };
	int end = d->root ? d->root->line : 1;

	if (!d->root || ynode_is_null(d->root))
		return perr(c, 1, "", "empty file: a topology needs at least name and topology");
	if (d->root->type != YNODE_MAP)
		return perr(c, end, "", "a topology file is a map (name:, topology:...), not %s",
			    ynode_kind(d->root));
	/* settings (certificates...) mean nothing to brig: not even a warning */
	if (map_slots(c, d->root, "", top_keys, TOP_COUNT, NULL, v, NULL) < 0 ||
	    parse_name(c, v[TOP_NAME], end) < 0 || parse_prefix(c, v[TOP_PREFIX]) < 0 ||
	    parse_mgmt(c, v[TOP_MGMT]) < 0)
		return -EINVAL;
	return parse_topology(c, v[TOP_TOPOLOGY], end);
}

/* ---- entry points -------------------------------------------------------------------- */

static char *join_path(const char *dir, const char *name)
{
	char *s;

	if (asprintf(&s, "%s%s%s", dir, strcmp(dir, "/") ? "/" : "", name) < 0)
		return NULL;
	return s;
}

/* dir of path, made absolute against the working directory: topo_parse
 * must not need the file to exist. */
static int abs_dir(const char *path, char **dir, struct brig_err *e)
{
	const char *slash = strrchr(path, '/');
	char cwd[PATH_MAX], *d;

	if (slash && path[0] == '/') {
		d = slash == path ? strdup("/") : strndup(path, (size_t)(slash - path));
	} else {
		if (!getcwd(cwd, sizeof(cwd)))
			return brig_errno(e, "getcwd");
		if (!slash)
			d = strdup(cwd);
		else if (asprintf(&d, "%s/%.*s", strcmp(cwd, "/") ? cwd : "", (int)(slash - path),
				  path) < 0)
			d = NULL;
	}
	*dir = d;
	return d ? 0 : brig_errf(e, ENOMEM, "out of memory");
}

/* The parse proper: display names the file in messages; t->dir and
 * t->path are already set. */
static int parse_into(const char *buf, size_t len, const char *display, struct topo *t,
		      struct brig_err *e)
{
	struct pctx c = { .file = display, .dir = t->dir, .t = t, .e = e };
	struct ydoc d;
	int r;

	if (len == 0)
		return brig_errf(e, EINVAL, "%s:1: empty file", display);
	r = ydoc_parse(buf, len, display, &d, e);
	if (r >= 0)
		r = parse_root(&c, &d);
	levels_free(&c);
	free(c.idx);
	ydoc_free(&d);
	return r;
}

static int finish(int r, struct topo *t, struct brig_err *e)
{
	if (r >= 0)
		return 0;
	topo_free(t);
	one_line(e->msg);
	return r;
}

int topo_parse(const char *buf, size_t len, const char *path, struct topo *t,
	       struct brig_err *e)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	int r;

	memset(t, 0, sizeof(*t));
	r = abs_dir(path, &t->dir, e);
	if (r >= 0 && !(t->path = join_path(t->dir, base)))
		r = brig_errf(e, ENOMEM, "out of memory");
	if (r >= 0)
		r = parse_into(buf, len, path, t, e);
	return finish(r, t, e);
}

int topo_load(const char *path, struct topo *t, struct brig_err *e)
{
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	char *buf = NULL, *dir = NULL;
	size_t len = 0;
	int r;

	memset(t, 0, sizeof(*t));
	r = read_file_max(path, 0, TOPO_MAX_FILE, &buf, &len, e);
	if (r >= 0 && len > TOPO_MAX_FILE)
		r = -EFBIG;
	if (r == -EFBIG)
		r = brig_errf(e, EFBIG, "%s: larger than %u MiB: not a topology file", path,
			      TOPO_MAX_FILE >> 20);
	if (r >= 0)
		r = abs_dir(path, &dir, e);
	/* the directory as the kernel resolves it: binds must not depend on
	 * the working directory or a symlink changing later */
	if (r >= 0 && !(t->dir = realpath(dir, NULL)))
		r = brig_errno(e, "%s", dir);
	if (r >= 0 && !(t->path = join_path(t->dir, base)))
		r = brig_errf(e, ENOMEM, "out of memory");
	if (r >= 0)
		r = parse_into(buf, len, path, t, e);
	free(dir);
	free(buf);
	return finish(r, t, e);
}

void node_release(struct topo_node *n)
{
	free(n->name);
	free(n->group);
	free(n->image);
	free(n->cmd);
	free(n->entrypoint);
	free(n->user);
	free(n->network_mode);
	strv_free(n->env);
	strv_free(n->labels);
	strv_free(n->sysctls);
	strv_free(n->binds);
	strv_free(n->exec);
	strv_free(n->cap_add);
	strv_free(n->ports);
	free(n->memory);
	free(n->cpu);
	free(n->cpu_set);
	free(n->wait_for);
}

void topo_free(struct topo *t)
{
	for (size_t i = 0; t->nodes && i < t->n_nodes; i++)
		node_release(&t->nodes[i]);
	for (size_t i = 0; t->links && i < t->n_links; i++) {
	}
	free(t->nodes);
	free(t->links);
	free(t->path);
	free(t->dir);
	free(t->name);
	free(t->prefix);
	free(t->mgmt.network);
	free(t->mgmt.bridge);
	memset(t, 0, sizeof(*t));
}

long topo_node_index(const struct topo *t, const char *name)
{
	for (size_t i = 0; i < t->n_nodes; i++)
		if (t->nodes[i].name && strcmp(t->nodes[i].name, name) == 0)
			return (long)i;
	return -1;
}

int topo_container_name(const struct topo *t, const struct topo_node *n, char *buf,
			size_t len, struct brig_err *e)
{
	const char *p = t->prefix;
	int w;

	if (!p)
		w = snprintf(buf, len, "clab-%s-%s", t->name, n->name);
	else if (!*p)
		w = snprintf(buf, len, "%s", n->name);
	else if (strcmp(p, "__lab-name") == 0)
		w = snprintf(buf, len, "%s-%s", t->name, n->name);
	else
		w = snprintf(buf, len, "%s-%s-%s", p, t->name, n->name);
	if (w < 0 || (size_t)w >= len)
		return brig_errf(e, ENAMETOOLONG, "the container name of node %s is longer than %zu bytes",
				 n->name, len ? len - 1 : 0);
	return 0;
}

/* ---- words ----------------------------------------------------------------------------- */

/* Inside "...", a backslash escapes only these (POSIX); elsewhere it stays. */
static const char *dquote(const char *p, char *w, size_t *wl)
{
	for (; *p && *p != '"'; p++) {
		if (*p == '\\' && p[1] && strchr("$`\"\\\n", p[1])) {
			if (p[1] != '\n')
				w[(*wl)++] = p[1];
			p++;
		} else {
			w[(*wl)++] = *p;
		}
	}
	return *p ? p + 1 : NULL;
}

/* One word starting at p: its text into w (*any: it has one, if only
 * ""), returns where it ends; NULL: an unterminated quote, or a trailing
 * backslash. */
static const char *one_word(const char *p, char *w, size_t *wl, bool *any)
{
	while (*p && !strchr(" \t\n", *p)) {
		const char *q;

		if (*p == '\\' && !p[1])
			return NULL;
		if (*p == '\\') { /* backslash-newline joins lines */
			if (p[1] != '\n')
				w[(*wl)++] = p[1];
			*any = *any || p[1] != '\n';
			p += 2;
			continue;
		}
		*any = true;
		if (*p == '"') {
			if (!(p = dquote(p + 1, w, wl)))
				return NULL;
		} else if (*p == '\'') {
			if (!(q = strchr(p + 1, '\'')))
				return NULL;
			memcpy(w + *wl, p + 1, (size_t)(q - p - 1));
			*wl += (size_t)(q - p - 1);
			p = q + 1;
		} else {
			w[(*wl)++] = *p++;
		}
	}
	return p;
}

int topo_split_words(const char *s, char ***argv, size_t *argc, struct brig_err *e)
{
	cleanup_free char *w = malloc(strlen(s) + 1);
	struct svec v = { 0 };
	const char *p = s;
	int r = w ? 0 : -ENOMEM;

	while (r == 0 && *(p += strspn(p, " \t\n"))) {
		size_t wl = 0;
		bool any = false;

		if (!(p = one_word(p, w, &wl, &any))) {
			r = -EINVAL;
			break;
		}
		w[wl] = '\0';
		if (any)
			r = svec_push(&v, strdup(w));
	}
	/* no word at all is an empty vector, not NULL */
	if (r == 0 && !v.v && !(v.v = calloc(1, sizeof(*v.v))))
		r = -ENOMEM;
	if (r < 0) {
		svec_free(&v);
		if (r == -EINVAL)
			return brig_errf(e, EINVAL,
					 "unterminated quote or trailing backslash in '%.64s'", s);
		return brig_errf(e, ENOMEM, "out of memory");
	}
	*argv = v.v;
	*argc = v.n;
	return 0;
}
