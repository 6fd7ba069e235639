/* secopt.h - `--security-opt`: what a container may lift of brig's
 * defences (docs/security.md).
 *
 * Both defences are on by default, so a zeroed struct is the safe one and a
 * record written before this option existed reads as fully confined.  Pure:
 * no I/O; the parser is unit-tested and fuzzed. */
#ifndef BRIG_SECOPT_H
#define BRIG_SECOPT_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

struct security_opts {
	bool no_new_privs_off;	 /* no-new-privileges=false: setuid binaries work */
	bool seccomp_unconfined; /* seccomp=unconfined: no syscall filter */
};

/* The most canonical strings secopt_strings gives. */
#define SECOPT_MAX 2

/* Apply one --security-opt value to o; a later value overrides an
 * earlier one.  Docker's spellings: "no-new-privileges" (= true),
 * "no-new-privileges=BOOL" and its older "no-new-privileges:BOOL" (BOOL as
 * Go's ParseBool: 1 t T true True TRUE, 0 f F false False FALSE),
 * "seccomp=unconfined"; "apparmor=unconfined", "label=disable" and
 * "label:disable" are accepted and change nothing (brig applies no AppArmor
 * profile and no SELinux label).  A seccomp profile from a file, and every
 * other value, fail (EINVAL) with the one-line message
 * `invalid --security-opt "VALUE": why`. */
int secopt_parse(const char *arg, struct security_opts *o, struct brig_err *e);

/* The options of o that differ from the defaults, as the canonical strings
 * secopt_parse reads back ("no-new-privileges=false",
 * "seccomp=unconfined"): static strings into out, their count returned. */
size_t secopt_strings(const struct security_opts *o, const char *out[SECOPT_MAX]);

#endif
