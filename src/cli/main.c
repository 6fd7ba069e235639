/* main.c - global options and subcommand dispatch. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cleanup.h"

struct command {
	const char *name;
	int (*fn)(struct brig_ctx *c, int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{ "run", cmd_run, "run a command in a new container" },
	{ "ps", cmd_ps, "list containers" },
	{ "rm", cmd_rm, "remove containers" },
	{ "exec", cmd_exec, "run a command in a running container" },
	{ "start", cmd_start, "start stopped containers again" },
	{ "stop", cmd_stop, "stop containers (SIGTERM, then SIGKILL)" },
	{ "restart", cmd_restart, "stop, then start containers" },
	{ "kill", cmd_kill, "send a signal to containers" },
	{ "wait", cmd_wait, "wait for containers to exit; print their exit codes" },
	{ "logs", cmd_logs, "show what a container printed" },
	{ "attach", cmd_attach, "attach to a detached container's terminal" },
	{ "stats", cmd_stats, "CPU, memory, pids and network usage" },
	{ "inspect", cmd_inspect, "show containers as JSON" },
	{ "cp", cmd_cp, "copy files between a container and the host" },
	{ "image", cmd_image, "import, list and remove images" },
	{ "network", cmd_network, "create, list, inspect and remove networks" },
	{ "system", cmd_system, "info, gc, reset" },
};

static void usage(FILE *f)
{
	fputs("usage: brig [--root DIR] [--runroot DIR] COMMAND [ARG...]\n\ncommands:\n", f);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fputs("\nRun 'brig COMMAND --help' for a command's options.\n", f);
}

static const char *env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);
	return v && *v ? v : dflt;
}



int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "runroot", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct brig_ctx c = {
		.root = env_or("BRIG_ROOT", "/var/lib/brig"),
		.runroot = env_or("BRIG_RUNROOT", "/run/brig"),
	};
	int opt;

	brig_argv = argv;
	opterr = 0; /* every command reports a bad option in one line of its own */
	while ((opt = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (opt) {
		case 'r': c.root = optarg; break;
		case 'R': c.runroot = optarg; break;
		case 'h': usage(stdout); return 0;
		default: return brig_fail("%s (see 'brig --help')", brig_bad_option(argv));
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_BRIG;
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		if (strcmp(argv[optind], commands[i].name) == 0) {
			optind++; /* subcommands parse argv from index 0 */
			return commands[i].fn(&c, argc - optind + 1, argv + optind - 1);
		}
	}
	return brig_fail("unknown command '%s' (see 'brig --help')", argv[optind]);
}
