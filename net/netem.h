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

/* The largest values accepted: a minute of delay is far beyond any real
 * link (and within the kernel's 32-bit tick field, ~274 s); 1000tbit. */
#define NETEM_DURATION_MAX_US (60ULL * 1000000)
#define NETEM_RATE_MAX_BPS (1000ULL * 1000 * 1000 * 1000 * 1000)

/* One value given for key ("delay", "jitter", "loss", "rate", "corrupt",
 * "duplicate", "reorder") into p.  Durations: "50ms", "1.5s", "200us",
 * also sec/msec/usec/ns (a bare number is ms), at most 60s; percentages:
 * "1%", "0.5" (0..100, 9 decimals kept); rates as tc(8) writes them,
 * case-insensitive: bit, kbit, mbit, gbit, tbit, bps, kbps, mbps, gbps,
 * tbps (bytes/s) and the IEC kibit..tibit, kibps..tibps; a bare number
 * is kbit/s (containerlab's --rate).  "0" is allowed and means "not set".
 * Plain decimals only: no sign, exponent, blank, "inf" or "nan".
 * -EINVAL on a bad unit, a negative value, one out of range, an empty
 * one or an unknown key; p is unchanged then and e holds one line naming
 * key and value without dashes, as `delay "-5ms": a duration must not be
 * negative`: the CLI prefixes "invalid --", a topology file its
 * "FILE:LINE: links[0].netem: ". */
int netem_parse_value(struct netem_params *p, const char *key, const char *value,
		      struct brig_err *e);

/* After every value: each within its range (as netem_parse_value
 * bounds it; percentages not NaN), jitter <= delay, reorder needs a
 * delay.  -EINVAL with e naming what is wrong. */
int netem_check(const struct netem_params *p, struct brig_err *e);

/* All zero: no impairment. */
bool netem_params_empty(const struct netem_params *p);

/* "delay 50ms jitter 5ms loss 1% rate 10mbit corrupt 0.1% duplicate 1%
 * reorder 25%" (only what is set, in that order; "" when empty).
 * Durations and rates as tc prints them (50ms, 1.5s, 200us; 10mbit,
 * 1.5gbit, 100bit), exactly: the string parses back to the same values.
 * Returns its length, or -ENOSPC when buf is too small (buf then holds
 * what fitted of whole "key value" pairs, NUL-terminated). */
int netem_params_str(const struct netem_params *p, char *buf, size_t len);

/* ---- the kernel engine (the interface is in the current netns) ---- */

/* Whether this kernel has sch_netem: probed once per process, then
 * remembered.  The probe is a forked child (proc_run_child) that
 * unshares a network namespace and adds a netem qdisc on its lo, so
 * nothing of the caller's changes and nothing outlives the child.
 * False when it cannot tell (no privilege): the user engine then. */
bool netem_kernel_available(void);

/* Impair ifname's egress with p: its root qdisc becomes netem (handle
 * 1:), with a tbf (10:, below netem's class 1:1) when a rate is set.
 * A netem already there is changed in place; a root of another kind is
 * replaced.  An empty p deletes the root qdisc when it is netem (and
 * the tbf with it); none there is success, a root of another kind is
 * left alone.  -EINVAL for what netem_check refuses, -ERANGE for a rate
 * tbf cannot take (below 1kbit, above 34gbit), both before any request;
 * -ENODEV "no interface IFNAME"; otherwise the kernel's reason
 * ("IFNAME: add netem qdisc: ...: Specified qdisc kind is unknown"). */
int netem_kernel_set(const char *ifname, const struct netem_params *p, struct brig_err *e);

/* The netem on ifname: 1 with *p (delay to the kernel's tick,
 * percentages to 1/2^32, the tbf's rate to the byte) and *c (what netem
 * passed on, and dropped: its losses and what its tbf refused; netem
 * counts no duplicates, corruptions or reorderings: 0), or 0 when its
 * root qdisc is no netem (p and c untouched). */
int netem_kernel_get(const char *ifname, struct netem_params *p, struct netem_counters *c,
		     struct brig_err *e);

#endif
