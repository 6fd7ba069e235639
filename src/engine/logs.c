/* logs.c - read (and follow) a container's log file. */
#include <fcntl.h>
#include <limits.h>
#include <unistd.h>

#include "cleanup.h"
#include "container.h"
#include "logs.h"
#include "state.h"

/* Everything fd has now, to sink: bytes read, or -1 when sink refused. */
static ssize_t drain(int fd, logs_sink sink, void *arg)
{
	char buf[65536];
	ssize_t n, total = 0;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (sink(arg, buf, (size_t)n) < 0)
			return -1;
		total += n;
	}
	return total;
}

static bool settled(const struct brig_ctx *c, const char *id)
{
	struct container_state st;
	struct brig_err e;

	return state_load(c, id, NULL, &st, &e) < 0 || container_settled(&st);
}

static int open_log(const struct brig_ctx *c, const char *id, const char *file)
{
	char path[PATH_MAX];
	struct brig_err e;

	if (state_path(c, id, file, path, sizeof(path), &e) < 0)
		return -1;
	return open(path, O_RDONLY | O_CLOEXEC);
}

int container_logs(const struct brig_ctx *c, const char *ref, const struct logs_opts *o,
		   logs_sink sink, void *arg, struct brig_err *e)
{
	char id[BRIG_ID_LEN + 1];
	cleanup_close int old = -1, fd = -1;

	if (state_resolve(c, ref, id, e) < 0)
		return -e->code;
	old = open_log(c, id, "container.log.1");
	if (old >= 0 && drain(old, sink, arg) < 0)
		return 0;
	fd = open_log(c, id, "container.log");
	if (fd >= 0 && drain(fd, sink, arg) < 0)
		return 0;
	/* follow until the container has exited and the log is drained */
	while (o->follow) {
		bool done = settled(c, id);
		ssize_t n = 0;
		if (fd < 0)
			fd = open_log(c, id, "container.log");
		if (fd >= 0 && (n = drain(fd, sink, arg)) < 0)
			return 0;
		if (n > 0)
			continue;
		if (done)
			break;
		usleep(50000);
	}
	return 0;
}
