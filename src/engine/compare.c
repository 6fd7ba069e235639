/* compare.c - `brig compare` (compare.h).
 *
 * Three peers first: one on the default network, one on a user network
 * made for the comparison, and one of mode none for the point-to-point
 * pair.  Then, one mode after the other, a container of that mode is
 * started (timed), wired when it is the p2p one, and probed from inside
 * its namespace: its interface names and pings to its five targets in one
 * helper, then TCP throughput from it to its peer when the peer answered.
 * Last, every container and the network are removed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "compare.h"
#include "container.h"
#include "image.h"
#include "lifecycle.h"
#include "bridge.h"
#include "link.h"
#include "monitor.h"
#include "network.h"
#include "nsexec.h"
#include "parse.h"
#include "probe_run.h"
#include "proc.h"
#include "spec_parse.h"
#include "state.h"
#include "warn.h"

/* The point-to-point pair's ends: a /30 of IPv4 link-local space, which
 * nothing else in either namespace has. */
#define P2P_ADDR 0xa9fe0001u /* 169.254.0.1: the p2p mode's container */
#define P2P_PEER 0xa9fe0002u /* 169.254.0.2: its peer */
#define P2P_PREFIX 30

/* The user network's subnet: the first free 10.89.K.0/24. */
#define NET_BASE 0x0a590000u /* 10.89.0.0 */

static const char *const mode_names[COMPARE_MODES] = {"none",	   "host",	"bridge",
						      "network", "container", "p2p"};
static const char *const target_names[COMPARE_TARGETS] = {"loopback", "peer", "gateway", "host",
							  "uplink"};
static const char *const netns_names[] = {"own", "host's", "peer's"};

const char *compare_mode_name(enum compare_mode m)
{
	return m < COMPARE_MODES ? mode_names[m] : "?";
}

const char *compare_target_name(enum compare_target t)
{
	return t < COMPARE_TARGETS ? target_names[t] : "?";
}

const char *compare_netns_name(enum compare_netns n)
{
	return n <= COMPARE_NETNS_PEER ? netns_names[n] : "?";
}

/* A peer container: its name and the address its row pings. */
struct peer {
	char name[64];
	uint32_t addr;
};

/* One comparison's state: what it made, so it can all be removed. */
struct cmp {
	const struct brig_ctx *c;
	const struct compare_opts *o;
	const char *image;
	char prefix[32]; /* brig-compare-PID: the names of all it makes */
	char label[64];	 /* brig.compare=PREFIX */
	char ids[2 * COMPARE_MODES][BRIG_ID_LEN + 1];
	size_t n_ids;
	char net[NET_NAME_MAX]; /* the user network, "" until made */
	uint32_t gateway, net_gateway, hostaddr, uplink;
	struct peer peer, netpeer, p2p;
	ino_t host_ns, peer_ns;
};

/* ---- containers ---- */

/* Create container name on network and have its monitor start it; *ms
 * gets the time that took. */
static int launch(struct cmp *m, const char *name, const char *network, double *ms,
		  struct brig_err *e)
{
	static char arg[] = "86400";
	char *argv[] = {arg, NULL}, *labels[] = {m->label, NULL};
	struct container_spec s = {0};
	struct container ct;
	int64_t t0 = now_ns();
	int code, r;

	s.name = name;
	s.image = m->image;
	s.entrypoint = "sleep";
	s.argv = argv;
	s.detach = true;
	s.labels = labels;
	s.n_labels = 1;
	snprintf(s.nets[0].name, sizeof(s.nets[0].name), "%s", network);
	s.n_nets = 1;
	if (spec_validate(&s, e) < 0 || container_create(m->c, &s, &ct, e) < 0)
		return brig_err_ctx(e, "%s", name);
	snprintf(m->ids[m->n_ids++], BRIG_ID_LEN + 1, "%s", ct.id);
	r = monitor_launch(m->c, &ct, &code, e);
	container_free(&ct);
	if (r < 0)
		return brig_err_ctx(e, "%s", name);
	*ms = (double)(now_ns() - t0) / 1e6;
	return 0;
}

static int running_pid(const struct cmp *m, const char *name, pid_t *pid, struct brig_err *e)
{
	char id[BRIG_ID_LEN + 1];
	int r = container_find(m->c, name, id, pid, e);

	if (r == 0)
		return brig_errf(e, ESRCH, "%s is not running", name);
	return r < 0 ? r : 0;
}

/* The inode of name's network namespace: who shares it. */
static int netns_inode(const struct cmp *m, const char *name, ino_t *ino, struct brig_err *e)
{
	char path[64];
	struct stat st;
	pid_t pid = getpid();

	if (name && running_pid(m, name, &pid, e) < 0)
		return -e->code;
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	if (stat(path, &st) < 0)
		return brig_errno(e, "stat %s", path);
	*ino = st.st_ino;
	return 0;
}

/* name's first network address, as its record says. */
static int address_of(const struct cmp *m, const char *name, uint32_t *addr, struct brig_err *e)
{
	char id[BRIG_ID_LEN + 1];
	struct container_state st;

	if (state_resolve(m->c, name, id, e) < 0 || state_load(m->c, id, NULL, &st, e) < 0)
		return brig_err_ctx(e, "%s", name);
	if (st.n_nets == 0 || st.nets[0].address == 0)
		return brig_errf(e, EADDRNOTAVAIL, "%s has no address", name);
	*addr = st.nets[0].address;
	return 0;
}

static int start_peer(struct cmp *m, struct peer *p, const char *suffix, const char *network,
		      struct brig_err *e)
{
	double ms;

	snprintf(p->name, sizeof(p->name), "%s-%s", m->prefix, suffix);
	if (launch(m, p->name, network, &ms, e) < 0)
		return -e->code;
	return strcmp(network, "none") == 0 ? 0 : address_of(m, p->name, &p->addr, e);
}

/* ---- setup ---- */

static int gateway_of(const struct cmp *m, const char *network, uint32_t *gw, struct brig_err *e)
{
	struct net_network n;

	if (network_load(m->c, network, &n, e) < 0)
		return -e->code;
	*gw = n.no_gateway ? 0 : n.gateway;
	return 0;
}

/* The user network, on the first 10.89.K.0/24 no other network or host
 * route has. */
static int make_network(struct cmp *m, struct brig_err *e)
{
	char subnet[24], bridge[16], ip[16];

	snprintf(bridge, sizeof(bridge), "brcmp%d", (int)getpid());
	for (uint32_t k = 0; k < 256; k++) {
		struct network_request req = {.name = m->prefix, .subnet = subnet, .bridge = bridge};
		int r;
		snprintf(subnet, sizeof(subnet), "%s/24", net_ip_str(NET_BASE + (k << 8), ip));
		r = network_create_request(m->c, &req, e);
		if (r == 0) {
			snprintf(m->net, sizeof(m->net), "%s", m->prefix);
			return gateway_of(m, m->net, &m->net_gateway, e);
		}
		if (r != -EEXIST && r != -EADDRINUSE)
			return brig_err_ctx(e, "network %s", m->prefix);
	}
	return brig_errf(e, EADDRINUSE, "no free /24 in 10.89.0.0/16 for network %s", m->prefix);
}

/* The host's targets: its default gateway (or --uplink) and its address
 * toward it. */
static int host_targets(struct cmp *m, struct brig_err *e)
{
	if (m->o->uplink && net_parse_ip(m->o->uplink, &m->uplink, e) < 0)
		return brig_err_ctx(e, "--uplink");
	if (!m->uplink && net_default_gateway(&m->uplink, e) < 0)
		return brig_err_ctx(e, "the host's default route");
	if (m->uplink && probe_source(m->uplink, &m->hostaddr, e) < 0)
		return brig_err_ctx(e, "the host's address");
	return 0;
}

static int setup(struct cmp *m, struct brig_err *e)
{
	char id[BRIG_ID_LEN + 1];

	if (image_find(m->c, m->image, id, e) < 0)
		return brig_errf(e, ENOENT,
				 "no image '%s': import one (brig image import FILE %s) or name "
				 "one with --image",
				 m->image, m->image);
	if (host_targets(m, e) < 0 || start_peer(m, &m->peer, "peer", DEFAULT_NETWORK, e) < 0 ||
	    gateway_of(m, DEFAULT_NETWORK, &m->gateway, e) < 0 ||
	    netns_inode(m, NULL, &m->host_ns, e) < 0 ||
	    netns_inode(m, m->peer.name, &m->peer_ns, e) < 0 || make_network(m, e) < 0 ||
	    start_peer(m, &m->netpeer, "netpeer", m->net, e) < 0 ||
	    start_peer(m, &m->p2p, "p2p-peer", "none", e) < 0)
		return -e->code;
	m->p2p.addr = P2P_PEER;
	return 0;
}

static void warn_error(void *arg, const struct brig_err *e)
{
	(void)arg;
	brig_warn("compare: clean up: %s", e->msg);
}

static void teardown(struct cmp *m)
{
	char *ids[2 * COMPARE_MODES + 1] = {0};
	struct brig_err e;

	for (size_t i = 0; i < m->n_ids; i++)
		ids[i] = m->ids[i];
	container_kill_remove_all(m->c, ids, warn_error, NULL);
	if (*m->net && network_remove(m->c, m->net, &e) < 0)
		warn_error(NULL, &e);
}

/* ---- one mode ---- */

/* The p2p mode's container and its peer joined by a veth pair, eth0 at
 * both ends; *ms gets the time that took on top. */
static int wire_p2p(struct cmp *m, const char *name, double *ms, struct brig_err *e)
{
	struct net_end a = {.ifname = "eth0", .addr = P2P_ADDR, .prefix = P2P_PREFIX};
	struct net_end b = {.ifname = "eth0", .addr = P2P_PEER, .prefix = P2P_PREFIX};
	cleanup_close int a_ns = -1, b_ns = -1;
	int64_t t0 = now_ns();
	pid_t pa, pb;

	if (running_pid(m, name, &pa, e) < 0 || running_pid(m, m->p2p.name, &pb, e) < 0 ||
	    (a_ns = proc_ns_open(pa, "net", e)) < 0 || (b_ns = proc_ns_open(pb, "net", e)) < 0)
		return -e->code;
	a.netns = a_ns;
	b.netns = b_ns;
	if (net_wire_create(&a, &b, 0, e) < 0)
		return brig_err_ctx(e, "wire %s to %s", name, m->p2p.name);
	*ms += (double)(now_ns() - t0) / 1e6;
	return 0;
}

/* What mode's container is attached to, and its peer and gateway. */
static void plan_row(const struct cmp *m, enum compare_mode mode, struct compare_row *row)
{
	const struct peer *p = mode == COMPARE_NETWORK ? &m->netpeer
			       : mode == COMPARE_P2P   ? &m->p2p
						       : &m->peer;
	const char *net[COMPARE_MODES] = {"none", "host", DEFAULT_NETWORK, m->net, NULL, "none"};

	row->mode = mode;
	if (mode == COMPARE_CONTAINER)
		snprintf(row->network, sizeof(row->network), "container:%s", m->peer.name);
	else
		snprintf(row->network, sizeof(row->network), "%s", net[mode]);
	snprintf(row->peer, sizeof(row->peer), "%s", p->name);
	row->reach[COMPARE_LOOPBACK].addr = 0x7f000001u;
	row->reach[COMPARE_PEER].addr = p->addr;
	row->reach[COMPARE_GATEWAY].addr = mode == COMPARE_NETWORK ? m->net_gateway : m->gateway;
	row->reach[COMPARE_HOSTADDR].addr = m->hostaddr;
	row->reach[COMPARE_UPLINK].addr = m->uplink;
}

/* What the helper in the mode's container does: the interface names
 * (frame 1), then pings to the targets that have an address (frame 2). */
struct row_job {
	struct probe_target t[COMPARE_TARGETS];
	size_t n;
	struct probe_ping_opts o;
};

static int probe_row(void *arg, struct nsexec_reply *r, struct brig_err *e)
{
	struct row_job *j = arg;
	cleanup_free char(*v)[16] = NULL;
	size_t n;

	j->o.ident = (uint16_t)getpid();
	if (probe_ifnames(&v, &n, e) < 0 || nsexec_send(r, v, n * sizeof(*v), e) < 0 ||
	    probe_ping(j->t, j->n, &j->o, e) < 0)
		return -e->code;
	return nsexec_send(r, j->t, sizeof(j->t), e);
}

static int read_row(struct nsexec_job *h, struct compare_row *row, struct row_job *j,
		    struct brig_err *e)
{
	void *buf = NULL;
	size_t len;
	int r = nsexec_recv(h, &buf, &len, e);

	if (r <= 0)
		return r < 0 ? r : brig_errf(e, EIO, "the helper ended early");
	row->ifnames = buf;
	row->n_ifnames = len / sizeof(*row->ifnames);
	return nsexec_recv_fixed(h, j->t, sizeof(j->t), true, e);
}

/* Interfaces and reachability, from inside name's namespace. */
static int probe_reach(const struct cmp *m, const char *name, struct compare_row *row,
		       struct brig_err *e)
{
	struct row_job j = {.o = {.count = 3, .interval_ms = 50, .timeout_ms = 500}};
	size_t which[COMPARE_TARGETS];
	struct nsexec_job h;

	for (size_t k = 0; k < COMPARE_TARGETS; k++)
		if (row->reach[k].addr) {
			which[j.n] = k;
			j.t[j.n++].addr = row->reach[k].addr;
		}
	if (nsexec_start(m->c, name, probe_row, &j, &h, e) < 0)
		return -e->code;
	if (read_row(&h, row, &j, e) < 0) {
		nsexec_abort(&h);
		return -e->code;
	}
	for (size_t i = 0; i < j.n; i++) {
		struct compare_reach *r = &row->reach[which[i]];
		r->sent = j.t[i].sent;
		r->received = j.t[i].received;
		r->rtt_ms = j.t[i].rtt_avg;
	}
	return 0;
}

static int throughput(const struct cmp *m, const char *name, struct compare_row *row,
		      struct brig_err *e)
{
	struct probe_perf_opts po = {.addr = row->reach[COMPARE_PEER].addr,
				     .seconds = m->o->seconds ? m->o->seconds : 1};
	struct probe_perf_result rx, tx;

	if (probe_run_perf(m->c, row->peer, name, &po, &rx, &tx, e) < 0)
		return brig_err_ctx(e, "throughput to %s", row->peer);
	row->bits_per_sec = rx.bits_per_sec;
	row->retransmits = tx.retransmits;
	return 0;
}

static int run_row(struct cmp *m, enum compare_mode mode, struct compare_row *row,
		   struct brig_err *e)
{
	char name[64];
	ino_t ino;

	plan_row(m, mode, row);
	snprintf(name, sizeof(name), "%s-%s", m->prefix, mode_names[mode]);
	if (launch(m, name, row->network, &row->start_ms, e) < 0 ||
	    (mode == COMPARE_P2P && wire_p2p(m, name, &row->start_ms, e) < 0) ||
	    netns_inode(m, name, &ino, e) < 0)
		return -e->code;
	row->netns = ino == m->host_ns	 ? COMPARE_NETNS_HOST
		     : ino == m->peer_ns ? COMPARE_NETNS_PEER
					 : COMPARE_NETNS_OWN;
	if (probe_reach(m, name, row, e) < 0)
		return brig_err_ctx(e, "probe %s", name);
	if (row->reach[COMPARE_PEER].received && throughput(m, name, row, e) < 0)
		return -e->code;
	return 0;
}

static bool stopped(const struct compare_opts *o)
{
	return o->stop && *o->stop;
}

int compare_run(const struct brig_ctx *c, const struct compare_opts *o, struct compare_result *res,
		struct brig_err *e)
{
	struct cmp m = {.c = c, .o = o, .image = o->image ? o->image : "busybox"};
	int rc;

	memset(res, 0, sizeof(*res));
	snprintf(m.prefix, sizeof(m.prefix), "brig-compare-%d", (int)getpid());
	snprintf(m.label, sizeof(m.label), "%s=%s", COMPARE_LABEL, m.prefix);
	rc = setup(&m, e);
	for (int mode = 0; rc == 0 && mode < COMPARE_MODES && !stopped(o); mode++) {
		struct compare_row *row = &res->rows[res->n_rows++];
		struct brig_err err;
		if (run_row(&m, (enum compare_mode)mode, row, &err) < 0)
			snprintf(row->error, sizeof(row->error), "%s", err.msg);
	}
	teardown(&m);
	return rc < 0 ? brig_err_ctx(e, "compare") : 0;
}

void compare_free(struct compare_result *res)
{
	for (size_t i = 0; i < res->n_rows; i++)
		free(res->rows[i].ifnames);
	memset(res, 0, sizeof(*res));
}
