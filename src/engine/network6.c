/* network6.c - the IPv6 half of brig networks: the definition's v6 keys,
 * the request's --ipv6/--subnet V6/--gateway V6, the unique-local /64 a
 * network gets without a v6 subnet, overlap checks, IPv6 forwarding on the
 * host (turned on only for a v6 network, said so, and restored by
 * `system reset`). */
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bridge.h"
#include "cleanup.h"
#include "network.h"
#include "parse.h"
#include "util.h"
#include "warn.h"

#define ULA_TRIES 32
/* <runroot>/ipv6-forwarding: brig turned IPv6 forwarding on (it was off);
 * `system reset` turns it off again. */
#define FORWARDING_MARK "ipv6-forwarding"

void network_json6(json_t *j, const struct net_network *n)
{
	char s[NET_CIDR6_STRLEN], g[NET_IP6_STRLEN];

	if (!n->ipv6)
		return; /* a v4-only definition reads as before IPv6 */
	json_object_set_new(j, "ipv6", json_true());
	json_object_set_new(j, "subnet6", json_string(net_prefix6_str(&n->subnet6, n->prefix6, s)));
	json_object_set_new(j, "gateway6",
			    json_string(n->no_gateway ? "" : net_ip6_str(&n->gateway6, g)));
}

int network_from_json6(json_t *j, struct net_network *n, struct brig_err *e)
{
	const char *subnet = json_string_value(json_object_get(j, "subnet6"));
	const char *gw = json_string_value(json_object_get(j, "gateway6"));

	n->ipv6 = json_is_true(json_object_get(j, "ipv6"));
	if (!n->ipv6)
		return 0;
	if (!subnet || net_parse_cidr6(subnet, &n->subnet6, &n->prefix6, e) < 0)
		return brig_errf(e, EINVAL, "network %s: bad or missing subnet6", n->name);
	if (!n->no_gateway && (!gw || net_parse_ip6(gw, &n->gateway6, e) < 0))
		return brig_errf(e, EINVAL, "network %s: bad or missing gateway6", n->name);
	return 0;
}

void network_inspect6(json_t *doc, const struct net_network *n)
{
	char s[NET_CIDR6_STRLEN], g[NET_IP6_STRLEN];

	json_object_set_new(doc, "ipv6", json_boolean(n->ipv6));
	json_object_set_new(doc, "subnet6",
			    json_string(n->ipv6 ? net_prefix6_str(&n->subnet6, n->prefix6, s) : ""));
	json_object_set_new(doc, "gateway6", json_string(n->ipv6 && !n->no_gateway ?
								 net_ip6_str(&n->gateway6, g) : ""));
}

int network_request6(const struct network_request *req, struct net_network *n,
		     struct brig_err *e)
{
	if ((req->subnet6 || req->gateway6) && !req->ipv6)
		return brig_errf(e, EINVAL, "network create: an IPv6 --subnet or --gateway needs --ipv6");
	n->ipv6 = req->ipv6;
	if (req->ipv6 && n->ipam_none)
		return brig_errf(e, EINVAL, "network create: --ipv6 needs IPAM (not --ipam none)");
	if (req->subnet6 && net_parse_cidr6(req->subnet6, &n->subnet6, &n->prefix6, e) < 0)
		return brig_err_ctx(e, "--subnet");
	if (req->gateway6 && net_parse_ip6(req->gateway6, &n->gateway6, e) < 0)
		return brig_err_ctx(e, "--gateway");
	if (req->gateway6 && n->no_gateway)
		return brig_errf(e, EINVAL, "network create: --gateway and --no-gateway conflict");
	return 0;
}

/* Who this host is, stably: /etc/machine-id, else the host name. */
static void host_identity(char *out, size_t len)
{
	cleanup_free char *buf = NULL;
	size_t n = 0;
	struct brig_err ignore;

	if (read_file("/etc/machine-id", &buf, &n, &ignore) == 0 && n > 0) {
		snprintf(out, len, "%.*s", (int)strcspn(buf, "\n"), buf);
		if (*out)
			return;
	}
	if (gethostname(out, len) < 0)
		snprintf(out, len, "brig");
	out[len - 1] = '\0';
}

int network_overlap6(const struct net_network *all, size_t count, const struct net_network *n,
		     struct brig_err *e)
{
	char s[NET_CIDR6_STRLEN];

	if (!n->ipv6)
		return 0;
	for (size_t i = 0; i < count; i++)
		if (all[i].ipv6 && strcmp(all[i].name, n->name) != 0 &&
		    net_overlaps6(&all[i].subnet6, all[i].prefix6, &n->subnet6, n->prefix6))
			return brig_errf(e, EEXIST, "IPv6 subnet %s overlaps network %s",
					 net_prefix6_str(&n->subnet6, n->prefix6, s), all[i].name);
	return net_check_host_routes6(n, e);
}

void network_ula(struct net_network *n, unsigned salt)
{
	char host[256];

	host_identity(host, sizeof(host));
	net_ula64(n->name, host, salt, &n->subnet6);
	n->prefix6 = 64;
	memset(&n->gateway6, 0, sizeof(n->gateway6)); /* the default: subnet::1 */
}

int network_pick_ula(const struct net_network *all, size_t count, struct net_network *n,
		     struct brig_err *e)
{
	struct brig_err last = { 0 };

	for (unsigned salt = 0; salt < ULA_TRIES; salt++) {
		network_ula(n, salt);
		if (net_network_validate6(n, e) < 0)
			return -e->code;
		if (network_overlap6(all, count, n, &last) == 0)
			return 0;
		if (last.code != EEXIST)
			break;
	}
	*e = last;
	return brig_err_ctx(e, "network %s: no free unique-local /64 (give --subnet)", n->name);
}

bool network_default_is_ipv6(void)
{
	const char *v = getenv("BRIG_DEFAULT_IPV6");

	return v && strcmp(v, "1") == 0;
}

void network_default_ipv6(struct net_network *n)
{
	if (!network_default_is_ipv6())
		return;
	n->ipv6 = true;
	network_ula(n, 0);
	net_network_validate6(n, NULL);
}

int network_ipv6_forwarding(const struct brig_ctx *c, const struct net_network *n,
			    struct brig_err *e)
{
	char path[PATH_MAX];
	int was;

	if (!n->ipv6)
		return 0;
	if (net_ipv6_forwarding(1, &was, e) < 0)
		return brig_err_ctx(e, "network %s", n->name);
	if (was)
		return 0;
	snprintf(path, sizeof(path), "%s/" FORWARDING_MARK, c->runroot);
	if (write_atomic(path, "1\n", 2, e) < 0)
		return brig_err_ctx(e, "network %s", n->name);
	brig_warn("network %s: enabled IPv6 forwarding on the host (net.ipv6.conf.all.forwarding=1; "
		  "host interfaces with accept_ra=1 stop accepting router advertisements); "
		  "`brig system reset` turns it off",
		  n->name);
	return 0;
}

int network_ipv6_restore(const struct brig_ctx *c, struct brig_err *e)
{
	char path[PATH_MAX];
	int was;

	snprintf(path, sizeof(path), "%s/" FORWARDING_MARK, c->runroot);
	if (access(path, F_OK) < 0)
		return 0; /* brig did not turn it on */
	if (net_ipv6_forwarding(0, &was, e) < 0)
		return brig_err_ctx(e, "restore IPv6 forwarding");
	if (unlink(path) < 0)
		return brig_errno(e, "remove %s", path);
	return 0;
}
