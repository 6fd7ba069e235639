/* lab_up.c - `brig lab up`: check everything, record the plan, then make
 * it in dependency order: management network, bridges, nodes (forked
 * workers, max_workers at once), links, exec commands.  Any failure
 * destroys what the record names (lab_destroy), so a failed deploy leaves
 * nothing; so does `lab down` after a crash, since the record is written
 * before the first side effect. */
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rootless_ctl.h"
#include "cleanup.h"
#include "container.h"
#include "io.h"
#include "lab.h"
#include "lab_int.h"
#include "link.h"
#include "monitor.h"
#include "netem_ctl.h"
#include "network.h"
#include "parse.h"
#include "proc.h"
#include "pull.h"
#include "spec_parse.h"
#include "publish.h"
#include "state.h"
#include "topo.h"
#include "util.h"
#include "warn.h"

#define CNAME_MAX 128

/* Everything lab up decided before it changes anything. */
struct plan {
	const struct brig_ctx *c;
	const struct lab_up_opts *o;
	struct topo t;
	char (*cname)[CNAME_MAX];	/* per node: its container's name */
	struct container_spec *spec;	/* per node (linux nodes) */
	char ***words;			/* per node: split cmd/entrypoint, labels to free */
	int *netns;			/* per node, during links: an fd or -1 */
	char mark[LAB_MARK_MAX];	/* ifalias of host-side ends (lab_mark) */
	struct net_network mgmt;
	struct lab_record rec;
};

static void say(const struct plan *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(const struct plan *p, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (!p->o->progress)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	p->o->progress(p->o->arg, line);
}

static bool is_container(const struct topo_node *n)
{
	return n->kind == TOPO_KIND_LINUX;
}

/* ---- container specs from nodes ---- */

/* cmd and entrypoint: containerlab splits them as a shell would. */
static int node_command(struct plan *p, size_t i, struct container_spec *s, struct brig_err *e)
{
	const struct topo_node *n = &p->t.nodes[i];
	char **cmd = NULL, **ep = NULL;
	size_t nc = 0, ne = 0, na = 0;

	if (n->cmd && topo_split_words(n->cmd, &cmd, &nc, e) < 0)
		return brig_err_ctx(e, "cmd");
	p->words[3 * i] = cmd;
	if (n->entrypoint && topo_split_words(n->entrypoint, &ep, &ne, e) < 0)
		return brig_err_ctx(e, "entrypoint");
	p->words[3 * i + 1] = ep;
	if (ne > 0) {
		s->entrypoint = ep[0];
		/* the entrypoint's own arguments come before cmd */
		for (size_t k = 1; k < ne; k++)
			if (spec_list_add(&s->argv, &na, ep[k], e) < 0)
				return -e->code;
	}
	for (size_t k = 0; k < nc; k++)
		if (spec_list_add(&s->argv, &na, cmd[k], e) < 0)
			return -e->code;
	return 0;
}

static int node_lists(const struct topo_node *n, struct container_spec *s, struct brig_err *e)
{
	for (size_t k = 0; k < n->n_env; k++)
		if (spec_list_add(&s->env, &s->n_env, n->env[k], e) < 0)
			return -e->code;
	for (size_t k = 0; k < n->n_sysctls; k++)
		if (spec_check_sysctl(n->sysctls[k], e) < 0 ||
		    spec_list_add(&s->sysctls, &s->n_sysctls, n->sysctls[k], e) < 0)
			return brig_err_ctx(e, "sysctls");
	for (size_t k = 0; k < n->n_cap_add; k++)
		if (spec_parse_cap(n->cap_add[k], &s->cap_add, e) < 0)
			return brig_err_ctx(e, "cap-add");
	for (size_t k = 0; k < n->n_binds; k++)
		if (spec_add_mount(s, SPEC_VOLUME, n->binds[k], NULL, e) < 0)
			return brig_err_ctx(e, "binds");
	return 0;
}

static int node_limits(const struct topo_node *n, struct container_spec *s, struct brig_err *e)
{
	if (n->memory && spec_parse_memory(n->memory, proc_host_memory(), &s->limits.memory, e) < 0)
		return brig_err_ctx(e, "memory");
	if (n->cpu && spec_parse_cpus(n->cpu, proc_host_cpus(), &s->limits, e) < 0)
		return brig_err_ctx(e, "cpu");
	if (n->cpu_set && spec_parse_cpuset(n->cpu_set, proc_host_cpus(), &s->limits, e) < 0)
		return brig_err_ctx(e, "cpu-set");
	return 0;
}

/* eth0 on the management network (answering to the node's name there),
 * or the node's network-mode. */
static int node_network(struct plan *p, size_t i, struct container_spec *s, struct brig_err *e)
{
	const struct topo_node *n = &p->t.nodes[i];
	struct net_attach *a = &s->nets[0];

	s->n_nets = 1;
	if (!n->network_mode) {
		snprintf(a->name, sizeof(a->name), "%s", p->mgmt.name);
		a->ip = n->mgmt_ipv4;
		a->has_ip6 = n->has_mgmt_ipv6;
		a->ip6 = n->mgmt_ipv6;
		a->n_aliases = 1;
		snprintf(a->aliases[0], sizeof(a->aliases[0]), "%s", n->name);
	} else if (strncmp(n->network_mode, "container:", 10) == 0 && n->net_container != TOPO_HOST) {
		snprintf(a->name, sizeof(a->name), "container:%s", p->cname[n->net_container]);
	} else {
		snprintf(a->name, sizeof(a->name), "%s", n->network_mode);
	}
	return spec_validate(s, e);
}

static int node_labels(struct plan *p, size_t i, struct container_spec *s, struct brig_err *e)
{
	const struct topo_node *n = &p->t.nodes[i];
	char kv[PATH_MAX + 64], ***own = &p->words[3 * i + 2];
	const char *fixed[][2] = {
		{ LAB_LABEL, p->t.name }, { "clab-node-name", n->name },
		{ "clab-node-kind", "linux" }, { "clab-topo-file", p->t.path },
	};
	size_t n_own = 0;

	for (size_t k = 0; k < n->n_labels; k++)
		if (spec_list_add(&s->labels, &s->n_labels, n->labels[k], e) < 0)
			return -e->code;
	/* the spec points at its strings: these are the plan's, freed with it */
	for (size_t k = 0; k < ARRAY_SIZE(fixed); k++) {
		snprintf(kv, sizeof(kv), "%s=%s", fixed[k][0], fixed[k][1]);
		if (lab_strv_add(own, &n_own, kv, e) < 0)
			return -e->code;
	}
	for (size_t k = 0; k < n_own; k++)
		if (spec_list_add(&s->labels, &s->n_labels, (*own)[k], e) < 0)
			return -e->code;
	return 0;
}

/* containerlab's ports: (["8080:80", "5353:53/udp"]) as -p values, each
 * checked now so a bad one stops the lab before anything is made. */
static int node_ports(const struct topo_node *n, struct container_spec *s, struct brig_err *e)
{
	for (size_t k = 0; k < n->n_ports; k++)
		if (publish_check(n->ports[k], e) < 0 ||
		    spec_list_add(&s->publish, &s->n_publish, n->ports[k], e) < 0)
			return brig_err_ctx(e, "ports");
	return 0;
}

static int node_spec(struct plan *p, size_t i, struct brig_err *e)
{
	const struct topo_node *n = &p->t.nodes[i];
	struct container_spec *s = &p->spec[i];

	s->name = p->cname[i];
	s->hostname = n->name;
	s->image = n->image;
	s->user = n->user;
	s->privileged = n->privileged;
	s->detach = true;
	if (node_command(p, i, s, e) < 0 || node_lists(n, s, e) < 0 || node_limits(n, s, e) < 0 ||
	    node_labels(p, i, s, e) < 0 || node_network(p, i, s, e) < 0 || node_ports(n, s, e) < 0)
		return brig_err_ctx(e, "%s:%d: node %s", p->t.path, n->line, n->name);
	return 0;
}

/* Whether any node sits on the management network, or a link ends on it. */
static bool needs_mgmt(const struct plan *p)
{
	for (size_t i = 0; i < p->t.n_nodes; i++)
		if (is_container(&p->t.nodes[i]) && !p->t.nodes[i].network_mode)
			return true;
	for (size_t i = 0; i < p->t.n_links; i++)
		if (p->t.links[i].type == TOPO_LINK_MGMT_NET)
			return true;
	return false;
}

/* ---- checks before any side effect ---- */

static int check_names_free(struct plan *p, struct brig_err *e)
{
	char id[BRIG_ID_LEN + 1];

	for (size_t i = 0; i < p->t.n_nodes; i++)
		if (is_container(&p->t.nodes[i]) && state_find_name(p->c, p->cname[i], id))
			return brig_errf(e, EEXIST, "node %s: container name '%s' is already in use",
					 p->t.nodes[i].name, p->cname[i]);
	return 0;
}

static int pull_images(struct plan *p, struct brig_err *e)
{
	struct images_pull_opts po = { 0 };
	struct images_pulled out;

	for (size_t i = 0; i < p->t.n_nodes; i++) {
		const char *image = p->t.nodes[i].image;
		if (!is_container(&p->t.nodes[i]) || !images_need_pull(p->c, image))
			continue;
		say(p, "pulling %s", image);
		if (images_pull(p->c, image, &po, &out, e) < 0)
			return brig_err_ctx(e, "%s:%d: node %s: unable to find image '%s' locally",
					    p->t.path, p->t.nodes[i].line, p->t.nodes[i].name, image);
	}
	return 0;
}

/* An existing management network against the file's ipv6-subnet: the
 * same subnet, or (without one in the file) whatever it has. */
static int check_mgmt6(struct plan *p, struct brig_err *e)
{
	const struct topo_mgmt *m = &p->t.mgmt;
	char s6[NET_CIDR6_STRLEN];

	if (!m->subnet6_given ||
	    (p->mgmt.ipv6 && p->mgmt.prefix6 == m->prefix6 &&
	     IN6_ARE_ADDR_EQUAL(&p->mgmt.subnet6, &m->subnet6)))
		return 0;
	return brig_errf(e, EEXIST, "%s: mgmt: network %s exists %s than %s", p->t.path,
			 m->network, p->mgmt.ipv6 ? "with another IPv6 subnet" : "without IPv6, other",
			 net_prefix6_str(&m->subnet6, m->prefix6, s6));
}

/* A file that names neither subnet gets containerlab's dual-stack
 * default only when the host's default is dual stack or a node asks for a
 * fixed mgmt-ipv6 address: IPv6 forwarding on the host is not turned on
 * behind the user's back. */
static void mgmt_default6(struct topo *t)
{
	if (!t->mgmt.ipv6_implicit || network_default_is_ipv6())
		return;
	for (size_t i = 0; i < t->n_nodes; i++)
		if (t->nodes[i].has_mgmt_ipv6)
			return;
	t->mgmt.ipv6 = false;
}

/* The management network as the file asks for it, and whether it exists. */
static int check_mgmt(struct plan *p, bool *exists, struct brig_err *e)
{
	const struct topo_mgmt *m = &p->t.mgmt;
	char subnet[20], gw[16], mtu[16], s6[NET_CIDR6_STRLEN], gw6[NET_IP6_STRLEN];
	struct network_request req = { .name = m->network, .bridge = m->bridge,
				       .internal = !m->external_access };
	struct brig_err ignored;

	mgmt_default6(&p->t);
	req.ipv6 = m->ipv6;
	if (m->ipv6) {
		req.subnet6 = net_prefix6_str(&m->subnet6, m->prefix6, s6);
		req.gateway6 = net_ip6_str(&m->gateway6, gw6);
	}
	req.subnet = net_prefix_str(m->subnet, m->prefix, subnet);
	if (m->gateway)
		req.gateway = net_ip_str(m->gateway, gw);
	if (m->mtu > 0) {
		snprintf(mtu, sizeof(mtu), "%d", m->mtu);
		req.mtu = mtu;
	}
	*exists = network_load(p->c, m->network, &p->mgmt, &ignored) == 0;
	if (!*exists)
		return network_request_parse(&req, &p->mgmt, e) < 0
			       ? brig_err_ctx(e, "%s: mgmt", p->t.path)
			       : 0;
	if (m->subnet_given && (p->mgmt.subnet != m->subnet || p->mgmt.prefix != m->prefix))
		return brig_errf(e, EEXIST,
				 "%s: mgmt: network %s exists with another subnet than %s",
				 p->t.path, m->network, subnet);
	return check_mgmt6(p, e);
}

static bool host_side(const struct plan *p, size_t node)
{
	return node == TOPO_HOST || p->t.nodes[node].kind != TOPO_KIND_LINUX ||
	       (p->t.nodes[node].network_mode && strcmp(p->t.nodes[node].network_mode, "host") == 0);
}

/* Interfaces the lab will make in the host's namespace: their names must
 * be free now; the record lists them before they are made. */
static int plan_host_end(struct plan *p, const struct topo_link *l, const struct topo_endpoint *end,
			 struct brig_err *e)
{
	int r;

	if (!host_side(p, end->node))
		return 0;
	r = net_link_probe(end->ifname, NULL, e);
	if (r < 0)
		return r;
	if (r > 0)
		return brig_errf(e, EEXIST, "%s:%d: links: interface %s exists on the host already",
				 p->t.path, l->line, end->ifname);
	return lab_strv_add(&p->rec.host_ifs, &p->rec.n_host_ifs, end->ifname, e);
}

static int plan_bridges(struct plan *p, struct brig_err *e)
{
	for (size_t i = 0; i < p->t.n_nodes; i++) {
		const struct topo_node *n = &p->t.nodes[i];
		bool bridge = false;
		int r;
		if (n->kind != TOPO_KIND_BRIDGE)
			continue;
		if ((r = net_link_probe(n->name, &bridge, e)) < 0)
			return r;
		if (r > 0 && !bridge)
			return brig_errf(e, EEXIST, "%s:%d: node %s: link %s exists and is not a bridge",
					 p->t.path, n->line, n->name, n->name);
		if (r == 0 && lab_strv_add(&p->rec.bridges, &p->rec.n_bridges, n->name, e) < 0)
			return -e->code;
	}
	return 0;
}

/* ---- the record ---- */

static const char *kind_name(enum topo_kind k)
{
	return k == TOPO_KIND_BRIDGE ? "bridge" : k == TOPO_KIND_HOST ? "host" : "linux";
}

static void rec_end(const struct plan *p, const struct topo_endpoint *end, struct lab_rec_end *r,
		    bool *ok)
{
	r->node = strdup(end->node == TOPO_HOST ? "host" : p->t.nodes[end->node].name);
	r->ifname = strdup(end->ifname);
	r->ipv4 = end->ipv4;
	r->prefix = end->ipv4_prefix;
	r->has_ipv6 = end->has_ipv6;
	r->ipv6 = end->ipv6;
	r->prefix6 = end->ipv6_prefix;
	*ok = *ok && r->node && r->ifname;
	if (!netem_params_empty(&end->netem)) {
		char text[256];

		netem_params_str(&end->netem, text, sizeof(text));
		r->netem = strdup(text);
		*ok = *ok && r->netem;
	}
}

static const char *const link_types[] = { "veth", "mgmt-net", "host", "dummy" };

static int record_links(struct plan *p, struct brig_err *e)
{
	bool ok = true;

	p->rec.links = calloc(p->t.n_links + 1, sizeof(*p->rec.links));
	if (!p->rec.links)
		return brig_errf(e, ENOMEM, "out of memory");
	for (size_t i = 0; i < p->t.n_links; i++) {
		const struct topo_link *l = &p->t.links[i];
		struct lab_rec_link *r = &p->rec.links[p->rec.n_links++];
		r->type = strdup(link_types[l->type]);
		r->mtu = l->mtu;
		ok = ok && r->type;
		rec_end(p, &l->a, &r->a, &ok);
		if (l->type != TOPO_LINK_DUMMY)
			rec_end(p, &l->b, &r->b, &ok);
	}
	return ok ? 0 : brig_errf(e, ENOMEM, "out of memory");
}

static int record_nodes(struct plan *p, struct brig_err *e)
{
	bool ok = true;

	p->rec.nodes = calloc(p->t.n_nodes + 1, sizeof(*p->rec.nodes));
	if (!p->rec.nodes)
		return brig_errf(e, ENOMEM, "out of memory");
	for (size_t i = 0; i < p->t.n_nodes; i++) {
		const struct topo_node *n = &p->t.nodes[i];
		struct lab_rec_node *r = &p->rec.nodes[p->rec.n_nodes++];
		r->name = strdup(n->name);
		r->container = strdup(is_container(n) ? p->cname[i] : "");
		r->kind = strdup(kind_name(n->kind));
		r->image = n->image ? strdup(n->image) : NULL;
		r->group = n->group ? strdup(n->group) : NULL;
		ok = ok && r->name && r->container && r->kind && (!n->image || r->image) &&
		     (!n->group || r->group);
	}
	return ok ? 0 : brig_errf(e, ENOMEM, "out of memory");
}

static int record_plan(struct plan *p, bool mgmt_exists, struct brig_err *e)
{
	char now[40];

	p->rec.name = strdup(p->t.name);
	p->rec.file = strdup(p->t.path);
	p->rec.created = strdup(rfc3339(now_ns(), now, sizeof(now)));
	p->rec.state = strdup("deploying");
	p->rec.mgmt_network = strdup(p->mgmt.name);
	p->rec.mgmt_created = !mgmt_exists && needs_mgmt(p);
	if (!p->rec.name || !p->rec.file || !p->rec.created || !p->rec.state ||
	    !p->rec.mgmt_network)
		return brig_errf(e, ENOMEM, "out of memory");
	if (record_nodes(p, e) < 0 || record_links(p, e) < 0 || plan_bridges(p, e) < 0)
		return -e->code;
	for (size_t i = 0; i < p->t.n_links; i++) {
		const struct topo_link *l = &p->t.links[i];
		if (plan_host_end(p, l, &l->a, e) < 0 ||
		    (l->type != TOPO_LINK_DUMMY && plan_host_end(p, l, &l->b, e) < 0))
			return -e->code;
	}
	return 0;
}

/* ---- nodes: forked workers in dependency order ---- */

struct job_report {
	int code;
	char msg[1024];
};

/* In a worker: create node i's container and have its monitor start it. */
static int start_node(struct plan *p, size_t i, struct brig_err *e)
{
	struct container ct;
	int code, r;

	if (p->t.nodes[i].startup_delay)
		sleep(p->t.nodes[i].startup_delay);
	if (container_create(p->c, &p->spec[i], &ct, e) < 0)
		return brig_err_ctx(e, "node %s", p->t.nodes[i].name);
	r = monitor_launch(p->c, &ct, &code, e);
	container_free(&ct);
	return r < 0 ? brig_err_ctx(e, "node %s", p->t.nodes[i].name) : 0;
}

typedef int (*job_fn)(struct plan *p, size_t i, struct brig_err *e);

/* A worker: dies with lab up (a SIGKILLed deploy starts nothing more),
 * reports over fd. */
static pid_t fork_job(struct plan *p, size_t i, job_fn fn, int *rd, struct brig_err *e)
{
	pid_t parent = getpid(), pid;
	int fds[2];

	if (pipe2(fds, O_CLOEXEC) < 0)
		return brig_errno(e, "pipe");
	fflush(NULL);
	if ((pid = fork()) < 0) {
		close(fds[0]);
		close(fds[1]);
		return brig_errno(e, "fork");
	}
	if (pid == 0) {
		struct job_report rep = { 0 };
		struct brig_err je = { 0 };
		close(fds[0]);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
			_exit(1);
		rep.code = fn(p, i, &je) < 0 ? (je.code ? je.code : EIO) : 0;
		snprintf(rep.msg, sizeof(rep.msg), "%s", je.msg);
		_exit(write(fds[1], &rep, sizeof(rep)) == (ssize_t)sizeof(rep) ? 0 : 1);
	}
	close(fds[1]);
	*rd = fds[0];
	return pid;
}

/* The state of each job in run_jobs. */
enum job_state { JOB_WAITING, JOB_RUNNING, JOB_DONE, JOB_FAILED };

static bool job_ready(const struct plan *p, const enum job_state *st, size_t i)
{
	const struct topo_node *n = &p->t.nodes[i];

	if (n->network_mode && n->net_container != TOPO_HOST &&
	    strncmp(n->network_mode, "container:", 10) == 0 && st[n->net_container] != JOB_DONE)
		return false;
	for (size_t k = 0; k < n->n_wait_for; k++)
		if (st[n->wait_for[k]] != JOB_DONE)
			return false;
	return true;
}

struct jobs {
	enum job_state *st;
	pid_t *pid;
	int *rd;
	size_t running;
	bool failed;
};

/* Reap one worker; its failure goes to e (the first one only). */
static void reap_one(struct jobs *j, size_t n, struct brig_err *e)
{
	struct job_report rep = { .code = EIO };
	pid_t pid;
	size_t i;

	while ((pid = waitpid(-1, NULL, 0)) < 0 && errno == EINTR)
		;
	if (pid < 0) { /* no worker left to wait for: none can report */
		brig_errno(e, "wait for the workers");
		j->running = 0;
		j->failed = true;
		return;
	}
	for (i = 0; i < n && j->pid[i] != pid; i++)
		;
	if (i == n)
		return;
	if (read(j->rd[i], &rep, sizeof(rep)) != (ssize_t)sizeof(rep))
		snprintf(rep.msg, sizeof(rep.msg), "a worker died");
	close(j->rd[i]);
	j->running--;
	j->st[i] = rep.code ? JOB_FAILED : JOB_DONE;
	if (rep.code && !j->failed)
		brig_errf(e, rep.code, "%s", rep.msg);
	j->failed = j->failed || rep.code;
}

/* Launch what is ready, up to workers at once; -1 when a fork failed. */
static int launch_ready(struct plan *p, struct jobs *j, bool (*wanted)(const struct plan *, size_t),
			job_fn fn, size_t workers, struct brig_err *e)
{
	for (size_t i = 0; i < p->t.n_nodes && j->running < workers; i++) {
		if (j->st[i] != JOB_WAITING || !wanted(p, i) || !job_ready(p, j->st, i))
			continue;
		if ((j->pid[i] = fork_job(p, i, fn, &j->rd[i], e)) < 0)
			return -1;
		j->st[i] = JOB_RUNNING;
		j->running++;
	}
	return 0;
}

/* fn for every wanted node, in dependency order, workers at once; stops
 * launching at the first failure and waits for the running ones. */
static int run_jobs(struct plan *p, bool (*wanted)(const struct plan *, size_t), job_fn fn,
		    size_t workers, struct brig_err *e)
{
	size_t n = p->t.n_nodes;
	struct jobs j = { calloc(n + 1, sizeof(*j.st)), calloc(n + 1, sizeof(*j.pid)),
			  calloc(n + 1, sizeof(*j.rd)), 0, false };
	int r = 0;

	if (!j.st || !j.pid || !j.rd)
		r = brig_errf(e, ENOMEM, "out of memory");
	for (size_t i = 0; r == 0 && i < n; i++)
		j.st[i] = wanted(p, i) ? JOB_WAITING : JOB_DONE;
	while (r == 0 && !j.failed) {
		if (launch_ready(p, &j, wanted, fn, workers, e) < 0)
			j.failed = true;
		if (j.running == 0)
			break;
		reap_one(&j, n, e);
	}
	while (j.running > 0)
		reap_one(&j, n, e);
	for (size_t i = 0; r == 0 && !j.failed && i < n; i++)
		if (j.st[i] != JOB_DONE)
			r = brig_errf(e, EDEADLK, "node %s: waits for a node that never came up",
				      p->t.nodes[i].name);
	free(j.st), free(j.pid), free(j.rd);
	return r < 0 ? r : j.failed ? -e->code : 0;
}

static bool container_node(const struct plan *p, size_t i)
{
	return is_container(&p->t.nodes[i]);
}

static size_t workers(const struct plan *p)
{
	return p->o->max_workers > 0 ? (size_t)p->o->max_workers : 4 * (size_t)proc_host_cpus();
}

/* ---- links ---- */

static int node_netns(struct plan *p, size_t node, struct brig_err *e)
{
	char id[BRIG_ID_LEN + 1], full[BRIG_ID_LEN + 1];
	pid_t pid;

	if (p->netns[node] >= 0)
		return p->netns[node];
	if (!state_find_name(p->c, p->cname[node], id) || container_find(p->c, id, full, &pid, e) != 1)
		return brig_errf(e, ESRCH, "node %s is not running", p->t.nodes[node].name);
	return p->netns[node] = proc_ns_open(pid, "net", e);
}

/* One end as net_wire_create wants it. */
static int wire_end(struct plan *p, const struct topo_endpoint *te, struct net_end *ne,
		    struct brig_err *e)
{
	memset(ne, 0, sizeof(*ne));
	ne->netns = -1;
	ne->ifname = te->ifname;
	ne->has_mac = te->has_mac;
	memcpy(ne->mac, te->mac, 6);
	ne->addr = te->ipv4;
	ne->prefix = te->ipv4_prefix;
	ne->has_addr6 = te->has_ipv6;
	ne->addr6 = te->ipv6;
	ne->prefix6 = te->ipv6_prefix;
	if (host_side(p, te->node)) {
		ne->mark = p->mark;
		if (te->node != TOPO_HOST && p->t.nodes[te->node].kind == TOPO_KIND_BRIDGE)
			ne->master = p->t.nodes[te->node].name;
		return 0;
	}
	return (ne->netns = node_netns(p, te->node, e)) < 0 ? -1 : 0;
}

static int make_link(struct plan *p, const struct topo_link *l, struct brig_err *e)
{
	struct net_end a, b;

	if (wire_end(p, &l->a, &a, e) < 0)
		return -1;
	if (l->type == TOPO_LINK_DUMMY)
		return net_dummy_create(&a, l->mtu, e);
	if (wire_end(p, &l->b, &b, e) < 0)
		return -1;
	if (l->type == TOPO_LINK_MGMT_NET)
		b.master = p->mgmt.bridge;
	return net_wire_create(&a, &b, l->mtu, e);
}

static int make_links(struct plan *p, struct brig_err *e)
{
	for (size_t i = 0; i < p->t.n_links; i++)
		if (make_link(p, &p->t.links[i], e) < 0)
			return brig_err_ctx(e, "%s:%d: link %zu", p->t.path, p->t.links[i].line,
					    i + 1);
	return 0;
}

static bool is_container_end(const struct plan *p, const struct topo_endpoint *end)
{
	return end->node != TOPO_HOST && is_container(&p->t.nodes[end->node]);
}

/* The impairments the file declares, on every end that has them (the
 * kernel's netem, or a relay spliced into the link: netem_ctl.h).  A
 * host end is reached through its container end, as that end's peer. */
static int impair_links(struct plan *p, struct brig_err *e)
{
	for (size_t i = 0; i < p->t.n_links; i++) {
		const struct topo_link *l = &p->t.links[i];
		const struct topo_endpoint *ends[2] = { &l->a, &l->b };
		char target[CNAME_MAX + 20];

		if (l->type != TOPO_LINK_VETH)
			continue;
		for (int j = 0; j < 2; j++) {
			/* a is a container end (topo.h); b may be the host's */
			bool own = is_container_end(p, ends[j]);
			const struct topo_endpoint *at = own ? ends[j] : ends[1 - j];

			if (netem_params_empty(&ends[j]->netem))
				continue;
			if (!is_container_end(p, at))
				return brig_errf(e, EINVAL, "%s:%d: link %zu: netem needs a container "
						 "at one end", p->t.path, l->line, i + 1);
			snprintf(target, sizeof(target), "%s:%s", p->cname[at->node], at->ifname);
			if (netem_ctl_set_link(p->c, target, own ? 0 : 1, &ends[j]->netem,
					       NETEM_AUTO, e) < 0)
				return brig_err_ctx(e, "%s:%d: link %zu", p->t.path, l->line, i + 1);
		}
	}
	return 0;
}

/* ---- exec ---- */

static bool has_exec(const struct plan *p, size_t i)
{
	return is_container(&p->t.nodes[i]) && p->t.nodes[i].n_exec > 0;
}

/* The last line of out, for a message. */
static const char *last_line(char *out, size_t len)
{
	while (len > 0 && (out[len - 1] == '\n' || out[len - 1] == '\r'))
		out[--len] = '\0';
	char *nl = strrchr(out, '\n');
	return nl ? nl + 1 : out;
}

/* In a worker: node i's exec commands, in order; the first that fails
 * fails the deploy, naming node and command. */
static int exec_node(struct plan *p, size_t i, struct brig_err *e)
{
	const struct topo_node *n = &p->t.nodes[i];

	for (size_t k = 0; k < n->n_exec; k++) {
		cleanup_free char *out = NULL;
		char **argv = NULL;
		size_t argc, len = 0;
		int status = 0, r;
		if (topo_split_words(n->exec[k], &argv, &argc, e) < 0)
			return brig_err_ctx(e, "node %s: exec '%s'", n->name, n->exec[k]);
		r = argc ? lab_capture(p->c, p->cname[i], argv, &status, &out, &len, e) : 0;
		strv_free(argv);
		if (r < 0)
			return brig_err_ctx(e, "node %s: exec '%s'", n->name, n->exec[k]);
		if (status != 0)
			return brig_errf(e, EIO, "node %s: exec '%s' failed (exit status %d)%s%s",
					 n->name, n->exec[k], status, len ? ": " : "",
					 len ? last_line(out, len) : "");
	}
	return 0;
}

/* ---- the deploy ---- */

static int make_bridges(struct plan *p, struct brig_err *e)
{
	for (size_t i = 0; i < p->rec.n_bridges; i++)
		if (net_bridge_add_marked(p->rec.bridges[i], p->mark, e) < 0)
			return -e->code;
	return 0;
}

static int make_mgmt(struct plan *p, struct brig_err *e)
{
	if (!needs_mgmt(p))
		return 0;
	if (p->rec.mgmt_created) {
		say(p, "creating network %s", p->mgmt.name);
		if (network_create(p->c, &p->mgmt, e) < 0 && e->code != EEXIST)
			return brig_err_ctx(e, "management network");
	}
	if (network_load(p->c, p->mgmt.name, &p->mgmt, e) < 0 ||
	    network_setup_host(p->c, &p->mgmt, e) < 0)
		return brig_err_ctx(e, "management network");
	return 0;
}

static int deploy(struct plan *p, struct brig_err *e)
{
	if (make_mgmt(p, e) < 0 || make_bridges(p, e) < 0)
		return -e->code;
	say(p, "starting %zu nodes", p->t.n_nodes);
	if (run_jobs(p, container_node, start_node, workers(p), e) < 0)
		return -e->code;
	say(p, "creating %zu links", p->t.n_links);
	if (make_links(p, e) < 0 || impair_links(p, e) < 0)
		return -e->code;
	if (run_jobs(p, has_exec, exec_node, workers(p), e) < 0)
		return -e->code;
	free(p->rec.state);
	if (!(p->rec.state = strdup("running")))
		return brig_errf(e, ENOMEM, "out of memory");
	return lab_record_save(p->c, &p->rec, e);
}

/* ---- plan ---- */

static int plan_alloc(struct plan *p, struct brig_err *e)
{
	size_t n = p->t.n_nodes + 1;

	p->cname = calloc(n, sizeof(*p->cname));
	p->spec = calloc(n, sizeof(*p->spec));
	p->words = calloc(3 * n, sizeof(*p->words));
	p->netns = malloc(n * sizeof(*p->netns));
	if (!p->cname || !p->spec || !p->words || !p->netns)
		return brig_errf(e, ENOMEM, "out of memory");
	lab_mark(p->t.name, p->mark);
	for (size_t i = 0; i < n; i++)
		p->netns[i] = -1;
	return 0;
}

static int plan_nodes(struct plan *p, struct brig_err *e)
{
	for (size_t i = 0; i < p->t.n_nodes; i++)
		if (topo_container_name(&p->t, &p->t.nodes[i], p->cname[i], CNAME_MAX, e) < 0)
			return -e->code;
	for (size_t i = 0; i < p->t.n_nodes; i++)
		if (is_container(&p->t.nodes[i]) && node_spec(p, i, e) < 0)
			return -e->code;
	return check_names_free(p, e);
}

static void plan_free(struct plan *p)
{
	for (size_t i = 0; p->spec && i < p->t.n_nodes; i++)
		spec_lists_free(&p->spec[i]);
	for (size_t i = 0; p->words && i < 3 * p->t.n_nodes; i++)
		strv_free(p->words[i]);
	for (size_t i = 0; p->netns && i < p->t.n_nodes; i++)
		if (p->netns[i] >= 0)
			close(p->netns[i]);
	free(p->cname), free(p->spec), free(p->words), free(p->netns);
	lab_record_free(&p->rec);
	topo_free(&p->t);
}

/* A lab of that name recorded already: refused, or destroyed first. */
static int settle_existing(struct plan *p, struct brig_err *e)
{
	struct lab_record old;
	int r = lab_record_load(p->c, p->t.name, &old, e);

	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	if (!p->o->reconfigure) {
		lab_record_free(&old);
		return brig_errf(e, EEXIST,
				 "lab %s is already deployed (brig lab down %s, or lab up --reconfigure)",
				 p->t.name, p->t.name);
	}
	say(p, "destroying lab %s", p->t.name);
	r = lab_destroy(p->c, &old, e);
	lab_record_free(&old);
	return r;
}

static int up_locked(struct plan *p, struct brig_err *e)
{
	bool mgmt_exists;
	struct brig_err ignored;

	if (settle_existing(p, e) < 0 || plan_alloc(p, e) < 0 || check_mgmt(p, &mgmt_exists, e) < 0 ||
	    plan_nodes(p, e) < 0 || pull_images(p, e) < 0 || record_plan(p, mgmt_exists, e) < 0)
		return -e->code;
	/* the first side effect comes after this */
	if (lab_record_save(p->c, &p->rec, e) < 0)
		return -e->code;
	if (deploy(p, e) == 0)
		return 0;
	lab_destroy(p->c, &p->rec, &ignored);
	return -e->code;
}

int lab_up(const struct brig_ctx *c, const char *file, const struct lab_up_opts *o, char *name,
	   struct brig_err *e)
{
	struct plan p = { .c = c, .o = o };
	cleanup_close int lock = -1;
	int r;

	if (rootless_refuse("lab up (bridges, links)", e) < 0)
		return -e->code;

	if (topo_load(file, &p.t, e) < 0)
		return -e->code;
	snprintf(name, LAB_NAME_MAX, "%s", p.t.name);
	if ((lock = lab_lock(c, p.t.name, e)) < 0 || container_cgroups_ready(e) < 0) {
		topo_free(&p.t);
		return -e->code;
	}
	r = up_locked(&p, e);
	plan_free(&p);
	return r;
}
