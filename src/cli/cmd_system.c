/* cmd_system.c - brig system info | gc | reset */
#include <signal.h>
#include <string.h>

#include "cli.h"
#include "container.h"
#include "network.h"
#include "opt.h"
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
