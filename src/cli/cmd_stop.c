/* cmd_stop.c - brig stop [-t SECONDS] NAME... and brig kill [-s SIGNAL] NAME... */
#include <getopt.h> /* optind */
#include <signal.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "opt.h"
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

static const struct opt stop_rows[] = {
	OPT_STOP_TIME_ROW,
	{ NULL },
};

static const struct opt_spec stop_spec = {
	.prog = "stop",
	.usage = "brig stop [-t SECONDS] NAME...",
	.opts = stop_rows,
	.needs = "container name",
};

int cmd_stop(struct brig_ctx *c, int argc, char **argv)
{
	uint64_t timeout = 10;
	struct brig_err e;
	int code = 0, r = opt_parse(&stop_spec, argc, argv, &timeout, &e);

	if (r <= 0)
		return opt_status(r, &e);
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

static int set_signal(void *field, const char *arg, struct brig_err *e)
{
	if ((*(int *)field = parse_signal(arg)) < 0)
		return brig_errf(e, EINVAL, "invalid signal '%s'", arg);
	return 0;
}

static const struct opt kill_rows[] = {
	{ "signal", 's', "SIGNAL", "TERM, SIGTERM or 15 (default: KILL)", set_signal },
	{ NULL },
};

static const struct opt_spec kill_spec = {
	.prog = "kill",
	.usage = "brig kill [-s SIGNAL] NAME...",
	.opts = kill_rows,
	.needs = "container name",
};

int cmd_kill(struct brig_ctx *c, int argc, char **argv)
{
	int sig = SIGKILL, code = 0;
	struct brig_err e;
	int first = opt_parse(&kill_spec, argc, argv, &sig, &e);

	if (first <= 0)
		return opt_status(first, &e);
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

static const struct opt_spec wait_spec = {
	.prog = "wait",
	.usage = "brig wait NAME...",
	.needs = "container name",
};

int cmd_wait(struct brig_ctx *c, int argc, char **argv)
{
	struct brig_err e;
	int code = 0, first = opt_parse(&wait_spec, argc, argv, NULL, &e);

	if (first <= 0)
		return opt_status(first, &e);
	for (int i = first; i < argc; i++) {
		char id[BRIG_ID_LEN + 1];
		json_t *st = NULL;
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
		printf("%lld\n", (long long)json_integer_value(json_object_get(st, "exit_code")));
		json_decref(st);
	}
	return code;
}
