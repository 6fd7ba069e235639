/* fuzz_portspec.c - libFuzzer target for -p values and ExposedPorts keys
 * (src/engine/portspec.c).
 *
 * Any bytes must parse without crashing or reading past the string; a
 * refusal is one line starting "invalid -p '" (or "invalid port '") and
 * leaves the count as it was; what is accepted are requests with a
 * container port, a known protocol, a host range in order, no more than
 * the room given; their bindings print within the buffer. */
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "portspec.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_error(const struct brig_err *e, const char *prefix)
{
	check(memchr(e->msg, '\0', sizeof(e->msg)) != NULL);
	check(strchr(e->msg, '\n') == NULL);
	check(strncmp(e->msg, prefix, strlen(prefix)) == 0);
}

static void check_requests(const struct port_request *r, size_t n)
{
	struct port_binding b[PORTSPEC_MAX];
	char out[64], sum[256];

	for (size_t i = 0; i < n; i++) {
		check(r[i].port >= 1);
		check(r[i].proto == IPPROTO_TCP || r[i].proto == IPPROTO_UDP ||
		      r[i].proto == IPPROTO_SCTP);
		check(r[i].host_lo <= r[i].host_hi);
		check(r[i].host_lo != 0 || r[i].host_hi == 0);
		b[i] = (struct port_binding){ r[i].host_ip, 0x0a580002, r[i].host_lo, r[i].port,
					      r[i].proto, r[i].family == AF_INET6, r[i].host_ip6,
					      r[i].host_ip6 };
		check(r[i].family == 0 || r[i].family == AF_INET || r[i].family == AF_INET6);
		portspec_binding_str(&b[i], out, sizeof(out));
		check(strlen(out) < sizeof(out));
	}
	portspec_summary(b, n, sum, sizeof(sum));
	check(strlen(sum) < sizeof(sum));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct port_request r[PORTSPEC_MAX];
	struct brig_err e;
	char *s = malloc(size + 1);
	size_t n = 0, room = size % 8 ? size % 8 : PORTSPEC_MAX;
	uint16_t port;
	uint8_t proto;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (portspec_parse(s, r, room, &n, &e) < 0) {
		check(n == 0);
		check_error(&e, "invalid -p '");
	} else {
		check(n >= 1 && n <= room);
		check_requests(r, n);
	}
	if (portspec_port(s, &port, &proto, &e) < 0)
		check_error(&e, "invalid port '");
	else
		check(port >= 1);
	free(s);
	return 0;
}
