/* orphan.h - what brig made for a container, found without its record.
 *
 * Every monitor writes <runroot>/monitors/<id> ("PID STARTTIME
 * CGROUP-PARENT") before it creates anything, and removes it when it is
 * done.  If a record is gone while its monitor lives (a crash at the wrong
 * moment), `system gc` finds the monitor by that file, kills it (its
 * container dies with it) and releases by id what it held: the cgroup,
 * the host ends of the veths (vb<12 id chars><n>), the leases and the name
 * registry entries. */
#ifndef BRIG_ORPHAN_H
#define BRIG_ORPHAN_H

#include "ctx.h"

/* In the monitor, before it starts the container. */
int orphan_monitor_register(const struct brig_ctx *c, const char *id, const char *cgroup_parent,
			    struct brig_err *e);

/* In the monitor, when it is done. */
void orphan_monitor_unregister(const struct brig_ctx *c, const char *id);

/* Release by id alone what a container may hold: cgroup (under parent, or
 * brig's default when NULL), veth host ends, leases, name registrations. */
void orphan_release(const struct brig_ctx *c, const char *id, const char *cgroup_parent);

/* Kill the monitors whose record is gone and release what they held;
 * forget the files of monitors that are dead.  Returns how many it killed. */
int orphan_sweep(const struct brig_ctx *c);

#endif
