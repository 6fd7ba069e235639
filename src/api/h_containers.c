/* h_containers.c - /containers/...: list, create, inspect, start, stop,
 * restart, kill, wait, remove, top, stats.  (Attach, logs and resize are
 * in h_streams.c; exec in h_exec.c.)
 *
 * Every container the API starts is owned by a monitor, as `brig run -d`
 * makes, double-forked so it is init's child: the daemon may stop and
 * start again without touching it. */
#include <dirent.h>
#include <fcntl.h>
#include <time.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "attach_reg.h"
#include "cleanup.h"
#include "container.h"
#include "conv.h"
#include "inspect.h"
#include "lifecycle.h"
#include "monitor.h"
#include "pull.h"
#include "stats.h"
#include "util.h"
#include "wait.h"

/* ---- list, inspect ---- */

static json_t *find_doc(json_t *docs, const char *id)
{
	size_t i;
	json_t *d;

	json_array_foreach(docs, i, d)
		if (strcmp(json_string_value(json_object_get(d, "id")) ?: "", id) == 0)
			return d;
	return NULL;
}

static int list(struct api_req *r)
{
	struct container_summary *v = NULL;
	json_t *docs = NULL, *out, *filters = NULL;
	const char *f = api_query(r, "filters");
	bool all = api_query_bool(r, "all");
	struct brig_err e;
	size_t n = 0;
	long limit = api_query_long(r, "limit", -1);

	if (f && *f && !(filters = json_loads(f, 0, NULL)))
		return api_reply_error(r, 400, "invalid filters: %s", f);
	if (filters && conv_list_filters_check(filters, &e) < 0) {
		json_decref(filters);
		return api_reply_err(r, &e);
	}
	api_engine_lock();
	int rc = container_list(r->c, true, &v, &n, &e);
	if (rc == 0)
		rc = container_list_json(r->c, true, &docs, &e);
	api_engine_unlock();
	if (rc < 0) {
		free(v);
		json_decref(filters);
		return api_reply_err(r, &e);
	}
	out = json_array();
	/* newest first, as Docker lists */
	for (size_t i = n; i-- > 0 && (limit < 0 || (long)json_array_size(out) < limit);) {
		json_t *doc = find_doc(docs, v[i].id);
		json_t *labels = json_object_get(json_object_get(doc, "config"), "labels");
		bool shown = all || v[i].status == CONTAINER_RUNNING ||
			     json_object_get(filters, "status");
		if (shown && conv_list_match(&v[i], labels, filters))
			json_array_append_new(out, conv_container_summary(&v[i], doc, now_ns() / 1000000000));
	}
	free(v);
	json_decref(docs);
	json_decref(filters);
	return api_reply_json(r, 200, out);
}

static void collect_error(void *arg, const struct brig_err *e)
{
	*(struct brig_err *)arg = *e;
}

/* The inspect document of one container (Docker's shape); NULL after
 * answering the error. */
static json_t *inspect_one(struct api_req *r, const char *ref)
{
	struct brig_err e = { .code = ENOENT }, lost = { 0 };
	char *refs[] = { (char *)ref };
	json_t *docs = NULL, *doc;

	snprintf(e.msg, sizeof(e.msg), "No such container: %s", ref);
	api_engine_lock();
	int rc = container_inspect(r->c, refs, 1, &docs, collect_error, &lost, &e);
	api_engine_unlock();
	if (rc < 0 || json_array_size(docs) != 1) {
		json_decref(docs);
		if (lost.code && lost.code != ENOENT)
			e = lost;
		api_reply_err(r, &e);
		return NULL;
	}
	doc = conv_container_json(json_array_get(docs, 0), &e);
	json_decref(docs);
	if (!doc)
		api_reply_err(r, &e);
	return doc;
}

static int inspect(struct api_req *r)
{
	json_t *doc = inspect_one(r, r->params[0]);

	return doc ? api_reply_json(r, 200, doc) : 0;
}

/* ---- create ---- */

int api_create(const struct brig_ctx *c, const struct container_spec *spec,
	       char id[BRIG_ID_LEN + 1], struct brig_err *e)
{
	struct container ct;
	int rc;

	api_engine_lock();
	rc = container_create(c, spec, &ct, e);
	/* its start is another request: gc must leave the record be */
	if (rc == 0 && container_keep_created(c, &ct, e) < 0) {
		struct brig_err ignored;
		container_free(&ct);
		container_kill_remove(c, ct.id, &ignored);
		rc = -1;
	}
	api_engine_unlock();
	if (rc == 0) {
		snprintf(id, BRIG_ID_LEN + 1, "%s", ct.id);
		container_free(&ct);
	}
	return rc;
}

static int create(struct api_req *r)
{
	char id[BRIG_ID_LEN + 1];
	struct api_create o = { 0 };
	struct brig_err e;
	json_t *body = api_body_json(r);
	int rc;

	if (!body)
		return 0;
	rc = conv_create_spec(body, api_query(r, "name"), &o, &e);
	json_decref(body); /* o holds it */
	if (rc < 0)
		return api_reply_error(r, 400, "%s", e.msg);
	if (images_need_pull(r->c, o.spec.image)) {
		rc = api_reply_error(r, 404, "No such image: %s", o.spec.image);
		conv_create_free(&o);
		return rc;
	}
	rc = api_create(r->c, &o.spec, id, &e);
	conv_create_free(&o);
	if (rc < 0)
		return api_reply_err(r, &e);
	return api_reply_json(r, 201, json_pack("{s:s, s:[]}", "Id", id, "Warnings"));
}

/* ---- start, stop, restart, kill ---- */

int api_start(const struct brig_ctx *c, const char *ref, int *code, struct brig_err *e)
{
	struct container ct;
	int rc;

	*code = EXIT_BRIG;
	api_engine_lock();
	container_gc(c, e);
	rc = container_load(c, ref, &ct, e);
	if (rc == 0) {
		ct.monitor_orphan = true;
		attach_reg_hold(); /* until the record says running */
		attach_reg_take(ct.id, &ct);
		rc = monitor_launch(c, &ct, code, e);
		attach_reg_release();
		attach_reg_close(&ct);
		container_free(&ct);
	}
	api_engine_unlock();
	return rc;
}

/* A start refused answers as Docker's daemon does: the CLI reads 127
 * and 126 from the message ("executable file not found", "permission
 * denied"). */
static int start(struct api_req *r)
{
	struct brig_err e;
	int code, rc = api_start(r->c, r->params[0], &code, &e);

	if (rc == -EBUSY)
		return api_reply_empty(r, 304);
	if (rc == -ENOENT && code == EXIT_BRIG)
		return api_reply_err(r, &e);
	if (rc < 0)
		return api_reply_error(r, code == EXIT_BRIG ? 500 : 400, "%s%s", e.msg,
				       code == EXIT_NOT_FOUND ? " (executable file not found)" :
				       code == EXIT_CANNOT_INVOKE ? " (permission denied)" : "");
	return api_reply_empty(r, 204);
}

static int stop_ref(struct api_req *r, const char *ref, struct brig_err *e)
{
	long t = api_query_long(r, "t", 10);

	return container_stop(r->c, ref, (int)(t < 0 ? 0 : t), e);
}

static int stop(struct api_req *r)
{
	struct brig_err e;
	pid_t pid;
	char id[BRIG_ID_LEN + 1];
	int rc = container_find(r->c, r->params[0], id, &pid, &e);

	if (rc < 0)
		return api_reply_err(r, &e);
	if (rc == 0)
		return api_reply_empty(r, 304);
	return stop_ref(r, id, &e) < 0 ? api_reply_err(r, &e) : api_reply_empty(r, 204);
}

static int restart(struct api_req *r)
{
	struct brig_err e;

	if (stop_ref(r, r->params[0], &e) < 0)
		return api_reply_err(r, &e);
	int code;

	if (api_start(r->c, r->params[0], &code, &e) < 0 && e.code != EBUSY)
		return api_reply_err(r, &e);
	return api_reply_empty(r, 204);
}

static int kill_one(struct api_req *r)
{
	const char *s = api_query(r, "signal");
	int sig = s && *s ? container_parse_signal(s) : SIGKILL;
	struct brig_err e;

	if (sig < 0)
		return api_reply_error(r, 400, "invalid signal: %s", s);
	if (container_kill(r->c, r->params[0], sig, &e) < 0)
		return api_reply_error(r, e.code == ESRCH ? 409 : e.code == ENOENT ? 404 : 500,
				       "%s", e.msg);
	return api_reply_empty(r, 204);
}

/* ---- wait, remove ---- */

/* Docker's wait answers its headers at once (the CLI waits for them
 * before it starts the container), the status when the condition holds. */
static int wait_(struct api_req *r)
{
	const char *cond = api_query(r, "condition");
	struct api_wait w = { 0 };
	struct brig_err e;

	/* docker wait sends condition= empty: Docker's default then */
	if (api_wait_prepare(r->c, r->params[0], cond && *cond ? cond : "not-running", &w, &e) < 0)
		return api_reply_err(r, &e);
	if (api_stream_begin(r, 200, "application/json") < 0)
		return -1;
	return api_wait_until(r, &w);
}

static int remove_one(struct api_req *r)
{
	bool force = api_query_bool(r, "force"), volumes = api_query_bool(r, "v");
	char id[BRIG_ID_LEN + 1];
	struct brig_err e;
	pid_t pid;
	int rc = container_find(r->c, r->params[0], id, &pid, &e);

	if (rc < 0)
		return api_reply_err(r, &e);
	if (rc == 1 && !force)
		return api_reply_error(r, 409,
				       "You cannot remove a running container %.12s. Stop the "
				       "container before attempting removal or force remove",
				       id);
	api_engine_lock();
	if (volumes)
		rc = container_kill_remove_volumes(r->c, id, &e);
	else
		rc = container_kill_remove(r->c, id, &e);
	api_engine_unlock();
	return rc < 0 ? api_reply_err(r, &e) : api_reply_empty(r, 204);
}

static int rename_one(struct api_req *r)
{
	const char *name = api_query(r, "name");
	struct brig_err e;
	int rc;

	if (!name || !*name)
		return api_reply_error(r, 400, "rename: a new name is required");
	api_engine_lock();
	rc = container_rename(r->c, r->params[0], name, &e);
	api_engine_unlock();
	return rc < 0 ? api_reply_err(r, &e) : api_reply_empty(r, 204);
}

/* ---- top, stats ---- */

/* Docker's stats document from two samples (prev zero: the first). */
static json_t *stats_doc(const struct container_stats *s, const struct container_stats *prev)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	char read_at[64], slash_name[80];

	rfc3339(now_ns(), read_at, sizeof(read_at));
	snprintf(slash_name, sizeof(slash_name), "/%s", s->name); /* Docker's names begin with / */
	return json_pack("{s:s, s:s, s:s, s:{s:{s:I, s:I, s:I}, s:I, s:i},"
			 " s:{s:{s:I, s:I, s:I}, s:I, s:i}, s:{s:I, s:I, s:{}}, s:{s:I},"
			 " s:{s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}}}",
			 "read", read_at, "id", s->id, "name", slash_name,
			 "cpu_stats", "cpu_usage", "total_usage", (json_int_t)s->cpu_ns,
			 "usage_in_kernelmode", (json_int_t)0, "usage_in_usermode", (json_int_t)0,
			 "system_cpu_usage", (json_int_t)s->at_ns * ncpu, "online_cpus", (int)ncpu,
			 "precpu_stats", "cpu_usage", "total_usage", (json_int_t)prev->cpu_ns,
			 "usage_in_kernelmode", (json_int_t)0, "usage_in_usermode", (json_int_t)0,
			 "system_cpu_usage", (json_int_t)prev->at_ns * ncpu, "online_cpus", (int)ncpu,
			 "memory_stats", "usage", (json_int_t)s->mem, "limit",
			 (json_int_t)(s->mem_limit ? s->mem_limit : stats_host_memory(NULL)), "stats",
			 "pids_stats", "current", (json_int_t)s->pids,
			 "networks", "eth0", "rx_bytes", (json_int_t)s->net_rx, "rx_packets",
			 (json_int_t)0, "rx_errors", (json_int_t)0, "rx_dropped", (json_int_t)0,
			 "tx_bytes", (json_int_t)s->net_tx, "tx_packets", (json_int_t)0, "tx_errors",
			 (json_int_t)0, "tx_dropped", (json_int_t)0);
}

static bool same_pidns(pid_t init, const char *pid)
{
	char a[64], b[64], pa[64], pb[64];
	ssize_t na, nb;

	snprintf(pa, sizeof(pa), "/proc/%d/ns/pid", init);
	snprintf(pb, sizeof(pb), "/proc/%.16s/ns/pid", pid);
	na = readlink(pa, a, sizeof(a));
	nb = readlink(pb, b, sizeof(b));
	return na > 0 && na == nb && memcmp(a, b, (size_t)na) == 0;
}

/* PID, PPID and the command line of /proc/PID. */
static json_t *top_row(const char *pid)
{
	char path[64], stat[1024] = "", cmd[4096] = "";
	int ppid = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%.16s/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && (n = read(fd, stat, sizeof(stat) - 1)) > 0) {
		char *p = strrchr(stat, ')');
		if (p)
			sscanf(p + 1, " %*c %d", &ppid);
	}
	if (fd >= 0)
		close(fd);
	snprintf(path, sizeof(path), "/proc/%.16s/cmdline", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && (n = read(fd, cmd, sizeof(cmd) - 1)) > 0)
		for (ssize_t i = 0; i < n - 1; i++)
			if (cmd[i] == '\0')
				cmd[i] = ' ';
	if (fd >= 0)
		close(fd);
	snprintf(path, sizeof(path), "%d", ppid);
	return json_pack("[s, s, s]", pid, path, cmd);
}

static int top(struct api_req *r)
{
	char id[BRIG_ID_LEN + 1];
	struct brig_err e;
	json_t *procs;
	pid_t pid;
	DIR *d;
	struct dirent *de;
	int rc = container_find(r->c, r->params[0], id, &pid, &e);

	if (rc < 0)
		return api_reply_err(r, &e);
	if (rc == 0)
		return api_reply_error(r, 409, "Container %.12s is not running", id);
	procs = json_array();
	d = opendir("/proc");
	while (d && (de = readdir(d)))
		if (de->d_name[0] >= '0' && de->d_name[0] <= '9' && same_pidns(pid, de->d_name))
			json_array_append_new(procs, top_row(de->d_name));
	if (d)
		closedir(d);
	return api_reply_json(r, 200, json_pack("{s:[s, s, s], s:o}", "Titles", "PID", "PPID", "CMD",
						"Processes", procs));
}

static int stats(struct api_req *r)
{
	bool stream = !api_query(r, "stream") || api_query_bool(r, "stream");
	struct container_stats prev = { 0 }, cur;
	char id[BRIG_ID_LEN + 1];
	struct brig_err e;
	pid_t pid;

	if (container_find(r->c, r->params[0], id, &pid, &e) < 0)
		return api_reply_err(r, &e);
	if (api_query_bool(r, "one-shot") || !stream) {
		if (container_stats_sample(r->c, id, &cur, &e) < 0)
			return api_reply_err(r, &e);
		return api_reply_json(r, 200, stats_doc(&cur, &prev));
	}
	if (api_stream_begin(r, 200, "application/json") < 0)
		return -1;
	for (;;) {
		if (container_stats_sample(r->c, id, &cur, &e) < 0 ||
		    api_stream_json(r, stats_doc(&cur, &prev)) < 0 || !cur.running)
			break;
		prev = cur;
		sleep(1);
	}
	return api_stream_end(r);
}

const struct api_route api_container_routes[] = {
	{ "GET", "/containers/json", list, 0 },
	{ "POST", "/containers/create", create, 0 },
	{ "GET", "/containers/{id}/json", inspect, 0 },
	{ "POST", "/containers/{id}/start", start, 0 },
	{ "POST", "/containers/{id}/stop", stop, 0 },
	{ "POST", "/containers/{id}/restart", restart, 0 },
	{ "POST", "/containers/{id}/kill", kill_one, 0 },
	{ "POST", "/containers/{id}/wait", wait_, 0 },
	{ "DELETE", "/containers/{id}", remove_one, 0 },
	{ "POST", "/containers/{id}/rename", rename_one, 0 },
	{ "GET", "/containers/{id}/top", top, 0 },
	{ "GET", "/containers/{id}/stats", stats, 0 },
	{ NULL, NULL, NULL, 0 },
};
