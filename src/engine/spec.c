/* spec.c - the one JSON codec of a container's record: config.json to and
 * from struct container_spec, state.json to and from struct
 * container_state.  Nothing else reads these documents by key. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "labels.h"
#include "network.h"
#include "parse.h"
#include "spec.h"

/* ---- writing ---- */

/* Set key to v (a new reference) in o; a NULL v (out of memory, or a
 * string that is not UTF-8) clears *ok. */
static void set(json_t *o, const char *key, json_t *v, bool *ok)
{
	if (!v || json_object_set_new(o, key, v) < 0)
		*ok = false;
}

static json_t *strv_json(char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_string(v[i] ? v[i] : "")) < 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *aliases_json(const char (*aliases)[64], size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_string(aliases[i])) < 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *limits_json(const struct cgroup_limits *l)
{
	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:s}", "memory", (json_int_t)l->memory,
			 "memory_swap", (json_int_t)l->memory_swap, "cpu_quota",
			 (json_int_t)l->cpu_quota, "cpu_period", (json_int_t)l->cpu_period,
			 "cpu_shares", (json_int_t)l->cpu_shares, "pids", (json_int_t)l->pids,
			 "cpuset", l->cpuset);
}

/* {name, gw_priority, aliases, and ip and mac when asked for} */
static json_t *attach_json(const struct net_attach *a)
{
	json_t *j = json_object();
	char buf[18], buf6[NET_IP6_STRLEN];
	bool ok = j != NULL;

	if (!j)
		return NULL;
	set(j, "name", json_string(a->name), &ok);
	set(j, "gw_priority", json_integer(a->gw_priority), &ok);
	if (a->ip)
		set(j, "ip", json_string(net_ip_str(a->ip, buf)), &ok);
	if (a->has_ip6)
		set(j, "ip6", json_string(net_ip6_str(&a->ip6, buf6)), &ok);
	if (a->has_mac)
		set(j, "mac", json_string(netspec_mac_str(a->mac, buf)), &ok);
	set(j, "aliases", aliases_json(a->aliases, a->n_aliases), &ok);
	if (!ok) {
		json_decref(j);
		return NULL;
	}
	return j;
}

static json_t *networks_json(const struct container_spec *s)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < s->n_nets; i++)
		if (json_array_append_new(a, attach_json(&s->nets[i])) < 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* The command as stored, or built: --entrypoint, then the arguments after
 * the image. */
static json_t *cmd_json(const struct container_spec *s)
{
	json_t *cmd;

	if (s->cmd)
		return strv_json(s->cmd, s->n_cmd);
	cmd = strv_json(s->argv, strv_len(s->argv));
	if (cmd && s->entrypoint && json_array_insert_new(cmd, 0, json_string(s->entrypoint)) < 0) {
		json_decref(cmd);
		return NULL;
	}
	return cmd;
}

static json_t *idmap_json(const struct idmap *m)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < m->n; i++)
		if (json_array_append_new(a, json_pack("[III]", (json_int_t)m->r[i].inside,
							(json_int_t)m->r[i].outside,
							(json_int_t)m->r[i].count)) < 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *userns_json(const struct userns_maps *u)
{
	return json_pack("{sbs o?s o?}", "auto", u->automatic, "uid_map", idmap_json(&u->uid),
			 "gid_map", idmap_json(&u->gid));
}

/* DNS, extra hosts and the entrypoint: only what was asked for is written
 * (resolv.conf tells "not set" from "set to nothing"). */
/* "security_opt": ["no-new-privileges=false", ...], only when not all default */
static void set_security(json_t *j, const struct security_opts *o, bool *ok)
{
	const char *v[SECOPT_MAX];
	size_t n = secopt_strings(o, v);

	if (n)
		set(j, "security_opt", strv_json((char *const *)v, n), ok);
}

static void security_from(json_t *a, struct security_opts *o)
{
	struct brig_err ignore;

	for (size_t i = 0; i < json_array_size(a); i++) {
		const char *v = json_string_value(json_array_get(a, i));
		if (v)
			secopt_parse(v, o, &ignore);
	}
}

static void set_optional(json_t *j, const struct container_spec *s, bool *ok)
{
	if (s->n_dns)
		set(j, "dns", strv_json(s->dns, s->n_dns), ok);
	if (s->n_dns_search)
		set(j, "dns_search", strv_json(s->dns_search, s->n_dns_search), ok);
	if (s->n_dns_opts)
		set(j, "dns_options", strv_json(s->dns_opts, s->n_dns_opts), ok);
	if (s->n_add_hosts)
		set(j, "extra_hosts", strv_json(s->add_hosts, s->n_add_hosts), ok);
	if (s->entrypoint)
		set(j, "entrypoint", json_string(s->entrypoint), ok);
	if (s->hostname)
		set(j, "hostname", json_string(s->hostname), ok);
	if (s->id[0])
		set(j, "id", json_string(s->id), ok);
	if (s->name)
		set(j, "name", json_string(s->name), ok);
	if (s->image_config)
		set(j, "image_config", json_incref(s->image_config), ok);
	/* only when set: older records and plain containers keep their keys */
	if (s->n_labels)
		set(j, "labels", labels_json(s->labels, s->n_labels), ok);
	if (s->privileged)
		set(j, "privileged", json_true(), ok);
	set_security(j, &s->security, ok);
	if (s->userns.set)
		set(j, "userns", userns_json(&s->userns), ok);
	if (s->n_publish)
		set(j, "publish", strv_json(s->publish, s->n_publish), ok);
	if (s->publish_all)
		set(j, "publish_all", json_true(), ok);
}

static void set_mounts(json_t *j, const struct container_spec *s, bool *ok);


json_t *spec_to_json(const struct container_spec *s)
{
	json_t *j = json_object();
	bool ok = j != NULL;

	if (!j)
		return NULL;
	set(j, "image", json_string(s->image ? s->image : ""), &ok);
	set(j, "image_id", json_string(s->image_id), &ok);
	set(j, "rootfs", json_string(s->rootfs ? s->rootfs : ""), &ok);
	set(j, "created", json_string(s->created), &ok);
	set(j, "cmd", cmd_json(s), &ok);
	set(j, "env", strv_json(s->env, s->n_env), &ok);
	set(j, "workdir", json_string(s->workdir ? s->workdir : ""), &ok);
	set(j, "user", json_string(s->user ? s->user : ""), &ok);
	set(j, "networks", networks_json(s), &ok);
	set(j, "sysctls", strv_json(s->sysctls, s->n_sysctls), &ok);
	set(j, "rm", json_boolean(s->rm), &ok);
	set(j, "detach", json_boolean(s->detach), &ok);
	set(j, "tty", json_boolean(s->tty), &ok);
	set(j, "interactive", json_boolean(s->interactive), &ok);
	set(j, "init", json_boolean(s->init), &ok);
	set(j, "cap_add", json_integer((json_int_t)s->cap_add), &ok);
	set(j, "cap_drop", json_integer((json_int_t)s->cap_drop), &ok);
	set(j, "limits", limits_json(&s->limits), &ok);
	set(j, "cgroup_parent", json_string(s->cgroup_parent ? s->cgroup_parent : "brig"), &ok);
	set_optional(j, s, &ok);
	set_mounts(j, s, &ok);
	if (!ok) {
		json_decref(j);
		return NULL;
	}
	return j;
}

/* ---- reading ---- */

/* The string at key, or "" (missing, or not a string). */
static const char *str(json_t *j, const char *key)
{
	const char *v = json_string_value(json_object_get(j, key));

	return v ? v : "";
}

/* A malloc'd copy; a failure clears *ok. */
static char *xdup(const char *v, bool *ok)
{
	char *d = strdup(v);

	if (!d)
		*ok = false;
	return d;
}

/* Array a of strings as a malloc'd, NULL-terminated array of malloc'd
 * strings (a non-string element reads as ""); *n gets its length. */
static char **strv_dup(json_t *a, size_t *n, bool *ok)
{
	size_t len = json_array_size(a);
	char **v = calloc(len + 1, sizeof(*v));

	*n = 0;
	if (!v) {
		*ok = false;
		return NULL;
	}
	for (size_t i = 0; i < len; i++) {
		const char *s = json_string_value(json_array_get(a, i));
		if (!(v[i] = xdup(s ? s : "", ok)))
			break;
		*n = i + 1;
	}
	return v;
}

/* An optional string: a copy, or NULL when key is missing or no string. */
static char *opt_str(json_t *x, const char *key, bool *ok)
{
	json_t *v = json_object_get(x, key);

	return json_is_string(v) ? xdup(json_string_value(v), ok) : NULL;
}

/* An optional string array: NULL and 0 when key is missing. */
static char **opt_strv(json_t *j, const char *key, size_t *n, bool *ok)
{
	json_t *a = json_object_get(j, key);

	*n = 0;
	return json_is_array(a) ? strv_dup(a, n, ok) : NULL;
}

static void aliases_from(json_t *a, char (*out)[64], size_t *n)
{
	*n = 0;
	for (size_t k = 0; k < json_array_size(a) && *n < NETSPEC_ALIASES; k++) {
		const char *s = json_string_value(json_array_get(a, k));
		snprintf(out[(*n)++], 64, "%s", s ? s : "");
	}
}

static void limits_from(json_t *j, struct cgroup_limits *l)
{
	l->memory = json_integer_value(json_object_get(j, "memory"));
	l->memory_swap = json_integer_value(json_object_get(j, "memory_swap"));
	l->cpu_quota = (uint64_t)json_integer_value(json_object_get(j, "cpu_quota"));
	l->cpu_period = (uint64_t)json_integer_value(json_object_get(j, "cpu_period"));
	l->cpu_shares = (uint64_t)json_integer_value(json_object_get(j, "cpu_shares"));
	l->pids = json_integer_value(json_object_get(j, "pids"));
	snprintf(l->cpuset, sizeof(l->cpuset), "%s", str(j, "cpuset"));
}

/* One element of "networks": an object, or (older records) a plain name. */
static void attach_from(json_t *x, struct net_attach *a)
{
	memset(a, 0, sizeof(*a));
	snprintf(a->name, sizeof(a->name), "%s", json_is_string(x) ? json_string_value(x) : str(x, "name"));
	net_parse_ip(str(x, "ip"), &a->ip, NULL);
	a->has_ip6 = net_parse_ip6(str(x, "ip6"), &a->ip6, NULL) == 0;
	a->has_mac = netspec_parse_mac(str(x, "mac"), a->mac, NULL) == 0;
	if (!a->has_mac)
		memset(a->mac, 0, sizeof(a->mac));
	a->gw_priority = json_integer_value(json_object_get(x, "gw_priority"));
	aliases_from(json_object_get(x, "aliases"), a->aliases, &a->n_aliases);
}

/* The networks, normalised: none means the default network, and an older
 * record's top-level "ip" belongs to the first. */
static void nets_from(json_t *j, struct container_spec *s)
{
	json_t *nets = json_object_get(j, "networks");

	for (size_t i = 0; i < json_array_size(nets) && s->n_nets < MAX_NETS; i++)
		attach_from(json_array_get(nets, i), &s->nets[s->n_nets++]);
	if (s->n_nets == 0) {
		snprintf(s->nets[0].name, sizeof(s->nets[0].name), "%s", DEFAULT_NETWORK);
		s->n_nets = 1;
	}
	if (*str(j, "ip") && !s->nets[0].ip)
		net_parse_ip(str(j, "ip"), &s->nets[0].ip, NULL);
}

/* cmd, and argv inside it: past the entrypoint when it leads. */
static void cmd_from(json_t *j, struct container_spec *s, bool *ok)
{
	s->cmd = strv_dup(json_object_get(j, "cmd"), &s->n_cmd, ok);
	s->argv = s->cmd;
	if (s->cmd && s->entrypoint && s->n_cmd > 0 && strcmp(s->cmd[0], s->entrypoint) == 0)
		s->argv = s->cmd + 1;
}

static void strings_from(json_t *j, struct container_spec *s, bool *ok)
{
	json_t *v;

	s->name = xdup(str(j, "name"), ok);
	s->image = xdup(str(j, "image"), ok);
	s->rootfs = xdup(str(j, "rootfs"), ok);
	s->workdir = xdup(str(j, "workdir"), ok);
	s->user = xdup(str(j, "user"), ok);
	s->cgroup_parent = xdup(str(j, "cgroup_parent"), ok);
	if ((v = json_object_get(j, "hostname")) && json_is_string(v))
		s->hostname = xdup(json_string_value(v), ok);
	if ((v = json_object_get(j, "entrypoint")) && json_is_string(v))
		s->entrypoint = xdup(json_string_value(v), ok);
	snprintf(s->id, sizeof(s->id), "%s", str(j, "id"));
	snprintf(s->image_id, sizeof(s->image_id), "%s", str(j, "image_id"));
	snprintf(s->created, sizeof(s->created), "%s", str(j, "created"));
	if ((v = json_object_get(j, "image_config")) && json_is_object(v))
		s->image_config = json_incref(v);
}

/* ---- mounts (-v, --mount, --tmpfs, --read-only) ---- */

/* {type, source (not for tmpfs or an anonymous volume not yet named),
 * target, options (tmpfs), readonly, and the type's own flags} */
static json_t *mount_json(const struct mount_spec *m)
{
	json_t *j = json_object();
	bool ok = j != NULL;

	if (!j)
		return NULL;
	set(j, "type", json_string(mountspec_type_name(m->type)), &ok);
	if (m->source)
		set(j, "source", json_string(m->source), &ok);
	set(j, "target", json_string(m->target ? m->target : ""), &ok);
	if (m->options)
		set(j, "options", json_string(m->options), &ok);
	set(j, "readonly", json_boolean(m->readonly), &ok);
	if (m->type == MOUNT_BIND)
		set(j, "create_source", json_boolean(m->create_source), &ok);
	if (m->type == MOUNT_VOLUME) {
		set(j, "anonymous", json_boolean(m->anonymous), &ok);
		set(j, "nocopy", json_boolean(m->nocopy), &ok);
	}
	if (!ok) {
		json_decref(j);
		return NULL;
	}
	return j;
}

/* "mounts" when there is one, "read_only" when set: older records and
 * containers without mounts keep the keys they always had. */
static void set_mounts(json_t *j, const struct container_spec *s, bool *ok)
{
	json_t *a;

	if (s->read_only)
		set(j, "read_only", json_true(), ok);
	if (!s->n_mounts)
		return;
	a = json_array();
	for (size_t i = 0; a && i < s->n_mounts; i++)
		if (json_array_append_new(a, mount_json(&s->mounts[i])) < 0) {
			json_decref(a);
			a = NULL;
		}
	set(j, "mounts", a, ok);
}

/* A mount of a type this version does not know (a newer record's) is
 * left out: brig could not make it. */
static void mounts_from(json_t *j, struct container_spec *s, bool *ok)
{
	json_t *a = json_object_get(j, "mounts");
	size_t n = json_array_size(a);

	s->read_only = json_is_true(json_object_get(j, "read_only"));
	if (!n)
		return;
	if (!(s->mounts = calloc(n, sizeof(*s->mounts)))) {
		*ok = false;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		json_t *x = json_array_get(a, i);
		struct mount_spec *m = &s->mounts[s->n_mounts];
		int type = mountspec_type_from(str(x, "type"));

		if (type < 0 || !*str(x, "target"))
			continue;
		m->type = (enum mount_type)type;
		m->target = xdup(str(x, "target"), ok);
		m->source = opt_str(x, "source", ok);
		m->options = opt_str(x, "options", ok);
		m->readonly = json_is_true(json_object_get(x, "readonly"));
		m->create_source = json_is_true(json_object_get(x, "create_source"));
		m->anonymous = json_is_true(json_object_get(x, "anonymous"));
		m->nocopy = json_is_true(json_object_get(x, "nocopy"));
		s->n_mounts++;
	}
}

/* ---- end of mounts ---- */

/* A map as written; a malformed range ends it (idmap_check at start
 * would refuse what the kernel refuses). */
static void idmap_from(json_t *a, struct idmap *m)
{
	size_t i;
	json_t *r;

	m->n = 0;
	json_array_foreach(a, i, r) {
		json_int_t in, out, count;
		if (m->n >= IDMAP_MAX || json_unpack(r, "[III]", &in, &out, &count) < 0 ||
		    in < 0 || out < 0 || count <= 0 || in > UINT32_MAX || out > UINT32_MAX ||
		    count > UINT32_MAX)
			return;
		m->r[m->n++] = (struct idmap_range){ (uint32_t)in, (uint32_t)out, (uint32_t)count };
	}
}

static void userns_from(json_t *j, struct userns_maps *u)
{
	if (!json_is_object(j))
		return;
	u->set = true;
	u->automatic = json_is_true(json_object_get(j, "auto"));
	idmap_from(json_object_get(j, "uid_map"), &u->uid);
	idmap_from(json_object_get(j, "gid_map"), &u->gid);
}

int spec_from_json(json_t *j, struct container_spec *s, struct brig_err *e)
{
	bool ok = true;

	memset(s, 0, sizeof(*s));
	s->owned = true;
	if (!json_is_object(j))
		return brig_errf(e, EINVAL, "container config: not a JSON object");
	strings_from(j, s, &ok);
	cmd_from(j, s, &ok);
	s->env = strv_dup(json_object_get(j, "env"), &s->n_env, &ok);
	s->sysctls = strv_dup(json_object_get(j, "sysctls"), &s->n_sysctls, &ok);
	s->dns = opt_strv(j, "dns", &s->n_dns, &ok);
	s->dns_search = opt_strv(j, "dns_search", &s->n_dns_search, &ok);
	s->dns_opts = opt_strv(j, "dns_options", &s->n_dns_opts, &ok);
	s->add_hosts = opt_strv(j, "extra_hosts", &s->n_add_hosts, &ok);
	s->publish = opt_strv(j, "publish", &s->n_publish, &ok);
	s->publish_all = json_is_true(json_object_get(j, "publish_all"));
	nets_from(j, s);
	s->rm = json_is_true(json_object_get(j, "rm"));
	s->detach = json_is_true(json_object_get(j, "detach"));
	s->tty = json_is_true(json_object_get(j, "tty"));
	s->interactive = json_is_true(json_object_get(j, "interactive"));
	s->init = json_is_true(json_object_get(j, "init"));
	s->privileged = json_is_true(json_object_get(j, "privileged"));
	security_from(json_object_get(j, "security_opt"), &s->security);
	userns_from(json_object_get(j, "userns"), &s->userns);
	if (labels_from_json(json_object_get(j, "labels"), &s->labels, &s->n_labels) < 0)
		ok = false;
	s->cap_add = (uint64_t)json_integer_value(json_object_get(j, "cap_add"));
	s->cap_drop = (uint64_t)json_integer_value(json_object_get(j, "cap_drop"));
	limits_from(json_object_get(j, "limits"), &s->limits);
	mounts_from(j, s, &ok);
	if (!ok)
		return brig_errf(e, ENOMEM, "container config: out of memory");
	return 0;
}

void spec_free(struct container_spec *s)
{
	if (s->owned) {
		const char *str_fields[] = { s->name, s->hostname, s->workdir, s->user, s->image,
					     s->ip, s->mac, s->cgroup_parent, s->entrypoint, s->rootfs };
		for (size_t i = 0; i < ARRAY_SIZE(str_fields); i++)
			free((char *)str_fields[i]);
		/* argv points into cmd */
		strv_free(s->cmd);
		json_decref(s->image_config);
		strv_free(s->env);
		strv_free(s->sysctls);
		strv_free(s->dns);
		strv_free(s->dns_search);
		strv_free(s->dns_opts);
		strv_free(s->add_hosts);
		strv_free(s->publish);
		strv_free(s->labels);
		mountspec_free_all(s->mounts, s->n_mounts);
	}
	memset(s, 0, sizeof(*s));
}

/* ---- state ---- */

static const char *const status_names[] = {
	[CONTAINER_UNKNOWN] = "unknown",
	[CONTAINER_CREATED] = "created",
	[CONTAINER_RUNNING] = "running",
	[CONTAINER_EXITED] = "exited",
};

const char *spec_status_name(enum container_status s)
{
	return (size_t)s < ARRAY_SIZE(status_names) ? status_names[s] : "unknown";
}

static enum container_status status_from(const char *s)
{
	for (size_t i = CONTAINER_CREATED; i < ARRAY_SIZE(status_names); i++)
		if (strcmp(s, status_names[i]) == 0)
			return (enum container_status)i;
	return CONTAINER_UNKNOWN;
}

/* The v6 keys of a dual-stack attachment, beside the v4 ones. */
static json_t *net_json6(json_t *j, const struct container_net *n)
{
	char a[NET_IP6_STRLEN], g[NET_IP6_STRLEN];

	if (j && n->has6 &&
	    (json_object_set_new(j, "address6", json_string(net_ip6_str(&n->address6, a))) < 0 ||
	     json_object_set_new(j, "prefix6", json_integer(n->prefix6)) < 0 ||
	     json_object_set_new(j, "gateway6",
				 json_string(net_ip6_u128(&n->gateway6) ? net_ip6_str(&n->gateway6, g)
									: "")) < 0 ||
	     json_object_set_new(j, "default_route6", json_boolean(n->default_route6)) < 0)) {
		json_decref(j);
		return NULL;
	}
	return j;
}

static json_t *net_json(const struct container_net *n)
{
	char addr[16], gw[16], mac[18];

	return net_json6(json_pack("{s:s,s:s,s:i,s:s,s:s,s:s,s:s,s:b,s:o}", "network", n->network,
				   "address", n->address ? net_ip_str(n->address, addr) : "",
				   "prefix", n->prefix, "gateway",
				   n->gateway ? net_ip_str(n->gateway, gw) : "", "mac",
				   netspec_mac_str(n->mac, mac), "interface", n->interface,
				   "host_interface", n->host_interface, "default_route",
				   n->default_route, "aliases", aliases_json(n->aliases, n->n_aliases)),
			 n);
}

static json_t *nets_json(const struct container_state *st)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < st->n_nets; i++)
		if (json_array_append_new(a, net_json(&st->nets[i])) < 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* An IPv6 binding is told by its addresses' colons. */
static json_t *port_json(const struct port_binding *b)
{
	char ip[NET_IP6_STRLEN], addr[NET_IP6_STRLEN];

	if (b->v6) {
		net_ip6_str(&b->host_ip6, ip);
		net_ip6_str(&b->addr6, addr);
	} else {
		net_ip_str(b->host_ip, ip);
		net_ip_str(b->addr, addr);
	}
	return json_pack("{s:s,s:i,s:s,s:i,s:s}", "host_ip", ip, "host_port", b->host_port,
			 "address", addr, "port", b->port, "proto", portspec_proto_name(b->proto));
}

/* A binding's two addresses, of the family the host one's spelling says. */
static bool port_addrs_from(json_t *x, struct port_binding *b)
{
	const char *host = str(x, "host_ip");

	b->v6 = strchr(host, ':') != NULL;
	if (b->v6)
		return net_parse_ip6(host, &b->host_ip6, NULL) == 0 &&
		       net_parse_ip6(str(x, "address"), &b->addr6, NULL) == 0;
	return net_parse_ip(host, &b->host_ip, NULL) == 0 &&
	       net_parse_ip(str(x, "address"), &b->addr, NULL) == 0;
}

static json_t *ports_json(const struct container_state *st)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < st->n_ports; i++)
		if (json_array_append_new(a, port_json(&st->ports[i])) < 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* One element of "ports"; false when it does not read as one. */
static bool port_from(json_t *x, struct port_binding *b)
{
	json_int_t hp = json_integer_value(json_object_get(x, "host_port"));
	json_int_t p = json_integer_value(json_object_get(x, "port"));

	memset(b, 0, sizeof(*b));
	if (hp < 1 || hp > 65535 || p < 1 || p > 65535 || !port_addrs_from(x, b) ||
	    portspec_proto(str(x, "proto"), &b->proto) < 0)
		return false;
	b->host_port = (uint16_t)hp;
	b->port = (uint16_t)p;
	return true;
}

json_t *spec_state_to_json(const struct container_state *st)
{
	json_t *j = json_object();
	bool ok = j != NULL;

	if (!j)
		return NULL;
	if (st->status != CONTAINER_UNKNOWN)
		set(j, "status", json_string(spec_status_name(st->status)), &ok);
	if (st->pid) {
		set(j, "pid", json_integer(st->pid), &ok);
		set(j, "starttime", json_integer((json_int_t)st->starttime), &ok);
	}
	if (st->owner) {
		set(j, "owner", json_integer(st->owner), &ok);
		set(j, "owner_starttime", json_integer((json_int_t)st->owner_starttime), &ok);
	}
	if (st->started[0])
		set(j, "started", json_string(st->started), &ok);
	if (st->finished[0])
		set(j, "finished", json_string(st->finished), &ok);
	if (st->has_exit) {
		set(j, "exit_code", json_integer(st->exit_code), &ok);
		set(j, "signal", json_integer(st->signal), &ok);
		set(j, "oom_killed", json_boolean(st->oom_killed), &ok);
	}
	if (st->n_ports)
		set(j, "ports", ports_json(st), &ok);
	if (st->has_networks) {
		set(j, "networks", nets_json(st), &ok);
		set(j, "hosts_shared", json_boolean(st->hosts_shared), &ok);
	}
	if (!ok) {
		json_decref(j);
		return NULL;
	}
	return j;
}

/* Plain "xx:xx:xx:xx:xx:xx" (any bits: the record says what was set). */
static void mac_from(const char *s, uint8_t mac[6])
{
	unsigned v[6];

	memset(mac, 0, 6);
	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) == 6)
		for (int i = 0; i < 6; i++)
			mac[i] = (uint8_t)v[i];
}

static void net_from(json_t *x, struct container_net *n)
{
	memset(n, 0, sizeof(*n));
	snprintf(n->network, sizeof(n->network), "%s", str(x, "network"));
	net_parse_ip(str(x, "address"), &n->address, NULL);
	n->prefix = (int)json_integer_value(json_object_get(x, "prefix"));
	net_parse_ip(str(x, "gateway"), &n->gateway, NULL);
	mac_from(str(x, "mac"), n->mac);
	snprintf(n->interface, sizeof(n->interface), "%s", str(x, "interface"));
	snprintf(n->host_interface, sizeof(n->host_interface), "%s", str(x, "host_interface"));
	n->default_route = json_is_true(json_object_get(x, "default_route"));
	aliases_from(json_object_get(x, "aliases"), n->aliases, &n->n_aliases);
	n->has6 = net_parse_ip6(str(x, "address6"), &n->address6, NULL) == 0;
	if (!n->has6)
		return;
	n->prefix6 = (int)json_integer_value(json_object_get(x, "prefix6"));
	net_parse_ip6(str(x, "gateway6"), &n->gateway6, NULL);
	n->default_route6 = json_is_true(json_object_get(x, "default_route6"));
}

int spec_state_from_json(json_t *j, struct container_state *st, struct brig_err *e)
{
	json_t *nets = json_object_get(j, "networks"), *ports;

	memset(st, 0, sizeof(*st));
	if (!json_is_object(j))
		return brig_errf(e, EINVAL, "container state: not a JSON object");
	st->status = status_from(str(j, "status"));
	st->pid = (pid_t)json_integer_value(json_object_get(j, "pid"));
	st->starttime = (unsigned long long)json_integer_value(json_object_get(j, "starttime"));
	st->owner = (pid_t)json_integer_value(json_object_get(j, "owner"));
	st->owner_starttime =
		(unsigned long long)json_integer_value(json_object_get(j, "owner_starttime"));
	snprintf(st->started, sizeof(st->started), "%s", str(j, "started"));
	snprintf(st->finished, sizeof(st->finished), "%s", str(j, "finished"));
	st->has_exit = json_object_get(j, "exit_code") != NULL;
	st->exit_code = (int)json_integer_value(json_object_get(j, "exit_code"));
	st->signal = (int)json_integer_value(json_object_get(j, "signal"));
	st->oom_killed = json_is_true(json_object_get(j, "oom_killed"));
	st->has_networks = json_is_array(nets) || json_object_get(j, "hosts_shared");
	st->hosts_shared = json_is_true(json_object_get(j, "hosts_shared"));
	for (size_t i = 0; i < json_array_size(nets) && st->n_nets < MAX_NETS; i++)
		net_from(json_array_get(nets, i), &st->nets[st->n_nets++]);
	ports = json_object_get(j, "ports");
	for (size_t i = 0; i < json_array_size(ports) && st->n_ports < PORTSPEC_BINDINGS_MAX; i++)
		if (port_from(json_array_get(ports, i), &st->ports[st->n_ports]))
			st->n_ports++;
	return 0;
}
