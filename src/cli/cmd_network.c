/* cmd_network.c - brig network create | ls | inspect | rm | connect | disconnect */
#include <getopt.h> /* optind */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "client.h"
#include "cleanup.h"
#include "container.h"
#include "network.h"
#include "opt.h"

#define REQ(field) offsetof(struct network_request, field)

/* --subnet and --gateway once per family, as Docker: an IPv6 value (it
 * has a ':') goes to the request's v6 half.  field is &req->subnet or
 * &req->gateway; its v6 twin is found from the request. */
static int set_by_family(void *field, const char *arg, struct brig_err *e)
{
	const char **v4 = field;
	struct network_request *r;
	bool subnet;
	const char **slot;

	subnet = true;
	r = (void *)((char *)field - offsetof(struct network_request, subnet));
	if (field != (void *)&r->subnet) {
		subnet = false;
		r = (void *)((char *)field - offsetof(struct network_request, gateway));
	}
	slot = strchr(arg, ':') ? (subnet ? &r->subnet6 : &r->gateway6) : v4;
	if (*slot)
		return brig_errf(e, EINVAL, "--%s given twice for IPv%c: one per family",
				 subnet ? "subnet" : "gateway", slot == v4 ? '4' : '6');
	*slot = arg;
	return 0;
}

/* The values are strings, checked by the engine (network_request_parse). */
static const struct opt create_rows[] = {
	{ "subnet", 0, "CIDR",
	  "the network's addresses, e.g. 10.1.0.0/24; again for IPv6\n"
	  "with --ipv6 (fd00:1::/64, /64 to /120)",
	  set_by_family, REQ(subnet) },
	{ "gateway", 0, "IP", "the bridge's address (default: the first address), once per family",
	  set_by_family, REQ(gateway) },
	{ "ipv6", 0, NULL,
	  "dual stack: an IPv6 subnet beside (default: a unique-local /64\n"
	  "from the name and this host)",
	  opt_true, REQ(ipv6) },
	{ "no-gateway", 0, NULL,
	  "a layer-2 segment: the bridge has no address, no NAT,\n"
	  "no default route through it (containers still get leases)",
	  opt_true, REQ(no_gateway) },
	{ "ipam", 0, "none",
	  "a layer-2 segment without addresses: containers get an\n"
	  "interface and configure it themselves",
	  opt_string, REQ(ipam) },
	{ "bridge", 0, "DEV", "the bridge's name (default: br-NAME)", opt_string, REQ(bridge) },
	{ "internal", 0, NULL, "no traffic off the bridge, no default route through it", opt_true,
	  REQ(internal) },
	{ "mtu", 0, "N", "the bridge's MTU", opt_string, REQ(mtu) },
	{ NULL },
};

static const struct opt_spec create_spec = {
	.prog = "network create",
	.usage = "brig network create --subnet CIDR [--gateway IP | --no-gateway] "
		 "[--ipv6 [--subnet V6CIDR] [--gateway V6]] [--bridge DEV] [--internal] [--mtu N] NAME\n"
		 "       brig network create --ipam none [--bridge DEV] [--internal] [--mtu N] NAME",
	.opts = create_rows,
};

static int net_create(struct brig_ctx *c, int argc, char **argv, struct brig_err *e)
{
	struct network_request req = { 0 };
	int r = opt_parse(&create_spec, argc, argv, &req, e);

	if (r <= 0)
		return r;
	/* the engine checks the options first, then the name (its absence too) */
	req.name = optind == argc - 1 ? argv[optind] : NULL;
	if ((c->host ? client_network_create : network_create_request)(c, &req, e) < 0)
		return -e->code;
	puts(req.name);
	return 0;
}

static void ls_row(const struct network_summary *n, char row[5][64])
{
	snprintf(row[0], 64, "%s", n->name);
	snprintf(row[1], 64, "%s", n->bridge);
	snprintf(row[2], 64, "%s", *n->subnet ? n->subnet : "-");
	snprintf(row[3], 64, "%s", *n->gateway ? n->gateway : "-");
	snprintf(row[4], 64, "%s", n->internal ? "yes" : "no");
}

/* A table sorted by name, each column as wide as its widest cell. */
static void ls_table(const struct network_summary *all, size_t n)
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
	cleanup_free struct network_summary *all = NULL;
	struct ls_opts o = { 0 };
	json_t *out;
	size_t n;
	int r = opt_parse(&ls_spec, argc, argv, &o, e);

	if (r <= 0)
		return r;
	if (optind != argc)
		return brig_errf(e, EINVAL, "network ls: unexpected argument '%s'", argv[optind]);
	if ((c->host ? client_network_summaries : network_summaries)(c, &all, &n, e) < 0)
		return -e->code;
	if (!o.json) {
		ls_table(all, n);
		return 0;
	}
	out = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *doc;
		if ((c->host ? client_network_inspect : network_inspect)(c, all[i].name, &doc, e) <
		    0) {
			json_decref(out);
			return -e->code;
		}
		json_array_append_new(out, doc);
	}
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
		json_t *doc;
		if (network_inspect(c, argv[i], &doc, e) < 0) {
			r = -e->code;
			break;
		}
		json_array_append_new(out, doc);
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
		if ((c->host ? client_network_remove : network_remove)(c, argv[i], e) < 0)
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
