/* topo_link.c - topology.links (see topo.h): the brief form
 * (endpoints: ["r1:eth1", "r2:eth1"]) and the extended ones (type: veth,
 * mgmt-net, host, dummy), each endpoint resolved to a node index or
 * TOPO_HOST; then, over all links, every interface used once. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cleanup.h"
#include "parse.h"
#include "topo_int.h"

enum form { F_BRIEF, F_VETH, F_MGMT, F_HOST, F_DUMMY };

static const struct {
	const char *name;
	enum form form;
	enum topo_link_type type;
} link_types[] = {
	{ "veth", F_VETH, TOPO_LINK_VETH },
	{ "mgmt-net", F_MGMT, TOPO_LINK_MGMT_NET },
	{ "host", F_HOST, TOPO_LINK_HOST },
	{ "dummy", F_DUMMY, TOPO_LINK_DUMMY },
};

/* containerlab's other link types: named in the refusal */
static const char *const refused_types[] = { "macvlan", "vxlan", "vxlan-stitch", "veth-stitch" };

enum { LK_TYPE, LK_ENDPOINTS, LK_ENDPOINT, LK_HOST_IF, LK_MTU, LK_IPV4, LK_IPV6, LK_NETEM,
       LK_COUNT };

#define ALL ((1u << F_BRIEF) | (1u << F_VETH) | (1u << F_MGMT) | (1u << F_HOST) | (1u << F_DUMMY))

/* Which form takes which key; labels and vars (containerlab's metadata
 * for tools) are taken by all and mean nothing here. */
static const struct {
	const char *name;
	unsigned forms;
} link_keys[LK_COUNT] = {
	[LK_TYPE] = { "type", ALL & ~(1u << F_BRIEF) },
	[LK_ENDPOINTS] = { "endpoints", (1u << F_BRIEF) | (1u << F_VETH) },
	[LK_ENDPOINT] = { "endpoint", (1u << F_MGMT) | (1u << F_HOST) | (1u << F_DUMMY) },
	[LK_HOST_IF] = { "host-interface", (1u << F_MGMT) | (1u << F_HOST) },
	[LK_MTU] = { "mtu", ALL },
	[LK_IPV4] = { "ipv4", 1u << F_BRIEF },
	[LK_IPV6] = { "ipv6", 1u << F_BRIEF },
	[LK_NETEM] = { "netem", (1u << F_BRIEF) | (1u << F_VETH) },
};

/* Where an endpoint's interface was written, for messages. */
enum where { W_END0, W_END1, W_END, W_HOST_IF };

/* One interface a link uses, in a network namespace: a node's, or the
 * host's (host ends, bridge ports, host-interfaces). */
struct use {
	size_t ns;
	const char *ifname;
	int line;
	size_t link;
	enum where where;
	bool ext; /* in an endpoint map: the path ends in ".interface" */
};

struct links {
	struct use *uses;
	size_t n_uses;
};

/* How a link was written: its form, the lines of its two ends and their
 * own netem: maps (extended endpoints). */
struct src {
	enum form form;
	int line[2];
	const struct ynode *netem[2];
};

static const char *node_name(const struct pctx *c, size_t i)
{
	return i == TOPO_HOST ? "host" : c->t->nodes[i].name;
}

static void use_path(char *out, const struct use *u)
{
	static const char *const names[] = { "endpoints[0]", "endpoints[1]", "endpoint",
					     "host-interface" };

	snprintf(out, KEY_PATH_MAX, "topology.links[%zu].%s%s", u->link, names[u->where],
		 u->ext ? ".interface" : "");
}

/* ---- values ------------------------------------------------------------------------ */

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* "xx:xx:xx:xx:xx:xx" (or with '-'), as containerlab's users write them. */
static int parse_mac(const char *s, uint8_t mac[6])
{
	if (strlen(s) != 17 || (s[2] != ':' && s[2] != '-'))
		return -1;
	for (int i = 0; i < 6; i++) {
		int hi = hex_digit(s[3 * i]), lo = hex_digit(s[3 * i + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != s[2]))
			return -1;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

static int get_mac(struct pctx *c, const struct ynode *v, const char *path,
		   struct topo_endpoint *ep)
{
	static const uint8_t zero[6];

	if (want_str(c, v, path) < 0)
		return -EINVAL;
	if (parse_mac(v->str, ep->mac) < 0)
		return perr(c, v->line, path, "invalid MAC address '%.64s' (want xx:xx:xx:xx:xx:xx)",
			    v->str);
	/* the kernel refuses either on an interface */
	if ((ep->mac[0] & 1) || !memcmp(ep->mac, zero, 6))
		return perr(c, v->line, path, "%s is not a unicast address", v->str);
	ep->has_mac = true;
	return 0;
}

/* "a.b.c.d/N": an interface's address and its subnet's length. */
static int get_ipv4(struct pctx *c, const struct ynode *v, const char *path,
		    struct topo_endpoint *ep)
{
	struct brig_err ignored;
	uint32_t ip, host;
	int n;

	if (want_str(c, v, path) < 0)
		return -EINVAL;
	if (net_parse_addr_prefix(v->str, &ip, &n, &ignored) < 0)
		return perr(c, v->line, path, "invalid address '%.64s' (want a.b.c.d/N)", v->str);
	host = n == 32 ? 0 : ip & (0xffffffffu >> n);
	if (n <= 30 && (host == 0 || host == 0xffffffffu >> n))
		return perr(c, v->line, path, "%s is no host address (the %s address of its subnet)",
			    v->str, host ? "broadcast" : "network");
	ep->ipv4 = ip;
	ep->ipv4_prefix = n;
	return 0;
}

static int get_ipv6(struct pctx *c, const struct ynode *v, const char *path,
		    struct topo_endpoint *ep)
{
	if (get_ipv6_addr(c, v, path, &ep->ipv6, &ep->ipv6_prefix) < 0)
		return -EINVAL;
	ep->has_ipv6 = true;
	return 0;
}

/* A netem: map {delay, jitter, loss, rate, corrupt, duplicate, reorder}
 * onto p, key by key (brig's extension of containerlab's links). */
static int get_netem(struct pctx *c, const struct ynode *v, const char *path,
		     struct netem_params *p)
{
	char kp[KEY_PATH_MAX];

	if (want_map(c, v, path) < 0)
		return -EINVAL;
	for (size_t i = 0; i + 1 < v->n; i += 2) {
		const struct ynode *k = v->items[i], *val = v->items[i + 1];
		struct brig_err why;

		key_path(kp, path, k->str);
		if (want_str(c, val, kp) < 0)
			return -EINVAL;
		if (netem_parse_value(p, k->str, val->str, &why) < 0)
			return perr(c, val->line, kp, "%s", why.msg);
	}
	return 0;
}

/* The link's netem: on both ends, then each extended endpoint's own on
 * its end, key by key; each end's parameters are checked as a whole. */
static int link_netem(struct pctx *c, struct topo_link *l, const struct ynode *v,
		      const char *path, const struct src *src)
{
	struct topo_endpoint *ends[] = { &l->a, &l->b };
	char lp[KEY_PATH_MAX], ep[KEY_PATH_MAX], ip[KEY_PATH_MAX], kp[KEY_PATH_MAX];
	struct brig_err why;

	key_path(lp, path, "netem");
	key_path(ep, path, "endpoints");
	for (int j = 0; j < 2; j++) {
		const struct ynode *own = src->netem[j];

		index_path(ip, ep, (size_t)j);
		key_path(kp, ip, "netem");
		if (!ynode_is_null(v) && get_netem(c, v, lp, &ends[j]->netem) < 0)
			return -EINVAL;
		if (!ynode_is_null(own) && get_netem(c, own, kp, &ends[j]->netem) < 0)
			return -EINVAL;
		if (netem_check(&ends[j]->netem, &why) < 0)
			return perr(c, own ? own->line : v->line, own ? kp : lp, "%s", why.msg);
	}
	return 0;
}

/* ---- endpoints ----------------------------------------------------------------------- */

/* The node whose network namespace node i's interfaces live in: itself,
 * or, through network-mode container:, the node it shares (the chains
 * are acyclic: nodes_parse checked); TOPO_HOST for the host's. */
static size_t ns_owner(const struct pctx *c, size_t i)
{
	const struct topo_node *n = &c->t->nodes[i];

	while (n->net_container != TOPO_HOST)
		n = &c->t->nodes[i = n->net_container];
	if (n->kind != TOPO_KIND_LINUX || (n->network_mode && !strcmp(n->network_mode, "host")))
		return TOPO_HOST;
	return i;
}

/* node:ifname onto ep: "host", a host node and a bridge's ports live in
 * the host; a container's interface must be one a link may create. */
static int resolve(struct pctx *c, const char *node, const char *ifname, const struct ynode *at,
		   const char *path, struct topo_endpoint *ep)
{
	long i = strcmp(node, "host") ? node_find(c, node) : -1;
	const struct topo_node *n = i >= 0 ? &c->t->nodes[i] : NULL, *own;

	if (!n && strcmp(node, "host"))
		return perr(c, at->line, path, "unknown node '%.64s'", node);
	if (!net_ifname_valid(ifname))
		return perr(c, at->line, path,
			    "invalid interface name '%.64s' (Linux: 1 to 15 bytes, no '/', ':' or "
			    "blanks)",
			    ifname);
	ep->node = !n || n->kind == TOPO_KIND_HOST ? TOPO_HOST : (size_t)i;
	snprintf(ep->ifname, sizeof(ep->ifname), "%s", ifname);
	if (!n || n->kind != TOPO_KIND_LINUX || ns_owner(c, (size_t)i) == TOPO_HOST)
		return 0;
	own = &c->t->nodes[ns_owner(c, (size_t)i)];
	if (!strcmp(ifname, "lo") || (!own->network_mode && !strcmp(ifname, "eth0")))
		return perr(c, at->line, path, "%s is the %s interface of %s's network namespace",
			    ifname, strcmp(ifname, "lo") ? "management" : "loopback", own->name);
	return 0;
}

static bool is_container(const struct pctx *c, const struct topo_endpoint *ep)
{
	return ep->node != TOPO_HOST && c->t->nodes[ep->node].kind == TOPO_KIND_LINUX;
}

/* An endpoint map: {node, interface, mac, ipv4, ipv6, netem} (*netem: the
 * last's value, parsed once the link's own is). */
static int ext_end(struct pctx *c, const struct ynode *v, const char *path,
		   struct topo_endpoint *ep, const struct ynode **netem)
{
	enum { E_NODE, E_IF, E_MAC, E_V4, E_V6, E_NETEM, E_VARS, E_COUNT };
	static const char *const keys[E_COUNT] = { "node", "interface", "mac", "ipv4", "ipv6",
						   "netem", "vars" };
	const struct ynode *x[E_COUNT] = { 0 };
	char kp[KEY_PATH_MAX];

	if (ynode_is_null(v))
		return perr(c, v->line, path, "the endpoint is missing");
	if (map_slots(c, v, path, keys, E_COUNT, NULL, x, NULL) < 0)
		return -EINVAL;
	*netem = x[E_NETEM];
	for (int k = E_NODE; k <= E_IF; k++) {
		key_path(kp, path, keys[k]);
		if (ynode_is_null(x[k]))
			return perr(c, v->line, kp, "missing");
		if (want_str(c, x[k], kp) < 0)
			return -EINVAL;
	}
	if (resolve(c, x[E_NODE]->str, x[E_IF]->str, x[E_IF], kp, ep) < 0)
		return -EINVAL;
	key_path(kp, path, "mac");
	if (!ynode_is_null(x[E_MAC]) && get_mac(c, x[E_MAC], kp, ep) < 0)
		return -EINVAL;
	key_path(kp, path, "ipv4");
	if (!ynode_is_null(x[E_V4]) && get_ipv4(c, x[E_V4], kp, ep) < 0)
		return -EINVAL;
	key_path(kp, path, "ipv6");
	return ynode_is_null(x[E_V6]) ? 0 : get_ipv6(c, x[E_V6], kp, ep);
}

/* ---- brief form ------------------------------------------------------------------------ */

/* "NODE:IFNAME" split at its first ':'. */
static int split_end(struct pctx *c, const struct ynode *v, const char *path, char **node,
		     const char **ifname)
{
	const char *colon;

	if (want_str(c, v, path) < 0)
		return -EINVAL;
	if (!(colon = strchr(v->str, ':')))
		return perr(c, v->line, path, "invalid endpoint '%.64s' (want NODE:INTERFACE)",
			    v->str);
	if (!(*node = strndup(v->str, (size_t)(colon - v->str))))
		return brig_errf(c->e, ENOMEM, "out of memory");
	*ifname = colon + 1;
	if (strcmp(*node, "macvlan") == 0)
		return perr(c, v->line, path, "macvlan links are not supported by brig");
	return 0;
}

/* ipv4: / ipv6: of a brief link, one per endpoint ("" for none). */
static int brief_addrs(struct pctx *c, const struct ynode *v, const char *path, bool v6,
		       struct topo_link *l)
{
	struct topo_endpoint *ends[] = { &l->a, &l->b };
	char ip[KEY_PATH_MAX];

	if (ynode_is_null(v))
		return 0;
	if (want_seq(c, v, path) < 0)
		return -EINVAL;
	if (v->n > 2)
		return perr(c, v->line, path, "%zu addresses for 2 endpoints", v->n);
	for (size_t j = 0; j < v->n; j++) {
		index_path(ip, path, j);
		if (v->items[j]->type == YNODE_SCALAR && v->items[j]->len == 0)
			continue;
		if ((v6 ? get_ipv6 : get_ipv4)(c, v->items[j], ip, ends[j]) < 0)
			return -EINVAL;
	}
	return 0;
}

/* A brief link with a mgmt-net:IFNAME end is a mgmt-net link: a
 * container's interface, its peer IFNAME on the management bridge. */
static int brief_mgmt(struct pctx *c, struct topo_link *l, const char *node, const char *ifname,
		      const struct ynode *at, const char *path, const struct ynode *host_at,
		      const char *host_if)
{
	l->type = TOPO_LINK_MGMT_NET;
	if (resolve(c, node, ifname, at, path, &l->a) < 0)
		return -EINVAL;
	if (!is_container(c, &l->a))
		return perr(c, at->line, path, "a mgmt-net link connects a container");
	if (!net_ifname_valid(host_if))
		return perr(c, host_at->line, path, "invalid interface name '%.64s'", host_if);
	l->b.node = TOPO_HOST;
	snprintf(l->b.ifname, sizeof(l->b.ifname), "%s", host_if);
	return 0;
}

/* A brief veth: two "NODE:IFNAME" ends, and ipv4:/ipv6: lists. */
static int brief_veth(struct pctx *c, struct topo_link *l, const struct ynode **x,
		      const char *path, char *const *node, const char *const *ifname,
		      char p[2][KEY_PATH_MAX])
{
	const struct ynode *v = x[LK_ENDPOINTS];
	char kp[KEY_PATH_MAX];

	l->type = TOPO_LINK_VETH;
	if (resolve(c, node[0], ifname[0], v->items[0], p[0], &l->a) < 0 ||
	    resolve(c, node[1], ifname[1], v->items[1], p[1], &l->b) < 0)
		return -EINVAL;
	key_path(kp, path, "ipv4");
	if (brief_addrs(c, x[LK_IPV4], kp, false, l) < 0)
		return -EINVAL;
	key_path(kp, path, "ipv6");
	return brief_addrs(c, x[LK_IPV6], kp, true, l);
}

static int brief(struct pctx *c, struct topo_link *l, const struct ynode **x, const char *path,
		 struct src *src)
{
	char *node[2] = { NULL, NULL }, kp[KEY_PATH_MAX], p[2][KEY_PATH_MAX];
	const struct ynode *v = x[LK_ENDPOINTS];
	const char *ifname[2];
	int r = 0, m;

	key_path(kp, path, "endpoints");
	if (ynode_is_null(v))
		return perr(c, l->line, kp, "missing");
	if (want_seq(c, v, kp) < 0)
		return -EINVAL;
	if (v->n != 2)
		return perr(c, v->line, kp, "a link has 2 endpoints, not %zu", v->n);
	for (int j = 0; j < 2 && r >= 0; j++) {
		index_path(p[j], kp, (size_t)j);
		src->line[j] = v->items[j]->line;
		r = split_end(c, v->items[j], p[j], &node[j], &ifname[j]);
	}
	/* m: the mgmt-net end, if any; the container end becomes a */
	m = r < 0 || strcmp(node[0], "mgmt-net") ? 1 : 0;
	if (r >= 0 && strcmp(node[m], "mgmt-net"))
		r = brief_veth(c, l, x, path, node, ifname, p);
	else if (r >= 0 && !strcmp(node[1 - m], "mgmt-net"))
		r = perr(c, v->line, kp, "both endpoints are mgmt-net");
	else if (r >= 0)
		r = brief_mgmt(c, l, node[1 - m], ifname[1 - m], v->items[1 - m], p[1 - m],
			       v->items[m], ifname[m]);
	if (r >= 0 && l->type == TOPO_LINK_MGMT_NET) {
		src->line[0] = v->items[1 - m]->line;
		src->line[1] = v->items[m]->line;
	}
	free(node[0]);
	free(node[1]);
	return r;
}

/* ---- extended forms ------------------------------------------------------------------------ */

static int ext_veth(struct pctx *c, struct topo_link *l, const struct ynode **x, const char *path,
		    struct src *src)
{
	const struct ynode *v = x[LK_ENDPOINTS];
	char kp[KEY_PATH_MAX], ip[KEY_PATH_MAX];

	key_path(kp, path, "endpoints");
	if (ynode_is_null(v))
		return perr(c, l->line, kp, "missing");
	if (want_seq(c, v, kp) < 0)
		return -EINVAL;
	if (v->n != 2)
		return perr(c, v->line, kp, "a veth link has 2 endpoints, not %zu", v->n);
	src->line[0] = v->items[0]->line;
	src->line[1] = v->items[1]->line;
	index_path(ip, kp, 0);
	if (ext_end(c, v->items[0], ip, &l->a, &src->netem[0]) < 0)
		return -EINVAL;
	index_path(ip, kp, 1);
	return ext_end(c, v->items[1], ip, &l->b, &src->netem[1]);
}

/* mgmt-net, host and dummy: one endpoint, a container's. */
static int ext_single(struct pctx *c, struct topo_link *l, const struct ynode **x,
		      const char *path, struct src *src)
{
	const struct ynode *hv = x[LK_HOST_IF];
	char kp[KEY_PATH_MAX];

	key_path(kp, path, "endpoint");
	if (ynode_is_null(x[LK_ENDPOINT]))
		return perr(c, l->line, kp, "missing");
	src->line[0] = x[LK_ENDPOINT]->line;
	if (ext_end(c, x[LK_ENDPOINT], kp, &l->a, &src->netem[0]) < 0)
		return -EINVAL;
	if (!ynode_is_null(src->netem[0]))
		return perr(c, src->netem[0]->line, kp, "netem: is for veth links");
	if (!is_container(c, &l->a))
		return perr(c, x[LK_ENDPOINT]->line, kp, "the endpoint must be a container's");
	if (src->form == F_DUMMY)
		return 0;
	key_path(kp, path, "host-interface");
	if (ynode_is_null(hv))
		return perr(c, l->line, kp, "missing");
	if (want_str(c, hv, kp) < 0)
		return -EINVAL;
	if (!net_ifname_valid(hv->str))
		return perr(c, hv->line, kp, "invalid interface name '%.64s'", hv->str);
	src->line[1] = hv->line;
	l->b.node = TOPO_HOST;
	snprintf(l->b.ifname, sizeof(l->b.ifname), "%s", hv->str);
	return 0;
}

/* ---- one link --------------------------------------------------------------------------------- */

static int link_form(struct pctx *c, const struct ynode *type, const char *path, enum form *form,
		     enum topo_link_type *lt)
{
	char kp[KEY_PATH_MAX];

	*form = F_BRIEF;
	*lt = TOPO_LINK_VETH;
	if (ynode_is_null(type))
		return 0;
	key_path(kp, path, "type");
	if (want_str(c, type, kp) < 0)
		return -EINVAL;
	/* containerlab takes the type in any case */
	for (size_t i = 0; i < ARRAY_SIZE(link_types); i++) {
		if (strcasecmp(type->str, link_types[i].name) == 0) {
			*form = link_types[i].form;
			*lt = link_types[i].type;
			return 0;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(refused_types); i++)
		if (strcasecmp(type->str, refused_types[i]) == 0)
			return perr(c, type->line, kp, "%s links are not supported by brig (it has "
				    "veth, mgmt-net, host and dummy links)", refused_types[i]);
	return perr(c, type->line, kp, "unknown link type '%.64s'", type->str);
}

/* The keys of a link, by form; a key of another form is a warning. */
static void link_slots(struct pctx *c, const struct ynode *m, const char *path, enum form form,
		       const struct ynode **x)
{
	char kp[KEY_PATH_MAX];

	for (size_t i = 0; i + 1 < m->n; i += 2) {
		const char *k = m->items[i]->str;
		int at = -1;

		for (int j = 0; j < LK_COUNT && at < 0; j++)
			if (strcmp(k, link_keys[j].name) == 0 && (link_keys[j].forms & (1u << form)))
				at = j;
		if (at >= 0) {
			x[at] = m->items[i + 1];
		} else if (strcmp(k, "labels") && strcmp(k, "vars")) {
			key_path(kp, path, k);
			pwarn(c, m->items[i]->line, kp, "not a key of this link type, ignored");
		}
	}
}

static int one_link(struct pctx *c, const struct ynode *m, const char *path, struct topo_link *l,
		    struct src *src)
{
	const struct ynode *type = NULL, *x[LK_COUNT] = { 0 };
	char kp[KEY_PATH_MAX];
	long mtu = TOPO_DEFAULT_MTU;
	int r;

	l->line = m->line;
	l->mtu = TOPO_DEFAULT_MTU;
	if (want_map(c, m, path) < 0)
		return -EINVAL;
	for (size_t i = 0; i + 1 < m->n; i += 2)
		if (strcmp(m->items[i]->str, "type") == 0)
			type = m->items[i + 1];
	if (link_form(c, type, path, &src->form, &l->type) < 0)
		return -EINVAL;
	link_slots(c, m, path, src->form, x);
	key_path(kp, path, "mtu");
	if (!ynode_is_null(x[LK_MTU]) && get_int(c, x[LK_MTU], kp, 68, 65535, &mtu) < 0)
		return -EINVAL;
	l->mtu = (int)mtu;
	src->line[0] = src->line[1] = l->line;
	if (src->form == F_BRIEF)
		r = brief(c, l, x, path, src);
	else if (src->form == F_VETH)
		r = ext_veth(c, l, x, path, src);
	else
		return ext_single(c, l, x, path, src);
	if (r < 0)
		return r;
	if (l->type != TOPO_LINK_VETH && !ynode_is_null(x[LK_NETEM]))
		return perr(c, x[LK_NETEM]->line, path, "netem: is for veth links");
	return link_netem(c, l, x[LK_NETEM], path, src);
}

/* ---- over all links ----------------------------------------------------------------------------- */

/* A veth's ends are two namespaces; a loop back into one is no link. */
static int no_self_loop(struct pctx *c, const struct topo_link *l, const char *path)
{
	if (l->type != TOPO_LINK_VETH || l->a.node != l->b.node)
		return 0;
	return perr(c, l->line, path, "a link from %s to itself", node_name(c, l->a.node));
}

/* A veth's a is the container end when there is one (topo.h). */
static void container_first(const struct pctx *c, struct topo_link *l)
{
	struct topo_endpoint t;

	if (l->type != TOPO_LINK_VETH || is_container(c, &l->a) || !is_container(c, &l->b))
		return;
	t = l->a;
	l->a = l->b;
	l->b = t;
}

static size_t ns_of(const struct pctx *c, const struct topo_endpoint *ep)
{
	return ep->node == TOPO_HOST ? TOPO_HOST : ns_owner(c, ep->node);
}

static int add_use(struct links *ls, struct use u)
{
	if (ls->n_uses % 64 == 0) {
		struct use *v = realloc(ls->uses, (ls->n_uses + 64) * sizeof(*v));

		if (!v)
			return -ENOMEM;
		ls->uses = v;
	}
	ls->uses[ls->n_uses++] = u;
	return 0;
}

/* The interfaces link i creates, before a's and b's are swapped. */
static int record_uses(struct pctx *c, struct links *ls, size_t i, const struct src *src)
{
	const struct topo_link *l = &c->t->links[i];
	bool two = l->type == TOPO_LINK_VETH, ext = src->form != F_BRIEF;
	struct use a = { ns_of(c, &l->a), l->a.ifname, src->line[0], i, two ? W_END0 : W_END,
			 ext };
	struct use b = { TOPO_HOST, l->b.ifname, src->line[1], i, two ? W_END1 : W_HOST_IF,
			 two && ext };

	if (two)
		b.ns = ns_of(c, &l->b);
	if (add_use(ls, a) < 0 || (l->type != TOPO_LINK_DUMMY && add_use(ls, b) < 0))
		return brig_errf(c->e, ENOMEM, "out of memory");
	return 0;
}

static int use_cmp(const void *x, const void *y)
{
	const struct use *a = x, *b = y;
	int r;

	if (a->ns != b->ns)
		return a->ns < b->ns ? -1 : 1;
	if ((r = strcmp(a->ifname, b->ifname)))
		return r;
	if (a->link != b->link)
		return a->link < b->link ? -1 : 1;
	return (a->where > b->where) - (a->where < b->where);
}

/* In the file's order: by link, then end. */
static bool before(const struct use *a, const struct use *b)
{
	return a->link != b->link ? a->link < b->link : a->where < b->where;
}

/* Each interface once: two links (or both ends of one) naming the same
 * node:ifname would collide when created.  The host's interfaces, a
 * bridge's ports among them, are one namespace.  Of several repeats, the
 * first in the file is reported, at its line. */
static int uses_unique(struct pctx *c, struct links *ls)
{
	const struct use *dup = NULL, *first = NULL, *u = ls->uses;
	char kp[KEY_PATH_MAX];

	if (ls->n_uses < 2)
		return 0;
	qsort(ls->uses, ls->n_uses, sizeof(*ls->uses), use_cmp);
	for (size_t i = 1; i < ls->n_uses; i++) {
		bool same = u[i].ns == u[i - 1].ns && !strcmp(u[i].ifname, u[i - 1].ifname);
		bool second = same && (i < 2 || u[i - 2].ns != u[i].ns ||
				       strcmp(u[i - 2].ifname, u[i].ifname));

		if (second && (!dup || before(&u[i], dup))) {
			dup = &u[i];
			first = &u[i - 1];
		}
	}
	if (!dup)
		return 0;
	use_path(kp, dup);
	return perr(c, dup->line, kp, "interface %s:%s is already used at line %d",
		    node_name(c, dup->ns), dup->ifname, first->line);
}

int links_parse(struct pctx *c, const struct ynode *links, const char *path)
{
	struct links ls = { 0 };
	char ip[KEY_PATH_MAX];
	int r = 0;

	if (want_seq(c, links, path) < 0)
		return -EINVAL;
	if (!(c->t->links = calloc(links->n + 1, sizeof(*c->t->links))))
		return brig_errf(c->e, ENOMEM, "out of memory");
	c->t->n_links = links->n;
	for (size_t i = 0; i < links->n && r >= 0; i++) {
		struct topo_link *l = &c->t->links[i];
		struct src src = { 0 };

		index_path(ip, path, i);
		r = one_link(c, links->items[i], ip, l, &src);
		if (r >= 0)
			r = no_self_loop(c, l, ip);
		if (r >= 0)
			r = record_uses(c, &ls, i, &src);
		if (r >= 0)
			container_first(c, l);
	}
	if (r >= 0)
		r = uses_unique(c, &ls);
	free(ls.uses);
	return r;
}
