/* cmd_network.c - brig network create | ls | inspect | rm */
#include <getopt.h>
#include <string.h>

#include "cli.h"
#include "cleanup.h"
#include "container.h"
#include "network.h"

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
	struct network_request req = { 0 };
	int opt;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (opt) {
		case 's': req.subnet = optarg; break;
		case 'g': req.gateway = optarg; break;
		case 'b': req.bridge = optarg; break;
		case 'i': req.internal = true; break;
		case 'n': req.no_gateway = true; break;
		case 'p': req.ipam = optarg; break;
		case 'm': req.mtu = optarg; break;
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
	/* the engine checks the options first, then the name (its absence too) */
	req.name = optind == argc - 1 ? argv[optind] : NULL;
	if (network_create_request(c, &req, e) < 0)
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

/* ls [--format table|json] */
static int net_ls(struct brig_ctx *c, int argc, char **argv, struct brig_err *e)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	cleanup_free struct network_summary *all = NULL;
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
	if (network_summaries(c, &all, &n, e) < 0)
		return -e->code;
	if (!json) {
		ls_table(all, n);
		return 0;
	}
	out = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *doc;
		if (network_inspect(c, all[i].name, &doc, e) < 0) {
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
