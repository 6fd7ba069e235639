/* resolv.h - a container's /etc/resolv.conf. */
#ifndef BRIG_RESOLV_H
#define BRIG_RESOLV_H

#include <stdbool.h>
#include <stddef.h>

struct resolv_opts {
	char *const *dns, *const *search, *const *options; /* NULL terminated or NULL */
	bool reachable; /* some network routes out (not all internal/--no-gateway) */
};

/* The resolv.conf text from the host's (host_text, may be NULL) and the
 * container's options: --dns replaces the host's nameservers (of which
 * loopback ones are dropped: they would not be reachable from the
 * container's own namespace), --dns-search its search line, --dns-option
 * its options.  Without --dns, a container that cannot reach out gets no
 * nameserver: a lookup then asks the container's own loopback, where
 * nothing listens, and fails at once instead of waiting for a server it
 * cannot reach.  Returns malloc'd text or NULL when out of memory. */
char *resolv_text(const char *host_text, const struct resolv_opts *o);

#endif
