/* cmd_network.c - brig network create | ls | inspect | rm */
#include <getopt.h>
#include <string.h>

#include "cli.h"
#include "cleanup.h"
#include "container.h"
#include "network.h"
#include "parse.h"
#include "state.h"

static int net_create(struct brig_ctx *c, int argc, char **argv, struct brig_err *e)
{
	static const struct option opts[] = {
		{ "subnet", required_argument, NULL, 's' }, { "gateway", required_argument, NULL, 'g' },
		{ "bridge", required_argument, NULL, 'b' }, { "internal", no_argument, NULL, 'i' },
		{ "mtu", required_argument, NULL, 'm' },    { "help", no_argument, NULL, 'h' },
		{ "no-gateway", no_argument, NULL, 'n' },
		{ "ipam", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct net_network n = { 0 };
	const char *subnet = NULL;
	uint64_t mtu;
	int opt;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (opt) {
		case 's': subnet = optarg; break;
		case 'g':
			if (net_parse_ip(optarg, &n.gateway, e) < 0)
				return brig_err_ctx(e, "--gateway");
			break;
		case 'b': snprintf(n.bridge, sizeof(n.bridge), "%s", optarg); break;
		case 'i': n.internal = true; break;
		case 'n': n.no_gateway = true; break;
		case 'p':
			if (strcmp(optarg, "none") != 0 && strcmp(optarg, "default") != 0)
				return brig_errf(e, EINVAL, "invalid --ipam '%s': none or default", optarg);
			n.ipam_none = !strcmp(optarg, "none");
			break;
		case 'm':
			if (parse_uint(optarg, 65535, &mtu, e) < 0 || mtu < 68)
				return brig_errf(e, EINVAL, "invalid --mtu '%s': 68..65535", optarg);
			n.mtu = (int)mtu;
			break;
		case 'h':
			puts("usage: brig network create --subnet CIDR [--gateway IP | --no-gateway] "
			     "[--bridge DEV] [--internal] [--mtu N] NAME\n"
			     "       brig network create --ipam none [--bridge DEV] [--internal] [--mtu N] NAME\n"
			     "  --no-gateway  a layer-2 segment: the bridge has no address, no NAT,\n"
			     "                no default route through it (containers still get leases)\n"
			     "  --ipam none   a layer-2 segment without addresses: containers get an\n"
			     "                interface and configure it themselves\n"
			     "  --internal    no traffic off the bridge, no default route through it");
			exit(0);
		default: return brig_errf(e, EINVAL, "network create: %s (see 'brig network create --help')", brig_bad_option(argv));
		}
	}
	if (optind != argc - 1)
		return brig_errf(e, EINVAL, "network create: expected one NAME");
	if (!valid_name(argv[optind]))
		return brig_errf(e, EINVAL,
				 "network name '%.64s%s': must match [a-zA-Z0-9][a-zA-Z0-9_.-]*, at most 63 characters",
				 argv[optind], strlen(argv[optind]) > 64 ? "..." : "");
	snprintf(n.name, sizeof(n.name), "%s", argv[optind]);
	if (n.ipam_none && (subnet || n.gateway))
		return brig_errf(e, EINVAL, "network create: --ipam none takes no --subnet or --gateway");
	if (!subnet && !n.ipam_none)
		return brig_errf(e, EINVAL, "network create: --subnet is required");
	if (subnet && net_parse_cidr(subnet, &n.subnet, &n.prefix, e) < 0)
		return brig_err_ctx(e, "--subnet");
	if (!*n.bridge)
		snprintf(n.bridge, sizeof(n.bridge), "br-%.12s", n.name);
	if (n.no_gateway && n.gateway)
		return brig_errf(e, EINVAL, "network create: --gateway and --no-gateway conflict");
	if (network_create(c, &n, e) < 0)
		return -e->code;
	puts(n.name);
	return 0;
}

static json_t *net_json(const struct brig_ctx *c, const struct net_network *n)
{
	char g[16], subnet[24];
	char **ids = NULL;
	struct brig_err e;
	json_t *members = json_array();

	net_cidr_str(n, subnet);
	if (state_list(c, &ids, &e) == 0) {
		for (char **p = ids; *p; p++) {
			struct container_spec cfg;
			struct container_state st;
			const struct container_net *x;
			char addr[16], mac[18];
			if (state_load(c, *p, &cfg, &st, &e) == 0 &&
			    strcmp(container_status(&st), "running") == 0 &&
			    (x = container_attachment(&st, n->name, NULL)))
				json_array_append_new(members,
						      json_pack("{s:s,s:s,s:s,s:s}", "id", *p, "name", cfg.name,
								"address", x->address ? net_ip_str(x->address, addr) : "",
								"mac", netspec_mac_str(x->mac, mac)));
			spec_free(&cfg);
		}
		state_list_free(ids);
	}
	return json_pack("{s:s,s:s,s:s,s:s,s:i,s:b,s:b,s:s,s:o}", "name", n->name, "bridge",
			 n->bridge, "subnet", subnet, "gateway",
			 n->no_gateway ? "" : net_ip_str(n->gateway, g), "mtu", n->mtu, "internal",
			 n->internal, "no_gateway", n->no_gateway, "ipam",
			 n->ipam_none ? "none" : "default", "containers", members);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct net_network *)a)->name, ((const struct net_network *)b)->name);
}

static void ls_row(const struct net_network *n, char row[5][64])
{
	char a[20];

	snprintf(row[0], 64, "%s", n->name);
	snprintf(row[1], 64, "%s", n->bridge);
	snprintf(row[2], 64, "%s", n->ipam_none ? "-" : net_cidr_str(n, a));
	snprintf(row[3], 64, "%s", n->no_gateway ? "-" : net_ip_str(n->gateway, a));
	snprintf(row[4], 64, "%s", n->internal ? "yes" : "no");
}

/* A table sorted by name, each column as wide as its widest cell. */
static void ls_table(const struct net_network *all, size_t n)
{
	static const char *const head[5] = { "NAME", "BRIDGE", "SUBNET", "GATEWAY", "INTERNAL" };
	int w[5];
	char row[5][64];

	for (int k = 0; k < 5; k++)
		w[k] = (int)strlen(head[k]);
	for (size_t i = 0; i < n; i++) {
		ls_row(&all[i], row);
		for (int k = 0; k < 5; k++)
			w[k] = (int)strlen(row[k]) > w[k] ? (int)strlen(row[k]) : w[k];
	}
	printf("%-*s   %-*s   %-*s   %-*s   %s\n", w[0], head[0], w[1], head[1], w[2], head[2],
	       w[3], head[3], head[4]);
	for (size_t i = 0; i < n; i++) {
		ls_row(&all[i], row);
		printf("%-*s   %-*s   %-*s   %-*s   %s\n", w[0], row[0], w[1], row[1], w[2], row[2],
		       w[3], row[3], row[4]);
	}
}

/* ls [--format table|json] */
static int net_ls(struct brig_ctx *c, int argc, char **argv, struct brig_err *e)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	cleanup_free struct net_network *all = NULL;
	bool json = false;
	json_t *out;
	size_t n;
	int opt;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (opt == 'h') {
			puts("usage: brig network ls [--format table|json]");
			exit(0);
		}
		if (opt != 'f')
			return brig_errf(e, EINVAL, "network ls: %s (see 'brig network ls --help')",
					 brig_bad_option(argv));
		if (strcmp(optarg, "json") && strcmp(optarg, "table"))
			return brig_errf(e, EINVAL, "network ls: --format must be table or json");
		json = strcmp(optarg, "json") == 0;
	}
	if (optind != argc)
		return brig_errf(e, EINVAL, "network ls: unexpected argument '%s'", argv[optind]);
	if (network_list(c, &all, &n, e) < 0)
		return -e->code;
	qsort(all, n, sizeof(*all), by_name);
	if (!json) {
		ls_table(all, n);
		return 0;
	}
	out = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(out, net_json(c, &all[i]));
	json_dumpf(out, stdout, JSON_INDENT(2));
	putchar('\n');
	json_decref(out);
	return 0;
}

static int net_inspect(struct brig_ctx *c, int argc, char **argv, struct brig_err *e)
{
	json_t *out = json_array();
	int r = 0;

	for (int i = 1; i < argc; i++) {
		struct net_network n;
		if (network_load(c, argv[i], &n, e) < 0) {
			r = -e->code;
			break;
		}
		json_array_append_new(out, net_json(c, &n));
	}
	if (r == 0) {
		json_dumpf(out, stdout, JSON_INDENT(2));
		putchar('\n');
	}
	json_decref(out);
	return r;
}

static int net_rm(struct brig_ctx *c, int argc, char **argv, struct brig_err *e)
{
	for (int i = 1; i < argc; i++) {
		if (network_remove(c, argv[i], e) < 0)
			return -e->code;
		puts(argv[i]);
	}
	return 0;
}

/* connect [--ip ADDR] NETWORK NAME */
static int net_connect(struct brig_ctx *c, int argc, char **argv, struct brig_err *e)
{
	static const struct option opts[] = {
		{ "ip", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *ip = NULL;
	int opt;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (opt == 'i') {
			ip = optarg;
		} else if (opt == 'h') {
			puts("usage: brig network connect [--ip ADDR] NETWORK NAME");
			exit(0);
		} else {
			return brig_errf(e, EINVAL, "network connect: %s (see 'brig network connect --help')", brig_bad_option(argv));
		}
	}
	if (argc - optind != 2)
		return brig_errf(e, EINVAL, "network connect: expected NETWORK NAME");
	return container_connect(c, argv[optind + 1], argv[optind], ip, e);
}

static int net_disconnect(struct brig_ctx *c, int argc, char **argv, struct brig_err *e)
{
	if (argc != 3)
		return brig_errf(e, EINVAL, "network disconnect: expected NETWORK NAME");
	return container_disconnect(c, argv[2], argv[1], e);
}

static const struct {
	const char *name;
	int (*fn)(struct brig_ctx *c, int argc, char **argv, struct brig_err *e);
} subcommands[] = {
	{ "create", net_create },   { "ls", net_ls },		      { "inspect", net_inspect },
	{ "rm", net_rm },	    { "connect", net_connect }, { "disconnect", net_disconnect },
};

int cmd_network(struct brig_ctx *c, int argc, char **argv)
{
	struct brig_err e;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		puts("usage: brig network create|ls|inspect|rm|connect|disconnect ...");
		return argc < 2 ? EXIT_BRIG : 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(subcommands); i++) {
		if (strcmp(argv[1], subcommands[i].name) == 0) {
			if (subcommands[i].fn(c, argc - 1, argv + 1, &e) < 0) {
				brig_report(&e);
				return EXIT_BRIG;
			}
			return 0;
		}
	}
	return brig_fail("network: unknown command '%s'", argv[1]);
}
