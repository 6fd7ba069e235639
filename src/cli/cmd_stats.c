/* cmd_stats.c - brig stats [--no-stream] [--format json] [NAME...]
 *
 * Per container: CPU % from two cpu_usage_ns samples of its cgroup over
 * the interval (100% = one full core, as docker prints it), memory usage
 * and limit (no limit: the host's total memory), pids, and network bytes
 * summed over the host ends of its veths.  Streams a frame a second until
 * interrupted, or with --no-stream prints one frame from samples taken
 * ~500 ms apart. */
#include <getopt.h> /* optind */
#include <stddef.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "opt.h"
#include "cleanup.h"
#include "container.h"
#include "state.h"
#include "stats.h"

#define STREAM_INTERVAL_MS 1000
#define ONESHOT_INTERVAL_MS 500

struct entry {
	struct container_stats s0, s1;
};

struct stats_opts {
	bool stream, json;
	char **names;
	int n_names;
};

/* Ids of every running container, or of the named ones (which must exist). */
static int target_ids(const struct brig_ctx *c, const struct stats_opts *o, char ***ids,
		      struct brig_err *e)
{
	char **all = NULL;
	size_t n = 0;

	if (o->n_names == 0)
		return state_list(c, ids, e);
	all = calloc((size_t)o->n_names + 1, sizeof(*all));
	if (!all)
		return brig_errf(e, ENOMEM, "out of memory");
	for (int i = 0; i < o->n_names; i++) {
		char id[BRIG_ID_LEN + 1];
		int r = state_resolve(c, o->names[i], id, e);
		if (r == 0 && !(all[n++] = strdup(id)))
			r = brig_errf(e, ENOMEM, "out of memory");
		if (r < 0) {
			state_list_free(all);
			return r;
		}
	}
	*ids = all;
	return 0;
}

/* The containers of one frame, each with its first sample: the named
 * ones, or all running ones. */
static int collect(const struct brig_ctx *c, const struct stats_opts *o, struct entry **out,
		   size_t *n_out, struct brig_err *e)
{
	char **ids = NULL;
	struct entry *v;
	size_t n = 0, cap = 0;

	if (target_ids(c, o, &ids, e) < 0)
		return -e->code;
	while (ids[cap])
		cap++;
	v = calloc(cap + 1, sizeof(*v));
	for (size_t i = 0; v && ids[i]; i++) {
		if (container_stats_sample(c, ids[i], &v[n].s0, e) < 0) {
			if (o->n_names) {
				free(v);
				state_list_free(ids);
				return -e->code;
			}
			continue; /* removed meanwhile */
		}
		if (o->n_names || v[n].s0.running)
			n++;
	}
	state_list_free(ids);
	if (!v)
		return brig_errf(e, ENOMEM, "out of memory");
	*out = v;
	*n_out = n;
	return 0;
}

/* The second sample; a container gone meanwhile reads as zeros. */
static void sample_again(const struct brig_ctx *c, struct entry *en)
{
	struct brig_err ignore;

	if (container_stats_sample(c, en->s0.id, &en->s1, &ignore) < 0) {
		memset(&en->s1, 0, sizeof(en->s1));
		snprintf(en->s1.id, sizeof(en->s1.id), "%s", en->s0.id);
		snprintf(en->s1.name, sizeof(en->s1.name), "%s", en->s0.name);
	}
}

static double cpu_percent(const struct entry *en)
{
	int64_t dt = en->s1.at_ns - en->s0.at_ns;

	if (dt <= 0 || en->s1.cpu_ns < en->s0.cpu_ns)
		return 0.0;
	return (double)(en->s1.cpu_ns - en->s0.cpu_ns) * 100.0 / (double)dt;
}

static uint64_t mem_limit(const struct entry *en, uint64_t host)
{
	uint64_t l = en->s1.mem_limit;

	return l == 0 || (host && l > host) ? host : l;
}

static double mem_percent(const struct entry *en, uint64_t host)
{
	uint64_t l = mem_limit(en, host);

	return l ? (double)en->s1.mem * 100.0 / (double)l : 0.0;
}

/* Binary units as docker prints memory: "64MiB", "1.535MiB". */
static const char *bin_size(uint64_t bytes, char *buf, size_t len)
{
	static const char *const suffix[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
	double v = (double)bytes;
	size_t i = 0;

	while (v >= 1024.0 && i + 1 < ARRAY_SIZE(suffix)) {
		v /= 1024.0;
		i++;
	}
	snprintf(buf, len, "%.4g%s", v, suffix[i]);
	return buf;
}

static void print_table(const struct entry *v, size_t n, uint64_t host)
{
	printf("%-12s  %-20s  %-7s  %-22s  %-7s  %-22s  %s\n", "CONTAINER ID", "NAME", "CPU %",
	       "MEM USAGE / LIMIT", "MEM %", "NET I/O", "PIDS");
	for (size_t i = 0; i < n; i++) {
		char mu[32], ml[32], rx[32], tx[32], mem[80], net[80];
		snprintf(mem, sizeof(mem), "%s / %s", bin_size(v[i].s1.mem, mu, sizeof(mu)),
			 bin_size(mem_limit(&v[i], host), ml, sizeof(ml)));
		snprintf(net, sizeof(net), "%s / %s",
			 human_size((int64_t)v[i].s1.net_rx, rx, sizeof(rx)),
			 human_size((int64_t)v[i].s1.net_tx, tx, sizeof(tx)));
		printf("%-12.12s  %-20s  %6.2f%%  %-22s  %6.2f%%  %-22s  %" PRIu64 "\n", v[i].s1.id,
		       v[i].s1.name, cpu_percent(&v[i]), mem, mem_percent(&v[i], host), net,
		       v[i].s1.pids);
	}
}

static void print_json(const struct entry *v, size_t n, uint64_t host)
{
	json_t *out = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(
		    out,
		    json_pack("{s:s,s:s,s:f,s:I,s:I,s:f,s:I,s:I,s:I}", "id", v[i].s1.id, "name",
			      v[i].s1.name, "cpu_percent", cpu_percent(&v[i]), "memory_usage",
			      (json_int_t)v[i].s1.mem, "memory_limit",
			      (json_int_t)mem_limit(&v[i], host), "memory_percent",
			      mem_percent(&v[i], host), "pids", (json_int_t)v[i].s1.pids, "net_rx",
			      (json_int_t)v[i].s1.net_rx, "net_tx", (json_int_t)v[i].s1.net_tx));
	json_dumpf(out, stdout, JSON_INDENT(2));
	putchar('\n');
	json_decref(out);
}

/* One frame: collect, sample twice over the interval, print. */
static int frame(const struct brig_ctx *c, const struct stats_opts *o, uint64_t host,
		 struct brig_err *e)
{
	struct entry *v = NULL;
	size_t n = 0;

	if (collect(c, o, &v, &n, e) < 0)
		return -e->code;
	usleep((o->stream ? STREAM_INTERVAL_MS : ONESHOT_INTERVAL_MS) * 1000);
	for (size_t i = 0; i < n; i++)
		sample_again(c, &v[i]);
	if (o->stream && !o->json)
		fputs("\033[2J\033[H", stdout); /* clear the screen, cursor home */
	if (o->json)
		print_json(v, n, host);
	else
		print_table(v, n, host);
	fflush(stdout);
	free(v);
	return 0;
}

static const struct opt stats_rows[] = {
	{ "no-stream", 0, NULL, "print one frame and exit", opt_false,
	  offsetof(struct stats_opts, stream) },
	OPT_FORMAT_ROW(struct stats_opts, json),
	{ NULL },
};

static const struct opt_spec stats_spec = {
	.prog = "stats",
	.usage = "brig stats [--no-stream] [--format table|json] [NAME...]",
	.opts = stats_rows,
};

static int parse_opts(int argc, char **argv, struct stats_opts *o)
{
	struct brig_err e;
	int r = opt_parse(&stats_spec, argc, argv, o, &e);

	if (r <= 0)
		return r == 0 ? 1 : opt_status(r, &e);
	o->names = argv + optind;
	o->n_names = argc - optind;
	return 0;
}

int cmd_stats(struct brig_ctx *c, int argc, char **argv)
{
	struct stats_opts o = {.stream = true};
	struct brig_err e;
	uint64_t host = stats_host_memory(NULL);
	int r = parse_opts(argc, argv, &o);

	if (r)
		return r == 1 ? 0 : r;
	if (container_cgroups_ready(&e) < 0) {
		brig_err_ctx(&e, "stats");
		brig_report(&e);
		return EXIT_BRIG;
	}
	do {
		if (frame(c, &o, host, &e) < 0) {
			brig_err_ctx(&e, "stats");
			brig_report(&e);
			return EXIT_BRIG;
		}
	} while (o.stream);
	return 0;
}
