/* network.c - network definitions, host setup, leases and names. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bridge.h"
#include "cleanup.h"
#include "container.h"
#include "events.h"
#include "hosts.h"
#include "ipam.h"
#include "nat.h"
#include "network.h"
#include "rootless_ctl.h"
#include "parse.h"
#include "proc.h"
#include "publish.h"
#include "state.h"
#include "util.h"

#define DEFAULT_SUBNET "10.88.0.0/16"
#define DEFAULT_BRIDGE "br0"

static int def_path(const struct brig_ctx *c, const char *name, char *out, size_t len)
{
	int n = snprintf(out, len, "%s/networks/%s.json", c->root, name);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static void default_network(struct net_network *n)
{
	memset(n, 0, sizeof(*n));
	snprintf(n->name, sizeof(n->name), DEFAULT_NETWORK);
	snprintf(n->bridge, sizeof(n->bridge), DEFAULT_BRIDGE);
	net_parse_cidr(DEFAULT_SUBNET, &n->subnet, &n->prefix, NULL);
	net_network_validate(n, NULL);
	network_default_ipv6(n);
}

static int from_json(json_t *j, struct net_network *n, struct brig_err *e)
{
	const char *name = json_string_value(json_object_get(j, "name"));
	const char *bridge = json_string_value(json_object_get(j, "bridge"));
	const char *subnet = json_string_value(json_object_get(j, "subnet"));
	const char *gw = json_string_value(json_object_get(j, "gateway"));

	memset(n, 0, sizeof(*n));
	n->no_gateway = json_is_true(json_object_get(j, "no_gateway"));
	n->ipam_none = !strcmp(json_string_value(json_object_get(j, "ipam")) ?: "", "none");
	if (!name || !bridge || !subnet || (!gw && !n->no_gateway))
		return brig_errf(e, EINVAL, "network definition: missing fields");
	snprintf(n->name, sizeof(n->name), "%s", name);
	snprintf(n->bridge, sizeof(n->bridge), "%s", bridge);
	n->mtu = (int)json_integer_value(json_object_get(j, "mtu"));
	n->internal = json_is_true(json_object_get(j, "internal"));
	if ((!n->ipam_none && net_parse_cidr(subnet, &n->subnet, &n->prefix, e) < 0) ||
	    (!n->no_gateway && net_parse_ip(gw, &n->gateway, e) < 0))
		return brig_err_ctx(e, "network %s", name);
	return network_from_json6(j, n, e);
}

static json_t *to_json(const struct net_network *n)
{
	char subnet[20], gw[16];
	json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:i,s:b,s:b,s:s}", "name", n->name, "bridge",
			      n->bridge, "subnet", net_cidr_str(n, subnet), "gateway",
			      n->no_gateway ? "" : net_ip_str(n->gateway, gw), "mtu", n->mtu,
			      "internal", n->internal, "no_gateway", n->no_gateway, "ipam",
			      n->ipam_none ? "none" : "default");

	if (j)
		network_json6(j, n);
	return j;
}

static int store(const struct brig_ctx *c, const struct net_network *n, struct brig_err *e)
{
	char path[PATH_MAX], dir[PATH_MAX];
	json_t *j = to_json(n);
	cleanup_free char *text = j ? json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;

	json_decref(j);
	if (!text)
		return brig_errf(e, ENOMEM, "network %s: out of memory", n->name);
	snprintf(dir, sizeof(dir), "%s/networks", c->root);
	if (mkdir_p(dir, 0700, e) < 0 || def_path(c, n->name, path, sizeof(path)) < 0)
		return -e->code;
	return write_atomic(path, text, strlen(text), e);
}

int network_load(const struct brig_ctx *c, const char *name, struct net_network *n,
		 struct brig_err *e)
{
	char path[PATH_MAX];
	json_error_t jerr;
	json_t *j;
	int r;

	if (!valid_name(name) || def_path(c, name, path, sizeof(path)) < 0)
		return brig_errf(e, EINVAL, "network '%s': invalid name", name);
	j = json_load_file(path, 0, &jerr);
	if (!j) {
		if (strcmp(name, DEFAULT_NETWORK) == 0) {
			default_network(n);
			return 0;
		}
		return brig_errf(e, ENOENT, "network '%s': no such network", name);
	}
	r = from_json(j, n, e);
	json_decref(j);
	return r;
}

int network_list(const struct brig_ctx *c, struct net_network **v, size_t *count,
		 struct brig_err *e)
{
	char dir[PATH_MAX];
	cleanup_dir DIR *d = NULL;
	struct dirent *de;
	size_t n = 0;
	struct net_network *out = NULL;

	*v = NULL;
	*count = 0;
	snprintf(dir, sizeof(dir), "%s/networks", c->root);
	if (!(d = opendir(dir)))
		return errno == ENOENT ? 0 : brig_errno(e, "open %s", dir);
	while ((de = readdir(d))) {
		char name[NET_NAME_MAX];
		char *dot = strrchr(de->d_name, '.');
		if (!dot || strcmp(dot, ".json") != 0 || (size_t)(dot - de->d_name) >= sizeof(name))
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(dot - de->d_name), de->d_name);
		struct net_network *grown = realloc(out, (n + 1) * sizeof(*out));
		if (!grown) {
			free(out);
			return brig_errf(e, ENOMEM, "list networks: out of memory");
		}
		out = grown;
		if (network_load(c, name, &out[n], e) == 0)
			n++;
	}
	*v = out;
	*count = n;
	return 0;
}

/* Apply the nftables table for every defined network, with the ports
 * the running containers publish (a table rebuilt, or restored after a
 * flush, keeps them). */
static int apply_nat(const struct brig_ctx *c, struct brig_err *e)
{
	cleanup_free struct net_network *all = NULL;
	cleanup_free struct net_port *ports = NULL;
	size_t n, n_ports = 0;

	if (network_list(c, &all, &n, e) < 0)
		return -e->code;
	if (publish_running(c, &ports, &n_ports, e) < 0)
		return brig_err_ctx(e, "nftables table inet brig");
	if (net_nat_apply_ports(all, n, ports, n_ports, e) < 0)
		return brig_err_ctx(e, "nftables table inet brig");
	return 0;
}

/* A new subnet must not overlap another brig network or a host route. */
static int check_overlap(const struct brig_ctx *c, const struct net_network *n,
			 struct brig_err *e)
{
	cleanup_free struct net_network *all = NULL;
	size_t count;
	char a[16];

	if (network_list(c, &all, &count, e) < 0)
		return -e->code;
	for (size_t i = 0; i < count; i++) {
		if (strcmp(all[i].bridge, n->bridge) == 0)
			return brig_errf(e, EEXIST, "bridge %s is already used by network %s",
					 n->bridge, all[i].name);
		if (!n->ipam_none && !all[i].ipam_none &&
		    net_overlaps(all[i].subnet, all[i].prefix, n->subnet, n->prefix))
			return brig_errf(e, EEXIST, "subnet %s/%d overlaps network %s",
					 net_ip_str(n->subnet, a), n->prefix, all[i].name);
	}
	if (network_overlap6(all, count, n, e) < 0)
		return -e->code;
	return n->ipam_none ? 0 : net_check_host_routes(n, e);
}

/* A dual-stack network without a v6 subnet gets a unique-local /64. */
static int pick_subnet6(const struct brig_ctx *c, struct net_network *n, struct brig_err *e)
{
	cleanup_free struct net_network *all = NULL;
	size_t count;

	if (!n->ipv6 || n->prefix6)
		return 0;
	if (network_list(c, &all, &count, e) < 0)
		return -e->code;
	return network_pick_ula(all, count, n, e);
}

/* One change to the host's networking at a time: concurrent first runs
 * must not race to create a bridge (it is marked as brig's right after it
 * is created) or to define the default network, and the nftables table is
 * rebuilt from the definitions, which must not change meanwhile. */
int network_lock_host(const struct brig_ctx *c, struct brig_err *e)
{
	char path[PATH_MAX];

	if (mkdir_p(c->runroot, 0700, e) < 0)
		return brig_err_ctx(e, "runtime root");
	snprintf(path, sizeof(path), "%s/network.lock", c->runroot);
	return lock_file(path, e);
}

int network_create(const struct brig_ctx *c, struct net_network *n, struct brig_err *e)
{
	char path[PATH_MAX];
	cleanup_close int lock = -1;

	if (rootless_refuse("network create", e) < 0) /* a bridge, NAT: the host's */
		return -e->code;
	if (!valid_name(n->name))
		return brig_errf(e, EINVAL, "network name '%s': must match [a-zA-Z0-9][a-zA-Z0-9_.-]*",
				 n->name);
	if (def_path(c, n->name, path, sizeof(path)) < 0 || access(path, F_OK) == 0 ||
	    strcmp(n->name, DEFAULT_NETWORK) == 0 || strcmp(n->name, "none") == 0 ||
	    strcmp(n->name, "host") == 0)
		return brig_errf(e, EEXIST, "network '%s' already exists", n->name);
	if ((lock = network_lock_host(c, e)) < 0)
		return lock;
	if (net_network_validate(n, e) < 0 || pick_subnet6(c, n, e) < 0 ||
	    net_network_validate6(n, e) < 0 || check_overlap(c, n, e) < 0)
		return -e->code;
	if (network_ipv6_forwarding(c, n, e) < 0 || store(c, n, e) < 0)
		return -e->code;
	if (apply_nat(c, e) < 0) {
		unlink(path);
		return -e->code;
	}
	events_network(c, "create", n->name, NULL);
	return 0;
}

int network_lease_path(const struct brig_ctx *c, const char *name, char *out, size_t len,
		       struct brig_err *e)
{
	char dir[PATH_MAX];
	int n;

	snprintf(dir, sizeof(dir), "%s/leases", c->runroot);
	if (mkdir_p(dir, 0700, e) < 0)
		return -e->code;
	n = snprintf(out, len, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= len)
		return brig_errf(e, ENAMETOOLONG, "lease file for %s: path too long", name);
	return 0;
}

static int setup_host_locked(const struct brig_ctx *c, struct net_network *n,
			     struct brig_err *e)
{
	char path[PATH_MAX];
	bool intact = false, fresh = false;

	/* The default network is defined by its first use. */
	if (def_path(c, n->name, path, sizeof(path)) == 0 && access(path, F_OK) < 0) {
		if (check_overlap(c, n, e) < 0 || store(c, n, e) < 0)
			return brig_err_ctx(e, "network %s", n->name);
		fresh = true;
	}
	if (net_bridge_ensure(n, e) < 0 || network_ipv6_forwarding(c, n, e) < 0)
		return -e->code;
	if (net_nat_check(&intact, e) < 0)
		return -e->code;
	/* Restore the table when someone flushed it. */
	return intact && !fresh ? 0 : apply_nat(c, e);
}

int network_setup_host(const struct brig_ctx *c, struct net_network *n, struct brig_err *e)
{
	cleanup_close int lock = network_lock_host(c, e);

	if (lock < 0)
		return lock;
	return setup_host_locked(c, n, e);
}

/* Call fn for every running container's record (id, state). */
static int each_running(const struct brig_ctx *c,
			int (*fn)(const char *id, const struct container_state *st, void *arg),
			void *arg, struct brig_err *e)
{
	char **ids = NULL;
	int r = 0;

	if (state_list(c, &ids, e) < 0)
		return -e->code;
	for (char **p = ids; *p && r == 0; p++) {
		struct container_state st;
		struct brig_err ignore;
		if (state_load(c, *p, NULL, &st, &ignore) < 0)
			continue;
		if (strcmp(container_status(&st), "running") == 0)
			r = fn(*p, &st, arg);
	}
	state_list_free(ids);
	return r < 0 ? brig_errf(e, -r, "out of memory") : 0;
}

/* What recover_leases and count_members need: the store and a network. */
struct net_walk {
	const struct brig_ctx *c;
	const char *net;
	struct ipam_file *f;
	size_t members;
};

/* each_running: the running container's lease on the walk's network. */
static int add_live(const char *id, const struct container_state *st, void *arg)
{
	struct net_walk *w = arg;
	const struct container_net *x = container_attachment(st, w->net, NULL);
	struct ipam_entry ent = { 0 };

	if (!x || !x->address)
		return 0;
	ent.addr = x->address;
	snprintf(ent.cid, sizeof(ent.cid), "%s", id);
	ent.owner = st->owner;
	ent.starttime = st->owner_starttime;
	if (ipam_file_add(w->f, &ent) < 0)
		return -ENOMEM;
	if (!x->has6)
		return 0;
	ent.v6 = true; /* its IPv6 lease beside */
	ent.addr6 = x->address6;
	return ipam_file_add(w->f, &ent) < 0 ? -ENOMEM : 0;
}

/* ipam_recover: a lost or damaged lease file gets back the address of
 * every running container on the network, from the records. */
static int recover_leases(void *arg, struct ipam_file *f, struct brig_err *e)
{
	struct net_walk *w = arg;

	w->f = f;
	return each_running(w->c, add_live, w, e);
}

/* each_running: count the members of the walk's network. */
static int count_member(const char *id, const struct container_state *st, void *arg)
{
	struct net_walk *w = arg;

	(void)id;
	w->members += container_attachment(st, w->net, NULL) != NULL;
	return 0;
}

int network_lease(const struct brig_ctx *c, const struct net_network *n, const char *id,
		  pid_t owner, uint32_t requested, uint32_t *addr, struct brig_err *e)
{
	char path[PATH_MAX];
	struct net_walk w = { c, n->name, NULL, 0 };
	struct ipam_recover rec = { recover_leases, &w };

	if (network_lease_path(c, n->name, path, sizeof(path), e) < 0)
		return -e->code;
	if (ipam_lease(path, n, id, owner, proc_starttime(owner), requested, addr, &rec, e) < 0)
		return brig_err_ctx(e, "network %s", n->name);
	return 0;
}

int network_lease6(const struct brig_ctx *c, const struct net_network *n, const char *id,
		   pid_t owner, const struct in6_addr *requested, struct in6_addr *addr,
		   struct brig_err *e)
{
	char path[PATH_MAX];
	struct net_walk w = { c, n->name, NULL, 0 };
	struct ipam_recover rec = { recover_leases, &w };

	if (network_lease_path(c, n->name, path, sizeof(path), e) < 0)
		return -e->code;
	if (ipam_lease6(path, n, id, owner, proc_starttime(owner), requested, addr, &rec, e) < 0)
		return brig_err_ctx(e, "network %s", n->name);
	return 0;
}

int network_gc_leases(const struct brig_ctx *c, const char *name, int *freed,
		      struct brig_err *e)
{
	char path[PATH_MAX];
	struct net_walk w = { c, name, NULL, 0 };
	struct ipam_recover rec = { recover_leases, &w };

	if (network_lease_path(c, name, path, sizeof(path), e) < 0)
		return -e->code;
	return ipam_gc(path, freed, &rec, e);
}

int network_release(const struct brig_ctx *c, const char *name, const char *id,
		    struct brig_err *e)
{
	char path[PATH_MAX];

	if (network_lease_path(c, name, path, sizeof(path), e) < 0)
		return -e->code;
	return ipam_release(path, id, e);
}

/* Read a lease file's entries (no lock needed: files are replaced by
 * rename, so a reader sees a whole file). */
static int read_leases(const struct brig_ctx *c, const char *name, struct ipam_file *f,
		       struct brig_err *e)
{
	char path[PATH_MAX];
	cleanup_free char *buf = NULL;
	size_t len = 0;

	memset(f, 0, sizeof(*f));
	if (network_lease_path(c, name, path, sizeof(path), e) < 0)
		return -e->code;
	if (read_file(path, &buf, &len, e) < 0)
		return e->code == ENOENT ? 0 : -e->code;
	return ipam_parse(buf, len, f, NULL, e);
}

static int drop_network(const struct brig_ctx *c, const struct net_network *n,
			struct brig_err *e)
{
	char path[PATH_MAX];

	if (net_bridge_remove(n, e) < 0)
		return -e->code;
	hosts_drop(c, n->name);
	if (network_lease_path(c, n->name, path, sizeof(path), e) == 0) {
		unlink(path);
		strncat(path, ".hosts.lock", sizeof(path) - strlen(path) - 1);
		unlink(path);
	}
	if (def_path(c, n->name, path, sizeof(path)) == 0 && unlink(path) < 0 && errno != ENOENT)
		return brig_errno(e, "remove %s", path);
	return 0;
}

int network_remove(const struct brig_ctx *c, const char *name, struct brig_err *e)
{
	char path[PATH_MAX];
	cleanup_close int lock = network_lock_host(c, e);
	struct net_network n;
	struct ipam_file f;
	int freed;

	if (lock < 0)
		return lock;
	if (network_load(c, name, &n, e) < 0)
		return -e->code;
	if (def_path(c, name, path, sizeof(path)) < 0 || access(path, F_OK) < 0)
		return brig_errf(e, ENOENT, "network '%s': no such network", name);
	if (network_gc_leases(c, name, &freed, e) < 0 || read_leases(c, name, &f, e) < 0)
		return -e->code;
	size_t in_use = f.n;
	ipam_file_free(&f);
	if (n.ipam_none) { /* no leases to count: the records say */
		struct net_walk w = { c, name, NULL, 0 };
		if (each_running(c, count_member, &w, e) < 0)
			return -e->code;
		in_use = w.members;
	}
	if (in_use)
		return brig_errf(e, EBUSY, "network '%s' has %zu container(s) attached", name,
				 in_use);
	if (drop_network(c, &n, e) < 0)
		return -e->code;
	events_network(c, "destroy", name, NULL);
	return apply_nat(c, e);
}

int network_reset(const struct brig_ctx *c, struct brig_err *e)
{
	cleanup_free struct net_network *all = NULL;
	cleanup_close int lock = network_lock_host(c, e);
	size_t n;
	int r = 0;

	if (lock < 0)
		return lock;
	if (network_list(c, &all, &n, e) < 0)
		return -e->code;
	for (size_t i = 0; i < n; i++)
		if (drop_network(c, &all[i], e) < 0)
			r = -e->code;
	if (net_nat_apply(NULL, 0, e) < 0)
		r = -e->code;
	if (network_ipv6_restore(c, e) < 0)
		r = -e->code;
	return r;
}

/* ---- what front ends ask: requests, documents, rows ---- */

static int request_options(const struct network_request *req, struct net_network *n,
			   struct brig_err *e)
{
	uint64_t mtu;

	if (req->gateway && net_parse_ip(req->gateway, &n->gateway, e) < 0)
		return brig_err_ctx(e, "--gateway");
	if (req->ipam && strcmp(req->ipam, "none") != 0 && strcmp(req->ipam, "default") != 0)
		return brig_errf(e, EINVAL, "invalid --ipam '%s': none or default", req->ipam);
	n->ipam_none = req->ipam && !strcmp(req->ipam, "none");
	if (req->mtu && (parse_uint(req->mtu, 65535, &mtu, e) < 0 || mtu < 68))
		return brig_errf(e, EINVAL, "invalid --mtu '%s': 68..65535", req->mtu);
	n->mtu = req->mtu ? (int)mtu : 0;
	n->internal = req->internal;
	n->no_gateway = req->no_gateway;
	if (req->bridge)
		snprintf(n->bridge, sizeof(n->bridge), "%s", req->bridge);
	return 0;
}

int network_request_parse(const struct network_request *req, struct net_network *n,
			  struct brig_err *e)
{
	memset(n, 0, sizeof(*n));
	if (request_options(req, n, e) < 0)
		return -e->code;
	if (!req->name)
		return brig_errf(e, EINVAL, "network create: expected one NAME");
	if (!valid_name(req->name))
		return brig_errf(e, EINVAL,
				 "network name '%.64s%s': must match [a-zA-Z0-9][a-zA-Z0-9_.-]*, at most 63 characters",
				 req->name, strlen(req->name) > 64 ? "..." : "");
	snprintf(n->name, sizeof(n->name), "%s", req->name);
	if (n->ipam_none && (req->subnet || n->gateway))
		return brig_errf(e, EINVAL, "network create: --ipam none takes no --subnet or --gateway");
	if (!req->subnet && req->subnet6 && !n->ipam_none)
		return brig_errf(e, EINVAL, "network create: an IPv4 --subnet is required beside "
				 "the IPv6 one (brig networks are IPv4 or dual stack)");
	if (!req->subnet && !n->ipam_none)
		return brig_errf(e, EINVAL, "network create: --subnet is required");
	if (req->subnet && net_parse_cidr(req->subnet, &n->subnet, &n->prefix, e) < 0)
		return brig_err_ctx(e, "--subnet");
	if (!*n->bridge)
		snprintf(n->bridge, sizeof(n->bridge), "br-%.12s", n->name);
	if (n->no_gateway && n->gateway)
		return brig_errf(e, EINVAL, "network create: --gateway and --no-gateway conflict");
	return network_request6(req, n, e);
}

int network_create_request(const struct brig_ctx *c, const struct network_request *req,
			   struct brig_err *e)
{
	struct net_network n;

	if (rootless_refuse("network create", e) < 0) /* before its options */
		return -e->code;
	if (network_request_parse(req, &n, e) < 0)
		return -e->code;
	return network_create(c, &n, e);
}

/* The running containers attached to network name, as inspect lists them;
 * a store that cannot be read lists none. */
static json_t *members(const struct brig_ctx *c, const char *name)
{
	char **ids = NULL;
	struct brig_err e;
	json_t *out = json_array();

	if (state_list(c, &ids, &e) < 0)
		return out;
	for (char **p = ids; *p; p++) {
		struct container_spec cfg;
		struct container_state st;
		const struct container_net *x;
		char addr[16], mac[18], addr6[NET_IP6_STRLEN];
		if (state_load(c, *p, &cfg, &st, &e) == 0 &&
		    strcmp(container_status(&st), "running") == 0 &&
		    (x = container_attachment(&st, name, NULL)))
			json_array_append_new(out, json_pack("{s:s,s:s,s:s,s:s,s:s}", "id", *p, "name",
							     cfg.name, "address",
							     x->address ? net_ip_str(x->address, addr) : "",
							     "address6", x->has6 ? net_ip6_str(&x->address6, addr6) : "",
							     "mac", netspec_mac_str(x->mac, mac)));
		spec_free(&cfg);
	}
	state_list_free(ids);
	return out;
}

int network_inspect(const struct brig_ctx *c, const char *name, json_t **doc,
		    struct brig_err *e)
{
	struct net_network n;
	char g[16], subnet[24];

	if (network_load(c, name, &n, e) < 0)
		return -e->code;
	net_cidr_str(&n, subnet);
	*doc = json_pack("{s:s,s:s,s:s,s:s,s:i,s:b,s:b,s:s,s:o}", "name", n.name, "bridge",
			 n.bridge, "subnet", subnet, "gateway",
			 n.no_gateway ? "" : net_ip_str(n.gateway, g), "mtu", n.mtu, "internal",
			 n.internal, "no_gateway", n.no_gateway, "ipam",
			 n.ipam_none ? "none" : "default", "containers", members(c, n.name));
	if (!*doc)
		return brig_errf(e, ENOMEM, "network inspect %s: out of memory", name);
	network_inspect6(*doc, &n);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct network_summary *)a)->name,
		      ((const struct network_summary *)b)->name);
}

int network_summaries(const struct brig_ctx *c, struct network_summary **v, size_t *n,
		      struct brig_err *e)
{
	cleanup_free struct net_network *all = NULL;
	struct network_summary *out;
	size_t count;

	if (network_list(c, &all, &count, e) < 0)
		return -e->code;
	if (!(out = calloc(count ? count : 1, sizeof(*out))))
		return brig_errf(e, ENOMEM, "network ls: out of memory");
	for (size_t i = 0; i < count; i++) {
		struct network_summary *s = &out[i];
		snprintf(s->name, sizeof(s->name), "%s", all[i].name);
		snprintf(s->bridge, sizeof(s->bridge), "%s", all[i].bridge);
		net_cidr_str(&all[i], s->subnet);
		if (!all[i].no_gateway)
			net_ip_str(all[i].gateway, s->gateway);
		s->mtu = all[i].mtu;
		s->internal = all[i].internal;
		s->no_gateway = all[i].no_gateway;
		s->ipam_none = all[i].ipam_none;
	}
	qsort(out, count, sizeof(*out), by_name);
	*v = out;
	*n = count;
	return 0;
}
