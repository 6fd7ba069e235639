/* nat.c - brig's one nftables table, "inet brig", built with libnftnl and
 * sent with libmnl as one atomic batch.
 *
 *   table inet brig {
 *     set bridges { type ifname; elements = { every brig bridge } }
 *     chain postrouting { type nat hook postrouting priority srcnat; policy accept; ... }
 *     chain forward { type filter hook forward priority filter; policy accept; ... }
 *   }
 *
 * The table is of family inet, so it sees IPv4 and IPv6 alike: the
 * forward chain's accepts, drops and isolation match interface names and
 * hold for both families; masquerade, hairpin and the port DNAT have a v6
 * twin (ip6 saddr, the "6" maps) for every dual-stack network.
 *
 * Both chains have policy accept: brig changes nothing for traffic that is
 * not its own, and it never reads or writes any other table.  The builders
 * below only fill a buffer; net_nat_commit() is the only place that talks to
 * the kernel. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/rtnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>

#include "cleanup.h"
#include "nat.h"
#include "nat_batch.h"

#define TABLE "brig"
#define FAMILY NFPROTO_INET
#define CHAIN_POST "postrouting"
#define CHAIN_FWD "forward"
#define CHAIN_PRE "prerouting"
#define CHAIN_OUT "output"
#define SET_BRIDGES "bridges"
#define SET_BRIDGES_ID 1
#define TYPE_IFNAME 41 /* nftables' datatype number for "ifname" */
#define BYTEORDER_HOST 1 /* nftables' byteorder of a string key */
#define MSG_MAX 1024 /* room reserved per message; a rule here is < 400 bytes */

/* Close the message just written at the batch's current position. */
void nat_bnext(struct nat_bctx *c)
{
	c->b->nmsg++;
	if (!mnl_nlmsg_batch_next(c->mb))
		c->full = true;
}

char *nat_bcur(struct nat_bctx *c)
{
	return mnl_nlmsg_batch_current(c->mb);
}

void nat_bput_set(struct nat_bctx *c, uint16_t type, struct nftnl_set *s)
{
	uint16_t flags = NLM_F_ACK | (type == NFT_MSG_DELSETELEM ? 0 : NLM_F_CREATE);
	struct nlmsghdr *nlh = nftnl_nlmsg_build_hdr(nat_bcur(c), type, FAMILY, flags, c->seq++);

	if (type == NFT_MSG_NEWSET)
		nftnl_set_nlmsg_build_payload(nlh, s);
	else
		nftnl_set_elems_nlmsg_build_payload(nlh, s);
	nat_bnext(c);
}

/* add table inet brig   (type NFT_MSG_NEWTABLE)
 * delete table inet brig   (type NFT_MSG_DELTABLE) */
static int put_table(struct nat_bctx *c, uint16_t type)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;
	uint16_t flags = NLM_F_ACK | (type == NFT_MSG_NEWTABLE ? NLM_F_CREATE : 0);

	if (!t)
		return -ENOMEM;
	nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, FAMILY);
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, TABLE);
	nlh = nftnl_table_nlmsg_build_hdr(nat_bcur(c), type, FAMILY, flags, c->seq++);
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	nat_bnext(c);
	return 0;
}

/* add chain inet brig <name> { type <type> hook <hook> priority <prio>; policy accept; } */
static int put_chain(struct nat_bctx *c, const char *name, const char *type, uint32_t hook,
		     int32_t prio)
{
	struct nftnl_chain *ch = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

	if (!ch)
		return -ENOMEM;
	nftnl_chain_set_u32(ch, NFTNL_CHAIN_FAMILY, FAMILY);
	nftnl_chain_set_str(ch, NFTNL_CHAIN_TABLE, TABLE);
	nftnl_chain_set_str(ch, NFTNL_CHAIN_NAME, name);
	nftnl_chain_set_str(ch, NFTNL_CHAIN_TYPE, type);
	nftnl_chain_set_u32(ch, NFTNL_CHAIN_HOOKNUM, hook);
	nftnl_chain_set_s32(ch, NFTNL_CHAIN_PRIO, prio);
	nftnl_chain_set_u32(ch, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	nlh = nftnl_chain_nlmsg_build_hdr(nat_bcur(c), NFT_MSG_NEWCHAIN, FAMILY,
					  NLM_F_CREATE | NLM_F_ACK, c->seq++);
	nftnl_chain_nlmsg_build_payload(nlh, ch);
	nftnl_chain_free(ch);
	nat_bnext(c);
	return 0;
}

static struct nftnl_set *bridges_set(void)
{
	struct nftnl_set *s = nftnl_set_alloc();

	if (s) {
		nftnl_set_set_u32(s, NFTNL_SET_FAMILY, FAMILY);
		nftnl_set_set_str(s, NFTNL_SET_TABLE, TABLE);
		nftnl_set_set_str(s, NFTNL_SET_NAME, SET_BRIDGES);
		nftnl_set_set_u32(s, NFTNL_SET_ID, SET_BRIDGES_ID);
	}
	return s;
}

static int set_key_byteorder(struct nftnl_set *s)
{
	struct nftnl_udata_buf *u = nftnl_udata_buf_alloc(64);

	if (!u)
		return -ENOMEM;
	if (!nftnl_udata_put_u32(u, NFTNL_UDATA_SET_KEYBYTEORDER, BYTEORDER_HOST)) {
		nftnl_udata_buf_free(u);
		return -ENOMEM;
	}
	nftnl_set_set_data(s, NFTNL_SET_USERDATA, nftnl_udata_buf_data(u),
			   nftnl_udata_buf_len(u));
	nftnl_udata_buf_free(u);
	return 0;
}

/* add set inet brig bridges { type ifname; }
 * add element inet brig bridges { "<br>", ... }
 * The set names every brig bridge, so that masquerade can leave traffic
 * between brig networks alone (a router container forwards it). */
static int put_bridges_set(struct nat_bctx *c, const struct net_network *nets, size_t count)
{
	struct nftnl_set *s = bridges_set();

	if (!s)
		return -ENOMEM;
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, TYPE_IFNAME);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, IFNAMSIZ);
	/* Tell nft(8) the key is a string in host order, or `nft list`
	 * prints the names byte-swapped (as ""). */
	if (set_key_byteorder(s) < 0) {
		nftnl_set_free(s);
		return -ENOMEM;
	}
	nat_bput_set(c, NFT_MSG_NEWSET, s);
	nftnl_set_free(s);
	if (!(s = bridges_set()))
		return -ENOMEM;
	for (size_t i = 0; i < count; i++) {
		struct nftnl_set_elem *el = nftnl_set_elem_alloc();
		char pad[IFNAMSIZ] = { 0 };

		if (!el) {
			nftnl_set_free(s);
			return -ENOMEM;
		}
		snprintf(pad, sizeof(pad), "%s", nets[i].bridge);
		nftnl_set_elem_set(el, NFTNL_SET_ELEM_KEY, pad, sizeof(pad));
		nftnl_set_elem_add(s, el);
	}
	nat_bput_set(c, NFT_MSG_NEWSETELEM, s);
	nftnl_set_free(s);
	return 0;
}

/* ---- expressions: each appends one to r; false when out of memory ---- */

static bool x_add(struct nftnl_rule *r, struct nftnl_expr *x)
{
	if (!x)
		return false;
	nftnl_rule_add_expr(r, x); /* r owns x */
	return true;
}

/* meta <key> -> reg1 */
static bool x_meta(struct nftnl_rule *r, uint32_t key)
{
	struct nftnl_expr *x = nftnl_expr_alloc("meta");

	if (x) {
		nftnl_expr_set_u32(x, NFTNL_EXPR_META_KEY, key);
		nftnl_expr_set_u32(x, NFTNL_EXPR_META_DREG, NFT_REG_1);
	}
	return x_add(r, x);
}

/* reg1 <op> data */
static bool x_cmp(struct nftnl_rule *r, uint32_t op, const void *data, uint32_t len)
{
	struct nftnl_expr *x = nftnl_expr_alloc("cmp");

	if (x) {
		nftnl_expr_set_u32(x, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
		nftnl_expr_set_u32(x, NFTNL_EXPR_CMP_OP, op);
		nftnl_expr_set(x, NFTNL_EXPR_CMP_DATA, data, len);
	}
	return x_add(r, x);
}

/* reg1 = reg1 & mask (len bytes) */
static bool x_and(struct nftnl_rule *r, const void *mask, uint32_t len)
{
	static const uint8_t zero[16];
	struct nftnl_expr *x = nftnl_expr_alloc("bitwise");

	if (x) {
		nftnl_expr_set_u32(x, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
		nftnl_expr_set_u32(x, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
		nftnl_expr_set_u32(x, NFTNL_EXPR_BITWISE_LEN, len);
		nftnl_expr_set(x, NFTNL_EXPR_BITWISE_MASK, mask, len);
		nftnl_expr_set(x, NFTNL_EXPR_BITWISE_XOR, zero, len);
	}
	return x_add(r, x);
}

/* iifname/oifname <op> "name" (meta key IIFNAME or OIFNAME) */
static bool x_ifname(struct nftnl_rule *r, uint32_t key, uint32_t op, const char *name)
{
	char pad[IFNAMSIZ] = { 0 };

	snprintf(pad, sizeof(pad), "%s", name);
	return x_meta(r, key) && x_cmp(r, op, pad, sizeof(pad));
}

/* iifname/oifname (meta key) [!=] @bridges */
static bool x_if_bridges(struct nftnl_rule *r, uint32_t key, bool inv)
{
	struct nftnl_expr *x;

	if (!x_meta(r, key))
		return false;
	x = nftnl_expr_alloc("lookup");
	if (x) {
		nftnl_expr_set_u32(x, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
		nftnl_expr_set_str(x, NFTNL_EXPR_LOOKUP_SET, SET_BRIDGES);
		nftnl_expr_set_u32(x, NFTNL_EXPR_LOOKUP_SET_ID, SET_BRIDGES_ID);
		if (inv)
			nftnl_expr_set_u32(x, NFTNL_EXPR_LOOKUP_FLAGS, NFT_LOOKUP_F_INV);
	}
	return x_add(r, x);
}

/* oifname != @bridges */
static bool x_oif_not_bridge(struct nftnl_rule *r)
{
	return x_if_bridges(r, NFT_META_OIFNAME, true);
}

/* payload <base> + off, len bytes -> reg */
static bool x_load(struct nftnl_rule *r, uint32_t base, uint32_t off, uint32_t len, uint32_t reg)
{
	struct nftnl_expr *x = nftnl_expr_alloc("payload");

	if (x) {
		nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_DREG, reg);
		nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_BASE, base);
		nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_OFFSET, off);
		nftnl_expr_set_u32(x, NFTNL_EXPR_PAYLOAD_LEN, len);
	}
	return x_add(r, x);
}

/* meta nfproto ipv4 */
static bool x_ipv4(struct nftnl_rule *r)
{
	uint8_t ipv4 = NFPROTO_IPV4;

	return x_meta(r, NFT_META_NFPROTO) && x_cmp(r, NFT_CMP_EQ, &ipv4, 1);
}

/* ip saddr|daddr addr/prefix: meta nfproto ipv4, then the network
 * header's address at off (12: source, 16: destination) masked and
 * compared. */
static bool x_addr(struct nftnl_rule *r, uint32_t off, uint32_t addr, int prefix)
{
	uint32_t mask = htonl(prefix <= 0 ? 0 : 0xffffffffu << (32 - prefix));
	uint32_t net = htonl(addr) & mask;

	return x_ipv4(r) && x_load(r, NFT_PAYLOAD_NETWORK_HEADER, off, 4, NFT_REG_1) &&
	       x_and(r, &mask, 4) && x_cmp(r, NFT_CMP_EQ, &net, 4);
}

static bool x_saddr(struct nftnl_rule *r, uint32_t addr, int prefix)
{
	return x_addr(r, 12, addr, prefix);
}

/* meta nfproto ipv6 */
static bool x_ipv6(struct nftnl_rule *r)
{
	uint8_t ipv6 = NFPROTO_IPV6;

	return x_meta(r, NFT_META_NFPROTO) && x_cmp(r, NFT_CMP_EQ, &ipv6, 1);
}

/* ip6 saddr addr/prefix: meta nfproto ipv6, then the 16 bytes of the
 * source address (offset 8 of the IPv6 header) masked and compared. */
static bool x_saddr6(struct nftnl_rule *r, const struct in6_addr *addr, int prefix)
{
	uint8_t mask[16] = { 0 }, net[16];

	for (int i = 0; i < 16; i++) {
		int bits = prefix - 8 * i;
		mask[i] = bits >= 8 ? 0xff : bits <= 0 ? 0 : (uint8_t)(0xff << (8 - bits));
		net[i] = addr->s6_addr[i] & mask[i];
	}
	return x_ipv6(r) && x_load(r, NFT_PAYLOAD_NETWORK_HEADER, 8, 16, NFT_REG_1) &&
	       x_and(r, mask, 16) && x_cmp(r, NFT_CMP_EQ, net, 16);
}

/* ct KEY & bits != 0 (KEY: NFT_CT_STATE, NFT_CT_STATUS) */
static bool x_ct_any(struct nftnl_rule *r, uint32_t key, uint32_t bits)
{
	uint32_t zero = 0;
	struct nftnl_expr *x = nftnl_expr_alloc("ct");

	if (x) {
		nftnl_expr_set_u32(x, NFTNL_EXPR_CT_KEY, key);
		nftnl_expr_set_u32(x, NFTNL_EXPR_CT_DREG, NFT_REG_1);
	}
	return x_add(r, x) && x_and(r, &bits, 4) && x_cmp(r, NFT_CMP_NEQ, &zero, 4);
}

/* ct state established,related */
static bool x_ct_established(struct nftnl_rule *r)
{
	return x_ct_any(r, NFT_CT_STATE,
			NF_CT_STATE_BIT(IP_CT_ESTABLISHED) | NF_CT_STATE_BIT(IP_CT_RELATED));
}

/* accept / drop */
static bool x_verdict(struct nftnl_rule *r, int verdict)
{
	struct nftnl_expr *x = nftnl_expr_alloc("immediate");

	if (x) {
		nftnl_expr_set_u32(x, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
		nftnl_expr_set_u32(x, NFTNL_EXPR_IMM_VERDICT, (uint32_t)verdict);
	}
	return x_add(r, x);
}

static bool x_masq(struct nftnl_rule *r)
{
	return x_add(r, nftnl_expr_alloc("masq"));
}

/* ---- rules: allocate, let fill() add expressions, emit NFT_MSG_NEWRULE ---- */

static struct nftnl_rule *rule_new(const char *chain)
{
	struct nftnl_rule *r = nftnl_rule_alloc();

	if (r) {
		nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, FAMILY);
		nftnl_rule_set_str(r, NFTNL_RULE_TABLE, TABLE);
		nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	}
	return r;
}

/* Append rule r (built, or NULL after a failed allocation) to the batch. */
static int rule_put(struct nat_bctx *c, struct nftnl_rule *r, bool ok)
{
	struct nlmsghdr *nlh;

	if (!r || !ok) {
		if (r)
			nftnl_rule_free(r);
		return -ENOMEM;
	}
	nlh = nftnl_rule_nlmsg_build_hdr(nat_bcur(c), NFT_MSG_NEWRULE, FAMILY,
					 NLM_F_CREATE | NLM_F_APPEND | NLM_F_ACK, c->seq++);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	nat_bnext(c);
	return 0;
}

/* add rule inet brig postrouting ip saddr <subnet>/<prefix> oifname != @bridges masquerade
 * Only traffic leaving through an interface that is not a brig bridge is
 * rewritten: between brig networks (through a router container, and with
 * br_netfilter passing bridged frames through this hook) addresses stay. */
static int rule_masq(struct nat_bctx *c, const struct net_network *n)
{
	struct nftnl_rule *r = rule_new(CHAIN_POST);

	return rule_put(c, r,
			r && x_saddr(r, n->subnet, n->prefix) && x_oif_not_bridge(r) && x_masq(r));
}

/* add rule inet brig postrouting ip6 saddr <subnet6>/<prefix6> oifname != @bridges masquerade
 * The same for a dual-stack network's IPv6 subnet: the uplink sees the
 * host's own IPv6 address. */
static int rule_masq6(struct nat_bctx *c, const struct net_network *n)
{
	struct nftnl_rule *r = rule_new(CHAIN_POST);

	return rule_put(c, r,
			r && x_saddr6(r, &n->subnet6, n->prefix6) && x_oif_not_bridge(r) &&
				x_masq(r));
}

/* Whether network n is masqueraded (v4, and with ipv6 its v6 subnet). */
static bool nat_out(const struct net_network *n)
{
	return !n->internal && !n->no_gateway;
}

/* add rule inet brig forward iifname "<in>" oifname "<out>" <accept|drop>
 * (in or out NULL leaves that match out) */
static int rule_iif_oif(struct nat_bctx *c, const char *in, const char *out, int verdict)
{
	struct nftnl_rule *r = rule_new(CHAIN_FWD);
	bool ok = r != NULL;

	if (ok && in)
		ok = x_ifname(r, NFT_META_IIFNAME, NFT_CMP_EQ, in);
	if (ok && out)
		ok = x_ifname(r, NFT_META_OIFNAME, NFT_CMP_EQ, out);
	return rule_put(c, r, ok && x_verdict(r, verdict));
}

/* add rule inet brig forward oifname "<br>" ct state established,related accept */
static int rule_replies(struct nat_bctx *c, const char *br)
{
	struct nftnl_rule *r = rule_new(CHAIN_FWD);

	return rule_put(c, r,
			r && x_ifname(r, NFT_META_OIFNAME, NFT_CMP_EQ, br) && x_ct_established(r) &&
				x_verdict(r, NF_ACCEPT));
}

/* The forward chain, in order: intra-bridge accepts, isolation drops
 * between every pair of brig networks, then per network either the
 * internal drops or the outbound/replies accepts. */
static int forward_rules(struct nat_bctx *c, const struct net_network *nets, size_t count)
{
	int r = 0;

	for (size_t i = 0; i < count && r == 0; i++)
		r = rule_iif_oif(c, nets[i].bridge, nets[i].bridge, NF_ACCEPT);
	for (size_t i = 0; i < count && r == 0; i++)
		for (size_t j = 0; j < count && r == 0; j++)
			if (i != j && strcmp(nets[i].bridge, nets[j].bridge) != 0)
				r = rule_iif_oif(c, nets[i].bridge, nets[j].bridge, NF_DROP);
	for (size_t i = 0; i < count && r == 0; i++) {
		const char *br = nets[i].bridge;

		if (nets[i].internal || nets[i].no_gateway) {
			r = rule_iif_oif(c, br, NULL, NF_DROP);
			if (r == 0)
				r = rule_iif_oif(c, NULL, br, NF_DROP);
		} else {
			r = rule_iif_oif(c, br, NULL, NF_ACCEPT);
			if (r == 0)
				r = rule_replies(c, br);
		}
	}
	return r;
}

/* ---- published ports (the maps and their elements: ports.c) ---- */

#define LOOPBACK_NET 0x7f000000u /* 127.0.0.0/8 */

/* fib daddr type local */
static bool x_fib_local(struct nftnl_rule *r)
{
	uint32_t local = RTN_LOCAL;
	struct nftnl_expr *x = nftnl_expr_alloc("fib");

	if (x) {
		nftnl_expr_set_u32(x, NFTNL_EXPR_FIB_DREG, NFT_REG_1);
		nftnl_expr_set_u32(x, NFTNL_EXPR_FIB_RESULT, NFT_FIB_RESULT_ADDRTYPE);
		nftnl_expr_set_u32(x, NFTNL_EXPR_FIB_FLAGS, NFTA_FIB_F_DADDR);
	}
	return x_add(r, x) && x_cmp(r, NFT_CMP_EQ, &local, 4);
}

/* ct status dnat */
static bool x_ct_dnat(struct nftnl_rule *r)
{
	return x_ct_any(r, NFT_CT_STATUS, IPS_DST_NAT);
}

/* [ip daddr .] meta l4proto . th dport (v6: [ip6 daddr .] ...): each
 * field in whole 32-bit registers from NFT_REG32_00 on, as the maps'
 * keys are laid out (an IPv6 address takes four). */
static bool x_port_key(struct nftnl_rule *r, bool v6, bool with_addr)
{
	uint32_t reg = NFT_REG32_00;
	struct nftnl_expr *x;

	if (with_addr && !x_load(r, NFT_PAYLOAD_NETWORK_HEADER, v6 ? 24 : 16, v6 ? 16 : 4, reg))
		return false;
	if (with_addr)
		reg += v6 ? 4 : 1;
	x = nftnl_expr_alloc("meta");
	if (x) {
		nftnl_expr_set_u32(x, NFTNL_EXPR_META_KEY, NFT_META_L4PROTO);
		nftnl_expr_set_u32(x, NFTNL_EXPR_META_DREG, reg++);
	}
	return x_add(r, x) && x_load(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, reg);
}

/* dnat ip|ip6 to <key> map @set: the lookup leaves the address in
 * NFT_REG32_00 (to _03 for IPv6) and the port in the register after it. */
static bool x_dnat_map(struct nftnl_rule *r, bool v6, const char *set, uint32_t set_id)
{
	struct nftnl_expr *x = nftnl_expr_alloc("lookup");

	if (x) {
		nftnl_expr_set_u32(x, NFTNL_EXPR_LOOKUP_SREG, NFT_REG32_00);
		nftnl_expr_set_u32(x, NFTNL_EXPR_LOOKUP_DREG, NFT_REG32_00);
		nftnl_expr_set_str(x, NFTNL_EXPR_LOOKUP_SET, set);
		nftnl_expr_set_u32(x, NFTNL_EXPR_LOOKUP_SET_ID, set_id);
	}
	if (!x_add(r, x) || !(x = nftnl_expr_alloc("nat")))
		return false;
	nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_TYPE, NFT_NAT_DNAT);
	nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_FAMILY, v6 ? NFPROTO_IPV6 : NFPROTO_IPV4);
	nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFT_REG32_00);
	nftnl_expr_set_u32(x, NFTNL_EXPR_NAT_REG_PROTO_MIN, v6 ? NFT_REG32_04 : NFT_REG32_01);
	return x_add(r, x);
}

/* add rule inet brig prerouting iifname != "lo" ip daddr 127.0.0.0/8 drop
 * A port published on 127.0.0.1 must never be reached from another
 * machine (moby#45610): a packet to 127.0.0.0/8 that did not come from
 * the host itself is dropped before the maps could translate it. */
static int rule_guard(struct nat_bctx *c)
{
	struct nftnl_rule *r = rule_new(CHAIN_PRE);

	return rule_put(c, r,
			r && x_ifname(r, NFT_META_IIFNAME, NFT_CMP_NEQ, "lo") &&
				x_addr(r, 16, LOOPBACK_NET, 8) && x_verdict(r, NF_DROP));
}

/* add rule inet brig <chain> meta nfproto ipv4 dnat ip to ip daddr . meta l4proto . th dport map @ports_addr
 * add rule inet brig <chain> meta nfproto ipv4 fib daddr type local dnat ip to meta l4proto . th dport map @ports_any
 * and with v6 the same for IPv6 (ip6 daddr, dnat ip6, @ports_addr6,
 * @ports_any6).  Ports published on one address first, then those on
 * every local address.  Containers come and go as elements of the maps:
 * these rules never change. */
static int rules_dnat(struct nat_bctx *c, const char *chain, bool v6)
{
	struct nftnl_rule *r = rule_new(chain);

	if (rule_put(c, r,
		     r && (v6 ? x_ipv6(r) : x_ipv4(r)) && x_port_key(r, v6, true) &&
			     x_dnat_map(r, v6, v6 ? NAT_SET_PORTS_ADDR6 : NAT_SET_PORTS_ADDR,
					v6 ? NAT_SET_PORTS_ADDR6_ID : NAT_SET_PORTS_ADDR_ID)) < 0)
		return -ENOMEM;
	r = rule_new(chain);
	return rule_put(c, r,
			r && (v6 ? x_ipv6(r) : x_ipv4(r)) && x_fib_local(r) &&
				x_port_key(r, v6, false) &&
				x_dnat_map(r, v6, v6 ? NAT_SET_PORTS_ANY6 : NAT_SET_PORTS_ANY,
					   v6 ? NAT_SET_PORTS_ANY6_ID : NAT_SET_PORTS_ANY_ID));
}

/* add rule inet brig postrouting ip saddr 127.0.0.0/8 oifname @bridges masquerade
 * The host's own connection to 127.0.0.1:PORT, translated to a
 * container, leaves with the bridge's address (route_localnet on the
 * bridge lets it out at all; the container could not answer 127.0.0.1). */
static int rule_masq_loopback(struct nat_bctx *c)
{
	struct nftnl_rule *r = rule_new(CHAIN_POST);

	return rule_put(c, r,
			r && x_saddr(r, LOOPBACK_NET, 8) &&
				x_if_bridges(r, NFT_META_OIFNAME, false) && x_masq(r));
}

/* add rule inet brig postrouting ip saddr <subnet>/<prefix> oifname @bridges ct status dnat masquerade
 * Hairpin: a container reaching a published port through a host address
 * is translated back onto a bridge; without this the answer would go
 * straight back over the bridge from an address the asker never called. */
static int rule_hairpin(struct nat_bctx *c, const struct net_network *n)
{
	struct nftnl_rule *r = rule_new(CHAIN_POST);

	return rule_put(c, r,
			r && x_saddr(r, n->subnet, n->prefix) &&
				x_if_bridges(r, NFT_META_OIFNAME, false) && x_ct_dnat(r) && x_masq(r));
}

/* add rule inet brig postrouting ip6 saddr <subnet6>/<prefix6> oifname @bridges ct status dnat masquerade */
static int rule_hairpin6(struct nat_bctx *c, const struct net_network *n)
{
	struct nftnl_rule *r = rule_new(CHAIN_POST);

	return rule_put(c, r,
			r && x_saddr6(r, &n->subnet6, n->prefix6) &&
				x_if_bridges(r, NFT_META_OIFNAME, false) && x_ct_dnat(r) && x_masq(r));
}

static int port_rules(struct nat_bctx *c, const struct net_network *nets, size_t count)
{
	int r;

	/* IPv6 has no guard: the kernel never routes ::1 off the host, so
	 * no port is published on it (portspec.c refuses [::1]) */
	if ((r = rule_guard(c)) < 0 || (r = rules_dnat(c, CHAIN_PRE, false)) < 0 ||
	    (r = rules_dnat(c, CHAIN_OUT, false)) < 0 || (r = rules_dnat(c, CHAIN_PRE, true)) < 0 ||
	    (r = rules_dnat(c, CHAIN_OUT, true)) < 0 || (r = rule_masq_loopback(c)) < 0)
		return r;
	for (size_t i = 0; i < count; i++) {
		if (nat_out(&nets[i]) && (r = rule_hairpin(c, &nets[i])) < 0)
			return r;
		if (nat_out(&nets[i]) && nets[i].ipv6 && (r = rule_hairpin6(c, &nets[i])) < 0)
			return r;
	}
	return 0;
}

static int build_all(struct nat_bctx *c, const struct net_network *nets, size_t count,
		     const struct net_port *ports, size_t n_ports)
{
	int r;

	/* "add" first so that "delete" never fails on a missing table; the
	 * kernel applies the whole batch or none of it. */
	if ((r = put_table(c, NFT_MSG_NEWTABLE)) < 0 || (r = put_table(c, NFT_MSG_DELTABLE)) < 0)
		return r;
	if (count == 0)
		return 0;
	if ((r = put_table(c, NFT_MSG_NEWTABLE)) < 0 ||
	    (r = put_chain(c, CHAIN_POST, "nat", NF_INET_POST_ROUTING, NF_IP_PRI_NAT_SRC)) < 0 ||
	    (r = put_chain(c, CHAIN_FWD, "filter", NF_INET_FORWARD, NF_IP_PRI_FILTER)) < 0 ||
	    (r = put_chain(c, CHAIN_PRE, "nat", NF_INET_PRE_ROUTING, NF_IP_PRI_NAT_DST)) < 0 ||
	    (r = put_chain(c, CHAIN_OUT, "nat", NF_INET_LOCAL_OUT, NF_IP_PRI_NAT_DST)) < 0 ||
	    (r = put_bridges_set(c, nets, count)) < 0 || (r = nat_ports_put_maps(c)) < 0 ||
	    (r = nat_ports_put_elems(c, NFT_MSG_NEWSETELEM, ports, n_ports)) < 0)
		return r;
	for (size_t i = 0; i < count; i++) {
		if (nat_out(&nets[i]) && (r = rule_masq(c, &nets[i])) < 0)
			return r;
		if (nat_out(&nets[i]) && nets[i].ipv6 && (r = rule_masq6(c, &nets[i])) < 0)
			return r;
	}
	if ((r = port_rules(c, nets, count)) < 0)
		return r;
	return forward_rules(c, nets, count);
}

/* BATCH_BEGIN and BATCH_END take no ack: not counted in nmsg. */
static void put_bound(struct nat_bctx *c, bool begin)
{
	if (begin)
		nftnl_batch_begin(nat_bcur(c), c->seq++);
	else
		nftnl_batch_end(nat_bcur(c), c->seq++);
	if (!mnl_nlmsg_batch_next(c->mb))
		c->full = true;
}

int nat_batch_begin(struct net_nat_batch *b, struct nat_bctx *c, size_t nmsg, size_t extra,
		    uint32_t seq, struct brig_err *e)
{
	memset(b, 0, sizeof(*b));
	memset(c, 0, sizeof(*c));
	c->b = b;
	c->seq = seq;
	/* Begin/end plus one spare slot: mnl lets the last message pass the
	 * limit, and reports it as overflow instead of writing past cap. */
	b->cap = (nmsg + 3) * MSG_MAX + extra;
	b->buf = calloc(1, b->cap);
	if (!b->buf)
		return brig_errf(e, ENOMEM, "nftables: allocate %zu byte batch", b->cap);
	c->mb = mnl_nlmsg_batch_start(b->buf, b->cap - MSG_MAX);
	if (!c->mb)
		return brig_errf(e, ENOMEM, "nftables: start batch");
	put_bound(c, true);
	return 0;
}

int nat_batch_end(struct nat_bctx *c, int r, struct brig_err *e)
{
	if (r == 0)
		put_bound(c, false);
	c->b->len = mnl_nlmsg_batch_size(c->mb);
	mnl_nlmsg_batch_stop(c->mb);
	if (r < 0)
		return brig_errf(e, -r, "nftables: build batch: out of memory");
	if (c->full)
		return brig_errf(e, E2BIG, "nftables: batch larger than %zu bytes", c->b->cap);
	return 0;
}

int net_nat_build_ports(struct net_nat_batch *b, const struct net_network *nets, size_t count,
			const struct net_port *ports, size_t n_ports, uint32_t seq,
			struct brig_err *e)
{
	struct nat_bctx c;
	size_t nmsg = 30 + 7 * count + count * count; /* upper bound */

	memset(b, 0, sizeof(*b));
	if (count > NET_NAT_MAX_NETWORKS)
		return brig_errf(e, E2BIG, "nftables: %zu networks, at most %d supported", count,
				 NET_NAT_MAX_NETWORKS);
	for (size_t i = 0; i < count; i++)
		if (!*nets[i].bridge || strlen(nets[i].bridge) >= IFNAMSIZ ||
		    nets[i].prefix < 0 || nets[i].prefix > 32 ||
		    (nets[i].ipv6 && (nets[i].prefix6 < 0 || nets[i].prefix6 > 128)))
			return brig_errf(e, EINVAL, "nftables: network %s: invalid bridge or prefix",
					 nets[i].name);
	/* + the bridges' and the ports' elements */
	if (nat_batch_begin(b, &c, nmsg, count * 64 + n_ports * NAT_PORT_ELEM_MAX, seq, e) < 0)
		return -e->code;
	return nat_batch_end(&c, build_all(&c, nets, count, ports, n_ports), e);
}

int net_nat_build(struct net_nat_batch *b, const struct net_network *nets, size_t count,
		  uint32_t seq, struct brig_err *e)
{
	return net_nat_build_ports(b, nets, count, NULL, 0, seq, e);
}

void net_nat_batch_free(struct net_nat_batch *b)
{
	free(b->buf);
	b->buf = NULL;
	b->len = 0;
}

/* ---- the socket side ---- */

void nat_close(struct mnl_socket **nl)
{
	if (*nl)
		mnl_socket_close(*nl);
	*nl = NULL;
}
#define cleanup_mnl __attribute__((cleanup(nat_close)))

/* Ack bookkeeping while draining: count, and the first error kept. */
struct acks {
	unsigned n;
	int err;
	uint16_t type;
	char ext[256];
};

static int on_ack(const struct nlmsghdr *nlh, void *data)
{
	struct acks *a = data;
	const struct nlmsgerr *err = mnl_nlmsg_get_payload(nlh);
	size_t off = MNL_ALIGN(sizeof(*err));
	const struct nlattr *attr;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*err)))
		return MNL_CB_OK;
	a->n++;
	if (err->error == 0 || a->err)
		return MNL_CB_OK;
	a->err = -err->error;
	a->type = NFNL_MSG_TYPE(err->msg.nlmsg_type);
	/* NETLINK_CAP_ACK is on, so the TLVs follow the bare nlmsgerr. */
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || nlh->nlmsg_len <= MNL_NLMSG_HDRLEN + off)
		return MNL_CB_OK;
	mnl_attr_for_each_payload((const void *)((const char *)err + off),
				  nlh->nlmsg_len - MNL_NLMSG_HDRLEN - off) {
		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			snprintf(a->ext, sizeof(a->ext), "%s", mnl_attr_get_str(attr));
	}
	return MNL_CB_OK;
}

/* Open a NETLINK_NETFILTER socket with ext acks, capped acks, and buffers
 * large enough for len bytes of batch and its acks. */
int nat_open(struct mnl_socket **out, size_t len, struct brig_err *e)
{
	int one = 1, sz = len > (1 << 20) ? (int)(len * 2) : (2 << 20);
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);

	if (!nl)
		return brig_errno(e, "nftables: open netlink socket");
	*out = nl;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0)
		return brig_errno(e, "nftables: bind netlink socket");
	if (mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one)) < 0 ||
	    mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one)) < 0)
		return brig_errno(e, "nftables: enable extended acks");
	/* The FORCE variants need CAP_NET_ADMIN, which changing nftables
	 * needs anyway; fall back to the capped ones otherwise. */
	if (setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz)) < 0 &&
	    setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz)) < 0)
		return brig_errno(e, "nftables: set send buffer");
	if (setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0 &&
	    setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz)) < 0)
		return brig_errno(e, "nftables: set receive buffer");
	return 0;
}

static const char *msg_name(uint16_t type)
{
	switch (type) {
	case NFT_MSG_NEWTABLE: return "add table";
	case NFT_MSG_DELTABLE: return "delete table";
	case NFT_MSG_NEWCHAIN: return "add chain";
	case NFT_MSG_NEWRULE: return "add rule";
	case NFT_MSG_NEWSET: return "add set";
	case NFT_MSG_NEWSETELEM: return "add set element";
	case NFT_MSG_DELSETELEM: return "delete set element";
	default: return "request";
	}
}

int net_nat_commit(const struct net_nat_batch *b, struct brig_err *e)
{
	cleanup_mnl struct mnl_socket *nl = NULL;
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = { [NLMSG_ERROR] = on_ack };
	struct acks a = { 0 };
	char buf[16384];
	ssize_t n;

	if (nat_open(&nl, b->len, e) < 0)
		return -e->code;
	if (mnl_socket_sendto(nl, b->buf, b->len) < 0)
		return brig_errno(e, "nftables: send batch of %zu bytes", b->len);
	/* nfnetlink processes a batch synchronously inside sendmsg(), so every
	 * ack is already queued: drain without blocking until none is left. */
	for (;;) {
		n = recv(mnl_socket_get_fd(nl), buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n < 0)
			return brig_errno(e, "nftables: read acks");
		if (mnl_cb_run2(buf, (size_t)n, 0, mnl_socket_get_portid(nl), NULL, &a, ctl,
				NLMSG_MIN_TYPE) < 0)
			return brig_errno(e, "nftables: parse acks");
	}
	if (a.err && a.ext[0])
		return brig_errf(e, a.err, "nftables: %s in table inet %s: %s: %s",
				 msg_name(a.type), TABLE, strerror(a.err), a.ext);
	if (a.err)
		return brig_errf(e, a.err, "nftables: %s in table inet %s: %s", msg_name(a.type),
				 TABLE, strerror(a.err));
	if (a.n < b->nmsg)
		return brig_errf(e, EIO, "nftables: only %u of %u requests acknowledged", a.n,
				 b->nmsg);
	return 0;
}

int net_nat_apply(const struct net_network *nets, size_t count, struct brig_err *e)
{
	return net_nat_apply_ports(nets, count, NULL, 0, e);
}

int net_nat_apply_ports(const struct net_network *nets, size_t count, const struct net_port *ports,
			size_t n_ports, struct brig_err *e)
{
	struct net_nat_batch b;
	int r;

	r = net_nat_build_ports(&b, nets, count, ports, n_ports, (uint32_t)time(NULL), e);
	if (r == 0)
		r = net_nat_commit(&b, e);
	net_nat_batch_free(&b);
	return r;
}

/* ---- net_nat_check: read-only requests ---- */

static int count_msg(const struct nlmsghdr *nlh, void *data)
{
	(void)nlh;
	(*(unsigned *)data)++;
	return MNL_CB_OK;
}

/* Send one request and read replies until its ack or NLMSG_DONE; every
 * reply message goes to cb.  Returns 0 or -errno (kernel or socket). */
int nat_talk(struct mnl_socket *nl, struct nlmsghdr *req, mnl_cb_t cb, void *data)
{
	char buf[16384];
	uint32_t port = mnl_socket_get_portid(nl);
	ssize_t n;
	int r;

	if (mnl_socket_sendto(nl, req, req->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0)
			return -errno;
		r = mnl_cb_run(buf, (size_t)n, req->nlmsg_seq, port, cb, data);
	} while (r > MNL_CB_STOP);
	return r < 0 ? -errno : 0;
}

/* list chain inet brig <name>: 0 when present, -ENOENT when it (or the
 * table) is absent. */
static int chain_get(struct mnl_socket *nl, const char *name)
{
	char buf[8192];
	struct nftnl_chain *ch = nftnl_chain_alloc();
	struct nlmsghdr *nlh;
	unsigned n = 0;

	if (!ch)
		return -ENOMEM;
	nftnl_chain_set_str(ch, NFTNL_CHAIN_TABLE, TABLE);
	nftnl_chain_set_str(ch, NFTNL_CHAIN_NAME, name);
	nlh = nftnl_chain_nlmsg_build_hdr(buf, NFT_MSG_GETCHAIN, FAMILY, NLM_F_ACK, 1);
	nftnl_chain_nlmsg_build_payload(nlh, ch);
	nftnl_chain_free(ch);
	return nat_talk(nl, nlh, count_msg, &n);
}

/* get set inet brig <name>: 0 when present, -ENOENT when absent. */
static int set_get(struct mnl_socket *nl, const char *name)
{
	char buf[8192];
	struct nftnl_set *st = nftnl_set_alloc();
	struct nlmsghdr *nlh;
	unsigned n = 0;

	if (!st)
		return -ENOMEM;
	nftnl_set_set_str(st, NFTNL_SET_TABLE, TABLE);
	nftnl_set_set_str(st, NFTNL_SET_NAME, name);
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETSET, FAMILY, NLM_F_ACK, 1);
	nftnl_set_nlmsg_build_payload(nlh, st);
	nftnl_set_free(st);
	return nat_talk(nl, nlh, count_msg, &n);
}

/* Number of rules in chain inet brig <name> (a filtered dump). */
static int rule_count(struct mnl_socket *nl, const char *name, unsigned *n)
{
	char buf[8192];
	struct nftnl_rule *r = rule_new(name);
	struct nlmsghdr *nlh;

	if (!r)
		return -ENOMEM;
	nlh = nftnl_rule_nlmsg_build_hdr(buf, NFT_MSG_GETRULE, FAMILY, NLM_F_DUMP, 2);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	*n = 0;
	return nat_talk(nl, nlh, count_msg, n);
}

int net_nat_check(bool *intact, struct brig_err *e)
{
	cleanup_mnl struct mnl_socket *nl = NULL;
	static const char *const chains[] = { CHAIN_POST, CHAIN_FWD, CHAIN_PRE, CHAIN_OUT };
	unsigned rules = 0;
	int r;

	*intact = false;
	if (nat_open(&nl, 0, e) < 0)
		return -e->code;
	for (size_t i = 0; i < ARRAY_SIZE(chains); i++) {
		r = chain_get(nl, chains[i]);
		if (r == -ENOENT)
			return 0;
		if (r < 0)
			return brig_errf(e, -r, "nftables: list chain inet %s %s: %s", TABLE,
					 chains[i], strerror(-r));
	}
	/* A table of a brig before IPv6 ports lacks their maps: rebuilt too. */
	r = set_get(nl, NAT_SET_PORTS_ANY6);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return brig_errf(e, -r, "nftables: list set inet %s %s: %s", TABLE,
				 NAT_SET_PORTS_ANY6, strerror(-r));
	/* Every network adds rules to forward: an empty one was flushed. */
	r = rule_count(nl, CHAIN_FWD, &rules);
	if (r < 0 && r != -ENOENT)
		return brig_errf(e, -r, "nftables: list rules of inet %s %s: %s", TABLE, CHAIN_FWD,
				 strerror(-r));
	*intact = r == 0 && rules > 0;
	return 0;
}
