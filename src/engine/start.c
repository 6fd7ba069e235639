/* start.c - starting and finishing a container: its cgroup, its
 * /etc/hosts and /etc/resolv.conf, the spawn spec filled from the record,
 * container_start (networks from attach.c, then the cgroup, then
 * spawn_start), the running record, and container_finish, which records the
 * exit and releases what the run held. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "proc.h"
#include "container.h"
#include "container_int.h"
#include "events.h"
#include "hosts.h"
#include "publish.h"
#include "resolv.h"
#include "rootless_ctl.h"
#include "state.h"
#include "warn.h"

/* resolv.conf from the host's, --dns* and whether a network routes out. */
static char *container_resolv(const struct container *ct)
{
	cleanup_free char *host = NULL;
	struct resolv_opts o = { 0 };
	struct brig_err ignore;
	size_t len;

	if (read_file("/etc/resolv.conf", &host, &len, &ignore) < 0)
		host = NULL;
	for (size_t i = 0; i < ct->n_nets; i++)
		o.reachable |= !ct->nets[i].internal && !ct->nets[i].no_gateway;
	/* NULL (not set) differs from empty: only what is set replaces */
	o.dns = ct->spec.dns;
	o.search = ct->spec.dns_search;
	o.options = ct->spec.dns_opts;
	return resolv_text(host, &o);
}

int container_cgroups_ready(struct brig_err *e)
{
	static int detected;

	if (!detected && cgroup_detect(NULL, NULL, NULL, e) < 0)
		return brig_err_ctx(e, "detect cgroups");
	detected = 1;
	return 0;
}

const char *container_cgroup_layout(struct brig_err *e)
{
	return container_cgroups_ready(e) < 0 ? NULL : cgroup_mode();
}

static int create_cgroup(struct container *ct, struct brig_err *e)
{
	struct cgroup_limits l = ct->spec.limits;

	/* Docker's: only the standard device nodes open, every device with
	 * --privileged (cgroup/devices.c) */
	l.all_devices = ct->spec.privileged;
	if (rootless_no_cgroup()) /* limits were refused by rootless_check_spec */
		return 0;
	if (container_cgroups_ready(e) < 0)
		return -e->code;
	if (cgroup_create(ct->spec.cgroup_parent, ct->id, &l, &ct->cg, e) < 0)
		return brig_err_ctx(e, "cgroup");
	return 0;
}

static void destroy_cgroup(struct container *ct)
{
	struct brig_err ignore;

	if (!ct->cg)
		return;
	cgroup_destroy(ct->cg, &ignore);
	cgroup_free(ct->cg);
	ct->cg = NULL;
}

static int save_state(const struct brig_ctx *c, struct container *ct, struct brig_err *e)
{
	return state_save(c, ct->id, &ct->st, e);
}

static void fill_spec(struct container *ct, struct spawn_spec *s, char path[4][PATH_MAX])
{
	s->id = ct->id;
	s->hostname = ct->spec.hostname ? ct->spec.hostname : "";
	s->lower = ct->spec.rootfs;
	snprintf(path[0], PATH_MAX, "%s/upper", ct->dir);
	snprintf(path[1], PATH_MAX, "%s/work", ct->dir);
	snprintf(path[2], PATH_MAX, "%s/merged", ct->dir);
	s->upper = path[0];
	s->work = path[1];
	s->merged = path[2];
	s->volatile_upper = ct->spec.rm;
	s->workdir = ct->spec.workdir;
	s->ifaces = ct->ifaces;
	s->n_ifaces = ct->n_nets;
	s->caps = container_caps(&ct->spec);
	s->privileged = ct->spec.privileged;
	s->userns = ct->spec.userns.set ? &ct->spec.userns : NULL;
	s->redirect = ct->redirect;
	memcpy(s->stdio, ct->stdio, sizeof(s->stdio));
	s->tty = ct->spec.tty;
	s->init = ct->spec.init;
	s->rows = ct->rows;
	s->cols = ct->cols;
}

/* The container runs: its pid and ours (the owner), each with its start
 * time so a recycled pid is never mistaken for it. */
static int record_running(const struct brig_ctx *c, struct container *ct, struct brig_err *e)
{
	ct->st.status = CONTAINER_RUNNING;
	ct->st.pid = ct->pid;
	ct->st.starttime = proc_starttime(ct->pid);
	ct->st.owner = getpid();
	ct->st.owner_starttime = proc_starttime(getpid());
	rfc3339(now_ns(), ct->st.started, sizeof(ct->st.started));
	return save_state(c, ct, e);
}

/* Docker's: a network connect per network, then start. */
static void started_events(const struct brig_ctx *c, const struct container *ct)
{
	events_networks(c, "connect", ct->id, &ct->st);
	events_container(c, "start", ct->id, &ct->spec);
}

/* /etc/hosts and /etc/resolv.conf.  On one network the container binds
 * the network's shared hosts file (registered now, so it lists itself);
 * on several it gets a file of its own, registered once it runs. */
static int files_for(const struct brig_ctx *c, struct container *ct, struct spawn_spec *s,
		     struct spawn_file f[2], char *shared, struct brig_err *e)
{
	struct hosts_entry h;
	char *hosts = NULL;
	size_t n = 0;

	if (ct->n_nets == 0)
		return 0;
	/* --add-host lines are the container's own: a file of its own; so is
	 * a container without an address (network without IPAM) */
	ct->st.hosts_shared = ct->n_nets == 1 && ct->ifaces[0].addr && !ct->spec.add_hosts;
	container_hosts_entry(ct->id, &ct->spec, &ct->st, &h);
	if (h.shared) {
		hosts_join(c, &h);
		if (hosts_shared_path(c, h.nets[0], shared, PATH_MAX, e) < 0)
			return -e->code;
		s->hosts_path = shared;
	} else {
		if (hosts_text(c, &h, &hosts, e) < 0)
			return -e->code;
		f[n++] = (struct spawn_file){ "/etc/hosts", hosts };
	}
	f[n] = (struct spawn_file){ "/etc/resolv.conf", container_resolv(ct) };
	if (f[n].content)
		n++;
	s->files = f;
	s->n_files = n;
	return 0;
}

int container_start(const struct brig_ctx *c, struct container *ct, enum spawn_stage *stage,
		    struct brig_err *e)
{
	char path[4][PATH_MAX];
	struct spawn_spec s = { 0 };
	struct spawn_file files[2] = { 0 };
	struct spawn_mount *mounts = NULL;
	char **env = container_build_env(&ct->spec, NULL, 0);
	int r = -1;

	*stage = SPAWN_STAGE_SETUP;
	memset(&ct->st, 0, sizeof(ct->st));
	ct->st.status = CONTAINER_CREATED;
	if (!ct->spec.cmd || !ct->spec.sysctls || !env) {
		r = brig_errf(e, ENOMEM, "start: out of memory");
		goto out;
	}
	s.argv = ct->spec.cmd;
	s.env = env;
	s.sysctls = ct->spec.sysctls;
	if (container_parse_user(ct->spec.user, ct->spec.rootfs, &s, e) < 0 ||
	    container_net_mode(c, &ct->spec, &s, e) < 0)
		goto out;
	if (container_is_bridge_mode(&ct->spec) && container_attach_networks(c, ct, e) < 0)
		goto out;
	if (container_publish(c, ct, e) < 0)
		goto undo;
	fill_spec(ct, &s, path);
	if (container_confine(c, &ct->spec, &s, e) < 0 ||
	    container_spawn_mounts(c, &ct->spec, &mounts, e) < 0)
		goto undo;
	s.mounts = mounts;
	s.n_mounts = ct->spec.n_mounts;
	s.readonly_root = ct->spec.read_only;
	s.seed = container_seed_volume;
	if (create_cgroup(ct, e) < 0 || files_for(c, ct, &s, files, path[3], e) < 0 ||
	    rootless_net_fill(ct, &s, files, e) < 0)
		goto undo;
	s.cg = ct->cg;
	ct->pid = spawn_start(&s, stage, &ct->pty_master, e);
	if (ct->pid < 0)
		goto undo;
	r = record_running(c, ct, e);
	/* The record says running: from now on rm and gc may act on it. */
	if (r == 0)
		container_unlock(ct);
	if (r == 0)
		started_events(c, ct);
	if (ct->n_nets && !ct->st.hosts_shared) {
		struct hosts_entry h;
		container_hosts_entry(ct->id, &ct->spec, &ct->st, &h);
		hosts_join(c, &h);
	}
	goto out;
undo:
	if (ct->st.n_ports)
		container_unpublish(c, ct->id);
	ct->st.n_ports = 0;
	rootless_net_release(ct);
	destroy_cgroup(ct);
	container_leave_hosts(c, ct->id, &ct->st);
	container_release_networks(c, ct, true);
	ct->n_nets = 0;
	r = -e->code;
out:
	container_spawn_mounts_free(mounts, ct->spec.n_mounts);
	free((char *)files[0].content);
	free((char *)files[1].content);
	container_env_free(env);
	return r;
}

int container_wait(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return status;
}

/* What the run held: its cgroup, published ports, leases, hosts entries. */
static void release_all(const struct brig_ctx *c, struct container *ct)
{
	destroy_cgroup(ct);
	if (ct->st.n_ports)
		container_unpublish(c, ct->id);
	ct->st.n_ports = 0;
	rootless_net_release(ct);
	container_release_networks(c, ct, false);
	container_leave_hosts(c, ct->id, &ct->st);
}

int container_finish(const struct brig_ctx *c, struct container *ct, int wstatus)
{
	return container_finish_then(c, ct, wstatus, NULL, NULL);
}

int container_finish_then(const struct brig_ctx *c, struct container *ct, int wstatus,
			  void (*final)(void *), void *arg)
{
	struct cgroup_stats st = { 0 };
	struct container_state disk;
	struct brig_err e;
	int code = proc_exit_status(wstatus);
	/* the networks to disconnect are the record's: a network connect may
	 * have changed it since we started */
	bool have_disk = state_load(c, ct->id, NULL, &disk, &e) == 0;

	if (ct->cg)
		cgroup_stats(ct->cg, &st, &e);
	ct->st.status = CONTAINER_EXITED;
	ct->st.has_exit = true;
	ct->st.exit_code = code;
	ct->st.signal = wstatus >= 0 && WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0;
	ct->st.oom_killed = st.oom_killed;
	rfc3339(now_ns(), ct->st.finished, sizeof(ct->st.finished));
	release_all(c, ct);
	/* Released and saved before the die event: whoever acts on it (a
	 * wait, then rm) finds the record final and nothing left to undo. */
	if (!ct->spec.rm && save_state(c, ct, &e) < 0)
		brig_warn("%s", e.msg);
	events_die(c, ct->id, &ct->spec, code, st.oom_killed);
	events_networks(c, "disconnect", ct->id, have_disk ? &disk : &ct->st);
	if (!ct->spec.rm && final)
		final(arg);
	if (ct->spec.rm && container_remove_record_then(c, ct->id, &ct->spec, final, arg, &e) < 0)
		brig_warn("%s", e.msg);
	return code;
}

int container_start_failed(const struct brig_ctx *c, struct container *ct,
			   enum spawn_stage stage, int err)
{
	int code = spawn_exit_code(stage, err);
	struct brig_err e;

	/* container_start released what it had acquired before failing */
	if (!ct->created_now || stage != SPAWN_STAGE_SETUP)
		return container_finish(c, ct, W_EXITCODE(code, 0));
	if (container_remove_record(c, ct->id, &ct->spec, &e) < 0)
		brig_warn("%s", e.msg);
	return code;
}
