/* lifecycle.c - acting on containers from outside: kill, wait, stop
 * (wait_settled), remove and kill_remove (release_leftovers), gc (reconcile
 * records whose owner died, abandoned ones) and system reset: signals and
 * polling of the state store, so no front end calls kill(2) or polls a
 * state file. */
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "container.h"
#include "container_int.h"
#include "events.h"
#include "lab.h"
#include "lifecycle.h"
#include "link.h"
#include "network.h"
#include "orphan.h"
#include "publish.h"
#include "state.h"
#include "util.h"

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
	events_kill(c, id, sig);
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

int container_kill_remove_all(const struct brig_ctx *c, char *const *ids,
			      void (*on_error)(void *arg, const struct brig_err *e), void *arg)
{
	struct brig_err e;
	int r = 0;

	/* Kill them all first, so their owners wind down in parallel, then
	 * remove each record (which waits for its owner). */
	for (char *const *p = ids; *p; p++) {
		char id[BRIG_ID_LEN + 1];
		pid_t pid;
		if (container_find(c, *p, id, &pid, &e) == 1)
			kill(pid, SIGKILL);
	}
	/* kill_remove: one that was still being started is running by now */
	for (char *const *p = ids; *p; p++)
		if (container_kill_remove(c, *p, &e) < 0)
			r = failed(on_error, arg, &e);
	return r;
}

/* Every lab first: what they made on the host besides containers (their
 * bridges, host-side interfaces) goes with them, and so do their records. */
static int reset_labs(const struct brig_ctx *c,
		      void (*on_error)(void *arg, const struct brig_err *e), void *arg)
{
	char **names = NULL;
	struct brig_err e;
	int r = 0;

	if (lab_names(c, &names, &e) < 0)
		return failed(on_error, arg, &e);
	for (char **p = names; *p; p++)
		if (lab_down(c, *p, &e) < 0)
			r = failed(on_error, arg, &e);
	strv_free(names);
	return r;
}

int container_system_reset(const struct brig_ctx *c,
			   void (*on_error)(void *arg, const struct brig_err *e), void *arg)
{
	char **ids = NULL;
	struct brig_err e;
	int r = reset_labs(c, on_error, arg);

	if (state_list(c, &ids, &e) < 0)
		return failed(on_error, arg, &e);
	if (container_kill_remove_all(c, ids, on_error, arg) < 0)
		r = -1;
	state_list_free(ids);
	orphan_sweep(c); /* monitors whose record was lost, and what they held */
	if (network_reset(c, &e) < 0)
		r = failed(on_error, arg, &e);
	if (container_cgroups_ready(&e) == 0)
		cgroup_remove_parent("brig", &e);
	return r;
}

/* The owner saved the record as exited after reaping the container and
 * releasing what the run held (container_finish, reconcile): nothing is
 * left to release, and the owner does not touch the record again, so rm
 * need not wait for it to exit. */
static bool final(const struct container_state *st)
{
	return st->status == CONTAINER_EXITED && st->has_exit;
}

/* Wait (bounded, polling, the record read again each time) until the
 * record is final or neither the container's process nor the brig process
 * that owns it lives.  st is the record's last reading. */
static int wait_gone(const struct brig_ctx *c, const char *id, struct container_state *st,
		     int ms, struct brig_err *e)
{
	for (int i = 0; i < ms / 2; i++) {
		if (state_load(c, id, NULL, st, e) < 0)
			return -e->code;
		if (final(st) || container_both_gone(st))
			return 0;
		usleep(2000);
	}
	return brig_errf(e, EBUSY, "container %.12s: still running", id);
}

/* Release what a dead container may still hold: its owner died before it
 * could (crash), or never got to. */
static void release_leftovers(const struct brig_ctx *c, const char *id,
			      const struct container_spec *cfg, const struct container_state *st)
{
	struct brig_err ignore;
	struct cgroup *cg = NULL;

	for (size_t i = 0; i < st->n_nets; i++) {
		net_link_delete(st->nets[i].host_interface, &ignore);
		network_release(c, st->nets[i].network, id, &ignore);
	}
	container_leave_hosts(c, id, st);
	if (st->n_ports || cfg->n_publish || cfg->publish_all)
		container_unpublish(c, id);
	if (container_cgroups_ready(&ignore) == 0 &&
	    cgroup_open(cfg->cgroup_parent, id, &cg, &ignore) == 0) {
		cgroup_destroy(cg, &ignore);
		cgroup_free(cg);
	}
}

/* The lock is held: nobody is starting it.  With volumes, its anonymous
 * volumes go too (rm -v). */
static int remove_locked(const struct brig_ctx *c, const char *id, bool volumes,
			 struct brig_err *e)
{
	struct container_spec cfg;
	struct container_state st;
	int r;

	if (state_load(c, id, &cfg, NULL, e) < 0) {
		spec_free(&cfg);
		return -e->code;
	}
	r = wait_gone(c, id, &st, 10000, e);
	if (r == 0 && !final(&st))
		release_leftovers(c, id, &cfg, &st);
	if (r == 0)
		r = container_remove_record(c, id, volumes ? &cfg : NULL, e);
	spec_free(&cfg);
	return r;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait until the record is final (its owner has finished it); a crashed
 * owner's record is reconciled on the way. */
bool container_wait_settled(const struct brig_ctx *c, const char *id, int64_t timeout_ms)
{
	int64_t deadline_ms = now_ms() + timeout_ms;

	do {
		struct container_state st = { 0 };
		struct brig_err e;
		bool done = state_load(c, id, NULL, &st, &e) < 0 || container_settled(&st);
		bool crashed = done && st.status == CONTAINER_RUNNING;
		if (crashed)
			container_gc(c, &e);
		if (done)
			return true;
		usleep(5000);
	} while (now_ms() < deadline_ms);
	return false;
}

/* The image's StopSignal, else SIGTERM. */
static int stop_signal(const struct brig_ctx *c, const char *id)
{
	struct container_spec spec;
	struct brig_err ignored;
	int sig = SIGTERM;

	if (state_load(c, id, &spec, NULL, &ignored) == 0) {
		const char *name =
			json_string_value(json_object_get(spec.image_config, "StopSignal"));
		if (name && container_parse_signal(name) > 0)
			sig = container_parse_signal(name);
		spec_free(&spec);
	}
	return sig;
}

int container_stop(const struct brig_ctx *c, const char *ref, int timeout, struct brig_err *e)
{
	char id[BRIG_ID_LEN + 1];
	pid_t pid;
	int sig;
	int r = container_find(c, ref, id, &pid, e);

	if (r <= 0)
		return r;
	sig = stop_signal(c, id);
	kill(pid, sig);
	events_kill(c, id, sig);
	if (!container_wait_settled(c, id, (int64_t)timeout * 1000)) {
		kill(pid, SIGKILL);
		events_kill(c, id, SIGKILL);
		if (!container_wait_settled(c, id, 10000))
			return brig_errf(e, ETIMEDOUT, "container %s did not stop", ref);
	}
	events_container(c, "stop", id, NULL);
	return 0;
}

/* Waiting for a start in progress (bounded: a start takes milliseconds). */
#define START_WAIT_MS 10000

int container_remove(const struct brig_ctx *c, const char *id, struct brig_err *e)
{
	cleanup_close int lock = container_lock_wait(c, id, START_WAIT_MS, e);

	if (lock < 0)
		return lock;
	return remove_locked(c, id, false, e);
}

static int kill_remove(const struct brig_ctx *c, const char *id, bool volumes,
		       struct brig_err *e)
{
	cleanup_close int lock = container_lock_wait(c, id, START_WAIT_MS, e);
	struct container_state st;

	if (lock < 0)
		return lock;
	if (state_load(c, id, NULL, &st, e) < 0)
		return -e->code;
	if (strcmp(container_status(&st), "running") == 0)
		kill(st.pid, SIGKILL);
	return remove_locked(c, id, volumes, e);
}

int container_kill_remove(const struct brig_ctx *c, const char *id, struct brig_err *e)
{
	return kill_remove(c, id, false, e);
}

int container_kill_remove_volumes(const struct brig_ctx *c, const char *id, struct brig_err *e)
{
	return kill_remove(c, id, true, e);
}

int container_rm(const struct brig_ctx *c, const char *ref, bool force, bool volumes,
		 struct brig_err *e)
{
	char id[BRIG_ID_LEN + 1];
	int running = container_find(c, ref, id, NULL, e);

	if (running < 0)
		return running;
	if (running && !force)
		return brig_errf(e, EBUSY, "container %s is running: stop it first or use -f", ref);
	return kill_remove(c, id, volumes, e);
}

/* A torn config (an --rm record's, after a crash): abandoned unless its
 * state says it runs, with its process or owner alive. */
static bool torn_and_dead(const struct brig_ctx *c, const char *id)
{
	struct container_state st;
	struct brig_err e;

	if (!state_config_torn(c, id))
		return false;
	return state_load(c, id, NULL, &st, &e) < 0 || st.status != CONTAINER_RUNNING ||
	       container_both_gone(&st);
}

/* A record whose creator died before it ran (no state.json, or not even a
 * config.json), or with torn an --rm record a crash left with a torn
 * config.json (torn_and_dead): nobody holds its lock, so nobody will start
 * it. */
static bool abandoned(const struct brig_ctx *c, const char *id, bool torn)
{
	char path[PATH_MAX];
	struct brig_err e;
	cleanup_close int lock = -1;
	struct container_spec cfg;
	bool have_cfg, removed;

	if (state_path(c, id, "state.json", path, sizeof(path), &e) < 0 ||
	    (!torn && access(path, F_OK) == 0))
		return false;
	lock = container_lock_wait(c, id, 0, &e);
	/* again under the lock: its starter may have written state.json and
	 * let the lock go in between (then it runs, and is no one's to remove) */
	if (lock < 0 || (!torn && access(path, F_OK) == 0))
		return false;
	/* not even a config: nothing says where its cgroup is */
	have_cfg = state_load(c, id, &cfg, NULL, &e) == 0;
	orphan_release(c, id, have_cfg ? cfg.cgroup_parent : NULL);
	/* its anonymous volumes were made for a container that never ran */
	removed = container_remove_record(c, id, have_cfg ? &cfg : NULL, &e) == 0;
	spec_free(&cfg);
	return removed;
}

/* A record says running but its process and owner are gone (the owner was
 * killed): mark it exited and release what it held. */
static void reconcile(const struct brig_ctx *c, const char *id)
{
	struct container_spec cfg;
	struct container_state st;
	struct brig_err e;

	if (abandoned(c, id, false))
		return;
	if (state_load(c, id, &cfg, &st, &e) < 0) {
		if (torn_and_dead(c, id)) /* looked at only when the record does not load */
			abandoned(c, id, true);
	} else if (st.status == CONTAINER_RUNNING && container_both_gone(&st)) {
		release_leftovers(c, id, &cfg, &st);
		st.n_ports = 0;
		st.status = CONTAINER_EXITED;
		if (!st.has_exit) {
			st.has_exit = true;
			st.exit_code = 137;
		}
		rfc3339(now_ns(), st.finished, sizeof(st.finished));
		events_die(c, id, &cfg, st.exit_code, false);
		if (cfg.rm)
			container_remove_record(c, id, &cfg, &e);
		else
			state_save(c, id, &st, &e);
	}
	spec_free(&cfg);
}

int container_gc(const struct brig_ctx *c, struct brig_err *e)
{
	char **ids = NULL;
	struct net_network *nets = NULL;
	size_t n = 0;

	if (state_list(c, &ids, e) < 0)
		return -e->code;
	for (char **p = ids; *p; p++)
		reconcile(c, *p);
	state_list_free(ids);
	state_sweep(c);
	orphan_sweep(c);
	if (network_list(c, &nets, &n, e) < 0)
		return -e->code;
	for (size_t i = 0; i < n; i++) {
		int freed;
		network_gc_leases(c, nets[i].name, &freed, e);
	}
	free(nets);
	return 0;
}

/* A running container's names on its networks follow a rename: its
 * registry lines are written again (hosts_join replaces them), which
 * rewrites every member's /etc/hosts. */
static void rename_in_hosts(const struct brig_ctx *c, const char *id)
{
	struct container_spec spec = { 0 };
	struct container_state st = { 0 };
	struct hosts_entry h;
	struct brig_err e;

	if (state_load(c, id, &spec, &st, &e) == 0 &&
	    strcmp(container_status(&st), "running") == 0 && container_is_bridge_mode(&spec)) {
		container_hosts_entry(id, &spec, &st, &h);
		hosts_join(c, &h);
	}
	spec_free(&spec);
}

int container_rename(const struct brig_ctx *c, const char *ref, const char *name,
		     struct brig_err *e)
{
	char id[BRIG_ID_LEN + 1];

	if (state_resolve(c, ref, id, e) < 0 || state_rename(c, id, name, e) < 0)
		return -e->code;
	rename_in_hosts(c, id);
	events_container(c, "rename", id, NULL);
	return 0;
}
