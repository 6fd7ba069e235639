/* probe_run.c - probes run in a container's network namespace (probe_run.h). */
#include <stdlib.h>

#include "cleanup.h"
#include "probe_run.h"

int probe_run_list_addrs(void *arg, struct nsexec_reply *r, struct brig_err *e)
{
	cleanup_free struct probe_addr *v = NULL;
	size_t n;

	(void)arg;
	if (probe_addrs(&v, &n, e) < 0)
		return -e->code;
	return nsexec_send(r, v, n * sizeof(*v), e);
}

int probe_run_addrs(const struct brig_ctx *c, const char *ref, struct probe_addr **v, size_t *n,
		    struct brig_err *e)
{
	void *buf;
	size_t len;

	*v = NULL;
	*n = 0;
	if (nsexec_run(c, ref, probe_run_list_addrs, NULL, &buf, &len, e) < 0)
		return -e->code;
	if (len == 0) {
		free(buf);
		return 0;
	}
	*v = buf;
	*n = len / sizeof(**v);
	return 0;
}

/* The receiver: listen, say on which port (frame 1), receive, report (frame 2). */
static int perf_receiver(void *arg, struct nsexec_reply *r, struct brig_err *e)
{
	const struct probe_perf_opts *o = arg;
	struct probe_perf_result res;
	uint16_t port;
	cleanup_close int fd = probe_perf_listen(o, &port, e);

	if (fd < 0 || nsexec_send(r, &port, sizeof(port), e) < 0 ||
	    probe_perf_receive(fd, o, &res, e) < 0)
		return -e->code;
	return nsexec_send(r, &res, sizeof(res), e);
}

static int perf_sender(void *arg, struct nsexec_reply *r, struct brig_err *e)
{
	const struct probe_perf_opts *o = arg;
	struct probe_perf_result res;

	if (probe_perf_send(o, &res, e) < 0)
		return -e->code;
	return nsexec_send(r, &res, sizeof(res), e);
}

int probe_run_perf(const struct brig_ctx *c, const char *rx, const char *tx,
		   struct probe_perf_opts *o, struct probe_perf_result *rxr,
		   struct probe_perf_result *txr, struct brig_err *e)
{
	struct nsexec_job rj, tj = {-1, -1, -1};
	uint16_t port;

	if (nsexec_start(c, rx, perf_receiver, o, &rj, e) < 0)
		return brig_err_ctx(e, "%s", rx);
	if (nsexec_recv_fixed(&rj, &port, sizeof(port), false, e) < 0) {
		nsexec_abort(&rj);
		return brig_err_ctx(e, "receiver on %s", rx);
	}
	o->port = port;
	if (nsexec_start(c, tx, perf_sender, o, &tj, e) < 0 ||
	    nsexec_recv_fixed(&tj, txr, sizeof(*txr), true, e) < 0) {
		nsexec_abort(&tj);
		nsexec_abort(&rj);
		return brig_err_ctx(e, "sender on %s", tx);
	}
	if (nsexec_recv_fixed(&rj, rxr, sizeof(*rxr), true, e) < 0) {
		nsexec_abort(&rj);
		return brig_err_ctx(e, "receiver on %s", rx);
	}
	return 0;
}
