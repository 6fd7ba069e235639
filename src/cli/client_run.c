/* client_run.c - `brig run` and `brig exec` through brig serve: the
 * upgraded streams of attach and exec start on a raw socket (the one
 * place the client writes HTTP itself), a tty relayed raw, without one
 * Docker's stdcopy frames to stdout and stderr; the run's wait in a
 * thread of its own, registered before the start. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cleanup.h"
#include "cli.h"
#include "client.h"
#include "client_proto.h"
#include "io.h"

/* ---- the upgraded connection ---- */

struct upgraded {
	int fd;
	char buf[HTTP_HEAD_MAX];
	size_t off, len; /* stream bytes read with the head: buf[off, len) */
};

static int dial(const struct brig_ctx *c, struct brig_err *e)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return brig_errno(e, "socket");
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", c->host);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int err = errno;
		close(fd);
		return client_unreachable(c, strerror(err), e);
	}
	return fd;
}

/* The message of an error answer whose body starts at u->buf + u->off. */
static int refused(const struct brig_ctx *c, struct upgraded *u, const struct http_answer *a,
		   struct brig_err *e)
{
	ssize_t n;
	json_t *j;
	const char *body;

	while (u->len < sizeof(u->buf) - 1 &&
	       (a->length < 0 || u->len - u->off < (size_t)a->length) &&
	       (n = read(u->fd, u->buf + u->len, sizeof(u->buf) - 1 - u->len)) > 0)
		u->len += (size_t)n;
	u->buf[u->len] = '\0';
	body = strchr(u->buf + u->off, '{'); /* past a chunk's size line */
	j = body ? json_loads(body, JSON_DISABLE_EOF_CHECK, NULL) : NULL;
	if (json_string_value(json_object_get(j, "message")))
		brig_errf(e, client_status_errno(a->status), "%s",
			  json_string_value(json_object_get(j, "message")));
	else
		client_unreachable(c, "it refused the stream", e);
	json_decref(j);
	return -e->code;
}

/* POST path with body (JSON text) asking for the upgrade; 0 with u->fd
 * the stream, or negative with e filled (the daemon's message). */
static int upgrade(const struct brig_ctx *c, const char *path, const char *body,
		   struct upgraded *u, struct brig_err *e)
{
	struct http_answer a;
	char head[4096];
	long n_head = 0;
	ssize_t n;
	int len = snprintf(head, sizeof(head),
			   "POST %s HTTP/1.1\r\nHost: brig\r\nConnection: Upgrade\r\n"
			   "Upgrade: tcp\r\nContent-Type: application/json\r\n"
			   "Content-Length: %zu\r\n\r\n",
			   path, strlen(body));

	u->off = u->len = 0;
	if ((u->fd = dial(c, e)) < 0)
		return u->fd;
	if (write_all(u->fd, head, (size_t)len) < 0 || write_all(u->fd, body, strlen(body)) < 0)
		n_head = -1;
	while (n_head == 0 && (n = read(u->fd, u->buf + u->len, sizeof(u->buf) - 1 - u->len)) > 0) {
		u->len += (size_t)n;
		n_head = http_answer_parse(u->buf, u->len, &a);
	}
	if (n_head <= 0) {
		close(u->fd);
		return client_unreachable(c, "no answer to the stream's request", e);
	}
	u->off = (size_t)n_head;
	if (a.status == 101 || a.status == 200)
		return 0;
	n = refused(c, u, &a, e);
	close(u->fd);
	return (int)n;
}

/* ---- signals: a self-pipe the relay polls ---- */

static int sig_pipe[2] = { -1, -1 };

static void on_signal(int sig)
{
	unsigned char b = (unsigned char)sig;
	int saved = errno;

	(void)!write(sig_pipe[1], &b, 1);
	errno = saved;
}

static const int proxied[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };

/* SIGWINCH with a tty; the signals run forwards without one (proxy). */
static void catch_signals(bool tty, bool proxy)
{
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };

	if (sig_pipe[0] < 0 && pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return;
	sigemptyset(&sa.sa_mask);
	if (tty)
		sigaction(SIGWINCH, &sa, NULL);
	for (size_t i = 0; proxy && i < ARRAY_SIZE(proxied); i++)
		sigaction(proxied[i], &sa, NULL);
}

/* ---- the relay ---- */

struct relay {
	const struct brig_ctx *c;
	struct upgraded *u;
	bool tty, in_open;
	const char *resize; /* "/containers/ID/resize" or "/exec/ID/resize" */
	const char *kill;   /* "/brig/containers/ID/kill": forwarded signals */
	struct stdcopy_reader rd;
};

static void resize(const struct relay *r)
{
	unsigned short rows, cols;
	char path[256];
	struct brig_err e;

	term_size(STDIN_FILENO, &rows, &cols);
	if (!rows || !cols)
		return;
	snprintf(path, sizeof(path), "%s?h=%u&w=%u", r->resize, rows, cols);
	client_call(r->c, "POST", path, NULL, NULL, &e); /* best effort, as docker's */
}

static void on_sig(struct relay *r)
{
	unsigned char sig;
	char path[256];
	struct brig_err e;

	while (read(sig_pipe[0], &sig, 1) == 1) {
		if (sig == SIGWINCH && r->tty) {
			resize(r);
			continue;
		}
		snprintf(path, sizeof(path), "%s?signal=%d", r->kill, sig);
		if (r->kill)
			client_call(r->c, "POST", path, NULL, NULL, &e);
	}
}

static int to_std(void *arg, int stream, const char *buf, size_t len)
{
	(void)arg;
	return write_all(stream == 2 ? STDERR_FILENO : STDOUT_FILENO, buf, len);
}

/* Bytes from the daemon: raw to stdout with a tty, else frames. */
static int from_daemon(struct relay *r, const char *buf, size_t len)
{
	if (r->tty)
		return write_all(STDOUT_FILENO, buf, len);
	return stdcopy_feed(&r->rd, buf, len, to_std, r);
}

/* Our stdin to the daemon; at its end the write side closes (the
 * container's stdin closes then: StdinOnce). */
static void from_stdin(struct relay *r)
{
	char buf[16384];
	ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));

	if (n > 0 && write_all(r->u->fd, buf, (size_t)n) == 0)
		return;
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	shutdown(r->u->fd, SHUT_WR);
	r->in_open = false;
}

/* Until the daemon's side ends: 0, or -1 on a broken stream. */
static int relay(struct relay *r)
{
	char buf[65536];
	ssize_t n;

	if (r->u->len > r->u->off && from_daemon(r, r->u->buf + r->u->off, r->u->len - r->u->off) < 0)
		return -1;
	for (;;) {
		struct pollfd p[3] = {
			{ .fd = r->u->fd, .events = POLLIN },
			{ .fd = r->in_open ? STDIN_FILENO : -1, .events = POLLIN },
			{ .fd = sig_pipe[0], .events = POLLIN },
		};
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (p[2].revents & POLLIN)
			on_sig(r);
		if (p[1].revents & (POLLIN | POLLHUP | POLLERR))
			from_stdin(r);
		if (!(p[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		n = read(r->u->fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n == 0 && (r->tty || stdcopy_at_boundary(&r->rd)) ? 0 : -1;
		if (from_daemon(r, buf, (size_t)n) < 0)
			return -1;
	}
}

/* Relay with our terminal raw when there is a tty and input. */
static int relay_terminal(struct relay *r, bool interactive)
{
	int rc;

	catch_signals(r->tty, r->kill && !r->tty);
	if (r->tty)
		resize(r);
	if (r->tty && interactive)
		term_raw(STDIN_FILENO);
	rc = relay(r);
	term_restore();
	return rc;
}

/* The exit status per the contract of a failed start (run or exec): the
 * daemon answers 404 when the command is not found, 400 when it cannot
 * be run. */
static int start_status(const struct brig_err *e)
{
	return e->code == ENOENT ? EXIT_NOT_FOUND : e->code == EINVAL ? EXIT_CANNOT_INVOKE : EXIT_BRIG;
}

/* ---- run ---- */

static int create(const struct brig_ctx *c, struct container_spec *o, char id[BRIG_ID_LEN + 1],
		  struct brig_err *e)
{
	json_t *body = spec_to_json(o), *out = NULL;
	const char *s;
	int r;

	if (!body)
		return brig_errf(e, ENOMEM, "out of memory");
	r = client_call(c, "POST", "/brig/containers/create", body, &out, e);
	json_decref(body);
	if (r < 0)
		return r;
	s = json_string_value(json_object_get(out, "Id"));
	if (!s || strlen(s) != BRIG_ID_LEN)
		r = brig_errf(e, EPROTO, "brig serve's create gave no id");
	else
		memcpy(id, s, BRIG_ID_LEN + 1);
	json_decref(out);
	return r < 0 ? r : 0;
}

static int start(const struct brig_ctx *c, const char *id, struct brig_err *e)
{
	char path[128];

	snprintf(path, sizeof(path), "/brig/containers/%s/start", id);
	return client_call(c, "POST", path, NULL, NULL, e);
}

/* The wait of a foreground run, in a thread: the answer's head tells the
 * start may go, its body holds the exit status. */
struct waiter {
	const struct brig_ctx *c;
	char path[160];
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool head, done;
	char body[512];
	size_t len;
	int rc;
	struct brig_err e;
};

static void wait_head(void *arg)
{
	struct waiter *w = arg;

	pthread_mutex_lock(&w->mu);
	w->head = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

static int wait_body(void *arg, const char *buf, size_t len)
{
	struct waiter *w = arg;

	if (w->len + len >= sizeof(w->body))
		return -1;
	memcpy(w->body + w->len, buf, len);
	w->len += len;
	return 0;
}

static void *wait_thread(void *arg)
{
	struct waiter *w = arg;
	int rc = client_stream(w->c, "POST", w->path, wait_head, wait_body, w, &w->e);

	pthread_mutex_lock(&w->mu);
	w->rc = rc;
	w->done = true;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* Start the wait; 0 once it is registered (its head is in). */
static int wait_begin(struct waiter *w, pthread_t *t, struct brig_err *e)
{
	if (pthread_create(t, NULL, wait_thread, w) != 0)
		return brig_errf(e, EAGAIN, "cannot start a thread for the wait");
	pthread_mutex_lock(&w->mu);
	while (!w->head && !w->done)
		pthread_cond_wait(&w->cv, &w->mu);
	pthread_mutex_unlock(&w->mu);
	if (w->head)
		return 0;
	pthread_join(*t, NULL);
	*e = w->e;
	return -e->code;
}

/* The wait's StatusCode. */
static int wait_end(struct waiter *w, pthread_t t)
{
	json_t *j;
	int code = EXIT_BRIG;

	pthread_join(t, NULL);
	if (w->rc < 0) {
		brig_report(&w->e);
		return EXIT_BRIG;
	}
	w->body[w->len] = '\0';
	j = json_loads(w->body, JSON_DISABLE_EOF_CHECK, NULL);
	if (json_is_integer(json_object_get(j, "StatusCode")))
		code = (int)json_integer_value(json_object_get(j, "StatusCode"));
	json_decref(j);
	return code < 0 ? EXIT_BRIG : code;
}

static int run_attached(const struct brig_ctx *c, const struct container_spec *o, const char *id)
{
	struct waiter w = { .c = c, .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER };
	struct upgraded u;
	char path[256], kill[128];
	struct relay r = { .c = c, .u = &u, .tty = o->tty, .in_open = o->interactive,
			   .resize = path, .kill = kill };
	struct brig_err e;
	pthread_t t;

	snprintf(path, sizeof(path), "/containers/%s/attach?stream=1&stdin=%d&stdout=1&stderr=1",
		 id, o->interactive);
	if (upgrade(c, path, "", &u, &e) < 0) {
		brig_report(&e);
		return EXIT_BRIG;
	}
	/* with --rm the monitor removes it: the wait ends then, with its status */
	snprintf(w.path, sizeof(w.path), "/containers/%s/wait?condition=%s", id,
		 o->rm ? "removed" : "next-exit");
	if (wait_begin(&w, &t, &e) < 0 || start(c, id, &e) < 0) {
		close(u.fd);
		brig_report(&e);
		return w.head ? start_status(&e) : EXIT_BRIG;
	}
	snprintf(path, sizeof(path), "/containers/%s/resize", id);
	snprintf(kill, sizeof(kill), "/brig/containers/%s/kill", id);
	relay_terminal(&r, o->interactive);
	close(u.fd);
	return wait_end(&w, t);
}

int client_run(const struct brig_ctx *c, struct container_spec *o)
{
	char id[BRIG_ID_LEN + 1];
	struct brig_err e;

	if (create(c, o, id, &e) < 0) {
		brig_report(&e);
		return EXIT_BRIG;
	}
	if (!o->detach)
		return run_attached(c, o, id);
	if (start(c, id, &e) < 0) {
		brig_report(&e);
		return start_status(&e);
	}
	puts(id);
	return 0;
}

/* ---- exec ---- */

/* The strings v[0..n), or up to its NULL when n is SIZE_MAX. */
static json_t *strv_json(char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && v && i < n && v[i]; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

/* Docker's ExecConfig for req: its id in id. */
static int exec_create(const struct brig_ctx *c, const char *ref, const struct exec_request *req,
		       bool interactive, char id[BRIG_ID_LEN + 1], struct brig_err *e)
{
	json_t *body, *out = NULL;
	char path[1024], esc[800];
	const char *s;
	int r;

	body = json_pack("{s:o, s:o, s:s?, s:s?, s:b, s:b, s:b, s:b}", "Cmd", strv_json(req->argv, SIZE_MAX),
			 "Env", strv_json(req->env, req->n_env), "User", req->user, "WorkingDir",
			 req->workdir, "Tty", req->tty, "AttachStdin", interactive, "AttachStdout",
			 !req->detach, "AttachStderr", !req->detach);
	if (!body)
		return brig_errf(e, ENOMEM, "out of memory");
	client_escape(ref, esc, sizeof(esc));
	snprintf(path, sizeof(path), "/brig/containers/%s/exec", esc);
	r = client_call(c, "POST", path, body, &out, e);
	json_decref(body);
	if (r < 0)
		return r;
	s = json_string_value(json_object_get(out, "Id"));
	r = s && strlen(s) == BRIG_ID_LEN ? 0 : brig_errf(e, EPROTO, "brig serve's exec gave no id");
	if (r == 0)
		memcpy(id, s, BRIG_ID_LEN + 1);
	json_decref(out);
	return r;
}

/* The exec's ExitCode once it ended. */
static int exec_status(const struct brig_ctx *c, const char *id)
{
	char path[128];
	struct brig_err e;
	json_t *out = NULL;
	int code = EXIT_BRIG;

	snprintf(path, sizeof(path), "/exec/%s/json", id);
	if (client_call(c, "GET", path, NULL, &out, &e) < 0)
		brig_report(&e);
	else if (json_is_integer(json_object_get(out, "ExitCode")))
		code = (int)json_integer_value(json_object_get(out, "ExitCode"));
	json_decref(out);
	return code;
}

int client_exec(const struct brig_ctx *c, const char *ref, const struct exec_request *req,
		bool interactive)
{
	char id[BRIG_ID_LEN + 1], path[128], rpath[128];
	struct upgraded u;
	struct relay r = { .c = c, .u = &u, .tty = req->tty, .in_open = interactive,
			   .resize = rpath };
	struct brig_err e;
	json_t *detached;

	if (exec_create(c, ref, req, interactive, id, &e) < 0) {
		brig_report(&e);
		return EXIT_BRIG;
	}
	snprintf(path, sizeof(path), "/exec/%s/start", id);
	snprintf(rpath, sizeof(rpath), "/exec/%s/resize", id);
	if (req->detach) {
		detached = json_pack("{s:b}", "Detach", true);
		int rc = client_call(c, "POST", path, detached, NULL, &e);
		json_decref(detached);
		if (rc >= 0)
			return 0;
		brig_report(&e);
		return start_status(&e);
	}
	if (upgrade(c, path, req->tty ? "{\"Detach\":false,\"Tty\":true}" : "{\"Detach\":false}", &u,
		    &e) < 0) {
		brig_report(&e);
		return start_status(&e);
	}
	relay_terminal(&r, interactive);
	close(u.fd);
	return exec_status(c, id);
}
