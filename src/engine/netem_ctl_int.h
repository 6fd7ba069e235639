/* netem_ctl_int.h - what netem_ctl.c and relay_ctl.c share (private to
 * src/engine). */
#ifndef BRIG_NETEM_CTL_INT_H
#define BRIG_NETEM_CTL_INT_H

#include <sys/types.h>

#include "ctx.h"
#include "err.h"
#include "lab.h"
#include "netem.h"
#include "netem_ctl.h"
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
	pid_t relay_pid;	/* relay_find: the relay's, 0: none */
	int relay_at;		/* which of end[] the relay keeps */
};

/* Resolve target ("CONTAINER:IFNAME", the container running) to its link. */
int netem_link_resolve(const struct brig_ctx *c, const char *target, struct netem_link *k,
		       struct brig_err *e);

/* Whether a relay impairs k's link: 1 with k->relay_pid and
 * k->relay_at set, else 0. */
int relay_find(const struct brig_ctx *c, struct netem_link *k);

/* What leaves k->end[dir] becomes p: through k's relay, or one started
 * (keeping end[0], replacing end[1]).  A relay left with no impairment
 * either way makes the link plain again and ends. */
int relay_set(const struct brig_ctx *c, const struct netem_link *k, int dir,
	      const struct netem_params *p, struct brig_err *e);

/* Append an entry per impaired end of every relay (of container filter,
 * and its interface ifname when not NULL) to *v, *n. */
int relay_show(const struct brig_ctx *c, const char *filter, const char *ifname,
	       struct netem_entry **v, size_t *n, struct brig_err *e);

/* Kill every relay of lab (its links go with its nodes). */
void relay_forget_lab(const struct brig_ctx *c, const char *lab);

#endif
