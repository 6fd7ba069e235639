/* netem_ctl_int.h - what netem_ctl.c and relay_ctl.c share (private to
 * src/engine). */
#ifndef BRIG_NETEM_CTL_INT_H
#define BRIG_NETEM_CTL_INT_H

#include <sys/types.h>

#include "ctx.h"
#include "err.h"
#include "lab.h"
#include "netem.h"
#include "util.h"

/* One end of a link: a container's interface, or the host's. */
struct netem_end {
	char id[BRIG_ID_LEN + 1]; /* "" for the host */
	char name[64];		  /* the container's name, or "host" */
	pid_t pid;		  /* whose network namespace: 0 for the host's */
	char ifname[16];
};

/* The link an interface the user named is an end of: end[0] is that
 * interface, end[1] its peer. */
struct netem_link {
	struct netem_end end[2];
	char lab[LAB_NAME_MAX]; /* a lab's link: its name, else "" */
};

/* Resolve target ("CONTAINER:IFNAME", the container running) to its link. */
int netem_link_resolve(const struct brig_ctx *c, const char *target, struct netem_link *k,
		       struct brig_err *e);

/* Whether a relay impairs k's link: 1 (and, when end[1] is the end the
 * relay keeps, k's ends swapped so end[0] is always the kept one... */
int relay_find(const struct brig_ctx *c, struct netem_link *k, struct brig_err *e);

int relay_set(const struct brig_ctx *c, const struct netem_link *k, const struct netem_params *p,
	      struct brig_err *e);

#endif
