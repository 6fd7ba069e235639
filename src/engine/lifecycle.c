/* lifecycle.c - kill, wait and system reset: signals and polling of the
 * state store, so no front end calls kill(2) or polls a state file. */
#include <signal.h>
#include <string.h>
#include <strings.h>

#include "cleanup.h"
#include "container.h"
#include "lifecycle.h"
#include "network.h"
#include "orphan.h"
#include "state.h"

static const struct {
	const char *name;
	int sig;
} signals[] = {
	{ "HUP", SIGHUP },   { "INT", SIGINT },	  { "QUIT", SIGQUIT }, { "KILL", SIGKILL },
	{ "USR1", SIGUSR1 }, { "USR2", SIGUSR2 }, { "TERM", SIGTERM }, { "STOP", SIGSTOP },
	{ "CONT", SIGCONT }, { "ALRM", SIGALRM }, { "WINCH", SIGWINCH }, { "PIPE", SIGPIPE },
};

int container_parse_signal(const char *s)
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

int container_kill(const struct brig_ctx *c, const char *ref, int sig, struct brig_err *e)
{
	char id[BRIG_ID_LEN + 1];
	pid_t pid;
	int r = container_find(c, ref, id, &pid, e);

	if (r < 0)
		return r;
	if (r == 0)
		return brig_errf(e, ESRCH, "container %s is not running", ref);
	if (kill(pid, sig) < 0)
		return brig_errno(e, "kill %s", ref);
	return 0;
}

int container_wait_exit(const struct brig_ctx *c, const char *ref, int *exit_code,
			struct brig_err *e)
{
	char id[BRIG_ID_LEN + 1];
	struct container_state st;

	if (state_resolve(c, ref, id, e) < 0)
		return -e->code;
	while (!container_wait_settled(c, id, 60000))
		;
	if (state_load(c, id, NULL, &st, e) < 0)
		return -e->code;
	*exit_code = st.exit_code;
	return 0;
}

/* One failure of a reset that goes on: tell the caller; -1. */
static int failed(void (*on_error)(void *arg, const struct brig_err *e), void *arg,
		  const struct brig_err *e)
{
	if (on_error)
		on_error(arg, e);
	return -1;
}

int container_system_reset(const struct brig_ctx *c,
			   void (*on_error)(void *arg, const struct brig_err *e), void *arg)
{
	char **ids = NULL;
	struct brig_err e;
	int r = 0;

	if (state_list(c, &ids, &e) < 0)
		return failed(on_error, arg, &e);
	/* Kill them all first, so their owners wind down in parallel, then
	 * remove each record (which waits for its owner). */
	for (char **p = ids; *p; p++) {
		char id[BRIG_ID_LEN + 1];
		pid_t pid;
		if (container_find(c, *p, id, &pid, &e) == 1)
			kill(pid, SIGKILL);
	}
	/* kill_remove: one that was still being started is running by now */
	for (char **p = ids; *p; p++)
		if (container_kill_remove(c, *p, &e) < 0)
			r = failed(on_error, arg, &e);
	state_list_free(ids);
	orphan_sweep(c); /* monitors whose record was lost, and what they held */
	if (network_reset(c, &e) < 0)
		r = failed(on_error, arg, &e);
	if (container_cgroups_ready(&e) == 0)
		cgroup_remove_parent("brig", &e);
	return r;
}
