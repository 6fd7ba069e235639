/* rootless_ctl.c - an unprivileged user's brig: its state directories, the
 * user namespace of its pause process, the options a rootless container
 * may not have, and its slirp4netns network.  See rootless_ctl.h and
 * docs/rootless.md. */
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "container.h"
#include "idmap.h"
#include "io.h"
#include "proc.h"
#include "rootless.h"
#include "rootless_ctl.h"
#include "rootless_ns.h"
#include "slirp.h"
#include "spec.h"
#include "util.h"

/* ---- state directories -------------------------------------------------- */

static const char *xdg(const char *var, const char *home_sub, const char *tmp, char *buf,
		       size_t len)
{
	const char *v = getenv(var), *home = getenv("HOME");

	if (v && *v == '/')
		snprintf(buf, len, "%s/brig", v);
	else if (home_sub && home && *home == '/')
		snprintf(buf, len, "%s/%s/brig", home, home_sub);
	else
		snprintf(buf, len, "/tmp/brig-%s-%u", tmp, (unsigned)getuid());
	return buf;
}

void rootless_defaults(struct brig_ctx *c)
{
	static char root[4096], runroot[4096];
	const char *r = getenv("BRIG_ROOT"), *rr = getenv("BRIG_RUNROOT");

	if (geteuid() == 0)
		return;
	if (!r || !*r)
		c->root = xdg("XDG_DATA_HOME", ".local/share", "data", root, sizeof(root));
	if (!rr || !*rr)
		c->runroot = xdg("XDG_RUNTIME_DIR", NULL, "run", runroot, sizeof(runroot));
}

/* ---- the user namespace --------------------------------------------------- */

/* A setuid helper on $PATH (newuidmap), as execvp would find it. */
static bool on_path(const char *prog)
{
	const char *path = getenv("PATH");
	char buf[4096];

	for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
		size_t n = strcspn(p, ":");
		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, p, prog);
		if (n && access(buf, X_OK) == 0)
			return true;
		p += n + (p[n] == ':');
	}
	return false;
}

/* The user's first range in /etc/subuid (or subgid): false without one. */
static bool sub_range(const char *file, const char *user, uid_t uid, struct id_range *r)
{
	cleanup_free char *text = NULL;
	struct brig_err ignore;
	size_t len;

	if (read_file(file, &text, &len, &ignore) < 0)
		return false;
	return subid_parse(text, len, user, uid, r, 1, NULL) == 1 && r->count > 0 &&
	       r->count < UINT32_MAX - 1;
}

/* Our id as 0; the subordinate ranges as 1.. when there are both. */
static void user_maps(struct idmap *uid, struct idmap *gid)
{
	struct passwd *pw = getpwuid(getuid());
	struct id_range su, sg;

	*uid = (struct idmap){.r = {{0, getuid(), 1}}, .n = 1};
	*gid = (struct idmap){.r = {{0, getgid(), 1}}, .n = 1};
	if (!pw || !on_path("newuidmap") || !on_path("newgidmap") ||
	    !sub_range("/etc/subuid", pw->pw_name, getuid(), &su) ||
	    !sub_range("/etc/subgid", pw->pw_name, getuid(), &sg))
		return;
	uid->r[uid->n++] = (struct idmap_range){1, su.start, su.count};
	gid->r[gid->n++] = (struct idmap_range){1, sg.start, sg.count};
}

/* The pause process RUNROOT/pause.pid names ("PID STARTTIME"), if it
 * still runs; 0 otherwise. */
static pid_t live_pause(const char *path)
{
	cleanup_free char *text = NULL;
	struct brig_err ignore;
	unsigned long long start;
	size_t len;
	int pid;

	if (read_file(path, &text, &len, &ignore) < 0 ||
	    sscanf(text, "%d %llu", &pid, &start) != 2 || pid <= 0)
		return 0;
	return start && proc_starttime(pid) == start ? pid : 0;
}

static int new_pause(const char *path, pid_t *pid, struct brig_err *e)
{
	struct idmap uid, gid;
	char line[64];

	user_maps(&uid, &gid);
	if (rootless_ns_create(&uid, &gid, pid, e) < 0)
		return -e->code;
	snprintf(line, sizeof(line), "%d %llu\n", (int)*pid, proc_starttime(*pid));
	return write_atomic(path, line, strlen(line), e);
}

int rootless_enter(struct brig_ctx *c, struct brig_err *e)
{
	char pidfile[4096], lockfile[4096];
	cleanup_close int lock = -1;
	pid_t pid;

	if (geteuid() == 0)
		return 0;
	if (mkdir_p(c->runroot, 0700, e) < 0 || mkdir_p(c->root, 0700, e) < 0)
		return brig_err_ctx(e, "rootless state");
	snprintf(pidfile, sizeof(pidfile), "%s/pause.pid", c->runroot);
	snprintf(lockfile, sizeof(lockfile), "%s/pause.lock", c->runroot);
	lock = lock_file(lockfile, e);
	if (lock < 0)
		return lock;
	pid = live_pause(pidfile);
	if (!pid && new_pause(pidfile, &pid, e) < 0)
		return brig_err_ctx(e, "rootless");
	if (rootless_ns_join(pid, e) < 0)
		return brig_err_ctx(e, "rootless");
	return 0;
}

/* ---- what a rootless container may have ---------------------------------- */

int rootless_refuse(const char *what, struct brig_err *e)
{
	if (!rootless_active())
		return 0;
	return brig_errf(e, EPERM,
			 "%s needs root: rootless brig has no privilege on the host's network "
			 "(containers use --net " ROOTLESS_NET " or none)",
			 what);
}

static bool limits_asked(const struct container_spec *s)
{
	const struct cgroup_limits *l = &s->limits;

	return l->memory || l->memory_swap || l->cpu_quota || l->cpu_shares || l->pids ||
	       l->cpuset[0] || (s->cgroup_parent && *s->cgroup_parent);
}

bool rootless_no_cgroup(void) { return rootless_active(); }

int rootless_check_spec(struct container_spec *s, struct brig_err *e)
{
	const char *first;

	if (!rootless_active())
		return 0;
	if (s->n_nets == 0)
		snprintf(s->nets[s->n_nets++].name, sizeof(s->nets[0].name), "%s", ROOTLESS_NET);
	first = s->nets[0].name;
	if (!strcmp(first, "host"))
		return rootless_refuse("--net host", e);
	if (!netspec_is_mode(first))
		return brig_errf(e, EPERM,
				 "--net %s: bridge networks need root (rootless containers use "
				 "--net " ROOTLESS_NET ", the default, or none)",
				 first);
	if (s->userns.set)
		return brig_errf(e, EPERM,
				 "--userns, --uidmap and --gidmap need root: rootless "
				 "containers share brig's user namespace");
	if (limits_asked(s))
		return brig_errf(e, EPERM,
				 "resource limits (-m, --cpus, --pids-limit, "
				 "--cpuset-cpus, --cgroup-parent) need root: no cgroup is "
				 "delegated to this user (see docs/rootless.md)");
	if (s->n_publish && strcmp(first, ROOTLESS_NET) != 0)
		return brig_errf(e, EINVAL, "-p needs --net " ROOTLESS_NET " when rootless");
	return 0;
}

/* ---- the user-mode network ----------------------------------------------- */

static char *hosts_text(const struct container *ct)
{
	const char *h = ct->spec.hostname ? ct->spec.hostname : ct->id;
	char *t = NULL;

	if (asprintf(&t,
		     "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
		     "%s\t%s\n",
		     SLIRP_ADDR, h) < 0)
		return NULL;
	return t;
}

static int net_files(const struct container *ct, struct spawn_spec *s, struct spawn_file *f,
		     struct brig_err *e)
{
	char *resolv = NULL;

	f[0] = (struct spawn_file){"/etc/hosts", hosts_text(ct)};
	if (!ct->spec.n_dns)
		resolv = strdup("nameserver " SLIRP_DNS "\n");
	else if (asprintf(&resolv, "nameserver %s\n", ct->spec.dns[0]) < 0)
		resolv = NULL;
	f[1] = (struct spawn_file){"/etc/resolv.conf", resolv};
	if (!f[0].content || !f[1].content)
		return brig_errf(e, ENOMEM, "out of memory");
	s->files = f;
	s->n_files = 2;
	return 0;
}

int rootless_net_fill(struct container *ct, struct spawn_spec *s, struct spawn_file *f,
		      struct brig_err *e)
{
	struct slirp_port *ports;

	if (ct->spec.n_nets == 0 || strcmp(ct->spec.nets[0].name, ROOTLESS_NET) != 0)
		return 0;
	ports = calloc(ct->spec.n_publish + 1, sizeof(*ports));
	if (!ports)
		return brig_errf(e, ENOMEM, "out of memory");
	ct->slirp = (struct slirp_net){.dir = ct->dir, .ports = ports, .exit_fd = -1};
	for (size_t i = 0; i < ct->spec.n_publish; i++)
		if (slirp_port_parse(ct->spec.publish[i], &ports[ct->slirp.n_ports++], e) < 0)
			return -e->code;
	s->slirp = &ct->slirp;
	return net_files(ct, s, f, e);
}

void rootless_net_release(struct container *ct)
{
	slirp_stop(&ct->slirp);
	free((void *)ct->slirp.ports);
	ct->slirp.ports = NULL;
	ct->slirp.n_ports = 0;
}
