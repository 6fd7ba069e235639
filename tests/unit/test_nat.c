/* test_nat.c - net/nat.c builders: build the batch (no socket), parse every
 * message back with libnftnl and check the table, chains and rules. */
#include <arpa/inet.h>
#include <netinet/in.h> /* before the linux headers (net/types.h needs it) */
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>

#include "nat_batch.h"

struct seen {
	int begin, end, newtable, deltable, newchain, newrule;
	int masq, drop, accept, ct, dnat, fib;
	char chains[8][32];
	int rules_post, rules_fwd, rules_pre, rules_out;
	int newset, set_elems, lookup_inv; /* the set of bridges, its uses */
	int lookup_bridges, lookup_ports;  /* lookups of the bridges, of the port maps */
	int maps, port_elems, port_msgs, del_msgs;
	char elems[8][16];
	struct net_port ports[8]; /* port elements read back */
	int saddr6, daddr6, dnat6, maps6; /* IPv6: source/destination loads, DNATs, maps */
	uint8_t net6[4][16];		  /* the subnets ip6 saddr is compared with */
};

static void count_exprs(const struct nftnl_rule *r, struct seen *s)
{
	struct nftnl_expr_iter *it = nftnl_expr_iter_create(r);
	struct nftnl_expr *x;
	bool after_saddr6 = false;

	assert_non_null(it);
	while ((x = nftnl_expr_iter_next(it))) {
		const char *name = nftnl_expr_get_str(x, NFTNL_EXPR_NAME);

		if (strcmp(name, "payload") == 0) {
			uint32_t off = nftnl_expr_get_u32(x, NFTNL_EXPR_PAYLOAD_OFFSET);
			uint32_t len = nftnl_expr_get_u32(x, NFTNL_EXPR_PAYLOAD_LEN);
			after_saddr6 = off == 8 && len == 16;
			s->saddr6 += after_saddr6;
			s->daddr6 += off == 24 && len == 16;
			continue;
		}
		if (strcmp(name, "cmp") == 0 && after_saddr6) {
			uint32_t len = 0;
			const void *d = nftnl_expr_get(x, NFTNL_EXPR_CMP_DATA, &len);
			assert_int_equal(len, 16);
			memcpy(s->net6[(s->saddr6 - 1) & 3], d, 16);
		}
		if (strcmp(name, "bitwise") != 0)
			after_saddr6 = false;
		if (strcmp(name, "masq") == 0)
			s->masq++;
		else if (strcmp(name, "ct") == 0)
			s->ct++;
		else if (strcmp(name, "fib") == 0)
			s->fib++;
		else if (strcmp(name, "nat") == 0) {
			bool v6 = nftnl_expr_get_u32(x, NFTNL_EXPR_NAT_FAMILY) == NFPROTO_IPV6;
			assert_int_equal(nftnl_expr_get_u32(x, NFTNL_EXPR_NAT_TYPE), NFT_NAT_DNAT);
			/* the port follows an address of one register, or of four */
			assert_int_equal(nftnl_expr_get_u32(x, NFTNL_EXPR_NAT_REG_PROTO_MIN),
					 v6 ? NFT_REG32_04 : NFT_REG32_01);
			s->dnat++;
			s->dnat6 += v6;
		} else if (strcmp(name, "lookup") == 0) {
			const char *set = nftnl_expr_get_str(x, NFTNL_EXPR_LOOKUP_SET);
			if (strcmp(set, "bridges") == 0) {
				s->lookup_bridges++;
				s->lookup_inv += nftnl_expr_get_u32(x, NFTNL_EXPR_LOOKUP_FLAGS) ==
						 NFT_LOOKUP_F_INV;
			} else {
				assert_true(strcmp(set, "ports_addr") == 0 ||
					    strcmp(set, "ports_any") == 0 ||
					    strcmp(set, "ports_addr6") == 0 ||
					    strcmp(set, "ports_any6") == 0);
				assert_int_equal(nftnl_expr_get_u32(x, NFTNL_EXPR_LOOKUP_DREG),
						 NFT_REG32_00);
				s->lookup_ports++;
			}
		}
		else if (strcmp(name, "immediate") == 0) {
			uint32_t v = nftnl_expr_get_u32(x, NFTNL_EXPR_IMM_VERDICT);

			s->drop += v == NF_DROP;
			s->accept += v == NF_ACCEPT;
		}
	}
	nftnl_expr_iter_destroy(it);
}

/* The set's elements, read straight from the attributes:
 * ELEMENTS { LIST_ELEM { KEY { DATA_VALUE "name" } } ... } */
static void parse_elems(const struct nlmsghdr *nlh, struct seen *s)
{
	const struct nlattr *list, *elem, *key, *val;

	mnl_attr_for_each(list, nlh, sizeof(struct nfgenmsg)) {
		if (mnl_attr_get_type(list) == NFTA_SET_ELEM_LIST_SET)
			assert_string_equal(mnl_attr_get_str(list), "bridges");
		if (mnl_attr_get_type(list) != NFTA_SET_ELEM_LIST_ELEMENTS)
			continue;
		mnl_attr_for_each_nested(elem, list) {
			mnl_attr_for_each_nested(key, elem) {
				if (mnl_attr_get_type(key) != NFTA_SET_ELEM_KEY)
					continue;
				mnl_attr_for_each_nested(val, key) {
					assert_int_equal(mnl_attr_get_payload_len(val), 16);
					snprintf(s->elems[s->set_elems++ & 7], 16, "%s",
						 (const char *)mnl_attr_get_payload(val));
				}
			}
		}
	}
}

/* The value inside a nested NFTA_DATA_VALUE attribute. */
static const uint8_t *data_value(const struct nlattr *a, uint32_t *len)
{
	const struct nlattr *v;

	mnl_attr_for_each_nested(v, a) {
		if (mnl_attr_get_type(v) == NFTA_DATA_VALUE) {
			*len = mnl_attr_get_payload_len(v);
			return mnl_attr_get_payload(v);
		}
	}
	return NULL;
}

/* One port element's attributes into p (v6: of ports_addr6/ports_any6). */
static void port_elem(const struct nlattr *elem, bool any, bool v6, struct net_port *p)
{
	const struct nlattr *a;
	uint32_t off = any ? 0 : v6 ? 16 : 4, doff = v6 ? 16 : 4, klen = 0, dlen = 0;
	const uint8_t *k = NULL, *d = NULL;

	memset(p, 0, sizeof(*p));
	p->v6 = v6;
	mnl_attr_for_each_nested(a, elem) {
		if (mnl_attr_get_type(a) == NFTA_SET_ELEM_KEY)
			k = data_value(a, &klen);
		else if (mnl_attr_get_type(a) == NFTA_SET_ELEM_DATA)
			d = data_value(a, &dlen);
		else if (mnl_attr_get_type(a) == NFTA_SET_ELEM_USERDATA) /* comment TLV */
			snprintf(p->owner, sizeof(p->owner), "%s",
				 (const char *)mnl_attr_get_payload(a) + 2);
	}
	assert_non_null(k);
	assert_int_equal(klen, off + 8);
	if (off == 4)
		p->host_ip = (uint32_t)k[0] << 24 | (uint32_t)k[1] << 16 | k[2] << 8 | k[3];
	else if (off == 16)
		memcpy(&p->host_ip6, k, 16);
	p->proto = k[off];
	p->host_port = (uint16_t)(k[off + 4] << 8 | k[off + 5]);
	if (d) { /* additions carry data and the owner */
		assert_int_equal(dlen, doff + 4);
		assert_true(p->owner[0] != '\0');
		if (v6)
			memcpy(&p->addr6, d, 16);
		else
			p->addr = (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | d[2] << 8 | d[3];
		p->port = (uint16_t)(d[doff] << 8 | d[doff + 1]);
	}
}

/* A message of port map elements, read from its attributes. */
static void parse_port_elems(const struct nlmsghdr *nlh, struct seen *s)
{
	const struct nlattr *list, *elem;
	bool any = false, v6 = false;

	mnl_attr_for_each(list, nlh, sizeof(struct nfgenmsg)) {
		if (mnl_attr_get_type(list) == NFTA_SET_ELEM_LIST_SET) {
			const char *name = mnl_attr_get_str(list);
			any = strncmp(name, "ports_any", 9) == 0;
			v6 = name[strlen(name) - 1] == '6';
		}
		if (mnl_attr_get_type(list) != NFTA_SET_ELEM_LIST_ELEMENTS)
			continue;
		mnl_attr_for_each_nested(elem, list)
			port_elem(elem, any, v6, &s->ports[s->port_elems++ & 7]);
	}
}

static bool is_port_map(const struct nlmsghdr *nlh)
{
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct nfgenmsg))
		if (mnl_attr_get_type(a) == NFTA_SET_ELEM_LIST_SET)
			return strncmp(mnl_attr_get_str(a), "ports_", 6) == 0;
	return false;
}

static void parse_msg(const struct nlmsghdr *nlh, struct seen *s)
{
	uint16_t type = NFNL_MSG_TYPE(nlh->nlmsg_type);

	if (nlh->nlmsg_type == NFNL_MSG_BATCH_BEGIN) {
		s->begin++;
		return;
	}
	if (nlh->nlmsg_type == NFNL_MSG_BATCH_END) {
		s->end++;
		return;
	}
	assert_true(nlh->nlmsg_flags & NLM_F_ACK);
	if (type == NFT_MSG_NEWTABLE || type == NFT_MSG_DELTABLE) {
		struct nftnl_table *t = nftnl_table_alloc();

		assert_int_equal(nftnl_table_nlmsg_parse(nlh, t), 0);
		assert_string_equal(nftnl_table_get_str(t, NFTNL_TABLE_NAME), "brig");
		assert_int_equal(nftnl_table_get_u32(t, NFTNL_TABLE_FAMILY), NFPROTO_INET);
		nftnl_table_free(t);
		if (type == NFT_MSG_NEWTABLE)
			s->newtable++;
		else
			s->deltable++;
	} else if (type == NFT_MSG_NEWCHAIN) {
		struct nftnl_chain *c = nftnl_chain_alloc();

		assert_int_equal(nftnl_chain_nlmsg_parse(nlh, c), 0);
		assert_string_equal(nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE), "brig");
		assert_int_equal(nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY), NF_ACCEPT);
		snprintf(s->chains[s->newchain++ & 7], 32, "%s",
			 nftnl_chain_get_str(c, NFTNL_CHAIN_NAME));
		nftnl_chain_free(c);
	} else if (type == NFT_MSG_NEWRULE) {
		struct nftnl_rule *r = nftnl_rule_alloc();
		const char *chain;

		assert_int_equal(nftnl_rule_nlmsg_parse(nlh, r), 0);
		assert_string_equal(nftnl_rule_get_str(r, NFTNL_RULE_TABLE), "brig");
		chain = nftnl_rule_get_str(r, NFTNL_RULE_CHAIN);
		s->rules_post += strcmp(chain, "postrouting") == 0;
		s->rules_fwd += strcmp(chain, "forward") == 0;
		s->rules_pre += strcmp(chain, "prerouting") == 0;
		s->rules_out += strcmp(chain, "output") == 0;
		count_exprs(r, s);
		nftnl_rule_free(r);
		s->newrule++;
	} else if (type == NFT_MSG_NEWSET) {
		struct nftnl_set *set = nftnl_set_alloc();

		assert_int_equal(nftnl_set_nlmsg_parse(nlh, set), 0);
		if (strcmp(nftnl_set_get_str(set, NFTNL_SET_NAME), "bridges") == 0) {
			assert_int_equal(nftnl_set_get_u32(set, NFTNL_SET_KEY_TYPE), 41); /* ifname */
			assert_int_equal(nftnl_set_get_u32(set, NFTNL_SET_KEY_LEN), 16);
		} else {
			/* ipv4_addr|ipv6_addr . inet_service, each field whole 32-bit registers */
			const char *name = nftnl_set_get_str(set, NFTNL_SET_NAME);
			bool v6 = name[strlen(name) - 1] == '6';
			bool any = strncmp(name, "ports_any", 9) == 0;
			uint32_t addr = v6 ? 8 : 7, alen = v6 ? 16 : 4;

			assert_int_equal(nftnl_set_get_u32(set, NFTNL_SET_FLAGS), NFT_SET_MAP);
			assert_int_equal(nftnl_set_get_u32(set, NFTNL_SET_DATA_TYPE), addr << 6 | 13);
			assert_int_equal(nftnl_set_get_u32(set, NFTNL_SET_DATA_LEN), alen + 4);
			assert_int_equal(nftnl_set_get_u32(set, NFTNL_SET_KEY_LEN),
					 (any ? 0 : alen) + 8);
			assert_int_equal(nftnl_set_get_u32(set, NFTNL_SET_KEY_TYPE),
					 any ? 12 << 6 | 13 : (addr << 6 | 12) << 6 | 13);
			s->maps++;
			s->maps6 += v6;
		}
		nftnl_set_free(set);
		s->newset++;
	} else if (type == NFT_MSG_NEWSETELEM && is_port_map(nlh)) {
		parse_port_elems(nlh, s);
		s->port_msgs++;
	} else if (type == NFT_MSG_DELSETELEM) {
		assert_true(is_port_map(nlh));
		parse_port_elems(nlh, s);
		s->del_msgs++;
	} else if (type == NFT_MSG_NEWSETELEM) {
		parse_elems(nlh, s);
	} else {
		fail_msg("unexpected message type %u", type);
	}
}

static struct seen parse_batch(struct net_nat_batch *b, unsigned *nmsg)
{
	struct seen s = { 0 };
	const struct nlmsghdr *nlh = NULL;
	int len;

	assert_true(b->len > 0 && b->len <= b->cap);
	len = (int)b->len;
	nlh = (const struct nlmsghdr *)b->buf;
	while (mnl_nlmsg_ok(nlh, len)) {
		parse_msg(nlh, &s);
		nlh = mnl_nlmsg_next(nlh, &len);
	}
	assert_int_equal(len, 0); /* nothing trailing or torn */
	*nmsg = b->nmsg;
	net_nat_batch_free(b);
	return s;
}

static struct seen build_parse_ports(const struct net_network *nets, size_t count,
				     const struct net_port *ports, size_t n_ports, unsigned *nmsg)
{
	struct net_nat_batch b;
	struct brig_err e = { 0 };

	assert_int_equal(net_nat_build_ports(&b, nets, count, ports, n_ports, 100, &e), 0);
	return parse_batch(&b, nmsg);
}

static struct seen build_parse(const struct net_network *nets, size_t count, unsigned *nmsg)
{
	return build_parse_ports(nets, count, NULL, 0, nmsg);
}

static void empty_deletes_table(void **state)
{
	unsigned nmsg;
	struct seen s = build_parse(NULL, 0, &nmsg);

	(void)state;
	assert_int_equal(s.begin, 1);
	assert_int_equal(s.end, 1);
	assert_int_equal(s.newtable, 1);
	assert_int_equal(s.deltable, 1);
	assert_int_equal(s.newchain, 0);
	assert_int_equal(s.newrule, 0);
	assert_int_equal(nmsg, 2);
}

static void two_networks(void **state)
{
	struct net_network nets[2] = {
		{ .name = "bridge", .bridge = "br0", .subnet = 0x0a580000, .prefix = 16 },
		{ .name = "lab", .bridge = "brlab", .subnet = 0x0a590000, .prefix = 24,
		  .internal = true },
	};
	unsigned nmsg;
	struct seen s = build_parse(nets, 2, &nmsg);

	(void)state;
	assert_int_equal(s.newtable, 2); /* add, delete, add */
	assert_int_equal(s.deltable, 1);
	assert_int_equal(s.newchain, 4);
	assert_string_equal(s.chains[0], "postrouting");
	assert_string_equal(s.chains[1], "forward");
	assert_string_equal(s.chains[2], "prerouting");
	assert_string_equal(s.chains[3], "output");
	/* internal network: no masquerade, no hairpin; the loopback one */
	assert_int_equal(s.rules_post, 3);
	assert_int_equal(s.masq, 3);
	/* 2 intra + 2 isolation + 2 internal drops + outbound + replies */
	assert_int_equal(s.rules_fwd, 8);
	assert_int_equal(s.drop, 4 + 1); /* + the guard of 127.0.0.0/8 */
	assert_int_equal(s.accept, 4);
	assert_int_equal(s.ct, 2); /* established, and dnat (hairpin) */
	/* the guard and two DNAT rules per family; the same for the host itself */
	assert_int_equal(s.rules_pre, 5);
	assert_int_equal(s.rules_out, 4);
	assert_int_equal(s.dnat, 8);
	assert_int_equal(s.dnat6, 4);
	assert_int_equal(s.fib, 4);
	assert_int_equal(s.lookup_ports, 8);
	assert_int_equal(s.daddr6, 2); /* the ports_addr6 keys */
	assert_int_equal(s.saddr6, 0); /* no v6 subnet: no v6 masquerade */
	/* the set names both bridges; masquerade skips every one of them */
	assert_int_equal(s.newset, 5);
	assert_int_equal(s.maps, 4);
	assert_int_equal(s.maps6, 2);
	assert_int_equal(s.set_elems, 2);
	assert_string_equal(s.elems[0], "br0");
	assert_string_equal(s.elems[1], "brlab");
	assert_int_equal(s.lookup_inv, 1);
	assert_int_equal(s.lookup_bridges, 3);
	assert_int_equal(nmsg, 3 + 4 + 6 + 20);
}

/* A --no-gateway network: no masquerade, no forwarding off the bridge,
 * but its bridge is in the set (traffic routed onto it keeps its source). */
static void no_gateway_network(void **state)
{
	struct net_network nets[2] = {
		{ .name = "bridge", .bridge = "br0", .subnet = 0x0a580000, .prefix = 16 },
		{ .name = "l2", .bridge = "brl2", .subnet = 0x0a590000, .prefix = 24,
		  .no_gateway = true },
	};
	unsigned nmsg;
	struct seen s = build_parse(nets, 2, &nmsg);

	(void)state;
	assert_int_equal(s.masq, 3); /* br0's, its hairpin, the loopback one */
	assert_int_equal(s.set_elems, 2);
	assert_string_equal(s.elems[1], "brl2");
	assert_int_equal(s.drop, 4 + 1);
}

static void many_networks(void **state)
{
	size_t count = NET_NAT_MAX_NETWORKS;
	struct net_network *nets = calloc(count, sizeof(*nets));
	unsigned nmsg;
	struct seen s;

	(void)state;
	assert_non_null(nets);
	for (size_t i = 0; i < count; i++) {
		snprintf(nets[i].name, sizeof(nets[i].name), "n%zu", i);
		snprintf(nets[i].bridge, sizeof(nets[i].bridge), "brig%zu", i);
		nets[i].subnet = 0x0a000000 | (uint32_t)i << 8;
		nets[i].prefix = 24;
	}
	s = build_parse(nets, count, &nmsg);
	assert_int_equal(s.masq, (int)(2 * count + 1));
	assert_int_equal(s.rules_fwd, (int)(count + count * (count - 1) + 2 * count));
	assert_int_equal(s.newrule + 13, (int)nmsg);
	assert_int_equal(s.set_elems, (int)count);
	assert_int_equal(s.lookup_inv, (int)count);
	free(nets);
}

/* Published ports: the elements go into the map of their kind, keys and
 * data in brig's layout, the owner as the comment. */
static void ports_in_table(void **state)
{
	struct net_network n = { .name = "bridge", .bridge = "br0", .subnet = 0x0a580000,
				 .prefix = 16 };
	struct net_port p[3] = {
		{ 0, 0x0a580002, 8080, 80, 6, "aaaa" },
		{ 0x7f000001, 0x0a580002, 8081, 80, 17, "aaaa" },
		{ 0, 0x0a580003, 8082, 81, 132, "bbbb" },
	};
	unsigned nmsg;
	struct seen s = build_parse_ports(&n, 1, p, 3, &nmsg);

	(void)state;
	assert_int_equal(s.port_msgs, 2); /* ports_addr, then ports_any */
	assert_int_equal(s.port_elems, 3);
	assert_int_equal(s.ports[0].host_ip, 0x7f000001);
	assert_int_equal(s.ports[0].host_port, 8081);
	assert_int_equal(s.ports[0].proto, 17);
	assert_int_equal(s.ports[0].addr, 0x0a580002);
	assert_int_equal(s.ports[0].port, 80);
	assert_string_equal(s.ports[0].owner, "aaaa");
	assert_int_equal(s.ports[1].host_ip, 0);
	assert_int_equal(s.ports[1].host_port, 8080);
	assert_int_equal(s.ports[2].proto, 132);
	assert_string_equal(s.ports[2].owner, "bbbb");
	assert_int_equal(s.ports[2].port, 81);
}

/* A change batch: deletions by key, then additions, many elements split
 * over several messages. */
static void ports_change_batch(void **state)
{
	struct net_port *p = calloc(150, sizeof(*p));
	struct net_nat_batch b;
	struct nat_bctx c;
	struct brig_err e = { 0 };
	unsigned nmsg;
	struct seen s;

	(void)state;
	assert_non_null(p);
	for (size_t i = 0; i < 150; i++)
		p[i] = (struct net_port){ 0, 0x0a580002, (uint16_t)(10000 + i), 80, 6, "x" };
	assert_int_equal(nat_batch_begin(&b, &c, 8, 150 * NAT_PORT_ELEM_MAX, 1, &e), 0);
	assert_int_equal(nat_ports_put_elems(&c, NFT_MSG_DELSETELEM, p, 1), 0);
	assert_int_equal(nat_ports_put_elems(&c, NFT_MSG_NEWSETELEM, p + 1, 149), 0);
	assert_int_equal(nat_batch_end(&c, 0, &e), 0);
	s = parse_batch(&b, &nmsg);
	assert_int_equal(s.del_msgs, 1);
	assert_int_equal(s.port_msgs, 3); /* 64 + 64 + 21 */
	assert_int_equal(nmsg, 4);
	assert_int_equal(s.begin, 1);
	assert_int_equal(s.end, 1);
	free(p);
}

static struct in6_addr ip6(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

/* Dual-stack networks: v6 masquerade and hairpin for the one with a way
 * out; the internal one gets neither, and its drops (by interface, so
 * for both families) stay as for v4. */
static void dual_stack_networks(void **state)
{
	struct net_network nets[2] = {
		{ .name = "ds", .bridge = "brds", .subnet = 0x0a580000, .prefix = 16, .ipv6 = true,
		  .subnet6 = ip6("fd00:1:2:3::"), .prefix6 = 64 },
		{ .name = "in", .bridge = "brin", .subnet = 0x0a590000, .prefix = 24, .internal = true,
		  .ipv6 = true, .subnet6 = ip6("fd00:9::"), .prefix6 = 112 },
	};
	struct in6_addr want = ip6("fd00:1:2:3::");
	unsigned nmsg;
	struct seen s = build_parse(nets, 2, &nmsg);

	(void)state;
	/* v4 masquerade + hairpin, v6 masquerade + hairpin, the loopback one */
	assert_int_equal(s.rules_post, 5);
	assert_int_equal(s.masq, 5);
	assert_int_equal(s.saddr6, 2);
	assert_memory_equal(s.net6[0], &want, 16);
	assert_memory_equal(s.net6[1], &want, 16);
	assert_int_equal(s.ct, 3); /* established, and the two hairpins' dnat */
	/* isolation both ways and the internal drops: as without IPv6 */
	assert_int_equal(s.rules_fwd, 8);
	assert_int_equal(s.drop, 4 + 1);
	assert_int_equal(s.lookup_inv, 2);
	assert_int_equal(nmsg, 3 + 4 + 6 + 22);
}

/* A /120 and a /68 are masked to their prefix, bit by bit. */
static void v6_prefix_masked(void **state)
{
	struct net_network n = { .name = "p", .bridge = "brp", .subnet = 0x0a580000, .prefix = 16,
				 .ipv6 = true, .subnet6 = ip6("fd00:0:0:1:f000::"), .prefix6 = 68 };
	struct in6_addr want = ip6("fd00:0:0:1:f000::");
	unsigned nmsg;
	struct seen s = build_parse(&n, 1, &nmsg);

	(void)state;
	assert_int_equal(s.saddr6, 2);
	assert_memory_equal(s.net6[0], &want, 16);
	n.prefix6 = 129;
	{
		struct net_nat_batch b;
		struct brig_err e = { 0 };
		assert_int_equal(net_nat_build(&b, &n, 1, 1, &e), -EINVAL);
		net_nat_batch_free(&b);
	}
}

/* IPv6 published ports: [addr]:port and [::]:port go to the v6 maps, the
 * container's v6 address as the data. */
static void v6_ports_in_table(void **state)
{
	struct net_network n = { .name = "ds", .bridge = "brds", .subnet = 0x0a580000, .prefix = 16,
				 .ipv6 = true, .subnet6 = ip6("fd00:1::"), .prefix6 = 64 };
	struct net_port p[3] = {
		{ .host_port = 8080, .port = 80, .proto = 6, .owner = "aaaa", .v6 = true,
		  .addr6 = ip6("fd00:1::2") },
		{ .host_port = 8081, .port = 81, .proto = 17, .owner = "aaaa", .v6 = true,
		  .host_ip6 = ip6("fd00:5::1"), .addr6 = ip6("fd00:1::2") },
		{ 0, 0x0a580002, 8080, 80, 6, "aaaa", false, { { { 0 } } }, { { { 0 } } } },
	};
	struct in6_addr host = ip6("fd00:5::1"), ctr = ip6("fd00:1::2"), any = { { { 0 } } };
	unsigned nmsg;
	struct seen s = build_parse_ports(&n, 1, p, 3, &nmsg);

	(void)state;
	assert_int_equal(s.port_msgs, 3); /* ports_any, ports_addr6, ports_any6 */
	assert_int_equal(s.port_elems, 3);
	assert_false(s.ports[0].v6);
	assert_int_equal(s.ports[0].host_port, 8080);
	assert_true(s.ports[1].v6);
	assert_memory_equal(&s.ports[1].host_ip6, &host, 16);
	assert_memory_equal(&s.ports[1].addr6, &ctr, 16);
	assert_int_equal(s.ports[1].host_port, 8081);
	assert_int_equal(s.ports[1].port, 81);
	assert_int_equal(s.ports[1].proto, 17);
	assert_true(s.ports[2].v6);
	assert_memory_equal(&s.ports[2].host_ip6, &any, 16);
	assert_memory_equal(&s.ports[2].addr6, &ctr, 16);
	assert_int_equal(s.ports[2].port, 80);
	assert_string_equal(s.ports[2].owner, "aaaa");
}

/* Deleting a v6 element: its key only, in its map. */
static void v6_ports_delete(void **state)
{
	struct net_port p = { .host_port = 9000, .port = 90, .proto = 6, .owner = "x", .v6 = true,
			      .host_ip6 = ip6("fd00:5::1"), .addr6 = ip6("fd00:1::3") };
	struct net_port q = p;
	struct net_nat_batch b;
	struct nat_bctx c;
	struct brig_err e = { 0 };
	unsigned nmsg;
	struct seen s;

	(void)state;
	assert_int_equal(nat_batch_begin(&b, &c, 4, NAT_PORT_ELEM_MAX, 1, &e), 0);
	assert_int_equal(nat_ports_put_elems(&c, NFT_MSG_DELSETELEM, &p, 1), 0);
	assert_int_equal(nat_batch_end(&c, 0, &e), 0);
	s = parse_batch(&b, &nmsg);
	assert_int_equal(s.del_msgs, 1);
	assert_true(s.ports[0].v6);
	assert_memory_equal(&s.ports[0].host_ip6, &p.host_ip6, 16);
	assert_int_equal(s.ports[0].host_port, 9000);
	/* same key in the other family is another key */
	assert_true(net_ports_same_key(&p, &q));
	q.v6 = false;
	assert_false(net_ports_same_key(&p, &q));
}

static void refuses_bad_input(void **state)
{
	struct net_network n = { .name = "x", .bridge = "", .prefix = 24 };
	struct net_nat_batch b;
	struct brig_err e = { 0 };

	(void)state;
	assert_int_equal(net_nat_build(&b, &n, 1, 1, &e), -EINVAL);
	net_nat_batch_free(&b);
	assert_int_equal(net_nat_build(&b, &n, NET_NAT_MAX_NETWORKS + 1, 1, &e), -E2BIG);
	net_nat_batch_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(empty_deletes_table),
		cmocka_unit_test(two_networks),
		cmocka_unit_test(many_networks),
		cmocka_unit_test(no_gateway_network),
		cmocka_unit_test(refuses_bad_input),
		cmocka_unit_test(ports_in_table),
		cmocka_unit_test(ports_change_batch),
		cmocka_unit_test(dual_stack_networks),
		cmocka_unit_test(v6_prefix_masked),
		cmocka_unit_test(v6_ports_in_table),
		cmocka_unit_test(v6_ports_delete),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
