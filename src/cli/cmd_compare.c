/* cmd_compare.c - brig compare: the network modes side by side
 * (src/engine/compare.c). */
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "compare.h"
#include "opt.h"
#include "probe_fmt.h"
#include "util.h"

struct compare_cli {
	struct compare_opts o;
	bool json;
};

static int set_seconds(void *field, const char *arg, struct brig_err *e)
{
	uint64_t v;

	if (parse_uint(arg, 60, &v, e) < 0 || v == 0)
		return brig_errf(e, EINVAL, "invalid --seconds '%s': a number from 1 to 60", arg);
	*(unsigned *)field = (unsigned)v;
	return 0;
}

static const struct opt compare_rows[] = {
    {"image", 0, "IMAGE", "the image of every container (default: busybox); it\n"
			  "needs sleep, nothing else",
     opt_string, offsetof(struct compare_cli, o.image)},
    {"seconds", 't', "S", "each throughput test's length (default: 1)", set_seconds,
     offsetof(struct compare_cli, o.seconds)},
    {"uplink", 0, "IP", "the uplink to ping (default: the host's default gateway)",
     opt_string, offsetof(struct compare_cli, o.uplink)},
    OPT_FORMAT_ROW(struct compare_cli, json),
    {NULL},
};

static const struct opt_spec compare_spec = {
    .prog = "compare",
    .usage = "brig compare [--image IMAGE] [--seconds S] [--uplink IP] [--format table|json]",
    .about = "Start a container in each network mode - none, host, bridge (the default\n"
	     "network), a user network, container: (sharing a peer's namespace) and a\n"
	     "point-to-point veth pair - and probe each from inside its namespace: start\n"
	     "time, interfaces, whether it reaches its loopback, a peer container, the\n"
	     "gateway, the host and the uplink (through NAT), RTT and TCP throughput to\n"
	     "the peer, and whose network namespace it has.  Everything it starts is\n"
	     "removed at the end.  Exits 0 when every mode was measured, 1 when one\n"
	     "could not be, 125 when the comparison could not run.\n",
    .opts = compare_rows,
};

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
	(void)sig;
	stop = 1;
}

/* Ctrl-C ends the mode being measured and removes what was started. */
static void catch_stops(void)
{
	struct sigaction sa = {.sa_handler = on_stop};

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* ---- output ---- */

static bool reached(const struct compare_reach *r)
{
	return r->received > 0;
}

static json_t *reach_doc(const struct compare_reach *r)
{
	char ip[16];

	if (!r->addr)
		return json_pack("{s:n,s:b}", "address", "reachable", 0);
	return json_pack("{s:s,s:b,s:i,s:i,s:f}", "address", probe_fmt_ip(r->addr, ip), "reachable",
			 reached(r), "sent", (int)r->sent, "received", (int)r->received, "rtt_ms",
			 r->rtt_ms);
}

static json_t *row_doc(const struct compare_row *w)
{
	json_t *ifs = json_array(), *reach = json_object();

	for (size_t i = 0; i < w->n_ifnames; i++)
		json_array_append_new(ifs, json_string(w->ifnames[i]));
	for (int t = 0; t < COMPARE_TARGETS; t++)
		json_object_set_new(reach, compare_target_name(t), reach_doc(&w->reach[t]));
	return json_pack("{s:s,s:s,s:s,s:f,s:o,s:s,s:o,s:f,s:i,s:s?}", "mode",
			 compare_mode_name(w->mode), "network", w->network, "peer", w->peer,
			 "start_ms", w->start_ms, "interfaces", ifs, "netns",
			 compare_netns_name(w->netns), "reach", reach, "throughput_bits_per_second",
			 w->bits_per_sec, "retransmits", (int)w->retransmits, "error",
			 *w->error ? w->error : NULL);
}

static void compare_json(const struct compare_cli *o, const struct compare_result *r)
{
	json_auto_t *doc = NULL;
	json_t *rows = json_array();

	for (size_t i = 0; i < r->n_rows; i++)
		json_array_append_new(rows, row_doc(&r->rows[i]));
	doc = json_pack("{s:s,s:o}", "image", o->o.image ? o->o.image : "busybox", "modes", rows);
	json_dumpf(doc, stdout, JSON_INDENT(2));
	putchar('\n');
}

static const char *yes_no(const struct compare_reach *r)
{
	return !r->addr ? "-" : reached(r) ? "yes" : "no";
}

static void table_row(const struct compare_row *w)
{
	char ifs[64], start[16], rtt[16] = "-", tcp[32] = "-";
	const struct compare_reach *r = w->reach;

	if (*w->error) {
		printf("%-10s not measured (the error is above)\n", compare_mode_name(w->mode));
		return;
	}
	probe_fmt_ifnames(w->ifnames, w->n_ifnames, 24, ifs, sizeof(ifs));
	snprintf(start, sizeof(start), "%.0f ms", w->start_ms);
	if (reached(&r[COMPARE_PEER]))
		snprintf(rtt, sizeof(rtt), "%.3f ms", r[COMPARE_PEER].rtt_ms);
	if (w->bits_per_sec > 0)
		probe_fmt_rate(w->bits_per_sec, tcp, sizeof(tcp));
	printf("%-10s %-8s %-24s %-4s %-4s %-7s %-4s %-6s %-9s %-14s %s\n",
	       compare_mode_name(w->mode), start, ifs, yes_no(&r[COMPARE_LOOPBACK]),
	       yes_no(&r[COMPARE_PEER]), yes_no(&r[COMPARE_GATEWAY]),
	       yes_no(&r[COMPARE_HOSTADDR]), yes_no(&r[COMPARE_UPLINK]), rtt, tcp,
	       compare_netns_name(w->netns));
}

/* What the columns pinged, once: the addresses are the same in every row
 * but the peer's and the user network's gateway. */
static void legend(const struct compare_result *r)
{
	char a[16], b[16], c[16], d[16];
	const struct compare_row *bridge = &r->rows[COMPARE_BRIDGE], *net = &r->rows[COMPARE_NETWORK];

	if (r->n_rows <= COMPARE_NETWORK)
		return;
	printf("\npeer: a container on the same network (bridge %s, network %s), the pair's\n"
	       "other end (p2p), the container whose namespace it shares (container).\n",
	       probe_fmt_ip(bridge->reach[COMPARE_PEER].addr, a),
	       probe_fmt_ip(net->reach[COMPARE_PEER].addr, b));
	printf("gateway: %s (network: %s).  ", probe_fmt_ip(bridge->reach[COMPARE_GATEWAY].addr, a),
	       probe_fmt_ip(net->reach[COMPARE_GATEWAY].addr, b));
	if (bridge->reach[COMPARE_UPLINK].addr)
		printf("host: %s, uplink: %s (the host's default gateway).\n",
		       probe_fmt_ip(bridge->reach[COMPARE_HOSTADDR].addr, c),
		       probe_fmt_ip(bridge->reach[COMPARE_UPLINK].addr, d));
	else
		printf("host, uplink: - (the host has no default route).\n");
}

static void compare_table(const struct compare_result *r)
{
	printf("%-10s %-8s %-24s %-4s %-4s %-7s %-4s %-6s %-9s %-14s %s\n", "MODE", "START",
	       "INTERFACES", "LO", "PEER", "GATEWAY", "HOST", "UPLINK", "RTT", "TCP", "NETNS");
	for (size_t i = 0; i < r->n_rows; i++)
		table_row(&r->rows[i]);
	legend(r);
}

int cmd_compare(struct brig_ctx *c, int argc, char **argv)
{
	struct compare_cli o = {0};
	struct compare_result r;
	struct brig_err e;
	int first = opt_parse(&compare_spec, argc, argv, &o, &e), status = 0;

	if (first <= 0)
		return opt_status(first, &e);
	if (argc - first != 0)
		return brig_fail("compare: no arguments (see 'brig compare --help')");
	o.o.stop = &stop;
	catch_stops();
	if (compare_run(c, &o.o, &r, &e) < 0) {
		compare_free(&r);
		return opt_status(-1, &e);
	}
	for (size_t i = 0; i < r.n_rows; i++)
		if (*r.rows[i].error) {
			fprintf(stderr, "brig: compare: %s: %s\n", compare_mode_name(r.rows[i].mode),
				r.rows[i].error);
			status = 1;
		}
	if (o.json)
		compare_json(&o, &r);
	else
		compare_table(&r);
	compare_free(&r);
	return stop ? 130 : status;
}
