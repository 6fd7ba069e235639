/* cmd_system.c - brig system info | gc | reset */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "container.h"
#include "lifecycle.h"

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

static void report_one(void *arg, const struct brig_err *e)
{
	(void)arg;
	brig_report(e);
}

/* Stop and remove every container, then every network, bridge, the
 * nftables table and lease files, and brig's cgroup parent. */
static int system_reset(struct brig_ctx *c)
{
	return container_system_reset(c, report_one, NULL) < 0 ? EXIT_BRIG : 0;
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
