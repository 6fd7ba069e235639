/* fuzz_netspec.c - libFuzzer target for brig's --network, --mac-address and
 * --add-host parsers (src/netspec.c) and the resolv.conf writer
 * (src/resolv.c), the input taken as the value and as the host's file.
 *
 * Any bytes must parse without crashing or reading past the string, and
 * what is accepted must be well-formed: a valid name, at most
 * NETSPEC_ALIASES valid aliases, a unicast MAC, no address, MAC or alias on
 * a mode; an accepted MAC or NAME:IP prints back as the input; resolv_text
 * keeps no nameserver the options drop. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "netspec.h"
#include "parse.h"
#include "resolv.h"
#include "util.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_err(const struct brig_err *e)
{
	check(memchr(e->msg, '\0', sizeof(e->msg)) != NULL);
	check(e->code > 0);
}

static void fuzz_parse(const char *s)
{
	struct net_attach a;
	struct brig_err e;

	if (netspec_parse(s, &a, &e) < 0) {
		check_err(&e);
		return;
	}
	check(a.name[0] != '\0');
	check(memchr(a.name, '\0', sizeof(a.name)) != NULL);
	check(a.n_aliases <= NETSPEC_ALIASES);
	for (size_t i = 0; i < a.n_aliases; i++)
		check(valid_name(a.aliases[i]));
	if (a.has_mac)
		check(!(a.mac[0] & 1));
	if (netspec_is_mode(a.name))
		check(!a.ip && !a.has_mac && !a.n_aliases);
	else
		check(valid_name(a.name));
}

static void fuzz_mac(const char *s)
{
	struct brig_err e;
	uint8_t mac[6];
	char buf[18];

	if (netspec_parse_mac(s, mac, &e) < 0) {
		check_err(&e);
		return;
	}
	check(!(mac[0] & 1));
	check(strcasecmp(netspec_mac_str(mac, buf), s) == 0);
}

static void fuzz_host(const char *s)
{
	struct brig_err e;
	char name[64], back[96], ip_text[16];
	uint32_t ip;

	if (netspec_parse_host(s, name, &ip, &e) < 0) {
		check_err(&e);
		return;
	}
	check(valid_name(name));
	snprintf(back, sizeof(back), "%s:%s", name, net_ip_str(ip, ip_text));
	check(strcmp(back, s) == 0);
}

/* The nameserver lines of text, one "ADDR\n" each, into out. */
static void servers(const char *text, char *out, size_t len)
{
	size_t off = 0;

	out[0] = '\0';
	for (const char *l = text; *l && off < len; l = strchr(l, '\n') + 1) {
		if (!strncmp(l, "nameserver", 10) && (l[10] == ' ' || l[10] == '\t')) {
			const char *v = l + 11 + strspn(l + 11, " \t");
			off += (size_t)snprintf(out + off, len - off, "%.*s\n",
						(int)strcspn(v, "\n"), v);
		}
		check(strchr(l, '\n') != NULL); /* every line ends in a newline */
	}
}

static void fuzz_resolv(const char *s, uint8_t flags)
{
	static char dns1[] = "192.0.2.53", dns2[] = "198.51.100.1", word[] = "lab.example";
	char *const dns[] = { dns1, dns2, NULL }, *const words[] = { word, NULL };
	struct resolv_opts o = {
		.dns = flags & 2 ? dns : NULL,
		.search = flags & 4 ? words : NULL,
		.options = flags & 8 ? words : NULL,
		.reachable = flags & 1,
	};
	char *text = resolv_text(s, &o), *list;

	if (!text)
		return; /* out of memory */
	check(strncmp(text, "# written by brig\n", 18) == 0);
	list = malloc(strlen(text) + 1);
	if (list) {
		servers(text, list, strlen(text) + 1);
		if (o.dns)
			check(strcmp(list, "192.0.2.53\n198.51.100.1\n") == 0);
		else if (!o.reachable)
			check(list[0] == '\0');
		check(strstr(list, "127.") != list && !strstr(list, "\n127."));
	}
	free(list);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	fuzz_parse(s);
	fuzz_mac(s);
	fuzz_host(s);
	fuzz_resolv(s, size ? data[0] : 0);
	free(s);
	return 0;
}
