/* proc.h - what /proc says about a process. */
#ifndef BRIG_PROC_H
#define BRIG_PROC_H

#include <stdint.h>
#include <sys/types.h>

#include "err.h"

/* Start time of pid (field 22 of /proc/PID/stat); 0 if it does not exist
 * or is a zombie (dead, waiting to be reaped), so a dead process never
 * looks alive.  A pid with the same start time is the same process. */
unsigned long long proc_starttime(pid_t pid);

/* Open /proc/PID/ns/NS (pid <= 0: our own) O_RDONLY|O_CLOEXEC, for setns;
 * returns the fd. */
int proc_ns_open(pid_t pid, const char *ns, struct brig_err *e);

/* Run fn(arg) in a forked child and wait for it: its error comes back in e
 * (over a pipe).  For work that must change the process (namespaces,
 * mounts) without changing the caller's. */
int proc_run_child(int (*fn)(void *arg, struct brig_err *e), void *arg, struct brig_err *e);

/* Run fn(arg) in a forked child that joined namespace ns (type nstype,
 * e.g. "net", CLONE_NEWNET) of pid: the caller's own namespaces never
 * change, so a long-lived server can call it from any thread.  fn's error
 * comes back in e. */
int proc_run_in_ns(pid_t pid, const char *ns, int nstype, int (*fn)(void *arg, struct brig_err *e),
		   void *arg, struct brig_err *e);

/* The host's CPUs online (at least 1) and its physical memory in bytes,
 * for the limits a spec may ask for. */
int proc_host_cpus(void);
int64_t proc_host_memory(void);

/* A pidfd of pid (it polls readable once pid has ended, reaped or not),
 * or -1 with errno. */
int proc_pidfd(pid_t pid);

/* The exit status per the command-line contract for a wait status: the
 * command's own code, 128+N for signal N, EXIT_BRIG (125) when there is
 * none (a negative status: it never ran).  The one such mapping. */
int proc_exit_status(int wstatus);

/* Every signal's disposition back to its default and none blocked: what a
 * command exec'd into a container expects, whatever its starter ignored
 * (a shell's background job ignores SIGINT) or blocked. */
void proc_signals_default(void);

#endif
