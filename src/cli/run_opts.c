/* run_opts.c - `brig run`'s option table and setters (see run_opts.h). */
#include <limits.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "proc.h"
#include "publish.h"
#include "run_opts.h"
#include "spec_parse.h"
#include "userns_ctl.h"

#define SPEC(field) offsetof(struct container_spec, field)
#define LIMIT(field) offsetof(struct container_spec, limits.field)

static int set_env(void *o, const char *arg, struct brig_err *e)
{
	struct container_spec *s = o;
	return spec_list_add(&s->env, &s->n_env, arg, e);
}

static int set_network(void *o, const char *arg, struct brig_err *e)
{
	return spec_add_network(o, arg, e);
}

/* Plain --ip and --mac-address mean the first network, once each (Docker);
 * per network, the long form of --network says it. */
static int set_once(const char **slot, const char *opt, const char *key, const char *arg,
		    struct brig_err *e)
{
	if (*slot)
		return brig_errf(e, EINVAL, "%s given twice: use --network name=NET,%s for each network",
				 opt, key);
	*slot = arg;
	return 0;
}

static int set_ip(void *o, const char *arg, struct brig_err *e)
{
	return set_once(&((struct container_spec *)o)->ip, "--ip", "ip=ADDR", arg, e);
}

static int set_ip6(void *o, const char *arg, struct brig_err *e)
{
	return set_once(&((struct container_spec *)o)->ip6, "--ip6", "ip6=ADDR", arg, e);
}

static int set_mac(void *o, const char *arg, struct brig_err *e)
{
	return set_once(&((struct container_spec *)o)->mac, "--mac-address", "mac-address=MAC", arg, e);
}

static int set_dns(void *o, const char *arg, struct brig_err *e)
{
	struct container_spec *s = o;

	if (spec_check_dns(arg, e) < 0)
		return -e->code;
	return spec_list_add(&s->dns, &s->n_dns, arg, e);
}

static int set_dns_search(void *o, const char *arg, struct brig_err *e)
{
	struct container_spec *s = o;

	if (spec_check_dns_word("--dns-search", arg, e) < 0)
		return -e->code;
	return spec_list_add(&s->dns_search, &s->n_dns_search, arg, e);
}

static int set_dns_option(void *o, const char *arg, struct brig_err *e)
{
	struct container_spec *s = o;

	if (spec_check_dns_word("--dns-option", arg, e) < 0)
		return -e->code;
	return spec_list_add(&s->dns_opts, &s->n_dns_opts, arg, e);
}

static int set_add_host(void *o, const char *arg, struct brig_err *e)
{
	struct container_spec *s = o;
	char name[64];
	uint32_t ip;

	if (netspec_parse_host(arg, name, &ip, e) < 0)
		return -e->code;
	return spec_list_add(&s->add_hosts, &s->n_add_hosts, arg, e);
}

static int set_publish(void *o, const char *arg, struct brig_err *e)
{
	struct container_spec *s = o;

	if (publish_check(arg, e) < 0)
		return -e->code;
	return spec_list_add(&s->publish, &s->n_publish, arg, e);
}

static int set_sysctl(void *o, const char *arg, struct brig_err *e)
{
	struct container_spec *s = o;

	if (spec_check_sysctl(arg, e) < 0)
		return -e->code;
	return spec_list_add(&s->sysctls, &s->n_sysctls, arg, e);
}

static int set_label(void *o, const char *arg, struct brig_err *e)
{
	return spec_add_label(o, arg, e);
}

/* cap_add and cap_drop: the row's offset names which */
static int set_cap(void *bits, const char *arg, struct brig_err *e)
{
	uint64_t cap;

	if (spec_parse_cap(arg, &cap, e) < 0)
		return -e->code;
	*(uint64_t *)bits |= cap;
	return 0;
}

static int set_security_opt(void *field, const char *arg, struct brig_err *e)
{
	return secopt_parse(arg, field, e);
}

static int set_memory(void *field, const char *arg, struct brig_err *e)
{
	return spec_parse_memory(arg, proc_host_memory(), field, e);
}

static int set_memory_swap(void *field, const char *arg, struct brig_err *e)
{
	return spec_parse_memory_swap(arg, field, e);
}

static int set_cpus(void *limits, const char *arg, struct brig_err *e)
{
	return spec_parse_cpus(arg, proc_host_cpus(), limits, e);
}

static int set_cpu_shares(void *field, const char *arg, struct brig_err *e)
{
	return spec_parse_cpu_shares(arg, field, e);
}

static int set_pids_limit(void *field, const char *arg, struct brig_err *e)
{
	return spec_parse_pids_limit(arg, field, e);
}

static int set_cpuset(void *limits, const char *arg, struct brig_err *e)
{
	return spec_parse_cpuset(arg, proc_host_cpus(), limits, e);
}

/* -v, --mount, --tmpfs: a relative host path ("./r1/frr.conf") is the
 * user's, relative to where brig runs. */
static int add_mount(void *o, enum spec_mount_opt which, const char *arg, struct brig_err *e)
{
	char cwd[PATH_MAX];

	return spec_add_mount(o, which, arg, getcwd(cwd, sizeof(cwd)), e);
}

static int set_volume(void *o, const char *arg, struct brig_err *e)
{
	return add_mount(o, SPEC_VOLUME, arg, e);
}

static int set_mount(void *o, const char *arg, struct brig_err *e)
{
	return add_mount(o, SPEC_MOUNT, arg, e);
}

static int set_tmpfs(void *o, const char *arg, struct brig_err *e)
{
	return add_mount(o, SPEC_TMPFS, arg, e);
}

static int set_userns(void *o, const char *arg, struct brig_err *e)
{
	return userns_opt_mode(o, arg, e);
}

static int set_uidmap(void *o, const char *arg, struct brig_err *e)
{
	return userns_opt_map(o, false, arg, e);
}

static int set_gidmap(void *o, const char *arg, struct brig_err *e)
{
	return userns_opt_map(o, true, arg, e);
}

static const struct opt run_rows[] = {
	{ "name", 0, "NAME", "container name", opt_string, SPEC(name) },
	{ "hostname", 0, "H", "hostname (default: the short id)", opt_string, SPEC(hostname) },
	{ "env", 'e', "K=V", "set an environment variable", set_env, 0, OPT_REPEAT },
	{ "workdir", 'w', "DIR", "working directory", opt_string, SPEC(workdir) },
	{ "user", 'u', "UID[:GID]", "run as this user", opt_string, SPEC(user) },
	{ "network", 0, "N",
	  "none, host, bridge, NETWORK, container:NAME, or\n"
	  "name=NET[,ip=A][,alias=N][,mac-address=M][,gw-priority=N]\n"
	  "(repeatable; the highest gw-priority gives the default route)",
	  set_network },
	{ "net", 0, "N", "the same as --network", set_network, 0, OPT_HIDDEN },
	{ "ip", 0, "ADDR", "static address on the first network", set_ip },
	{ "ip6", 0, "ADDR", "static IPv6 address on the first (dual-stack) network", set_ip6 },
	{ "mac-address", 0, "MAC", "MAC address on the first network", set_mac },
	{ "dns", 0, "IP", "nameserver", set_dns, 0, OPT_REPEAT },
	{ "dns-search", 0, "D", "DNS search domain", set_dns_search, 0, OPT_REPEAT },
	{ "dns-option", 0, "O", "resolv.conf option", set_dns_option, 0, OPT_REPEAT },
	{ "add-host", 0, "NAME:IP", "an /etc/hosts line", set_add_host, 0, OPT_REPEAT },
	{ "publish", 'p', "[IP:]HOST:PORT",
	  "publish container PORT on HOST (0 or none: a free port);\n"
	  "ranges LO-HI; PORT/udp, PORT/sctp",
	  set_publish, 0, OPT_REPEAT },
	{ "publish-all", 'P', NULL, "publish the image's exposed ports on free host ports", opt_true,
	  SPEC(publish_all) },
	{ "entrypoint", 0, "CMD", "run CMD with the arguments after IMAGE", opt_string,
	  SPEC(entrypoint) },
	{ "sysctl", 0, "KEY=VALUE", "namespaced net.* sysctl", set_sysctl, 0, OPT_REPEAT },
	{ "cap-add", 0, "CAP", "add a capability", set_cap, SPEC(cap_add), OPT_REPEAT },
	{ "cap-drop", 0, "CAP", "drop a capability", set_cap, SPEC(cap_drop), OPT_REPEAT },
	{ "privileged", 0, NULL,
	  "every capability of the host's bounding set, the host's devices,\n"
	  "writable /proc/sys and /sys (a router that sets its own sysctls)",
	  opt_true, SPEC(privileged) },
	{ "security-opt", 0, "OPT",
	  "no-new-privileges=false (setuid binaries work again),\n"
	  "seccomp=unconfined (no syscall filter)",
	  set_security_opt, SPEC(security), OPT_REPEAT },
	{ "userns", 0, "MODE",
	  "auto: container root is a range of 65536 host ids of root's in\n"
	  "/etc/subuid and /etc/subgid; host: none (the default)",
	  set_userns },
	{ "uidmap", 0, "CID:HOSTID:SIZE", "a user namespace with this uid range",
	  set_uidmap, 0, OPT_REPEAT },
	{ "gidmap", 0, "CID:HOSTID:SIZE", "a user namespace with this gid range",
	  set_gidmap, 0, OPT_REPEAT },
	{ "label", 'l', "KEY=VALUE", "set a label on the container (KEY alone: empty)", set_label, 0,
	  OPT_REPEAT },
	{ "memory", 'm', "SIZE", "memory limit (b, k, m, g)", set_memory, LIMIT(memory) },
	{ "memory-swap", 0, "SIZE", "memory+swap limit (-1: unlimited)", set_memory_swap,
	  LIMIT(memory_swap) },
	{ "cpus", 0, "N", "CPU limit (fractional)", set_cpus, SPEC(limits) },
	{ "cpu-shares", 0, "N", "relative CPU weight", set_cpu_shares, LIMIT(cpu_shares) },
	{ "pids-limit", 0, "N", "maximum number of tasks", set_pids_limit, LIMIT(pids) },
	{ "cpuset-cpus", 0, "LIST", "CPUs allowed, e.g. 0-1,3", set_cpuset, SPEC(limits) },
	{ "cgroup-parent", 0, "P", "parent cgroup (default: brig)", opt_string,
	  SPEC(cgroup_parent) },
	{ "volume", 'v', "SRC:PATH[:ro]",
	  "bind HOSTPATH (absolute, or ./ ../; made a directory when missing),\n"
	  "or mount volume NAME (created on first use, filled from the image);\n"
	  "a lone PATH is an anonymous volume",
	  set_volume, 0, OPT_REPEAT },
	{ "mount", 0, "SPEC",
	  "type=bind|volume|tmpfs,source=S,target=PATH[,readonly]\n"
	  "[,volume-nocopy][,tmpfs-size=SIZE][,tmpfs-mode=OCTAL]",
	  set_mount, 0, OPT_REPEAT },
	{ "tmpfs", 0, "PATH[:OPTS]", "a tmpfs (size=64m,mode=1777,...; nosuid,nodev,noexec)",
	  set_tmpfs, 0, OPT_REPEAT },
	{ "read-only", 0, NULL, "mount the root filesystem read-only", opt_true, SPEC(read_only) },
	{ "rm", 0, NULL, "remove the container when it exits (and its anonymous volumes)", opt_true,
	  SPEC(rm) },
	{ "detach", 'd', NULL, "run in the background; print the id", opt_true, SPEC(detach) },
	{ "interactive", 'i', NULL, "keep stdin open", opt_true, SPEC(interactive) },
	{ "tty", 't', NULL, "give the command a pseudo-terminal", opt_true, SPEC(tty) },
	{ "init", 0, NULL, "run a tiny init as PID 1 that reaps zombies", opt_true, SPEC(init) },
	{ NULL },
};

const struct opt_spec run_spec = {
	.prog = "run",
	.usage = "brig run [OPTIONS] IMAGE|ROOTFS-DIR [CMD [ARG...]]",
	.opts = run_rows,
};

int run_parse(int argc, char **argv, struct container_spec *o, struct brig_err *e)
{
	int first = opt_parse(&run_spec, argc, argv, o, e);

	if (first <= 0)
		return first;
	if (first >= argc)
		return brig_errf(e, EINVAL, "run: missing IMAGE (see 'brig run --help')");
	o->image = argv[first];
	o->argv = argv + first + 1;
	if (spec_validate(o, e) < 0)
		return brig_err_ctx(e, "run");
	return 1;
}
