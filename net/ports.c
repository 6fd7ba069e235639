/* ports.c - the published ports' maps in table inet brig, and their
 * elements (see ports.h):
 *
 *   map ports_addr  { type ipv4_addr . inet_proto . inet_service : ipv4_addr . inet_service }
 *   map ports_any   { type inet_proto . inet_service : ipv4_addr . inet_service }
 *   map ports_addr6 { type ipv6_addr . inet_proto . inet_service : ipv6_addr . inet_service }
 *   map ports_any6  { type inet_proto . inet_service : ipv6_addr . inet_service }
 *
 * ports_addr holds ports published on one host address (-p
 * 127.0.0.1:8081:80), ports_any those on every local address (-p
 * 8080:80); the "6" maps are the same for IPv6 (-p [fd00::1]:8081:80,
 * -p [::]:8080:80, and -p 8080:80 of a container with an IPv6 address).
 * The rules that look them up are nat.c's.  Every element carries its
 * container's id as a comment, so brig deletes exactly the elements of a
 * container, found in the kernel, whatever its record says. */
#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <libnftnl/set.h>
#include <libnftnl/udata.h>

#include "cleanup.h"
#include "nat_batch.h"
#include "ports.h"

#define TABLE "brig"
#define FAMILY NFPROTO_INET
/* nftables' datatype numbers, and how it names a concatenation */
#define TYPE_IPADDR 7
#define TYPE_IP6ADDR 8
#define TYPE_INET_PROTOCOL 12
#define TYPE_INET_SERVICE 13
#define CONCAT(a, b) (((a) << 6) | (b))
#define ELEMS_PER_MSG 64
#define KEY_MAX 24  /* ipv6_addr . inet_proto . inet_service */
#define DATA_MAX 20 /* ipv6_addr . inet_service */

/* The four maps, in the order they are made and listed. */
enum port_map { MAP_ADDR, MAP_ANY, MAP_ADDR6, MAP_ANY6, MAP_COUNT };

static const struct {
	const char *name;
	uint32_t id;
	bool any, v6;
} maps[MAP_COUNT] = {
	[MAP_ADDR] = { NAT_SET_PORTS_ADDR, NAT_SET_PORTS_ADDR_ID, false, false },
	[MAP_ANY] = { NAT_SET_PORTS_ANY, NAT_SET_PORTS_ANY_ID, true, false },
	[MAP_ADDR6] = { NAT_SET_PORTS_ADDR6, NAT_SET_PORTS_ADDR6_ID, false, true },
	[MAP_ANY6] = { NAT_SET_PORTS_ANY6, NAT_SET_PORTS_ANY6_ID, true, true },
};

/* The map p belongs to. */
static enum port_map map_of(const struct net_port *p)
{
	if (p->v6)
		return IN6_IS_ADDR_UNSPECIFIED(&p->host_ip6) ? MAP_ANY6 : MAP_ADDR6;
	return p->host_ip == 0 ? MAP_ANY : MAP_ADDR;
}

/* Bytes of a map's host address in its key (0 for the "any" maps), of
 * its data's address. */
static uint32_t key_addr_len(enum port_map m)
{
	return maps[m].any ? 0 : maps[m].v6 ? 16 : 4;
}

static uint32_t data_addr_len(enum port_map m)
{
	return maps[m].v6 ? 16 : 4;
}

static struct nftnl_set *port_set(enum port_map m)
{
	struct nftnl_set *s = nftnl_set_alloc();

	if (s) {
		nftnl_set_set_u32(s, NFTNL_SET_FAMILY, FAMILY);
		nftnl_set_set_str(s, NFTNL_SET_TABLE, TABLE);
		nftnl_set_set_str(s, NFTNL_SET_NAME, maps[m].name);
		nftnl_set_set_u32(s, NFTNL_SET_ID, maps[m].id);
	}
	return s;
}

/* add map inet brig ports_addr { type ipv4_addr . inet_proto . inet_service : ipv4_addr . inet_service; }
 * add map inet brig ports_any { type inet_proto . inet_service : ipv4_addr . inet_service; }
 * and the same with ipv6_addr for ports_addr6 and ports_any6.  Each
 * field of a concatenation takes whole 32-bit registers. */
static int put_map(struct nat_bctx *c, enum port_map m)
{
	struct nftnl_set *s = port_set(m);
	uint32_t addr = maps[m].v6 ? TYPE_IP6ADDR : TYPE_IPADDR;
	uint32_t svc = CONCAT(TYPE_INET_PROTOCOL, TYPE_INET_SERVICE);
	uint32_t key = maps[m].any ? svc : CONCAT(CONCAT(addr, TYPE_INET_PROTOCOL), TYPE_INET_SERVICE);

	if (!s)
		return -ENOMEM;
	nftnl_set_set_u32(s, NFTNL_SET_FLAGS, NFT_SET_MAP);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, key);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, key_addr_len(m) + 8);
	nftnl_set_set_u32(s, NFTNL_SET_DATA_TYPE, CONCAT(addr, TYPE_INET_SERVICE));
	nftnl_set_set_u32(s, NFTNL_SET_DATA_LEN, data_addr_len(m) + 4);
	nat_bput_set(c, NFT_MSG_NEWSET, s);
	nftnl_set_free(s);
	return 0;
}

int nat_ports_put_maps(struct nat_bctx *c)
{
	for (int m = 0; m < MAP_COUNT; m++) {
		int r = put_map(c, (enum port_map)m);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The key of p in its map: [addr] proto port, each field padded to 4
 * bytes, network order but the protocol's one byte. */
static uint32_t key_of(const struct net_port *p, uint8_t key[KEY_MAX])
{
	uint16_t port = htons(p->host_port);
	uint32_t addr = htonl(p->host_ip), off = key_addr_len(map_of(p));

	memset(key, 0, KEY_MAX);
	if (off)
		memcpy(key, p->v6 ? (const void *)&p->host_ip6 : (const void *)&addr, off);
	key[off] = p->proto;
	memcpy(key + off + 4, &port, 2);
	return off + 8;
}

static uint32_t data_of(const struct net_port *p, uint8_t data[DATA_MAX])
{
	uint32_t addr = htonl(p->addr), off = p->v6 ? 16 : 4;
	uint16_t port = htons(p->port);

	memset(data, 0, DATA_MAX);
	memcpy(data, p->v6 ? (const void *)&p->addr6 : (const void *)&addr, off);
	memcpy(data + off, &port, 2);
	return off + 4;
}

static struct nftnl_set_elem *elem_of(const struct net_port *p, bool with_data)
{
	struct nftnl_set_elem *el = nftnl_set_elem_alloc();
	struct nftnl_udata_buf *u;
	uint8_t key[KEY_MAX], data[DATA_MAX];

	if (!el)
		return NULL;
	nftnl_set_elem_set(el, NFTNL_SET_ELEM_KEY, key, key_of(p, key));
	if (!with_data)
		return el;
	nftnl_set_elem_set(el, NFTNL_SET_ELEM_DATA, data, data_of(p, data));
	/* the owner, as nft(8) shows a comment */
	u = nftnl_udata_buf_alloc(128);
	if (!u || !nftnl_udata_put_strz(u, NFTNL_UDATA_SET_ELEM_COMMENT, p->owner)) {
		nftnl_udata_buf_free(u);
		nftnl_set_elem_free(el);
		return NULL;
	}
	nftnl_set_elem_set(el, NFTNL_SET_ELEM_USERDATA, nftnl_udata_buf_data(u),
			   nftnl_udata_buf_len(u));
	nftnl_udata_buf_free(u);
	return el;
}

/* One message: the elements of v[0..n) that belong to map m, from *i
 * on, at most ELEMS_PER_MSG; *i moves past them. */
static int put_chunk(struct nat_bctx *c, uint16_t type, enum port_map m, const struct net_port *v,
		     size_t n, size_t *i)
{
	struct nftnl_set *s = port_set(m);
	size_t k = 0;

	if (!s)
		return -ENOMEM;
	nftnl_set_unset(s, NFTNL_SET_ID);
	for (; *i < n && k < ELEMS_PER_MSG; (*i)++) {
		struct nftnl_set_elem *el;
		if (map_of(&v[*i]) != m)
			continue;
		if (!(el = elem_of(&v[*i], type == NFT_MSG_NEWSETELEM))) {
			nftnl_set_free(s);
			return -ENOMEM;
		}
		nftnl_set_elem_add(s, el);
		k++;
	}
	if (k)
		nat_bput_set(c, type, s);
	nftnl_set_free(s);
	return 0;
}

int nat_ports_put_elems(struct nat_bctx *c, uint16_t type, const struct net_port *v, size_t n)
{
	for (int m = 0; m < MAP_COUNT; m++)
		for (size_t i = 0; i < n;) {
			int r = put_chunk(c, type, (enum port_map)m, v, n, &i);
			if (r < 0)
				return r;
		}
	return 0;
}

int net_ports_change(const struct net_port *add, size_t n_add, const struct net_port *del,
		     size_t n_del, struct brig_err *e)
{
	struct net_nat_batch b;
	struct nat_bctx c;
	size_t n = n_add + n_del;
	int r;

	if (n == 0)
		return 0;
	if (nat_batch_begin(&b, &c, 2 * MAP_COUNT + 2 * (n / ELEMS_PER_MSG), n * NAT_PORT_ELEM_MAX,
			    (uint32_t)time(NULL), e) < 0) {
		net_nat_batch_free(&b);
		return -e->code;
	}
	r = nat_ports_put_elems(&c, NFT_MSG_DELSETELEM, del, n_del);
	if (r == 0)
		r = nat_ports_put_elems(&c, NFT_MSG_NEWSETELEM, add, n_add);
	r = nat_batch_end(&c, r, e);
	if (r == 0)
		r = net_nat_commit(&b, e);
	net_nat_batch_free(&b);
	return r;
}

int net_ports_same_key(const struct net_port *a, const struct net_port *b)
{
	if (a->v6 != b->v6 || a->proto != b->proto || a->host_port != b->host_port)
		return 0;
	return a->v6 ? memcmp(&a->host_ip6, &b->host_ip6, sizeof(a->host_ip6)) == 0
		     : a->host_ip == b->host_ip;
}

/* ---- listing ---- */

struct listing {
	enum port_map m;
	struct net_port *v;
	size_t n;
	int err;
};

/* One element of map m back into a port; false when its key or data has
 * another shape than brig's. */
static bool port_of(struct nftnl_set_elem *el, enum port_map m, struct net_port *p)
{
	uint32_t klen = 0, dlen = 0, ulen = 0, off = key_addr_len(m), doff = data_addr_len(m), addr;
	const uint8_t *key = nftnl_set_elem_get(el, NFTNL_SET_ELEM_KEY, &klen);
	const uint8_t *data = nftnl_set_elem_get(el, NFTNL_SET_ELEM_DATA, &dlen);
	const char *u = nftnl_set_elem_get(el, NFTNL_SET_ELEM_USERDATA, &ulen);
	uint16_t port;

	memset(p, 0, sizeof(*p));
	if (!key || !data || klen != off + 8 || dlen != doff + 4)
		return false;
	p->v6 = maps[m].v6;
	if (off == 16)
		memcpy(&p->host_ip6, key, 16);
	else if (off == 4) {
		memcpy(&addr, key, 4);
		p->host_ip = ntohl(addr);
	}
	p->proto = key[off];
	memcpy(&port, key + off + 4, 2);
	p->host_port = ntohs(port);
	if (p->v6)
		memcpy(&p->addr6, data, 16);
	else {
		memcpy(&addr, data, 4);
		p->addr = ntohl(addr);
	}
	memcpy(&port, data + doff, 2);
	p->port = ntohs(port);
	/* the comment TLV: type 0, length, text with its NUL */
	if (u && ulen > 2 && u[0] == NFTNL_UDATA_SET_ELEM_COMMENT &&
	    (size_t)(uint8_t)u[1] + 2 <= ulen)
		snprintf(p->owner, sizeof(p->owner), "%.*s", (int)(uint8_t)u[1], u + 2);
	return true;
}

static int on_elems(const struct nlmsghdr *nlh, void *data)
{
	struct listing *l = data;
	struct nftnl_set *s = nftnl_set_alloc();
	struct nftnl_set_elems_iter *it = NULL;
	struct nftnl_set_elem *el;

	if (!s || nftnl_set_elems_nlmsg_parse(nlh, s) < 0 || !(it = nftnl_set_elems_iter_create(s))) {
		l->err = ENOMEM;
		nftnl_set_free(s);
		return MNL_CB_ERROR;
	}
	while ((el = nftnl_set_elems_iter_next(it))) {
		struct net_port *grown = realloc(l->v, (l->n + 1) * sizeof(*l->v));
		if (!grown) {
			l->err = ENOMEM;
			break;
		}
		l->v = grown;
		if (port_of(el, l->m, &l->v[l->n]))
			l->n++;
	}
	nftnl_set_elems_iter_destroy(it);
	nftnl_set_free(s);
	return l->err ? MNL_CB_ERROR : MNL_CB_OK;
}

/* get element inet brig <map> (a dump) */
static int list_map(struct mnl_socket *nl, struct listing *l)
{
	char buf[1024];
	struct nftnl_set *s = port_set(l->m);
	struct nlmsghdr *nlh;

	if (!s)
		return -ENOMEM;
	nftnl_set_unset(s, NFTNL_SET_ID);
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETSETELEM, FAMILY, NLM_F_DUMP | NLM_F_ACK, 3);
	nftnl_set_elems_nlmsg_build_payload(nlh, s);
	nftnl_set_free(s);
	return nat_talk(nl, nlh, on_elems, l);
}

int net_ports_list(struct net_port **v, size_t *n, struct brig_err *e)
{
	struct mnl_socket *nl = NULL;
	struct listing l = { 0 };
	int r = 0;

	*v = NULL;
	*n = 0;
	if (nat_open(&nl, 0, e) < 0)
		return -e->code;
	for (int m = 0; m < MAP_COUNT && r == 0; m++) {
		l.m = (enum port_map)m;
		r = list_map(nl, &l);
		if (r == -ENOENT)
			r = 0;
	}
	nat_close(&nl);
	if (r < 0 || l.err) {
		free(l.v);
		return brig_errf(e, l.err ? l.err : -r, "nftables: list the published ports: %s",
				 strerror(l.err ? l.err : -r));
	}
	*v = l.v;
	*n = l.n;
	return 0;
}
