/* cmd_monitor.c - brig __monitor-finish ID WSTATUS [READY_FD]: not for users (not in
 * --help).  brig-monitor, the small static executable that relays a
 * detached container's streams, runs it once it reaped the container: the
 * end needs all of brig (networks, cgroups, the record, events). */
#include <errno.h>
#include <stdlib.h>

#include "cli.h"
#include "monitor.h"
#include "opt.h"

static const struct opt_spec finish_spec = {
	.prog = "__monitor-finish",
	.usage = "brig __monitor-finish ID WSTATUS [READY_FD]",
	.needs = "container id",
};

int cmd_monitor_finish(struct brig_ctx *c, int argc, char **argv)
{
	struct brig_err e;
	char *end;
	long wstatus, ready = -1;
	int first = opt_parse(&finish_spec, argc, argv, NULL, &e);

	if (first <= 0)
		return opt_status(first, &e);
	if (argc - first != 2 && argc - first != 3)
		return brig_fail("__monitor-finish: expected ID WSTATUS [READY_FD]");
	errno = 0;
	wstatus = strtol(argv[first + 1], &end, 10);
	if (errno || *end || end == argv[first + 1] || wstatus < -1 || wstatus > 0xffff)
		return brig_fail("__monitor-finish: invalid wait status '%s'", argv[first + 1]);
	if (argc - first == 3) {
		ready = strtol(argv[first + 2], &end, 10);
		if (errno || *end || end == argv[first + 2] || ready < 3 || ready > 65535)
			return brig_fail("__monitor-finish: invalid fd '%s'", argv[first + 2]);
	}
	if (monitor_finish(c, argv[first], (int)wstatus, (int)ready, &e) < 0) {
		brig_report(&e);
		return EXIT_BRIG;
	}
	return 0;
}
