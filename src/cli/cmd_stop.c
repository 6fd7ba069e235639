/* cmd_stop.c - brig stop [-t SECONDS] NAME... and brig kill [-s SIGNAL] NAME... */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "container.h"
#include "lifecycle.h"

int cmd_stop(struct brig_ctx *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "time", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t timeout = 10;
	struct brig_err e;
	int opt, code = 0;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "+t:h", opts, NULL)) != -1) {
		if (opt == 't') {
			if (parse_uint(optarg, 86400, &timeout, &e) < 0)
				return brig_fail("stop: invalid -t '%s'", optarg);
		} else if (opt == 'h') {
			puts("usage: brig stop [-t SECONDS] NAME...");
			return 0;
		} else {
			return brig_fail("stop: %s (see 'brig stop --help')", brig_bad_option(argv));
		}
	}
	if (optind >= argc)
		return brig_fail("stop: missing container name");
	for (int i = optind; i < argc; i++) {
		if (container_stop(c, argv[i], (int)timeout, &e) < 0) {
			brig_report(&e);
			code = EXIT_BRIG;
		} else {
			puts(argv[i]);
		}
	}
	return code;
}

int cmd_kill(struct brig_ctx *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "signal", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int sig = SIGKILL, opt, code = 0;
	struct brig_err e;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "+s:h", opts, NULL)) != -1) {
		if (opt == 's') {
			if ((sig = container_parse_signal(optarg)) < 0)
				return brig_fail("kill: invalid signal '%s'", optarg);
		} else if (opt == 'h') {
			puts("usage: brig kill [-s SIGNAL] NAME...");
			return 0;
		} else {
			return brig_fail("kill: %s (see 'brig kill --help')", brig_bad_option(argv));
		}
	}
	if (optind >= argc)
		return brig_fail("kill: missing container name");
	for (int i = optind; i < argc; i++) {
		if (container_kill(c, argv[i], sig, &e) < 0) {
			brig_report(&e);
			code = EXIT_BRIG;
		} else {
			puts(argv[i]);
		}
	}
	return code;
}

int cmd_wait(struct brig_ctx *c, int argc, char **argv)
{
	struct brig_err e;
	int code = 0;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		puts("usage: brig wait NAME...");
		return argc < 2 ? EXIT_BRIG : 0;
	}
	for (int i = 1; i < argc; i++) {
		int exit_code;
		if (container_wait_exit(c, argv[i], &exit_code, &e) < 0) {
			brig_report(&e);
			code = EXIT_BRIG;
			continue;
		}
		printf("%d\n", exit_code);
	}
	return code;
}
