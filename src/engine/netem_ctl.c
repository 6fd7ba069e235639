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

#include "cleanup.h"
#include "container.h"
#include "lab_int.h"
#include "lab_record.h"
#include "labels.h"
#include "netem_ctl.h"
#include "netem_ctl_int.h"
#include "nsexec.h"
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
	k->end[1].pid = lab_node_pid(c, &r, peer->node, k->end[1].id, e);
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
	snprintf(k->end[0].ifname, sizeof(k->end[0].ifname), "%.15s", ifname);
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
	struct netem_counters *counters; /* kernel_get: shared with the helper */
	int found;
};

static int kernel_set_in_ns(void *arg, struct brig_err *e)
{
	const struct kernel_job *j = arg;

	return netem_kernel_set(j->ifname, j->p, e);
}

static int kernel_set(const struct netem_end *end, const struct netem_params *p,
		      struct brig_err *e)
{
	struct kernel_job j = { end->ifname, p, NULL, 0 };

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

int netem_ctl_set_link(const struct brig_ctx *c, const char *target, int dir,
		       const struct netem_params *p, enum netem_choice engine, struct brig_err *e)
{
	struct netem_link k;
	bool relayed;

	if (netem_check(p, e) < 0 || netem_link_resolve(c, target, &k, e) < 0)
		return -e->code;
	relayed = relay_find(c, &k);
	if (engine == NETEM_CHOOSE_KERNEL && relayed)
		return brig_errf(e, EBUSY, "%s is impaired by brig's relay: clear it first", target);
	if (engine == NETEM_CHOOSE_KERNEL && !netem_kernel_available())
		return brig_errf(e, EOPNOTSUPP, "this kernel has no netem (sch_netem): use --engine "
				 "user or auto");
	if (!relayed && (engine == NETEM_CHOOSE_KERNEL ||
			 (engine == NETEM_AUTO && netem_kernel_available())))
		return kernel_set(&k.end[dir], p, e);
	if (!relayed && netem_params_empty(p))
		return 0; /* nothing impairs it */
	return relay_set(c, &k, dir, p, e);
}

int netem_ctl_set(const struct brig_ctx *c, const char *target, const struct netem_params *p,
		  enum netem_choice engine, struct brig_err *e)
{
	return netem_ctl_set_link(c, target, 0, p, engine, e);
}

int netem_ctl_clear(const struct brig_ctx *c, const char *target, struct brig_err *e)
{
	static const struct netem_params none;

	return netem_ctl_set(c, target, &none, NETEM_AUTO, e);
}

/* ---- show ---- */

/* The interfaces of a running container that may be impaired: its
 * networks' and, for a lab node, its link ends. */
struct kernel_show {
	pid_t pid;
	char name[64];
	size_t n;
	char ifname[64][16];
	struct netem_params p[64];
	struct netem_counters k[64];
	bool found[64];
};

/* In a helper in the container's netns: x's netem, sent back whole. */
static int kernel_get_in_ns(void *arg, struct nsexec_reply *r, struct brig_err *e)
{
	struct kernel_show *x = arg;

	for (size_t i = 0; i < x->n; i++) {
		int got = netem_kernel_get(x->ifname[i], &x->p[i], &x->k[i], e);

		if (got < 0 && got != -ENODEV)
			return got;
		x->found[i] = got == 1;
	}
	return nsexec_send(r, x, sizeof(*x), e);
}

static void add_ifname(struct kernel_show *x, const char *ifname)
{
	for (size_t i = 0; i < x->n; i++)
		if (!strcmp(x->ifname[i], ifname))
			return;
	if (x->n < ARRAY_SIZE(x->ifname))
		snprintf(x->ifname[x->n++], sizeof(x->ifname[0]), "%s", ifname);
}

static void lab_ifnames(const struct brig_ctx *c, const struct container_spec *spec,
			struct kernel_show *x)
{
	const char *lab = labels_get(spec->labels, spec->n_labels, LAB_LABEL);
	const char *node = labels_get(spec->labels, spec->n_labels, "clab-node-name");
	struct lab_record r;
	struct brig_err ignored;

	if (!lab || !node || lab_record_load(c, lab, &r, &ignored) < 0)
		return;
	for (size_t i = 0; i < r.n_links; i++) {
		if (r.links[i].a.node && !strcmp(r.links[i].a.node, node))
			add_ifname(x, r.links[i].a.ifname);
		if (r.links[i].b.node && !strcmp(r.links[i].b.node, node))
			add_ifname(x, r.links[i].b.ifname);
	}
	lab_record_free(&r);
}

static int kernel_entries(struct kernel_show *x, const char *ifname, struct netem_entry **v,
			  size_t *n, struct brig_err *e)
{
	for (size_t i = 0; i < x->n; i++) {
		struct netem_entry *y, *nv;

		if (!x->found[i] || (ifname && strcmp(ifname, x->ifname[i])))
			continue;
		if (!(nv = realloc(*v, (*n + 1) * sizeof(*nv))))
			return brig_errf(e, ENOMEM, "out of memory");
		*v = nv;
		y = memset(&nv[(*n)++], 0, sizeof(*y));
		snprintf(y->container, sizeof(y->container), "%s", x->name);
		snprintf(y->ifname, sizeof(y->ifname), "%s", x->ifname[i]);
		y->engine = NETEM_KERNEL;
		y->params = x->p[i];
		netem_params_str(&x->p[i], y->text, sizeof(y->text));
		y->counters = x->k[i];
	}
	return 0;
}

/* The kernel's netem qdiscs on container id's interfaces. */
static int kernel_show(const struct brig_ctx *c, const char *id, const char *ifname,
		       struct netem_entry **v, size_t *n, struct brig_err *e)
{
	struct container_spec spec = { 0 };
	struct container_state st;
	cleanup_free struct kernel_show *x = calloc(1, sizeof(*x));
	cleanup_free void *got = NULL;
	char full[BRIG_ID_LEN + 1];
	size_t len = 0;
	int rc = 0;

	if (!x)
		return brig_errf(e, ENOMEM, "out of memory");
	if (container_find(c, id, full, NULL, e) != 1 || state_load(c, full, &spec, &st, e) < 0)
		return 0; /* not running (any more) */
	snprintf(x->name, sizeof(x->name), "%s", spec.name);
	for (size_t i = 0; i < st.n_nets; i++)
		add_ifname(x, st.nets[i].interface);
	lab_ifnames(c, &spec, x);
	if (nsexec_run(c, full, kernel_get_in_ns, x, &got, &len, e) == 0 && len == sizeof(*x))
		rc = kernel_entries(got, ifname, v, n, e);
	spec_free(&spec);
	return rc;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct netem_entry *x = a, *y = b;
	int r = strcmp(x->container, y->container);

	return r ? r : strcmp(x->ifname, y->ifname);
}

int netem_ctl_show(const struct brig_ctx *c, const char *filter, struct netem_entry **v,
		   size_t *n, struct brig_err *e)
{
	char ref[LAB_END_MAX] = "", ifname[LAB_END_MAX] = "", **ids = NULL;
	int rc;

	*v = NULL;
	*n = 0;
	if (filter && strchr(filter, ':') && lab_end_split(filter, ref, ifname, e) < 0)
		return -e->code;
	if (filter && !ref[0])
		snprintf(ref, sizeof(ref), "%s", filter);
	rc = relay_show(c, ref[0] ? ref : NULL, ifname[0] ? ifname : NULL, v, n, e);
	if (rc == 0 && netem_kernel_available()) {
		if (ref[0])
			rc = kernel_show(c, ref, ifname[0] ? ifname : NULL, v, n, e);
		else if ((rc = state_list(c, &ids, e)) == 0)
			for (size_t i = 0; rc == 0 && ids[i]; i++)
				rc = kernel_show(c, ids[i], NULL, v, n, e);
		strv_free(ids);
	}
	if (rc < 0) {
		free(*v);
		*v = NULL;
		*n = 0;
		return rc;
	}
	qsort(*v, *n, sizeof(**v), entry_cmp);
	return 0;
}

void netem_ctl_forget_lab(const struct brig_ctx *c, const char *lab)
{
	relay_forget_lab(c, lab);
}
