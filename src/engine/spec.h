/* spec.h - what a front end asks of a new container (`brig run`, a lab
 * node, the Docker API), validated. */
#ifndef BRIG_SPEC_H
#define BRIG_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cgroup.h"
#include "netspec.h"

#define MAX_NETS 8

/* What `brig run` asked for, validated. */
struct container_spec {
	const char *name, *hostname, *workdir, *user, *image, *ip, *mac, *cgroup_parent;
	const char *entrypoint; /* NULL: none given */
	char **env, **sysctls, **argv, **dns, **dns_search, **dns_opts, **add_hosts;
	size_t n_env, n_sysctls, n_dns, n_dns_search, n_dns_opts, n_add_hosts;
	struct net_attach nets[MAX_NETS]; /* the first: eth0; none given: "bridge" */
	size_t n_nets;
	uint64_t cap_add, cap_drop;
	bool rm, detach, interactive, tty, init, privileged;
	struct cgroup_limits limits;
};

#endif
