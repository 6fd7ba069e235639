/* netspec.c - parse --network, --mac-address and --add-host (see netspec.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netspec.h"
#include "parse.h"
#include "util.h"

bool netspec_is_mode(const char *name)
{
	return !strcmp(name, "none") || !strcmp(name, "host") || !strncmp(name, "container:", 10) ||
	       !strcmp(name, "slirp4netns"); /* user-mode networking (rootless_ctl.h) */
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int netspec_parse_mac(const char *s, uint8_t mac[6], struct brig_err *e)
{
	for (int i = 0; i < 6; i++) {
		const char *p = s + 3 * i;
		int hi = hexval(p[0]), lo = hi < 0 ? -1 : hexval(p[1]);
		char sep = lo < 0 ? '?' : p[2];
		if (lo < 0 || sep != (i == 5 ? '\0' : ':'))
			return brig_errf(e, EINVAL, "invalid MAC address '%s': want xx:xx:xx:xx:xx:xx", s);
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	/* A multicast source address would be dropped by every bridge. */
	if (mac[0] & 1)
		return brig_errf(e, EINVAL, "invalid MAC address '%s': multicast bit set", s);
	return 0;
}

const char *netspec_mac_str(const uint8_t mac[6], char *buf)
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4],
		 mac[5]);
	return buf;
}

static int set_name(struct net_attach *a, const char *v, struct brig_err *e)
{
	if (!*v || strlen(v) >= sizeof(a->name))
		return brig_errf(e, EINVAL, "invalid network '%s'", v);
	if (!netspec_is_mode(v) && !valid_name(v))
		return brig_errf(e, EINVAL, "invalid network name '%s'", v);
	snprintf(a->name, sizeof(a->name), "%s", v);
	return 0;
}

static int set_alias(struct net_attach *a, const char *v, struct brig_err *e)
{
	if (!valid_name(v))
		return brig_errf(e, EINVAL, "invalid alias '%s'", v);
	if (a->n_aliases == NETSPEC_ALIASES)
		return brig_errf(e, E2BIG, "at most %d aliases per network", NETSPEC_ALIASES);
	snprintf(a->aliases[a->n_aliases++], sizeof(a->aliases[0]), "%s", v);
	return 0;
}

static int set_priority(struct net_attach *a, const char *v, struct brig_err *e)
{
	char *end;

	errno = 0;
	a->gw_priority = strtoll(v, &end, 10);
	if (errno || end == v || *end)
		return brig_errf(e, EINVAL, "invalid gw-priority '%s': want an integer", v);
	return 0;
}

/* One key=value of the long form. */
static int set_key(struct net_attach *a, const char *key, const char *v, struct brig_err *e)
{
	if (!strcmp(key, "name"))
		return set_name(a, v, e);
	if (!strcmp(key, "ip"))
		return net_parse_ip(v, &a->ip, e) < 0 ? brig_err_ctx(e, "ip=") : 0;
	if (!strcmp(key, "ip6")) {
		a->has_ip6 = true;
		return net_parse_ip6(v, &a->ip6, e) < 0 ? brig_err_ctx(e, "ip6=") : 0;
	}
	if (!strcmp(key, "alias"))
		return set_alias(a, v, e);
	if (!strcmp(key, "mac-address")) {
		a->has_mac = true;
		return netspec_parse_mac(v, a->mac, e);
	}
	if (!strcmp(key, "gw-priority"))
		return set_priority(a, v, e);
	return brig_errf(e, EINVAL, "unknown key '%s' (name, ip, ip6, alias, mac-address, gw-priority)",
			 key);
}

int netspec_parse(const char *arg, struct net_attach *a, struct brig_err *e)
{
	char buf[1024];

	memset(a, 0, sizeof(*a));
	if (!strchr(arg, '='))
		return set_name(a, arg, e) < 0 ? brig_err_ctx(e, "--network") : 0;
	if (strlen(arg) >= sizeof(buf))
		return brig_errf(e, EINVAL, "--network: value too long");
	snprintf(buf, sizeof(buf), "%s", arg);
	for (char *save, *kv = strtok_r(buf, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '=');
		if (!eq)
			return brig_errf(e, EINVAL, "--network %s: '%s' is not KEY=VALUE", arg, kv);
		*eq = '\0';
		if (set_key(a, kv, eq + 1, e) < 0)
			return brig_err_ctx(e, "--network %s", arg);
	}
	if (!a->name[0])
		return brig_errf(e, EINVAL, "--network %s: name= is required", arg);
	if (netspec_is_mode(a->name) && (a->ip || a->has_mac || a->n_aliases))
		return brig_errf(e, EINVAL, "--network %s: ip, alias and mac-address need a bridge network",
				 arg);
	return 0;
}

int netspec_parse_host(const char *arg, char name[64], uint32_t *ip, struct brig_err *e)
{
	const char *colon = strchr(arg, ':');
	size_t len = colon ? (size_t)(colon - arg) : 0;

	if (!colon || len == 0 || len >= 64)
		return brig_errf(e, EINVAL, "invalid --add-host '%s': want NAME:IP", arg);
	snprintf(name, 64, "%.*s", (int)len, arg);
	/* Host names: letters, digits, '-', '.', '_' (as in /etc/hosts). */
	if (!valid_name(name))
		return brig_errf(e, EINVAL, "invalid --add-host '%s': bad name", arg);
	if (net_parse_ip(colon + 1, ip, e) < 0)
		return brig_err_ctx(e, "invalid --add-host '%s'", arg);
	return 0;
}

int netspec_settle(struct net_attach *nets, size_t *n_nets, const char *ip, const char *mac,
		   struct brig_err *e)
{
	struct net_attach *first = &nets[0];

	for (size_t i = 0; i < *n_nets; i++) {
		if (netspec_is_mode(nets[i].name) && *n_nets > 1)
			return brig_errf(e, EINVAL, "--net %s cannot be combined with other networks",
					 nets[i].name);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(nets[i].name, nets[j].name))
				return brig_errf(e, EINVAL, "network %s given twice", nets[i].name);
	}
	if (*n_nets == 0)
		snprintf(nets[(*n_nets)++].name, sizeof(first->name), "%s", "bridge");
	if ((ip || mac) && netspec_is_mode(first->name))
		return brig_errf(e, EINVAL, "--ip and --mac-address need a bridge network, not %s",
				 first->name);
	if (ip && first->ip)
		return brig_errf(e, EINVAL, "--ip and ip= both set for network %s", first->name);
	if (ip && net_parse_ip(ip, &first->ip, e) < 0)
		return brig_err_ctx(e, "--ip");
	if (mac && first->has_mac)
		return brig_errf(e, EINVAL, "--mac-address and mac-address= both set for network %s",
				 first->name);
	if (mac && netspec_parse_mac(mac, first->mac, e) < 0)
		return brig_err_ctx(e, "--mac-address");
	first->has_mac |= mac != NULL;
	return 0;
}

int netspec_settle_ip6(struct net_attach *nets, size_t n_nets, const char *ip6,
		       struct brig_err *e)
{
	if (!ip6 || n_nets == 0)
		return 0;
	if (netspec_is_mode(nets[0].name))
		return brig_errf(e, EINVAL, "--ip6 needs a bridge network, not %s", nets[0].name);
	if (nets[0].has_ip6)
		return brig_errf(e, EINVAL, "--ip6 and ip6= both set for network %s", nets[0].name);
	if (net_parse_ip6(ip6, &nets[0].ip6, e) < 0)
		return brig_err_ctx(e, "--ip6");
	nets[0].has_ip6 = true;
	return 0;
}
