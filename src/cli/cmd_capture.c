/* cmd_capture.c - brig capture NODE[:IFACE] [-w FILE|-] [-c N] [FILTER...]:
 * packets of a container's interface, captured from the host with libpcap
 * inside its network namespace (src/engine/capture.c): the image needs no
 * tcpdump.  Prints what tcpdump prints on stderr ("listening on ...", the
 * counts at the end); the packets go to the pcap file, to stdout as pcap
 * (-w -, flushed per packet: `| wireshark -k -i -` streams), or as one
 * line each. */
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture.h"
#include "cleanup.h"
#include "cli.h"
#include "opt.h"
#include "probe_fmt.h"
#include "util.h"

struct capture_cli {
	const char *file;
	long count;
};

static int set_count(void *field, const char *arg, struct brig_err *e)
{
	uint64_t v;

	if (parse_uint(arg, 1000000000, &v, e) < 0 || v == 0)
		return brig_errf(e, EINVAL, "invalid -c '%s': a number of packets from 1", arg);
	*(long *)field = (long)v;
	return 0;
}

static const struct opt capture_rows[] = {
    {"write", 'w', "FILE", "write pcap to FILE (\"-\": stdout) instead of a line a packet",
     opt_string, offsetof(struct capture_cli, file)},
    {"count", 'c', "N", "stop after N packets", set_count, offsetof(struct capture_cli, count)},
    {NULL},
};

static const struct opt_spec capture_spec = {
    .prog = "capture",
    .usage = "brig capture NODE[:IFACE] [-w FILE|-] [-c N] [FILTER...]",
    .about = "Capture packets on a container's interface (default eth0) from the host,\n"
	     "inside the container's network namespace: the image needs no tcpdump.\n"
	     "NODE is a container's name or id (a lab's nodes: clab-LAB-NODE).  FILTER\n"
	     "is a tcpdump filter expression.  Stops at Ctrl-C or after -c N packets.\n"
	     "  brig capture clab-lab-r1:eth1 -w - icmp | wireshark -k -i -\n",
    .opts = capture_rows,
    .needs = "container name",
    .permute = true,
};

static struct capture_job *current;

static void on_stop(int sig)
{
	(void)sig;
	if (current)
		capture_stop(current);
}

static void forward_stops(void)
{
	struct sigaction sa = {.sa_handler = on_stop};

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

/* The words of the filter, joined by spaces (NULL for none; free it). */
static char *join(char **words, int n)
{
	size_t len = 1;
	char *s;

	if (n <= 0)
		return NULL;
	for (int i = 0; i < n; i++)
		len += strlen(words[i]) + 1;
	if (!(s = calloc(1, len)))
		return NULL;
	for (int i = 0; i < n; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, words[i]);
	}
	return s;
}

static void print_packet(const struct capture_ready *r, const struct capture_event *ev)
{
	char line[512], when[16];
	struct tm tm;
	time_t t = ev->ts.tv_sec;

	localtime_r(&t, &tm);
	strftime(when, sizeof(when), "%H:%M:%S", &tm);
	probe_fmt_packet(ev->head, ev->caplen < CAPTURE_HEAD ? ev->caplen : CAPTURE_HEAD, ev->len,
			 r->dlt, line, sizeof(line));
	printf("%s.%06ld %s\n", when, (long)ev->ts.tv_usec, line);
	fflush(stdout);
}

/* Events until the end; the counts as tcpdump prints them. */
static int follow(struct capture_job *job, const struct capture_ready *r)
{
	struct capture_event ev = {0}, end = {0};
	struct brig_err e;
	int rc;

	while ((rc = capture_next(job, &ev, &e)) == 1) {
		if (ev.kind == CAPTURE_PACKET)
			print_packet(r, &ev);
		else
			end = ev;
	}
	current = NULL;
	fprintf(stderr,
		"%llu packets captured\n%llu packets received by filter\n"
		"%llu packets dropped by kernel\n",
		(unsigned long long)end.captured, (unsigned long long)end.received,
		(unsigned long long)end.dropped);
	return rc < 0 ? opt_status(-1, &e) : 0;
}

int cmd_capture(struct brig_ctx *c, int argc, char **argv)
{
	struct capture_cli o = {0};
	struct capture_opts co = {0};
	struct capture_ready ready;
	struct capture_job job;
	char node[256], iface[16];
	cleanup_free char *filter = NULL;
	struct brig_err e;
	int first = opt_parse(&capture_spec, argc, argv, &o, &e);

	if (first <= 0)
		return opt_status(first, &e);
	if (probe_parse_target(argv[first], node, sizeof(node), iface, &e) < 0)
		return opt_status(-1, &e);
	if (first + 1 < argc && !(filter = join(argv + first + 1, argc - first - 1)))
		return brig_fail("capture: out of memory");
	co = (struct capture_opts){iface, filter, o.file, o.count};
	if (capture_start(c, node, &co, &job, &ready, &e) < 0)
		return opt_status(-1, &e);
	current = &job;
	forward_stops();
	fprintf(stderr, "listening on %s, link-type %s (%s), snapshot length %d bytes\n",
		ready.ifname, ready.linktype, ready.desc, ready.snaplen);
	return follow(&job, &ready);
}
