/* lab_probe.c - `lab pingall` and `lab perf` (lab.h): brig's own pinger,
 * sender and receiver (net/probe.h) run by helpers inside the nodes'
 * network namespaces (nsexec.h), so the images need neither ping nor
 * iperf3.
 *
 * pingall is two rounds of helpers, one per node and all at once: the
 * first lists each node's IPv4 and IPv6 addresses as its interfaces hold them now
 * (exec lines and routing daemons set most of them, not the topology
 * file), the second pings every other node's addresses. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "lab.h"
#include "lab_record.h"
#include "nsexec.h"
#include "parse.h"
#include "probe.h"
#include "probe_run.h"

/* ---- the helpers' functions (run in a node's namespace) ---- */

struct ping_job {
	struct probe_target *t;
	size_t n;
	struct probe_ping_opts o;
};

static int ping_targets(void *arg, struct nsexec_reply *r, struct brig_err *e)
{
	struct ping_job *j = arg;

	j->o.ident = (uint16_t)getpid();
	if (probe_ping(j->t, j->n, &j->o, e) < 0)
		return -e->code;
	return nsexec_send(r, j->t, j->n * sizeof(*j->t), e);
}

/* ---- pingall ---- */

/* What each node of the lab takes part with. */
struct pnode {
	const char *container;
	struct probe_addr *addrs;
	size_t n_addrs;
	struct ping_job job;
	struct nsexec_job h;
	size_t first; /* its first pair in res->pings */
};

static int note_error(struct lab_pingall *res, size_t i, const struct brig_err *err)
{
	if (!res->errors[i] && !(res->errors[i] = strdup(err->msg)))
		return -ENOMEM;
	return 0;
}

/* Round 1: every node's addresses (a node that fails keeps none). */
static void collect_addrs(const struct brig_ctx *c, struct pnode *p, struct lab_pingall *res)
{
	struct brig_err err;

	for (size_t i = 0; i < res->n_nodes; i++)
		if (nsexec_start(c, p[i].container, probe_run_list_addrs, NULL, &p[i].h, &err) < 0)
			note_error(res, i, &err);
	for (size_t i = 0; i < res->n_nodes; i++) {
		void *buf;
		size_t len;
		if (p[i].h.pid < 0)
			continue;
		if (nsexec_result(&p[i].h, &buf, &len, &err) < 0) {
			note_error(res, i, &err);
			continue;
		}
		p[i].addrs = buf;
		p[i].n_addrs = len / sizeof(struct probe_addr);
	}
}

/* The pairs of res, from-major, before any ping: every address of every
 * other node. */
static int plan_pings(struct pnode *p, struct lab_pingall *res, struct brig_err *e)
{
	size_t total = 0, k = 0;

	for (size_t i = 0; i < res->n_nodes; i++)
		total += p[i].n_addrs;
	res->pings = calloc(total * res->n_nodes + 1, sizeof(*res->pings));
	if (!res->pings)
		return brig_errf(e, ENOMEM, "out of memory");
	for (size_t i = 0; i < res->n_nodes; i++)
		for (size_t j = 0; j < res->n_nodes; j++)
			for (size_t a = 0; i != j && a < p[j].n_addrs; a++) {
				struct lab_ping *g = &res->pings[k++];
				g->from = i;
				g->to = j;
				snprintf(g->ifname, sizeof(g->ifname), "%s", p[j].addrs[a].ifname);
				g->addr = p[j].addrs[a].addr;
				g->v6 = p[j].addrs[a].v6;
				g->addr6 = p[j].addrs[a].addr6;
			}
	res->n_pings = k;
	return 0;
}

/* The targets of node i: its pairs' addresses, in order. */
static int targets_of(struct lab_pingall *res, size_t i, size_t *first, struct ping_job *j,
		      struct brig_err *e)
{
	size_t n = 0;

	*first = 0;
	while (*first < res->n_pings && res->pings[*first].from != i)
		++*first;
	while (*first + n < res->n_pings && res->pings[*first + n].from == i)
		n++;
	j->n = n;
	if (n && !(j->t = calloc(n, sizeof(*j->t))))
		return brig_errf(e, ENOMEM, "out of memory");
	for (size_t k = 0; k < n; k++) {
		j->t[k].addr = res->pings[*first + k].addr;
		j->t[k].v6 = res->pings[*first + k].v6;
		j->t[k].addr6 = res->pings[*first + k].addr6;
	}
	return 0;
}

static void take_results(struct lab_pingall *res, size_t first, const struct probe_target *t,
			 size_t n)
{
	for (size_t k = 0; k < n; k++) {
		struct lab_ping *g = &res->pings[first + k];
		g->sent = t[k].sent;
		g->received = t[k].received;
		g->rtt_min = t[k].rtt_min;
		g->rtt_avg = t[k].rtt_avg;
		g->rtt_max = t[k].rtt_max;
	}
}

/* Every ping of node i as sent and lost. */
static void all_lost(struct pnode *p, unsigned count)
{
	for (size_t k = 0; k < p->job.n; k++)
		p->job.t[k].sent = count;
}

/* Round 2: every node pings its targets; a node that cannot counts every
 * ping it should have sent as sent and lost. */
static int run_pings(const struct brig_ctx *c, struct pnode *p, struct lab_pingall *res,
		     const struct probe_ping_opts *po, struct brig_err *e)
{
	struct brig_err err;

	for (size_t i = 0; i < res->n_nodes; i++) {
		p[i].h.pid = p[i].h.fd = -1;
		if (targets_of(res, i, &p[i].first, &p[i].job, e) < 0)
			return -e->code;
		p[i].job.o = *po;
		if (p[i].job.n && !res->errors[i] &&
		    nsexec_start(c, p[i].container, ping_targets, &p[i].job, &p[i].h, &err) < 0)
			note_error(res, i, &err);
	}
	for (size_t i = 0; i < res->n_nodes; i++) {
		if (p[i].h.pid < 0) {
			all_lost(&p[i], po->count);
		} else if (nsexec_recv_fixed(&p[i].h, p[i].job.t, p[i].job.n * sizeof(*p[i].job.t), true,
				       &err) < 0) {
			note_error(res, i, &err);
			nsexec_abort(&p[i].h);
			all_lost(&p[i], po->count);
		}
		take_results(res, p[i].first, p[i].job.t, p[i].job.n);
	}
	return 0;
}

/* The lab's container nodes into res and p. */
static int lab_nodes(const struct lab_record *r, struct lab_pingall *res, struct pnode **p,
		     struct brig_err *e)
{
	res->nodes = calloc(r->n_nodes + 1, sizeof(*res->nodes));
	res->errors = calloc(r->n_nodes + 1, sizeof(*res->errors));
	*p = calloc(r->n_nodes + 1, sizeof(**p));
	if (!res->nodes || !res->errors || !*p)
		return brig_errf(e, ENOMEM, "out of memory");
	for (size_t i = 0; i < r->n_nodes; i++) {
		if (!*r->nodes[i].container)
			continue; /* a bridge */
		snprintf(res->nodes[res->n_nodes], LAB_NAME_MAX, "%s", r->nodes[i].name);
		(*p)[res->n_nodes].container = r->nodes[i].container;
		(*p)[res->n_nodes].h.pid = -1;
		res->n_nodes++;
	}
	return 0;
}

static void pnodes_free(struct pnode *p, size_t n)
{
	for (size_t i = 0; p && i < n; i++) {
		free(p[i].addrs);
		free(p[i].job.t);
	}
	free(p);
}

int lab_pingall(const struct brig_ctx *c, const char *name, const struct lab_pingall_opts *o,
		struct lab_pingall *res, struct brig_err *e)
{
	struct probe_ping_opts po = {o->count ? o->count : 3, o->interval_ms ? o->interval_ms : 200,
				     o->timeout_ms ? o->timeout_ms : 1000, 0};
	struct pnode *p = NULL;
	struct lab_record r;
	int rc;

	memset(res, 0, sizeof(*res));
	if (lab_record_load(c, name, &r, e) < 0)
		return -e->code;
	rc = lab_nodes(&r, res, &p, e);
	if (rc == 0) {
		collect_addrs(c, p, res);
		rc = plan_pings(p, res, e);
	}
	if (rc == 0)
		rc = run_pings(c, p, res, &po, e);
	for (size_t i = 0; rc == 0 && i < res->n_pings; i++) {
		res->sent += res->pings[i].sent;
		res->received += res->pings[i].received;
	}
	pnodes_free(p, res->n_nodes);
	lab_record_free(&r);
	if (rc < 0)
		lab_pingall_free(res);
	return rc;
}

void lab_pingall_free(struct lab_pingall *res)
{
	for (size_t i = 0; res->errors && i < res->n_nodes; i++)
		free(res->errors[i]);
	free(res->errors);
	free(res->nodes);
	free(res->pings);
	memset(res, 0, sizeof(*res));
}

/* ---- perf ---- */

static const struct lab_rec_node *find_node(const struct lab_record *r, const char *name,
					    struct brig_err *e)
{
	for (size_t i = 0; i < r->n_nodes; i++)
		if (strcmp(r->nodes[i].name, name) == 0 && *r->nodes[i].container)
			return &r->nodes[i];
	brig_errf(e, ENOENT, "lab %s has no container node '%s'", r->name, name);
	return NULL;
}

/* b's end of a link between a and b, or NULL. */
static const char *link_end(const struct lab_record *r, const char *a, const char *b)
{
	for (size_t i = 0; i < r->n_links; i++) {
		const struct lab_rec_link *l = &r->links[i];
		if (!l->a.node || !l->b.node)
			continue;
		if (strcmp(l->a.node, a) == 0 && strcmp(l->b.node, b) == 0)
			return l->b.ifname;
		if (strcmp(l->b.node, a) == 0 && strcmp(l->a.node, b) == 0)
			return l->a.ifname;
	}
	return NULL;
}

/* The receiver's address (of o->v6's family): on b's end of a direct
 * link, else on its management interface (eth0). */
static int pick_address(const struct brig_ctx *c, const struct lab_record *r,
			const struct lab_rec_node *a, const struct lab_rec_node *b,
			struct probe_perf_opts *o, struct brig_err *e)
{
	cleanup_free struct probe_addr *v = NULL;
	const char *want[] = {link_end(r, a->name, b->name), "eth0"};
	size_t n;

	if (probe_run_addrs(c, b->container, &v, &n, e) < 0)
		return brig_err_ctx(e, "node %s", b->name);
	for (size_t k = 0; k < ARRAY_SIZE(want); k++)
		for (size_t i = 0; want[k] && i < n; i++)
			if (strcmp(v[i].ifname, want[k]) == 0 && v[i].v6 == o->v6) {
				o->addr = v[i].addr;
				o->addr6 = v[i].addr6;
				return 0;
			}
	return brig_errf(e, EADDRNOTAVAIL,
			 "node %s has no IPv%c address on a link to %s or on eth0 (try --address)",
			 b->name, o->v6 ? '6' : '4', a->name);
}

static void fill_perf(struct lab_perf *res, const struct probe_perf_result *rx,
		      const struct probe_perf_result *tx)
{
	res->bytes = rx->bytes;
	res->bits_per_sec = rx->bits_per_sec;
	res->retransmits = tx->retransmits;
	res->rtt_ms = tx->rtt_ms;
	res->datagrams = rx->datagrams;
	res->lost = rx->lost;
	res->jitter_ms = rx->jitter_ms;
	res->sent_datagrams = tx->datagrams;
	if (res->udp && tx->datagrams > rx->datagrams) /* the tail lost too */
		res->lost = tx->datagrams - rx->datagrams;
}

static int measure(const struct brig_ctx *c, const struct lab_rec_node *a,
		   const struct lab_rec_node *b, struct probe_perf_opts *o, struct lab_perf *res,
		   struct brig_err *e)
{
	struct probe_perf_result rxr, txr;

	if (probe_run_perf(c, b->container, a->container, o, &rxr, &txr, e) < 0)
		return brig_err_ctx(e, "perf %s -> %s", a->name, b->name);
	fill_perf(res, &rxr, &txr);
	return 0;
}

static int perf_check(const struct lab_perf_opts *o, struct brig_err *e)
{
	if (o->udp && o->rate == 0)
		return brig_errf(e, EINVAL, "perf: --udp needs --rate");
	if (!o->udp && o->rate)
		return brig_errf(e, EINVAL, "perf: --rate is for --udp");
	return 0;
}

/* --address: IPv4 or IPv6; the family it names wins over --ipv6. */
static int parse_address(const char *s, struct probe_perf_opts *o, struct brig_err *e)
{
	struct brig_err ignored;

	if (net_parse_ip(s, &o->addr, &ignored) == 0) {
		o->v6 = false;
		return 0;
	}
	if (!strchr(s, ':'))
		return brig_errf(e, EINVAL, "perf: invalid --address '%.64s'", s);
	o->v6 = true;
	return net_parse_ip6(s, &o->addr6, e) < 0 ? brig_err_ctx(e, "perf: --address") : 0;
}

static void address_str(const struct probe_perf_opts *o, struct lab_perf *res)
{
	if (o->v6)
		net_ip6_str(&o->addr6, res->address);
	else
		net_ip_str(o->addr, res->address);
}

int lab_perf(const struct brig_ctx *c, const char *name, const char *a, const char *b,
	     const struct lab_perf_opts *o, struct lab_perf *res, struct brig_err *e)
{
	struct probe_perf_opts po = {.udp = o->udp, .v6 = o->ipv6,
				     .seconds = o->seconds ? o->seconds : 5, .rate = o->rate};
	const struct lab_rec_node *na, *nb;
	struct lab_record r;
	int rc = -EINVAL;

	memset(res, 0, sizeof(*res));
	if (perf_check(o, e) < 0 || (o->address && parse_address(o->address, &po, e) < 0))
		return -e->code;
	if (lab_record_load(c, name, &r, e) < 0)
		return -e->code;
	if (!(na = find_node(&r, a, e)) || !(nb = find_node(&r, b, e))) {
		rc = -e->code;
		goto out;
	}
	if (na == nb) {
		rc = brig_errf(e, EINVAL, "perf: the sender and the receiver are both %s", a);
		goto out;
	}
	if (!o->address && (rc = pick_address(c, &r, na, nb, &po, e)) < 0)
		goto out;
	snprintf(res->from, sizeof(res->from), "%s", a);
	snprintf(res->to, sizeof(res->to), "%s", b);
	address_str(&po, res);
	res->udp = o->udp;
	res->seconds = po.seconds;
	rc = measure(c, na, nb, &po, res, e);
out:
	lab_record_free(&r);
	return rc < 0 ? rc : 0;
}
