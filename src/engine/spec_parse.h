/* spec_parse.h - the values a container spec is made of, checked the same
 * for every front end (`brig run`, a lab file, the Docker API): CPU and
 * memory limits, sysctls, capabilities, labels, DNS settings, networks.
 *
 * Pure: no I/O, nothing read from the host (callers pass the CPU count and
 * memory size).  Messages name the `brig run` option, as Docker's do. */
#ifndef BRIG_SPEC_PARSE_H
#define BRIG_SPEC_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "spec.h"

/* Append s to the NULL-terminated list *v of *n entries. */
int spec_list_add(char ***v, size_t *n, const char *s, struct brig_err *e);

/* Free the lists of o (not their strings, which the caller owns) and
 * its mounts (whose strings are always allocated). */
void spec_lists_free(struct container_spec *o);

/* --cpus N: a fraction of ncpus, at least 0.01; 0.5 -> quota 50000 of period 100000. */
int spec_parse_cpus(const char *s, int ncpus, struct cgroup_limits *l, struct brig_err *e);

/* -m SIZE: at least 6m, at most host_bytes (a limit above it limits nothing). */
int spec_parse_memory(const char *s, int64_t host_bytes, int64_t *out, struct brig_err *e);

/* --memory-swap SIZE, or -1 for unlimited. */
int spec_parse_memory_swap(const char *s, int64_t *out, struct brig_err *e);

/* --cpu-shares N: 2..262144. */
int spec_parse_cpu_shares(const char *s, uint64_t *out, struct brig_err *e);

/* --pids-limit N: 1..4194304, or -1 and 0 for unlimited (*out = -1). */
int spec_parse_pids_limit(const char *s, int64_t *out, struct brig_err *e);

/* --cpuset-cpus LIST ("0-1,3"), each CPU below ncpus, into l->cpuset. */
int spec_parse_cpuset(const char *s, int ncpus, struct cgroup_limits *l, struct brig_err *e);

/* --sysctl KEY=VALUE: only namespaced net.* keys, no control characters. */
int spec_check_sysctl(const char *kv, struct brig_err *e);

/* --label KEY=VALUE (or KEY: an empty value): checked (labels_check),
 * then one more label of o, kv borrowed. */
int spec_add_label(struct container_spec *o, const char *kv, struct brig_err *e);

/* --cap-add/--cap-drop CAP ("NET_ADMIN", "CAP_NET_ADMIN", "ALL") into *bits. */
int spec_parse_cap(const char *name, uint64_t *bits, struct brig_err *e);

/* --dns IP (IPv4). */
int spec_check_dns(const char *arg, struct brig_err *e);

/* --dns-search D and --dns-option O (opt names which): one resolv.conf word. */
int spec_check_dns_word(const char *opt, const char *arg, struct brig_err *e);

/* --network ARG: one more network of o (at most MAX_NETS). */
int spec_add_network(struct container_spec *o, const char *arg, struct brig_err *e);

/* Which option a mount came from. */
enum spec_mount_opt { SPEC_VOLUME, SPEC_MOUNT, SPEC_TMPFS };

/* -v, --mount or --tmpfs ARG (which): one more mount of o (at most
 * MOUNTSPEC_MAX), its strings allocated (spec_lists_free frees them).
 * cwd: what a relative host path ("./conf") is relative to; NULL refuses
 * such paths. */
int spec_add_mount(struct container_spec *o, enum spec_mount_opt which, const char *arg,
		   const char *cwd, struct brig_err *e);

/* The whole spec, once every value is in: limits that depend on each
 * other, the hostname, the networks (none given: "bridge"; o->ip and
 * o->mac go to the first), a command.  Fills in nets[0] as needed. */
int spec_validate(struct container_spec *o, struct brig_err *e);

#endif
