/* cmd_events.c - brig events [--format table|json] [--since T] [--until T]
 * [--filter KEY=VALUE]...: the engine's event stream, until Ctrl-C or
 * --until. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "client.h"
#include "client_proto.h"
#include "events.h"
#include "opt.h"
#include "util.h"

struct events_opts {
	bool json;
	const char *since, *until;
	struct events_filter f;
	json_t *filters; /* the same, as Docker's query {"KEY": ["VALUE"...]} */
};

static int set_filter(void *o, const char *arg, struct brig_err *e)
{
	struct events_opts *x = o;
	const char *eq = strchr(arg, '=');
	char key[64];
	json_t *vals;

	if (events_filter_add(&x->f, arg, e) < 0)
		return brig_err_ctx(e, "invalid --filter");
	snprintf(key, sizeof(key), "%.*s", (int)(eq - arg), arg); /* checked: KEY=VALUE */
	if (!x->filters)
		x->filters = json_object();
	if (!(vals = json_object_get(x->filters, key)))
		json_object_set_new(x->filters, key, vals = json_array());
	json_array_append_new(vals, json_string(eq + 1));
	return 0;
}

static const struct opt events_rows[] = {
	OPT_FORMAT_ROW(struct events_opts, json),
	{ "since", 0, "TIME", "replay the events since TIME (unix seconds, RFC 3339 or\n"
			      "a duration before now such as 10m)", opt_string,
	  offsetof(struct events_opts, since) },
	{ "until", 0, "TIME", "stop at TIME (as --since)", opt_string,
	  offsetof(struct events_opts, until) },
	{ "filter", 'f', "KEY=VALUE", "type, event, container, image, network, volume, label\n"
				      "or scope: one key's values OR, keys AND",
	  set_filter, 0, OPT_REPEAT },
	{ NULL },
};

static const struct opt_spec events_spec = {
	.prog = "events",
	.usage = "brig events [--format table|json] [--since TIME] [--until TIME] [--filter KEY=VALUE]...",
	.about = "Show what happens to containers, networks, volumes and images as it happens\n"
		 "(until Ctrl-C, or until --until); --since replays the past first.\n",
	.opts = events_rows,
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* " (k=v, k=v)" with the keys sorted, as Docker prints them. */
static void print_attrs(json_t *attrs)
{
	size_t n = json_object_size(attrs), i = 0;
	const char **keys = n ? calloc(n, sizeof(*keys)) : NULL;
	const char *k;
	json_t *v;

	if (!keys)
		return;
	json_object_foreach(attrs, k, v)
		keys[i++] = k;
	qsort(keys, n, sizeof(*keys), cmp_str);
	for (i = 0; i < n; i++) {
		const char *s = json_string_value(json_object_get(attrs, keys[i]));
		printf("%s%s=%s", i ? ", " : " (", keys[i], s ? s : "");
	}
	fputs(")", stdout);
	free(keys);
}

/* 2026-11-30T20:00:00.123456789Z container start ID (image=busybox, name=x) */
static void print_text(json_t *ev)
{
	int64_t ns = json_integer_value(json_object_get(ev, "timeNano"));
	json_t *actor = json_object_get(ev, "Actor");
	char when[64];
	time_t t = (time_t)(ns / 1000000000);
	struct tm tm;

	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", gmtime_r(&t, &tm));
	printf("%s.%09lldZ %s %s %s", when, (long long)(ns % 1000000000),
	       json_string_value(json_object_get(ev, "Type")),
	       json_string_value(json_object_get(ev, "Action")),
	       json_string_value(json_object_get(actor, "ID")));
	print_attrs(json_object_get(actor, "Attributes"));
	putchar('\n');
}

static int print_event(void *arg, json_t *ev)
{
	const struct events_opts *o = arg;

	if (!ev) /* idle: a closed stdout shows at the next event */
		return 0;
	if (o->json) {
		if (json_dumpf(ev, stdout, JSON_COMPACT) < 0)
			return -1;
		putchar('\n');
	} else {
		print_text(ev);
	}
	return fflush(stdout) == 0 && !ferror(stdout) ? 0 : -1;
}

/* ---- through brig serve: its /events, one JSON line per event ---- */

struct remote {
	struct events_opts *o;
	char line[65536];
	size_t len;
};

static int remote_bytes(void *arg, const char *buf, size_t len)
{
	struct remote *x = arg;

	for (size_t i = 0; i < len; i++) {
		if (buf[i] != '\n') {
			if (x->len < sizeof(x->line) - 1)
				x->line[x->len++] = buf[i];
			continue;
		}
		json_t *ev = json_loadb(x->line, x->len, 0, NULL);
		int r = ev ? print_event(x->o, ev) : 0;
		json_decref(ev);
		x->len = 0;
		if (r < 0)
			return -1;
	}
	return 0;
}

static void query_add(char *q, size_t len, const char *key, const char *value)
{
	char esc[4096];

	if (!value)
		return;
	client_escape(value, esc, sizeof(esc));
	snprintf(q + strlen(q), len - strlen(q), "%s%s=%s", strchr(q, '?') ? "&" : "?", key, esc);
}

static int remote_events(const struct brig_ctx *c, struct events_opts *o, struct brig_err *e)
{
	struct remote *x = calloc(1, sizeof(*x));
	char path[8192] = "/events";
	char *filters = o->filters ? json_dumps(o->filters, JSON_COMPACT) : NULL;
	int r;

	if (!x)
		return brig_errf(e, ENOMEM, "out of memory");
	x->o = o;
	query_add(path, sizeof(path), "since", o->since);
	query_add(path, sizeof(path), "until", o->until);
	query_add(path, sizeof(path), "filters", filters);
	r = client_stream(c, "GET", path, NULL, remote_bytes, x, e);
	free(filters);
	free(x);
	return r < 0 ? r : 0;
}

int cmd_events(struct brig_ctx *c, int argc, char **argv)
{
	struct events_opts o = { 0 };
	struct brig_err e;
	int r = opt_parse(&events_spec, argc, argv, &o, &e);

	if (r > 0 && r != argc)
		r = brig_errf(&e, EINVAL, "events: no operands expected (see 'brig events --help')");
	else if (r > 0 && c->host && (r = remote_events(c, &o, &e)) < 0)
		brig_err_ctx(&e, "events");
	else if (r > 0 && c->host)
		r = 0;
	else if (r > 0 && (r = events_filter_times(&o.f, o.since, o.until, now_ns(), &e)) == 0 &&
		 (r = events_read(c, &o.f, true, print_event, &o, &e)) < 0)
		brig_err_ctx(&e, "events");
	events_filter_free(&o.f);
	json_decref(o.filters);
	return opt_status(r < 0 ? r : 0, &e);
}
