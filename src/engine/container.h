/* container.h - a container's lifecycle: create the record, start it,
 * wait for it, and finish it (record the exit, release what it held). */
#ifndef BRIG_CONTAINER_H
#define BRIG_CONTAINER_H

#include <jansson.h>
#include <stdbool.h>

#include "ctx.h"
#include "cgroup.h"
#include "types.h"
#include "netspec.h"
#include "spec.h"
#include "slirp.h"
#include "spawn.h"
#include "util.h"

/* A container being run, in memory. */
struct container {
	char id[BRIG_ID_LEN + 1];
	char name[64];
	char dir[2048];
	struct container_spec spec; /* the record's config (owned) */
	struct container_state st;  /* this run's state */
	struct net_network nets[MAX_NETS];
	struct spawn_iface ifaces[MAX_NETS];
	size_t n_nets;
	struct cgroup *cg;
	pid_t pid;
	/* stdio of the command: inherited, redirected (log pipe), or a pty */
	bool redirect;
	int stdio[3];
	unsigned short rows, cols;
	int pty_master; /* set by container_start when config says tty */
	bool created_now; /* by this `run`: a refused start leaves no record */
	struct container_state prev; /* container_load: the last run's, for its addresses */
	int lock_fd;        /* container_load: held until container_free */
	struct slirp_net slirp; /* --net slirp4netns: rootless_ctl.h */
	/* Attach clients served from before the command runs (`docker run`
	 * attaches before it starts): fds and their ATTACH_* flags
	 * (stream.h).  The monitor serves its copies; the caller closes its
	 * own after monitor_launch.  Zero: none. */
	int attach_fd[4];
	unsigned attach_flags[4];
	size_t n_attach;
	/* monitor_launch double-forks: the monitor is init's child, and a
	 * long-running caller (the daemon) keeps no zombie of it. */
	bool monitor_orphan;
};

/* Validate opts, resolve the image, and create the record and its
 * directories.  Nothing on the host changes yet. */
int container_create(const struct brig_ctx *c, const struct container_spec *o, struct container *ct,
		     struct brig_err *e);

/* `docker create`: keep ct's record as a created container (its
 * state.json says so), one that gc leaves alone until it is started or
 * removed.  Without it a record nobody holds is a failed create's. */
int container_keep_created(const struct brig_ctx *c, struct container *ct, struct brig_err *e);

/* Lease addresses, set up networks and the cgroup, and start the command.
 * On failure everything acquired is released and *stage says whether the
 * command itself could not be run. */
int container_start(const struct brig_ctx *c, struct container *ct, enum spawn_stage *stage,
		    struct brig_err *e);

/* Record the exit (wait status, or -1 when it never ran), release leases,
 * veths and the cgroup, and remove the record when it was run with --rm.
 * Returns the exit status per the contract. */
int container_finish(const struct brig_ctx *c, struct container *ct, int wstatus);

/* container_finish, calling final(arg) as soon as the record is final:
 * saved as exited, or with --rm unlisted and its destroy event written,
 * before its files are deleted (a monitor ends its attach clients' streams
 * there: `docker run --rm` need not wait for the deletion). */
int container_finish_then(const struct brig_ctx *c, struct container *ct, int wstatus,
			  void (*final)(void *), void *arg);

/* After container_start failed: for a container this `run` created and
 * brig's own setup refused (stage SETUP: bad input, a taken address), remove
 * the record, so a refused run leaves nothing; otherwise record the failure
 * as container_finish does.  Returns the exit status per the contract. */
int container_start_failed(const struct brig_ctx *c, struct container *ct,
			   enum spawn_stage stage, int err);

/* Remove a stopped container's record, releasing anything it still holds
 * (leases, veths, cgroup).  Waits, bounded, for a process being killed. */
int container_remove(const struct brig_ctx *c, const char *id, struct brig_err *e);

/* Resolve a name or id prefix; returns 1 when the container is running
 * (*pid, when not NULL, gets its pid), 0 when it is not, negative on error. */
int container_find(const struct brig_ctx *c, const char *ref, char id[BRIG_ID_LEN + 1],
		   pid_t *pid, struct brig_err *e);

/* SIGTERM, then SIGKILL after timeout seconds; returns once the record is
 * final (a crashed owner's is reconciled).  Not running is success. */
int container_stop(const struct brig_ctx *c, const char *ref, int timeout, struct brig_err *e);

/* Wait, polling for at most timeout_ms, until the record is final (its
 * owner finished it; a crashed owner's record is reconciled).  True then. */
bool container_wait_settled(const struct brig_ctx *c, const char *id, int64_t timeout_ms);

/* Lock container id against a concurrent start or copy (flock on its
 * directory's "lock" file): its overlay must be mounted by one of them
 * only.  Returns the fd; closing it releases the lock. */
int container_lock(const struct brig_ctx *c, const char *id, struct brig_err *e);

/* container_lock, waiting at most timeout_ms (0: not at all) for a start
 * in progress: -EBUSY then. */
int container_lock_wait(const struct brig_ctx *c, const char *id, int timeout_ms,
			struct brig_err *e);

/* Release ct's lock, if it holds one (a start is done with the record). */
void container_unlock(struct container *ct);

/* Load a stopped container's record into ct to start it again (its id,
 * name, directory and config; the addresses it had are preferred), locked
 * (container_lock) until container_free. */
int container_load(const struct brig_ctx *c, const char *ref, struct container *ct,
		   struct brig_err *e);

/* True when the record is final: not running, or its process and its
 * owner are both gone (a crash: container_gc then reconciles it). */
bool container_settled(const struct container_state *st);

/* Kill (SIGKILL) if running, then container_remove. */
int container_kill_remove(const struct brig_ctx *c, const char *id, struct brig_err *e);

/* container_kill_remove, then the container's anonymous volumes (rm -v,
 * as Docker's). */
int container_kill_remove_volumes(const struct brig_ctx *c, const char *id, struct brig_err *e);

/* `brig rm [-f] [-v] REF`, for every front end: refused (EBUSY) while it
 * runs unless force, then container_kill_remove[_volumes]. */
int container_rm(const struct brig_ctx *c, const char *ref, bool force, bool volumes,
		 struct brig_err *e);

/* Reconcile state with reality: records of dead containers marked exited,
 * their leases, veths and cgroups released; leases of dead owners freed. */
int container_gc(const struct brig_ctx *c, struct brig_err *e);

/* Fill s for `brig exec`: the container's environment with extra (-e)
 * first, its user unless user is given, its workdir unless workdir is
 * given, its capabilities (a privileged container's: the host's).  Free
 * *env_out with container_env_free(). */
int container_exec_spec(const struct container_spec *cfg, char **extra, size_t n_extra,
			const char *user, const char *workdir, struct spawn_spec *s,
			char ***env_out, struct brig_err *e);
void container_env_free(char **env);

/* brig network connect / disconnect: attach a running container to one
 * more bridge network (next free ethN, optional static ip) or detach it. */
int container_connect(const struct brig_ctx *c, const char *ref, const char *net,
		      const char *ip, struct brig_err *e);
int container_disconnect(const struct brig_ctx *c, const char *ref, const char *net,
			 struct brig_err *e);

/* The attachment to network net in a state's networks, or NULL; *index
 * (may be NULL) gets its position. */
const struct container_net *container_attachment(const struct container_state *st,
						  const char *net, size_t *index);

/* A veth end's name: "vb" (host end, kind 'b') or "vp" (peer, 'p') + 12
 * id chars + the interface index: unique on the host, found by id alone. */
void container_veth_name(char out[16], char kind, const char *id, size_t i);

/* The ids of the records (running or not, as stored: nothing is
 * reconciled) whose labels have key, with value (NULL: any value), in the
 * store's order: one config.json read per record.  *ids is malloc'd (free
 * it; NULL when *n is 0). */
int container_list_labeled(const struct brig_ctx *c, const char *key, const char *value,
			   char (**ids)[BRIG_ID_LEN + 1], size_t *n, struct brig_err *e);

/* waitpid for pid, retried on EINTR: the wait status, or -1. */
int container_wait(pid_t pid);


void container_free(struct container *ct);

/* Detect the cgroup layout once per process. */
int container_cgroups_ready(struct brig_err *e);

/* The layout detected ("v1", "v2", "hybrid" as cgroup_mode() says), or
 * NULL with e filled when there is none usable. */
const char *container_cgroup_layout(struct brig_err *e);

/* Current status of a record: "running", "exited", "created"; a record that
 * says running but whose process is gone reads as exited. */
const char *container_status(const struct container_state *st);

#endif
