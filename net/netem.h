/* netem.h - link impairments: their parameters (netem's semantics), the
 * parsers of their values, and the kernel engine (netem, and tbf for rate,
 * through libnl's qdisc API).  The user engine, a relay process for kernels
 * without sch_netem, is net/relay.h. */
#ifndef BRIG_NETEM_H
#define BRIG_NETEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* What one direction of a link suffers (an interface's egress).  All zero
 * is "no impairment".  Percentages are 0..100 (netem keeps them as u32
 * fractions of 2^32-1). */
struct netem_params {
	uint64_t delay_us;  /* each packet's delay */
	uint64_t jitter_us; /* +/- uniformly around delay; <= delay */
	double loss;	    /* % of packets dropped */
	double corrupt;	    /* % with one bit flipped */
	double duplicate;   /* % sent twice */
	double reorder;	    /* % sent at once, ahead of the delayed (needs delay) */
	uint64_t rate_bps;  /* bits per second; 0: unlimited */
};

/* Counters of one direction, as `netem show` reports them. */
struct netem_counters {
	uint64_t packets, bytes; /* passed on */
	uint64_t dropped;	 /* lost, or over the queue's limit */
	uint64_t duplicated, corrupted, reordered;
};

enum netem_engine { NETEM_KERNEL, NETEM_USER };

/* One value given for key ("delay", "jitter", "loss", "rate", "corrupt",
 * "duplicate", "reorder") into p.  Durations: "50ms", "1.5s", "200us" (a
 * bare number is ms); percentages: "1%", "0.5" (0..100); rates as tc
 * writes them: "10mbit", "1gbit", "500kbit", "100bit", "1mbps" (bytes),
 * a bare number is kbit/s (containerlab's --rate).  -EINVAL (e: a one-line
 * message naming key and value) on a bad unit, a negative value or one
 * out of range; p is unchanged then. */
int netem_parse_value(struct netem_params *p, const char *key, const char *value,
		      struct brig_err *e);

/* After every value: jitter <= delay, reorder needs a delay.  -EINVAL. */
int netem_check(const struct netem_params *p, struct brig_err *e);

bool netem_params_empty(const struct netem_params *p);

/* "delay 50ms jitter 5ms loss 1% rate 10mbit ..." (only what is set; ""
 * when empty). */
int netem_params_str(const struct netem_params *p, char *buf, size_t len);

/* ---- the kernel engine (the interface is in the current netns) ---- */

/* Whether this kernel has sch_netem: probed once per process (in a
 * throwaway network namespace), then remembered. */
bool netem_kernel_available(void);

/* Replace ifname's root qdisc with netem (and a tbf below it for rate),
 * or remove brig's qdiscs when p is empty. */
int netem_kernel_set(const char *ifname, const struct netem_params *p, struct brig_err *e);

/* What netem qdisc ifname has: 1 with *p and *c filled, 0 when none. */
int netem_kernel_get(const char *ifname, struct netem_params *p, struct netem_counters *c,
		     struct brig_err *e);

#endif
