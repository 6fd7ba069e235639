/* publish.c - a container's published ports (see publish.h).  The
 * choices are made under the host lock (network.c), against the maps'
 * elements as the kernel has them and the host's sockets, so two
 * concurrent starts never publish the same port and a rebuilt table
 * never misses one being added. */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bridge.h"
#include "cleanup.h"
#include "container_int.h"
#include "network.h"
#include "parse.h"
#include "publish.h"
#include "rootless_ctl.h"
#include "state.h"
#include "warn.h"

int publish_check(const char *value, struct brig_err *e)
{
	struct port_request tmp[PORTSPEC_MAX];
	size_t n = 0;

	return portspec_parse(value, tmp, PORTSPEC_MAX, &n, e);
}

static bool requested(const struct port_request *v, size_t n, uint16_t port, uint8_t proto)
{
	for (size_t i = 0; i < n; i++)
		if (v[i].port == port && v[i].proto == proto)
			return true;
	return false;
}

/* -P: the image's ExposedPorts ("80/tcp": {}) not yet asked for. */
static int exposed(const struct container_spec *spec, struct port_request *out, size_t *n,
		   struct brig_err *e)
{
	json_t *ports = json_object_get(spec->image_config, "ExposedPorts");
	const char *key;
	json_t *v;

	json_object_foreach (ports, key, v) {
		struct port_request r = { 0 };
		struct brig_err ignore;
		if (portspec_port(key, &r.port, &r.proto, &ignore) < 0 ||
		    requested(out, *n, r.port, r.proto))
			continue;
		if (*n >= PORTSPEC_MAX)
			return brig_errf(e, E2BIG, "-P: more than %d ports in all", PORTSPEC_MAX);
		out[(*n)++] = r;
	}
	return 0;
}

int publish_requests(const struct container_spec *spec, struct port_request out[PORTSPEC_MAX],
		     size_t *n, struct brig_err *e)
{
	*n = 0;
	for (size_t i = 0; i < spec->n_publish; i++)
		if (portspec_parse(spec->publish[i], out, PORTSPEC_MAX, n, e) < 0)
			return -e->code;
	return spec->publish_all ? exposed(spec, out, n, e) : 0;
}

/* ---- what is taken ---- */

/* Whether the container id is alive: its record runs, or is being
 * started (its lock is held). */
static bool owner_alive(const struct brig_ctx *c, const char *id)
{
	struct container_state st;
	struct brig_err e;
	int lock;

	if (state_load(c, id, NULL, &st, &e) < 0)
		return false;
	if (strcmp(container_status(&st), "running") == 0)
		return true;
	lock = container_lock_wait(c, id, 0, &e);
	if (lock < 0)
		return true;
	close(lock);
	return false;
}

/* The state of one publishing: the maps' elements, what is added and
 * what stale elements (of dead containers) are deleted. */
struct pub {
	const struct brig_ctx *c;
	const char *id;
	struct net_port *have, add[PORTSPEC_BINDINGS_MAX], del[PORTSPEC_BINDINGS_MAX];
	size_t n_have, n_add, n_del;
};

/* A host address of either family a port is published on: ip 0 or ip6
 * :: for every address of the family. */
struct host_addr {
	bool v6;
	uint32_t ip;
	struct in6_addr ip6;
};

static bool overlaps(const struct net_port *a, const struct host_addr *h, uint16_t port,
		     uint8_t proto)
{
	if (a->host_port != port || a->proto != proto || a->v6 != h->v6)
		return false;
	if (h->v6)
		return IN6_IS_ADDR_UNSPECIFIED(&a->host_ip6) || IN6_IS_ADDR_UNSPECIFIED(&h->ip6) ||
		       IN6_ARE_ADDR_EQUAL(&a->host_ip6, &h->ip6);
	return a->host_ip == 0 || h->ip == 0 || a->host_ip == h->ip;
}

static void drop_stale(struct pub *p, const struct net_port *x)
{
	for (size_t i = 0; i < p->n_del; i++)
		if (net_ports_same_key(&p->del[i], x))
			return;
	if (p->n_del < PORTSPEC_BINDINGS_MAX)
		p->del[p->n_del++] = *x;
}

/* Who publishes h:port/proto already: the owner's id, "" for this
 * container's own request, NULL for nobody.  An element left by a dead
 * container is marked for deletion instead. */
static const char *publisher(struct pub *p, const struct host_addr *h, uint16_t port,
			     uint8_t proto)
{
	for (size_t i = 0; i < p->n_add; i++)
		if (overlaps(&p->add[i], h, port, proto))
			return "";
	for (size_t i = 0; i < p->n_have; i++) {
		const struct net_port *x = &p->have[i];
		if (!overlaps(x, h, port, proto))
			continue;
		if (strcmp(x->owner, p->id) != 0 && owner_alive(p->c, x->owner))
			return x->owner;
		drop_stale(p, x);
	}
	return NULL;
}

/* Bind h:port/proto on the host, as a server would (IPv6 sockets
 * v6-only): 0 when it could, else the errno (EADDRINUSE: a socket holds
 * it).  *got: the port bound (the kernel's choice for port 0). */
static int try_bind(const struct host_addr *h, uint16_t port, uint8_t proto, uint16_t *got)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(h->ip) };
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_port = htons(port),
				   .sin6_addr = h->ip6 };
	struct sockaddr *sa = h->v6 ? (struct sockaddr *)&a6 : (struct sockaddr *)&a;
	socklen_t len = h->v6 ? sizeof(a6) : sizeof(a);
	int one = 1, type = proto == IPPROTO_UDP ? SOCK_DGRAM : SOCK_STREAM, err = 0;
	cleanup_close int fd = socket(h->v6 ? AF_INET6 : AF_INET, type | SOCK_CLOEXEC, proto);

	if (fd < 0) /* no SCTP (or IPv6) in this kernel: nothing can hold the port */
		return port ? 0 : errno;
	/* TCP: a connection in TIME_WAIT is no listener */
	if (type == SOCK_STREAM)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (h->v6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, sa, len) < 0)
		err = errno;
	else if (getsockname(fd, sa, &len) == 0)
		*got = ntohs(h->v6 ? a6.sin6_port : a.sin_port);
	return err;
}

/* ---- choosing ---- */

/* h as Docker writes it: "0.0.0.0", "[::]". */
static const char *host_str(const struct host_addr *h, char out[NET_IP6_STRLEN + 2])
{
	char ip[NET_IP6_STRLEN];

	if (h->v6)
		snprintf(out, NET_IP6_STRLEN + 2, "[%s]", net_ip6_str(&h->ip6, ip));
	else
		net_ip_str(h->ip, out);
	return out;
}

static int refuse(const struct port_request *r, const struct host_addr *h, uint16_t port,
		  const char *owner, int err, struct brig_err *e)
{
	char a[NET_IP6_STRLEN + 2];
	const char *proto = portspec_proto_name(r->proto);

	host_str(h, a);
	if (owner && !*owner)
		return brig_errf(e, EADDRINUSE, "-p: host port %s:%u/%s is asked for twice", a, port, proto);
	if (owner)
		return brig_errf(e, EADDRINUSE, "-p: host port %s:%u/%s is already published by container %.12s",
				 a, port, proto, owner);
	if (err == EADDRNOTAVAIL)
		return brig_errf(e, err, "-p: %s is not an address of this host", a);
	return brig_errf(e, err, "-p: host port %s:%u/%s is in use on the host: %s", a, port, proto,
			 strerror(err));
}

/* Where request r is published: one host address, or with no address
 * given every IPv4 address and, for a container with an IPv6 address,
 * every IPv6 one.  *n: 1 or 2. */
static int where(const struct port_request *r, bool has6, struct host_addr w[2], size_t *n,
		 struct brig_err *e)
{
	char a[NET_IP6_STRLEN];

	memset(w, 0, 2 * sizeof(*w));
	*n = 1;
	if (r->family != AF_INET6) {
		w[0].ip = r->host_ip;
		if (r->family == 0 && has6)
			w[(*n)++].v6 = true;
		return 0;
	}
	w[0].v6 = true;
	w[0].ip6 = r->host_ip6;
	if (!has6)
		return brig_errf(e, EINVAL, "-p [%s]: the container has no IPv6 address to publish to",
				 net_ip6_str(&r->host_ip6, a));
	return 0;
}

/* port is free on every address of w[0..n): nobody publishes it, no
 * host socket holds it (w[0]'s already checked when skip0).  *owner,
 * *err: why not. */
static bool port_free(struct pub *p, const struct port_request *r, const struct host_addr *w,
		      size_t n, uint16_t port, bool skip0, const char **owner, int *err)
{
	uint16_t got = 0;

	for (size_t i = 0; i < n; i++)
		if ((*owner = publisher(p, &w[i], port, r->proto)))
			return false;
	for (size_t i = skip0 ? 1 : 0; i < n; i++)
		if ((*err = try_bind(&w[i], port, r->proto, &got)) != 0)
			return false;
	return true;
}

/* A free host port from the request's range, or any free one, on every
 * address of w[0..n). */
static int choose_port(struct pub *p, const struct port_request *r, const struct host_addr *w,
		       size_t n, uint16_t *out, struct brig_err *e)
{
	const char *owner = NULL;
	uint16_t got = 0;
	int err = 0;

	if (r->host_lo == 0) {
		/* the kernel's ephemeral choice, unless brig publishes it */
		for (int tries = 0; tries < 64; tries++) {
			if ((err = try_bind(&w[0], 0, r->proto, &got)) != 0)
				return refuse(r, &w[0], 0, NULL, err, e);
			if (port_free(p, r, w, n, got, true, &owner, &err)) {
				*out = got;
				return 0;
			}
		}
		return brig_errf(e, EADDRINUSE, "-p: no free host port found");
	}
	for (uint32_t port = r->host_lo; port <= r->host_hi; port++) {
		owner = NULL;
		err = 0;
		if (port_free(p, r, w, n, (uint16_t)port, false, &owner, &err)) {
			*out = (uint16_t)port;
			return 0;
		}
		if (err == EADDRNOTAVAIL)
			break;
	}
	return refuse(r, &w[0], r->host_lo, owner, err, e);
}

/* The network whose address the ports lead to: the one with the
 * default route, else the first with an address. */
static int target(const struct container *ct, size_t *slot, struct brig_err *e)
{
	for (size_t i = 0; i < ct->st.n_nets; i++)
		if (ct->st.nets[i].default_route && ct->st.nets[i].address) {
			*slot = i;
			return 0;
		}
	for (size_t i = 0; i < ct->st.n_nets; i++)
		if (ct->st.nets[i].address && !ct->nets[i].internal) {
			*slot = i;
			return 0;
		}
	return brig_errf(e, EINVAL, "-p: the container has no address on a network the host routes to");
}

/* The elements of every request, to the container's addresses on net. */
static int choose_all(struct pub *p, const struct port_request *req, size_t n,
		      const struct container_net *net, struct brig_err *e)
{
	for (size_t i = 0; i < n; i++) {
		struct host_addr w[2];
		size_t nw;
		uint16_t port = 0;
		if (where(&req[i], net->has6, w, &nw, e) < 0 ||
		    choose_port(p, &req[i], w, nw, &port, e) < 0)
			return -e->code;
		for (size_t k = 0; k < nw; k++) {
			struct net_port *x = &p->add[p->n_add++];
			memset(x, 0, sizeof(*x));
			x->v6 = w[k].v6;
			x->host_ip = w[k].ip;
			x->host_ip6 = w[k].ip6;
			x->addr = net->address;
			x->addr6 = net->address6;
			x->host_port = port;
			x->proto = req[i].proto;
			x->port = req[i].port;
			snprintf(x->owner, sizeof(x->owner), "%s", p->id);
		}
	}
	return 0;
}

/* The record of one element. */
static struct port_binding binding_of(const struct net_port *x)
{
	return (struct port_binding){ .host_ip = x->host_ip, .addr = x->addr,
				      .host_port = x->host_port, .port = x->port,
				      .proto = x->proto, .v6 = x->v6,
				      .host_ip6 = x->host_ip6, .addr6 = x->addr6 };
}

/* Under the host lock: choose, then one batch. */
static int publish_locked(const struct brig_ctx *c, struct container *ct,
			  const struct port_request *req, size_t n, size_t slot, struct brig_err *e)
{
	struct pub *p = calloc(1, sizeof(*p));
	int r = -1;

	if (!p)
		return brig_errf(e, ENOMEM, "-p: out of memory");
	p->c = c;
	p->id = ct->id;
	if (net_ports_list(&p->have, &p->n_have, e) < 0 ||
	    choose_all(p, req, n, &ct->st.nets[slot], e) < 0 ||
	    net_bridge_route_localnet(ct->nets[slot].bridge, e) < 0 ||
	    net_ports_change(p->add, p->n_add, p->del, p->n_del, e) < 0)
		goto out;
	for (size_t i = 0; i < p->n_add; i++)
		ct->st.ports[i] = binding_of(&p->add[i]);
	ct->st.n_ports = p->n_add;
	/* its own published ports through a host address (hairpin) */
	ct->ifaces[slot].hairpin = true;
	r = 0;
out:
	free(p->have);
	free(p);
	return r < 0 ? -e->code : 0;
}

int container_publish(const struct brig_ctx *c, struct container *ct, struct brig_err *e)
{
	struct port_request req[PORTSPEC_MAX];
	cleanup_close int lock = -1;
	size_t n = 0, slot = 0;
	const char *mode = ct->spec.n_nets ? ct->spec.nets[0].name : "";

	ct->st.n_ports = 0;
	if (publish_requests(&ct->spec, req, &n, e) < 0 || n == 0)
		return n ? -e->code : 0;
	if (strcmp(mode, "host") == 0) {
		brig_warn("published ports are discarded with --network host");
		return 0;
	}
	if (strcmp(mode, ROOTLESS_NET) == 0)
		return 0; /* slirp4netns forwards them (rootless_net_fill) */
	if (!container_is_bridge_mode(&ct->spec))
		return brig_errf(e, EINVAL, "-p: --network %s has no network of its own to publish from",
				 mode);
	if (target(ct, &slot, e) < 0 || (lock = network_lock_host(c, e)) < 0)
		return -e->code;
	return publish_locked(c, ct, req, n, slot, e);
}

void container_unpublish(const struct brig_ctx *c, const char *id)
{
	cleanup_close int lock = -1;
	struct net_port *have = NULL, *del;
	size_t n = 0, k = 0;
	struct brig_err e;

	if ((lock = network_lock_host(c, &e)) < 0 || net_ports_list(&have, &n, &e) < 0) {
		brig_warn("unpublish the ports of %.12s: %s", id, e.msg);
		return;
	}
	del = have; /* in place: the owner's elements to the front */
	for (size_t i = 0; i < n; i++)
		if (strcmp(have[i].owner, id) == 0)
			del[k++] = have[i];
	if (net_ports_change(NULL, 0, del, k, &e) < 0)
		brig_warn("unpublish the ports of %.12s: %s", id, e.msg);
	free(have);
}

int publish_running(const struct brig_ctx *c, struct net_port **v, size_t *n, struct brig_err *e)
{
	char **ids = NULL;
	struct net_port *out = NULL;
	size_t k = 0;

	*v = NULL;
	*n = 0;
	if (state_list(c, &ids, e) < 0)
		return -e->code;
	for (char **p = ids; *p; p++) {
		struct container_state st;
		struct brig_err ignore;
		struct net_port *grown;
		if (state_load(c, *p, NULL, &st, &ignore) < 0 || !st.n_ports ||
		    strcmp(container_status(&st), "running") != 0)
			continue;
		if (!(grown = realloc(out, (k + st.n_ports) * sizeof(*out)))) {
			free(out);
			state_list_free(ids);
			return brig_errf(e, ENOMEM, "published ports: out of memory");
		}
		out = grown;
		for (size_t i = 0; i < st.n_ports; i++, k++) {
			const struct port_binding *b = &st.ports[i];
			out[k] = (struct net_port){ .host_ip = b->host_ip, .addr = b->addr,
						    .host_port = b->host_port, .port = b->port,
						    .proto = b->proto, .v6 = b->v6,
						    .host_ip6 = b->host_ip6, .addr6 = b->addr6 };
			snprintf(out[k].owner, sizeof(out[k].owner), "%s", *p);
		}
	}
	state_list_free(ids);
	*v = out;
	*n = k;
	return 0;
}

int container_published(const struct brig_ctx *c, const char *ref,
			struct port_binding out[PORTSPEC_BINDINGS_MAX], size_t *n, struct brig_err *e)
{
	char id[BRIG_ID_LEN + 1];
	struct container_state st;

	*n = 0;
	if (state_resolve(c, ref, id, e) < 0 || state_load(c, id, NULL, &st, e) < 0)
		return -e->code;
	if (strcmp(container_status(&st), "running") != 0)
		return 0;
	memcpy(out, st.ports, st.n_ports * sizeof(*out));
	*n = st.n_ports;
	return 0;
}

json_t *publish_ports_json(const struct container_state *st)
{
	json_t *o = json_object();
	char key[16], ip[NET_IP6_STRLEN], port[8];

	for (size_t i = 0; o && i < st->n_ports; i++) {
		const struct port_binding *b = &st->ports[i];
		json_t *a;
		snprintf(key, sizeof(key), "%u/%s", b->port, portspec_proto_name(b->proto));
		snprintf(port, sizeof(port), "%u", b->host_port);
		if (!(a = json_object_get(o, key)) &&
		    (json_object_set_new(o, key, json_array()) < 0 || !(a = json_object_get(o, key))))
			goto oom;
		if (b->v6)
			net_ip6_str(&b->host_ip6, ip);
		else
			net_ip_str(b->host_ip, ip);
		if (json_array_append_new(a, json_pack("{s:s,s:s}", "HostIp", ip, "HostPort", port)) <
		    0)
			goto oom;
	}
	return o;
oom:
	json_decref(o);
	return NULL;
}
