/* sysfilter.h - the container's syscall filter (seccomp): brig's default
 * profile, in effect Docker's, adapted to the container's capabilities as
 * Docker's is (docs/security.md).
 *
 * Compiled by libseccomp in the process that starts the container, before
 * it forks, and kept: the child (or exec's command) only loads the ready
 * program, the last thing before it execs. */
#ifndef BRIG_SYSFILTER_H
#define BRIG_SYSFILTER_H

#include <stdint.h>

#include "err.h"

struct sock_fprog;

/* The filter for a container whose capability set is caps (bit N =
 * capability N).  Compiling costs about a millisecond, so the program is
 * kept: in memory for the life of the process (a lab's worker or a server
 * starts many containers), and as a file in cache_dir (NULL: none; made
 * 0700 when missing), named after the profile, libseccomp's version and
 * the capabilities that matter, so each later start only reads it.  Covers
 * the native ABI and, on x86_64, the 32-bit x86 and x32 ABIs.  NULL with e
 * filled on failure. */
const struct sock_fprog *sysfilter_get(uint64_t caps, const char *cache_dir, struct brig_err *e);

/* Load prog into the calling thread (NULL: nothing).  The kernel wants
 * no_new_privs set or CAP_SYS_ADMIN held. */
int sysfilter_load(const struct sock_fprog *prog, struct brig_err *e);

#endif
