/* attach.c - the networks of a container: the --net mode, a lease per
 * bridge network (the address of its last run preferred), the veth names,
 * MAC and default route for each interface, its record in the state, and
 * the name registries it joins.  The veths of a start are created by the
 * runtime (spawn.c, with the peer's netns); `network connect` creates its
 * one veth here (container_connect), `disconnect` deletes it. */
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "proc.h"
#include "container.h"
#include "container_int.h"
#include "events.h"
#include "hosts.h"
#include "link.h"
#include "network.h"
#include "parse.h"
#include "state.h"
#include "warn.h"

/* The first network's name: a mode (none, host, container:NAME) or a
 * bridge network (spec_from_json gives a record at least one). */
static const char *first_net(const struct container_spec *spec)
{
	return spec->n_nets ? spec->nets[0].name : DEFAULT_NETWORK;
}

/* The network mode from --net: none, host, container:NAME, or bridge
 * networks (the default). */
int container_net_mode(const struct brig_ctx *c, const struct container_spec *spec,
		       struct spawn_spec *s, struct brig_err *e)
{
	const char *first = first_net(spec);
	char id[BRIG_ID_LEN + 1];
	struct container_state st;

	s->net = SPAWN_NET_NEW;
	if (strcmp(first, "none") == 0)
		return 0;
	if (strcmp(first, "host") == 0) {
		s->net = SPAWN_NET_HOST;
		return 0;
	}
	if (strncmp(first, "container:", 10) != 0)
		return 0;
	if (state_resolve(c, first + 10, id, e) < 0 || state_load(c, id, NULL, &st, e) < 0)
		return brig_err_ctx(e, "--net %s", first);
	if (strcmp(container_status(&st), "running") != 0)
		return brig_errf(e, EINVAL, "--net %s: container is not running", first);
	s->net = SPAWN_NET_JOIN;
	s->join_net_pid = st.pid;
	return 0;
}

bool container_is_bridge_mode(const struct container_spec *spec)
{
	return !netspec_is_mode(first_net(spec));
}

/* Release the leases; with delete_links also the host ends of the veths.
 * After the container exited they need no deleting: its network namespace
 * dies with it and takes both ends of each pair along, in the kernel's own
 * (asynchronous) cleanup, instead of ~15 ms of synchronous unregistering
 * here. */
void container_release_networks(const struct brig_ctx *c, struct container *ct, bool delete_links)
{
	struct brig_err ignore;

	for (size_t i = 0; i < ct->n_nets; i++) {
		if (delete_links)
			net_link_delete(ct->ifaces[i].host_if, &ignore);
		network_release(c, ct->nets[i].name, ct->id, &ignore);
	}
}

/* The state's record of interface f on network n (aliases from a). */
static void iface_record(const struct net_network *n, const struct spawn_iface *f,
			 const struct net_attach *a, struct container_net *x)
{
	memset(x, 0, sizeof(*x));
	snprintf(x->network, sizeof(x->network), "%s", n->name);
	x->address = f->addr;
	x->prefix = f->prefix;
	x->gateway = n->no_gateway ? 0 : n->gateway;
	memcpy(x->mac, f->mac, sizeof(x->mac));
	memcpy(x->interface, f->ifname, sizeof(x->interface));
	memcpy(x->host_interface, f->host_if, sizeof(x->host_interface));
	x->default_route = f->gw != 0;
	x->has6 = f->v6;
	x->address6 = f->addr6;
	x->prefix6 = f->prefix6;
	if (n->ipv6 && !n->no_gateway)
		x->gateway6 = n->gateway6;
	x->default_route6 = f->route6;
	for (size_t i = 0; a && i < a->n_aliases; i++)
		memcpy(x->aliases[x->n_aliases++], a->aliases[i], sizeof(x->aliases[0]));
}

void container_veth_name(char out[16], char kind, const char *id, size_t i)
{
	out[0] = 'v';
	out[1] = kind;
	memcpy(out + 2, id, 12);
	out[14] = (char)('0' + i);
	out[15] = '\0';
}

/* Without an address, the MAC comes from the id: 254.x.y.z, where the last
 * byte mixes in the slot, so each of its interfaces differs. */
static uint32_t id_mac_seed(const char *id, size_t slot)
{
	char hex[7];
	unsigned long v;

	memcpy(hex, id, 6); /* ids are 64 hex digits */
	hex[6] = '\0';
	v = strtoul(hex, NULL, 16);
	return 0xfe000000u | (((uint32_t)v << 4) & 0xfffff0) | (uint32_t)slot;
}

const struct container_net *container_attachment(const struct container_state *st,
						  const char *net, size_t *index)
{
	for (size_t i = 0; i < st->n_nets; i++) {
		if (!strcmp(st->nets[i].network, net)) {
			if (index)
				*index = i;
			return &st->nets[i];
		}
	}
	return NULL;
}

/* The address this container had on network n in its last run, or 0. */
static uint32_t previous_address(const struct container *ct, const char *net)
{
	const struct container_net *x = container_attachment(&ct->prev, net, NULL);

	return x ? x->address : 0;
}

/* The v6 lease of dual-stack n: ip6= / --ip6 when given; on a start
 * again, the address of its last run when still free (else any). */
static int lease6(const struct brig_ctx *c, struct container *ct, const struct net_network *n,
		  const struct net_attach *a, pid_t owner, struct spawn_iface *f,
		  struct brig_err *e)
{
	const struct container_net *x = container_attachment(&ct->prev, n->name, NULL);
	struct brig_err taken;

	f->v6 = f->route6 = false;
	if (!n->ipv6) {
		if (a->has_ip6)
			return brig_errf(e, EINVAL, "network %s has no IPv6 (create it with --ipv6)",
					 n->name);
		return 0;
	}
	f->v6 = true;
	f->prefix6 = n->prefix6;
	if (!a->has_ip6 && x && x->has6 &&
	    network_lease6(c, n, ct->id, owner, &x->address6, &f->addr6, &taken) == 0)
		return 0;
	return network_lease6(c, n, ct->id, owner, a->has_ip6 ? &a->ip6 : NULL, &f->addr6, e);
}

/* The static address when asked for; on a start again, the address it had
 * when still free (else any). */
static int lease(const struct brig_ctx *c, struct container *ct, const struct net_network *n,
		 uint32_t requested, pid_t owner, uint32_t *addr, struct brig_err *e)
{
	uint32_t prev = requested ? 0 : previous_address(ct, n->name);
	struct brig_err taken;

	if (prev && network_lease(c, n, ct->id, owner, prev, addr, &taken) == 0)
		return 0;
	return network_lease(c, n, ct->id, owner, requested, addr, e);
}

/* One bridge network as interface eth<slot>: host setup, a lease owned by
 * owner, and the veth description (no default route yet). */
static int attach_one(const struct brig_ctx *c, struct container *ct, const struct net_attach *a,
		      size_t slot, pid_t owner, struct brig_err *e)
{
	size_t i = ct->n_nets;
	struct net_network *n = &ct->nets[i];
	struct spawn_iface *f = &ct->ifaces[i];

	if (network_load(c, a->name, n, e) < 0 || network_setup_host(c, n, e) < 0)
		return -e->code;
	if (n->ipam_none && a->ip)
		return brig_errf(e, EINVAL, "network %s has no IPAM: no ip= for it", n->name);
	f->addr = 0; /* no IPAM: an interface without an address */
	if (!n->ipam_none && lease(c, ct, n, a->ip, owner, &f->addr, e) < 0)
		return -e->code;
	ct->n_nets++; /* from here its leases are released on failure */
	if (lease6(c, ct, n, a, owner, f, e) < 0)
		return -e->code;
	/* veth names must fit IFNAMSIZ and be unique on the host: from the id */
	container_veth_name(f->host_if, 'b', ct->id, slot);
	container_veth_name(f->peer_if, 'p', ct->id, slot);
	snprintf(f->ifname, sizeof(f->ifname), "eth%c", (char)('0' + slot));
	memcpy(f->bridge, n->bridge, sizeof(f->bridge));
	f->mtu = n->mtu;
	f->prefix = n->prefix;
	f->gw = 0;
	if (a->has_mac)
		memcpy(f->mac, a->mac, sizeof(f->mac));
	else
		net_mac_from_ip(f->addr ? f->addr : id_mac_seed(ct->id, slot), f->mac);
	return 0;
}

/* The default route goes via the gateway of the network with the highest
 * gw-priority (the first of equals), as in Docker 28; an --internal or
 * --no-gateway network never provides one.  Returns the index or -1. */
static int default_route_net(const struct container *ct, const struct net_attach *v, bool v6)
{
	int best = -1;

	for (size_t i = 0; i < ct->n_nets; i++) {
		if (ct->nets[i].internal || ct->nets[i].no_gateway || (v6 && !ct->nets[i].ipv6))
			continue;
		if (best < 0 || v[i].gw_priority > v[best].gw_priority)
			best = (int)i;
	}
	return best;
}

int container_attach_networks(const struct brig_ctx *c, struct container *ct, struct brig_err *e)
{
	const struct net_attach *v = ct->spec.nets;
	size_t n = ct->spec.n_nets;
	int gw;

	for (size_t i = 0; i < n; i++)
		if (attach_one(c, ct, &v[i], i, getpid(), e) < 0)
			goto fail;
	gw = default_route_net(ct, v, false);
	if (gw >= 0)
		ct->ifaces[gw].gw = ct->nets[gw].gateway;
	gw = default_route_net(ct, v, true);
	if (gw >= 0) {
		ct->ifaces[gw].route6 = true;
		ct->ifaces[gw].gw6 = ct->nets[gw].gateway6;
	}
	for (size_t i = 0; i < ct->n_nets; i++)
		iface_record(&ct->nets[i], &ct->ifaces[i], &v[i], &ct->st.nets[i]);
	ct->st.n_nets = ct->n_nets;
	ct->st.has_networks = true;
	return 0;
fail:
	container_release_networks(c, ct, true);
	ct->n_nets = 0;
	return -e->code;
}

/* The n words joined by commas into out; empty when they do not fit
 * (never a cut-off name).  Each was validated when run parsed it. */
static void join_words(const char *const *words, size_t n, char *out, size_t len)
{
	size_t off = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(out + off, len - off, "%s%s", i ? "," : "", words[i]);
	if (off >= len)
		out[0] = '\0';
}

static void join_aliases(const struct container_net *x, char *out, size_t len)
{
	const char *words[NETSPEC_ALIASES];

	for (size_t i = 0; i < x->n_aliases; i++)
		words[i] = x->aliases[i];
	join_words(words, x->n_aliases, out, len);
}

/* The container as its networks' name registries see it: names, and one
 * address per network from the state's networks (pointers into spec and
 * st). */
void container_hosts_entry(const char *id, const struct container_spec *spec,
			   const struct container_state *st, struct hosts_entry *h)
{
	memset(h, 0, sizeof(*h));
	h->id = id;
	h->pid = st->pid;
	h->shared = st->hosts_shared;
	h->name = spec->name;
	h->hostname = spec->hostname ? spec->hostname : "";
	for (size_t i = 0; i < st->n_nets && h->n_nets < HOSTS_MAX_NETS; i++) {
		const struct container_net *x = &st->nets[i];
		if (!x->address)
			continue;
		h->nets[h->n_nets] = x->network;
		join_aliases(x, h->aliases[h->n_nets], sizeof(h->aliases[0]));
		h->has6[h->n_nets] = x->has6;
		h->addrs6[h->n_nets] = x->address6;
		h->addrs[h->n_nets++] = x->address;
	}
	/* --add-host NAME:IP is kept as NAME=IP (the registry's spelling) */
	join_words((const char *const *)spec->add_hosts, spec->n_add_hosts, h->extra,
		   sizeof(h->extra));
	for (char *p = h->extra; (p = strchr(p, ':'));)
		*p = '=';
}

/* Leave the name registries of every network in the state. */
void container_leave_hosts(const struct brig_ctx *c, const char *id,
			   const struct container_state *st)
{
	const char *names[HOSTS_MAX_NETS];
	size_t n = 0;

	for (size_t i = 0; i < st->n_nets && n < HOSTS_MAX_NETS; i++)
		names[n++] = st->nets[i].network;
	hosts_leave(c, id, names, n);
}

static int configure_iface(void *arg, struct brig_err *e)
{
	const struct spawn_iface *f = arg;

	if (net_ipv6_link_prepare(f->peer_if, f->v6, e) < 0)
		return -e->code;
	if (net_iface_configure(f->peer_if, f->ifname, f->addr, f->prefix, f->mac, 0, e) < 0)
		return -e->code;
	return f->v6 ? net_iface_configure6(f->ifname, &f->addr6, f->prefix6, NULL, e) : 0;
}

/* net_iface_configure inside the network namespace of pid (in a child:
 * brig's own namespaces never change). */
static int configure_in_netns(pid_t pid, const struct spawn_iface *f, struct brig_err *e)
{
	return proc_run_in_ns(pid, "net", CLONE_NEWNET, configure_iface, (void *)f, e);
}

/* The lowest ethN not in use by the container. */
static int free_slot(const struct container_state *st, struct brig_err *e)
{
	for (int slot = 0; slot < MAX_NETS && st->n_nets < MAX_NETS; slot++) {
		bool used = false;
		for (size_t i = 0; i < st->n_nets && !used; i++)
			used = st->nets[i].interface[3] == '0' + slot;
		if (!used)
			return slot;
	}
	return brig_errf(e, E2BIG, "at most %d networks per container", MAX_NETS);
}

/* Register the container's current networks again (the list of networks in
 * its registry lines changed), which rewrites every member's /etc/hosts,
 * its own included. */
static void rejoin_hosts(const struct brig_ctx *c, struct container *ct)
{
	struct hosts_entry h;

	container_hosts_entry(ct->id, &ct->spec, &ct->st, &h);
	hosts_join(c, &h);
}

static int load_running(const struct brig_ctx *c, const char *ref, struct container *ct,
			struct brig_err *e)
{
	container_blank(ct);
	if (state_resolve(c, ref, ct->id, e) < 0 ||
	    state_load(c, ct->id, &ct->spec, &ct->st, e) < 0)
		return -e->code;
	if (strcmp(container_status(&ct->st), "running") != 0)
		return brig_errf(e, EINVAL, "container %s is not running", ref);
	if (!container_is_bridge_mode(&ct->spec))
		return brig_errf(e, EINVAL, "container %s does not use bridge networks", ref);
	ct->pid = ct->st.pid;
	return 0;
}

int container_connect(const struct brig_ctx *c, const char *ref, const char *net,
		      const char *ip, struct brig_err *e)
{
	struct container ct;
	struct net_attach a = { 0 };
	int slot, r = -1;
	pid_t owner;

	if (load_running(c, ref, &ct, e) < 0)
		goto out;
	owner = ct.st.owner;
	if (container_attachment(&ct.st, net, NULL)) {
		brig_errf(e, EEXIST, "container %s is already on network %s", ref, net);
		goto out;
	}
	snprintf(a.name, sizeof(a.name), "%s", net);
	if ((ip && net_parse_ip(ip, &a.ip, e) < 0) || (slot = free_slot(&ct.st, e)) < 0 ||
	    attach_one(c, &ct, &a, (size_t)slot, owner, e) < 0)
		goto out;
	if (net_veth_create(ct.ifaces[0].host_if, ct.ifaces[0].peer_if, ct.ifaces[0].bridge,
			    ct.ifaces[0].mtu, ct.pid, e) < 0 ||
	    configure_in_netns(ct.pid, &ct.ifaces[0], e) < 0) {
		container_release_networks(c, &ct, true);
		goto out;
	}
	iface_record(&ct.nets[0], &ct.ifaces[0], &a, &ct.st.nets[ct.st.n_nets++]);
	ct.st.has_networks = true;
	/* on two networks, one network's shared hosts file no longer fits */
	if (ct.st.hosts_shared) {
		if (hosts_unshare(ct.pid, e) < 0)
			brig_warn("%s", e->msg);
		ct.st.hosts_shared = false;
	}
	r = state_save(c, ct.id, &ct.st, e);
	rejoin_hosts(c, &ct);
	if (r == 0)
		events_network(c, "connect", net, ct.id);
out:
	container_free(&ct);
	return r < 0 ? -(e->code ? e->code : EINVAL) : 0;
}

int container_disconnect(const struct brig_ctx *c, const char *ref, const char *net,
			 struct brig_err *e)
{
	struct container ct;
	struct brig_err ignore;
	const struct container_net *x;
	size_t i;
	int r = -1;

	if (load_running(c, ref, &ct, e) < 0)
		goto out;
	if (!(x = container_attachment(&ct.st, net, &i))) {
		brig_errf(e, ENOENT, "container %s is not on network %s", ref, net);
		goto out;
	}
	if (net_link_delete(x->host_interface, e) < 0)
		goto out;
	network_release(c, net, ct.id, &ignore);
	memmove(&ct.st.nets[i], &ct.st.nets[i + 1], (ct.st.n_nets - i - 1) * sizeof(ct.st.nets[0]));
	ct.st.n_nets--;
	r = state_save(c, ct.id, &ct.st, e);
	hosts_leave(c, ct.id, &net, 1);
	if (r == 0)
		events_network(c, "disconnect", net, ct.id);
	rejoin_hosts(c, &ct);
out:
	container_free(&ct);
	return r < 0 ? -(e->code ? e->code : EINVAL) : 0;
}
