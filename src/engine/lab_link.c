/* lab_link.c - `lab link LAB A:IF B:IF down|up`: a link taken down like a
 * pulled cable, and put back.
 *
 * Neither end is set admin-down: the kernel flushes the IPv4 routes
 * through an interface that goes down (and its IPv6 addresses), which the
 * lab's exec lines or routing daemons made and would not make again.
 * Instead both ends drop every frame that leaves or arrives
 * (net_link_block: a tc BPF program on clsact egress and ingress), so
 * nothing passes either way while the interfaces, their addresses and
 * their routes stay as they were; `up` removes the programs. */
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "block.h"
#include "container.h"
#include "lab.h"
#include "lab_int.h"
#include "lab_record.h"
#include "proc.h"
#include "util.h"

int lab_end_split(const char *s, char node[LAB_END_MAX], char ifname[LAB_END_MAX],
		  struct brig_err *e)
{
	const char *colon = strchr(s, ':');

	if (!colon || colon == s || !colon[1] || (size_t)(colon - s) >= LAB_END_MAX ||
	    strlen(colon + 1) >= LAB_END_MAX)
		return brig_errf(e, EINVAL, "invalid link end '%.64s' (want NODE:INTERFACE)", s);
	snprintf(node, LAB_END_MAX, "%.*s", (int)(colon - s), s);
	snprintf(ifname, LAB_END_MAX, "%s", colon + 1);
	return 0;
}

static bool end_is(const struct lab_rec_end *x, const char *node, const char *ifname)
{
	return x->node && !strcmp(x->node, node) && !strcmp(x->ifname, ifname);
}

const struct lab_rec_link *lab_link_find(const struct lab_record *r, const char *node,
					 const char *ifname, const struct lab_rec_end **peer)
{
	for (size_t i = 0; i < r->n_links; i++) {
		const struct lab_rec_link *l = &r->links[i];

		if (!l->b.node)
			continue;
		if (end_is(&l->a, node, ifname) || end_is(&l->b, node, ifname)) {
			*peer = end_is(&l->a, node, ifname) ? &l->b : &l->a;
			return l;
		}
	}
	return NULL;
}

pid_t lab_node_pid(const struct brig_ctx *c, const struct lab_record *r, const char *node,
		   char *id, struct brig_err *e)
{
	char own[BRIG_ID_LEN + 1];
	pid_t pid = 0;

	if (!id)
		id = own;
	*id = '\0';
	if (!strcmp(node, "host"))
		return 0;
	for (size_t i = 0; i < r->n_nodes; i++) {
		if (strcmp(r->nodes[i].name, node))
			continue;
		if (!*r->nodes[i].container)
			return 0; /* a bridge or host node: its interfaces are the host's */
		if (container_find(c, r->nodes[i].container, id, &pid, e) != 1)
			return brig_errf(e, ESRCH, "node %s of lab %s is not running", node, r->name);
		return pid;
	}
	return brig_errf(e, ENOENT, "lab %s has no node %.64s", r->name, node);
}

struct block_job {
	const char *ifname;
	bool block;
};

static int block_in_ns(void *arg, struct brig_err *e)
{
	const struct block_job *j = arg;

	return net_link_block(j->ifname, j->block, e);
}

static int block_end(const struct brig_ctx *c, const struct lab_record *r,
		     const struct lab_rec_end *end, bool block, struct brig_err *e)
{
	struct block_job j = { end->ifname, block };
	pid_t pid = lab_node_pid(c, r, end->node, NULL, e);

	if (pid < 0)
		return pid;
	if (proc_run_in_ns(pid, "net", CLONE_NEWNET, block_in_ns, &j, e) < 0)
		return brig_err_ctx(e, "%s:%s", end->node, end->ifname);
	return 0;
}

int lab_link_set(const struct brig_ctx *c, const char *lab, const char *end_a, const char *end_b,
		 bool up, struct brig_err *e)
{
	char node[2][LAB_END_MAX], ifname[2][LAB_END_MAX];
	const struct lab_rec_link *l;
	const struct lab_rec_end *peer;
	struct lab_record r;
	int rc = 0;

	if (lab_end_split(end_a, node[0], ifname[0], e) < 0 ||
	    lab_end_split(end_b, node[1], ifname[1], e) < 0)
		return -e->code;
	if (lab_record_load(c, lab, &r, e) < 0)
		return -e->code;
	l = lab_link_find(&r, node[0], ifname[0], &peer);
	if (!l || !end_is(peer, node[1], ifname[1]))
		rc = brig_errf(e, ENOENT, "lab %s has no link %s -- %s", lab, end_a, end_b);
	for (int j = 0; j < 2 && rc == 0; j++)
		rc = block_end(c, &r, j ? &l->b : &l->a, !up, e);
	lab_record_free(&r);
	return rc;
}
