/* orphan.c - find and remove what brig made for a container whose record is
 * gone (see orphan.h). */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "cleanup.h"
#include "proc.h"
#include "container.h"
#include "hosts.h"
#include "link.h"
#include "network.h"
#include "orphan.h"
#include "publish.h"
#include "state.h"

#define MONITORS "monitors"

static int monitor_path(const struct brig_ctx *c, const char *id, char *out, size_t len,
			struct brig_err *e)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s/%s", c->runroot, MONITORS);
	if (mkdir_p(dir, 0700, e) < 0)
		return -e->code;
	if (snprintf(out, len, "%s/%s", dir, id) >= (int)len)
		return brig_errf(e, ENAMETOOLONG, "monitor file of %.12s: path too long", id);
	return 0;
}

int orphan_monitor_register(const struct brig_ctx *c, const char *id, const char *cgroup_parent,
			    struct brig_err *e)
{
	char path[PATH_MAX], line[PATH_MAX + 64];
	int n;

	if (monitor_path(c, id, path, sizeof(path), e) < 0)
		return -e->code;
	n = snprintf(line, sizeof(line), "%d %llu %s\n", (int)getpid(),
		     proc_starttime(getpid()), cgroup_parent);
	/* the runtime root: a reboot clears it (and the monitor), so no flush */
	return write_atomic_nosync(path, line, (size_t)n, e);
}

void orphan_monitor_unregister(const struct brig_ctx *c, const char *id)
{
	char path[PATH_MAX];
	struct brig_err e;

	if (monitor_path(c, id, path, sizeof(path), &e) == 0)
		unlink(path);
}

static void release_networks_of(const struct brig_ctx *c, const char *id)
{
	cleanup_free struct net_network *nets = NULL;
	struct brig_err e;
	size_t n = 0;

	if (network_list(c, &nets, &n, &e) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		const char *name = nets[i].name;
		network_release(c, name, id, &e);
		hosts_leave(c, id, &name, 1);
	}
}

void orphan_release(const struct brig_ctx *c, const char *id, const char *cgroup_parent)
{
	struct cgroup *cg = NULL;
	struct brig_err e;
	char veth[16];

	for (size_t i = 0; i < MAX_NETS; i++) {
		container_veth_name(veth, 'b', id, i);
		net_link_delete(veth, &e);
	}
	release_networks_of(c, id);
	container_unpublish(c, id);
	if (container_cgroups_ready(&e) == 0 &&
	    cgroup_open(cgroup_parent ? cgroup_parent : "brig", id, &cg, &e) == 0) {
		cgroup_destroy(cg, &e);
		cgroup_free(cg);
	}
}

/* Kill pid if it still is the process that started at starttime, and wait
 * (bounded) until it is gone. */
static void kill_monitor(pid_t pid, unsigned long long starttime)
{
	if (pid <= 0 || proc_starttime(pid) != starttime)
		return;
	kill(pid, SIGKILL);
	for (int i = 0; i < 200 && proc_starttime(pid) == starttime; i++)
		usleep(5000);
}

static bool has_record(const struct brig_ctx *c, const char *id)
{
	char path[PATH_MAX];
	struct brig_err e;

	return state_path(c, id, "config.json", path, sizeof(path), &e) == 0 &&
	       access(path, F_OK) == 0;
}

/* One monitor file: returns 1 when it killed an orphan. */
static int sweep_one(const struct brig_ctx *c, const char *id)
{
	char path[PATH_MAX], parent[PATH_MAX] = "brig";
	unsigned long long start = 0;
	struct brig_err e;
	cleanup_fclose FILE *f = NULL;
	int pid = 0;
	bool alive;

	if (monitor_path(c, id, path, sizeof(path), &e) < 0 || !(f = fopen(path, "re")))
		return 0;
	if (fscanf(f, "%d %llu %4095s", &pid, &start, parent) < 2)
		pid = 0;
	alive = pid > 0 && proc_starttime(pid) == start;
	if (alive && has_record(c, id))
		return 0; /* a monitor at work */
	if (alive)
		kill_monitor(pid, start);
	if (!has_record(c, id))
		orphan_release(c, id, parent);
	unlink(path);
	return alive;
}

int orphan_sweep(const struct brig_ctx *c)
{
	char dir[PATH_MAX];
	cleanup_dir DIR *d = NULL;
	struct dirent *de;
	int killed = 0;

	snprintf(dir, sizeof(dir), "%s/%s", c->runroot, MONITORS);
	if (!(d = opendir(dir)))
		return 0;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && strlen(de->d_name) == BRIG_ID_LEN)
			killed += sweep_one(c, de->d_name);
	return killed;
}
