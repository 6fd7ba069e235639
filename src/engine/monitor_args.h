/* monitor_args.h - (private to the engine) what a monitor hands to the
 * small static executable brig-monitor when it execs it, once the
 * container runs: the relay's fds (inherited: exec keeps them once their
 * CLOEXEC is cleared), the container's pid (still our child: exec keeps
 * the pid), and the few names the end needs.  On the command line, one
 * word "KEY=VALUE" per field, after argv[0]:
 *
 *   id=ID root=DIR runroot=DIR log=PATH brig=FD pid=PID [tty=1]
 *   [out=FD] [err=FD] [in=FD] [raw=FD] [hand=FD] [slirp=PID:FD]
 *   [client=FD:FLAGS]...
 *
 * brig is an O_PATH fd of the full brig executable that started the
 * monitor (the end runs `brig __monitor-finish` through it, so the same
 * build finishes what it started). */
#ifndef BRIG_MONITOR_ARGS_H
#define BRIG_MONITOR_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "err.h"
#include "monitor_io.h"
#include "util.h"

struct monitor_args {
	char id[BRIG_ID_LEN + 1];
	const char *root, *runroot; /* the brig_ctx's */
	const char *log;            /* container.log (log_writer_open) */
	int brig;                   /* O_PATH fd of the full brig */
	pid_t pid;                  /* the container */
	bool tty;
	int out, err, in;           /* as struct mon_io's; -1: none */
	int raw, hand;              /* the listening attach sockets; -1: none */
	pid_t slirp_pid;            /* --net slirp4netns, else 0 */
	int slirp_fd;               /* its exit fd (slirp.h) */
	size_t n_clients;           /* attach clients handed at launch */
	int client_fd[MON_CLIENTS];
	unsigned client_flags[MON_CLIENTS]; /* ATTACH_* */
};

/* Fields a command line may have: argv[0], the fixed ones, the clients,
 * the NULL. */
#define MONITOR_ARGV_MAX (16 + MON_CLIENTS)

/* No fds, no pids, no names. */
void monitor_args_init(struct monitor_args *a);

/* a as argv[1...] (argv[0] is left to the caller), the words written into
 * buf; argv ends with NULL.  0, or ENAMETOOLONG when buf is too small. */
int monitor_args_format(const struct monitor_args *a, char *buf, size_t len,
			char *argv[MONITOR_ARGV_MAX], struct brig_err *e);

/* Parse argv[1..argc-1] into a (its strings point into argv).  Refuses an
 * unknown or repeated key, a bad number, an id that is not 64 hex digits,
 * more than MON_CLIENTS clients, a missing id, root, runroot, log, brig
 * or pid: EINVAL (E2BIG for the clients) with one line naming the word. */
int monitor_args_parse(int argc, char *const *argv, struct monitor_args *a, struct brig_err *e);

/* Set (on) or clear FD_CLOEXEC on every fd of a: cleared, they pass
 * through the exec of brig-monitor; set, not on to what it runs. */
void monitor_args_cloexec(const struct monitor_args *a, bool on);

/* m (mon_io_init'ed) set up to relay a's fds: the container's streams
 * (a terminal's master made non-blocking), the listeners, the clients. */
void monitor_args_io(const struct monitor_args *a, struct mon_io *m);

#endif
