/* cmd_lab_probe.c - brig lab pingall and brig lab perf: reachability and
 * throughput between a lab's nodes, measured by brig itself from inside
 * their network namespaces (src/engine/lab_probe.c). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "lab.h"
#include "opt.h"
#include "probe_fmt.h"
#include "util.h"

/* ---- pingall ---- */

struct pingall_opts {
	unsigned count;
	bool json;
};

static int set_count(void *field, const char *arg, struct brig_err *e)
{
	uint64_t v;

	if (parse_uint(arg, 100, &v, e) < 0 || v == 0)
		return brig_errf(e, EINVAL, "invalid --count '%s': a number from 1 to 100", arg);
	*(unsigned *)field = (unsigned)v;
	return 0;
}

static const struct opt pingall_rows[] = {
    {"count", 'c', "N", "echo requests per address (default: 3)", set_count,
     offsetof(struct pingall_opts, count)},
    OPT_FORMAT_ROW(struct pingall_opts, json),
    {NULL},
};

static const struct opt_spec pingall_spec = {
    .prog = "lab pingall",
    .usage = "brig lab pingall LAB [--count N] [--format table|json]",
    .about = "Every node pings every IPv4 and IPv6 address (links and management; not\n"
	     "link-local ones) of every other node, all at once, from inside the nodes' namespaces: the images need no\n"
	     "ping.  Prints a matrix (a node's name: every echo came back; X: none did),\n"
	     "each address's loss and RTT, and \"Results: X% dropped (r/s received)\".\n"
	     "Exits 0 whatever was lost, as Mininet's pingall; 125 when it could not\n"
	     "run.\n",
    .opts = pingall_rows,
    .needs = "lab name",
    .permute = true,
};

static json_t *ping_doc(const struct lab_pingall *r, const struct lab_ping *g)
{
	char ip[PROBE_FMT_ADDR_MAX];

	return json_pack("{s:s,s:s,s:s,s:s,s:i,s:i,s:i,s:f,s:f,s:f}", "from", r->nodes[g->from],
			 "to", r->nodes[g->to], "address", probe_fmt_ping_addr(g, ip), "interface",
			 g->ifname, "sent", (int)g->sent, "received", (int)g->received,
			 "loss_percent", (int)probe_drop_percent(g->sent, g->received),
			 "rtt_min_ms", g->rtt_min, "rtt_avg_ms", g->rtt_avg, "rtt_max_ms",
			 g->rtt_max);
}

static void pingall_json(const char *lab, const struct lab_pingall *r)
{
	json_auto_t *doc = NULL;
	json_t *nodes = json_array(), *pings = json_array(), *errors = json_object();

	for (size_t i = 0; i < r->n_nodes; i++) {
		json_array_append_new(nodes, json_string(r->nodes[i]));
		if (r->errors[i])
			json_object_set_new(errors, r->nodes[i], json_string(r->errors[i]));
	}
	for (size_t k = 0; k < r->n_pings; k++)
		json_array_append_new(pings, ping_doc(r, &r->pings[k]));
	doc = json_pack("{s:s,s:o,s:o,s:o,s:i,s:i,s:i}", "lab", lab, "nodes", nodes, "pings", pings,
			"errors", errors, "sent", (int)r->sent, "received", (int)r->received,
			"dropped_percent", (int)probe_drop_percent(r->sent, r->received));
	json_dumpf(doc, stdout, JSON_INDENT(2));
	putchar('\n');
}

static void pingall_table(const struct lab_pingall *r)
{
	char line[4096], ip[PROBE_FMT_ADDR_MAX];
	int w = 15; /* an IPv4 address, or the widest address pinged */

	for (size_t k = 0; k < r->n_pings; k++) {
		int len = (int)strlen(probe_fmt_ping_addr(&r->pings[k], ip));
		w = len > w ? len : w;
	}
	for (size_t i = 0; i < r->n_nodes; i++)
		printf("%s\n", probe_fmt_matrix_line(r, i, line, sizeof(line)));
	printf("\n%-16s %-16s %-*s %-10s %5s %5s %5s  %s\n", "FROM", "TO", w, "ADDRESS",
	       "INTERFACE", "SENT", "RECV", "LOSS", "RTT MIN/AVG/MAX");
	for (size_t k = 0; k < r->n_pings; k++) {
		const struct lab_ping *g = &r->pings[k];
		char loss[8], rtt[64] = "-";
		snprintf(loss, sizeof(loss), "%u%%", probe_drop_percent(g->sent, g->received));
		if (g->received)
			snprintf(rtt, sizeof(rtt), "%.3f/%.3f/%.3f ms", g->rtt_min, g->rtt_avg,
				 g->rtt_max);
		printf("%-16s %-16s %-*s %-10s %5u %5u %5s  %s\n", r->nodes[g->from],
		       r->nodes[g->to], w, probe_fmt_ping_addr(g, ip), g->ifname, g->sent,
		       g->received, loss, rtt);
	}
	printf("\nResults: %u%% dropped (%u/%u received)\n",
	       probe_drop_percent(r->sent, r->received), r->received, r->sent);
}

int cmd_lab_pingall(struct brig_ctx *c, int argc, char **argv)
{
	struct pingall_opts o = {0};
	struct lab_pingall_opts po = {0};
	struct lab_pingall r;
	char name[LAB_NAME_MAX];
	struct brig_err e;
	int first = opt_parse(&pingall_spec, argc, argv, &o, &e);

	if (first <= 0)
		return opt_status(first, &e);
	if (argc - first != 1)
		return brig_fail("lab pingall: exactly one LAB (see 'brig lab pingall --help')");
	po.count = o.count;
	if (lab_resolve(argv[first], name, &e) < 0 || lab_pingall(c, name, &po, &r, &e) < 0)
		return opt_status(-1, &e);
	for (size_t i = 0; i < r.n_nodes; i++)
		if (r.errors[i])
			fprintf(stderr, "brig: warning: %s: %s\n", r.nodes[i], r.errors[i]);
	if (o.json)
		pingall_json(name, &r);
	else
		pingall_table(&r);
	lab_pingall_free(&r);
	return 0;
}

/* ---- perf ---- */

struct perf_cli {
	struct lab_perf_opts o;
	bool json;
};

static int set_seconds(void *field, const char *arg, struct brig_err *e)
{
	uint64_t v;

	if (parse_uint(arg, 3600, &v, e) < 0 || v == 0)
		return brig_errf(e, EINVAL, "invalid --seconds '%s': a number from 1 to 3600", arg);
	*(unsigned *)field = (unsigned)v;
	return 0;
}

static int set_rate(void *field, const char *arg, struct brig_err *e)
{
	if (probe_parse_rate(arg, field, e) < 0)
		return brig_err_ctx(e, "--rate");
	return 0;
}

static const struct opt perf_rows[] = {
    {"seconds", 't', "S", "send for S seconds (default: 5)", set_seconds,
     offsetof(struct perf_cli, o.seconds)},
    {"udp", 'u', NULL, "UDP at --rate instead of TCP", opt_true, offsetof(struct perf_cli, o.udp)},
    {"rate", 'b', "R", "UDP: bits/s to send, e.g. 10M, 1G", set_rate,
     offsetof(struct perf_cli, o.rate)},
    {"address", 0, "IP",
     "the receiver's address, IPv4 or IPv6 (default: its end\n"
     "of a link between the nodes, else its management address)",
     opt_string, offsetof(struct perf_cli, o.address)},
    {"ipv6", '6', NULL, "over IPv6: the receiver's IPv6 address of that choice",
     opt_true, offsetof(struct perf_cli, o.ipv6)},
    OPT_FORMAT_ROW(struct perf_cli, json),
    {NULL},
};

static const struct opt_spec perf_spec = {
    .prog = "lab perf",
    .usage = "brig lab perf LAB NODE NODE [--seconds S] [--udp --rate R] [--address IP]\n"
	     "       [-6|--ipv6] [--format table|json]",
    .about = "Measure throughput from the first node to the second with brig's own\n"
	     "sender and receiver in the nodes' namespaces (no iperf3 in the images):\n"
	     "the rate the receiver counted, the sender's retransmits and RTT (TCP), or\n"
	     "loss and jitter (UDP).\n",
    .opts = perf_rows,
    .needs = "lab name",
    .permute = true,
};

static void perf_json(const char *lab, const struct lab_perf *p)
{
	json_auto_t *doc = json_pack("{s:s,s:s,s:s,s:s,s:s,s:i,s:I,s:f}", "lab", lab, "from",
				     p->from, "to", p->to, "address", p->address, "protocol",
				     p->udp ? "udp" : "tcp", "seconds", (int)p->seconds, "bytes",
				     (json_int_t)p->bytes, "bits_per_second", p->bits_per_sec);

	if (p->udp) {
		json_object_set_new(doc, "datagrams", json_integer((json_int_t)p->datagrams));
		json_object_set_new(doc, "sent_datagrams",
				    json_integer((json_int_t)p->sent_datagrams));
		json_object_set_new(doc, "lost", json_integer((json_int_t)p->lost));
		json_object_set_new(doc, "jitter_ms", json_real(p->jitter_ms));
	} else {
		json_object_set_new(doc, "retransmits", json_integer(p->retransmits));
		json_object_set_new(doc, "rtt_ms", json_real(p->rtt_ms));
	}
	json_dumpf(doc, stdout, JSON_INDENT(2));
	putchar('\n');
}

static void perf_line(const struct lab_perf *p)
{
	char rate[32];

	probe_fmt_rate(p->bits_per_sec, rate, sizeof(rate));
	if (p->udp)
		printf("%s -> %s (%s): %s, %llu/%llu datagrams lost, jitter %.3f ms (UDP)\n",
		       p->from, p->to, p->address, rate, (unsigned long long)p->lost,
		       (unsigned long long)p->sent_datagrams, p->jitter_ms);
	else
		printf("%s -> %s (%s): %s, %u retransmits, rtt %.2f ms\n", p->from, p->to,
		       p->address, rate, p->retransmits, p->rtt_ms);
}

int cmd_lab_perf(struct brig_ctx *c, int argc, char **argv)
{
	struct perf_cli o = {0};
	struct lab_perf res;
	char name[LAB_NAME_MAX];
	struct brig_err e;
	int first = opt_parse(&perf_spec, argc, argv, &o, &e);

	if (first <= 0)
		return opt_status(first, &e);
	if (argc - first != 3)
		return brig_fail("lab perf: a LAB and two NODEs (see 'brig lab perf --help')");
	if (lab_resolve(argv[first], name, &e) < 0 ||
	    lab_perf(c, name, argv[first + 1], argv[first + 2], &o.o, &res, &e) < 0)
		return opt_status(-1, &e);
	if (o.json)
		perf_json(name, &res);
	else
		perf_line(&res);
	return 0;
}
