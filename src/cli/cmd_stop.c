/* cmd_stop.c - brig stop [-t SECONDS] NAME... and brig kill [-s SIGNAL] NAME... */
#include <getopt.h>
#include <signal.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cleanup.h"
#include "container.h"
#include "state.h"

static const struct {
	const char *name;
	int sig;
} signals[] = {
	{ "HUP", SIGHUP },   { "INT", SIGINT },	  { "QUIT", SIGQUIT }, { "KILL", SIGKILL },
	{ "USR1", SIGUSR1 }, { "USR2", SIGUSR2 }, { "TERM", SIGTERM }, { "STOP", SIGSTOP },
	{ "CONT", SIGCONT }, { "ALRM", SIGALRM }, { "WINCH", SIGWINCH }, { "PIPE", SIGPIPE },
};

/* "TERM", "SIGTERM", "15" */
static int parse_signal(const char *s)
{
	uint64_t n;
	struct brig_err e;

	if (parse_uint(s, 64, &n, &e) == 0)
		return n >= 1 ? (int)n : -1;
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (size_t i = 0; i < ARRAY_SIZE(signals); i++)
		if (strcasecmp(s, signals[i].name) == 0)
			return signals[i].sig;
	return -1;
}

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
			if ((sig = parse_signal(optarg)) < 0)
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
		char id[BRIG_ID_LEN + 1];
		pid_t pid;
		int r = container_find(c, argv[i], id, &pid, &e);
		if (r == 0)
			brig_errf(&e, ESRCH, "container %s is not running", argv[i]);
		if (r <= 0 || kill(pid, sig) < 0) {
			if (r > 0)
				brig_errno(&e, "kill %s", argv[i]);
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
		char id[BRIG_ID_LEN + 1];
		struct container_state st;
		if (state_resolve(c, argv[i], id, &e) < 0) {
			brig_report(&e);
			code = EXIT_BRIG;
			continue;
		}
		while (!container_wait_settled(c, id, 60000))
			;
		if (state_load(c, id, NULL, &st, &e) < 0) {
			brig_report(&e);
			code = EXIT_BRIG;
			continue;
		}
		printf("%lld\n", (long long)st.exit_code);
	}
	return code;
}
