/* cmd_run.c - brig run: parse, validate, create, start, wait. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "cleanup.h"
#include "container.h"
#include "monitor.h"
#include "tty.h"

static const char usage_text[] =
	"usage: brig run [OPTIONS] IMAGE|ROOTFS-DIR [CMD [ARG...]]\n"
	"  --name NAME          container name\n"
	"  --hostname H         hostname (default: the short id)\n"
	"  -e, --env K=V        set an environment variable (repeatable)\n"
	"  -w, --workdir DIR    working directory\n"
	"  -u, --user UID[:GID] run as this user\n"
	"  --net, --network N   none, host, bridge, NETWORK, container:NAME, or\n"
	"                       name=NET[,ip=A][,alias=N][,mac-address=M][,gw-priority=N]\n"
	"                       (repeatable; the highest gw-priority gives the default route)\n"
	"  --ip ADDR            static address on the first network\n"
	"  --mac-address MAC    MAC address on the first network\n"
	"  --dns IP             nameserver (repeatable)\n"
	"  --dns-search D       DNS search domain (repeatable)\n"
	"  --dns-option O       resolv.conf option (repeatable)\n"
	"  --add-host NAME:IP   an /etc/hosts line (repeatable)\n"
	"  --entrypoint CMD     run CMD with the arguments after IMAGE\n"
	"  --sysctl KEY=VALUE   namespaced net.* sysctl (repeatable)\n"
	"  --cap-add CAP        add a capability;  --cap-drop CAP  drop one\n"
	"  -m, --memory SIZE    memory limit (b, k, m, g)\n"
	"  --memory-swap SIZE   memory+swap limit (-1: unlimited)\n"
	"  --cpus N             CPU limit (fractional)\n"
	"  --cpu-shares N       relative CPU weight\n"
	"  --pids-limit N       maximum number of tasks\n"
	"  --cpuset-cpus LIST   CPUs allowed, e.g. 0-1,3\n"
	"  --cgroup-parent P    parent cgroup (default: brig)\n"
	"  --rm                 remove the container when it exits\n"
	"  -d, --detach         run in the background; print the id\n"
	"  -i, --interactive    keep stdin open\n"
	"  -t, --tty            give the command a pseudo-terminal\n"
	"  --init               run a tiny init as PID 1 that reaps zombies\n";

enum {
	OPT_NAME = 256, OPT_HOSTNAME, OPT_NET, OPT_IP, OPT_SYSCTL, OPT_CAP_ADD, OPT_CAP_DROP,
	OPT_RM, OPT_MEMORY_SWAP, OPT_CPUS, OPT_CPU_SHARES, OPT_PIDS, OPT_CPUSET, OPT_CGPARENT,
	OPT_INIT, OPT_MAC, OPT_DNS, OPT_DNS_SEARCH, OPT_DNS_OPT, OPT_ADD_HOST, OPT_ENTRYPOINT,
};

static const struct option run_options[] = {
	{ "name", required_argument, NULL, OPT_NAME },
	{ "hostname", required_argument, NULL, OPT_HOSTNAME },
	{ "env", required_argument, NULL, 'e' },
	{ "workdir", required_argument, NULL, 'w' },
	{ "user", required_argument, NULL, 'u' },
	{ "net", required_argument, NULL, OPT_NET },
	{ "network", required_argument, NULL, OPT_NET },
	{ "ip", required_argument, NULL, OPT_IP },
	{ "mac-address", required_argument, NULL, OPT_MAC },
	{ "dns", required_argument, NULL, OPT_DNS },
	{ "dns-search", required_argument, NULL, OPT_DNS_SEARCH },
	{ "dns-option", required_argument, NULL, OPT_DNS_OPT },
	{ "add-host", required_argument, NULL, OPT_ADD_HOST },
	{ "entrypoint", required_argument, NULL, OPT_ENTRYPOINT },
	{ "sysctl", required_argument, NULL, OPT_SYSCTL },
	{ "cap-add", required_argument, NULL, OPT_CAP_ADD },
	{ "cap-drop", required_argument, NULL, OPT_CAP_DROP },
	{ "memory", required_argument, NULL, 'm' },
	{ "memory-swap", required_argument, NULL, OPT_MEMORY_SWAP },
	{ "cpus", required_argument, NULL, OPT_CPUS },
	{ "cpu-shares", required_argument, NULL, OPT_CPU_SHARES },
	{ "pids-limit", required_argument, NULL, OPT_PIDS },
	{ "cpuset-cpus", required_argument, NULL, OPT_CPUSET },
	{ "cgroup-parent", required_argument, NULL, OPT_CGPARENT },
	{ "rm", no_argument, NULL, OPT_RM },
	{ "detach", no_argument, NULL, 'd' },
	{ "interactive", no_argument, NULL, 'i' },
	{ "tty", no_argument, NULL, 't' },
	{ "init", no_argument, NULL, OPT_INIT },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int push(char ***v, size_t *n, char *s)
{
	char **nv = realloc(*v, (*n + 2) * sizeof(**v));

	if (!nv)
		return -ENOMEM;
	nv[(*n)++] = s;
	nv[*n] = NULL;
	*v = nv;
	return 0;
}

/* --cpus 0.5 -> quota 50000 of period 100000 */
static int parse_cpus(const char *s, struct cgroup_limits *l, int ncpus, struct brig_err *e)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || !(v > 0))
		return brig_errf(e, EINVAL, "invalid --cpus '%s': must be a number above 0", s);
	if (v > ncpus)
		return brig_errf(e, EINVAL, "invalid --cpus '%s': the host has %d CPUs", s, ncpus);
	l->cpu_period = 100000;
	l->cpu_quota = (uint64_t)(v * 100000 + 0.5);
	if (l->cpu_quota < 1000)
		return brig_errf(e, EINVAL, "invalid --cpus '%s': minimum is 0.01", s);
	return 0;
}

static int parse_sysctl(const char *kv, struct brig_err *e)
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

static int add_network(struct container_spec *o, const char *arg, struct brig_err *e)
{
	if (o->n_nets == MAX_NETS)
		return brig_errf(e, E2BIG, "at most %d networks per container", MAX_NETS);
	return netspec_parse(arg, &o->nets[o->n_nets++], e);
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

static int check_dns(const char *arg, struct brig_err *e)
{
	return netspec_check_dns(arg, e);
}

static int check_dns_word(const char *opt, const char *arg, struct brig_err *e)
{
	if (!*arg || strlen(arg) > 253 || strpbrk(arg, " \t\r\n#;"))
		return brig_errf(e, EINVAL, "invalid %s '%s'", opt, arg);
	return 0;
}

/* One option; returns 0 or a negative errno with e filled. */
static int apply_option(struct container_spec *o, int opt, char *arg, struct brig_err *e)
{
	int ncpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
	uint64_t v = 0, cap;
	int64_t size;

	switch (opt) {
	case OPT_NAME: o->name = arg; return 0;
	case OPT_HOSTNAME: o->hostname = arg; return 0;
	case 'w': o->workdir = arg; return 0;
	case 'u': o->user = arg; return 0;
	case OPT_IP: return set_once(&o->ip, "--ip", "ip=ADDR", arg, e);
	case OPT_MAC: return set_once(&o->mac, "--mac-address", "mac-address=MAC", arg, e);
	case OPT_ENTRYPOINT: o->entrypoint = arg; return 0;
	case OPT_DNS:
		return check_dns(arg, e) < 0 ? -e->code : push(&o->dns, &o->n_dns, arg);
	case OPT_DNS_SEARCH:
		return check_dns_word("--dns-search", arg, e) < 0
			       ? -e->code : push(&o->dns_search, &o->n_dns_search, arg);
	case OPT_DNS_OPT:
		return check_dns_word("--dns-option", arg, e) < 0
			       ? -e->code : push(&o->dns_opts, &o->n_dns_opts, arg);
	case OPT_ADD_HOST: {
		char name[64];
		uint32_t ip;
		return netspec_parse_host(arg, name, &ip, e) < 0
			       ? -e->code : push(&o->add_hosts, &o->n_add_hosts, arg);
	}
	case OPT_RM: o->rm = true; return 0;
	case 'd': o->detach = true; return 0;
	case 'i': o->interactive = true; return 0;
	case 't': o->tty = true; return 0;
	case OPT_INIT: o->init = true; return 0;
	case OPT_CGPARENT: o->cgroup_parent = arg; return 0;
	case 'e': return push(&o->env, &o->n_env, arg);
	case OPT_NET: return add_network(o, arg, e);
	case OPT_SYSCTL:
		return parse_sysctl(arg, e) < 0 ? -e->code : push(&o->sysctls, &o->n_sysctls, arg);
	case OPT_CAP_ADD:
	case OPT_CAP_DROP:
		if (spawn_parse_cap(arg, &cap, e) < 0)
			return -e->code;
		*(opt == OPT_CAP_ADD ? &o->cap_add : &o->cap_drop) |= cap;
		return 0;
	case 'm':
		if (parse_size(arg, &size, e) < 0)
			return brig_err_ctx(e, "--memory");
		if (size < 6 * 1024 * 1024)
			return brig_errf(e, EINVAL, "--memory %s: minimum is 6m", arg);
		/* A limit above physical memory limits nothing: surely a typo. */
		if (size / sysconf(_SC_PAGESIZE) > sysconf(_SC_PHYS_PAGES))
			return brig_errf(e, EINVAL, "--memory %s: more than the host's memory", arg);
		o->limits.memory = size;
		return 0;
	case OPT_MEMORY_SWAP:
		if (strcmp(arg, "-1") == 0) {
			o->limits.memory_swap = -1;
			return 0;
		}
		if (parse_size(arg, &size, e) < 0)
			return brig_err_ctx(e, "--memory-swap");
		o->limits.memory_swap = size;
		return 0;
	case OPT_CPUS: return parse_cpus(arg, &o->limits, ncpus, e);
	case OPT_CPU_SHARES:
		if (parse_uint(arg, 262144, &v, e) < 0 || v < 2)
			return brig_errf(e, EINVAL, "invalid --cpu-shares '%s': 2..262144", arg);
		o->limits.cpu_shares = v;
		return 0;
	case OPT_PIDS:
		/* -1 and 0 mean unlimited, as in Docker (pids.max = max) */
		if (!strcmp(arg, "-1") || !strcmp(arg, "0")) {
			o->limits.pids = -1;
			return 0;
		}
		if (parse_uint(arg, 4194304, &v, e) < 0)
			return brig_errf(e, EINVAL, "invalid --pids-limit '%s': 1..4194304, or -1", arg);
		o->limits.pids = (int64_t)v;
		return 0;
	case OPT_CPUSET:
		if (cgroup_parse_cpuset(arg, ncpus, o->limits.cpuset, sizeof(o->limits.cpuset), e) < 0)
			return brig_err_ctx(e, "--cpuset-cpus");
		return 0;
	}
	return brig_errf(e, EINVAL, "see 'brig run --help'");
}

static int validate(struct container_spec *o, struct brig_err *e)
{
	if (o->limits.memory_swap > 0 && o->limits.memory_swap < o->limits.memory)
		return brig_errf(e, EINVAL, "--memory-swap must be at least --memory");
	if (o->limits.memory_swap && !o->limits.memory)
		return brig_errf(e, EINVAL, "--memory-swap needs --memory");
	if (o->hostname && !valid_name(o->hostname))
		return brig_errf(e, EINVAL, "invalid --hostname '%s'", o->hostname);
	if (netspec_settle(o->nets, &o->n_nets, o->ip, o->mac, e) < 0)
		return -e->code;
	if (!o->entrypoint && !o->argv[0])
		return brig_errf(e, EINVAL, "run: no command specified");
	if (o->entrypoint && !*o->entrypoint)
		return brig_errf(e, EINVAL, "run: --entrypoint is empty");
	return 0;
}

static int parse_args(int argc, char **argv, struct container_spec *o, struct brig_err *e)
{
	int opt;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "+e:w:u:m:hdit", run_options, NULL)) != -1) {
		if (opt == 'h') {
			fputs(usage_text, stdout);
			exit(0);
		}
		if (opt == '?')
			return brig_errf(e, EINVAL, "run: %s (see 'brig run --help')", brig_bad_option(argv));
		if (apply_option(o, opt, optarg, e) < 0)
			return -e->code;
	}
	if (optind >= argc)
		return brig_errf(e, EINVAL, "run: missing IMAGE (see 'brig run --help')");
	o->image = argv[optind++];
	o->argv = argv + optind;
	return validate(o, e);
}

/* ---- foreground: forward signals, wait ---- */

static volatile sig_atomic_t child_pid;

static void forward(int sig)
{
	if (child_pid > 0)
		kill((pid_t)child_pid, sig);
}

static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };

static void forward_signals(pid_t pid)
{
	struct sigaction sa = { .sa_handler = forward };

	child_pid = pid;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		sigaction(forwarded[i], &sa, NULL);
}

/* -d: the monitor runs it; print the id once the command started. */
static int run_detached(struct brig_ctx *c, struct container *ct)
{
	struct brig_err e;
	int code;

	if (monitor_launch(c, ct, &code, &e) < 0) {
		brig_report(&e);
		return code;
	}
	puts(ct->id);
	return 0;
}

/* Foreground with -t: our terminal raw, relayed to the container's pty. */
static int run_tty(struct brig_ctx *c, struct container *ct, bool interactive)
{
	enum spawn_stage stage;
	struct brig_err e;

	term_size(STDIN_FILENO, &ct->rows, &ct->cols);
	if (container_start(c, ct, &stage, &e) < 0) {
		brig_report(&e);
		return container_start_failed(c, ct, stage, e.code);
	}
	if (interactive)
		term_raw(STDIN_FILENO);
	container_tty_relay(ct->pty_master, interactive ? STDIN_FILENO : -1, STDOUT_FILENO, false);
	term_restore();
	return container_finish(c, ct, container_wait(ct->pid));
}

static int run_foreground(struct brig_ctx *c, struct container *ct)
{
	enum spawn_stage stage;
	struct brig_err e;

	if (container_start(c, ct, &stage, &e) < 0) {
		brig_report(&e);
		/* 125 leaves no record; 126 and 127 are the command's own status */
		return container_start_failed(c, ct, stage, e.code);
	}
	forward_signals(ct->pid);
	return container_finish(c, ct, container_wait(ct->pid));
}

int cmd_run(struct brig_ctx *c, int argc, char **argv)
{
	struct container_spec o = { 0 };
	struct container ct;
	struct brig_err e;
	int code;

	if (parse_args(argc, argv, &o, &e) < 0 || container_create(c, &o, &ct, &e) < 0) {
		brig_report(&e);
		code = EXIT_BRIG;
	} else {
		if (o.detach)
			code = run_detached(c, &ct);
		else if (o.tty)
			code = run_tty(c, &ct, o.interactive);
		else
			code = run_foreground(c, &ct);
		container_free(&ct);
	}
	free(o.env);
	free(o.sysctls);
	free(o.dns);
	free(o.dns_search);
	free(o.dns_opts);
	free(o.add_hosts);
	return code;
}
