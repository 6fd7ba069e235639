/* main.c - global options and subcommand dispatch. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "client.h"
#include "cleanup.h"
#include "opt.h"
#include "rootless_ctl.h"

static const struct cli_command commands[] = {
	{ "run", cmd_run, NULL, "run a command in a new container" },
	{ "ps", cmd_ps, NULL, "list containers" },
	{ "rm", cmd_rm, NULL, "remove containers" },
	{ "exec", cmd_exec, NULL, "run a command in a running container" },
	{ "start", cmd_start, NULL, "start stopped containers again" },
	{ "stop", cmd_stop, NULL, "stop containers (SIGTERM, then SIGKILL)" },
	{ "restart", cmd_restart, NULL, "stop, then start containers" },
	{ "kill", cmd_kill, NULL, "send a signal to containers" },
	{ "wait", cmd_wait, NULL, "wait for containers to exit; print their exit codes" },
	{ "logs", cmd_logs, NULL, "show what a container printed" },
	{ "attach", cmd_attach, NULL, "attach to a detached container's terminal" },
	{ "stats", cmd_stats, NULL, "CPU, memory, pids and network usage" },
	{ "inspect", cmd_inspect, NULL, "show containers as JSON" },
	{ "cp", cmd_cp, NULL, "copy files between a container and the host" },
	{ "port", cmd_port, NULL, "list a container's published ports" },
	{ "events", cmd_events, NULL, "show what happens to containers, networks, volumes, images" },
	{ "image", cmd_image, NULL, "import, load, save, tag, list and remove images" },
	{ "export", cmd_export, NULL, "write a container's filesystem as a tar" },
	{ "commit", cmd_commit, NULL, "make an image from a container's changes" },
	{ "network", cmd_network, NULL, "create, list, inspect and remove networks" },
	{ "volume", cmd_volume, NULL, "create, list, inspect and remove volumes" },
	{ "lab", cmd_lab, NULL, "deploy, inspect and destroy labs from topology files" },
	{ "netem", cmd_netem, NULL, "impair links: delay, jitter, loss, rate, corruption" },
	{ "capture", cmd_capture, NULL, "capture packets on a container's interface" },
	{ "compare", cmd_compare, NULL, "the network modes side by side: reachability, RTT, throughput" },
	{ "system", cmd_system, NULL, "info, gc, reset" },
	{ "serve", cmd_serve, NULL, "serve the Docker Engine API on a unix socket" },
	/* registries: cmd_registry.c */
	{ "pull", NULL, cmd_pull, "download an image from a registry" },
	{ "push", NULL, cmd_push, "upload an image to a registry" },
	{ "login", NULL, cmd_login, "store credentials for a registry" },
	{ "logout", NULL, cmd_logout, "forget a registry's credentials" },
	/* brig-monitor's end (cmd_monitor.c): not listed */
	{ "__monitor-finish", cmd_monitor_finish, NULL, NULL },
	{ NULL },
};

static const struct opt global_opts[] = {
	{ "root", 0, "DIR", "persistent state (default: /var/lib/brig, $BRIG_ROOT)", opt_string,
	  offsetof(struct brig_ctx, root) },
	{ "runroot", 0, "DIR", "runtime state (default: /run/brig, $BRIG_RUNROOT)", opt_string,
	  offsetof(struct brig_ctx, runroot) },
	{ "host", 'H', "unix://PATH", "go through brig serve at this socket ($BRIG_HOST)", opt_string,
	  offsetof(struct brig_ctx, host) },
	{ NULL },
};

static const struct opt_spec brig_spec = {
	.prog = "",
	.usage = "brig [--root DIR] [--runroot DIR] [-H unix://PATH] COMMAND [ARG...]",
	.opts = global_opts,
	.commands = commands,
	/* a client of brig serve (docs/api.md), else rootless for an
	 * unprivileged user (docs/rootless.md) */
	.ready = client_ready,
};

static const char *env_or(const char *name, const char *dflt)
{
	const char *v = getenv(name);
	return v && *v ? v : dflt;
}

int main(int argc, char **argv)
{
	struct brig_ctx c = {
		.root = env_or("BRIG_ROOT", "/var/lib/brig"),
		.runroot = env_or("BRIG_RUNROOT", "/run/brig"),
		.host = env_or("BRIG_HOST", NULL),
	};

	rootless_defaults(&c);
	brig_argv = argv;
	return cli_dispatch(&c, &brig_spec, argc, argv);
}
