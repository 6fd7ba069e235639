/* capture.c - `brig capture` (capture.h): libpcap in a helper that joined
 * the container's network namespace.
 *
 * The helper's frames: first a struct capture_ready once the interface is
 * open, the filter set and the output open (so every bad input fails
 * before the user sees "listening"), then a struct capture_event per
 * packet (without a file) and one CAPTURE_END with the counts.  SIGINT or
 * SIGTERM make the helper break the loop and report: the front end
 * forwards its own (capture_stop). */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capture.h"
#include "cleanup.h"
#include "parse.h"
#include "pcapture.h"

/* ---- the helper ---- */

static struct net_capture *running;
static volatile sig_atomic_t stop_asked;

static void on_stop(int sig)
{
	(void)sig;
	stop_asked = 1;
	net_capture_break(running);
}

/* Before anything is opened: a signal that comes early is remembered. */
static int catch_stops(struct brig_err *e)
{
	struct sigaction sa = {.sa_handler = on_stop};

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) < 0 || sigaction(SIGTERM, &sa, NULL) < 0)
		return brig_errno(e, "capture: signal handlers");
	return 0;
}

/* The pcap output: the file (truncated, 0644) or a copy of stdout. */
static FILE *open_output(const char *file, struct brig_err *e)
{
	int fd = strcmp(file, "-") == 0
		     ? fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3)
		     : open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	FILE *f;

	if (fd < 0) {
		brig_errno(e, "open %s", strcmp(file, "-") == 0 ? "stdout" : file);
		return NULL;
	}
	if (!(f = fdopen(fd, "w"))) {
		brig_errno(e, "open %s", file);
		close(fd);
	}
	return f;
}

struct sender {
	struct nsexec_reply *r;
	struct net_capture *cap;
	int failed;
};

/* A packet's head back to the front end (no file). */
static void send_packet(void *arg, const struct timeval *ts, uint32_t caplen, uint32_t len,
			const uint8_t *data)
{
	struct sender *s = arg;
	struct capture_event ev = {.kind = CAPTURE_PACKET, .ts = *ts, .caplen = caplen, .len = len};
	struct brig_err e;

	memcpy(ev.head, data, caplen < CAPTURE_HEAD ? caplen : CAPTURE_HEAD);
	if (nsexec_send(s->r, &ev, sizeof(ev), &e) < 0) {
		s->failed = 1; /* the front end is gone */
		net_capture_break(s->cap);
	}
}

static int send_ready(struct nsexec_reply *r, const char *ifname,
		      const struct net_capture_info *info, struct brig_err *e)
{
	struct capture_ready ready = {.dlt = info->dlt, .snaplen = info->snaplen};

	snprintf(ready.ifname, sizeof(ready.ifname), "%s", ifname);
	snprintf(ready.linktype, sizeof(ready.linktype), "%s", info->linktype);
	snprintf(ready.desc, sizeof(ready.desc), "%s", info->desc);
	return nsexec_send(r, &ready, sizeof(ready), e);
}

static int capture_loop(struct net_capture *cap, const struct capture_opts *o,
			struct nsexec_reply *r, struct brig_err *e)
{
	struct capture_event end = {.kind = CAPTURE_END};
	struct net_capture_stats st;

	running = cap;
	if (stop_asked)
		return nsexec_send(r, &end, sizeof(end), e);
	if (net_capture_run(cap, o->count, &st, e) < 0)
		return -e->code;
	running = NULL;
	end.captured = st.captured;
	end.received = st.received;
	end.dropped = st.dropped;
	return nsexec_send(r, &end, sizeof(end), e);
}

static int capture_helper(void *arg, struct nsexec_reply *r, struct brig_err *e)
{
	const struct capture_opts *o = arg;
	struct net_capture_opts no = {o->ifname, o->filter, 0};
	struct net_capture_info info;
	struct net_capture *cap;
	struct sender s = {r, NULL, 0};
	FILE *f;
	int rc;

	if (catch_stops(e) < 0 || net_capture_open(&no, &cap, &info, e) < 0)
		return -e->code;
	s.cap = cap;
	if (o->file) {
		if (!(f = open_output(o->file, e)) || net_capture_to_file(cap, f, e) < 0) {
			if (f)
				fclose(f);
			net_capture_close(cap);
			return -e->code;
		}
	} else {
		net_capture_to_fn(cap, send_packet, &s);
	}
	rc = send_ready(r, o->ifname, &info, e);
	if (rc == 0)
		rc = capture_loop(cap, o, r, e);
	net_capture_close(cap);
	return rc;
}

/* ---- the caller ---- */

int capture_start(const struct brig_ctx *c, const char *ref, const struct capture_opts *o,
		  struct capture_job *job, struct capture_ready *ready, struct brig_err *e)
{
	struct capture_opts x = *o;
	cleanup_free void *buf = NULL;
	size_t len;
	int r;

	if (!x.ifname)
		x.ifname = "eth0";
	if (!net_ifname_valid(x.ifname))
		return brig_errf(e, EINVAL, "invalid interface name '%s'", x.ifname);
	if (nsexec_start(c, ref, capture_helper, &x, &job->h, e) < 0)
		return -e->code;
	r = nsexec_recv(&job->h, &buf, &len, e);
	if (r == 1 && len == sizeof(*ready)) {
		memcpy(ready, buf, sizeof(*ready));
		return 0;
	}
	nsexec_abort(&job->h);
	if (r >= 0)
		return brig_errf(e, EIO, "capture: the helper sent no answer");
	return brig_err_ctx(e, "capture on %s:%s", ref, x.ifname);
}

int capture_next(struct capture_job *job, struct capture_event *ev, struct brig_err *e)
{
	void *buf;
	size_t len;
	int r = nsexec_recv(&job->h, &buf, &len, e);

	if (r == 1 && len != sizeof(*ev)) {
		free(buf);
		nsexec_abort(&job->h);
		return brig_errf(e, EIO, "capture: the helper sent %zu bytes", len);
	}
	if (r == 1) {
		memcpy(ev, buf, sizeof(*ev));
		free(buf);
	}
	return r;
}

void capture_stop(const struct capture_job *job) { nsexec_signal(&job->h); }

void capture_abort(struct capture_job *job) { nsexec_abort(&job->h); }
