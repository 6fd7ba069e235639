/* slirp.h - user-mode networking for a container's network namespace:
 * slirp4netns (Debian package slirp4netns), the default network of
 * rootless brig (docs/rootless.md).  It runs beside the container as an
 * external program (it is the feature), creates tap0 inside with
 * 10.0.2.100/24, the gateway 10.0.2.2 and a DNS forwarder at 10.0.2.3,
 * and carries the container's TCP and UDP through ordinary sockets of the
 * namespace brig runs in.  Published ports (-p) are added through its API
 * socket (add_hostfwd).  The reply parser is pure (unit-tested, fuzzed). */
#ifndef BRIG_SLIRP_H
#define BRIG_SLIRP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"

/* The container's side of slirp4netns's network. */
#define SLIRP_ADDR "10.0.2.100"
#define SLIRP_GATEWAY "10.0.2.2"
#define SLIRP_DNS "10.0.2.3"

/* One published port: host_addr:host_port on the host to guest_port of
 * the container. */
struct slirp_port {
	bool udp;
	char host_addr[46]; /* "" or "0.0.0.0": every address */
	uint16_t host_port, guest_port;
};

struct slirp_net {
	const char *dir; /* a directory of the container's: api.sock, slirp4netns.log */
	const struct slirp_port *ports;
	size_t n_ports;
	/* set by slirp_start, released by slirp_stop */
	pid_t pid;   /* 0: not running */
	int exit_fd; /* its exit fd's other end: closing it ends slirp4netns */
};

/* Host side of sync 2: start slirp4netns on the network namespace netns
 * (an fd: the child sent it at sync 1), wait until it configured tap0 (its ready fd), then publish
 * n->ports.  slirp4netns ends when the caller closes the exit fd
 * (slirp_stop) or exits. */
int slirp_start(struct slirp_net *n, int netns, struct brig_err *e);

/* End slirp4netns and reap it; nothing when it is not running. */
void slirp_stop(struct slirp_net *n);

/* Parse rootless -p: [HOSTIP:]HOSTPORT:PORT[/tcp|/udp], an IPv4 HOSTIP
 * (slirp4netns cannot choose a free host port, nor publish ranges or
 * sctp).  One-line EINVAL "invalid -p 'ARG': why". */
int slirp_port_parse(const char *arg, struct slirp_port *p, struct brig_err *e);

/* The API request publishing p: {"execute": "add_hostfwd", ...}.  Returns
 * its length, or -1 when buf is too small. */
int slirp_hostfwd_request(const struct slirp_port *p, char *buf, size_t len);

/* An API reply: 0 for {"return": ...}; an error carrying slirp4netns's
 * "desc" for {"error": {"desc": ...}}; EPROTO for anything else. */
int slirp_reply_parse(const char *buf, size_t len, struct brig_err *e);

#endif
