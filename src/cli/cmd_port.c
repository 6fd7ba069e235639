/* cmd_port.c - brig port NAME [PORT[/PROTO]]: a running container's
 * published ports, as `docker port` lists them. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "opt.h"
#include "publish.h"

static const struct opt_spec port_spec = {
	.prog = "port",
	.usage = "brig port NAME [PORT[/PROTO]]",
	.about = "List the container's published ports as 80/tcp -> 0.0.0.0:8080;\n"
		 "with PORT, only the host addresses that port is published on.",
	.needs = "container name",
};

int cmd_port(struct brig_ctx *c, int argc, char **argv)
{
	struct port_binding v[PORTSPEC_BINDINGS_MAX];
	struct brig_err e;
	size_t n = 0, shown = 0;
	uint16_t port = 0;
	uint8_t proto = 0;
	char host[64];
	int first = opt_parse(&port_spec, argc, argv, NULL, &e);

	if (first <= 0)
		return opt_status(first, &e);
	if (argc - first > 2)
		return brig_fail("port: expected NAME [PORT[/PROTO]] (see 'brig port --help')");
	if ((argc - first == 2 && portspec_port(argv[first + 1], &port, &proto, &e) < 0) ||
	    container_published(c, argv[first], v, &n, &e) < 0) {
		brig_report(&e);
		return EXIT_BRIG;
	}
	for (size_t i = 0; i < n; i++) {
		if (port && (v[i].port != port || v[i].proto != proto))
			continue;
		portspec_host_str(&v[i], host, sizeof(host));
		if (port)
			printf("%s\n", host);
		else
			printf("%u/%s -> %s\n", v[i].port, portspec_proto_name(v[i].proto), host);
		shown++;
	}
	if (port && !shown)
		return brig_fail("port: no public port '%s' published for %s", argv[first + 1],
				 argv[first]);
	return 0;
}
