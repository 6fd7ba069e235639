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

static json_t *strv_json(char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static size_t strv_len(char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

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

static json_t *limits_json(const struct cgroup_limits *l)
{
	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:s}", "memory", (json_int_t)l->memory,
			 "memory_swap", (json_int_t)l->memory_swap, "cpu_quota",
			 (json_int_t)l->cpu_quota, "cpu_period", (json_int_t)l->cpu_period,
			 "cpu_shares", (json_int_t)l->cpu_shares, "pids", (json_int_t)l->pids,
			 "cpuset", l->cpuset);
}

static json_t *attach_json(const struct net_attach *a)
{
	json_t *j = json_pack("{s:s,s:I}", "name", a->name, "gw_priority", (json_int_t)a->gw_priority);
	json_t *aliases = json_array();
	char buf[18];

	if (!j || !aliases) {
		json_decref(j);
		json_decref(aliases);
		return NULL;
	}
	if (a->ip)
		json_object_set_new(j, "ip", json_string(net_ip_str(a->ip, buf)));
	if (a->has_mac)
		json_object_set_new(j, "mac", json_string(netspec_mac_str(a->mac, buf)));
	for (size_t i = 0; i < a->n_aliases; i++)
		json_array_append_new(aliases, json_string(a->aliases[i]));
	json_object_set_new(j, "aliases", aliases);
	return j;
}

static json_t *networks_json(const struct container_spec *o)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < o->n_nets; i++)
		json_array_append_new(a, attach_json(&o->nets[i]));
	return a;
}

/* The command: --entrypoint, then the arguments after the image. */
static json_t *cmd_json(const struct container_spec *o)
{
	json_t *cmd = strv_json(o->argv, strv_len(o->argv));

	if (cmd && o->entrypoint)
		json_array_insert_new(cmd, 0, json_string(o->entrypoint));
	return cmd;
}

/* DNS and extra hosts: only what was asked for is written. */
static void set_dns(json_t *cfg, const struct container_spec *o)
{
	if (o->n_dns)
		json_object_set_new(cfg, "dns", strv_json(o->dns, o->n_dns));
	if (o->n_dns_search)
		json_object_set_new(cfg, "dns_search", strv_json(o->dns_search, o->n_dns_search));
	if (o->n_dns_opts)
		json_object_set_new(cfg, "dns_options", strv_json(o->dns_opts, o->n_dns_opts));
	if (o->n_add_hosts)
		json_object_set_new(cfg, "extra_hosts", strv_json(o->add_hosts, o->n_add_hosts));
	if (o->entrypoint)
		json_object_set_new(cfg, "entrypoint", json_string(o->entrypoint));
}

static json_t *build_config(const struct container_spec *o, const char *image_id, const char *rootfs)
{
	char created[64];
	json_t *cfg;

	cfg = json_pack("{s:s,s:s,s:s,s:o,s:o,s:s,s:s,s:o,s:o,s:b,s:b,s:b,s:b,s:b,s:I,s:I,s:o,s:s}",
			"image", o->image, "image_id", image_id, "rootfs", rootfs, "cmd",
			cmd_json(o), "env", strv_json(o->env, o->n_env), "workdir",
			o->workdir ? o->workdir : "", "user", o->user ? o->user : "", "networks",
			networks_json(o), "sysctls", strv_json(o->sysctls, o->n_sysctls), "rm",
			o->rm, "detach", o->detach, "tty", o->tty, "interactive", o->interactive,
			"init", o->init, "cap_add", (json_int_t)o->cap_add, "cap_drop",
			(json_int_t)o->cap_drop, "limits", limits_json(&o->limits), "cgroup_parent",
			o->cgroup_parent ? o->cgroup_parent : "brig");
	if (cfg) {
		json_object_set_new(cfg, "created", json_string(rfc3339(now_ns(), created,
									 sizeof(created))));
		if (o->hostname)
			json_object_set_new(cfg, "hostname", json_string(o->hostname));
		set_dns(cfg, o);
	}
	return cfg;
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
	char image_id[BRIG_ID_LEN + 1], rootfs[PATH_MAX];
	int lock, r;

	container_blank(ct);
	if (resolve_rootfs(c, o->image, image_id, rootfs, sizeof(rootfs), e) < 0)
		return -e->code;
	ct->config = build_config(o, image_id, rootfs);
	if (!ct->config)
		return brig_errf(e, ENOMEM, "container config: out of memory");
	lock = state_lock(c, e);
	if (lock < 0)
		return lock;
	r = state_create(c, o->name, ct->config, &ct->lock_fd, ct->id, ct->name, e);
	state_unlock(lock);
	if (r < 0)
		return r;
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
	json_decref(ct->config);
	json_decref(ct->state);
	json_decref(ct->prev_state);
	ct->prev_state = NULL;
	container_unlock(ct);
	if (ct->cg)
		cgroup_free(ct->cg);
	ct->config = ct->state = NULL;
	ct->cg = NULL;
}

/* ---- start ---- */

static const char *cfg_str(json_t *cfg, const char *key)
{
	const char *v = json_string_value(json_object_get(cfg, key));
	return v ? v : "";
}

/* strv from a JSON array of strings, NULL terminated; strings borrowed. */
static char **json_strv(json_t *a, size_t extra)
{
	size_t n = json_array_size(a);
	char **v = calloc(n + extra + 1, sizeof(*v));

	for (size_t i = 0; v && i < n; i++)
		v[i] = (char *)json_string_value(json_array_get(a, i));
	return v;
}

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

/* The container's environment: -e values first (the first definition of a
 * name wins), then the defaults the user did not set.  Every string is
 * malloc'd; free with strv_free(). */
static char **build_env(json_t *cfg)
{
	json_t *user = json_object_get(cfg, "env");
	size_t n = json_array_size(user), k = 0;
	char **env = calloc(n + 8, sizeof(*env));

	if (!env)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		const char *kv = json_string_value(json_array_get(user, i));
		const char *host = strchr(kv, '=') ? NULL : getenv(kv);
		/* -e NAME takes the caller's value, as in Docker */
		if (strchr(kv, '=') ? (env[k] = strdup(kv)) != NULL
				    : host && asprintf(&env[k], "%s=%s", kv, host) > 0)
			k++;
	}
	add_default(env, &k, "HOSTNAME", cfg_str(cfg, "hostname"));
	add_default(env, &k, "PATH", DEFAULT_PATH);
	add_default(env, &k, "HOME", "/root");
	if (json_is_true(json_object_get(cfg, "tty")))
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

/* The networks a record asks for: objects {name, ip, mac, aliases,
 * gw_priority}; records written before are plain names, with "ip" meaning
 * the first network.  None means the default network. */
static size_t config_nets(json_t *cfg, struct net_attach v[MAX_NETS])
{
	json_t *nets = json_object_get(cfg, "networks");
	const char *old_ip = cfg_str(cfg, "ip");
	size_t n = 0;

	for (size_t i = 0; i < json_array_size(nets) && n < MAX_NETS; i++) {
		json_t *x = json_array_get(nets, i), *aliases = json_object_get(x, "aliases");
		struct net_attach *a = &v[n++];
		memset(a, 0, sizeof(*a));
		snprintf(a->name, sizeof(a->name), "%s",
			 json_is_string(x) ? json_string_value(x) : cfg_str(x, "name"));
		net_parse_ip(cfg_str(x, "ip"), &a->ip, NULL);
		a->has_mac = netspec_parse_mac(cfg_str(x, "mac"), a->mac, NULL) == 0;
		a->gw_priority = json_integer_value(json_object_get(x, "gw_priority"));
		for (size_t k = 0; k < json_array_size(aliases) && k < NETSPEC_ALIASES; k++)
			snprintf(a->aliases[a->n_aliases++], sizeof(a->aliases[0]), "%s",
				 json_string_value(json_array_get(aliases, k)) ?: "");
	}
	if (n == 0) {
		memset(v, 0, sizeof(*v));
		snprintf(v->name, sizeof(v->name), "%s", DEFAULT_NETWORK);
		n = 1;
	}
	if (*old_ip && !v->ip)
		net_parse_ip(old_ip, &v->ip, NULL);
	return n;
}

/* The first network's name: a mode (none, host, container:NAME) or a
 * bridge network. */
static const char *first_net(json_t *cfg, char out[NETSPEC_MODE_MAX])
{
	struct net_attach v[MAX_NETS];

	config_nets(cfg, v);
	snprintf(out, NETSPEC_MODE_MAX, "%s", v[0].name);
	return out;
}

/* The network mode from --net: none, host, container:NAME, or bridge
 * networks (the default). */
static int net_mode(const struct brig_ctx *c, json_t *cfg, struct spawn_spec *s,
		    struct brig_err *e)
{
	char buf[NETSPEC_MODE_MAX];
	const char *first = first_net(cfg, buf);
	char id[BRIG_ID_LEN + 1];
	json_t *st = NULL;

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
	if (strcmp(container_status(st), "running") != 0) {
		json_decref(st);
		return brig_errf(e, EINVAL, "--net %s: container is not running", first);
	}
	s->net = SPAWN_NET_JOIN;
	s->join_net_pid = (pid_t)json_integer_value(json_object_get(st, "pid"));
	json_decref(st);
	return 0;
}

static bool is_bridge_mode(json_t *cfg)
{
	char buf[NETSPEC_MODE_MAX];

	return !netspec_is_mode(first_net(cfg, buf));
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

static json_t *iface_json(const struct net_network *n, const struct spawn_iface *f,
			  const struct net_attach *a)
{
	char addr[16], gw[16], mac[18];
	json_t *j, *aliases = json_array();

	j = json_pack("{s:s,s:s,s:i,s:s,s:s,s:s,s:s,s:b,s:o}", "network", n->name, "address",
		      f->addr ? net_ip_str(f->addr, addr) : "", "prefix", f->prefix, "gateway",
		      n->no_gateway ? "" : net_ip_str(n->gateway, gw), "mac",
		      netspec_mac_str(f->mac, mac), "interface", f->ifname, "host_interface",
		      f->host_if, "default_route", f->gw != 0, "aliases", aliases);
	for (size_t i = 0; j && a && i < a->n_aliases; i++)
		json_array_append_new(aliases, json_string(a->aliases[i]));
	return j;
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

json_t *container_attachment(json_t *st, const char *net, size_t *index)
{
	json_t *nets = json_object_get(st, "networks");

	for (size_t i = 0; i < json_array_size(nets); i++) {
		json_t *x = json_array_get(nets, i);
		if (!strcmp(cfg_str(x, "network"), net)) {
			if (index)
				*index = i;
			return x;
		}
	}
	return NULL;
}

/* The address this container had on network n in its last run, or 0. */
static uint32_t previous_address(const struct container *ct, const char *net)
{
	json_t *x = container_attachment(ct->prev_state, net, NULL);
	uint32_t addr = 0;

	if (x)
		net_parse_ip(cfg_str(x, "address"), &addr, NULL);
	return addr;
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
	struct net_attach v[MAX_NETS];
	size_t n = config_nets(ct->config, v);
	json_t *list = json_array();
	int gw;

	for (size_t i = 0; i < n; i++)
		if (attach_one(c, ct, &v[i], i, getpid(), e) < 0)
			goto fail;
	gw = default_route_net(ct, v);
	if (gw >= 0)
		ct->ifaces[gw].gw = ct->nets[gw].gateway;
	for (size_t i = 0; i < ct->n_nets; i++)
		json_array_append_new(list, iface_json(&ct->nets[i], &ct->ifaces[i], &v[i]));
	json_object_set_new(ct->state, "networks", list);
	return 0;
fail:
	json_decref(list);
	release_networks(c, ct, true);
	ct->n_nets = 0;
	return -e->code;
}

/* resolv.conf from the host's, --dns* and whether a network routes out. */
static char *container_resolv(const struct container *ct)
{
	cleanup_free char *host = NULL, **dns = NULL, **search = NULL, **options = NULL;
	struct resolv_opts o = { 0 };
	struct brig_err ignore;
	size_t len;

	if (read_file("/etc/resolv.conf", &host, &len, &ignore) < 0)
		host = NULL;
	for (size_t i = 0; i < ct->n_nets; i++)
		o.reachable |= !ct->nets[i].internal && !ct->nets[i].no_gateway;
	/* NULL (not set) differs from empty: only what is set replaces */
	if (json_object_get(ct->config, "dns"))
		o.dns = dns = json_strv(json_object_get(ct->config, "dns"), 0);
	if (json_object_get(ct->config, "dns_search"))
		o.search = search = json_strv(json_object_get(ct->config, "dns_search"), 0);
	if (json_object_get(ct->config, "dns_options"))
		o.options = options = json_strv(json_object_get(ct->config, "dns_options"), 0);
	return resolv_text(host, &o);
}

/* ---- cgroup ---- */

static int limits_from_json(json_t *j, struct cgroup_limits *l)
{
	memset(l, 0, sizeof(*l));
	l->memory = json_integer_value(json_object_get(j, "memory"));
	l->memory_swap = json_integer_value(json_object_get(j, "memory_swap"));
	l->cpu_quota = (uint64_t)json_integer_value(json_object_get(j, "cpu_quota"));
	l->cpu_period = (uint64_t)json_integer_value(json_object_get(j, "cpu_period"));
	l->cpu_shares = (uint64_t)json_integer_value(json_object_get(j, "cpu_shares"));
	l->pids = json_integer_value(json_object_get(j, "pids"));
	snprintf(l->cpuset, sizeof(l->cpuset), "%s",
		 json_string_value(json_object_get(j, "cpuset")) ?: "");
	return 0;
}

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
	struct cgroup_limits l;

	if (container_cgroups_ready(e) < 0)
		return -e->code;
	limits_from_json(json_object_get(ct->config, "limits"), &l);
	if (cgroup_create(cfg_str(ct->config, "cgroup_parent"), ct->id, &l, &ct->cg, e) < 0)
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
	return state_save(c, ct->id, ct->state, e);
}

/* The default set, plus --cap-add, minus --cap-drop. */
static uint64_t config_caps(json_t *cfg)
{
	uint64_t add = (uint64_t)json_integer_value(json_object_get(cfg, "cap_add"));
	uint64_t drop = (uint64_t)json_integer_value(json_object_get(cfg, "cap_drop"));

	return (spawn_default_caps() | add) & ~drop;
}

static void fill_spec(struct container *ct, struct spawn_spec *s, char path[4][PATH_MAX])
{
	s->id = ct->id;
	s->hostname = cfg_str(ct->config, "hostname");
	s->lower = cfg_str(ct->config, "rootfs");
	snprintf(path[0], PATH_MAX, "%s/upper", ct->dir);
	snprintf(path[1], PATH_MAX, "%s/work", ct->dir);
	snprintf(path[2], PATH_MAX, "%s/merged", ct->dir);
	s->upper = path[0];
	s->work = path[1];
	s->merged = path[2];
	s->workdir = cfg_str(ct->config, "workdir");
	s->ifaces = ct->ifaces;
	s->n_ifaces = ct->n_nets;
	s->caps = config_caps(ct->config);
	s->redirect = ct->redirect;
	memcpy(s->stdio, ct->stdio, sizeof(s->stdio));
	s->tty = json_is_true(json_object_get(ct->config, "tty"));
	s->init = json_is_true(json_object_get(ct->config, "init"));
	s->rows = ct->rows;
	s->cols = ct->cols;
}

/* The container runs: its pid and ours (the owner), each with its start
 * time so a recycled pid is never mistaken for it. */
static int record_running(const struct brig_ctx *c, struct container *ct, struct brig_err *e)
{
	char started[64];

	json_object_set_new(ct->state, "status", json_string("running"));
	json_object_set_new(ct->state, "pid", json_integer(ct->pid));
	json_object_set_new(ct->state, "starttime",
			    json_integer((json_int_t)proc_starttime(ct->pid)));
	json_object_set_new(ct->state, "owner", json_integer(getpid()));
	json_object_set_new(ct->state, "owner_starttime",
			    json_integer((json_int_t)proc_starttime(getpid())));
	json_object_set_new(ct->state, "started",
			    json_string(rfc3339(now_ns(), started, sizeof(started))));
	return save_state(c, ct, e);
}

/* The strings of array a joined by commas into out; empty when they do not
 * fit (never a cut-off name).  Each was validated when run parsed it. */
static void join_words(json_t *a, char *out, size_t len)
{
	size_t off = 0;

	out[0] = '\0';
	for (size_t i = 0; i < json_array_size(a) && off < len; i++)
		off += (size_t)snprintf(out + off, len - off, "%s%s", i ? "," : "",
					json_string_value(json_array_get(a, i)) ?: "");
	if (off >= len)
		out[0] = '\0';
}

/* The container as its networks' name registries see it: names, and one
 * address per network from the state's "networks". */
static void hosts_entry_of(const char *id, json_t *cfg, json_t *st, struct hosts_entry *h)
{
	json_t *nets = json_object_get(st, "networks");

	memset(h, 0, sizeof(*h));
	h->id = id;
	h->pid = (pid_t)json_integer_value(json_object_get(st, "pid"));
	h->shared = json_is_true(json_object_get(st, "hosts_shared"));
	h->name = cfg_str(cfg, "name");
	h->hostname = cfg_str(cfg, "hostname");
	for (size_t i = 0; i < json_array_size(nets) && h->n_nets < HOSTS_MAX_NETS; i++) {
		json_t *x = json_array_get(nets, i);
		h->nets[h->n_nets] = json_string_value(json_object_get(x, "network")) ?: "";
		join_words(json_object_get(x, "aliases"), h->aliases[h->n_nets],
			   sizeof(h->aliases[0]));
		if (net_parse_ip(json_string_value(json_object_get(x, "address")) ?: "",
				 &h->addrs[h->n_nets], NULL) == 0)
			h->n_nets++;
	}
	/* --add-host NAME:IP is kept as NAME=IP (the registry's spelling) */
	join_words(json_object_get(cfg, "extra_hosts"), h->extra, sizeof(h->extra));
	for (char *p = h->extra; (p = strchr(p, ':'));)
		*p = '=';
}

/* Leave the name registries of every network in the state. */
static void leave_hosts(const struct brig_ctx *c, const char *id, json_t *st)
{
	json_t *nets = json_object_get(st, "networks");
	const char *names[HOSTS_MAX_NETS];
	size_t n = 0;

	for (size_t i = 0; i < json_array_size(nets) && n < HOSTS_MAX_NETS; i++)
		names[n++] = json_string_value(json_object_get(json_array_get(nets, i), "network")) ?: "";
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
	json_object_set_new(ct->state, "hosts_shared",
			    json_boolean(ct->n_nets == 1 && ct->ifaces[0].addr &&
					 !json_object_get(ct->config, "extra_hosts")));
	hosts_entry_of(ct->id, ct->config, ct->state, &h);
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
	char **argv = json_strv(json_object_get(ct->config, "cmd"), 0);
	char **sysctls = json_strv(json_object_get(ct->config, "sysctls"), 0);
	char **env = build_env(ct->config);
	int r = -1;

	*stage = SPAWN_STAGE_SETUP;
	ct->state = json_pack("{s:s}", "status", "created");
	if (!argv || !sysctls || !env || !ct->state) {
		r = brig_errf(e, ENOMEM, "start: out of memory");
		goto out;
	}
	s.argv = argv;
	s.env = env;
	s.sysctls = sysctls;
	if (parse_user(cfg_str(ct->config, "user"), cfg_str(ct->config, "rootfs"), &s, e) < 0 ||
	    net_mode(c, ct->config, &s, e) < 0)
		goto out;
	if (is_bridge_mode(ct->config) && attach_networks(c, ct, e) < 0)
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
	if (ct->n_nets && !json_is_true(json_object_get(ct->state, "hosts_shared"))) {
		struct hosts_entry h;
		hosts_entry_of(ct->id, ct->config, ct->state, &h);
		hosts_join(c, &h);
	}
	goto out;
undo:
	destroy_cgroup(ct);
	leave_hosts(c, ct->id, ct->state);
	release_networks(c, ct, true);
	ct->n_nets = 0;
	r = -e->code;
out:
	free((char *)files[0].content);
	free((char *)files[1].content);
	free(argv);
	free(sysctls);
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
	char finished[64];
	int code = container_exit_code(wstatus);

	if (ct->cg)
		cgroup_stats(ct->cg, &st, &e);
	if (!ct->state)
		ct->state = json_object();
	json_object_set_new(ct->state, "status", json_string("exited"));
	json_object_set_new(ct->state, "exit_code", json_integer(code));
	json_object_set_new(ct->state, "signal",
			    json_integer(wstatus >= 0 && WIFSIGNALED(wstatus) ? WTERMSIG(wstatus) : 0));
	json_object_set_new(ct->state, "oom_killed", json_boolean(st.oom_killed));
	json_object_set_new(ct->state, "finished",
			    json_string(rfc3339(now_ns(), finished, sizeof(finished))));
	destroy_cgroup(ct);
	release_networks(c, ct, false);
	leave_hosts(c, ct->id, ct->state);
	if (json_is_true(json_object_get(ct->config, "rm"))) {
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

const char *container_status(json_t *st)
{
	const char *s = json_string_value(json_object_get(st, "status"));
	pid_t pid = (pid_t)json_integer_value(json_object_get(st, "pid"));
	unsigned long long start = (unsigned long long)json_integer_value(json_object_get(st, "starttime"));

	if (!s)
		return "unknown";
	/* The truth is the process, not the file: gone means exited. */
	if (strcmp(s, "running") == 0 && (pid <= 0 || proc_starttime(pid) != start))
		return "exited";
	return s;
}

static bool alive(json_t *st, const char *pid_key, const char *start_key)
{
	pid_t pid = (pid_t)json_integer_value(json_object_get(st, pid_key));
	unsigned long long t = (unsigned long long)json_integer_value(json_object_get(st, start_key));

	return pid > 0 && proc_starttime(pid) == t;
}

/* Wait (bounded, polling) until neither the container's process nor the
 * brig process that owns it is alive. */
static bool wait_gone(json_t *st, int ms)
{
	for (int i = 0; i < ms / 10; i++) {
		if (!alive(st, "pid", "starttime") && !alive(st, "owner", "owner_starttime"))
			return true;
		usleep(10000);
	}
	return false;
}

/* Release what a dead container may still hold: its owner died before it
 * could (crash), or never got to. */
static void release_leftovers(const struct brig_ctx *c, const char *id, json_t *cfg, json_t *st)
{
	json_t *nets = json_object_get(st, "networks");
	struct brig_err ignore;
	struct cgroup *cg = NULL;

	for (size_t i = 0; i < json_array_size(nets); i++) {
		json_t *n = json_array_get(nets, i);
		net_link_delete(json_string_value(json_object_get(n, "host_interface")) ?: "", &ignore);
		network_release(c, json_string_value(json_object_get(n, "network")) ?: "", id, &ignore);
	}
	leave_hosts(c, id, st);
	if (container_cgroups_ready(&ignore) == 0 &&
	    cgroup_open(cfg_str(cfg, "cgroup_parent"), id, &cg, &ignore) == 0) {
		cgroup_destroy(cg, &ignore);
		cgroup_free(cg);
	}
}

/* The lock is held: nobody is starting it. */
static int remove_locked(const struct brig_ctx *c, const char *id, struct brig_err *e)
{
	json_t *cfg = NULL, *st = NULL;
	int r;

	if (state_load(c, id, &cfg, &st, e) < 0)
		return -e->code;
	if (!wait_gone(st, 10000)) {
		r = brig_errf(e, EBUSY, "container %.12s: still running", id);
	} else {
		release_leftovers(c, id, cfg, st);
		r = state_remove(c, id, e);
	}
	json_decref(cfg);
	json_decref(st);
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
		json_t *st = NULL;
		struct brig_err e;
		bool done = state_load(c, id, NULL, &st, &e) < 0 || container_settled(st);
		bool crashed = done && st && !strcmp(json_string_value(json_object_get(st, "status")) ?: "", "running");
		json_decref(st);
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
	    state_load(c, ct->id, &ct->config, &ct->prev_state, e) < 0 ||
	    state_path(c, ct->id, NULL, ct->dir, sizeof(ct->dir), e) < 0)
		return -e->code;
	snprintf(ct->name, sizeof(ct->name), "%s", cfg_str(ct->config, "name"));
	if (!container_settled(ct->prev_state))
		return brig_errf(e, EBUSY, "container %s is running", ref);
	return 0;
}

int container_find(const struct brig_ctx *c, const char *ref, char id[BRIG_ID_LEN + 1],
		   pid_t *pid, struct brig_err *e)
{
	json_t *st = NULL;
	bool running;

	if (state_resolve(c, ref, id, e) < 0 || state_load(c, id, NULL, &st, e) < 0)
		return -e->code;
	running = strcmp(container_status(st), "running") == 0;
	if (pid)
		*pid = (pid_t)json_integer_value(json_object_get(st, "pid"));
	json_decref(st);
	return running ? 1 : 0;
}

bool container_settled(json_t *st)
{
	if (strcmp(json_string_value(json_object_get(st, "status")) ?: "", "running") != 0)
		return true;
	return !alive(st, "pid", "starttime") && !alive(st, "owner", "owner_starttime");
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
	json_t *st = NULL;

	if (lock < 0)
		return lock;
	if (state_load(c, id, NULL, &st, e) < 0)
		return -e->code;
	if (strcmp(container_status(st), "running") == 0)
		kill((pid_t)json_integer_value(json_object_get(st, "pid")), SIGKILL);
	json_decref(st);
	return remove_locked(c, id, e);
}

/* A record whose creator died before it ran (no state.json, or not even a
 * config.json): nobody holds its lock, so nobody will start it. */
static bool abandoned(const struct brig_ctx *c, const char *id)
{
	char path[PATH_MAX];
	struct brig_err e;
	cleanup_close int lock = -1;
	json_t *cfg = NULL;

	if (state_path(c, id, "state.json", path, sizeof(path), &e) < 0 || access(path, F_OK) == 0)
		return false;
	lock = container_lock_wait(c, id, 0, &e);
	if (lock < 0)
		return false;
	if (state_load(c, id, &cfg, NULL, &e) < 0)
		cfg = NULL; /* not even a config: nothing says where its cgroup is */
	orphan_release(c, id, cfg ? cfg_str(cfg, "cgroup_parent") : NULL);
	json_decref(cfg);
	return state_remove(c, id, &e) == 0;
}

/* A record says running but its process and owner are gone (the owner was
 * killed): mark it exited and release what it held. */
static void reconcile(const struct brig_ctx *c, const char *id)
{
	json_t *cfg = NULL, *st = NULL;
	struct brig_err e;
	char finished[64];

	if (abandoned(c, id) || state_load(c, id, &cfg, &st, &e) < 0)
		return;
	if (strcmp(json_string_value(json_object_get(st, "status")) ?: "", "running") == 0 &&
	    !alive(st, "pid", "starttime") && !alive(st, "owner", "owner_starttime")) {
		release_leftovers(c, id, cfg, st);
		json_object_set_new(st, "status", json_string("exited"));
		if (!json_object_get(st, "exit_code"))
			json_object_set_new(st, "exit_code", json_integer(137));
		json_object_set_new(st, "finished",
				    json_string(rfc3339(now_ns(), finished, sizeof(finished))));
		if (json_is_true(json_object_get(cfg, "rm")))
			state_remove(c, id, &e);
		else
			state_save(c, id, st, &e);
	}
	json_decref(cfg);
	json_decref(st);
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

int container_exec_spec(json_t *cfg, char **extra, size_t n_extra, const char *user,
			const char *workdir, struct spawn_spec *s, char ***env_out,
			struct brig_err *e)
{
	json_t *merged = json_deep_copy(cfg), *env = json_array();

	/* -e of exec comes first: the first definition wins. */
	for (size_t i = 0; i < n_extra; i++)
		json_array_append_new(env, json_string(extra[i]));
	json_array_extend(env, json_object_get(cfg, "env"));
	json_object_set_new(merged, "env", env);
	*env_out = build_env(merged);
	json_decref(merged);
	if (!*env_out)
		return brig_errf(e, ENOMEM, "exec: out of memory");
	s->env = *env_out;
	s->workdir = workdir ? workdir : cfg_str(cfg, "workdir");
	s->caps = config_caps(cfg);
	return parse_user(user ? user : cfg_str(cfg, "user"), cfg_str(cfg, "rootfs"), s, e);
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
static int free_slot(json_t *nets, struct brig_err *e)
{
	for (int slot = 0; slot < MAX_NETS; slot++) {
		bool used = false;
		for (size_t i = 0; i < json_array_size(nets) && !used; i++) {
			const char *ifn = json_string_value(json_object_get(json_array_get(nets, i), "interface"));
			used = ifn && ifn[3] == '0' + slot;
		}
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

	hosts_entry_of(ct->id, ct->config, ct->state, &h);
	hosts_join(c, &h);
}

static int load_running(const struct brig_ctx *c, const char *ref, struct container *ct,
			struct brig_err *e)
{
	container_blank(ct);
	if (state_resolve(c, ref, ct->id, e) < 0 ||
	    state_load(c, ct->id, &ct->config, &ct->state, e) < 0)
		return -e->code;
	if (strcmp(container_status(ct->state), "running") != 0)
		return brig_errf(e, EINVAL, "container %s is not running", ref);
	if (!is_bridge_mode(ct->config))
		return brig_errf(e, EINVAL, "container %s does not use bridge networks", ref);
	ct->pid = (pid_t)json_integer_value(json_object_get(ct->state, "pid"));
	return 0;
}

int container_connect(const struct brig_ctx *c, const char *ref, const char *net,
		      const char *ip, struct brig_err *e)
{
	struct container ct;
	struct net_attach a = { 0 };
	json_t *nets;
	int slot, r = -1;
	pid_t owner;

	if (load_running(c, ref, &ct, e) < 0)
		goto out;
	nets = json_object_get(ct.state, "networks");
	owner = (pid_t)json_integer_value(json_object_get(ct.state, "owner"));
	if (container_attachment(ct.state, net, NULL)) {
		brig_errf(e, EEXIST, "container %s is already on network %s", ref, net);
		goto out;
	}
	snprintf(a.name, sizeof(a.name), "%s", net);
	if ((ip && net_parse_ip(ip, &a.ip, e) < 0) || (slot = free_slot(nets, e)) < 0 ||
	    attach_one(c, &ct, &a, (size_t)slot, owner, e) < 0)
		goto out;
	if (net_veth_create(ct.ifaces[0].host_if, ct.ifaces[0].peer_if, ct.ifaces[0].bridge,
			    ct.ifaces[0].mtu, ct.pid, e) < 0 ||
	    configure_in_netns(ct.pid, &ct.ifaces[0], e) < 0) {
		release_networks(c, &ct, true);
		goto out;
	}
	json_array_append_new(nets, iface_json(&ct.nets[0], &ct.ifaces[0], &a));
	/* on two networks, one network's shared hosts file no longer fits */
	if (json_is_true(json_object_get(ct.state, "hosts_shared"))) {
		if (hosts_unshare(ct.pid, e) < 0)
			brig_warn("%s", e->msg);
		json_object_set_new(ct.state, "hosts_shared", json_false());
	}
	r = state_save(c, ct.id, ct.state, e);
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
	json_t *nets, *x;
	size_t i;
	int r = -1;

	if (load_running(c, ref, &ct, e) < 0)
		goto out;
	nets = json_object_get(ct.state, "networks");
	if (!(x = container_attachment(ct.state, net, &i))) {
		brig_errf(e, ENOENT, "container %s is not on network %s", ref, net);
		goto out;
	}
	if (net_link_delete(json_string_value(json_object_get(x, "host_interface")) ?: "", e) < 0)
		goto out;
	network_release(c, net, ct.id, &ignore);
	json_array_remove(nets, i);
	r = state_save(c, ct.id, ct.state, e);
	hosts_leave(c, ct.id, &net, 1);
	rejoin_hosts(c, &ct);
out:
	container_free(&ct);
	return r < 0 ? -(e->code ? e->code : EINVAL) : 0;
}
