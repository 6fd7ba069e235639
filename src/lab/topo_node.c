/* topo_node.c - the node keys of a topology (see topo.h): one table row
 * per key with its setter; blocks of keys ("levels": defaults, a kind's,
 * a group's, a node's) applied in that order onto each node, so a later
 * scalar replaces an earlier one and maps and lists merge; then the
 * checks between nodes (management addresses, dependency cycles). */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "io.h"
#include "parse.h"
#include "topo_int.h"
#include "util.h"

/* Defaults, kinds and groups are applied again for every node that
 * inherits them, at the cost of their size each time: a file made to
 * repeat a huge block (the alias bomb's cousin) is stopped here.  10000
 * nodes can still inherit 200 YAML nodes' worth each. */
#define APPLY_BUDGET (2u * 1000 * 1000)
#define ENV_FILE_MAX (1u << 20)

/* containerlab's node keys brig has no use for (yet): a warning each */
static const char *const clab_node_keys[] = {
	"type", "startup-config", "enforce-startup-config", "suppress-startup-config",
	"auto-remove", "restart-policy", "config", "image-pull-policy", "license", "position",
	"hostname", "volumes", "devices", "cgroupns-mode", "cgroup-parent", "pid-mode", "tmpfs",
	"security-opts", "shm-size", "runtime", "extras", "dns", "certificate",
	"healthcheck", "credentials", "aliases", "components", "link-apply-mode", "username",
	"password", NULL,
};

static const char *const stage_names[] = { "create", "create-links", "configure", "healthy",
					   "exit" };

/* One node being folded: merged things are collected, then sorted and
 * handed to the node once every level is applied. */
struct fold {
	struct topo_node *n;
	const struct level *lv; /* being applied */
	struct mlist env, labels, sysctls, binds;
	struct svec exec, cap_add, ports;
	size_t *wait, n_wait, cap_wait;
	size_t seq;
};

static int oom(struct pctx *c)
{
	return brig_errf(c->e, ENOMEM, "out of memory");
}

/* ---- mlist ------------------------------------------------------------------------ */

int mlist_add(struct mlist *l, char *key, char *s, int cls, size_t seq)
{
	if (key && s && l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		struct mitem *v = realloc(l->v, cap * sizeof(*v));

		if (v) {
			l->v = v;
			l->cap = cap;
		}
	}
	if (!key || !s || l->n == l->cap) {
		free(key);
		free(s);
		return -ENOMEM;
	}
	l->v[l->n++] = (struct mitem){ key, s, cls, seq };
	return 0;
}

void mlist_free(struct mlist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].key);
		free(l->v[i].s);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* By key; of one key, the winner first: higher class, then later. */
static int mitem_cmp(const void *a, const void *b)
{
	const struct mitem *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c)
		return c;
	if (x->cls != y->cls)
		return x->cls > y->cls ? -1 : 1;
	return x->seq > y->seq ? -1 : x->seq < y->seq;
}

int mlist_take(struct mlist *l, char ***out, size_t *n)
{
	char **v = l->n ? calloc(l->n + 1, sizeof(*v)) : NULL;
	size_t k = 0;

	*out = NULL;
	*n = 0;
	if (!l->n)
		return 0;
	if (!v)
		return -ENOMEM;
	qsort(l->v, l->n, sizeof(*l->v), mitem_cmp);
	for (size_t i = 0; i < l->n; i++) {
		if (i && strcmp(l->v[i].key, l->v[i - 1].key) == 0) {
			free(l->v[i].s);
			continue;
		}
		v[k++] = l->v[i].s;
	}
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].key);
	free(l->v);
	memset(l, 0, sizeof(*l));
	*out = v;
	*n = k;
	return 0;
}

/* ---- scalar setters ----------------------------------------------------------------- */

typedef int (*setter)(struct pctx *c, struct fold *f, const struct ynode *v, const char *path,
		      size_t off);

static char **field(struct fold *f, size_t off)
{
	return (char **)(void *)((char *)f->n + off);
}

static int set_str(struct pctx *c, struct fold *f, const struct ynode *v, const char *path,
		   size_t off)
{
	char **p = field(f, off);

	if (want_str(c, v, path) < 0)
		return -EINVAL;
	free(*p);
	*p = strdup(v->str);
	return *p ? 0 : oom(c);
}

/* A command line is split when it runs; a broken quote is found now. */
static int check_words(struct pctx *c, const struct ynode *v, const char *path)
{
	struct brig_err e2;
	size_t argc;
	char **argv;

	if (want_str(c, v, path) < 0)
		return -EINVAL;
	if (topo_split_words(v->str, &argv, &argc, &e2) < 0)
		return e2.code == ENOMEM ? oom(c) : perr(c, v->line, path, "%s", e2.msg);
	strv_free(argv);
	return argc ? 0 : perr(c, v->line, path, "an empty command");
}

static int set_words(struct pctx *c, struct fold *f, const struct ynode *v, const char *path,
		     size_t off)
{
	if (check_words(c, v, path) < 0)
		return -EINVAL;
	return set_str(c, f, v, path, off);
}

static int set_netmode(struct pctx *c, struct fold *f, const struct ynode *v, const char *path,
		       size_t off)
{
	const char *s = v->type == YNODE_SCALAR ? v->str : "";
	const char *name = strncmp(s, "container:", 10) == 0 ? s + 10 : NULL;
	long at;

	if (want_str(c, v, path) < 0)
		return -EINVAL;
	if (strcmp(s, "none") && strcmp(s, "host") && !(name && valid_name(name)))
		return perr(c, v->line, path,
			    "invalid network-mode '%.64s' (want none, host or container:NAME)", s);
	at = name ? node_find(c, name) : -1;
	f->n->net_container = at >= 0 ? (size_t)at : TOPO_HOST;
	return set_str(c, f, v, path, off);
}

static int set_mgmt_ipv4(struct pctx *c, struct fold *f, const struct ynode *v, const char *path,
			 size_t off)
{
	const struct topo_mgmt *m = &c->t->mgmt;
	uint32_t ip, mask = m->prefix ? 0xffffffffu << (32 - m->prefix) : 0;
	struct brig_err e2;
	char sub[16];

	(void)off;
	if (want_str(c, v, path) < 0)
		return -EINVAL;
	if (net_parse_ip(v->str, &ip, &e2) < 0)
		return perr(c, v->line, path, "%s", e2.msg);
	if ((ip & mask) != m->subnet)
		return perr(c, v->line, path, "%s is outside the management subnet %s/%d", v->str,
			    net_ip_str(m->subnet, sub), m->prefix);
	if (m->prefix < 31 && (ip == m->subnet || ip == (m->subnet | ~mask)))
		return perr(c, v->line, path, "%s is the %s address of the management subnet",
			    v->str, ip == m->subnet ? "network" : "broadcast");
	if (ip == c->mgmt_gw)
		return perr(c, v->line, path, "%s is the management network's gateway", v->str);
	f->n->mgmt_ipv4 = ip;
	return 0;
}

/* mgmt-ipv6: a host address of the management v6 subnet, not its gateway. */
static int set_mgmt_ipv6(struct pctx *c, struct fold *f, const struct ynode *v, const char *path,
			 size_t off)
{
	const struct topo_mgmt *m = &c->t->mgmt;
	char sub[NET_CIDR6_STRLEN];
	struct in6_addr ip;
	struct brig_err e2;

	(void)off;
	if (want_str(c, v, path) < 0)
		return -EINVAL;
	if (net_parse_ip6(v->str, &ip, &e2) < 0)
		return perr(c, v->line, path, "%s", e2.msg);
	if (!m->ipv6)
		return perr(c, v->line, path, "the management network has no IPv6 subnet "
			    "(mgmt.ipv6-subnet)");
	if (!net_in_subnet6(&ip, &m->subnet6, m->prefix6))
		return perr(c, v->line, path, "%.64s is outside the management subnet %s", v->str,
			    net_prefix6_str(&m->subnet6, m->prefix6, sub));
	if (IN6_ARE_ADDR_EQUAL(&ip, &m->subnet6))
		return perr(c, v->line, path, "%.64s is the subnet-router anycast address of the "
			    "management subnet", v->str);
	if (IN6_ARE_ADDR_EQUAL(&ip, &m->gateway6))
		return perr(c, v->line, path, "%.64s is the management network's gateway", v->str);
	f->n->mgmt_ipv6 = ip;
	f->n->has_mgmt_ipv6 = true;
	return 0;
}

static int set_privileged(struct pctx *c, struct fold *f, const struct ynode *v,
			  const char *path, size_t off)
{
	(void)off;
	return get_bool(c, v, path, &f->n->privileged);
}

static int set_delay(struct pctx *c, struct fold *f, const struct ynode *v, const char *path,
		     size_t off)
{
	struct brig_err e2;
	uint64_t n;

	(void)off;
	if (want_str(c, v, path) < 0)
		return -EINVAL;
	if (parse_uint(v->str, UINT_MAX, &n, &e2) < 0)
		return perr(c, v->line, path, "%s (want whole seconds)", e2.msg);
	f->n->startup_delay = (unsigned)n;
	return 0;
}

/* ---- maps --------------------------------------------------------------------------- */

/* Keys of env, labels and sysctls become "KEY=VALUE": no '=' in them,
 * and nothing a sysctl name cannot hold for sysctls. */
static bool kv_key_ok(const char *k, bool sysctl)
{
	if (!*k || strchr(k, '='))
		return false;
	return !sysctl || strspn(k, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "0123456789_.-/") == strlen(k);
}

static int set_kv(struct pctx *c, struct fold *f, const struct ynode *v, const char *path,
		  struct mlist *l, bool sysctl)
{
	char kp[KEY_PATH_MAX];

	if (want_map(c, v, path) < 0)
		return -EINVAL;
	for (size_t i = 0; i + 1 < v->n; i += 2) {
		const struct ynode *k = v->items[i], *x = v->items[i + 1];
		char *s;

		key_path(kp, path, k->str);
		if (!kv_key_ok(k->str, sysctl))
			return perr(c, k->line, kp, "invalid %s name", sysctl ? "sysctl" : "key");
		if (!ynode_is_null(x) && want_str(c, x, kp) < 0)
			return -EINVAL;
		if (asprintf(&s, "%s=%s", k->str, ynode_is_null(x) ? "" : x->str) < 0)
			s = NULL;
		if (mlist_add(l, strdup(k->str), s, 1, f->seq++) < 0)
			return oom(c);
	}
	return 0;
}

static int set_env(struct pctx *c, struct fold *f, const struct ynode *v, const char *path,
		   size_t off)
{
	(void)off;
	return set_kv(c, f, v, path, &f->env, false);
}

static int set_labels(struct pctx *c, struct fold *f, const struct ynode *v, const char *path,
		      size_t off)
{
	(void)off;
	return set_kv(c, f, v, path, &f->labels, false);
}

static int set_sysctls(struct pctx *c, struct fold *f, const struct ynode *v, const char *path,
		       size_t off)
{
	(void)off;
	return set_kv(c, f, v, path, &f->sysctls, true);
}

/* The level's env-files were read when it was parsed; env (class 1)
 * beats them whatever the level. */
static int set_env_files(struct pctx *c, struct fold *f, const struct ynode *v,
			 const char *path, size_t off)
{
	const struct mlist *l = &f->lv->envfile;

	(void)v, (void)path, (void)off;
	for (size_t i = 0; i < l->n; i++)
		if (mlist_add(&f->env, strdup(l->v[i].key), strdup(l->v[i].s), 0, f->seq++) < 0)
			return oom(c);
	return 0;
}

/* ---- lists -------------------------------------------------------------------------- */

/* "SRC:DST[:OPTS]" as containerlab splits it: at every ':'. */
static int parse_bind(struct pctx *c, const struct ynode *v, const char *path, char **dst,
		      char **full)
{
	const char *s = v->str, *c1 = strchr(s, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	const char *end = c2 ? c2 : s + strlen(s);
	int r;

	if (!c1 || (c2 && strchr(c2 + 1, ':')) || c1 == s)
		return perr(c, v->line, path, "invalid bind '%.64s' (want SRC:DST[:OPTS])", s);
	if (c1[1] != '/')
		return perr(c, v->line, path, "bind '%.64s': the target must be an absolute path",
			    s);
	*dst = strndup(c1 + 1, (size_t)(end - c1 - 1));
	/* relative to the topology file, as containerlab resolves them */
	if (s[0] == '/')
		r = asprintf(full, "%s", s);
	else
		r = asprintf(full, "%s%s%s", c->dir, strcmp(c->dir, "/") ? "/" : "", s);
	if (r < 0)
		*full = NULL;
	return 0;
}

static int set_binds(struct pctx *c, struct fold *f, const struct ynode *v, const char *path,
		     size_t off)
{
	char ip[KEY_PATH_MAX];

	(void)off;
	if (want_seq(c, v, path) < 0)
		return -EINVAL;
	for (size_t i = 0; i < v->n; i++) {
		char *dst = NULL, *full = NULL;

		index_path(ip, path, i);
		if (want_str(c, v->items[i], ip) < 0 ||
		    parse_bind(c, v->items[i], ip, &dst, &full) < 0)
			return -EINVAL;
		if (mlist_add(&f->binds, dst, full, 0, f->seq++) < 0)
			return oom(c);
	}
	return 0;
}

/* Each string of list v pushed onto out; commands checked as such. */
static int push_list(struct pctx *c, const struct ynode *v, const char *path, bool command,
		     struct svec *out)
{
	char ip[KEY_PATH_MAX];

	if (want_seq(c, v, path) < 0)
		return -EINVAL;
	for (size_t i = 0; i < v->n; i++) {
		index_path(ip, path, i);
		if (want_str(c, v->items[i], ip) < 0 ||
		    (command && check_words(c, v->items[i], ip) < 0))
			return -EINVAL;
		if (svec_push(out, strdup(v->items[i]->str)) < 0)
			return oom(c);
	}
	return 0;
}

/* exec and cap-add add up over the levels (as containerlab merges
 * them); ports are replaced by the most specific level. */
static int set_exec(struct pctx *c, struct fold *f, const struct ynode *v, const char *path,
		    size_t off)
{
	(void)off;
	return push_list(c, v, path, true, &f->exec);
}

static int set_cap_add(struct pctx *c, struct fold *f, const struct ynode *v, const char *path,
		       size_t off)
{
	(void)off;
	return push_list(c, v, path, false, &f->cap_add);
}

static int set_ports(struct pctx *c, struct fold *f, const struct ynode *v, const char *path,
		     size_t off)
{
	(void)off;
	svec_free(&f->ports);
	return push_list(c, v, path, false, &f->ports);
}

/* ---- stages --------------------------------------------------------------------------- */

static int add_wait(struct pctx *c, struct fold *f, size_t node)
{
	if (f->n_wait == f->cap_wait) {
		size_t cap = f->cap_wait ? f->cap_wait * 2 : 4;
		size_t *w = realloc(f->wait, cap * sizeof(*w));

		if (!w)
			return oom(c);
		f->wait = w;
		f->cap_wait = cap;
	}
	f->wait[f->n_wait++] = node;
	return 0;
}

static bool stage_ok(const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(stage_names); i++)
		if (strcmp(s, stage_names[i]) == 0)
			return true;
	return false;
}

/* One "- node: N, stage: S" of a wait-for list: brig starts N before
 * this node (the stage only orders containerlab's finer steps). */
static int wait_entry(struct pctx *c, struct fold *f, const struct ynode *v, const char *path)
{
	static const char *const keys[] = { "node", "stage" };
	const struct ynode *val[2] = { 0 };
	char kp[KEY_PATH_MAX];
	long at;

	if (map_slots(c, v, path, keys, 2, NULL, val, NULL) < 0)
		return -EINVAL;
	key_path(kp, path, "node");
	if (ynode_is_null(val[0]))
		return perr(c, v->line, kp, "the node to wait for is missing");
	if (want_str(c, val[0], kp) < 0)
		return -EINVAL;
	if ((at = node_find(c, val[0]->str)) < 0)
		return perr(c, val[0]->line, kp, "unknown node '%.64s'", val[0]->str);
	key_path(kp, path, "stage");
	if (!ynode_is_null(val[1])) {
		if (want_str(c, val[1], kp) < 0)
			return -EINVAL;
		if (!stage_ok(val[1]->str))
			return perr(c, val[1]->line, kp, "unknown stage '%.64s'", val[1]->str);
	}
	return add_wait(c, f, (size_t)at);
}

static int one_stage(struct pctx *c, struct fold *f, const struct ynode *v, const char *path)
{
	static const char *const keys[] = { "wait-for" };
	static const char *const unsupported[] = { "exec", NULL };
	const struct ynode *wait = NULL;
	char kp[KEY_PATH_MAX], ip[KEY_PATH_MAX];

	if (map_slots(c, v, path, keys, 1, unsupported, &wait, NULL) < 0)
		return -EINVAL;
	if (ynode_is_null(wait))
		return 0;
	key_path(kp, path, "wait-for");
	if (want_seq(c, wait, kp) < 0)
		return -EINVAL;
	for (size_t i = 0; i < wait->n; i++) {
		index_path(ip, kp, i);
		if (wait_entry(c, f, wait->items[i], ip) < 0)
			return -EINVAL;
	}
	return 0;
}

static int set_stages(struct pctx *c, struct fold *f, const struct ynode *v, const char *path,
		      size_t off)
{
	const struct ynode *val[ARRAY_SIZE(stage_names)] = { 0 };
	char kp[KEY_PATH_MAX];

	(void)off;
	if (map_slots(c, v, path, stage_names, ARRAY_SIZE(stage_names), NULL, val, NULL) < 0)
		return -EINVAL;
	for (size_t i = 0; i < ARRAY_SIZE(stage_names); i++) {
		key_path(kp, path, stage_names[i]);
		if (!ynode_is_null(val[i]) && one_stage(c, f, val[i], kp) < 0)
			return -EINVAL;
	}
	return 0;
}

/* ---- the key table ------------------------------------------------------------------- */

#define STR(m) offsetof(struct topo_node, m)

/* kind and group choose the levels, so they have no setter. */
static const struct {
	const char *name;
	setter set;
	size_t off;
} node_keys[NK_COUNT] = {
	[NK_KIND] = { "kind", NULL, 0 },
	[NK_GROUP] = { "group", NULL, 0 },
	[NK_IMAGE] = { "image", set_str, STR(image) },
	[NK_CMD] = { "cmd", set_words, STR(cmd) },
	[NK_ENTRYPOINT] = { "entrypoint", set_words, STR(entrypoint) },
	[NK_USER] = { "user", set_str, STR(user) },
	[NK_NETWORK_MODE] = { "network-mode", set_netmode, STR(network_mode) },
	[NK_MGMT_IPV4] = { "mgmt-ipv4", set_mgmt_ipv4, 0 },
	[NK_MGMT_IPV6] = { "mgmt-ipv6", set_mgmt_ipv6, 0 },
	[NK_ENV] = { "env", set_env, 0 },
	[NK_ENV_FILES] = { "env-files", set_env_files, 0 },
	[NK_LABELS] = { "labels", set_labels, 0 },
	[NK_SYSCTLS] = { "sysctls", set_sysctls, 0 },
	[NK_BINDS] = { "binds", set_binds, 0 },
	[NK_EXEC] = { "exec", set_exec, 0 },
	[NK_CAP_ADD] = { "cap-add", set_cap_add, 0 },
	[NK_PORTS] = { "ports", set_ports, 0 },
	[NK_PRIVILEGED] = { "privileged", set_privileged, 0 },
	[NK_MEMORY] = { "memory", set_str, STR(memory) },
	[NK_CPU] = { "cpu", set_str, STR(cpu) },
	[NK_CPU_SET] = { "cpu-set", set_str, STR(cpu_set) },
	[NK_STARTUP_DELAY] = { "startup-delay", set_delay, 0 },
	[NK_STAGES] = { "stages", set_stages, 0 },
};

static int node_key(const char *s)
{
	for (int k = 0; k < NK_COUNT; k++)
		if (strcmp(node_keys[k].name, s) == 0)
			return k;
	return -1;
}

/* ---- env-files ------------------------------------------------------------------------ */

/* One line of an env file (KEY=VALUE, "export KEY=VALUE", '#' comments,
 * a value in quotes kept as is between them): 0, 1 for an entry, -1. */
static int env_line(char *line, char **key, char **val)
{
	char *eq, *end;

	line += strspn(line, " \t");
	if (!*line || *line == '#')
		return 0;
	if (strncmp(line, "export ", 7) == 0)
		line += 7 + strspn(line + 7, " \t");
	if (!(eq = strchr(line, '=')) || eq == line)
		return -1;
	for (end = eq; end > line && strchr(" \t", end[-1]); end--)
		;
	*end = '\0';
	if (strpbrk(line, " \t"))
		return -1;
	*key = line;
	line = eq + 1 + strspn(eq + 1, " \t");
	end = line + strlen(line);
	while (end > line && strchr(" \t\r", end[-1]))
		*--end = '\0';
	if (end - line >= 2 && (*line == '"' || *line == '\'') && end[-1] == *line) {
		end[-1] = '\0';
		line++;
	} else if ((end = strstr(line, " #"))) {
		for (*end = '\0'; end > line && strchr(" \t", end[-1]);)
			*--end = '\0';
	}
	*val = line;
	return 1;
}

static int env_text(struct pctx *c, char *text, const char *file, const struct ynode *v,
		    const char *path, struct level *l)
{
	int no = 0;

	for (char *line = text, *next; line; line = next) {
		char *key, *val, *s;
		int r;

		if ((next = strchr(line, '\n')))
			*next++ = '\0';
		no++;
		if ((r = env_line(line, &key, &val)) < 0)
			return perr(c, v->line, path, "%s:%d: not KEY=VALUE", file, no);
		if (r == 0)
			continue;
		if (asprintf(&s, "%s=%s", key, val) < 0)
			s = NULL;
		if (mlist_add(&l->envfile, strdup(key), s, 0, l->envfile.n) < 0)
			return oom(c);
	}
	return 0;
}

static int env_file(struct pctx *c, const struct ynode *v, const char *path, struct level *l)
{
	cleanup_free char *file = NULL, *text = NULL;
	struct brig_err e2;
	struct stat st;
	size_t len;

	if (want_str(c, v, path) < 0)
		return -EINVAL;
	if (asprintf(&file, "%s%s%s", v->str[0] == '/' ? "" : c->dir,
		     v->str[0] == '/' ? "" : "/", v->str) < 0)
		return oom(c);
	/* a regular file only: a device or FIFO named here would hang or
	 * feed the parse forever (O_NONBLOCK covers one swapped in between) */
	if (stat(file, &st) < 0)
		return perr(c, v->line, path, "%s: %s", file, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return perr(c, v->line, path, "%s: not a regular file", file);
	if (read_file_max(file, O_NONBLOCK | O_NOCTTY, ENV_FILE_MAX, &text, &len, &e2) < 0)
		return perr(c, v->line, path, "%s", e2.msg);
	if (memchr(text, '\0', len))
		return perr(c, v->line, path, "%s: not a text file", file);
	return env_text(c, text, file, v, path, l);
}

static int env_files(struct pctx *c, struct level *l)
{
	const struct ynode *v = l->v[NK_ENV_FILES];
	char kp[KEY_PATH_MAX], ip[KEY_PATH_MAX];

	key_path(kp, l->path, "env-files");
	if (want_seq(c, v, kp) < 0)
		return -EINVAL;
	for (size_t i = 0; i < v->n; i++) {
		index_path(ip, kp, i);
		if (env_file(c, v->items[i], ip, l) < 0)
			return -EINVAL;
	}
	return 0;
}

/* ---- levels ------------------------------------------------------------------------------ */

static int level_parse(struct pctx *c, const struct ynode *map, const char *path,
		       const char *name, int line, struct level *l)
{
	snprintf(l->path, sizeof(l->path), "%s", path);
	l->line = line;
	if (name && !(l->name = strdup(name)))
		return oom(c);
	if (ynode_is_null(map))
		return 0;
	if (want_map(c, map, path) < 0)
		return -EINVAL;
	for (size_t i = 0; i + 1 < map->n; i += 2) {
		int k = node_key(map->items[i]->str);

		if (k < 0) {
			unknown_key(c, map->items[i], path, clab_node_keys);
		} else if (!ynode_is_null(map->items[i + 1])) {
			l->v[k] = map->items[i + 1];
			l->weight += map->items[i + 1]->weight;
		}
	}
	return l->v[NK_ENV_FILES] ? env_files(c, l) : 0;
}

static void level_free(struct level *l)
{
	free(l->name);
	mlist_free(&l->envfile);
}

static int level_cmp(const void *a, const void *b)
{
	return strcmp(((const struct level *)a)->name, ((const struct level *)b)->name);
}

static const struct level *level_find(const struct level *v, size_t n, const char *name)
{
	struct level key = { .name = (char *)name };

	return v ? bsearch(&key, v, n, sizeof(key), level_cmp) : NULL;
}

/* kinds: or groups: as levels sorted by name. */
static int level_map(struct pctx *c, const struct ynode *m, const char *path,
		     struct level **out, size_t *n)
{
	char kp[KEY_PATH_MAX];

	if (ynode_is_null(m))
		return 0;
	if (want_map(c, m, path) < 0)
		return -EINVAL;
	if (!(*out = calloc(m->n / 2 + 1, sizeof(**out))))
		return oom(c);
	for (size_t i = 0; i + 1 < m->n; i += 2) {
		key_path(kp, path, m->items[i]->str);
		(*n)++;
		if (level_parse(c, m->items[i + 1], kp, m->items[i]->str, m->items[i]->line,
				&(*out)[i / 2]) < 0)
			return -EINVAL;
	}
	qsort(*out, *n, sizeof(**out), level_cmp);
	return 0;
}

/* ---- folding -------------------------------------------------------------------------- */

static void fold_free(struct fold *f)
{
	mlist_free(&f->env);
	mlist_free(&f->labels);
	mlist_free(&f->sysctls);
	mlist_free(&f->binds);
	svec_free(&f->exec);
	svec_free(&f->cap_add);
	svec_free(&f->ports);
	free(f->wait);
}

/* Apply level l onto the node of f.  inherited: defaults, a kind or a
 * group, whose warnings were given when it was checked, and whose cost
 * counts against the budget. */
static int apply(struct pctx *c, struct fold *f, const struct level *l, bool inherited)
{
	char kp[KEY_PATH_MAX];
	bool was = c->quiet;
	int r = 0;

	if (!l)
		return 0;
	if (inherited && l->weight > APPLY_BUDGET - c->budget)
		return perr(c, l->line, l->path,
			    "inherited by every node, this is more than %u YAML nodes in all",
			    APPLY_BUDGET);
	c->budget += inherited ? l->weight : 0;
	c->quiet = was || inherited;
	f->lv = l;
	for (int k = 0; k < NK_COUNT && r >= 0; k++) {
		if (!l->v[k] || !node_keys[k].set)
			continue;
		key_path(kp, l->path, node_keys[k].name);
		r = node_keys[k].set(c, f, l->v[k], kp, node_keys[k].off);
	}
	c->quiet = was;
	return r;
}

static int str_at_cmp(const void *a, const void *b)
{
	const struct nidx *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* Drop repeated strings of v, keeping the first of each in place. */
static int dedup_strv(char **v, size_t *n)
{
	struct nidx *x = calloc(*n + 1, sizeof(*x));
	size_t k = 0;

	if (!x)
		return -ENOMEM;
	for (size_t i = 0; i < *n; i++)
		x[i] = (struct nidx){ v[i], i };
	qsort(x, *n, sizeof(*x), str_at_cmp);
	/* x keeps pointers to the strings: free only once all are compared */
	for (size_t i = *n; i-- > 1;) {
		if (strcmp(x[i].name, x[i - 1].name) == 0) {
			free(v[x[i].i]);
			v[x[i].i] = NULL;
		}
	}
	for (size_t i = 0; i < *n; i++)
		if (v[i])
			v[k++] = v[i];
	if (v)
		v[k] = NULL;
	*n = k;
	free(x);
	return 0;
}

static int size_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return (x > y) - (x < y);
}

static void take_svec(struct svec *v, char ***out, size_t *n)
{
	*out = v->v;
	*n = v->n;
	memset(v, 0, sizeof(*v));
}

/* Everything collected goes to the node, sorted and merged. */
static int fold_finish(struct pctx *c, struct fold *f)
{
	struct topo_node *n = f->n;
	size_t k = 0;

	if (mlist_take(&f->env, &n->env, &n->n_env) < 0 ||
	    mlist_take(&f->labels, &n->labels, &n->n_labels) < 0 ||
	    mlist_take(&f->sysctls, &n->sysctls, &n->n_sysctls) < 0 ||
	    mlist_take(&f->binds, &n->binds, &n->n_binds) < 0 ||
	    dedup_strv(f->cap_add.v, &f->cap_add.n) < 0)
		return oom(c);
	take_svec(&f->exec, &n->exec, &n->n_exec);
	take_svec(&f->cap_add, &n->cap_add, &n->n_cap_add);
	take_svec(&f->ports, &n->ports, &n->n_ports);
	if (f->n_wait)
		qsort(f->wait, f->n_wait, sizeof(*f->wait), size_cmp);
	for (size_t i = 0; i < f->n_wait; i++)
		if (!k || f->wait[i] != f->wait[k - 1])
			f->wait[k++] = f->wait[i];
	n->wait_for = k ? steal_ptr(f->wait) : NULL;
	n->n_wait_for = k;
	return 0;
}

/* ---- kind and group ------------------------------------------------------------------------- */

/* The value of kind or group in level l (NULL: none), a string. */
static int chooser(struct pctx *c, const struct level *l, int k, const struct ynode **out)
{
	char kp[KEY_PATH_MAX];

	*out = l ? l->v[k] : NULL;
	if (!*out)
		return 0;
	key_path(kp, l->path, node_keys[k].name);
	return want_str(c, *out, kp);
}

/* The group level l names, if any; it must exist. */
static int group_in(struct pctx *c, const struct level *l, const struct level **g)
{
	const struct ynode *v;
	char kp[KEY_PATH_MAX];

	*g = NULL;
	if (chooser(c, l, NK_GROUP, &v) < 0)
		return -EINVAL;
	if (!v || (*g = level_find(c->groups, c->n_groups, v->str)))
		return 0;
	key_path(kp, l->path, "group");
	return perr(c, v->line, kp, "group '%.64s' is not defined in topology.groups", v->str);
}

/* As containerlab: the node's kind, else that of the group the node
 * names, else that of the defaults' group, else the defaults' kind. */
static int kind_in(struct pctx *c, const struct level *own, const struct ynode **kv,
		   enum topo_kind *kind)
{
	static const char *const kinds[] = { [TOPO_KIND_LINUX] = "linux",
					     [TOPO_KIND_BRIDGE] = "bridge",
					     [TOPO_KIND_HOST] = "host" };
	const struct level *order[4] = { own, NULL, NULL, &c->defaults };
	char kp[KEY_PATH_MAX];

	if (group_in(c, own, &order[1]) < 0 || group_in(c, &c->defaults, &order[2]) < 0)
		return -EINVAL;
	for (size_t j = 0; j < ARRAY_SIZE(order); j++) {
		if (chooser(c, order[j], NK_KIND, kv) < 0)
			return -EINVAL;
		if (!*kv)
			continue;
		for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
			if (strcmp((*kv)->str, kinds[k]) == 0) {
				*kind = (enum topo_kind)k;
				return 0;
			}
		}
		key_path(kp, order[j]->path, "kind");
		return perr(c, (*kv)->line, kp,
			    "kind '%.64s' is not supported (brig runs linux and bridge nodes)",
			    (*kv)->str);
	}
	return perr(c, own->line, own->path,
		    "no kind: give one here, in its group or in topology.defaults");
}

/* ---- one node ---------------------------------------------------------------------------------- */

/* Bridge and host nodes are no containers: of what the levels gave them
 * (defaults are written for containers) only what they use is kept. */
static void keep_topology_only(struct topo_node *n)
{
	struct topo_node k = {
		.name = n->name, .line = n->line, .kind = n->kind, .group = n->group,
		.labels = n->labels, .n_labels = n->n_labels, .net_container = TOPO_HOST,
	};

	n->name = n->group = NULL;
	n->labels = NULL;
	node_release(n);
	*n = k;
}

static int node_check(struct pctx *c, size_t i)
{
	const struct level *own = &c->own[i];
	struct topo_node *n = &c->t->nodes[i];
	struct brig_err e2;
	char name[64];

	if (!strcmp(n->name, "mgmt-net") || !strcmp(n->name, "macvlan") ||
	    (!strcmp(n->name, "host") && n->kind != TOPO_KIND_HOST))
		return perr(c, own->line, own->path, "'%s' names a kind of link endpoint, not a node",
			    n->name);
	if (n->kind == TOPO_KIND_BRIDGE && !net_ifname_valid(n->name))
		return perr(c, own->line, own->path,
			    "a bridge node's name is its interface's: at most 15 bytes");
	if (n->kind != TOPO_KIND_LINUX) {
		keep_topology_only(n);
		return 0;
	}
	if (!n->image)
		return perr(c, own->line, own->path, "a linux node needs an image");
	if (topo_container_name(c->t, n, name, sizeof(name), &e2) < 0)
		return perr(c, own->line, own->path, "%s", e2.msg);
	return 0;
}

static int fold_node(struct pctx *c, size_t i)
{
	struct topo_node *n = &c->t->nodes[i];
	const struct level *own = &c->own[i], *kl, *g;
	const struct ynode *kv;
	struct fold f = { .n = n };
	int r;

	if (kind_in(c, own, &kv, &n->kind) < 0)
		return -EINVAL;
	kl = level_find(c->kinds, c->n_kinds, kv->str);
	/* the group: the node's, else its kind's, else the defaults' */
	if (group_in(c, own, &g) < 0 || (!g && group_in(c, kl, &g) < 0) ||
	    (!g && group_in(c, &c->defaults, &g) < 0))
		return -EINVAL;
	if (g && !(n->group = strdup(g->name)))
		return oom(c);
	c->kind_of[i] = kl;
	c->group_of[i] = g;
	n->privileged = n->kind == TOPO_KIND_LINUX; /* containerlab's default */
	n->net_container = TOPO_HOST;
	r = apply(c, &f, &c->defaults, true);
	if (r >= 0)
		r = apply(c, &f, kl, true);
	if (r >= 0)
		r = apply(c, &f, g, true);
	if (r >= 0)
		r = apply(c, &f, own, false);
	if (r >= 0)
		r = fold_finish(c, &f);
	fold_free(&f);
	return r < 0 ? r : node_check(c, i);
}

/* A block of defaults, a kind or a group is checked once, on a node of
 * its own, so its mistakes are found (and its warnings given) once. */
static int level_check(struct pctx *c, const struct level *l)
{
	struct topo_node scratch = { .net_container = TOPO_HOST };
	struct fold f = { .n = &scratch };
	const struct level *g;
	const struct ynode *v;
	int r = chooser(c, l, NK_KIND, &v);

	if (r >= 0)
		r = group_in(c, l, &g);
	if (r >= 0)
		r = apply(c, &f, l, false);
	fold_free(&f);
	node_release(&scratch);
	return r;
}

/* ---- between nodes ------------------------------------------------------------------------------ */

/* Where node i's value of key k came from (its path into kp), or NULL. */
static const struct ynode *winner(const struct pctx *c, size_t i, int k, char *kp)
{
	const struct level *order[] = { &c->own[i], c->group_of[i], c->kind_of[i],
					&c->defaults };

	for (size_t j = 0; j < ARRAY_SIZE(order); j++) {
		if (order[j] && order[j]->v[k]) {
			key_path(kp, order[j]->path, node_keys[k].name);
			return order[j]->v[k];
		}
	}
	snprintf(kp, KEY_PATH_MAX, "%s", c->own[i].path);
	return NULL;
}

static int winner_line(const struct pctx *c, size_t i, int k, char *kp)
{
	const struct ynode *v = winner(c, i, k, kp);

	return v ? v->line : c->own[i].line;
}

static int netmode_check(struct pctx *c, size_t i)
{
	const struct topo_node *n = &c->t->nodes[i], *to;
	char kp[KEY_PATH_MAX];
	int line;

	if (!n->network_mode)
		return 0;
	if (n->mgmt_ipv4 || n->has_mgmt_ipv6) {
		line = winner_line(c, i, n->mgmt_ipv4 ? NK_MGMT_IPV4 : NK_MGMT_IPV6, kp);
		return perr(c, line, kp, "a node with network-mode %.64s has no management "
			    "interface of its own", n->network_mode);
	}
	if (n->net_container == TOPO_HOST)
		return 0;
	to = &c->t->nodes[n->net_container];
	line = winner_line(c, i, NK_NETWORK_MODE, kp);
	if (to->kind != TOPO_KIND_LINUX)
		return perr(c, line, kp, "node %s is a %s, not a container", to->name,
			    to->kind == TOPO_KIND_BRIDGE ? "bridge" : "host");
	return 0;
}

struct ip_at {
	uint32_t ip;
	size_t i;
};

static int ip_at_cmp(const void *a, const void *b)
{
	const struct ip_at *x = a, *y = b;

	if (x->ip != y->ip)
		return x->ip < y->ip ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

/* A fixed management address is one node's. */
static int mgmt_unique(struct pctx *c)
{
	struct ip_at *v = calloc(c->t->n_nodes + 1, sizeof(*v));
	char kp[KEY_PATH_MAX], a[16];
	size_t n = 0;
	int r = 0;

	if (!v)
		return oom(c);
	for (size_t i = 0; i < c->t->n_nodes; i++)
		if (c->t->nodes[i].mgmt_ipv4)
			v[n++] = (struct ip_at){ c->t->nodes[i].mgmt_ipv4, i };
	qsort(v, n, sizeof(*v), ip_at_cmp);
	for (size_t j = 1; j < n && r == 0; j++)
		if (v[j].ip == v[j - 1].ip)
			r = perr(c, winner_line(c, v[j].i, NK_MGMT_IPV4, kp), kp,
				 "%s is already the management address of node %s",
				 net_ip_str(v[j].ip, a), c->t->nodes[v[j - 1].i].name);
	free(v);
	return r;
}

/* A fixed management IPv6 address is one node's (n is small next to the
 * file's other work: a pairwise check). */
static int mgmt_unique6(struct pctx *c)
{
	const struct topo_node *nodes = c->t->nodes;
	char kp[KEY_PATH_MAX], a[NET_IP6_STRLEN];

	for (size_t i = 0; i < c->t->n_nodes; i++)
		for (size_t j = 0; nodes[i].has_mgmt_ipv6 && j < i; j++)
			if (nodes[j].has_mgmt_ipv6 &&
			    IN6_ARE_ADDR_EQUAL(&nodes[i].mgmt_ipv6, &nodes[j].mgmt_ipv6))
				return perr(c, winner_line(c, i, NK_MGMT_IPV6, kp), kp,
					    "%s is already the management address of node %s",
					    net_ip6_str(&nodes[i].mgmt_ipv6, a), nodes[j].name);
	return 0;
}

/* Node u waits for: its wait-for nodes, then the node whose network
 * namespace it shares. */
static size_t n_edges(const struct topo_node *u)
{
	return u->n_wait_for + (u->net_container != TOPO_HOST);
}

static size_t edge(const struct topo_node *u, size_t j)
{
	return j < u->n_wait_for ? u->wait_for[j] : u->net_container;
}

/* The loop closed by u's edge j to v, which is on the DFS stack. */
static int cycle_error(struct pctx *c, const size_t *stack, size_t depth, size_t v, size_t j)
{
	const struct topo_node *nodes = c->t->nodes;
	size_t u = stack[depth - 1], from = depth - 1;
	char path[512], kp[KEY_PATH_MAX];
	size_t off = 0;
	int line;

	while (from > 0 && stack[from] != v)
		from--;
	path[0] = '\0';
	for (size_t k = from; k < depth && off < sizeof(path) - 80; k++)
		off += (size_t)snprintf(path + off, sizeof(path) - off, "%.64s -> ",
					nodes[stack[k]].name);
	snprintf(path + off, sizeof(path) - off, "%s%.64s", off >= sizeof(path) - 80 ? "... " : "",
		 nodes[v].name);
	line = winner_line(c, u, j < nodes[u].n_wait_for ? NK_STAGES : NK_NETWORK_MODE, kp);
	return perr(c, line, kp, "dependency cycle %s (stages wait-for and network-mode "
		    "container: order the nodes)", path);
}

/* Depth-first, with a stack of our own: 10000 nodes in a chain would be
 * deep recursion. */
static int acyclic(struct pctx *c)
{
	const struct topo_node *nodes = c->t->nodes;
	size_t n = c->t->n_nodes, depth = 0;
	unsigned char *color = calloc(n, 1); /* 0 new, 1 on the stack, 2 done */
	size_t *stack = calloc(n, sizeof(*stack)), *pos = calloc(n, sizeof(*pos));
	int r = color && stack && pos ? 0 : oom(c);

	for (size_t s = 0; s < n && r == 0; s++) {
		if (color[s])
			continue;
		color[s] = 1;
		stack[depth++] = s;
		while (depth && r == 0) {
			size_t u = stack[depth - 1], v;

			if (pos[u] == n_edges(&nodes[u])) {
				color[u] = 2;
				depth--;
				continue;
			}
			v = edge(&nodes[u], pos[u]++);
			if (color[v] == 1) {
				r = cycle_error(c, stack, depth, v, pos[u] - 1);
			} else if (color[v] == 0) {
				color[v] = 1;
				stack[depth++] = v;
			}
		}
	}
	free(color);
	free(stack);
	free(pos);
	return r;
}

static int nodes_check(struct pctx *c)
{
	for (size_t i = 0; i < c->t->n_nodes; i++)
		if (netmode_check(c, i) < 0)
			return -EINVAL;
	if (mgmt_unique(c) < 0 || mgmt_unique6(c) < 0)
		return -EINVAL;
	return acyclic(c);
}

/* ---- entry points ------------------------------------------------------------------------------- */

int levels_parse(struct pctx *c, const struct ynode *defaults, int defaults_line,
		 const struct ynode *kinds, const struct ynode *groups)
{
	if (level_parse(c, defaults, "topology.defaults", NULL, defaults_line, &c->defaults) < 0 ||
	    level_map(c, kinds, "topology.kinds", &c->kinds, &c->n_kinds) < 0 ||
	    level_map(c, groups, "topology.groups", &c->groups, &c->n_groups) < 0 ||
	    level_check(c, &c->defaults) < 0)
		return -EINVAL;
	for (size_t i = 0; i < c->n_kinds; i++)
		if (level_check(c, &c->kinds[i]) < 0)
			return -EINVAL;
	for (size_t i = 0; i < c->n_groups; i++)
		if (level_check(c, &c->groups[i]) < 0)
			return -EINVAL;
	return 0;
}

/* The names first: links and wait-for name nodes declared later. */
static int node_names(struct pctx *c, const struct ynode *nodes)
{
	char kp[KEY_PATH_MAX];

	for (size_t i = 0; i < c->t->n_nodes; i++) {
		const struct ynode *k = nodes->items[2 * i];

		key_path(kp, "topology.nodes", k->str);
		if (!valid_name(k->str))
			return perr(c, k->line, kp,
				    "invalid node name (want [a-zA-Z0-9][a-zA-Z0-9_.-]*, at most 63 "
				    "bytes)");
		if (!(c->t->nodes[i].name = strdup(k->str)))
			return oom(c);
		c->t->nodes[i].line = k->line;
		c->t->nodes[i].net_container = TOPO_HOST;
		c->idx[i] = (struct nidx){ c->t->nodes[i].name, i };
	}
	qsort(c->idx, c->t->n_nodes, sizeof(*c->idx), str_at_cmp);
	return 0;
}

int nodes_parse(struct pctx *c, const struct ynode *nodes)
{
	struct topo *t = c->t;
	char kp[KEY_PATH_MAX];
	size_t n;

	if (want_map(c, nodes, "topology.nodes") < 0)
		return -EINVAL;
	n = nodes->n / 2;
	if (n == 0)
		return perr(c, nodes->line, "topology.nodes", "the lab has no nodes");
	if (n > TOPO_MAX_NODES)
		return perr(c, nodes->items[2 * TOPO_MAX_NODES]->line, "topology.nodes",
			    "more than %d nodes", TOPO_MAX_NODES);
	t->nodes = calloc(n + 1, sizeof(*t->nodes));
	c->own = calloc(n + 1, sizeof(*c->own));
	c->kind_of = calloc(n + 1, sizeof(*c->kind_of));
	c->group_of = calloc(n + 1, sizeof(*c->group_of));
	c->idx = calloc(n + 1, sizeof(*c->idx));
	if (!t->nodes || !c->own || !c->kind_of || !c->group_of || !c->idx)
		return oom(c);
	t->n_nodes = c->n_own = n;
	if (node_names(c, nodes) < 0)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		key_path(kp, "topology.nodes", nodes->items[2 * i]->str);
		if (level_parse(c, nodes->items[2 * i + 1], kp, NULL, nodes->items[2 * i]->line,
				&c->own[i]) < 0 ||
		    fold_node(c, i) < 0)
			return -EINVAL;
	}
	return nodes_check(c);
}

void levels_free(struct pctx *c)
{
	level_free(&c->defaults);
	for (size_t i = 0; c->kinds && i < c->n_kinds; i++)
		level_free(&c->kinds[i]);
	for (size_t i = 0; c->groups && i < c->n_groups; i++)
		level_free(&c->groups[i]);
	for (size_t i = 0; c->own && i < c->n_own; i++)
		level_free(&c->own[i]);
	free(c->kinds);
	free(c->groups);
	free(c->own);
	free(c->kind_of);
	free(c->group_of);
}
