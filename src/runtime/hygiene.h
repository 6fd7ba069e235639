/* hygiene.h - what a brig process that enters a container must not carry
 * into it (docs/security.md).
 *
 * Every brig process that joins a container (the container's init from
 * clone to exec, `--init`'s PID 1 for the container's life, `exec`'s helper
 * and its command from before setns to exec) is non-dumpable, so that no
 * process of the container can open its /proc/PID/{exe,fd,cwd,root,mem,
 * environ}: the brig binary (CVE-2019-5736), host fds and host directories
 * stay out of reach.  Its working directory is resolved inside the
 * container, never through a magic link (CVE-2024-21626). */
#ifndef BRIG_HYGIENE_H
#define BRIG_HYGIENE_H

#include "err.h"

/* Make the calling process non-dumpable (PR_SET_DUMPABLE 0).  The kernel
 * then refuses ptrace access and /proc/PID/{exe,fd,cwd,...} to any process
 * without CAP_SYS_PTRACE in the host's user namespace; a credential change
 * may reset the flag (fs.suid_dumpable), so call it again after setuid.
 * execve makes the new program dumpable again, as it should be. */
int hygiene_undumpable(struct brig_err *e);

/* chdir to dir (absolute, in the container) inside the current root: the
 * path is opened with openat2(RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS)
 * from "/", so neither "..", an absolute symlink, nor a magic link such as
 * /proc/self/fd/N or /proc/self/cwd can name a directory outside the root
 * (-ELOOP for a magic link, -ENOTDIR for a file).  Afterwards the kernel's
 * own getcwd must agree that the directory is reachable from the root. */
int hygiene_chdir_in_root(const char *dir, struct brig_err *e);

/* Refuse a directory as stdin, stdout or stderr (-EISDIR): the command
 * could `cd /proc/self/fd/0` into the host's filesystem.  Docker's stdio
 * are pipes; brig passes the caller's own fds, so it checks them.  A
 * closed fd is no leak and passes. */
int hygiene_check_stdio(struct brig_err *e);

#endif
