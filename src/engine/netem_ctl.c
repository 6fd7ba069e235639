/* netem_ctl.c - `brig netem` (netem_ctl.h): which link an interface is an
 * end of, and the two engines behind one command.
 *
 * An impairment applies to what leaves an interface (its egress), as
 * netem on it would.  The kernel engine puts netem (and tbf for a rate)
 * on the interface itself.  The user engine, for kernels without
 * sch_netem, splices a relay into the link (relay_ctl.c): the end the user
 * named stays as it is, its peer is swapped for a new veth whose other
 * end is the relay's, and the relay impairs each direction. */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "container.h"
#include "lab_int.h"
#include "lab_record.h"
#include "labels.h"
#include "netem_ctl.h"
#include "netem_ctl_int.h"
#include "proc.h"
#include "state.h"

/* ---- the link of CONTAINER:IFNAME ---- */

static int lab_peer(const struct brig_ctx *c, const char *lab, const char *node,
		    struct netem_link *k, struct brig_err *e)
{
	const struct lab_rec_end *peer;
	struct lab_record r;
	int rc = 0;

	if (lab_record_load(c, lab, &r, e) < 0)
		return -e->code;
	if (!lab_link_find(&r, node, k->end[0].ifname, &peer)) {
		lab_record_free(&r);
		return 0;
	}
	snprintf(k->lab, sizeof(k->lab), "%s", lab);
	snprintf(k->end[1].ifname, sizeof(k->end[1].ifname), "%s", peer->ifname);
	k->end[1].pid = lab_node_pid(c, &r, peer->node, e);
	if (k->end[1].pid < 0)
		rc = -e->code;
	for (size_t i = 0; rc == 0 && i < r.n_nodes; i++)
		if (!strcmp(r.nodes[i].name, peer->node))
			snprintf(k->end[1].name, sizeof(k->end[1].name), "%s",
				 *r.nodes[i].container ? r.nodes[i].container : "host");
	if (rc == 0 && !k->end[1].name[0])
		snprintf(k->end[1].name, sizeof(k->end[1].name), "host");
	lab_record_free(&r);
	return rc < 0 ? rc : 1;
}

/* A container's own network interface: its peer is the host's end. */
static int net_peer(const struct container_state *st, struct netem_link *k)
{
	for (size_t i = 0; i < st->n_nets; i++) {
		if (strcmp(st->nets[i].interface, k->end[0].ifname) || !st->nets[i].host_interface[0])
			continue;
		snprintf(k->end[1].name, sizeof(k->end[1].name), "host");
		snprintf(k->end[1].ifname, sizeof(k->end[1].ifname), "%s",
			 st->nets[i].host_interface);
		k->end[1].pid = 0;
		return 1;
	}
	return 0;
}

int netem_link_resolve(const struct brig_ctx *c, const char *target, struct netem_link *k,
		       struct brig_err *e)
{
	char ref[LAB_END_MAX], ifname[LAB_END_MAX];
	struct container_spec spec = { 0 };
	struct container_state st;
	const char *lab, *node;
	int found = 0;

	memset(k, 0, sizeof(*k));
	if (lab_end_split(target, ref, ifname, e) < 0)
		return -EINVAL;
	if (strlen(ifname) >= sizeof(k->end[0].ifname))
		return brig_errf(e, EINVAL, "invalid interface name '%.64s'", ifname);
	found = container_find(c, ref, k->end[0].id, &k->end[0].pid, e);
	if (found < 0)
		return found;
	if (found == 0)
		return brig_errf(e, ESRCH, "container %s is not running", ref);
	if (state_load(c, k->end[0].id, &spec, &st, e) < 0)
		return -e->code;
	snprintf(k->end[0].name, sizeof(k->end[0].name), "%s", spec.name);
	snprintf(k->end[0].ifname, sizeof(k->end[0].ifname), "%s", ifname);
	lab = labels_get(spec.labels, spec.n_labels, LAB_LABEL);
	node = labels_get(spec.labels, spec.n_labels, "clab-node-name");
	found = lab && node ? lab_peer(c, lab, node, k, e) : 0;
	if (found == 0)
		found = net_peer(&st, k);
	spec_free(&spec);
	if (found == 0)
		return brig_errf(e, ENOENT,
				 "%s is no end of a link brig made (a lab link, or one of the "
				 "container's networks)",
				 target);
	return found < 0 ? found : 0;
}

/* ---- the kernel engine ---- */

struct kernel_job {
	const char *ifname;
	const struct netem_params *p;
};

static int kernel_set_in_ns(void *arg, struct brig_err *e)
{
	const struct kernel_job *j = arg;

	return netem_kernel_set(j->ifname, j->p, e);
}

static int kernel_set(const struct netem_end *end, const struct netem_params *p,
		      struct brig_err *e)
{
	struct kernel_job j = { end->ifname, p };

	if (proc_run_in_ns(end->pid, "net", CLONE_NEWNET, kernel_set_in_ns, &j, e) < 0)
		return brig_err_ctx(e, "%s:%s", end->name, end->ifname);
	return 0;
}

/* ---- the commands ---- */

int netem_ctl_parse(struct netem_params *p, const char *key, const char *value,
		    struct brig_err *e)
{
	return netem_parse_value(p, key, value, e);
}

int netem_ctl_set(const struct brig_ctx *c, const char *target, const struct netem_params *p,
		  enum netem_choice engine, struct brig_err *e)
{
	struct netem_link k;
	int relayed;

	if (netem_check(p, e) < 0 || netem_link_resolve(c, target, &k, e) < 0)
		return -e->code;
	relayed = relay_find(c, &k, e);
	if (relayed < 0)
		return relayed;
	if (engine == NETEM_CHOOSE_KERNEL && relayed)
		return brig_errf(e, EBUSY, "%s is impaired by the user engine: clear it first", target);
	if (!relayed && (engine == NETEM_CHOOSE_KERNEL ||
			 (engine == NETEM_AUTO && netem_kernel_available())))
		return kernel_set(&k.end[0], p, e);
	if (!relayed && netem_params_empty(p))
		return 0; /* nothing impairs it */
	return relay_set(c, &k, p, e);
}

int netem_ctl_clear(const struct brig_ctx *c, const char *target, struct brig_err *e)
{
	static const struct netem_params none;

	return netem_ctl_set(c, target, &none, NETEM_AUTO, e);
}
