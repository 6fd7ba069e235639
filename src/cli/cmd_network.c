/* cmd_network.c - brig network create | ls | inspect | rm */
#include <getopt.h> /* optind */
#include <stddef.h>
#include <string.h>

#include "cli.h"
#include "cleanup.h"
#include "container.h"
#include "network.h"
#include "opt.h"
#include "parse.h"
#include "state.h"

struct create_opts {
	struct net_network n;
	const char *subnet;
};

static int set_gateway(void *field, const char *arg, struct brig_err *e)
{
	if (net_parse_ip(arg, field, e) < 0)
		return brig_err_ctx(e, "--gateway");
	return 0;
}

static int set_bridge(void *field, const char *arg, struct brig_err *e)
{
	(void)e;
	snprintf(field, sizeof(((struct net_network *)0)->bridge), "%s", arg);
	return 0;
}

static int set_ipam(void *field, const char *arg, struct brig_err *e)
{
	if (strcmp(arg, "none") != 0 && strcmp(arg, "default") != 0)
		return brig_errf(e, EINVAL, "invalid --ipam '%s': none or default", arg);
	*(bool *)field = !strcmp(arg, "none");
	return 0;
}

static int set_mtu(void *field, const char *arg, struct brig_err *e)
{
	uint64_t mtu;

	if (parse_uint(arg, 65535, &mtu, e) < 0 || mtu < 68)
		return brig_errf(e, EINVAL, "invalid --mtu '%s': 68..65535", arg);
	*(int *)field = (int)mtu;
	return 0;
}

#define NET(field) offsetof(struct create_opts, n.field)

static const struct opt create_rows[] = {
	{ "subnet", 0, "CIDR", "the network's addresses, e.g. 10.1.0.0/24", opt_string,
	  offsetof(struct create_opts, subnet) },
	{ "gateway", 0, "IP", "the bridge's address (default: the first address)", set_gateway,
	  NET(gateway) },
	{ "no-gateway", 0, NULL,
	  "a layer-2 segment: the bridge has no address, no NAT,\n"
	  "no default route through it (containers still get leases)",
	  opt_true, NET(no_gateway) },
	{ "ipam", 0, "none",
	  "a layer-2 segment without addresses: containers get an\n"
	  "interface and configure it themselves",
	  set_ipam, NET(ipam_none) },
	{ "bridge", 0, "DEV", "the bridge's name (default: br-NAME)", set_bridge, NET(bridge) },
	{ "internal", 0, NULL, "no traffic off the bridge, no default route through it", opt_true,
	  NET(internal) },
	{ "mtu", 0, "N", "the bridge's MTU", set_mtu, NET(mtu) },
	{ NULL },
};

static const struct opt_spec create_spec = {
	.prog = "network create",
	.usage = "brig network create --subnet CIDR [--gateway IP | --no-gateway] "
		 "[--bridge DEV] [--internal] [--mtu N] NAME\n"
		 "       brig network create --ipam none [--bridge DEV] [--internal] [--mtu N] NAME",
	.opts = create_rows,
};

static int net_create(struct brig_ctx *c, int argc, char **argv, struct brig_err *e)
{
	struct create_opts o = { 0 };
	struct net_network n;
	const char *subnet;
	int r = opt_parse(&create_spec, argc, argv, &o, e);

	if (r <= 0)
		return r;
	n = o.n;
	subnet = o.subnet;
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

struct ls_opts {
	bool json;
};

static const struct opt ls_rows[] = {
	OPT_FORMAT_ROW(struct ls_opts, json),
	{ NULL },
};

static const struct opt_spec ls_spec = {
	.prog = "network ls",
	.usage = "brig network ls [--format table|json]",
	.opts = ls_rows,
};

/* ls [--format table|json] */
static int net_ls(struct brig_ctx *c, int argc, char **argv, struct brig_err *e)
{
	cleanup_free struct net_network *all = NULL;
	struct ls_opts o = { 0 };
	bool json;
	json_t *out;
	size_t n;
	int r = opt_parse(&ls_spec, argc, argv, &o, e);

	if (r <= 0)
		return r;
	json = o.json;
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

static const struct opt connect_rows[] = {
	{ "ip", 0, "ADDR", "the container's address on NETWORK", opt_string },
	{ NULL },
};

static const struct opt_spec connect_spec = {
	.prog = "network connect",
	.usage = "brig network connect [--ip ADDR] NETWORK NAME",
	.opts = connect_rows,
};

/* connect [--ip ADDR] NETWORK NAME */
static int net_connect(struct brig_ctx *c, int argc, char **argv, struct brig_err *e)
{
	const char *ip = NULL;
	int r = opt_parse(&connect_spec, argc, argv, &ip, e);

	if (r <= 0)
		return r;
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

static const struct cli_command subcommands[] = {
	{ "create", NULL, net_create, "create a bridge network" },
	{ "ls", NULL, net_ls, "list networks" },
	{ "inspect", NULL, net_inspect, "show networks as JSON" },
	{ "rm", NULL, net_rm, "remove networks" },
	{ "connect", NULL, net_connect, "attach a running container to a network" },
	{ "disconnect", NULL, net_disconnect, "detach a container from a network" },
	{ NULL },
};

static const struct opt_spec network_spec = {
	.prog = "network",
	.usage = "brig network COMMAND [ARG...]",
	.commands = subcommands,
};

int cmd_network(struct brig_ctx *c, int argc, char **argv)
{
	return cli_dispatch(c, &network_spec, argc, argv);
}
