/* cmd_ps.c - brig ps [-a] [-q] [--format table|json] and brig inspect. */
#include <getopt.h>
#include <string.h>
#include <time.h>

#include "container.h"
#include "state.h"

struct record {
	char *id;
	json_t *cfg, *st;
};

static int64_t parse_time(const char *s)
{
	struct tm tm = { 0 };

	if (!s || !strptime(s, "%Y-%m-%dT%H:%M:%S", &tm))
		return 0;
	return (int64_t)timegm(&tm);
}

static void command_text(json_t *cfg, char *buf, size_t len)
{
	json_t *cmd = json_object_get(cfg, "cmd");
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < json_array_size(cmd) && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? " " : "",
					json_string_value(json_array_get(cmd, i)));
	if (strlen(buf) > 20)
		strcpy(buf + 17, "...");
}

static void status_text(json_t *st, char *buf, size_t len)
{
	const char *s = container_status(st);
	char ago[64];

	if (strcmp(s, "running") == 0) {
		snprintf(buf, len, "Up %s", human_duration(parse_time(json_string_value(
							 json_object_get(st, "started"))),
							  ago, sizeof(ago)));
	} else if (strcmp(s, "exited") == 0) {
		json_t *code = json_object_get(st, "exit_code");
		const char *fin = json_string_value(json_object_get(st, "finished"));
		snprintf(buf, len, "Exited (%lld)%s %s", code ? (long long)json_integer_value(code) : -1LL,
			 json_is_true(json_object_get(st, "oom_killed")) ? " OOMKilled" : "",
			 fin ? human_ago(parse_time(fin), ago, sizeof(ago)) : "");
	} else {
		snprintf(buf, len, "%s", s);
	}
}

static void addresses(json_t *st, char *buf, size_t len)
{
	json_t *nets = json_object_get(st, "networks");
	size_t off = 0;

	buf[0] = '\0';
	if (strcmp(container_status(st), "running") != 0)
		return;
	for (size_t i = 0; i < json_array_size(nets) && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? "," : "",
					json_string_value(json_object_get(json_array_get(nets, i),
									  "address")));
}

static void print_row(const char *id, json_t *cfg, json_t *st)
{
	char cmd[64], status[96], created[64], addr[256];

	command_text(cfg, cmd, sizeof(cmd));
	status_text(st, status, sizeof(status));
	addresses(st, addr, sizeof(addr));
	human_ago(parse_time(json_string_value(json_object_get(cfg, "created"))), created,
		  sizeof(created));
	printf("%-12.12s  %-12s  %-22s  %-16s  %-26s  %-16s  %s\n", id,
	       json_string_value(json_object_get(cfg, "image")), cmd, created, status, addr,
	       json_string_value(json_object_get(cfg, "name")));
}

/* The inspect document of one container (also `ps --format json`). */
static json_t *ps_document(const char *id, json_t *cfg, json_t *st)
{
	json_t *state = json_deep_copy(st);

	json_object_set_new(state, "status", json_string(container_status(st)));
	json_object_set_new(state, "OOMKilled", json_boolean(json_is_true(json_object_get(st, "oom_killed"))));
	return json_pack("{s:s,s:O,s:O,s:O,s:o,s:O}", "id", id, "name", json_object_get(cfg, "name"),
			 "image", json_object_get(cfg, "image"), "created",
			 json_object_get(cfg, "created"), "state", state, "config", cfg);
}

int cmd_ps(struct brig_ctx *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool all = false, quiet = false, json = false;
	char **ids = NULL;
	struct brig_err e;
	json_t *out = json_array();
	int opt;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "+aqh", opts, NULL)) != -1) {
		switch (opt) {
		case 'a': all = true; break;
		case 'q': quiet = true; break;
		case 'f':
			if (strcmp(optarg, "json") && strcmp(optarg, "table"))
				return brig_fail("ps: --format must be table or json");
			json = strcmp(optarg, "json") == 0;
			break;
		case 'h': puts("usage: brig ps [-a] [-q] [--format table|json]"); return 0;
		default: return brig_fail("ps: %s (see 'brig ps --help')", brig_bad_option(argv));
		}
	}
	/* the state shown is the truth: reconcile records of crashed owners */
	if (container_gc(c, &e) < 0 || state_list(c, &ids, &e) < 0) {
		brig_report(&e);
		return EXIT_BRIG;
	}
	if (!quiet && !json)
		printf("%-12s  %-12s  %-22s  %-16s  %-26s  %-16s  %s\n", "CONTAINER ID", "IMAGE",
		       "COMMAND", "CREATED", "STATUS", "ADDRESSES", "NAMES");
	for (char **p = ids; *p; p++) {
		json_t *cfg = NULL, *st = NULL;
		if (state_load(c, *p, &cfg, &st, &e) < 0)
			continue;
		if (all || strcmp(container_status(st), "running") == 0) {
			if (json)
				json_array_append_new(out, ps_document(*p, cfg, st));
			else if (quiet)
				printf("%.12s\n", *p);
			else
				print_row(*p, cfg, st);
		}
		json_decref(cfg);
		json_decref(st);
	}
	if (json)
		json_dumpf(out, stdout, JSON_INDENT(2)), putchar('\n');
	json_decref(out);
	state_list_free(ids);
	return 0;
}

int cmd_inspect(struct brig_ctx *c, int argc, char **argv)
{
	json_t *out = json_array();
	struct brig_err e;
	int code = 0;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		puts("usage: brig inspect NAME...");
		return argc < 2 ? EXIT_BRIG : 0;
	}
	container_gc(c, &e);
	for (int i = 1; i < argc; i++) {
		char id[BRIG_ID_LEN + 1];
		json_t *cfg = NULL, *st = NULL;
		if (state_resolve(c, argv[i], id, &e) < 0 || state_load(c, id, &cfg, &st, &e) < 0) {
			brig_report(&e);
			code = EXIT_BRIG;
			continue;
		}
		json_array_append_new(out, ps_document(id, cfg, st));
		json_decref(cfg);
		json_decref(st);
	}
	json_dumpf(out, stdout, JSON_INDENT(2));
	putchar('\n');
	json_decref(out);
	return code;
}
