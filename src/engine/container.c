/* container.c - create, start and finish a container. */
#include <fcntl.h>
#include <sched.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "proc.h"
#include "container.h"
#include "hosts.h"
#include "image.h"
#include "link.h"
#include "network.h"
#include "orphan.h"
#include "parse.h"
#include "resolv.h"
#include "state.h"
#include "warn.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* The image (by name) or a root filesystem directory (any argument with a
 * '/', as podman's --rootfs). */
static int resolve_rootfs(const struct brig_ctx *c, const char *image, char id[BRIG_ID_LEN + 1],
			  char *rootfs, size_t len, struct brig_err *e)
{
	struct stat st;

	if (!strchr(image, '/'))
		return image_resolve(c, image, id, rootfs, len, e);
	id[0] = '\0';
	if (!realpath(image, rootfs) || stat(rootfs, &st) < 0)
		return brig_errno(e, "rootfs %s", image);
	if (!S_ISDIR(st.st_mode))
		return brig_errf(e, ENOTDIR, "rootfs %s: not a directory", image);
	return 0;
}

static int make_dirs(struct container *ct, const char *rootfs, struct brig_err *e)
{
	static const char *const sub[] = { "upper", "work", "merged" };
	char path[PATH_MAX];
	struct stat st;

	for (size_t i = 0; i < ARRAY_SIZE(sub); i++) {
		snprintf(path, sizeof(path), "%s/%s", ct->dir, sub[i]);
		if (mkdir(path, 0700) < 0 && errno != EEXIST)
			return brig_errno(e, "mkdir %s", path);
	}
	/* The container's "/" takes the upper dir's mode and owner: give it
	 * the image root's, or a non-root user could not even enter "/". */
	snprintf(path, sizeof(path), "%s/upper", ct->dir);
	if (stat(rootfs, &st) < 0)
		return brig_errno(e, "stat %s", rootfs);
	if (chmod(path, st.st_mode & 07777) < 0 || chown(path, st.st_uid, st.st_gid) < 0)
		return brig_errno(e, "set mode of %s", path);
	return 0;
}

/* An empty container: no process, no pty, no lock held. */
static void container_blank(struct container *ct)
{
	memset(ct, 0, sizeof(*ct));
	ct->pid = -1;
	ct->pty_master = -1;
	ct->lock_fd = -1;
}

int container_create(const struct brig_ctx *c, const struct container_spec *o, struct container *ct,
		     struct brig_err *e)
{
	struct container_spec s = *o;
	char rootfs[PATH_MAX];
	int lock, r;

	container_blank(ct);
	if (resolve_rootfs(c, o->image, s.image_id, rootfs, sizeof(rootfs), e) < 0)
		return -e->code;
	s.rootfs = rootfs;
	rfc3339(now_ns(), s.created, sizeof(s.created));
	lock = state_lock(c, e);
	if (lock < 0)
		return lock;
	r = state_create(c, &s, &ct->lock_fd, &ct->spec, e);
	state_unlock(lock);
	if (r < 0)
		return r;
	snprintf(ct->id, sizeof(ct->id), "%s", ct->spec.id);
	snprintf(ct->name, sizeof(ct->name), "%s", ct->spec.name);
	ct->created_now = true;
	if (state_path(c, ct->id, NULL, ct->dir, sizeof(ct->dir), e) < 0 ||
	    make_dirs(ct, rootfs, e) < 0) {
		struct brig_err ignore;
		state_remove(c, ct->id, &ignore);
		return -e->code;
	}
	return 0;
}

void container_free(struct container *ct)
{
	spec_free(&ct->spec);
	container_unlock(ct);
	if (ct->cg)
		cgroup_free(ct->cg);
	ct->cg = NULL;
}

/* ---- start ---- */

static bool env_has(char **env, size_t n, const char *key)
{
	size_t klen = strlen(key);

	for (size_t i = 0; i < n; i++)
		if (strncmp(env[i], key, klen) == 0 && env[i][klen] == '=')
			return true;
	return false;
}

/* Append KEY=VALUE unless the user already set KEY. */
static void add_default(char **env, size_t *k, const char *key, const char *value)
{
	if (!env_has(env, *k, key) && asprintf(&env[*k], "%s=%s", key, value) > 0)
		(*k)++;
}

/* The container's environment: extra (exec's -e) and the record's -e
 * values first (the first definition of a name wins), then the defaults
 * the user did not set.  Every string is malloc'd; free with strv_free(). */
static char **build_env(const struct container_spec *spec, char *const *extra, size_t n_extra)
{
	size_t n = n_extra + spec->n_env, k = 0;
	char **env = calloc(n + 8, sizeof(*env));

	if (!env)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		const char *kv = i < n_extra ? extra[i] : spec->env[i - n_extra];
		const char *host = strchr(kv, '=') ? NULL : getenv(kv);
		/* -e NAME takes the caller's value, as in Docker */
		if (strchr(kv, '=') ? (env[k] = strdup(kv)) != NULL
				    : host && asprintf(&env[k], "%s=%s", kv, host) > 0)
			k++;
	}
	add_default(env, &k, "HOSTNAME", spec->hostname ? spec->hostname : "");
	add_default(env, &k, "PATH", DEFAULT_PATH);
	add_default(env, &k, "HOME", "/root");
	if (spec->tty)
		add_default(env, &k, "TERM", "xterm");
	return env;
}

static void strv_free(char **v)
{
	for (size_t i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

/* Look NAME (or a numeric uid) up in the image's /etc/passwd, read from
 * the lower layer. */
static int lookup_passwd(const char *rootfs, const char *name, uid_t *uid, gid_t *gid)
{
	char path[PATH_MAX], line[512];
	cleanup_fclose FILE *f = NULL;

	snprintf(path, sizeof(path), "%s/etc/passwd", rootfs);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f)) {
		char *save, *n = strtok_r(line, ":", &save), *pw = strtok_r(NULL, ":", &save);
		char *u = strtok_r(NULL, ":", &save), *g = strtok_r(NULL, ":", &save);
		if (n && pw && u && g && (strcmp(n, name) == 0 || strcmp(u, name) == 0)) {
			*uid = (uid_t)strtoul(u, NULL, 10);
			*gid = (gid_t)strtoul(g, NULL, 10);
			return 0;
		}
	}
	return -1;
}

/* -u UID[:GID] or NAME[:GID]; a name is looked up in the image. */
static int parse_user(const char *spec, const char *rootfs, struct spawn_spec *s,
		      struct brig_err *e)
{
	char buf[256];
	char *colon;
	uint64_t v;

	if (!*spec)
		return 0;
	snprintf(buf, sizeof(buf), "%s", spec);
	colon = strchr(buf, ':');
	if (colon)
		*colon++ = '\0';
	s->user_set = true;
	s->gid = 0;
	if (parse_uint(buf, UINT32_MAX - 1, &v, e) == 0) {
		s->uid = (uid_t)v;
		gid_t g;
		uid_t u;
		if (lookup_passwd(rootfs, buf, &u, &g) == 0)
			s->gid = g;
	} else if (lookup_passwd(rootfs, buf, &s->uid, &s->gid) < 0) {
		return brig_errf(e, EINVAL, "user '%s': no such user in the image", buf);
	}
	if (colon) {
		if (parse_uint(colon, UINT32_MAX - 1, &v, e) < 0)
			return brig_errf(e, EINVAL, "user '%s': group must be numeric", spec);
		s->gid = (gid_t)v;
	}
	return 0;
}

/* ---- networks ---- */

/* The first network's name: a mode (none, host, container:NAME) or a
 * bridge network (spec_from_json gives a record at least one). */
static const char *first_net(const struct container_spec *spec)
{
	return spec->n_nets ? spec->nets[0].name : DEFAULT_NETWORK;
}

/* The network mode from --net: none, host, container:NAME, or bridge
 * networks (the default). */
static int net_mode(const struct brig_ctx *c, const struct container_spec *spec,
		    struct spawn_spec *s, struct brig_err *e)
{
	const char *first = first_net(spec);
	char id[BRIG_ID_LEN + 1];
	struct container_state st;

	s->net = SPAWN_NET_NEW;
	if (strcmp(first, "none") == 0)
		return 0;
	if (strcmp(first, "host") == 0) {
		s->net = SPAWN_NET_HOST;
		return 0;
	}
	if (strncmp(first, "container:", 10) != 0)
		return 0;
	if (state_resolve(c, first + 10, id, e) < 0 || state_load(c, id, NULL, &st, e) < 0)
		return brig_err_ctx(e, "--net %s", first);
	if (strcmp(container_status(&st), "running") != 0)
		return brig_errf(e, EINVAL, "--net %s: container is not running", first);
	s->net = SPAWN_NET_JOIN;
	s->join_net_pid = st.pid;
	return 0;
}

static bool is_bridge_mode(const struct container_spec *spec)
{
	return !netspec_is_mode(first_net(spec));
}

/* Release the leases; with delete_links also the host ends of the veths.
 * After the container exited they need no deleting: its network namespace
 * dies with it and takes both ends of each pair along, in the kernel's own
 * (asynchronous) cleanup, instead of ~15 ms of synchronous unregistering
 * here. */
static void release_networks(const struct brig_ctx *c, struct container *ct, bool delete_links)
{
	struct brig_err ignore;

	for (size_t i = 0; i < ct->n_nets; i++) {
		if (delete_links)
			net_link_delete(ct->ifaces[i].host_if, &ignore);
		network_release(c, ct->nets[i].name, ct->id, &ignore);
	}
}

/* The state's record of interface f on network n (aliases from a). */
static void iface_record(const struct net_network *n, const struct spawn_iface *f,
			 const struct net_attach *a, struct container_net *x)
{
	memset(x, 0, sizeof(*x));
	snprintf(x->network, sizeof(x->network), "%s", n->name);
	x->address = f->addr;
	x->prefix = f->prefix;
	x->gateway = n->no_gateway ? 0 : n->gateway;
	memcpy(x->mac, f->mac, sizeof(x->mac));
	memcpy(x->interface, f->ifname, sizeof(x->interface));
	memcpy(x->host_interface, f->host_if, sizeof(x->host_interface));
	x->default_route = f->gw != 0;
	for (size_t i = 0; a && i < a->n_aliases; i++)
		memcpy(x->aliases[x->n_aliases++], a->aliases[i], sizeof(x->aliases[0]));
}

void container_veth_name(char out[16], char kind, const char *id, size_t i)
{
	out[0] = 'v';
	out[1] = kind;
	memcpy(out + 2, id, 12);
	out[14] = (char)('0' + i);
	out[15] = '\0';
}

/* Without an address, the MAC comes from the id: 254.x.y.z, where the last
 * byte mixes in the slot, so each of its interfaces differs. */
static uint32_t id_mac_seed(const char *id, size_t slot)
{
	char hex[7];
	unsigned long v;

	memcpy(hex, id, 6); /* ids are 64 hex digits */
	hex[6] = '\0';
	v = strtoul(hex, NULL, 16);
	return 0xfe000000u | (((uint32_t)v << 4) & 0xfffff0) | (uint32_t)slot;
}

const struct container_net *container_attachment(const struct container_state *st,
						  const char *net, size_t *index)
{
	for (size_t i = 0; i < st->n_nets; i++) {
		if (!strcmp(st->nets[i].network, net)) {
			if (index)
				*index = i;
			return &st->nets[i];
		}
	}
	return NULL;
}

/* The address this container had on network n in its last run, or 0. */
static uint32_t previous_address(const struct container *ct, const char *net)
{
	const struct container_net *x = container_attachment(&ct->prev, net, NULL);

	return x ? x->address : 0;
}

/* The static address when asked for; on a start again, the address it had
 * when still free (else any). */
static int lease(const struct brig_ctx *c, struct container *ct, const struct net_network *n,
		 uint32_t requested, pid_t owner, uint32_t *addr, struct brig_err *e)
{
	uint32_t prev = requested ? 0 : previous_address(ct, n->name);
	struct brig_err taken;

	if (prev && network_lease(c, n, ct->id, owner, prev, addr, &taken) == 0)
		return 0;
	return network_lease(c, n, ct->id, owner, requested, addr, e);
}

/* One bridge network as interface eth<slot>: host setup, a lease owned by
 * owner, and the veth description (no default route yet). */
static int attach_one(const struct brig_ctx *c, struct container *ct, const struct net_attach *a,
		      size_t slot, pid_t owner, struct brig_err *e)
{
	size_t i = ct->n_nets;
	struct net_network *n = &ct->nets[i];
	struct spawn_iface *f = &ct->ifaces[i];

	if (network_load(c, a->name, n, e) < 0 || network_setup_host(c, n, e) < 0)
		return -e->code;
	if (n->ipam_none && a->ip)
		return brig_errf(e, EINVAL, "network %s has no IPAM: no ip= for it", n->name);
	f->addr = 0; /* no IPAM: an interface without an address */
	if (!n->ipam_none && lease(c, ct, n, a->ip, owner, &f->addr, e) < 0)
		return -e->code;
	ct->n_nets++;
	/* veth names must fit IFNAMSIZ and be unique on the host: from the id */
	container_veth_name(f->host_if, 'b', ct->id, slot);
	container_veth_name(f->peer_if, 'p', ct->id, slot);
	snprintf(f->ifname, sizeof(f->ifname), "eth%c", (char)('0' + slot));
	memcpy(f->bridge, n->bridge, sizeof(f->bridge));
	f->mtu = n->mtu;
	f->prefix = n->prefix;
	f->gw = 0;
	if (a->has_mac)
		memcpy(f->mac, a->mac, sizeof(f->mac));
	else
		net_mac_from_ip(f->addr ? f->addr : id_mac_seed(ct->id, slot), f->mac);
	return 0;
}

/* The default route goes via the gateway of the network with the highest
 * gw-priority (the first of equals), as in Docker 28; an --internal or
 * --no-gateway network never provides one.  Returns the index or -1. */
static int default_route_net(const struct container *ct, const struct net_attach *v)
{
	int best = -1;

	for (size_t i = 0; i < ct->n_nets; i++) {
		if (ct->nets[i].internal || ct->nets[i].no_gateway)
			continue;
		if (best < 0 || v[i].gw_priority > v[best].gw_priority)
			best = (int)i;
	}
	return best;
}

static int attach_networks(const struct brig_ctx *c, struct container *ct, struct brig_err *e)
{
	const struct net_attach *v = ct->spec.nets;
	size_t n = ct->spec.n_nets;
	int gw;

	for (size_t i = 0; i < n; i++)
		if (attach_one(c, ct, &v[i], i, getpid(), e) < 0)
			goto fail;
	gw = default_route_net(ct, v);
	if (gw >= 0)
		ct->ifaces[gw].gw = ct->nets[gw].gateway;
	for (size_t i = 0; i < ct->n_nets; i++)
		iface_record(&ct->nets[i], &ct->ifaces[i], &v[i], &ct->st.nets[i]);
	ct->st.n_nets = ct->n_nets;
	ct->st.has_networks = true;
	return 0;
fail:
	release_networks(c, ct, true);
	ct->n_nets = 0;
	return -e->code;
}

/* resolv.conf from the host's, --dns* and whether a network routes out. */
static char *container_resolv(const struct container *ct)
{
	cleanup_free char *host = NULL;
	struct resolv_opts o = { 0 };
	struct brig_err ignore;
	size_t len;

	if (read_file("/etc/resolv.conf", &host, &len, &ignore) < 0)
		host = NULL;
	for (size_t i = 0; i < ct->n_nets; i++)
		o.reachable |= !ct->nets[i].internal && !ct->nets[i].no_gateway;
	/* NULL (not set) differs from empty: only what is set replaces */
	o.dns = ct->spec.dns;
	o.search = ct->spec.dns_search;
	o.options = ct->spec.dns_opts;
	return resolv_text(host, &o);
}

/* ---- cgroup ---- */

int container_cgroups_ready(struct brig_err *e)
{
	static int detected;

	if (!detected && cgroup_detect(NULL, NULL, NULL, e) < 0)
		return brig_err_ctx(e, "detect cgroups");
	detected = 1;
	return 0;
}

static int create_cgroup(struct container *ct, struct brig_err *e)
{
	if (container_cgroups_ready(e) < 0)
		return -e->code;
	if (cgroup_create(ct->spec.cgroup_parent, ct->id, &ct->spec.limits, &ct->cg, e) < 0)
		return brig_err_ctx(e, "cgroup");
	return 0;
}

static void destroy_cgroup(struct container *ct)
{
	struct brig_err ignore;

	if (!ct->cg)
		return;
	cgroup_destroy(ct->cg, &ignore);
	cgroup_free(ct->cg);
	ct->cg = NULL;
}

/* ---- start ---- */

static int save_state(const struct brig_ctx *c, struct container *ct, struct brig_err *e)
{
	return state_save(c, ct->id, &ct->st, e);
}

/* The default set, plus --cap-add, minus --cap-drop. */
static uint64_t config_caps(const struct container_spec *spec)
{
	return (spawn_default_caps() | spec->cap_add) & ~spec->cap_drop;
}

static void fill_spec(struct container *ct, struct spawn_spec *s, char path[4][PATH_MAX])
{
	s->id = ct->id;
	s->hostname = ct->spec.hostname ? ct->spec.hostname : "";
	s->lower = ct->spec.rootfs;
	snprintf(path[0], PATH_MAX, "%s/upper", ct->dir);
	snprintf(path[1], PATH_MAX, "%s/work", ct->dir);
	snprintf(path[2], PATH_MAX, "%s/merged", ct->dir);
	s->upper = path[0];
	s->work = path[1];
	s->merged = path[2];
	s->workdir = ct->spec.workdir;
	s->ifaces = ct->ifaces;
	s->n_ifaces = ct->n_nets;
	s->caps = config_caps(&ct->spec);
	s->redirect = ct->redirect;
	memcpy(s->stdio, ct->stdio, sizeof(s->stdio));
	s->tty = ct->spec.tty;
	s->init = ct->spec.init;
	s->rows = ct->rows;
	s->cols = ct->cols;
}

/* The container runs: its pid and ours (the owner), each with its start
 * time so a recycled pid is never mistaken for it. */
static int record_running(const struct brig_ctx *c, struct container *ct, struct brig_err *e)
{
	ct->st.status = CONTAINER_RUNNING;
	ct->st.pid = ct->pid;
	ct->st.starttime = proc_starttime(ct->pid);
	ct->st.owner = getpid();
	ct->st.owner_starttime = proc_starttime(getpid());
	rfc3339(now_ns(), ct->st.started, sizeof(ct->st.started));
	return save_state(c, ct, e);
}

/* The n words joined by commas into out; empty when they do not fit
 * (never a cut-off name).  Each was validated when run parsed it. */
static void join_words(const char *const *words, size_t n, char *out, size_t len)
{
	size_t off = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(out + off, len - off, "%s%s", i ? "," : "", words[i]);
	if (off >= len)
		out[0] = '\0';
}

static void join_aliases(const struct container_net *x, char *out, size_t len)
{
	const char *words[NETSPEC_ALIASES];

	for (size_t i = 0; i < x->n_aliases; i++)
		words[i] = x->aliases[i];
	join_words(words, x->n_aliases, out, len);
}

/* The container as its networks' name registries see it: names, and one
 * address per network from the state's networks (pointers into spec and
 * st). */
static void hosts_entry_of(const char *id, const struct container_spec *spec,
			   const struct container_state *st, struct hosts_entry *h)
{
	memset(h, 0, sizeof(*h));
	h->id = id;
	h->pid = st->pid;
	h->shared = st->hosts_shared;
	h->name = spec->name;
	h->hostname = spec->hostname ? spec->hostname : "";
	for (size_t i = 0; i < st->n_nets && h->n_nets < HOSTS_MAX_NETS; i++) {
		const struct container_net *x = &st->nets[i];
		if (!x->address)
			continue;
		h->nets[h->n_nets] = x->network;
		join_aliases(x, h->aliases[h->n_nets], sizeof(h->aliases[0]));
		h->addrs[h->n_nets++] = x->address;
	}
	/* --add-host NAME:IP is kept as NAME=IP (the registry's spelling) */
	join_words((const char *const *)spec->add_hosts, spec->n_add_hosts, h->extra,
		   sizeof(h->extra));
	for (char *p = h->extra; (p = strchr(p, ':'));)
		*p = '=';
}

/* Leave the name registries of every network in the state. */
static void leave_hosts(const struct brig_ctx *c, const char *id, const struct container_state *st)
{
	const char *names[HOSTS_MAX_NETS];
	size_t n = 0;

	for (size_t i = 0; i < st->n_nets && n < HOSTS_MAX_NETS; i++)
		names[n++] = st->nets[i].network;
	hosts_leave(c, id, names, n);
}

/* /etc/hosts and /etc/resolv.conf.  On one network the container binds
 * the network's shared hosts file (registered now, so it lists itself);
 * on several it gets a file of its own, registered once it runs. */
static int files_for(const struct brig_ctx *c, struct container *ct, struct spawn_spec *s,
		     struct spawn_file f[2], char *shared, struct brig_err *e)
{
	struct hosts_entry h;
	char *hosts = NULL;
	size_t n = 0;

	if (ct->n_nets == 0)
		return 0;
	/* --add-host lines are the container's own: a file of its own; so is
	 * a container without an address (network without IPAM) */
	ct->st.hosts_shared = ct->n_nets == 1 && ct->ifaces[0].addr && !ct->spec.add_hosts;
	hosts_entry_of(ct->id, &ct->spec, &ct->st, &h);
	if (h.shared) {
		hosts_join(c, &h);
		if (hosts_shared_path(c, h.nets[0], shared, PATH_MAX, e) < 0)
			return -e->code;
		s->hosts_path = shared;
	} else {
		if (hosts_text(c, &h, &hosts, e) < 0)
			return -e->code;
		f[n++] = (struct spawn_file){ "/etc/hosts", hosts };
	}
	f[n] = (struct spawn_file){ "/etc/resolv.conf", container_resolv(ct) };
	if (f[n].content)
		n++;
	s->files = f;
	s->n_files = n;
	return 0;
}

int container_start(const struct brig_ctx *c, struct container *ct, enum spawn_stage *stage,
		    struct brig_err *e)
{
	char path[4][PATH_MAX];
	struct spawn_spec s = { 0 };
	struct spawn_file files[2] = { 0 };
	char **env = build_env(&ct->spec, NULL, 0);
	int r = -1;

	*stage = SPAWN_STAGE_SETUP;
	memset(&ct->st, 0, sizeof(ct->st));
	ct->st.status = CONTAINER_CREATED;
	if (!ct->spec.cmd || !ct->spec.sysctls || !env) {
		r = brig_errf(e, ENOMEM, "start: out of memory");
		goto out;
	}
	s.argv = ct->spec.cmd;
	s.env = env;
	s.sysctls = ct->spec.sysctls;
	if (parse_user(ct->spec.user, ct->spec.rootfs, &s, e) < 0 ||
	    net_mode(c, &ct->spec, &s, e) < 0)
		goto out;
	if (is_bridge_mode(&ct->spec) && attach_networks(c, ct, e) < 0)
		goto out;
	fill_spec(ct, &s, path);
	if (create_cgroup(ct, e) < 0 || files_for(c, ct, &s, files, path[3], e) < 0)
		goto undo;
	s.cg = ct->cg;
	ct->pid = spawn_start(&s, stage, &ct->pty_master, e);
	if (ct->pid < 0)
		goto undo;
	r = record_running(c, ct, e);
	/* The record says running: from now on rm and gc may act on it. */
	if (r == 0)
		container_unlock(ct);
	if (ct->n_nets && !ct->st.hosts_shared) {
		struct hosts_entry h;
		hosts_entry_of(ct->id, &ct->spec, &ct->st, &h);
		hosts_join(c, &h);
	}
	goto out;
undo:
	destroy_cgroup(ct);
	leave_hosts(c, ct->id, &ct->st);
	release_networks(c, ct, true);
	ct->n_nets = 0;
	r = -e->code;
out:
	free((char *)files[0].content);
	free((char *)files[1].content);
	strv_free(env);
	return r;
}

/* ---- finish ---- */

int container_wait(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return status;
}

int container_exit_code(int wstatus)
{
	if (wstatus < 0)
		return EXIT_BRIG;
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return EXIT_BRIG;
}

int container_finish(const struct brig_ctx *c, struct container *ct, int wstatus)
{
	struct cgroup_stats st = { 0 };
	struct brig_err e;
	int code = container_exit_code(wstatus);

	if (ct->cg)
		cgroup_stats(ct->cg, &st, &e);
	ct->st.status = CONTAINER_EXITED;
	ct->st.has_exit = true;
	ct->st.exit_code = code;
	ct->st.signal = wstatus >= 0 && WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0;
	ct->st.oom_killed = st.oom_killed;
	rfc3339(now_ns(), ct->st.finished, sizeof(ct->st.finished));
	destroy_cgroup(ct);
	release_networks(c, ct, false);
	leave_hosts(c, ct->id, &ct->st);
	if (ct->spec.rm) {
		if (state_remove(c, ct->id, &e) < 0)
			brig_warn("%s", e.msg);
	} else if (save_state(c, ct, &e) < 0) {
		brig_warn("%s", e.msg);
	}
	return code;
}

int container_start_failed(const struct brig_ctx *c, struct container *ct,
			   enum spawn_stage stage, int err)
{
	int code = spawn_exit_code(stage, err);
	struct brig_err e;

	/* container_start released what it had acquired before failing */
	if (!ct->created_now || stage != SPAWN_STAGE_SETUP)
		return container_finish(c, ct, W_EXITCODE(code, 0));
	if (state_remove(c, ct->id, &e) < 0)
		brig_warn("%s", e.msg);
	return code;
}

const char *container_status(const struct container_state *st)
{
	/* The truth is the process, not the file: gone means exited. */
	if (st->status == CONTAINER_RUNNING &&
	    (st->pid <= 0 || proc_starttime(st->pid) != st->starttime))
		return "exited";
	return spec_status_name(st->status);
}

static bool alive(pid_t pid, unsigned long long starttime)
{
	return pid > 0 && proc_starttime(pid) == starttime;
}

/* Neither the container's process nor the brig process owning it lives. */
static bool both_gone(const struct container_state *st)
{
	return !alive(st->pid, st->starttime) && !alive(st->owner, st->owner_starttime);
}

/* Wait (bounded, polling) until neither the container's process nor the
 * brig process that owns it is alive. */
static bool wait_gone(const struct container_state *st, int ms)
{
	for (int i = 0; i < ms / 10; i++) {
		if (both_gone(st))
			return true;
		usleep(10000);
	}
	return false;
}

/* Release what a dead container may still hold: its owner died before it
 * could (crash), or never got to. */
static void release_leftovers(const struct brig_ctx *c, const char *id,
			      const struct container_spec *cfg, const struct container_state *st)
{
	struct brig_err ignore;
	struct cgroup *cg = NULL;

	for (size_t i = 0; i < st->n_nets; i++) {
		net_link_delete(st->nets[i].host_interface, &ignore);
		network_release(c, st->nets[i].network, id, &ignore);
	}
	leave_hosts(c, id, st);
	if (container_cgroups_ready(&ignore) == 0 &&
	    cgroup_open(cfg->cgroup_parent, id, &cg, &ignore) == 0) {
		cgroup_destroy(cg, &ignore);
		cgroup_free(cg);
	}
}

/* The lock is held: nobody is starting it. */
static int remove_locked(const struct brig_ctx *c, const char *id, struct brig_err *e)
{
	struct container_spec cfg;
	struct container_state st;
	int r;

	if (state_load(c, id, &cfg, &st, e) < 0) {
		spec_free(&cfg);
		return -e->code;
	}
	if (!wait_gone(&st, 10000)) {
		r = brig_errf(e, EBUSY, "container %.12s: still running", id);
	} else {
		release_leftovers(c, id, &cfg, &st);
		r = state_remove(c, id, e);
	}
	spec_free(&cfg);
	return r;
}

/* ---- stop, and start again ---- */

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait until the record is final (its owner has finished it); a crashed
 * owner's record is reconciled on the way. */
bool container_wait_settled(const struct brig_ctx *c, const char *id, int64_t timeout_ms)
{
	int64_t deadline_ms = now_ms() + timeout_ms;

	do {
		struct container_state st = { 0 };
		struct brig_err e;
		bool done = state_load(c, id, NULL, &st, &e) < 0 || container_settled(&st);
		bool crashed = done && st.status == CONTAINER_RUNNING;
		if (crashed)
			container_gc(c, &e);
		if (done)
			return true;
		usleep(5000);
	} while (now_ms() < deadline_ms);
	return false;
}

int container_stop(const struct brig_ctx *c, const char *ref, int timeout, struct brig_err *e)
{
	char id[BRIG_ID_LEN + 1];
	pid_t pid;
	int r = container_find(c, ref, id, &pid, e);

	if (r <= 0)
		return r;
	kill(pid, SIGTERM);
	if (!container_wait_settled(c, id, (int64_t)timeout * 1000)) {
		kill(pid, SIGKILL);
		if (!container_wait_settled(c, id, 10000))
			return brig_errf(e, ETIMEDOUT, "container %s did not stop", ref);
	}
	return 0;
}

int container_lock(const struct brig_ctx *c, const char *id, struct brig_err *e)
{
	char path[PATH_MAX];

	if (state_path(c, id, "lock", path, sizeof(path), e) < 0)
		return -e->code;
	return lock_file(path, e);
}

int container_lock_wait(const struct brig_ctx *c, const char *id, int timeout_ms,
			struct brig_err *e)
{
	char path[PATH_MAX];
	int fd;

	if (state_path(c, id, "lock", path, sizeof(path), e) < 0)
		return -e->code;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return brig_errno(e, "container %.12s: open %s", id, path);
	for (int waited = 0; flock(fd, LOCK_EX | LOCK_NB) < 0; waited += 10) {
		if ((errno != EWOULDBLOCK && errno != EINTR) || waited >= timeout_ms) {
			int r = errno == EWOULDBLOCK ? brig_errf(e, EBUSY, "container %.12s: still being started", id)
						   : brig_errno(e, "container %.12s: lock", id);
			close(fd);
			return r;
		}
		usleep(10000);
	}
	return fd;
}

void container_unlock(struct container *ct)
{
	if (ct->lock_fd >= 0)
		close(ct->lock_fd);
	ct->lock_fd = -1;
}

int container_load(const struct brig_ctx *c, const char *ref, struct container *ct,
		   struct brig_err *e)
{
	container_blank(ct);
	if (state_resolve(c, ref, ct->id, e) < 0 ||
	    (ct->lock_fd = container_lock(c, ct->id, e)) < 0 ||
	    state_load(c, ct->id, &ct->spec, &ct->prev, e) < 0 ||
	    state_path(c, ct->id, NULL, ct->dir, sizeof(ct->dir), e) < 0)
		return -e->code;
	snprintf(ct->name, sizeof(ct->name), "%s", ct->spec.name);
	if (!container_settled(&ct->prev))
		return brig_errf(e, EBUSY, "container %s is running", ref);
	return 0;
}

int container_find(const struct brig_ctx *c, const char *ref, char id[BRIG_ID_LEN + 1],
		   pid_t *pid, struct brig_err *e)
{
	struct container_state st;

	if (state_resolve(c, ref, id, e) < 0 || state_load(c, id, NULL, &st, e) < 0)
		return -e->code;
	if (pid)
		*pid = st.pid;
	return strcmp(container_status(&st), "running") == 0 ? 1 : 0;
}

bool container_settled(const struct container_state *st)
{
	return st->status != CONTAINER_RUNNING || both_gone(st);
}

/* Waiting for a start in progress (bounded: a start takes milliseconds). */
#define START_WAIT_MS 10000

int container_remove(const struct brig_ctx *c, const char *id, struct brig_err *e)
{
	cleanup_close int lock = container_lock_wait(c, id, START_WAIT_MS, e);

	if (lock < 0)
		return lock;
	return remove_locked(c, id, e);
}

int container_kill_remove(const struct brig_ctx *c, const char *id, struct brig_err *e)
{
	cleanup_close int lock = container_lock_wait(c, id, START_WAIT_MS, e);
	struct container_state st;

	if (lock < 0)
		return lock;
	if (state_load(c, id, NULL, &st, e) < 0)
		return -e->code;
	if (strcmp(container_status(&st), "running") == 0)
		kill(st.pid, SIGKILL);
	return remove_locked(c, id, e);
}

/* A record whose creator died before it ran (no state.json, or not even a
 * config.json): nobody holds its lock, so nobody will start it. */
static bool abandoned(const struct brig_ctx *c, const char *id)
{
	char path[PATH_MAX];
	struct brig_err e;
	cleanup_close int lock = -1;
	struct container_spec cfg;
	bool have_cfg;

	if (state_path(c, id, "state.json", path, sizeof(path), &e) < 0 || access(path, F_OK) == 0)
		return false;
	lock = container_lock_wait(c, id, 0, &e);
	if (lock < 0)
		return false;
	/* not even a config: nothing says where its cgroup is */
	have_cfg = state_load(c, id, &cfg, NULL, &e) == 0;
	orphan_release(c, id, have_cfg ? cfg.cgroup_parent : NULL);
	spec_free(&cfg);
	return state_remove(c, id, &e) == 0;
}

/* A record says running but its process and owner are gone (the owner was
 * killed): mark it exited and release what it held. */
static void reconcile(const struct brig_ctx *c, const char *id)
{
	struct container_spec cfg;
	struct container_state st;
	struct brig_err e;

	if (abandoned(c, id))
		return;
	if (state_load(c, id, &cfg, &st, &e) == 0 && st.status == CONTAINER_RUNNING &&
	    both_gone(&st)) {
		release_leftovers(c, id, &cfg, &st);
		st.status = CONTAINER_EXITED;
		if (!st.has_exit) {
			st.has_exit = true;
			st.exit_code = 137;
		}
		rfc3339(now_ns(), st.finished, sizeof(st.finished));
		if (cfg.rm)
			state_remove(c, id, &e);
		else
			state_save(c, id, &st, &e);
	}
	spec_free(&cfg);
}

int container_gc(const struct brig_ctx *c, struct brig_err *e)
{
	char **ids = NULL;
	struct net_network *nets = NULL;
	size_t n = 0;

	if (state_list(c, &ids, e) < 0)
		return -e->code;
	for (char **p = ids; *p; p++)
		reconcile(c, *p);
	state_list_free(ids);
	orphan_sweep(c);
	if (network_list(c, &nets, &n, e) < 0)
		return -e->code;
	for (size_t i = 0; i < n; i++) {
		int freed;
		network_gc_leases(c, nets[i].name, &freed, e);
	}
	free(nets);
	return 0;
}

int container_exec_spec(const struct container_spec *cfg, char **extra, size_t n_extra,
			const char *user, const char *workdir, struct spawn_spec *s,
			char ***env_out, struct brig_err *e)
{
	/* -e of exec comes first: the first definition wins. */
	*env_out = build_env(cfg, extra, n_extra);
	if (!*env_out)
		return brig_errf(e, ENOMEM, "exec: out of memory");
	s->env = *env_out;
	s->workdir = workdir ? workdir : cfg->workdir;
	s->caps = config_caps(cfg);
	return parse_user(user ? user : cfg->user, cfg->rootfs, s, e);
}

void container_env_free(char **env)
{
	strv_free(env);
}

/* ---- network connect / disconnect on a running container ---- */

static int configure_iface(void *arg, struct brig_err *e)
{
	const struct spawn_iface *f = arg;

	return net_iface_configure(f->peer_if, f->ifname, f->addr, f->prefix, f->mac, 0, e);
}

/* net_iface_configure inside the network namespace of pid (in a child:
 * brig's own namespaces never change). */
static int configure_in_netns(pid_t pid, const struct spawn_iface *f, struct brig_err *e)
{
	return proc_run_in_ns(pid, "net", CLONE_NEWNET, configure_iface, (void *)f, e);
}

/* The lowest ethN not in use by the container. */
static int free_slot(const struct container_state *st, struct brig_err *e)
{
	for (int slot = 0; slot < MAX_NETS && st->n_nets < MAX_NETS; slot++) {
		bool used = false;
		for (size_t i = 0; i < st->n_nets && !used; i++)
			used = st->nets[i].interface[3] == '0' + slot;
		if (!used)
			return slot;
	}
	return brig_errf(e, E2BIG, "at most %d networks per container", MAX_NETS);
}

/* Register the container's current networks again (the list of networks in
 * its registry lines changed), which rewrites every member's /etc/hosts,
 * its own included. */
static void rejoin_hosts(const struct brig_ctx *c, struct container *ct)
{
	struct hosts_entry h;

	hosts_entry_of(ct->id, &ct->spec, &ct->st, &h);
	hosts_join(c, &h);
}

static int load_running(const struct brig_ctx *c, const char *ref, struct container *ct,
			struct brig_err *e)
{
	container_blank(ct);
	if (state_resolve(c, ref, ct->id, e) < 0 ||
	    state_load(c, ct->id, &ct->spec, &ct->st, e) < 0)
		return -e->code;
	if (strcmp(container_status(&ct->st), "running") != 0)
		return brig_errf(e, EINVAL, "container %s is not running", ref);
	if (!is_bridge_mode(&ct->spec))
		return brig_errf(e, EINVAL, "container %s does not use bridge networks", ref);
	ct->pid = ct->st.pid;
	return 0;
}

int container_connect(const struct brig_ctx *c, const char *ref, const char *net,
		      const char *ip, struct brig_err *e)
{
	struct container ct;
	struct net_attach a = { 0 };
	int slot, r = -1;
	pid_t owner;

	if (load_running(c, ref, &ct, e) < 0)
		goto out;
	owner = ct.st.owner;
	if (container_attachment(&ct.st, net, NULL)) {
		brig_errf(e, EEXIST, "container %s is already on network %s", ref, net);
		goto out;
	}
	snprintf(a.name, sizeof(a.name), "%s", net);
	if ((ip && net_parse_ip(ip, &a.ip, e) < 0) || (slot = free_slot(&ct.st, e)) < 0 ||
	    attach_one(c, &ct, &a, (size_t)slot, owner, e) < 0)
		goto out;
	if (net_veth_create(ct.ifaces[0].host_if, ct.ifaces[0].peer_if, ct.ifaces[0].bridge,
			    ct.ifaces[0].mtu, ct.pid, e) < 0 ||
	    configure_in_netns(ct.pid, &ct.ifaces[0], e) < 0) {
		release_networks(c, &ct, true);
		goto out;
	}
	iface_record(&ct.nets[0], &ct.ifaces[0], &a, &ct.st.nets[ct.st.n_nets++]);
	ct.st.has_networks = true;
	/* on two networks, one network's shared hosts file no longer fits */
	if (ct.st.hosts_shared) {
		if (hosts_unshare(ct.pid, e) < 0)
			brig_warn("%s", e->msg);
		ct.st.hosts_shared = false;
	}
	r = state_save(c, ct.id, &ct.st, e);
	rejoin_hosts(c, &ct);
out:
	container_free(&ct);
	return r < 0 ? -(e->code ? e->code : EINVAL) : 0;
}

int container_disconnect(const struct brig_ctx *c, const char *ref, const char *net,
			 struct brig_err *e)
{
	struct container ct;
	struct brig_err ignore;
	const struct container_net *x;
	size_t i;
	int r = -1;

	if (load_running(c, ref, &ct, e) < 0)
		goto out;
	if (!(x = container_attachment(&ct.st, net, &i))) {
		brig_errf(e, ENOENT, "container %s is not on network %s", ref, net);
		goto out;
	}
	if (net_link_delete(x->host_interface, e) < 0)
		goto out;
	network_release(c, net, ct.id, &ignore);
	memmove(&ct.st.nets[i], &ct.st.nets[i + 1], (ct.st.n_nets - i - 1) * sizeof(ct.st.nets[0]));
	ct.st.n_nets--;
	r = state_save(c, ct.id, &ct.st, e);
	hosts_leave(c, ct.id, &net, 1);
	rejoin_hosts(c, &ct);
out:
	container_free(&ct);
	return r < 0 ? -(e->code ? e->code : EINVAL) : 0;
}
