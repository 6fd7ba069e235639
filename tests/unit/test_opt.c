/* test_opt.c - src/cli/opt.c (option tables: parsing, --help, errors) and
 * the setters of `brig run` (src/cli/run_opts.c over src/engine/spec_parse.c),
 * each with good values and the exact line a bad one gives. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "opt.h"
#include "run_opts.h"
#include "spec_parse.h"

/* ---- a table of every kind of row ---- */

struct target {
	bool flag, off;
	const char *name;
	const char *list[4];
	int n_list;
	int calls;
};

static int add_item(void *t, const char *arg, struct brig_err *e)
{
	struct target *x = t;

	if (strcmp(arg, "bad") == 0)
		return brig_errf(e, EINVAL, "invalid --item '%s'", arg);
	x->list[x->n_list++] = arg;
	return 0;
}

static const struct opt rows[] = {
	{ "flag", 'f', NULL, "a flag", opt_true, offsetof(struct target, flag) },
	{ "no-off", 0, NULL, "clear off", opt_false, offsetof(struct target, off) },
	{ "name", 'n', "NAME", "a name\nover two lines", opt_string, offsetof(struct target, name) },
	{ "item", 'i', "X", "an item", add_item, 0, OPT_REPEAT },
	{ "it", 0, "X", "the same as --item", add_item, 0, OPT_HIDDEN },
	{ NULL },
};

static const struct opt_spec spec = {
	.prog = "demo",
	.usage = "brig demo [OPTIONS] ARG...",
	.about = "A command for tests.\n",
	.opts = rows,
	.needs = "argument",
};

/* Parse the words of line (space-separated, at most 15) against s. */
static int parse(const struct opt_spec *s, const char *line, void *t, struct brig_err *e,
		 char ***argv_out)
{
	static char buf[512];
	static char *argv[16];
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (char *w = strtok(buf, " "); w && argc < 15; w = strtok(NULL, " "))
		argv[argc++] = w;
	argv[argc] = NULL;
	if (argv_out)
		*argv_out = argv;
	memset(e, 0, sizeof(*e));
	return opt_parse(s, argc, argv, t, e);
}

static void parses_rows(void **state)
{
	struct target t = { .off = true };
	struct brig_err e;
	char **argv;

	(void)state;
	assert_int_equal(parse(&spec, "demo -f --no-off --name x -i a --item=b --it c op -f", &t, &e,
			       &argv),
			 10);
	assert_string_equal(argv[10], "op"); /* options end at the first operand */
	assert_true(t.flag);
	assert_false(t.off);
	assert_string_equal(t.name, "x");
	assert_int_equal(t.n_list, 3);
	assert_string_equal(t.list[0], "a");
	assert_string_equal(t.list[1], "b");
	assert_string_equal(t.list[2], "c");
	/* short options bundle; a value may follow its letter */
	memset(&t, 0, sizeof(t));
	assert_int_equal(parse(&spec, "demo -fnY -- -op", &t, &e, &argv), 3);
	assert_true(t.flag);
	assert_string_equal(t.name, "Y");
	assert_string_equal(argv[3], "-op");
}

/* The line e holds after parsing line. */
static void refused(const struct opt_spec *s, const char *line, const char *want)
{
	struct target t = { 0 };
	struct brig_err e;

	if (parse(s, line, &t, &e, NULL) != -EINVAL || strcmp(e.msg, want) != 0)
		fail_msg("'%s': want -EINVAL and '%s', got '%s'", line, want, e.msg);
}

static void one_line_errors(void **state)
{
	(void)state;
	refused(&spec, "demo --bogus x", "demo: unknown option '--bogus' (see 'brig demo --help')");
	refused(&spec, "demo --bogus=1 x",
		"demo: unknown option '--bogus' (see 'brig demo --help')");
	refused(&spec, "demo --name", "demo: option '--name' needs a value (see 'brig demo --help')");
	refused(&spec, "demo -x", "demo: invalid option '-x' or missing value (see 'brig demo --help')");
	refused(&spec, "demo -n", "demo: invalid option '-n' or missing value (see 'brig demo --help')");
	refused(&spec, "demo --flag=1 x",
		"demo: option '--flag' needs a value (see 'brig demo --help')");
	/* a setter's refusal, prefixed with the command */
	refused(&spec, "demo --item bad x", "demo: invalid --item 'bad'");
	refused(&spec, "demo -f", "demo: missing argument");
}

static void help_text(void **state)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	(void)state;
	opt_help(&spec, f);
	fclose(f);
	assert_string_equal(out, "usage: brig demo [OPTIONS] ARG...\n"
				 "\n"
				 "A command for tests.\n"
				 "\n"
				 "options:\n"
				 "  -f, --flag       a flag\n"
				 "  --no-off         clear off\n"
				 "  -n, --name NAME  a name\n"
				 "                   over two lines\n"
				 "  -i, --item X     an item (repeatable)\n");
	free(out);
}

static int nop(struct brig_ctx *c, int argc, char **argv)
{
	(void)c, (void)argc, (void)argv;
	return 0;
}

static void group_help(void **state)
{
	static const struct cli_command cmds[] = {
		{ "ls", nop, NULL, "list things" },
		{ "list", nop, NULL, NULL },
		{ "remove", nop, NULL, "remove things" },
		{ NULL },
	};
	static const struct opt_spec group = {
		.prog = "thing",
		.usage = "brig thing COMMAND [ARG...]",
		.commands = cmds,
	};
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	(void)state;
	opt_help(&group, f);
	fclose(f);
	assert_string_equal(out, "usage: brig thing COMMAND [ARG...]\n"
				 "\n"
				 "commands:\n"
				 "  ls      list things\n"
				 "  remove  remove things\n"
				 "\n"
				 "Run 'brig thing COMMAND --help' for a command's options.\n");
	free(out);
}

static void help_returns_zero(void **state)
{
	struct target t = { 0 };
	struct brig_err e;

	(void)state;
	assert_int_equal(parse(&spec, "demo --flag --help x", &t, &e, NULL), 0);
	assert_int_equal(parse(&spec, "demo -h", &t, &e, NULL), 0);
}

/* ---- the setters of brig run ---- */

/* Feed arg to run's option name on o; 0 or the error line in e. */
static int run_set(struct container_spec *o, const char *name, const char *arg, struct brig_err *e)
{
	const struct opt *r = opt_find(&run_spec, name);

	if (!r)
		fail_msg("brig run has no --%s", name);
	memset(e, 0, sizeof(*e));
	return opt_set(r, o, arg, e);
}

static void run_good(struct container_spec *o, const char *name, const char *arg)
{
	struct brig_err e;

	if (run_set(o, name, arg, &e) != 0)
		fail_msg("--%s %s: %s", name, arg, e.msg);
}

static void run_bad(const char *name, const char *arg, const char *want)
{
	struct container_spec o = { 0 };
	struct brig_err e;

	if (run_set(&o, name, arg, &e) >= 0 || strcmp(e.msg, want) != 0)
		fail_msg("--%s %s: want '%s', got '%s'", name, arg, want, e.msg);
	spec_lists_free(&o);
}

static void run_cpus(void **state)
{
	struct container_spec o = { 0 };
	char want[128];
	int n = (int)sysconf(_SC_NPROCESSORS_ONLN);

	(void)state;
	run_good(&o, "cpus", "0.5");
	assert_int_equal(o.limits.cpu_period, 100000);
	assert_int_equal(o.limits.cpu_quota, 50000);
	run_good(&o, "cpus", "0.01");
	assert_int_equal(o.limits.cpu_quota, 1000);
	run_bad("cpus", "0", "invalid --cpus '0': must be a number above 0");
	run_bad("cpus", "-1", "invalid --cpus '-1': must be a number above 0");
	run_bad("cpus", "1x", "invalid --cpus '1x': must be a number above 0");
	run_bad("cpus", "0.001", "invalid --cpus '0.001': minimum is 0.01");
	snprintf(want, sizeof(want), "invalid --cpus '100000': the host has %d CPUs", n);
	run_bad("cpus", "100000", want);
}

static void run_memory(void **state)
{
	struct container_spec o = { 0 };

	(void)state;
	run_good(&o, "memory", "64m");
	assert_int_equal(o.limits.memory, 64 << 20);
	run_good(&o, "memory-swap", "128m");
	assert_int_equal(o.limits.memory_swap, 128 << 20);
	run_good(&o, "memory-swap", "-1");
	assert_int_equal(o.limits.memory_swap, -1);
	run_bad("memory", "1m", "--memory 1m: minimum is 6m");
	run_bad("memory", "4000000g", "--memory 4000000g: more than the host's memory");
	run_bad("memory", "lots", "--memory: invalid size 'lots': expected a number");
	run_bad("memory-swap", "0", "--memory-swap: invalid size '0': must be at least 1 byte");
}

static void run_counts(void **state)
{
	struct container_spec o = { 0 };

	(void)state;
	run_good(&o, "pids-limit", "100");
	assert_int_equal(o.limits.pids, 100);
	run_good(&o, "pids-limit", "0");
	assert_int_equal(o.limits.pids, -1);
	run_good(&o, "pids-limit", "-1");
	assert_int_equal(o.limits.pids, -1);
	run_bad("pids-limit", "many", "invalid --pids-limit 'many': 1..4194304, or -1");
	run_bad("pids-limit", "4194305", "invalid --pids-limit '4194305': 1..4194304, or -1");
	run_good(&o, "cpu-shares", "512");
	assert_int_equal(o.limits.cpu_shares, 512);
	run_bad("cpu-shares", "1", "invalid --cpu-shares '1': 2..262144");
	run_good(&o, "cpuset-cpus", "0");
	assert_string_equal(o.limits.cpuset, "0");
	run_bad("cpuset-cpus", "", "--cpuset-cpus: cpuset: empty list");
}

static void run_sysctl(void **state)
{
	struct container_spec o = { 0 };

	(void)state;
	run_good(&o, "sysctl", "net.ipv4.ip_forward=1");
	run_good(&o, "sysctl", "net.ipv6.conf.all.disable_ipv6=0");
	assert_int_equal(o.n_sysctls, 2);
	assert_string_equal(o.sysctls[1], "net.ipv6.conf.all.disable_ipv6=0");
	assert_null(o.sysctls[2]);
	run_bad("sysctl", "kernel.pid_max=10",
		"invalid --sysctl 'kernel.pid_max=10': only namespaced net.KEY=VALUE is allowed");
	run_bad("sysctl", "net.ipv4", "invalid --sysctl 'net.ipv4': only namespaced net.KEY=VALUE is allowed");
	run_bad("sysctl", "net.a/../b=1",
		"invalid --sysctl 'net.a/../b=1': only namespaced net.KEY=VALUE is allowed");
	run_bad("sysctl", "net.a=1\nkernel.b=2",
		"invalid --sysctl: control character in 'net.a=1'");
	spec_lists_free(&o);
}

static void run_caps_env(void **state)
{
	struct container_spec o = { 0 };

	(void)state;
	run_good(&o, "cap-add", "NET_ADMIN");
	run_good(&o, "cap-add", "CAP_SYS_TIME");
	run_good(&o, "cap-drop", "net_raw");
	assert_int_equal(o.cap_add, (1ULL << 12) | (1ULL << 25));
	assert_int_equal(o.cap_drop, 1ULL << 13);
	run_bad("cap-add", "FLY", "unknown capability 'FLY'");
	run_good(&o, "env", "A=1");
	run_good(&o, "env", "B");
	assert_int_equal(o.n_env, 2);
	assert_string_equal(o.env[0], "A=1");
	assert_string_equal(o.env[1], "B");
	assert_null(o.env[2]);
	spec_lists_free(&o);
}

static void run_dns(void **state)
{
	struct container_spec o = { 0 };

	(void)state;
	run_good(&o, "dns", "10.0.0.53");
	run_good(&o, "dns-search", "lab.example");
	run_good(&o, "dns-option", "ndots:2");
	run_good(&o, "add-host", "db:10.1.2.3");
	assert_int_equal(o.n_dns + o.n_dns_search + o.n_dns_opts + o.n_add_hosts, 4);
	run_bad("dns", "ns1", "invalid --dns 'ns1': invalid IPv4 address 'ns1'");
	run_bad("dns-search", "a b", "invalid --dns-search 'a b'");
	run_bad("dns-option", "", "invalid --dns-option ''");
	run_bad("add-host", "nocolon", "invalid --add-host 'nocolon': want NAME:IP");
	spec_lists_free(&o);
}

static void run_networks(void **state)
{
	struct container_spec o = { 0 };
	struct brig_err e;

	(void)state;
	run_good(&o, "network", "lab");
	run_good(&o, "net", "name=wan,ip=10.0.0.5,gw-priority=1");
	assert_int_equal(o.n_nets, 2);
	assert_string_equal(o.nets[0].name, "lab");
	assert_string_equal(o.nets[1].name, "wan");
	assert_int_equal(o.nets[1].gw_priority, 1);
	for (int i = 2; i < MAX_NETS; i++)
		run_good(&o, "network", "x");
	assert_int_equal(run_set(&o, "network", "one-too-many", &e), -E2BIG);
	assert_string_equal(e.msg, "at most 8 networks per container");
	run_bad("network", "name=lab,bogus=1",
		"--network name=lab,bogus=1: unknown key 'bogus' (name, ip, ip6, alias, mac-address, gw-priority)");
	run_bad("network", "bad!name", "--network: invalid network name 'bad!name'");
	memset(&o, 0, sizeof(o));
	run_good(&o, "ip", "10.0.0.9");
	assert_int_equal(run_set(&o, "ip", "10.0.0.10", &e), -EINVAL);
	assert_string_equal(e.msg, "--ip given twice: use --network name=NET,ip=ADDR for each network");
	run_good(&o, "mac-address", "02:42:0a:00:00:05");
	assert_int_equal(run_set(&o, "mac-address", "02:42:0a:00:00:06", &e), -EINVAL);
	assert_string_equal(e.msg, "--mac-address given twice: use --network name=NET,mac-address=MAC "
				   "for each network");
}

/* The whole of run's parsing: options, image, command, spec_validate. */
static int run_line(const char *line, struct container_spec *o, struct brig_err *e)
{
	static char buf[512];
	static char *argv[24];
	int argc = 0;

	snprintf(buf, sizeof(buf), "%s", line);
	for (char *w = strtok(buf, " "); w && argc < 23; w = strtok(NULL, " "))
		argv[argc++] = w;
	argv[argc] = NULL;
	memset(o, 0, sizeof(*o));
	memset(e, 0, sizeof(*e));
	return run_parse(argc, argv, o, e);
}

static void run_whole(void **state)
{
	struct container_spec o;
	struct brig_err e;

	(void)state;
	assert_int_equal(run_line("run -d --rm -e A=1 --name web --ip 10.1.0.7 busybox sleep 9", &o, &e), 1);
	assert_true(o.detach);
	assert_true(o.rm);
	assert_string_equal(o.name, "web");
	assert_string_equal(o.image, "busybox");
	assert_string_equal(o.argv[0], "sleep");
	assert_string_equal(o.argv[1], "9");
	assert_int_equal(o.n_nets, 1); /* none given: the default network */
	assert_string_equal(o.nets[0].name, "bridge");
	assert_int_equal(o.nets[0].ip, (10u << 24) | (1 << 16) | 7);
	spec_lists_free(&o);

	/* No command: the image's Entrypoint and Cmd may give one (checked
	 * when the container is created). */
	assert_int_equal(run_line("run busybox", &o, &e), 1);
	assert_null(o.argv[0]);
	spec_lists_free(&o);
	assert_int_equal(run_line("run --name x", &o, &e), -EINVAL);
	assert_string_equal(e.msg, "run: missing IMAGE (see 'brig run --help')");
	assert_int_equal(run_line("run --memory-swap 1g busybox true", &o, &e), -EINVAL);
	assert_string_equal(e.msg, "run: --memory-swap needs --memory");
	assert_int_equal(run_line("run --net host --net lab busybox true", &o, &e), -EINVAL);
	assert_string_equal(e.msg, "run: --net host cannot be combined with other networks");
	assert_int_equal(run_line("run --net host --ip 10.0.0.1 busybox true", &o, &e), -EINVAL);
	assert_string_equal(e.msg, "run: --ip and --mac-address need a bridge network, not host");
	assert_int_equal(run_line("run --cpus 0 busybox true", &o, &e), -EINVAL);
	assert_string_equal(e.msg, "run: invalid --cpus '0': must be a number above 0");
	assert_int_equal(run_line("run --bogus busybox true", &o, &e), -EINVAL);
	assert_string_equal(e.msg, "run: unknown option '--bogus' (see 'brig run --help')");
	spec_lists_free(&o);
}

/* -v, --mount, --tmpfs and --read-only through run's table: a relative
 * host path is brig's working directory's; a refusal names the option. */
static void run_mounts(void **state)
{
	struct container_spec o;
	struct brig_err e;
	char cwd[PATH_MAX], want[PATH_MAX + 16];

	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(run_line("run --read-only -v ./r1:/etc/frr:ro --mount type=volume,src=data,dst=/data "
				  "--tmpfs /run:size=1m -v /cache busybox true", &o, &e), 1);
	assert_true(o.read_only);
	assert_int_equal(o.n_mounts, 4);
	snprintf(want, sizeof(want), "%s/r1", strcmp(cwd, "/") ? cwd : "");
	assert_string_equal(o.mounts[0].source, want);
	assert_true(o.mounts[0].readonly);
	assert_string_equal(o.mounts[1].source, "data");
	assert_string_equal(o.mounts[2].options, "nosuid,nodev,noexec,size=1048576");
	assert_true(o.mounts[3].anonymous);
	spec_lists_free(&o);

	assert_int_equal(run_line("run -v r1/frr.conf:/etc/frr/frr.conf busybox true", &o, &e), -EINVAL);
	assert_string_equal(e.msg, "run: invalid volume specification 'r1/frr.conf:/etc/frr/frr.conf': "
				   "a host path must be absolute or start with ./ or ../");
	spec_lists_free(&o);
	assert_int_equal(run_line("run -v /a:/x --tmpfs /x busybox true", &o, &e), -EINVAL);
	assert_string_equal(e.msg, "run: duplicate mount point: /x");
	spec_lists_free(&o);
	assert_int_equal(run_line("run --mount type=bind,dst=/x busybox true", &o, &e), -EINVAL);
	assert_string_equal(e.msg, "run: invalid mount config for type \"bind\": field source must not be empty");
	spec_lists_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_rows),   cmocka_unit_test(one_line_errors),
		cmocka_unit_test(help_text),     cmocka_unit_test(group_help),
		cmocka_unit_test(help_returns_zero), cmocka_unit_test(run_cpus),
		cmocka_unit_test(run_memory),    cmocka_unit_test(run_counts),
		cmocka_unit_test(run_sysctl),    cmocka_unit_test(run_caps_env),
		cmocka_unit_test(run_dns),       cmocka_unit_test(run_networks),
		cmocka_unit_test(run_whole), cmocka_unit_test(run_mounts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
