/* lab.c - the verbs on a deployed lab: down, ls, inspect, exec (lab.h);
 * lab_up.c deploys. */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "container.h"
#include "exec.h"
#include "lab.h"
#include "lab_int.h"
#include "lifecycle.h"
#include "link.h"
#include "netem_ctl.h"
#include "network.h"
#include "parse.h"
#include "state.h"
#include "topo.h"
#include "util.h"

#define CAPTURE_MAX (1 << 20) /* of a command's output; the rest is read and dropped */

/* Keep the first failure in e. */
static void note(struct brig_err *e, const struct brig_err *err)
{
	if (!e->code)
		*e = *err;
}

/* ---- destroy ---- */

/* The ids of the lab's containers: the recorded names, and any container
 * labelled with the lab (one made while the record was being written). */
static int lab_containers(const struct brig_ctx *c, const struct lab_record *r,
			  char (**ids)[BRIG_ID_LEN + 1], size_t *n, struct brig_err *e)
{
	char (*more)[BRIG_ID_LEN + 1];

	if (container_list_labeled(c, LAB_LABEL, r->name, ids, n, e) < 0)
		return -e->code;
	more = realloc(*ids, (*n + r->n_nodes + 1) * sizeof(**ids));
	if (!more)
		return brig_errf(e, ENOMEM, "out of memory");
	*ids = more;
	/* by exact name: a node named like an id prefix is no prefix here */
	for (size_t i = 0; i < r->n_nodes; i++)
		if (*r->nodes[i].container && state_find_name(c, r->nodes[i].container, more[*n]))
			++*n;
	return 0;
}

/* A container gone meanwhile is no failure of down's. */
static void note_removal(void *arg, const struct brig_err *err)
{
	if (err->code != ENOENT)
		note(arg, err);
}

static void remove_containers(const struct brig_ctx *c, const struct lab_record *r,
			      struct brig_err *e)
{
	char(*ids)[BRIG_ID_LEN + 1] = NULL;
	struct brig_err err = { 0 };
	char **refs;
	size_t n = 0;

	if (lab_containers(c, r, &ids, &n, &err) < 0)
		note(e, &err);
	refs = calloc(n + 1, sizeof(*refs));
	if (!refs)
		note(e, &(struct brig_err){ .code = ENOMEM, .msg = "out of memory" });
	for (size_t i = 0; refs && i < n; i++)
		refs[i] = ids[i];
	if (refs)
		container_kill_remove_all(c, refs, note_removal, e);
	free(refs);
	free(ids);
}

/* Another lab recorded with the same management network. */
static bool mgmt_shared(const struct brig_ctx *c, const struct lab_record *r)
{
	char **names = NULL;
	bool shared = false;
	struct brig_err err;

	if (lab_record_list(c, &names, &err) < 0)
		return true; /* unknown: keep it */
	for (char **p = names; *p && !shared; p++) {
		struct lab_record o;
		if (strcmp(*p, r->name) == 0 || lab_record_load(c, *p, &o, &err) < 0)
			continue;
		shared = o.mgmt_network && strcmp(o.mgmt_network, r->mgmt_network) == 0;
		lab_record_free(&o);
	}
	strv_free(names);
	return shared;
}

static void remove_host_side(const struct lab_record *r, struct brig_err *e)
{
	char mark[LAB_MARK_MAX];
	struct brig_err err;

	lab_mark(r->name, mark);
	for (size_t i = 0; i < r->n_host_ifs; i++)
		if (net_link_delete_marked(r->host_ifs[i], mark, &err) < 0)
			note(e, &err);
	for (size_t i = 0; i < r->n_bridges; i++)
		if (net_link_delete_marked(r->bridges[i], mark, &err) < 0)
			note(e, &err);
}

int lab_destroy(const struct brig_ctx *c, const struct lab_record *r, struct brig_err *e)
{
	struct brig_err err;

	e->code = 0;
	netem_ctl_forget_lab(c, r->name);
	remove_containers(c, r, e);
	remove_host_side(r, e);
	/* "in use" is no failure: the network stays for whoever uses it */
	if (r->mgmt_created && r->mgmt_network && !mgmt_shared(c, r) &&
	    network_remove(c, r->mgmt_network, &err) < 0 && err.code != EBUSY &&
	    err.code != ENOENT)
		note(e, &err);
	if (e->code)
		return -e->code;
	return lab_record_remove(c, r->name, e);
}

int lab_resolve(const char *ref, char *name, struct brig_err *e)
{
	struct topo t;
	struct stat st;

	if (stat(ref, &st) == 0 && S_ISREG(st.st_mode)) {
		if (topo_load(ref, &t, e) < 0)
			return -e->code;
		snprintf(name, LAB_NAME_MAX, "%s", t.name);
		topo_free(&t);
		return 0;
	}
	if (!valid_name(ref) || strlen(ref) >= LAB_NAME_MAX)
		return brig_errf(e, ENOENT, "'%s': no such lab or topology file", ref);
	snprintf(name, LAB_NAME_MAX, "%s", ref);
	return 0;
}

int lab_down(const struct brig_ctx *c, const char *ref, struct brig_err *e)
{
	char name[LAB_NAME_MAX];
	cleanup_close int lock = -1;
	struct lab_record r;
	int rc;

	if (lab_resolve(ref, name, e) < 0)
		return -e->code;
	if ((lock = lab_lock(c, name, e)) < 0 || lab_record_load(c, name, &r, e) < 0)
		return -e->code;
	rc = lab_destroy(c, &r, e);
	lab_record_free(&r);
	return rc;
}

int lab_names(const struct brig_ctx *c, char ***names, struct brig_err *e)
{
	return lab_record_list(c, names, e);
}

/* ---- ls ---- */

static bool node_running(const struct brig_ctx *c, const struct lab_rec_node *n)
{
	char id[BRIG_ID_LEN + 1], full[BRIG_ID_LEN + 1];
	struct brig_err ignored;

	return *n->container && state_find_name(c, n->container, id) &&
	       container_find(c, id, full, NULL, &ignored) == 1;
}

static void summarize(const struct brig_ctx *c, const struct lab_record *r,
		      struct lab_summary *s)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "%s", r->name);
	snprintf(s->state, sizeof(s->state), "%s", r->state);
	snprintf(s->file, sizeof(s->file), "%s", r->file ? r->file : "");
	for (size_t i = 0; i < r->n_nodes; i++) {
		if (!*r->nodes[i].container)
			continue;
		s->nodes++;
		s->running += node_running(c, &r->nodes[i]);
	}
}

int lab_list(const struct brig_ctx *c, struct lab_summary **v, size_t *n, struct brig_err *e)
{
	char **names = NULL;

	*v = NULL;
	*n = 0;
	if (lab_record_list(c, &names, e) < 0)
		return -e->code;
	*v = calloc(strv_len(names) + 1, sizeof(**v));
	if (!*v) {
		strv_free(names);
		return brig_errf(e, ENOMEM, "out of memory");
	}
	for (char **p = names; *p; p++) {
		struct lab_record r;
		struct brig_err ignored;
		if (lab_record_load(c, *p, &r, &ignored) < 0)
			continue;
		summarize(c, &r, &(*v)[(*n)++]);
		lab_record_free(&r);
	}
	strv_free(names);
	return 0;
}

/* ---- inspect ---- */

static json_t *end_doc(const struct lab_rec_end *end)
{
	char cidr[20], cidr6[NET_CIDR6_STRLEN];

	return json_pack("{s:s,s:s,s:s,s:s,s:s}", "node", end->node, "interface", end->ifname,
			 "ipv4", lab_end_cidr(end, cidr), "ipv6", lab_end_cidr6(end, cidr6), "netem",
			 end->netem ? end->netem : "");
}

/* The interfaces of node name, from the links' ends. */
static json_t *interfaces_doc(const struct lab_record *r, const char *name)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < r->n_links; i++) {
		const struct lab_rec_link *l = &r->links[i];
		const struct lab_rec_end *ends[2] = { &l->a, &l->b };
		for (int k = 0; k < 2; k++) {
			const struct lab_rec_end *me = ends[k], *peer = ends[1 - k];
			char peer_s[160] = "", cidr[20], cidr6[NET_CIDR6_STRLEN];
			if (!me->node || strcmp(me->node, name) != 0)
				continue;
			if (peer->node)
				snprintf(peer_s, sizeof(peer_s), "%s:%s", peer->node, peer->ifname);
			json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "name",
							   me->ifname, "peer", peer_s, "ipv4",
							   lab_end_cidr(me, cidr), "ipv6",
							   lab_end_cidr6(me, cidr6), "type", l->type,
							   "netem", me->netem ? me->netem : ""));
		}
	}
	return a;
}

/* A container node's state and management addresses (cidr6: "" without). */
static void node_live(const struct brig_ctx *c, const struct lab_rec_node *n, const char **state,
		      char cidr[24], char cidr6[NET_CIDR6_STRLEN])
{
	struct container_state st;
	char id[BRIG_ID_LEN + 1];
	struct brig_err ignored;

	*state = "absent";
	cidr[0] = cidr6[0] = '\0';
	if (!*n->container) {
		*state = "";
		return;
	}
	if (!state_find_name(c, n->container, id) || state_load(c, id, NULL, &st, &ignored) < 0)
		return;
	*state = container_status(&st);
	if (st.n_nets > 0 && st.nets[0].address)
		net_prefix_str(st.nets[0].address, st.nets[0].prefix, cidr);
	if (st.n_nets > 0 && st.nets[0].has6)
		net_prefix6_str(&st.nets[0].address6, st.nets[0].prefix6, cidr6);
}

static json_t *node_doc(const struct brig_ctx *c, const struct lab_record *r,
			const struct lab_rec_node *n)
{
	const char *state;
	char cidr[24], cidr6[NET_CIDR6_STRLEN];

	node_live(c, n, &state, cidr, cidr6);
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:o}", "name", n->name, "container",
			 n->container, "kind", n->kind, "image", n->image ? n->image : "", "group",
			 n->group ? n->group : "", "state", state, "ipv4", cidr, "ipv6", cidr6,
			 "interfaces", interfaces_doc(r, n->name));
}

static json_t *mgmt_doc(const struct brig_ctx *c, const struct lab_record *r)
{
	struct net_network n;
	struct brig_err ignored;
	char cidr[24] = "", cidr6[NET_CIDR6_STRLEN] = "";

	if (r->mgmt_network && network_load(c, r->mgmt_network, &n, &ignored) == 0) {
		net_cidr_str(&n, cidr);
		if (n.ipv6)
			net_prefix6_str(&n.subnet6, n.prefix6, cidr6);
	}
	return json_pack("{s:s,s:s,s:s}", "network", r->mgmt_network ? r->mgmt_network : "",
			 "subnet", cidr, "subnet6", cidr6);
}

int lab_inspect(const struct brig_ctx *c, const char *name, json_t **doc, struct brig_err *e)
{
	struct lab_record r;
	json_t *nodes, *links;

	if (lab_record_load(c, name, &r, e) < 0)
		return -e->code;
	nodes = json_array();
	links = json_array();
	for (size_t i = 0; nodes && i < r.n_nodes; i++)
		json_array_append_new(nodes, node_doc(c, &r, &r.nodes[i]));
	for (size_t i = 0; links && i < r.n_links; i++) {
		const struct lab_rec_link *l = &r.links[i];
		json_t *j = json_pack("{s:s,s:i,s:o}", "type", l->type, "mtu", l->mtu, "a",
				      end_doc(&l->a));
		if (j && l->b.node)
			json_object_set_new(j, "b", end_doc(&l->b));
		json_array_append_new(links, j);
	}
	*doc = json_pack("{s:s,s:s,s:s,s:o,s:o,s:o}", "name", r.name, "file", r.file ? r.file : "",
			 "state", r.state, "mgmt", mgmt_doc(c, &r), "nodes", nodes, "links", links);
	lab_record_free(&r);
	return *doc ? 0 : brig_errf(e, ENOMEM, "out of memory");
}

/* ---- exec ---- */

/* Read fd to its end, keeping the first CAPTURE_MAX bytes. */
static int slurp(int fd, char **out, size_t *len, struct brig_err *e)
{
	size_t cap = 4096;
	char *buf = malloc(cap), drop[4096];
	ssize_t n;

	*len = 0;
	if (!buf)
		return brig_errf(e, ENOMEM, "out of memory");
	for (;;) {
		if (*len + 1 >= cap && cap < CAPTURE_MAX) {
			char *nb = realloc(buf, cap * 2);
			if (!nb)
				break;
			buf = nb;
			cap *= 2;
		}
		bool room = *len + 1 < cap;
		n = read(fd, room ? buf + *len : drop, room ? cap - *len - 1 : sizeof(drop));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (room)
			*len += (size_t)n;
	}
	buf[*len] = '\0';
	*out = buf;
	return 0;
}

int lab_capture(const struct brig_ctx *c, const char *ref, char *const *argv, int *status,
		char **out, size_t *len, struct brig_err *e)
{
	struct exec_request req = { .argv = (char **)argv, .stdio = { -1, -1, -1 } };
	struct exec_proc p;
	int fds[2], code;

	*out = NULL;
	*len = 0;
	if (pipe2(fds, O_CLOEXEC) < 0)
		return brig_errno(e, "pipe");
	req.stdio[1] = req.stdio[2] = fds[1];
	if (container_exec_start(c, ref, &req, &p, &code, e) < 0) {
		close(fds[0]);
		close(fds[1]);
		*status = code;
		return -e->code;
	}
	close(fds[1]);
	slurp(fds[0], out, len, e);
	close(fds[0]);
	*status = container_exec_wait(&p);
	return 0;
}

static bool filtered_in(char *const *filter, const char *node)
{
	if (!filter)
		return true;
	for (char *const *f = filter; *f; f++)
		if (strcmp(*f, node) == 0)
			return true;
	return false;
}

/* Every name of filter is a container node of r. */
static int check_filter(const struct lab_record *r, char *const *filter, struct brig_err *e)
{
	for (char *const *f = filter; f && *f; f++) {
		size_t i;
		for (i = 0; i < r->n_nodes; i++)
			if (*r->nodes[i].container && strcmp(r->nodes[i].name, *f) == 0)
				break;
		if (i == r->n_nodes)
			return brig_errf(e, ENOENT, "lab %s has no container node '%s'", r->name, *f);
	}
	return 0;
}

int lab_exec(const struct brig_ctx *c, const char *name, char *const *filter, char *const *argv,
	     void (*each)(void *arg, const struct lab_exec_out *out), void *arg,
	     struct brig_err *e)
{
	struct lab_record r;
	int failed = 0;

	if (lab_record_load(c, name, &r, e) < 0)
		return -e->code;
	if (check_filter(&r, filter, e) < 0) {
		lab_record_free(&r);
		return -e->code;
	}
	for (size_t i = 0; i < r.n_nodes; i++) {
		const struct lab_rec_node *n = &r.nodes[i];
		struct lab_exec_out o = { n->name, n->container, 0, "", 0, NULL };
		cleanup_free char *out = NULL;
		struct brig_err err = { 0 };
		if (!*n->container || !filtered_in(filter, n->name))
			continue;
		if (lab_capture(c, n->container, argv, &o.status, &out, &o.len, &err) < 0)
			o.error = err.msg;
		o.output = out ? out : "";
		failed += o.status != 0;
		each(arg, &o);
	}
	lab_record_free(&r);
	return failed;
}
