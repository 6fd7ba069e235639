/* netem_ctl.h - `brig netem set|show|clear`: impairments on an end of a
 * link brig made (a lab node's link end, or a container's network
 * interface such as eth0), with netem's semantics, by one of two engines:
 * the kernel's sch_netem where it exists, else brig's relay (the user
 * engine), spliced into the link.  Nothing here prints. */
#ifndef BRIG_NETEM_CTL_H
#define BRIG_NETEM_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "ctx.h"
#include "err.h"
#include "netem.h"

enum netem_choice { NETEM_AUTO, NETEM_CHOOSE_KERNEL, NETEM_CHOOSE_USER };

/* One option of `netem set` (key "delay", "loss", ...) into p: the
 * parsers of net/netem.h, for the CLI and the API. */
int netem_ctl_parse(struct netem_params *p, const char *key, const char *value,
		    struct brig_err *e);

/* Replace what leaves target ("CONTAINER:IFNAME") with p (empty: clear
 * it).  -EINVAL for a bad target, -ENOENT when it is no end of a link
 * brig made, -ESRCH when the container is not running; nothing changes
 * then. */
int netem_ctl_set(const struct brig_ctx *c, const char *target, const struct netem_params *p,
		  enum netem_choice engine, struct brig_err *e);

/* netem_ctl_set on what leaves target (dir 0) or what leaves its peer,
 * the link's other end (dir 1: a host end, say, which no container names). */
int netem_ctl_set_link(const struct brig_ctx *c, const char *target, int dir,
		       const struct netem_params *p, enum netem_choice engine, struct brig_err *e);

/* netem_ctl_set with no impairment: the link is a plain veth pair again
 * once neither direction has any. */
int netem_ctl_clear(const struct brig_ctx *c, const char *target, struct brig_err *e);

/* One impaired interface as `netem show` lists it. */
struct netem_entry {
	char container[64]; /* its name */
	char ifname[16];
	enum netem_engine engine;
	struct netem_params params;
	char text[256]; /* params as netem_params_str writes them */
	struct netem_counters counters;
	pid_t relay; /* the user engine's relay, else 0 */
};

/* Every impaired interface (of container filter only, or only its
 * interface filter:IFNAME, when filter is not NULL), sorted.  *v malloc'd. */
int netem_ctl_show(const struct brig_ctx *c, const char *filter, struct netem_entry **v,
		   size_t *n, struct brig_err *e);

/* Kill the relays of lab's links (lab down): the links go with its nodes. */
void netem_ctl_forget_lab(const struct brig_ctx *c, const char *lab);

#endif
