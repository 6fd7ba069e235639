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
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "opt.h"
#include "cleanup.h"
#include "container.h"
#include "state.h"

#define STREAM_INTERVAL_MS 1000
#define ONESHOT_INTERVAL_MS 500

struct sample {
	uint64_t cpu_ns, mem, mem_limit, pids, rx, tx;
	int64_t at_ns; /* CLOCK_MONOTONIC */
};

struct entry {
	char id[BRIG_ID_LEN + 1];
	char name[64];
	struct cgroup *cg;
	json_t *nets; /* state.json "networks" */
	struct sample s0, s1;
};

struct stats_opts {
	bool stream, json;
	char **names;
	int n_names;
};

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* MemTotal from /proc/meminfo in bytes (0 if unreadable). */
static uint64_t host_memory(void)
{
	cleanup_fclose FILE *f = fopen("/proc/meminfo", "re");
	char line[256];
	unsigned long long kb;

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemTotal: %llu kB", &kb) == 1)
			return (uint64_t)kb * 1024;
	return 0;
}

/* Sum the container's traffic over its veths.  The counters are read on
 * the host end, so what the host end receives the container sent. */
static void sample_net(json_t *nets, struct sample *s)
{
	struct brig_err ignore;

	for (size_t i = 0; i < json_array_size(nets); i++) {
		const char *ifname =
		    json_string_value(json_object_get(json_array_get(nets, i), "host_interface"));
		uint64_t rx = 0, tx = 0;
		if (ifname && net_link_stats(ifname, &rx, &tx, &ignore) == 0) {
			s->rx += tx;
			s->tx += rx;
		}
	}
}

/* A cgroup already gone (the container just exited) reads as zeros. */
static void sample_one(struct entry *en, struct sample *s)
{
	struct cgroup_stats cs = {0};
	struct brig_err ignore;

	memset(s, 0, sizeof(*s));
	if (en->cg && cgroup_stats(en->cg, &cs, &ignore) < 0)
		memset(&cs, 0, sizeof(cs));
	s->cpu_ns = cs.cpu_usage_ns;
	s->mem = cs.memory_usage;
	s->mem_limit = cs.memory_limit;
	s->pids = cs.pids;
	sample_net(en->nets, s);
	s->at_ns = mono_ns();
}

static void entries_free(struct entry *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		cgroup_free(v[i].cg);
		json_decref(v[i].nets);
	}
	free(v);
}

/* Fill en for the container id from its record. */
static int entry_load(const struct brig_ctx *c, const char *id, struct entry *en,
		      struct brig_err *e)
{
	json_t *cfg = NULL, *st = NULL;
	const char *parent;
	int r;

	if (state_load(c, id, &cfg, &st, e) < 0)
		return -e->code;
	snprintf(en->id, sizeof(en->id), "%s", id);
	snprintf(en->name, sizeof(en->name), "%s",
		 json_string_value(json_object_get(cfg, "name")) ?: "");
	parent = json_string_value(json_object_get(cfg, "cgroup_parent")) ?: "brig";
	en->nets = json_incref(json_object_get(st, "networks"));
	r = strcmp(container_status(st), "running") == 0 ? cgroup_open(parent, id, &en->cg, e) : 0;
	json_decref(cfg);
	json_decref(st);
	return r < 0 ? brig_err_ctx(e, "container %.12s", id) : 0;
}

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

static bool is_running(const struct brig_ctx *c, const char *id)
{
	json_t *st = NULL;
	struct brig_err ignore;
	bool running;

	if (state_load(c, id, NULL, &st, &ignore) < 0)
		return false;
	running = strcmp(container_status(st), "running") == 0;
	json_decref(st);
	return running;
}

/* The containers of one frame: the named ones, or all running ones. */
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
		if (o->n_names == 0 && !is_running(c, ids[i]))
			continue;
		if (entry_load(c, ids[i], &v[n], e) < 0) {
			if (o->n_names) {
				entries_free(v, n + 1);
				state_list_free(ids);
				return -e->code;
			}
			continue; /* removed meanwhile */
		}
		n++;
	}
	state_list_free(ids);
	if (!v)
		return brig_errf(e, ENOMEM, "out of memory");
	*out = v;
	*n_out = n;
	return 0;
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
			 human_size((int64_t)v[i].s1.rx, rx, sizeof(rx)),
			 human_size((int64_t)v[i].s1.tx, tx, sizeof(tx)));
		printf("%-12.12s  %-20s  %6.2f%%  %-22s  %6.2f%%  %-22s  %" PRIu64 "\n", v[i].id,
		       v[i].name, cpu_percent(&v[i]), mem, mem_percent(&v[i], host), net,
		       v[i].s1.pids);
	}
}

static void print_json(const struct entry *v, size_t n, uint64_t host)
{
	json_t *out = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(
		    out,
		    json_pack("{s:s,s:s,s:f,s:I,s:I,s:f,s:I,s:I,s:I}", "id", v[i].id, "name",
			      v[i].name, "cpu_percent", cpu_percent(&v[i]), "memory_usage",
			      (json_int_t)v[i].s1.mem, "memory_limit",
			      (json_int_t)mem_limit(&v[i], host), "memory_percent",
			      mem_percent(&v[i], host), "pids", (json_int_t)v[i].s1.pids, "net_rx",
			      (json_int_t)v[i].s1.rx, "net_tx", (json_int_t)v[i].s1.tx));
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
	for (size_t i = 0; i < n; i++)
		sample_one(&v[i], &v[i].s0);
	usleep((o->stream ? STREAM_INTERVAL_MS : ONESHOT_INTERVAL_MS) * 1000);
	for (size_t i = 0; i < n; i++)
		sample_one(&v[i], &v[i].s1);
	if (o->stream && !o->json)
		fputs("\033[2J\033[H", stdout); /* clear the screen, cursor home */
	if (o->json)
		print_json(v, n, host);
	else
		print_table(v, n, host);
	fflush(stdout);
	entries_free(v, n);
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
	uint64_t host = host_memory();
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
