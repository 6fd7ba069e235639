/* cmd_system.c - brig system info | gc | reset */
#include <signal.h>
#include <string.h>

#include "cli.h"
#include "container.h"
#include "network.h"
#include "orphan.h"
#include "state.h"

static int system_info(struct brig_ctx *c)
{
	struct brig_err e;

	printf("root:     %s\nrunroot:  %s\n", c->root, c->runroot);
	if (container_cgroups_ready(&e) == 0)
		printf("cgroups:  %s\n", cgroup_mode());
	else
		printf("cgroups:  unavailable (%s)\n", e.msg);
	return 0;
}

/* Stop and remove every container, then every network, bridge, the
 * nftables table and lease files, and brig's cgroup parent. */
static int system_reset(struct brig_ctx *c)
{
	char **ids = NULL;
	struct brig_err e;
	int code = 0;

	if (state_list(c, &ids, &e) < 0) {
		brig_report(&e);
		return EXIT_BRIG;
	}
	/* Kill them all first, so their owners wind down in parallel, then
	 * remove each record (which waits for its owner). */
	for (char **p = ids; *p; p++) {
		char id[BRIG_ID_LEN + 1];
		pid_t pid;
		if (container_find(c, *p, id, &pid, &e) == 1)
			kill(pid, SIGKILL);
	}
	/* kill_remove: one that was still being started is running by now */
	for (char **p = ids; *p; p++) {
		if (container_kill_remove(c, *p, &e) < 0) {
			brig_report(&e);
			code = EXIT_BRIG;
		}
	}
	state_list_free(ids);
	orphan_sweep(c); /* monitors whose record was lost, and what they held */
	if (network_reset(c, &e) < 0) {
		brig_report(&e);
		code = EXIT_BRIG;
	}
	if (container_cgroups_ready(&e) == 0)
		cgroup_remove_parent("brig", &e);
	return code;
}

int cmd_system(struct brig_ctx *c, int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		puts("usage: brig system info | gc | reset");
		return argc < 2 ? EXIT_BRIG : 0;
	}
	if (!strcmp(argv[1], "info"))
		return system_info(c);
	if (!strcmp(argv[1], "reset"))
		return system_reset(c);
	if (!strcmp(argv[1], "gc")) {
		struct brig_err e;
		if (container_gc(c, &e) < 0) {
			brig_report(&e);
			return EXIT_BRIG;
		}
		return 0;
	}
	return brig_fail("system: unknown command '%s'", argv[1]);
}
