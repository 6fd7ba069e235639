/* cmd_exec.c - brig exec [-d] [-i] [-t] [-e K=V]... [-w DIR] [-u UID] NAME CMD [ARG...]
 *
 * Joins every namespace of the container and its cgroup, then forks (the
 * pid namespace applies to children) and runs the command with the
 * container's environment, identity and capabilities.  With -d, brig
 * returns once the command was exec'd. */
#include <fcntl.h>
#include <getopt.h> /* optind */
#include <stddef.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"
#include "opt.h"
#include "cleanup.h"
#include "container.h"
#include "proc.h"
#include "spec_parse.h"
#include "pty.h"
#include "state.h"

struct exec_opts {
	bool interactive, tty, detach;
	const char *user, *workdir;
	char **env;
	size_t n_env;
};

/* In this order: the mount namespace last, so /proc/PID stays reachable
 * until every other namespace is joined. */
static const struct {
	const char *name;
	int type;
} namespaces[] = {
	{ "cgroup", CLONE_NEWCGROUP }, { "ipc", CLONE_NEWIPC }, { "uts", CLONE_NEWUTS },
	{ "net", CLONE_NEWNET },       { "pid", CLONE_NEWPID }, { "mnt", CLONE_NEWNS },
};

static int join_container(pid_t pid, json_t *cfg, const char *id, struct brig_err *e)
{
	int fds[ARRAY_SIZE(namespaces)];
	struct cgroup *cg = NULL;
	int r = 0;

	for (size_t i = 0; i < ARRAY_SIZE(namespaces); i++) {
		fds[i] = proc_ns_open(pid, namespaces[i].name, e);
		if (fds[i] < 0) {
			r = fds[i];
			while (i-- > 0)
				close(fds[i]);
			return r;
		}
	}
	/* Into the container's cgroup first: its limits cover exec'd work. */
	if (container_cgroups_ready(e) == 0 &&
	    cgroup_open(json_string_value(json_object_get(cfg, "cgroup_parent")) ?: "brig", id,
			&cg, e) == 0) {
		if (cgroup_enter(cg, getpid(), e) < 0)
			r = -e->code;
		cgroup_free(cg);
	}
	for (size_t i = 0; i < ARRAY_SIZE(namespaces); i++) {
		if (r == 0 && setns(fds[i], namespaces[i].type) < 0)
			r = brig_errno(e, "join %s namespace", namespaces[i].name);
		close(fds[i]);
	}
	return r;
}

/* The pty of `exec -t`, sized like our terminal. */
static int open_exec_pty(int *master, int *slave, struct brig_err *e)
{
	unsigned short rows, cols;

	pty_size(STDIN_FILENO, &rows, &cols);
	return pty_open(master, slave, rows, cols, e);
}

/* exec -d: no terminal, no input, output dropped (Docker's exec -d), in a
 * session of its own; once brig exits it is the container's init's child. */
static int detach_stdio(void)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (null < 0 || setsid() < 0)
		return -1;
	for (int fd = 0; fd < 3; fd++)
		if (dup2(null, fd) < 0)
			return -1;
	return 0;
}

static void __attribute__((noreturn)) child(struct spawn_spec *s, int slave, const struct exec_opts *o,
					    int report)
{
	struct brig_err e;

	if (o->detach && detach_stdio() < 0) {
		brig_errno(&e, "exec -d: detach from the terminal");
		(void)!write(report, &e, sizeof(e));
		_exit(EXIT_BRIG);
	}
	if (slave >= 0) {
		if (pty_attach_stdio(slave, &e) < 0) {
			(void)!write(report, &e, sizeof(e));
			_exit(EXIT_BRIG);
		}
	} else if (!o->interactive) {
		/* without -i the command gets no input, as in Docker */
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (null >= 0)
			dup2(null, 0);
	}
	if (init_confine(s, &e) < 0) {
		(void)!write(report, &e, sizeof(e));
		_exit(EXIT_BRIG);
	}
	extern char **environ;
	environ = (char **)s->env;
	execvp(s->argv[0], s->argv);
	brig_errno(&e, "exec %s", s->argv[0]);
	(void)!write(report, &e, sizeof(e));
	_exit(spawn_exit_code(SPAWN_STAGE_EXEC, e.code));
}

static int run_exec(struct brig_ctx *c, const char *ref, char **argv, struct exec_opts *o,
		    struct brig_err *e)
{
	char id[BRIG_ID_LEN + 1], **env = NULL;
	json_t *cfg = NULL, *st = NULL;
	struct spawn_spec s = { .argv = argv };
	int master = -1, slave = -1, rep[2], code;
	pid_t pid;

	if (state_resolve(c, ref, id, e) < 0 || state_load(c, id, &cfg, &st, e) < 0)
		return -e->code;
	if (strcmp(container_status(st), "running") != 0) {
		json_decref(cfg);
		json_decref(st);
		return brig_errf(e, EINVAL, "container %s is not running", ref);
	}
	pid = (pid_t)json_integer_value(json_object_get(st, "pid"));
	json_decref(st);
	if (container_exec_spec(cfg, o->env, o->n_env, o->user, o->workdir, &s, &env, e) < 0 ||
	    join_container(pid, cfg, id, e) < 0 || (o->tty && open_exec_pty(&master, &slave, e) < 0) ||
	    pipe2(rep, O_CLOEXEC) < 0) {
		json_decref(cfg);
		container_env_free(env);
		return -(e->code ? e->code : EINVAL);
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		child(&s, slave, o, rep[1]);
	close(rep[1]);
	if (slave >= 0)
		close(slave);
	if (pid < 0) {
		close(rep[0]);
		container_env_free(env);
		json_decref(cfg);
		return brig_errno(e, "fork");
	}
	/* EOF: the command was exec'd (the pipe is CLOEXEC) */
	bool failed = read(rep[0], e, sizeof(*e)) == (ssize_t)sizeof(*e);
	if (failed)
		brig_report(e);
	close(rep[0]);
	if (o->detach && !failed) {
		container_env_free(env);
		json_decref(cfg);
		return 0;
	}
	if (master >= 0) {
		if (o->interactive)
			pty_raw(STDIN_FILENO);
		pty_relay(master, o->interactive ? STDIN_FILENO : -1, STDOUT_FILENO, false);
		pty_restore();
		close(master);
	}
	code = container_exit_code(container_wait(pid));
	container_env_free(env);
	json_decref(cfg); /* s borrowed strings from it */
	return code;
}

static int set_env(void *o, const char *arg, struct brig_err *e)
{
	struct exec_opts *x = o;
	return spec_list_add(&x->env, &x->n_env, arg, e);
}

#define EXEC(field) offsetof(struct exec_opts, field)

static const struct opt exec_rows[] = {
	{ "detach", 'd', NULL, "run in the background (no input, output dropped)", opt_true,
	  EXEC(detach) },
	{ "interactive", 'i', NULL, "keep stdin open", opt_true, EXEC(interactive) },
	{ "tty", 't', NULL, "give the command a pseudo-terminal", opt_true, EXEC(tty) },
	{ "env", 'e', "K=V", "set an environment variable", set_env, 0, OPT_REPEAT },
	{ "workdir", 'w', "DIR", "working directory", opt_string, EXEC(workdir) },
	{ "user", 'u', "UID", "run as this user", opt_string, EXEC(user) },
	{ NULL },
};

static const struct opt_spec exec_spec = {
	.prog = "exec",
	.usage = "brig exec [-d] [-i] [-t] [-e K=V]... [-w DIR] [-u UID] NAME CMD [ARG...]",
	.opts = exec_rows,
};

int cmd_exec(struct brig_ctx *c, int argc, char **argv)
{
	struct exec_opts o = { 0 };
	struct brig_err e = { 0 };
	int code = opt_parse(&exec_spec, argc, argv, &o, &e);

	if (code <= 0) {
		free(o.env);
		return opt_status(code, &e);
	}
	if (argc - optind < 2)
		return brig_fail("exec: expected NAME and CMD");
	if (o.detach && (o.interactive || o.tty))
		return brig_fail("exec: -d cannot be combined with -i or -t");
	code = run_exec(c, argv[optind], argv + optind + 1, &o, &e);
	if (code < 0) {
		brig_report(&e);
		code = EXIT_BRIG;
	}
	free(o.env);
	return code;
}
