/* h_exec.c - /containers/ID/exec and /exec/ID/...: an exec is created
 * (kept in memory: the daemon's, as Docker's), started on the hijacked
 * connection (a pty, or pipes framed as stdcopy), inspected for its exit
 * code, and resized. */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "api.h"
#include "container.h"
#include "exec.h"
#include "io.h"
#include "stream.h"
#include "util.h"

#define EXEC_MAX 1024

struct exec_rec {
	char id[BRIG_ID_LEN + 1];
	char container[BRIG_ID_LEN + 1];
	json_t *config; /* the request: Cmd, Env, User, WorkingDir, Tty, Attach* */
	bool started, running, has_exit;
	int exit_code;
	pid_t pid;
	int pty_master; /* while it runs with a tty, for resize */
	struct winsize ws; /* a size asked before the tty existed */
	bool status_errors; /* brig's client: a failed start is an HTTP status */
};

static struct exec_rec *table[EXEC_MAX];
static size_t n_exec;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void new_id(char id[BRIG_ID_LEN + 1])
{
	unsigned char raw[BRIG_ID_LEN / 2];
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || read(fd, raw, sizeof(raw)) != (ssize_t)sizeof(raw))
		for (size_t i = 0; i < sizeof(raw); i++)
			raw[i] = (unsigned char)random();
	if (fd >= 0)
		close(fd);
	for (size_t i = 0; i < sizeof(raw); i++)
		snprintf(id + 2 * i, 3, "%02x", raw[i]);
}

/* Room for one more: the oldest finished exec goes when full. */
static bool make_room(void)
{
	if (n_exec < EXEC_MAX)
		return true;
	for (size_t i = 0; i < n_exec; i++)
		if (table[i]->has_exit || !table[i]->started) {
			json_decref(table[i]->config);
			free(table[i]);
			memmove(table + i, table + i + 1, (n_exec - i - 1) * sizeof(table[0]));
			n_exec--;
			return true;
		}
	return false;
}

static struct exec_rec *find(const char *id)
{
	for (size_t i = 0; i < n_exec; i++)
		if (strcmp(table[i]->id, id) == 0)
			return table[i];
	return NULL;
}

static int create_(struct api_req *r, bool status_errors)
{
	char cid[BRIG_ID_LEN + 1];
	struct exec_rec *x;
	struct brig_err e;
	json_t *body = api_body_json(r), *cmd;
	pid_t pid;

	if (!body)
		return 0;
	cmd = json_object_get(body, "Cmd");
	if (!json_is_array(cmd) || json_array_size(cmd) == 0) {
		json_decref(body);
		return api_reply_error(r, 400, "No exec command specified");
	}
	int rc = container_find(r->c, r->params[0], cid, &pid, &e);
	if (rc <= 0) {
		json_decref(body);
		return rc < 0 ? api_reply_err(r, &e) :
			api_reply_error(r, 409, "Container %.12s is not running", cid);
	}
	x = calloc(1, sizeof(*x));
	if (!x) {
		json_decref(body);
		return api_reply_error(r, 500, "out of memory");
	}
	new_id(x->id);
	snprintf(x->container, sizeof(x->container), "%s", cid);
	x->config = body;
	x->pty_master = -1;
	x->status_errors = status_errors;
	pthread_mutex_lock(&lock);
	bool room = make_room();
	if (room)
		table[n_exec++] = x;
	pthread_mutex_unlock(&lock);
	if (!room) {
		json_decref(body);
		free(x);
		return api_reply_error(r, 503, "too many execs");
	}
	return api_reply_json(r, 201, json_pack("{s:s}", "Id", x->id));
}

static int create(struct api_req *r)
{
	return create_(r, false);
}

int api_exec_create_brig(struct api_req *r)
{
	return create_(r, true);
}

/* A JSON array of strings as a NULL-terminated vector (strings borrowed). */
static char **strv(json_t *a, size_t *n)
{
	size_t len = json_is_array(a) ? json_array_size(a) : 0, k = 0;
	char **v = calloc(len + 1, sizeof(*v));

	for (size_t i = 0; v && i < len; i++)
		if (json_is_string(json_array_get(a, i)))
			v[k++] = (char *)json_string_value(json_array_get(a, i));
	if (n)
		*n = k;
	return v;
}

static const char *str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s && *s ? s : NULL;
}

struct exec_io {
	int child[3];  /* the command's ends */
	int ours[3];   /* ours: stdin's writer, stdout's and stderr's readers */
};

static void io_close(int *fds, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (fds[i] >= 0) {
			close(fds[i]);
			fds[i] = -1;
		}
}

/* Pipes for the streams the client attached; the others /dev/null. */
static int io_pipes(json_t *cfg, struct exec_io *io)
{
	static const char *const keys[3] = { "AttachStdin", "AttachStdout", "AttachStderr" };

	for (int i = 0; i < 3; i++) {
		int p[2];
		io->child[i] = io->ours[i] = -1;
		if (!json_is_true(json_object_get(cfg, keys[i])))
			continue;
		if (pipe2(p, O_CLOEXEC) < 0)
			return -1;
		io->child[i] = i == 0 ? p[0] : p[1];
		io->ours[i] = i == 0 ? p[1] : p[0];
	}
	return 0;
}

/* Start x's command; with a tty its master in x->pty_master. */
static int exec_begin(struct api_req *r, struct exec_rec *x, bool detach, bool tty,
		      struct exec_io *io, struct exec_proc *p, int *code, struct brig_err *e)
{
	json_t *cfg = x->config;
	struct exec_request req = {
		.user = str(cfg, "User"),
		.workdir = str(cfg, "WorkingDir"),
		.tty = tty,
		.detach = detach,
		.stdio = { -1, -1, -1 },
	};
	int rc;

	req.argv = strv(json_object_get(cfg, "Cmd"), NULL);
	req.env = strv(json_object_get(cfg, "Env"), &req.n_env);
	if (!req.argv || !req.env) {
		free(req.argv);
		free(req.env);
		return brig_errf(e, ENOMEM, "out of memory");
	}
	if (!tty && !detach)
		memcpy(req.stdio, io->child, sizeof(req.stdio));
	api_engine_lock();
	rc = container_exec_start(r->c, x->container, &req, p, code, e);
	api_engine_unlock();
	free(req.argv);
	free(req.env);
	io_close(io->child, 3);
	return rc;
}

static void finish(struct exec_rec *x, int code)
{
	pthread_mutex_lock(&lock);
	if (x->pty_master >= 0)
		close(x->pty_master);
	x->pty_master = -1;
	x->running = false;
	x->has_exit = true;
	x->exit_code = code;
	pthread_mutex_unlock(&lock);
}

/* Start x's command attached; its tty published for resize, with a size
 * asked for before it existed.  On failure x is finished. */
static int begin_attached(struct api_req *r, struct exec_rec *x, bool tty, struct exec_io *io,
			  struct exec_proc *p, int *code, struct brig_err *e)
{
	if (exec_begin(r, x, false, tty, io, p, code, e) < 0) {
		io_close(io->child, 3);
		io_close(io->ours, 3);
		finish(x, *code);
		return -1;
	}
	pthread_mutex_lock(&lock);
	x->pty_master = tty ? p->pty_master : -1;
	if (tty && x->ws.ws_row && x->ws.ws_col)
		(void)ioctl(p->pty_master, TIOCSWINSZ, &x->ws);
	pthread_mutex_unlock(&lock);
	return 0;
}

static int start_status(int code)
{
	return code == EXIT_NOT_FOUND ? 404 : code == EXIT_CANNOT_INVOKE ? 400 : 500;
}

/* Docker's way with a start that failed after the upgrade: the reason in
 * the stream (stdout's frame without a tty), the code in ExitCode. */
static void tell_failure(int client, bool tty, const char *msg)
{
	char line[1024];
	int n = snprintf(line, sizeof(line), "%s\r\n", msg);

	if (n >= (int)sizeof(line))
		n = (int)sizeof(line) - 1;
	if (tty)
		(void)!write_all(client, line, (size_t)n);
	else
		(void)!stream_frame_write(client, 1, line, (size_t)n);
}

/* The hijacked client <-> the command, then its exit code into x.  Docker's
 * clients get the upgrade before the command starts, as from Docker, and
 * the command starts once they have read it (api_hijack_settle): the
 * Python SDK reads the stream from the raw socket, past the buffer that
 * read the answer's head, so output sent along with the head is lost.
 * brig's client needs a failed start as an HTTP status, so for it the
 * command starts first. */
/* How long a Docker client may take to read the upgrade's head before the
 * command starts anyway. */
#define HEAD_READ_MS 500

static int run_attached(struct api_req *r, struct exec_rec *x, bool tty)
{
	struct exec_io io = { .child = { -1, -1, -1 }, .ours = { -1, -1, -1 } };
	struct exec_proc p;
	struct brig_err e;
	const char *early;
	size_t n_early;
	int code, client;

	if (!tty && io_pipes(x->config, &io) < 0) {
		io_close(io.child, 3);
		io_close(io.ours, 3);
		finish(x, EXIT_CANNOT_INVOKE);
		return api_reply_error(r, 500, "pipe: %s", strerror(errno));
	}
	if (x->status_errors && begin_attached(r, x, tty, &io, &p, &code, &e) < 0)
		return api_reply_error(r, start_status(code), "%s", e.msg);
	client = api_hijack(r, tty ? "application/vnd.docker.raw-stream" :
				     "application/vnd.docker.multiplexed-stream", &early, &n_early);
	if (client >= 0 && !x->status_errors)
		api_hijack_settle(client, HEAD_READ_MS); /* the command's output after the head */
	if (!x->status_errors && begin_attached(r, x, tty, &io, &p, &code, &e) < 0) {
		if (client >= 0) {
			tell_failure(client, tty, e.msg);
			close(client);
		}
		return 0;
	}
	if (client >= 0) {
		int in = tty ? p.pty_master : io.ours[0];
		if (n_early && in >= 0)
			(void)!write_all(in, early, n_early);
		if (tty)
			stream_relay(client, p.pty_master, p.pty_master, -1, false, false);
		else
			stream_relay(client, io.ours[0], io.ours[1], io.ours[2], true, true);
	}
	io_close(io.ours, 3);
	p.pty_master = -1; /* x's: finish closes it */
	finish(x, container_exec_wait(&p));
	if (client >= 0)
		close(client);
	return 0;
}

static int start(struct api_req *r)
{
	json_t *body = api_body_json(r);
	struct exec_rec *x;
	bool detach, tty;

	if (!body)
		return 0;
	detach = json_is_true(json_object_get(body, "Detach"));
	pthread_mutex_lock(&lock);
	x = find(r->params[0]);
	bool again = x && x->started;
	if (x && !again)
		x->started = x->running = true;
	pthread_mutex_unlock(&lock);
	if (!x || again) {
		json_decref(body);
		return x ? api_reply_error(r, 409, "exec %s has already been started", r->params[0]) :
			   api_reply_error(r, 404, "No such exec instance: %s", r->params[0]);
	}
	tty = json_is_true(json_object_get(body, "Tty")) ||
	      json_is_true(json_object_get(x->config, "Tty"));
	json_decref(body);
	if (detach) {
		struct exec_io io = { .child = { -1, -1, -1 }, .ours = { -1, -1, -1 } };
		struct exec_proc p;
		struct brig_err e;
		int code;
		if (exec_begin(r, x, true, false, &io, &p, &code, &e) < 0) {
			finish(x, code);
			return api_reply_error(r, 500, "%s", e.msg);
		}
		finish(x, 0); /* its own session now: nobody waits for it */
		return api_reply_empty(r, 200);
	}
	return run_attached(r, x, tty);
}

static int inspect(struct api_req *r)
{
	json_t *doc = NULL;
	struct exec_rec *x;

	pthread_mutex_lock(&lock);
	x = find(r->params[0]);
	if (x) {
		json_t *cmd = json_object_get(x->config, "Cmd");
		doc = json_pack("{s:s, s:s, s:b, s:o?, s:b, s:b, s:b, s:i, s:s,"
				" s:{s:b, s:O?, s:O?, s:b, s:s}}",
				"ID", x->id, "ContainerID", x->container, "Running", x->running,
				"ExitCode", x->has_exit ? json_integer(x->exit_code) : NULL,
				"OpenStdin", json_is_true(json_object_get(x->config, "AttachStdin")),
				"OpenStdout", json_is_true(json_object_get(x->config, "AttachStdout")),
				"OpenStderr", json_is_true(json_object_get(x->config, "AttachStderr")),
				"Pid", (int)x->pid, "DetachKeys", "",
				"ProcessConfig", "tty", json_is_true(json_object_get(x->config, "Tty")),
				"entrypoint", json_array_get(cmd, 0), "arguments", NULL,
				"privileged", false, "user", str(x->config, "User") ?: "");
	}
	pthread_mutex_unlock(&lock);
	if (!x)
		return api_reply_error(r, 404, "No such exec instance: %s", r->params[0]);
	return api_reply_json(r, 200, doc);
}

static int resize(struct api_req *r)
{
	struct exec_rec *x;
	int rc;

	pthread_mutex_lock(&lock);
	x = find(r->params[0]);
	int fd = x && x->pty_master >= 0 ? dup(x->pty_master) : -1;
	if (x && fd < 0 && !x->has_exit) { /* the tty is not there yet */
		x->ws.ws_row = (unsigned short)api_query_long(r, "h", 0);
		x->ws.ws_col = (unsigned short)api_query_long(r, "w", 0);
	}
	pthread_mutex_unlock(&lock);
	if (!x)
		return api_reply_error(r, 404, "No such exec instance: %s", r->params[0]);
	rc = api_resize_fd(fd, r);
	if (fd >= 0)
		close(fd);
	return rc;
}

const struct api_route api_exec_routes[] = {
	{ "POST", "/containers/{id}/exec", create, 0 },
	{ "POST", "/exec/{id}/start", start, 0 },
	{ "GET", "/exec/{id}/json", inspect, 0 },
	{ "POST", "/exec/{id}/resize", resize, 0 },
	{ NULL, NULL, NULL, 0 },
};
