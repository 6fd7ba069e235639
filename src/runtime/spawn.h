/* spawn.h - start a container: the parent (host side) and the child
 * (container init, init.c) meet at numbered sync points over a socketpair.
 *
 *   sync 1: child exists in its new namespaces      (child -> parent)
 *           (without a user namespace it then enters its cgroup itself)
 *   sync 2: cgroup and veths ready on the host side (parent -> child)
 *   sync 3: child set up everything; exec follows   (child -> parent)
 *   then EOF on the socket (CLOEXEC) means the exec succeeded; a message
 *   means it failed, carrying {errno, stage, text}.
 */
#ifndef BRIG_SPAWN_H
#define BRIG_SPAWN_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

struct cgroup;
struct sock_fprog;
struct userns_maps;
struct slirp_net;

/* One network interface of the container (bridge networks). */
struct spawn_iface {
	char host_if[16]; /* veth end on the host, attached to bridge */
	char peer_if[16]; /* temporary name of the peer before rename */
	char ifname[16];  /* name inside: eth0, eth1, ... */
	char bridge[16];
	int mtu;
	uint32_t addr, gw; /* gw != 0 only for the default-route interface */
	int prefix;
	uint8_t mac[6];
	bool hairpin; /* hairpin mode on host_if (it publishes ports) */
	/* a dual-stack network: addr6/prefix6 added without DAD, accept_ra=0;
	 * route6: the default IPv6 route goes via gw6 */
	bool v6, route6;
	struct in6_addr addr6, gw6;
	int prefix6;
};

/* A file written inside the container after pivot_root (hosts,
 * resolv.conf): written from inside so that no path resolution can leave the
 * container's root, and no host path shows in its mount table. */
struct spawn_file {
	const char *path; /* absolute path inside the container */
	const char *content;
};

enum spawn_net { SPAWN_NET_NEW, SPAWN_NET_HOST, SPAWN_NET_JOIN };

/* mounts (-v, --mount, --tmpfs, --read-only) */

/* One mount the user asked for, made by binds.c inside the container's
 * mount namespace before pivot_root: a recursive bind of a host directory
 * or file (a volume is the bind of its directory), or a new tmpfs. */
struct spawn_mount {
	const char *source; /* host path; NULL: a tmpfs */
	const char *target; /* absolute and clean, resolved inside the root */
	bool readonly;	    /* recursively read-only */
	bool seed;	    /* a volume: when source is an empty directory, first
			     * fill it with the image's content at target
			     * (spawn_spec.seed) */
	uint64_t attrs;	    /* tmpfs: MOUNT_ATTR_* (nosuid, nodev, noexec, atime) */
	const char *data;   /* tmpfs: "key=value,..." for the filesystem
			     * ("size=65536,mode=1777"), or "" */
};

/* Copy the content of the directory path inside root (an O_PATH fd of the
 * container's root, before pivot_root) into the directory dst (an fd):
 * how a volume is first filled from the image. */
typedef int (*spawn_seed_fn)(int root, const char *path, int dst, struct brig_err *e);

/* end of mounts */

struct spawn_spec {
	const char *id;
	const char *hostname;
	/* root filesystem: overlay of lower with upper/work, mounted on merged */
	const char *lower, *upper, *work, *merged;
	/* overlay's "volatile": the upper is never synced, neither on the
	 * container's fsyncs nor at the unmount when it exits (which would
	 * otherwise sync the host's whole upper filesystem: every dirty page
	 * of every process).  For --rm, whose upper is deleted at exit (as
	 * podman does); a volatile upper can never be mounted again. */
	bool volatile_upper;
	char *const *argv;
	char *const *env; /* complete environment, NULL terminated */
	const char *workdir;
	bool user_set;
	uid_t uid;
	gid_t gid;
	enum spawn_net net;
	pid_t join_net_pid; /* SPAWN_NET_JOIN: the netns of this process */
	const struct spawn_iface *ifaces;
	size_t n_ifaces;
	const struct spawn_file *files;
	size_t n_files;
	char *const *sysctls; /* "net.ipv4.ip_forward=1", NULL terminated or NULL */
	uint64_t caps;        /* capability set, bit N = capability N */
	bool privileged;      /* --privileged: sysfs and cgroups writable, no
			       * masked or read-only /proc paths, the host's
			       * devices in /dev (caps: spawn_host_caps()),
			       * no seccomp filter (the engine gives none), as
			       * Docker's. */
	struct cgroup *cg;    /* entered after sync 1 by the child itself, or
			       * with a user namespace by the parent before
			       * sync 2; may be NULL */
	bool cg_self;         /* set by spawn_start: the child enters cg */
	bool cg_v2_born;      /* set by spawn_start: born in cg's cgroup2
			       * directory (clone3 CLONE_INTO_CGROUP) */
	bool redirect;        /* replace 0, 1, 2 with stdio[] before exec */
	int stdio[3];
	bool tty;             /* give the command a pty of the container's own
			       * devpts; its master comes back to the parent */
	unsigned short rows, cols; /* initial window size of that pty */
	bool init;                 /* --init: stay PID 1, reap, forward signals */
	const char *hosts_path;    /* the network's shared hosts file, bound
				    * read-only on /etc/hosts (NULL: none) */

	/* --security-opt (docs/security.md), applied by init_confine
	 * for run and exec alike */
	bool no_new_privs;		  /* PR_SET_NO_NEW_PRIVS before exec */
	const struct sock_fprog *seccomp; /* loaded before exec (sysfilter.h);
					   * NULL: unconfined */
	/* end of --security-opt */

	/* mounts (-v, --mount, --tmpfs, --read-only) */
	const struct spawn_mount *mounts; /* made in order of target depth */
	size_t n_mounts;
	bool readonly_root; /* "/" read-only once /etc/hosts and resolv.conf are in */
	spawn_seed_fn seed; /* NULL: volumes are never filled from the image */
	/* end of mounts */

	/* user namespace (--userns=auto, --uidmap, --gidmap): userns.h */
	const struct userns_maps *userns; /* NULL: none (the default) */
	const int *userns_layers;	  /* set by spawn_start: the layers' */
	size_t n_userns_layers;		  /* idmapped clones, in lower's order */
	/* end of user namespace */

	/* user-mode network (--net slirp4netns, rootless brig's default):
	 * started by the parent at sync 2 on the child's netns, its pid and
	 * exit fd filled in (slirp.h); NULL: none */
	struct slirp_net *slirp;
};

enum spawn_stage { SPAWN_STAGE_SETUP = 1, SPAWN_STAGE_EXEC = 2 };

/* Start the container.  Returns its pid (in the host pid namespace) once the
 * command was exec'd.  On failure returns negative, fills e, and sets *stage:
 * SPAWN_STAGE_EXEC means the command itself could not be run (e->code ENOENT
 * -> exit 127, else 126); SPAWN_STAGE_SETUP means brig failed (125).  The
 * child is reaped on failure. */
pid_t spawn_start(const struct spawn_spec *s, enum spawn_stage *stage, int *pty_master,
		  struct brig_err *e);

/* The exit status for a failure at stage: 127 when the command was not
 * found, 126 when it could not be run, 125 when brig failed before. */
int spawn_exit_code(enum spawn_stage stage, int err);

/* Container init: everything the child does between sync 1 and exec.
 * Never returns; on failure reports over sock and exits 125. */
void init_container(const struct spawn_spec *s, int sock) __attribute__((noreturn));

/* The identity and confinement of a container's command, shared by init
 * and exec: stdio that is not a host directory, user (setgroups/setgid/
 * setuid), non-dumpable again after setuid, the working directory resolved
 * inside the root (hygiene.h), capability bounding and effective sets,
 * every fd above 2 marked CLOEXEC, then no_new_privs and the seccomp
 * filter. */
int init_confine(const struct spawn_spec *s, struct brig_err *e);

/* Default capability set (Docker's), bit N = capability N. */
uint64_t spawn_default_caps(void);

/* The bounding set of the calling process, bit N = capability N: what a
 * privileged container gets (Docker's "every capability"), as the host
 * (or whatever brig runs in) really has it. */
uint64_t spawn_host_caps(void);

/* Parse a capability name ("NET_ADMIN", "CAP_NET_ADMIN", "all"). */
int spawn_parse_cap(const char *name, uint64_t *bits, struct brig_err *e);

#endif
