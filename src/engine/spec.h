/* spec.h - a container's specification: what it was asked to be. */
#ifndef BRIG_SPEC_H
#define BRIG_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cgroup.h"
#include "net.h"

#define MAX_NETS 8

/* What `brig run` asked for, validated: everything a front end (the CLI,
 * a lab file, the API) can ask of a new container. */
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
