/* test_nat.c - net/nat.c builders: build the batch (no socket), parse every
 * message back with libnftnl and check the table, chains and rules. */
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <setjmp.h>
#include <stdarg.h>
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
	int masq, drop, accept, ct;
	char chains[4][32];
	int rules_post, rules_fwd;
	int newset, set_elems, lookup_inv; /* the set of bridges, its uses */
	char elems[8][16];
};

static void count_exprs(const struct nftnl_rule *r, struct seen *s)
{
	struct nftnl_expr_iter *it = nftnl_expr_iter_create(r);
	struct nftnl_expr *x;

	assert_non_null(it);
	while ((x = nftnl_expr_iter_next(it))) {
		const char *name = nftnl_expr_get_str(x, NFTNL_EXPR_NAME);

		if (strcmp(name, "masq") == 0)
			s->masq++;
		else if (strcmp(name, "ct") == 0)
			s->ct++;
		else if (strcmp(name, "lookup") == 0) {
			assert_string_equal(nftnl_expr_get_str(x, NFTNL_EXPR_LOOKUP_SET), "bridges");
			s->lookup_inv += nftnl_expr_get_u32(x, NFTNL_EXPR_LOOKUP_FLAGS) == NFT_LOOKUP_F_INV;
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
		snprintf(s->chains[s->newchain++ & 3], 32, "%s",
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
		count_exprs(r, s);
		nftnl_rule_free(r);
		s->newrule++;
	} else if (type == NFT_MSG_NEWSET) {
		struct nftnl_set *set = nftnl_set_alloc();

		assert_int_equal(nftnl_set_nlmsg_parse(nlh, set), 0);
		assert_string_equal(nftnl_set_get_str(set, NFTNL_SET_NAME), "bridges");
		assert_int_equal(nftnl_set_get_u32(set, NFTNL_SET_KEY_TYPE), 41); /* ifname */
		assert_int_equal(nftnl_set_get_u32(set, NFTNL_SET_KEY_LEN), 16);
		nftnl_set_free(set);
		s->newset++;
	} else if (type == NFT_MSG_NEWSETELEM) {
		parse_elems(nlh, s);
	} else {
		fail_msg("unexpected message type %u", type);
	}
}

static struct seen build_parse(const struct net_network *nets, size_t count, unsigned *nmsg)
{
	struct net_nat_batch b;
	struct brig_err e = { 0 };
	struct seen s = { 0 };
	const struct nlmsghdr *nlh = NULL;
	int len;

	assert_int_equal(net_nat_build(&b, nets, count, 100, &e), 0);
	assert_true(b.len > 0 && b.len <= b.cap);
	len = (int)b.len;
	nlh = (const struct nlmsghdr *)b.buf;
	while (mnl_nlmsg_ok(nlh, len)) {
		parse_msg(nlh, &s);
		nlh = mnl_nlmsg_next(nlh, &len);
	}
	assert_int_equal(len, 0); /* nothing trailing or torn */
	*nmsg = b.nmsg;
	net_nat_batch_free(&b);
	return s;
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
	assert_int_equal(s.newchain, 2);
	assert_string_equal(s.chains[0], "postrouting");
	assert_string_equal(s.chains[1], "forward");
	assert_int_equal(s.rules_post, 1); /* internal network: no masquerade */
	assert_int_equal(s.masq, 1);
	/* 2 intra + 2 isolation + 2 internal drops + outbound + replies */
	assert_int_equal(s.rules_fwd, 8);
	assert_int_equal(s.drop, 4);
	assert_int_equal(s.accept, 4);
	assert_int_equal(s.ct, 1);
	/* the set names both bridges; masquerade skips every one of them */
	assert_int_equal(s.newset, 1);
	assert_int_equal(s.set_elems, 2);
	assert_string_equal(s.elems[0], "br0");
	assert_string_equal(s.elems[1], "brlab");
	assert_int_equal(s.lookup_inv, 1);
	assert_int_equal(nmsg, 3 + 2 + 2 + 9);
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
	assert_int_equal(s.masq, 1);
	assert_int_equal(s.set_elems, 2);
	assert_string_equal(s.elems[1], "brl2");
	assert_int_equal(s.drop, 4);
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
	assert_int_equal(s.masq, (int)count);
	assert_int_equal(s.rules_fwd, (int)(count + count * (count - 1) + 2 * count));
	assert_int_equal(s.newrule + 7, (int)nmsg);
	assert_int_equal(s.set_elems, (int)count);
	assert_int_equal(s.lookup_inv, (int)count);
	free(nets);
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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
