/* h_streams.c - a container's streams: attach (the socket handed to its
 * monitor, or kept for its start), logs (framed as Docker's stdcopy when
 * it has no tty), and the tty's size. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "api.h"
#include "attach_reg.h"
#include "container.h"
#include "tty.h"
#include "logs.h"
#include "state.h"
#include "stream.h"
#include "util.h"

/* Whether container ref has a tty; its id in id. */
static int has_tty(const struct brig_ctx *c, const char *ref, char id[BRIG_ID_LEN + 1],
		   bool *tty, struct brig_err *e)
{
	struct container_spec spec = { 0 };

	if (state_resolve(c, ref, id, e) < 0 || state_load(c, id, &spec, NULL, e) < 0) {
		spec_free(&spec);
		return brig_errf(e, ENOENT, "No such container: %s", ref);
	}
	*tty = spec.tty;
	spec_free(&spec);
	return 0;
}

static const char *stream_type(bool tty)
{
	return tty ? "application/vnd.docker.raw-stream" :
		     "application/vnd.docker.multiplexed-stream";
}

/* The 101 is sent with the table held: `docker run` sends its start as
 * soon as it reads it, and that start must find the socket kept. */
static int attach(struct api_req *r)
{
	char id[BRIG_ID_LEN + 1];
	struct brig_err e;
	unsigned flags = 0;
	const char *early;
	size_t n_early;
	bool tty;
	pid_t pid;
	int fd, running;

	if (has_tty(r->c, r->params[0], id, &tty, &e) < 0)
		return api_reply_err(r, &e);
	flags |= api_query_bool(r, "stdin") ? ATTACH_STDIN : 0;
	flags |= api_query_bool(r, "stdout") ? ATTACH_STDOUT : 0;
	flags |= api_query_bool(r, "stderr") ? ATTACH_STDERR : 0;
	flags |= tty ? 0 : ATTACH_MUX;
	attach_reg_hold();
	running = container_find(r->c, id, id, &pid, &e);
	fd = api_hijack(r, stream_type(tty), &early, &n_early);
	/* not started yet (docker run, docker start -a): its start hands it on */
	if (fd >= 0 && running != 1)
		attach_reg_add(id, fd, flags | ((flags & ATTACH_STDIN) ? ATTACH_STDIN_ONCE : 0));
	attach_reg_release();
	if (fd < 0 || running != 1)
		return fd < 0 ? -1 : 0;
	if (container_attach_handoff(r->c, id, fd, flags, &e) < 0 && api_debug)
		fprintf(stderr, "brig serve: attach %.12s: %s\n", id, e.msg);
	close(fd);
	return 0;
}

struct log_out {
	struct api_req *r;
	bool mux, timestamps, at_line_start;
};

static int frame_out(struct log_out *o, int stream, const char *buf, size_t len)
{
	unsigned char hdr[STREAM_FRAME_HDR];

	if (!o->mux)
		return api_stream_write(o->r, buf, len);
	stream_frame_header(hdr, stream, (uint32_t)len);
	/* one chunk: header and payload together */
	char tmp[8 + 65536];
	if (len > 65536)
		return api_stream_write(o->r, hdr, 8) < 0 ? -1 : api_stream_write(o->r, buf, len);
	memcpy(tmp, hdr, 8);
	memcpy(tmp + 8, buf, len);
	return api_stream_write(o->r, tmp, len + 8);
}

static int log_sink(void *arg, int stream, int64_t time_ns, const char *buf, size_t len)
{
	struct log_out *o = arg;
	char line[65536 + 64];
	int n;

	if (!o->timestamps)
		return frame_out(o, stream, buf, len);
	if (len > 65536)
		len = 65536;
	char ts[64];

	n = snprintf(line, sizeof(line), "%s ", rfc3339(time_ns, ts, sizeof(ts)));
	memcpy(line + n, buf, len);
	return frame_out(o, stream, line, (size_t)n + len);
}

static int64_t query_time(struct api_req *r, const char *key)
{
	const char *v = api_query(r, key);
	double s;

	if (!v || !*v || sscanf(v, "%lf", &s) != 1)
		return 0;
	return (int64_t)(s * 1e9);
}

static int logs(struct api_req *r)
{
	const char *tail = api_query(r, "tail");
	struct logs_opts lo = {
		.follow = api_query_bool(r, "follow"),
		.timestamps = api_query_bool(r, "timestamps"),
		.tail = tail && *tail && strcmp(tail, "all") != 0 ? atol(tail) : -1,
		.since = query_time(r, "since"),
		.until = query_time(r, "until"),
		.no_stdout = !api_query_bool(r, "stdout"),
		.no_stderr = !api_query_bool(r, "stderr"),
	};
	struct log_out o = { .r = r, .timestamps = lo.timestamps };
	char id[BRIG_ID_LEN + 1];
	struct brig_err e;
	bool tty;

	if (has_tty(r->c, r->params[0], id, &tty, &e) < 0)
		return api_reply_err(r, &e);
	if (lo.no_stdout && lo.no_stderr)
		return api_reply_error(r, 400, "you must choose at least one stream");
	o.mux = !tty;
	if (api_stream_begin(r, 200, stream_type(tty)) < 0)
		return -1;
	if (container_logs(r->c, id, &lo, log_sink, &o, &e) < 0)
		return -1; /* headers are out: cut the stream */
	return api_stream_end(r);
}

/* The size of a tty: TIOCSWINSZ on the pty; for a container, its init's
 * terminal (the pty's other end: the same window). */
int api_resize_fd(int fd, struct api_req *r)
{
	struct winsize ws = {
		.ws_row = (unsigned short)api_query_long(r, "h", 0),
		.ws_col = (unsigned short)api_query_long(r, "w", 0),
	};

	if (!ws.ws_row || !ws.ws_col)
		return api_reply_error(r, 400, "h and w must be positive");
	if (fd >= 0 && ioctl(fd, TIOCSWINSZ, &ws) < 0)
		return api_reply_error(r, 500, "cannot resize the tty: %s", strerror(errno));
	return api_reply_empty(r, 200);
}

static int resize(struct api_req *r)
{
	char id[BRIG_ID_LEN + 1], path[64];
	struct brig_err e;
	pid_t pid;
	int fd, rc = container_find(r->c, r->params[0], id, &pid, &e);

	if (rc < 0)
		return api_reply_err(r, &e);
	if (rc == 0)
		return api_reply_error(r, 409, "Container %.12s is not running", id);
	snprintf(path, sizeof(path), "/proc/%d/fd/0", pid);
	fd = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd >= 0 && !isatty(fd)) {
		close(fd);
		return api_reply_error(r, 409, "container %.12s has no tty", id);
	}
	rc = api_resize_fd(fd, r);
	if (fd >= 0)
		close(fd);
	return rc;
}

const struct api_route api_stream_routes[] = {
	{ "POST", "/containers/{id}/attach", attach, 0 },
	{ "GET", "/containers/{id}/logs", logs, 0 },
	{ "POST", "/containers/{id}/resize", resize, 0 },
	{ NULL, NULL, NULL, 0 },
};
