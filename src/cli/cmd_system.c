/* cmd_system.c - brig system info | gc | reset */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "container.h"
#include "lifecycle.h"
#include "opt.h"

static int system_info(struct brig_ctx *c)
{
	struct brig_err e;
	const char *layout = container_cgroup_layout(&e);

	printf("root:     %s\nrunroot:  %s\n", c->root, c->runroot);
	if (layout)
		printf("cgroups:  %s\n", layout);
	else
		printf("cgroups:  unavailable (%s)\n", e.msg);
	return 0;
}

/* Stop and remove every container, then every network, bridge, the
 * nftables table and lease files, and brig's cgroup parent. */
static int system_reset(struct brig_ctx *c)
{
	return container_system_reset(c, brig_report_cb, NULL) < 0 ? EXIT_BRIG : 0;
}

/* The subcommands take no arguments (extra ones are ignored, as before). */
static int info_cmd(struct brig_ctx *c, int argc, char **argv)
{
	(void)argc, (void)argv;
	return system_info(c);
}

static int reset_cmd(struct brig_ctx *c, int argc, char **argv)
{
	(void)argc, (void)argv;
	return system_reset(c);
}

static int gc_cmd(struct brig_ctx *c, int argc, char **argv, struct brig_err *e)
{
	(void)argc, (void)argv;
	return container_gc(c, e);
}

static const struct cli_command subcommands[] = {
	{ "info", info_cmd, NULL, "where brig keeps its state; the cgroup mode" },
	{ "gc", NULL, gc_cmd, "reconcile what crashed containers left behind" },
	{ "reset", reset_cmd, NULL, "remove every container and network" },
	{ NULL },
};

static const struct opt_spec system_spec = {
	.prog = "system",
	.usage = "brig system COMMAND",
	.commands = subcommands,
};

int cmd_system(struct brig_ctx *c, int argc, char **argv)
{
	return cli_dispatch(c, &system_spec, argc, argv);
}
