/* conv_container.c - brig's container documents as Docker's (see
 * conv.h): ContainerJSON of an inspect document, the entries of the list,
 * the human status, the list's filters.  The document's "config" and
 * "state" are read back through their one codec (spec.h); the rest of it
 * ("Mounts", "NetworkSettings.Ports") is already in Docker's shape. */
#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>

#include "cleanup.h"
#include "conv.h"
#include "labels.h"
#include "parse.h"

#define ZERO_TIME "0001-01-01T00:00:00Z" /* Go's zero time.Time */

/* A container record read back from its inspect document. */
struct rec {
	const char *id, *name;
	struct container_spec cfg;
	struct container_state st;
	json_t *doc;
};

static int rec_read(json_t *doc, struct rec *r, struct brig_err *e)
{
	memset(r, 0, sizeof(*r));
	r->doc = doc;
	r->id = json_string_value(json_object_get(doc, "id"));
	r->name = json_string_value(json_object_get(doc, "name"));
	if (!r->id || !r->name)
		return brig_errf(e, EINVAL, "not an inspect document: no id or name");
	if (spec_from_json(json_object_get(doc, "config"), &r->cfg, e) < 0 ||
	    spec_state_from_json(json_object_get(doc, "state"), &r->st, e) < 0) {
		spec_free(&r->cfg);
		return brig_err_ctx(e, "container %s", r->id);
	}
	return 0;
}

/* ---- small builders; each returns a new reference, NULL without memory ---- */

static json_t *strv_or_null(char *const *v, size_t n)
{
	json_t *a;

	if (!n)
		return json_null();
	a = json_array();
	for (size_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_string(v[i] ? v[i] : "")) < 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *time_or_zero(const char *t) { return json_string(t && *t ? t : ZERO_TIME); }

/* Docker's spelling of capabilities: "CAP_NET_ADMIN"; every bit: "ALL". */
static json_t *caps_json(uint64_t bits)
{
	json_t *a;

	if (!bits)
		return json_null();
	if (bits == ~0ULL)
		return json_pack("[s]", "ALL");
	a = json_array();
	for (int i = 0; a && i < 64; i++) {
		char *name, up[64];
		size_t k = 0;
		if (!(bits & (1ULL << i)) || !(name = cap_to_name((cap_value_t)i)))
			continue;
		for (const char *p = name; *p && k < sizeof(up) - 1; p++)
			up[k++] = (char)toupper((unsigned char)*p);
		up[k] = '\0';
		cap_free(name);
		json_array_append_new(a, json_string(up));
	}
	return a;
}

/* ---- ports ---- */

/* The -p values as requests (each checked at create; one that no longer
 * parses is left out). */
static size_t requests(const struct container_spec *cfg, struct port_request *v)
{
	size_t n = 0;
	struct brig_err ignored;

	for (size_t i = 0; i < cfg->n_publish; i++)
		portspec_parse(cfg->publish[i], v, PORTSPEC_MAX, &n, &ignored);
	return n;
}

static void port_key(uint16_t port, uint8_t proto, char *out, size_t len)
{
	snprintf(out, len, "%u/%s", port, portspec_proto_name(proto));
}

/* HostConfig.PortBindings: {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]} */
static json_t *port_bindings(const struct container_spec *cfg)
{
	struct port_request v[PORTSPEC_MAX];
	size_t n = requests(cfg, v);
	json_t *o = json_object();

	for (size_t i = 0; o && i < n; i++) {
		char key[32], ip[NET_IP6_STRLEN] = "", hp[16] = "";
		json_t *list;
		port_key(v[i].port, v[i].proto, key, sizeof(key));
		if (v[i].family == AF_INET6)
			net_ip6_str(&v[i].host_ip6, ip);
		else if (v[i].host_ip)
			net_ip_str(v[i].host_ip, ip);
		if (v[i].host_lo && v[i].host_lo == v[i].host_hi)
			snprintf(hp, sizeof(hp), "%u", v[i].host_lo);
		else if (v[i].host_lo)
			snprintf(hp, sizeof(hp), "%u-%u", v[i].host_lo, v[i].host_hi);
		if (!(list = json_object_get(o, key)))
			json_object_set_new(o, key, list = json_array());
		json_array_append_new(list, json_pack("{s:s,s:s}", "HostIp", ip, "HostPort", hp));
	}
	return o;
}

/* Config.ExposedPorts: the image's and those published, {"80/tcp": {}};
 * null when none. */
static json_t *exposed_ports(const struct container_spec *cfg)
{
	struct port_request v[PORTSPEC_MAX];
	size_t n = requests(cfg, v);
	json_t *img = json_object_get(cfg->image_config, "ExposedPorts"), *o = json_object(), *x;
	const char *key;

	json_object_foreach(img, key, x) json_object_set_new(o, key, json_object());
	for (size_t i = 0; o && i < n; i++) {
		char k[32];
		port_key(v[i].port, v[i].proto, k, sizeof(k));
		json_object_set_new(o, k, json_object());
	}
	if (o && !json_object_size(o)) {
		json_decref(o);
		return json_null();
	}
	return o;
}

/* NetworkSettings.Ports: the published ones (the document's, Docker's
 * shape), and every exposed one that is not, as null. */
static json_t *settings_ports(const struct rec *r)
{
	json_t *pub = json_object_get(json_object_get(r->doc, "NetworkSettings"), "Ports");
	json_t *o = json_is_object(pub) ? json_deep_copy(pub) : json_object();
	json_t *exp = exposed_ports(&r->cfg), *x;
	const char *key;

	json_object_foreach(exp, key, x) if (o && !json_object_get(o, key))
	    json_object_set_new(o, key, json_null());
	json_decref(exp);
	return o;
}

/* ---- networks ---- */

/* A stable 64-hex id of the text a:b (FNV-1a, four lanes): networks and
 * endpoints have no id of their own in brig. */
static void hex_id(const char *a, const char *b, char out[65])
{
	for (int lane = 0; lane < 4; lane++) {
		uint64_t h = 14695981039346656037ULL ^ (uint64_t)lane;
		for (const char *p = a; *p; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ULL;
		h = (h ^ ':') * 1099511628211ULL;
		for (const char *p = b; *p; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ULL;
		snprintf(out + lane * 16, 17, "%016llx", (unsigned long long)h);
	}
}

void conv_network_id(const char *name, char out[65]) { hex_id("network", name, out); }

/* The state's attachment to net when the container runs, else NULL. */
static const struct container_net *attached(const struct rec *r, const char *net)
{
	if (r->st.status != CONTAINER_RUNNING)
		return NULL;
	for (size_t i = 0; i < r->st.n_nets; i++)
		if (!strcmp(r->st.nets[i].network, net))
			return &r->st.nets[i];
	return NULL;
}

static bool has_string(json_t *a, const char *s)
{
	size_t i;
	json_t *x;

	json_array_foreach(a, i, x) if (json_is_string(x) &&
					!strcmp(json_string_value(x), s)) return true;
	return false;
}

/* the aliases asked for, then those the state has (the name and short id) */
static json_t *aliases_json(const struct net_attach *a, const struct container_net *cn)
{
	json_t *v = json_array();

	for (size_t i = 0; v && i < a->n_aliases; i++)
		json_array_append_new(v, json_string(a->aliases[i]));
	for (size_t i = 0; v && cn && i < cn->n_aliases; i++)
		if (!has_string(v, cn->aliases[i]))
			json_array_append_new(v, json_string(cn->aliases[i]));
	if (v && !json_array_size(v)) {
		json_decref(v);
		return json_null();
	}
	return v;
}

/* EndpointSettings of the container on network a (addresses when it runs). */
static json_t *endpoint(const struct rec *r, const struct net_attach *a)
{
	const struct container_net *cn = attached(r, a->name);
	char nid[65], eid[65] = "", ip[16] = "", gw[16] = "", mac[18] = "", sip[16];
	json_t *ipam = json_null();

	conv_network_id(a->name, nid);
	if (cn) {
		char key[NETSPEC_MODE_MAX + BRIG_ID_LEN + 2];
		/* the endpoint's id as the network's inspect gives it (conv_other.c) */
		snprintf(key, sizeof(key), "%s/%s", a->name, r->id);
		conv_network_id(key, eid);
		if (cn->address)
			net_ip_str(cn->address, ip);
		if (cn->gateway)
			net_ip_str(cn->gateway, gw);
		netspec_mac_str(cn->mac, mac);
	}
	if (a->ip) {
		json_decref(ipam);
		ipam = json_pack("{s:s}", "IPv4Address", net_ip_str(a->ip, sip));
	}
	return json_pack("{s:o,s:n,s:o,s:s,s:s,s:s,s:s,s:i,s:s,s:s,s:i,s:s,s:n}", "IPAMConfig",
			 ipam, "Links", "Aliases", aliases_json(a, cn), "NetworkID", nid,
			 "EndpointID", eid, "Gateway", gw, "IPAddress", ip, "IPPrefixLen",
			 cn && cn->address ? cn->prefix : 0, "IPv6Gateway", "", "GlobalIPv6Address",
			 "", "GlobalIPv6PrefixLen", 0, "MacAddress", mac, "DriverOpts");
}

/* NetworkSettings.Networks: {NAME: EndpointSettings}; a container sharing
 * another's network namespace has none, as Docker's. */
static json_t *networks_json(const struct rec *r)
{
	json_t *o = json_object();

	for (size_t i = 0; o && i < r->cfg.n_nets; i++) {
		const struct net_attach *a = &r->cfg.nets[i];
		if (!strncmp(a->name, "container:", 10))
			continue;
		json_object_set_new(o, a->name, endpoint(r, a));
	}
	return o;
}

/* member k of o when a string (a new reference), else "" */
static json_t *string_of(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_string(v) ? json_incref(v) : json_string("");
}

/* Docker's NetworkSettings: the default network's addresses at the top. */
static json_t *network_settings(const struct rec *r)
{
	json_t *nets = networks_json(r), *bridge = json_object_get(nets, DEFAULT_NETWORK);
	char key[64] = "";

	if (r->st.status == CONTAINER_RUNNING && r->st.pid)
		snprintf(key, sizeof(key), "/proc/%d/ns/net", (int)r->st.pid);
#define B(k) string_of(bridge, k)
	return json_pack(
	    "{s:s,s:s,s:b,s:s,s:i,s:o,s:s,s:n,s:n,s:o,s:o,s:s,s:i,s:o,s:i,s:s,s:o,s:o}", "Bridge",
	    "", "SandboxID", "", "HairpinMode", 0, "LinkLocalIPv6Address", "",
	    "LinkLocalIPv6PrefixLen", 0, "Ports", settings_ports(r), "SandboxKey", key,
	    "SecondaryIPAddresses", "SecondaryIPv6Addresses", "EndpointID", B("EndpointID"),
	    "Gateway", B("Gateway"), "GlobalIPv6Address", "", "GlobalIPv6PrefixLen", 0, "IPAddress",
	    B("IPAddress"), "IPPrefixLen",
	    (int)json_integer_value(json_object_get(bridge, "IPPrefixLen")), "IPv6Gateway", "",
	    "MacAddress", B("MacAddress"), "Networks", nets);
#undef B
}

/* ---- HostConfig, Config ---- */

/* Binds: the bind mounts and named volumes as -v writes them; Tmpfs:
 * {PATH: OPTIONS}. */
static json_t *binds_json(const struct container_spec *cfg)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < cfg->n_mounts; i++) {
		const struct mount_spec *m = &cfg->mounts[i];
		char b[8192];
		if (m->type == MOUNT_TMPFS || m->anonymous || !m->source)
			continue;
		snprintf(b, sizeof(b), "%s:%s%s", m->source, m->target, m->readonly ? ":ro" : "");
		json_array_append_new(a, json_string(b));
	}
	if (a && !json_array_size(a)) {
		json_decref(a);
		return json_null();
	}
	return a;
}

static json_t *tmpfs_json(const struct container_spec *cfg)
{
	json_t *o = json_object();

	for (size_t i = 0; o && i < cfg->n_mounts; i++)
		if (cfg->mounts[i].type == MOUNT_TMPFS)
			json_object_set_new(
			    o, cfg->mounts[i].target,
			    json_string(cfg->mounts[i].options ? cfg->mounts[i].options : ""));
	return o;
}

static json_t *sysctls_json(const struct container_spec *cfg)
{
	return labels_json(cfg->sysctls, cfg->n_sysctls); /* the same KEY=VALUE map */
}

static json_t *security_json(const struct container_spec *cfg)
{
	const char *v[SECOPT_MAX];
	size_t n = secopt_strings(&cfg->security, v);

	return strv_or_null((char *const *)v, n);
}

static json_t *pids_json(int64_t pids) { return pids ? json_integer(pids) : json_null(); }

static json_int_t nano_cpus(const struct cgroup_limits *l)
{
	return l->cpu_period ? (json_int_t)(l->cpu_quota * 1000000000ULL / l->cpu_period) : 0;
}

static json_t *host_config(const struct rec *r)
{
	const struct container_spec *c = &r->cfg;
	const struct cgroup_limits *l = &c->limits;

	return json_pack(
	    "{s:o,s:s,s:{s:s,s:o},s:o,s:{s:s,s:i},s:b,s:o,s:o,s:o,s:o,s:o,s:o,s:b,s:b,"
	    "s:b,s:o,s:I,s:I,s:I,s:I,s:I,s:o,s:s,s:s,s:o,s:o,s:b}",
	    "Binds", binds_json(c), "NetworkMode", c->n_nets ? c->nets[0].name : "", "LogConfig",
	    "Type", "json-file", "Config", json_object(), "PortBindings", port_bindings(c),
	    "RestartPolicy", "Name", "no", "MaximumRetryCount", 0, "AutoRemove", c->rm, "CapAdd",
	    caps_json(c->cap_add), "CapDrop", caps_json(c->cap_drop), "Dns",
	    strv_or_null(c->dns, c->n_dns), "DnsOptions", strv_or_null(c->dns_opts, c->n_dns_opts),
	    "DnsSearch", strv_or_null(c->dns_search, c->n_dns_search), "ExtraHosts",
	    strv_or_null(c->add_hosts, c->n_add_hosts), "Privileged", c->privileged,
	    "PublishAllPorts", c->publish_all, "ReadonlyRootfs", c->read_only, "SecurityOpt",
	    security_json(c), "Memory", (json_int_t)l->memory, "MemorySwap",
	    (json_int_t)l->memory_swap, "NanoCpus", nano_cpus(l), "CpuShares",
	    (json_int_t)l->cpu_shares, "CpuQuota", (json_int_t)0, "PidsLimit", pids_json(l->pids),
	    "CpusetCpus", l->cpuset, "CgroupParent", c->cgroup_parent ? c->cgroup_parent : "",
	    "Tmpfs", tmpfs_json(c), "Sysctls", sysctls_json(c), "Init", c->init);
}

/* How many of the stored command's first words are the entrypoint: the
 * one given at create, else the image's when the command starts with it. */
static size_t entrypoint_len(const struct container_spec *c)
{
	json_t *ep = json_object_get(c->image_config, "Entrypoint");
	size_t n = json_array_size(ep);

	if (c->entrypoint)
		return *c->entrypoint && c->n_cmd ? 1 : 0;
	if (n > c->n_cmd)
		return 0;
	for (size_t i = 0; i < n; i++) {
		const char *w = json_string_value(json_array_get(ep, i));
		if (!w || strcmp(w, c->cmd[i]))
			return 0;
	}
	return n;
}

static json_t *config_json(const struct rec *r)
{
	const struct container_spec *c = &r->cfg;
	size_t k = entrypoint_len(c);
	json_t *stop = json_object_get(c->image_config, "StopSignal");
	char host[13];

	snprintf(host, sizeof(host), "%.12s", r->id);
	return json_pack(
	    "{s:s,s:s,s:s,s:b,s:b,s:b,s:o,s:b,s:b,s:b,s:o,s:o,s:s,s:n,s:s,s:o,s:n,s:o,"
	    "s:s}",
	    "Hostname", c->hostname ? c->hostname : host, "Domainname", "", "User",
	    c->user ? c->user : "", "AttachStdin", 0, "AttachStdout", 0, "AttachStderr", 0,
	    "ExposedPorts", exposed_ports(c), "Tty", c->tty, "OpenStdin", c->interactive,
	    "StdinOnce", 0, "Env", strv_or_null(c->env, c->n_env), "Cmd",
	    strv_or_null(c->cmd + k, c->n_cmd - k), "Image", c->image ? c->image : "", "Volumes",
	    "WorkingDir", c->workdir ? c->workdir : "", "Entrypoint", strv_or_null(c->cmd, k),
	    "OnBuild", "Labels", labels_json(c->labels, c->n_labels), "StopSignal",
	    json_is_string(stop) ? json_string_value(stop) : "");
}

/* ---- the state ---- */

const char *conv_state_name(enum container_status s)
{
	return s == CONTAINER_UNKNOWN ? "dead" : spec_status_name(s);
}

static json_t *state_json(const struct rec *r)
{
	const struct container_state *st = &r->st;
	bool running = st->status == CONTAINER_RUNNING;

	return json_pack("{s:s,s:b,s:b,s:b,s:b,s:b,s:i,s:i,s:s,s:o,s:o}", "Status",
			 conv_state_name(st->status), "Running", running, "Paused", 0, "Restarting",
			 0, "OOMKilled", st->oom_killed, "Dead", st->status == CONTAINER_UNKNOWN,
			 "Pid", running ? (int)st->pid : 0, "ExitCode",
			 st->has_exit ? st->exit_code : 0, "Error", "", "StartedAt",
			 time_or_zero(st->started), "FinishedAt", time_or_zero(st->finished));
}

static json_t *image_id(const struct container_spec *c)
{
	char id[BRIG_ID_LEN + 8];

	if (!*c->image_id)
		return json_string(c->image ? c->image : "");
	snprintf(id, sizeof(id), "sha256:%s", c->image_id);
	return json_string(id);
}

static json_t *mounts_of(const struct rec *r)
{
	json_t *m = json_object_get(r->doc, "Mounts");

	return json_is_array(m) ? json_incref(m) : json_array();
}

json_t *conv_container_json(json_t *doc, struct brig_err *e)
{
	struct rec r;
	char name[300];
	json_t *out;

	if (rec_read(doc, &r, e) < 0)
		return NULL;
	snprintf(name, sizeof(name), "/%s", r.name);
	out = json_pack(
	    "{s:s,s:o,s:s,s:o,s:o,s:o,s:s,s:i,s:s,s:s,s:o,s:o,s:o,s:o}", "Id", r.id, "Created",
	    time_or_zero(r.cfg.created), "Path", r.cfg.n_cmd ? r.cfg.cmd[0] : "", "Args",
	    r.cfg.n_cmd > 1 ? strv_or_null(r.cfg.cmd + 1, r.cfg.n_cmd - 1) : json_array(), "State",
	    state_json(&r), "Image", image_id(&r.cfg), "Name", name, "RestartCount", 0, "Driver",
	    "overlay2", "Platform", "linux", "HostConfig", host_config(&r), "Config",
	    config_json(&r), "Mounts", mounts_of(&r), "NetworkSettings", network_settings(&r));
	spec_free(&r.cfg);
	if (!out)
		brig_errf(e, ENOMEM, "container %s: out of memory", r.id);
	return out;
}

/* ---- the list ---- */

void conv_human_duration(int64_t s, char *out, size_t len)
{
	int64_t h = (s + 1800) / 3600; /* Go's int(d.Hours() + 0.5) */

	if (s < 1)
		snprintf(out, len, "Less than a second");
	else if (s == 1)
		snprintf(out, len, "1 second");
	else if (s < 60)
		snprintf(out, len, "%lld seconds", (long long)s);
	else if (s / 60 == 1)
		snprintf(out, len, "About a minute");
	else if (s / 60 < 60)
		snprintf(out, len, "%lld minutes", (long long)(s / 60));
	else if (h == 1)
		snprintf(out, len, "About an hour");
	else if (h < 48)
		snprintf(out, len, "%lld hours", (long long)h);
	else if (h < 24 * 7 * 2)
		snprintf(out, len, "%lld days", (long long)(h / 24));
	else if (h < 24 * 30 * 2)
		snprintf(out, len, "%lld weeks", (long long)(h / 24 / 7));
	else if (h < 24 * 365 * 2)
		snprintf(out, len, "%lld months", (long long)(h / 24 / 30));
	else
		snprintf(out, len, "%lld years", (long long)(s / 3600 / 24 / 365));
}

void conv_status_text(const struct container_summary *s, int64_t now, char *out, size_t len)
{
	char d[32];

	if (s->status == CONTAINER_RUNNING) {
		conv_human_duration(now - s->started, d, sizeof(d));
		snprintf(out, len, "Up %s", d);
	} else if (s->status == CONTAINER_CREATED || (!s->started && !s->finished)) {
		snprintf(out, len, "Created");
	} else if (!s->finished) {
		snprintf(out, len, "Exited (%d)", s->has_exit ? s->exit_code : 0);
	} else {
		conv_human_duration(now - s->finished, d, sizeof(d));
		snprintf(out, len, "Exited (%d) %s ago", s->has_exit ? s->exit_code : 0, d);
	}
}

/* One Port of the list from NetworkSettings.Ports' key and binding. */
static json_t *list_port(const char *key, json_t *b)
{
	uint16_t port;
	uint8_t proto;
	struct brig_err ignored;
	const char *hp = json_string_value(json_object_get(b, "HostPort"));

	if (portspec_port(key, &port, &proto, &ignored) < 0)
		return NULL;
	if (!b)
		return json_pack("{s:i,s:s}", "PrivatePort", port, "Type",
				 portspec_proto_name(proto));
	return json_pack("{s:s,s:i,s:i,s:s}", "IP",
			 json_string_value(json_object_get(b, "HostIp")) ?: "0.0.0.0",
			 "PrivatePort", port, "PublicPort", hp ? atoi(hp) : 0, "Type",
			 portspec_proto_name(proto));
}

static json_t *list_ports(const struct rec *r)
{
	json_t *ports = settings_ports(r), *v, *b, *a = json_array();
	const char *key;
	size_t i;

	json_object_foreach(ports, key, v)
	{
		if (!json_array_size(v))
			json_array_append_new(a, list_port(key, NULL));
		json_array_foreach(v, i, b) json_array_append_new(a, list_port(key, b));
	}
	json_decref(ports);
	return a;
}

/* What only the document knows: ImageID, Labels, Ports, Mounts, networks. */
static int add_doc_fields(json_t *out, json_t *doc)
{
	struct rec r;
	struct brig_err e;
	int ok;

	if (rec_read(doc, &r, &e) < 0)
		return 0; /* the summary alone */
	ok = !json_object_set_new(out, "ImageID", image_id(&r.cfg)) &&
	     !json_object_set_new(out, "Labels", labels_json(r.cfg.labels, r.cfg.n_labels)) &&
	     !json_object_set_new(out, "Ports", list_ports(&r)) &&
	     !json_object_set_new(out, "Mounts", mounts_of(&r)) &&
	     !json_object_set_new(
		 out, "HostConfig",
		 json_pack("{s:s}", "NetworkMode", r.cfg.n_nets ? r.cfg.nets[0].name : "")) &&
	     !json_object_set_new(out, "NetworkSettings",
				  json_pack("{s:o}", "Networks", networks_json(&r)));
	spec_free(&r.cfg);
	return ok ? 0 : -1;
}

json_t *conv_container_summary(const struct container_summary *s, json_t *doc, int64_t now)
{
	char name[300], status[64];
	json_t *out;

	snprintf(name, sizeof(name), "/%s", s->name);
	conv_status_text(s, now, status, sizeof(status));
	out = json_pack("{s:s,s:[s],s:s,s:s,s:s,s:I,s:s,s:s,s:[],s:{},s:[],s:{s:s},s:{s:{}}}", "Id",
			s->id, "Names", name, "Image", s->image, "ImageID", "", "Command",
			s->command, "Created", (json_int_t)s->created, "State",
			conv_state_name(s->status), "Status", status, "Ports", "Labels", "Mounts",
			"HostConfig", "NetworkMode", "", "NetworkSettings", "Networks");
	if (out && doc && add_doc_fields(out, doc) < 0) {
		json_decref(out);
		return NULL;
	}
	return out;
}

/* ---- the list's filters ---- */

static const char *const filter_keys[] = {"id", "name", "status", "label", "exited"};
static const char *const states[] = {"created", "restarting", "running", "removing",
				     "paused",	"exited",     "dead"};

static bool in(const char *v, const char *const *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v, set[i]))
			return true;
	return false;
}

/* The values of one filter: an array's strings, or the keys of an object
 * whose value is true (older clients' {"VALUE": true}); at most max. */
#define FILTER_VALUES 64
static size_t filter_values(json_t *vals, const char **out, size_t max)
{
	const char *k;
	size_t n = 0, i;
	json_t *x;

	json_array_foreach(vals, i, x) if (json_is_string(x) && n < max) out[n++] =
	    json_string_value(x);
	json_object_foreach(vals, k, x) if (json_is_true(x) && n < max) out[n++] = k;
	return n;
}

static int check_value(const char *key, const char *v, struct brig_err *e)
{
	char *end;

	if (!strcmp(key, "status") && !in(v, states, ARRAY_SIZE(states)))
		return brig_errf(e, EINVAL, "invalid filter 'status=%s'", v);
	if (!strcmp(key, "exited")) {
		errno = 0;
		strtol(v, &end, 10);
		if (!*v || *end || errno)
			return brig_errf(e, EINVAL, "invalid filter 'exited=%s': not an integer",
					 v);
	}
	return 0;
}

static int check_filter(const char *key, json_t *vals, struct brig_err *e)
{
	const char *v[FILTER_VALUES];
	size_t n, i;
	json_t *x;

	if (!in(key, filter_keys, ARRAY_SIZE(filter_keys)))
		return brig_errf(e, EINVAL, "invalid filter '%s'", key);
	if (!json_is_array(vals) && !json_is_object(vals))
		return brig_errf(e, EINVAL, "filter '%s': expected an array of strings", key);
	json_array_foreach(vals, i, x) if (!json_is_string(x)) return brig_errf(
	    e, EINVAL, "filter '%s': expected strings", key);
	n = filter_values(vals, v, FILTER_VALUES);
	for (i = 0; i < n; i++)
		if (check_value(key, v[i], e) < 0)
			return -e->code;
	return 0;
}

int conv_list_filters_check(json_t *filters, struct brig_err *e)
{
	const char *key;
	json_t *vals;

	if (!filters || json_is_null(filters))
		return 0;
	if (!json_is_object(filters))
		return brig_errf(e, EINVAL, "filters: expected an object");
	json_object_foreach(filters, key, vals) if (check_filter(key, vals, e) < 0) return -e->code;
	return 0;
}

/* name: Docker's regular expression, searched in "/NAME" (POSIX ERE
 * here; one that does not compile is matched as plain text) */
static bool name_matches(const char *name, const char *re)
{
	char full[300];
	regex_t rx;
	bool hit;

	snprintf(full, sizeof(full), "/%s", name);
	if (regcomp(&rx, re, REG_EXTENDED | REG_NOSUB) != 0)
		return strstr(full, re) != NULL;
	hit = regexec(&rx, full, 0, NULL, 0) == 0;
	regfree(&rx);
	return hit;
}

/* label: KEY present, or KEY=VALUE equal */
static bool label_matches(json_t *labels, const char *v)
{
	const char *eq = strchr(v, '='), *have;
	char key[256];

	snprintf(key, sizeof(key), "%.*s", (int)(eq ? eq - v : (long)strlen(v)), v);
	if (!json_object_get(labels, key))
		return false;
	have = json_string_value(json_object_get(labels, key));
	return !eq || (have && !strcmp(have, eq + 1));
}

static bool value_matches(const struct container_summary *s, json_t *labels, const char *key,
			  const char *v)
{
	if (!strcmp(key, "id"))
		return !strncmp(s->id, v, strlen(v));
	if (!strcmp(key, "name"))
		return name_matches(s->name, v);
	if (!strcmp(key, "status"))
		return !strcmp(conv_state_name(s->status), v);
	if (!strcmp(key, "label"))
		return label_matches(labels, v);
	if (!strcmp(key, "exited"))
		return s->status == CONTAINER_EXITED && s->has_exit && s->exit_code == atoi(v);
	return false;
}

bool conv_list_match(const struct container_summary *s, json_t *labels, json_t *filters)
{
	const char *key, *v[FILTER_VALUES];
	json_t *vals;

	json_object_foreach(filters, key, vals)
	{
		size_t n = filter_values(vals, v, FILTER_VALUES), i;
		for (i = 0; i < n && !value_matches(s, labels, key, v[i]); i++)
			;
		if (n && i == n)
			return false;
	}
	return true;
}
