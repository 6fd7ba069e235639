/* spec_parse.c - check the values of a container spec (see spec_parse.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "labels.h"
#include "spawn.h"
#include "parse.h"
#include "spec_parse.h"
#include "rootless_ctl.h"
#include "userns_ctl.h"
#include "util.h"

int spec_list_add(char ***v, size_t *n, const char *s, struct brig_err *e)
{
	char **nv = realloc(*v, (*n + 2) * sizeof(**v));

	if (!nv)
		return brig_errf(e, ENOMEM, "out of memory");
	nv[(*n)++] = (char *)s; /* argv's strings: ours to point at, not to own */
	nv[*n] = NULL;
	*v = nv;
	return 0;
}

void spec_lists_free(struct container_spec *o)
{
	free(o->env);
	free(o->sysctls);
	free(o->dns);
	free(o->dns_search);
	free(o->dns_opts);
	free(o->add_hosts);
	free(o->publish);
	free(o->labels);
	mountspec_free_all(o->mounts, o->n_mounts);
	o->mounts = NULL;
	o->n_mounts = 0;
}

int spec_parse_cpus(const char *s, int ncpus, struct cgroup_limits *l, struct brig_err *e)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v > 0))
		return brig_errf(e, EINVAL, "invalid --cpus '%s': must be a number above 0", s);
	if (v > ncpus)
		return brig_errf(e, EINVAL, "invalid --cpus '%s': the host has %d CPUs", s, ncpus);
	if ((uint64_t)(v * 100000 + 0.5) < 1000)
		return brig_errf(e, EINVAL, "invalid --cpus '%s': minimum is 0.01", s);
	l->cpu_period = 100000;
	l->cpu_quota = (uint64_t)(v * 100000 + 0.5);
	return 0;
}

int spec_parse_memory(const char *s, int64_t host_bytes, int64_t *out, struct brig_err *e)
{
	int64_t size;

	if (parse_size(s, &size, e) < 0)
		return brig_err_ctx(e, "--memory");
	if (size < 6 * 1024 * 1024)
		return brig_errf(e, EINVAL, "--memory %s: minimum is 6m", s);
	if (size > host_bytes)
		return brig_errf(e, EINVAL, "--memory %s: more than the host's memory", s);
	*out = size;
	return 0;
}

int spec_parse_memory_swap(const char *s, int64_t *out, struct brig_err *e)
{
	if (strcmp(s, "-1") == 0) {
		*out = -1;
		return 0;
	}
	if (parse_size(s, out, e) < 0)
		return brig_err_ctx(e, "--memory-swap");
	return 0;
}

int spec_parse_cpu_shares(const char *s, uint64_t *out, struct brig_err *e)
{
	uint64_t v;

	if (parse_uint(s, 262144, &v, e) < 0 || v < 2)
		return brig_errf(e, EINVAL, "invalid --cpu-shares '%s': 2..262144", s);
	*out = v;
	return 0;
}

int spec_parse_pids_limit(const char *s, int64_t *out, struct brig_err *e)
{
	uint64_t v;

	/* -1 and 0 mean unlimited, as in Docker (pids.max = max) */
	if (!strcmp(s, "-1") || !strcmp(s, "0")) {
		*out = -1;
		return 0;
	}
	if (parse_uint(s, 4194304, &v, e) < 0)
		return brig_errf(e, EINVAL, "invalid --pids-limit '%s': 1..4194304, or -1", s);
	*out = (int64_t)v;
	return 0;
}

int spec_parse_cpuset(const char *s, int ncpus, struct cgroup_limits *l, struct brig_err *e)
{
	if (cgroup_parse_cpuset(s, ncpus, l->cpuset, sizeof(l->cpuset), e) < 0)
		return brig_err_ctx(e, "--cpuset-cpus");
	return 0;
}

int spec_check_sysctl(const char *kv, struct brig_err *e)
{
	const char *eq = strchr(kv, '=');

	/* Control characters could smuggle a second line into a sysctl file. */
	for (const char *p = kv; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return brig_errf(e, EINVAL, "invalid --sysctl: control character in '%.*s'",
					 (int)strcspn(kv, "\n\r"), kv);
	/* Only net.* is namespaced; anything else would change the host. */
	if (!eq || eq == kv || strncmp(kv, "net.", 4) != 0 || strstr(kv, "..") ||
	    memchr(kv, '/', (size_t)(eq - kv)))
		return brig_errf(e, EINVAL,
				 "invalid --sysctl '%s': only namespaced net.KEY=VALUE is allowed", kv);
	return 0;
}

int spec_add_label(struct container_spec *o, const char *kv, struct brig_err *e)
{
	if (labels_check(kv, e) < 0)
		return -e->code;
	return spec_list_add(&o->labels, &o->n_labels, kv, e);
}

int spec_parse_cap(const char *name, uint64_t *bits, struct brig_err *e)
{
	return spawn_parse_cap(name, bits, e);
}

int spec_check_dns(const char *arg, struct brig_err *e)
{
	uint32_t ip;

	if (net_parse_ip(arg, &ip, e) < 0)
		return brig_err_ctx(e, "invalid --dns '%s'", arg);
	return 0;
}

int spec_check_dns_word(const char *opt, const char *arg, struct brig_err *e)
{
	if (!*arg || strlen(arg) > 253 || strpbrk(arg, " \t\r\n#;"))
		return brig_errf(e, EINVAL, "invalid %s '%s'", opt, arg);
	return 0;
}

int spec_add_network(struct container_spec *o, const char *arg, struct brig_err *e)
{
	if (o->n_nets == MAX_NETS)
		return brig_errf(e, E2BIG, "at most %d networks per container", MAX_NETS);
	if (netspec_parse(arg, &o->nets[o->n_nets], e) < 0)
		return -e->code;
	o->n_nets++;
	return 0;
}

int spec_add_mount(struct container_spec *o, enum spec_mount_opt which, const char *arg,
		   const char *cwd, struct brig_err *e)
{
	struct mount_spec m, *nv;
	int r;

	if (o->n_mounts == MOUNTSPEC_MAX)
		return brig_errf(e, E2BIG, "at most %d mounts per container", MOUNTSPEC_MAX);
	if (which == SPEC_VOLUME)
		r = mountspec_parse_volume(arg, cwd, &m, e);
	else if (which == SPEC_MOUNT)
		r = mountspec_parse_mount(arg, cwd, &m, e);
	else
		r = mountspec_parse_tmpfs(arg, &m, e);
	if (r < 0)
		return r;
	nv = realloc(o->mounts, (o->n_mounts + 1) * sizeof(*nv));
	if (!nv) {
		mountspec_free(&m);
		return brig_errf(e, ENOMEM, "out of memory");
	}
	nv[o->n_mounts++] = m;
	o->mounts = nv;
	return 0;
}

int spec_validate(struct container_spec *o, struct brig_err *e)
{
	if (o->limits.memory_swap > 0 && o->limits.memory_swap < o->limits.memory)
		return brig_errf(e, EINVAL, "--memory-swap must be at least --memory");
	if (o->limits.memory_swap && !o->limits.memory)
		return brig_errf(e, EINVAL, "--memory-swap needs --memory");
	if (o->hostname && !valid_name(o->hostname))
		return brig_errf(e, EINVAL, "invalid --hostname '%s'", o->hostname);
	if (rootless_check_spec(o, e) < 0) /* the default network first */
		return -e->code;
	if (netspec_settle(o->nets, &o->n_nets, o->ip, o->mac, e) < 0 ||
	    netspec_settle_ip6(o->nets, o->n_nets, o->ip6, e) < 0)
		return -e->code;
	if (mountspec_check(o->mounts, o->n_mounts, e) < 0)
		return -e->code;
	if (userns_check_spec(o, e) < 0)
		return -e->code;
	return 0;
}
