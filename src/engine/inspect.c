/* inspect.c - container listings and inspect documents (see inspect.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "container.h"
#include "container_int.h"
#include "inspect.h"
#include "parse.h"
#include "publish.h"
#include "state.h"

static int64_t parse_time(const char *s)
{
	struct tm tm = { 0 };

	if (!s || !*s || !strptime(s, "%Y-%m-%dT%H:%M:%S", &tm))
		return 0;
	return (int64_t)timegm(&tm);
}

/* The status the process says, not the file (container_status). */
static enum container_status live_status(const struct container_state *st)
{
	if (st->status == CONTAINER_RUNNING && strcmp(container_status(st), "running") != 0)
		return CONTAINER_EXITED;
	return st->status;
}

static void join_command(const struct container_spec *cfg, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < cfg->n_cmd && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? " " : "", cfg->cmd[i]);
}

static void summarise(const char *id, const struct container_spec *cfg,
		      const struct container_state *st, struct container_summary *s)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->id, sizeof(s->id), "%s", id);
	snprintf(s->name, sizeof(s->name), "%s", cfg->name ? cfg->name : "");
	snprintf(s->image, sizeof(s->image), "%s", cfg->image ? cfg->image : "");
	join_command(cfg, s->command, sizeof(s->command));
	s->created = parse_time(cfg->created);
	s->status = live_status(st);
	s->has_exit = st->has_exit;
	s->exit_code = st->exit_code;
	s->oom_killed = st->oom_killed;
	s->started = parse_time(st->started);
	s->finished = parse_time(st->finished);
	if (s->status != CONTAINER_RUNNING)
		return;
	for (size_t i = 0; i < st->n_nets && i < MAX_NETS; i++)
		if (st->nets[i].address)
			net_ip_str(st->nets[i].address, s->addresses[i]);
	for (size_t i = 0; i < st->n_nets && i < MAX_NETS; i++)
		if (st->nets[i].has6)
			net_ip6_str(&st->nets[i].address6, s->addresses6[i]);
	s->n_addresses = st->n_nets < MAX_NETS ? st->n_nets : MAX_NETS;
	portspec_summary(st->ports, st->n_ports, s->ports, sizeof(s->ports));
}

/* config.json, with "labels" {} when there are none, as docker inspect
 * shows Config.Labels.  Docker's top-level "Config" itself would clash
 * with "config" for every reader that matches keys regardless of case
 * (Go's encoding/json, the test helpers): its Labels are here. */
static json_t *config_json(const struct container_spec *cfg)
{
	json_t *j = spec_to_json(cfg);

	if (j && !json_object_get(j, "labels") &&
	    json_object_set_new(j, "labels", json_object()) < 0) {
		json_decref(j);
		return NULL;
	}
	return j;
}

static json_t *document(const struct brig_ctx *c, const char *id, const struct container_spec *cfg,
			const struct container_state *st)
{
	json_t *state = spec_state_to_json(st);

	if (!state)
		return NULL;
	json_object_set_new(state, "status", json_string(container_status(st)));
	json_object_set_new(state, "OOMKilled", json_boolean(st->oom_killed));
	return json_pack("{s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:{s:b},s:{s:o}}", "id", id, "name",
			 cfg->name, "image", cfg->image, "created", cfg->created, "state", state,
			 "config", config_json(cfg), "Mounts", container_mounts_json(c, cfg),
			 "HostConfig", "Privileged", cfg->privileged, "NetworkSettings", "Ports",
			 publish_ports_json(st));
}

/* Called for each listed record; a negative return stops the walk. */
typedef int (*visit_fn)(const struct brig_ctx *c, const char *id, const struct container_spec *cfg,
			const struct container_state *st, void *arg, struct brig_err *e);

struct listing {
	const struct brig_ctx *c;
	bool all;
	visit_fn fn;
	void *arg;
};

/* state_visit_fn: the record's state too, and only a running one unless all */
static int visit_listed(const char *id, const struct container_spec *cfg, void *arg,
			struct brig_err *e)
{
	struct listing *l = arg;
	struct container_state st;
	struct brig_err ignore;

	/* never fails: no state.json (a record being created) reads as created */
	state_load(l->c, id, NULL, &st, &ignore);
	if (!l->all && live_status(&st) != CONTAINER_RUNNING)
		return 0;
	return l->fn(l->c, id, cfg, &st, l->arg, e);
}

static int each_listed(const struct brig_ctx *c, bool all, visit_fn fn, void *arg,
		       struct brig_err *e)
{
	struct listing l = { c, all, fn, arg };

	/* the state shown is the truth: reconcile records of crashed owners */
	if (container_gc(c, e) < 0)
		return -e->code;
	return state_each(c, visit_listed, &l, e);
}

struct rows {
	struct container_summary *v;
	size_t n;
};

static int add_row(const struct brig_ctx *c, const char *id, const struct container_spec *cfg,
		   const struct container_state *st, void *arg, struct brig_err *e)
{
	struct rows *rows = arg;
	struct container_summary *nv = realloc(rows->v, (rows->n + 1) * sizeof(*nv));

	(void)c;
	if (!nv)
		return brig_errf(e, ENOMEM, "ps: out of memory");
	rows->v = nv;
	summarise(id, cfg, st, &rows->v[rows->n++]);
	return 0;
}

int container_list(const struct brig_ctx *c, bool all, struct container_summary **v, size_t *n,
		   struct brig_err *e)
{
	struct rows rows = { 0 };

	if (each_listed(c, all, add_row, &rows, e) < 0) {
		free(rows.v);
		return -e->code;
	}
	*v = rows.v;
	*n = rows.n;
	return 0;
}

static int add_document(const struct brig_ctx *c, const char *id, const struct container_spec *cfg,
			const struct container_state *st, void *arg, struct brig_err *e)
{
	if (json_array_append_new(arg, document(c, id, cfg, st)) < 0)
		return brig_errf(e, ENOMEM, "ps: out of memory");
	return 0;
}

int container_list_json(const struct brig_ctx *c, bool all, json_t **doc, struct brig_err *e)
{
	json_t *out = json_array();

	if (!out)
		return brig_errf(e, ENOMEM, "ps: out of memory");
	if (each_listed(c, all, add_document, out, e) < 0) {
		json_decref(out);
		return -e->code;
	}
	*doc = out;
	return 0;
}

int container_inspect(const struct brig_ctx *c, char *const *refs, size_t n, json_t **docs,
		      void (*on_error)(void *arg, const struct brig_err *e), void *arg,
		      struct brig_err *e)
{
	json_t *out = json_array();
	struct brig_err ignored;
	int missing = 0;

	if (!out)
		return brig_errf(e, ENOMEM, "inspect: out of memory");
	container_gc(c, &ignored); /* once, for all of refs */
	for (size_t i = 0; i < n; i++) {
		char id[BRIG_ID_LEN + 1];
		struct container_spec cfg = { 0 };
		struct container_state st;
		struct brig_err one;
		json_t *doc = NULL;

		if (state_resolve(c, refs[i], id, &one) == 0 && state_load(c, id, &cfg, &st, &one) == 0 &&
		    !(doc = document(c, id, &cfg, &st)))
			brig_errf(&one, ENOMEM, "inspect %s: out of memory", refs[i]);
		spec_free(&cfg);
		if (doc) {
			json_array_append_new(out, doc);
		} else {
			missing++;
			if (on_error)
				on_error(arg, &one);
		}
	}
	*docs = out;
	return missing;
}
