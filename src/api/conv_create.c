/* conv_create.c - Docker's ContainerCreate body into brig's container
 * spec (see conv.h).  Every value goes through the setter `brig run` uses
 * for it; where a setter reads the option's text (-p, --mount,
 * --network's long form), that text is built here and kept in o->owned. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cleanup.h"
#include "conv.h"
#include "conv_int.h"
#include "proc.h"
#include "publish.h"
#include "spec_parse.h"

#define HC "HostConfig"

/* A string made here: printf-formatted, kept in o until conv_create_free. */
__attribute__((format(printf, 3, 4))) static char *keepf(struct api_create *o, struct brig_err *e,
							 const char *fmt, ...)
{
	char *s;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0) {
		brig_errf(e, ENOMEM, "out of memory");
		return NULL;
	}
	if (spec_list_add(&o->owned, &o->n_owned, s, e) < 0) {
		free(s);
		return NULL;
	}
	return s;
}

/* Values handed to option setters become one option's text: a ',' in one
 * would start another key (an injected ip= or source=), so none may hold
 * one, as Docker's names and paths do not. */
static int no_comma(const char *path, const char *v, struct brig_err *e)
{
	if (v && strchr(v, ','))
		return brig_errf(e, EINVAL, "%s: ',' is not allowed in '%s'", path, v);
	return 0;
}

/* ---- Config ---- */

static int config_strings(struct api_create *o, json_t *body, struct brig_err *e)
{
	struct container_spec *s = &o->spec;
	const char *host = NULL, *wd = NULL, *user = NULL;

	if (conv_get_string(body, "Image", "", &s->image, e) < 0 ||
	    conv_get_string(body, "WorkingDir", "", &wd, e) < 0 ||
	    conv_get_string(body, "User", "", &user, e) < 0 ||
	    conv_get_string(body, "Hostname", "", &host, e) < 0 ||
	    conv_get_string(body, "MacAddress", "", &s->mac, e) < 0 ||
	    conv_get_bool(body, "Tty", "", &s->tty, e) < 0 ||
	    conv_get_bool(body, "OpenStdin", "", &s->interactive, e) < 0)
		return -e->code;
	if (!s->image || !*s->image)
		return brig_errf(e, EINVAL, "Image: required");
	/* "" is Docker's "not given": the image's, or the default */
	s->workdir = wd && *wd ? wd : NULL;
	s->user = user && *user ? user : NULL;
	s->hostname = host && *host ? host : NULL;
	if (s->mac && !*s->mac)
		s->mac = NULL;
	return 0;
}

/* The strings of array a from index from on (null elements skipped). */
static int add_strings(char ***v, size_t *n, json_t *a, size_t from, struct brig_err *e)
{
	for (size_t i = from; i < json_array_size(a); i++) {
		const char *x = json_string_value(json_array_get(a, i));
		if (x && spec_list_add(v, n, x, e) < 0)
			return -e->code;
	}
	return 0;
}

/* Entrypoint [E0, E1...] and Cmd: brig's --entrypoint is E0, and its
 * arguments E1... then Cmd, so the stored command is Docker's
 * Entrypoint + Cmd.  Entrypoint [""] clears the image's (Docker's reset);
 * none given (or []) keeps it.  The strings are body's: a strslice of one
 * string is a new array over it. */
static int command(struct api_create *o, json_t *body, struct brig_err *e)
{
	json_t *ep = NULL, *cmd = NULL;
	int r = -1;

	if (conv_get_strslice(body, "Entrypoint", "", &ep, e) < 0 ||
	    conv_get_strslice(body, "Cmd", "", &cmd, e) < 0)
		goto out;
	if (json_array_size(ep)) {
		const char *first = json_string_value(json_array_get(ep, 0));
		o->spec.entrypoint = first ? first : "";
	}
	if (add_strings(&o->argv, &o->n_argv, ep, 1, e) < 0 ||
	    add_strings(&o->argv, &o->n_argv, cmd, 0, e) < 0)
		goto out;
	o->spec.argv = o->argv;
	r = 0;
out:
	json_decref(ep);
	json_decref(cmd);
	return r < 0 ? -e->code : 0;
}

static int env_labels(struct api_create *o, json_t *body, struct brig_err *e)
{
	json_t *env = NULL, *labels = NULL, *v;
	const char *k;
	char *kv;

	if (conv_get_strings(body, "Env", "", &env, e) < 0 ||
	    add_strings(&o->spec.env, &o->spec.n_env, env, 0, e) < 0 ||
	    conv_get_string_map(body, "Labels", "", &labels, e) < 0)
		return -e->code;
	json_object_foreach(labels, k, v)
	{
		if (!(kv = keepf(o, e, "%s=%s", k, json_is_string(v) ? json_string_value(v) : "")))
			return -e->code;
		if (spec_add_label(&o->spec, kv, e) < 0)
			return brig_err_ctx(e, "Labels");
	}
	return 0;
}

/* ---- HostConfig: resources ---- */

static int memory(struct api_create *o, json_t *hc, struct brig_err *e)
{
	int64_t v = 0;
	char num[32];

	if (conv_get_int(hc, "Memory", HC, &v, NULL, e) < 0)
		return -e->code;
	if (v < 0)
		return brig_errf(e, EINVAL, HC ".Memory: %lld is negative", (long long)v);
	if (!v)
		return 0; /* unlimited */
	snprintf(num, sizeof(num), "%lld", (long long)v);
	if (spec_parse_memory(num, proc_host_memory(), &o->spec.limits.memory, e) < 0)
		return brig_err_ctx(e, HC ".Memory");
	return 0;
}

static int cpus_of(struct api_create *o, double cpus, const char *field, struct brig_err *e)
{
	char num[32];

	snprintf(num, sizeof(num), "%.9f", cpus);
	if (spec_parse_cpus(num, proc_host_cpus(), &o->spec.limits, e) < 0)
		return brig_err_ctx(e, HC ".%s", field);
	return 0;
}

/* NanoCpus (docker --cpus), or CpuQuota over CpuPeriod (the older form):
 * both is Docker's conflict too. */
static int cpus(struct api_create *o, json_t *hc, struct brig_err *e)
{
	int64_t nano = 0, quota = 0, period = 0;
	struct cgroup_limits *l = &o->spec.limits;

	if (conv_get_int(hc, "NanoCpus", HC, &nano, NULL, e) < 0 ||
	    conv_get_int(hc, "CpuQuota", HC, &quota, NULL, e) < 0 ||
	    conv_get_int(hc, "CpuPeriod", HC, &period, NULL, e) < 0)
		return -e->code;
	if (nano < 0 || quota < -1 || period < 0)
		return brig_errf(e, EINVAL,
				 HC ": NanoCpus, CpuQuota and CpuPeriod cannot be negative");
	if (nano && (quota > 0 || period))
		return brig_errf(e, EINVAL,
				 HC ": conflicting options: NanoCpus and "
				    "CpuPeriod/CpuQuota cannot both be set");
	if (nano)
		return cpus_of(o, (double)nano / 1e9, "NanoCpus", e);
	if (quota <= 0)
		return 0; /* a period alone, or -1: no limit */
	if (!period)
		period = 100000;
	if (period < 1000 || period > 1000000)
		return brig_errf(e, EINVAL, HC ".CpuPeriod: %lld is out of 1000..1000000",
				 (long long)period);
	if (cpus_of(o, (double)quota / (double)period, "CpuQuota", e) < 0)
		return -e->code;
	l->cpu_quota = (uint64_t)quota; /* as given, not rounded through cpus */
	l->cpu_period = (uint64_t)period;
	return 0;
}

static int shares_pids(struct api_create *o, json_t *hc, struct brig_err *e)
{
	int64_t shares = 0, pids = 0;
	const char *cpuset = NULL;
	bool pids_given;
	char num[32];

	if (conv_get_int(hc, "CpuShares", HC, &shares, NULL, e) < 0 ||
	    conv_get_int(hc, "PidsLimit", HC, &pids, &pids_given, e) < 0 ||
	    conv_get_string(hc, "CpusetCpus", HC, &cpuset, e) < 0)
		return -e->code;
	if (shares) {
		/* the kernel's minimum, as Docker raises it */
		snprintf(num, sizeof(num), "%lld", (long long)(shares < 2 ? 2 : shares));
		if (spec_parse_cpu_shares(num, &o->spec.limits.cpu_shares, e) < 0)
			return brig_err_ctx(e, HC ".CpuShares");
	}
	if (pids_given) {
		/* 0 and any negative: unlimited, as Docker's */
		snprintf(num, sizeof(num), "%lld", (long long)(pids <= 0 ? -1 : pids));
		if (spec_parse_pids_limit(num, &o->spec.limits.pids, e) < 0)
			return brig_err_ctx(e, HC ".PidsLimit");
	}
	if (cpuset && *cpuset &&
	    spec_parse_cpuset(cpuset, proc_host_cpus(), &o->spec.limits, e) < 0)
		return brig_err_ctx(e, HC ".CpusetCpus");
	return 0;
}

/* ---- HostConfig: lists of strings, one setter per element ---- */

typedef int (*str_setter)(struct api_create *o, const char *v, struct brig_err *e);

static int set_dns(struct api_create *o, const char *v, struct brig_err *e)
{
	if (spec_check_dns(v, e) < 0)
		return -e->code;
	return spec_list_add(&o->spec.dns, &o->spec.n_dns, v, e);
}

static int set_dns_search(struct api_create *o, const char *v, struct brig_err *e)
{
	if (spec_check_dns_word("--dns-search", v, e) < 0)
		return -e->code;
	return spec_list_add(&o->spec.dns_search, &o->spec.n_dns_search, v, e);
}

static int set_dns_option(struct api_create *o, const char *v, struct brig_err *e)
{
	if (spec_check_dns_word("--dns-option", v, e) < 0)
		return -e->code;
	return spec_list_add(&o->spec.dns_opts, &o->spec.n_dns_opts, v, e);
}

static int set_extra_host(struct api_create *o, const char *v, struct brig_err *e)
{
	char name[64];
	uint32_t ip;

	if (netspec_parse_host(v, name, &ip, e) < 0)
		return -e->code;
	return spec_list_add(&o->spec.add_hosts, &o->spec.n_add_hosts, v, e);
}

static int set_cap(uint64_t *bits, const char *v, struct brig_err *e)
{
	uint64_t cap;

	if (spec_parse_cap(v, &cap, e) < 0)
		return -e->code;
	*bits |= cap;
	return 0;
}

static int set_cap_add(struct api_create *o, const char *v, struct brig_err *e)
{
	return set_cap(&o->spec.cap_add, v, e);
}

static int set_cap_drop(struct api_create *o, const char *v, struct brig_err *e)
{
	return set_cap(&o->spec.cap_drop, v, e);
}

static int set_security_opt(struct api_create *o, const char *v, struct brig_err *e)
{
	return secopt_parse(v, &o->spec.security, e);
}

/* HOSTPATH|VOLUME:PATH[:OPTS], as -v; a relative host path means nothing
 * to a daemon: refused (cwd NULL), as Docker's API refuses it */
static int set_bind(struct api_create *o, const char *v, struct brig_err *e)
{
	return spec_add_mount(&o->spec, SPEC_VOLUME, v, NULL, e);
}

static const struct {
	const char *key;
	str_setter fn;
} host_lists[] = {
    {"Dns", set_dns},
    {"DnsSearch", set_dns_search},
    {"DnsOptions", set_dns_option},
    {"ExtraHosts", set_extra_host},
    {"CapAdd", set_cap_add},
    {"CapDrop", set_cap_drop},
    {"SecurityOpt", set_security_opt},
    {"Binds", set_bind},
};

static int host_list(struct api_create *o, json_t *hc, const char *key, str_setter fn,
		     struct brig_err *e)
{
	json_t *a = NULL, *x;
	size_t i;

	if (conv_get_strings(hc, key, HC, &a, e) < 0)
		return -e->code;
	json_array_foreach(a, i, x) if (json_is_string(x) && fn(o, json_string_value(x), e) <
								 0) return brig_err_ctx(e, HC ".%s",
											key);
	return 0;
}

static int host_lists_all(struct api_create *o, json_t *hc, struct brig_err *e)
{
	for (size_t i = 0; i < ARRAY_SIZE(host_lists); i++)
		if (host_list(o, hc, host_lists[i].key, host_lists[i].fn, e) < 0)
			return -e->code;
	return 0;
}

static int host_flags(struct api_create *o, json_t *hc, struct brig_err *e)
{
	struct container_spec *s = &o->spec;
	const char *parent = NULL;
	json_t *sysctls = NULL, *v;
	const char *k;
	char *kv;

	if (conv_get_bool(hc, "Privileged", HC, &s->privileged, e) < 0 ||
	    conv_get_bool(hc, "AutoRemove", HC, &s->rm, e) < 0 ||
	    conv_get_bool(hc, "ReadonlyRootfs", HC, &s->read_only, e) < 0 ||
	    conv_get_bool(hc, "Init", HC, &s->init, e) < 0 ||
	    conv_get_string(hc, "CgroupParent", HC, &parent, e) < 0 ||
	    conv_get_string_map(hc, "Sysctls", HC, &sysctls, e) < 0)
		return -e->code;
	s->cgroup_parent = parent && *parent ? parent : NULL;
	json_object_foreach(sysctls, k, v)
	{
		if (!(kv = keepf(o, e, "%s=%s", k, json_is_string(v) ? json_string_value(v) : "")))
			return -e->code;
		if (spec_check_sysctl(kv, e) < 0 ||
		    spec_list_add(&s->sysctls, &s->n_sysctls, kv, e) < 0)
			return brig_err_ctx(e, HC ".Sysctls");
	}
	return 0;
}

/* ---- HostConfig: mounts ---- */

/* One --mount text, appended to piece by piece. */
struct text {
	char buf[8192];
	size_t len;
};

__attribute__((format(printf, 2, 3))) static void text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (t->len >= sizeof(t->buf))
		return;
	va_start(ap, fmt);
	r = vsnprintf(t->buf + t->len, sizeof(t->buf) - t->len, fmt, ap);
	va_end(ap);
	t->len = r < 0 ? sizeof(t->buf) : t->len + (size_t)r;
}

struct api_mount {
	const char *type, *source, *target, *propagation;
	bool readonly, create_mountpoint, nocopy;
	int64_t size, mode;
};

static int read_mount(json_t *m, const char *where, struct api_mount *am, struct brig_err *e)
{
	json_t *bo = NULL, *vo = NULL, *to = NULL;
	char p[3][96];

	snprintf(p[0], sizeof(p[0]), "%s.BindOptions", where);
	snprintf(p[1], sizeof(p[1]), "%s.VolumeOptions", where);
	snprintf(p[2], sizeof(p[2]), "%s.TmpfsOptions", where);
	if (conv_get_string(m, "Type", where, &am->type, e) < 0 ||
	    conv_get_string(m, "Source", where, &am->source, e) < 0 ||
	    conv_get_string(m, "Target", where, &am->target, e) < 0 ||
	    conv_get_bool(m, "ReadOnly", where, &am->readonly, e) < 0 ||
	    conv_get_object(m, "BindOptions", where, &bo, e) < 0 ||
	    conv_get_object(m, "VolumeOptions", where, &vo, e) < 0 ||
	    conv_get_object(m, "TmpfsOptions", where, &to, e) < 0 ||
	    conv_get_string(bo, "Propagation", p[0], &am->propagation, e) < 0 ||
	    conv_get_bool(bo, "CreateMountpoint", p[0], &am->create_mountpoint, e) < 0 ||
	    conv_get_bool(vo, "NoCopy", p[1], &am->nocopy, e) < 0 ||
	    conv_get_int(to, "SizeBytes", p[2], &am->size, NULL, e) < 0 ||
	    conv_get_int(to, "Mode", p[2], &am->mode, NULL, e) < 0)
		return -e->code;
	if (no_comma(where, am->type, e) < 0 || no_comma(where, am->source, e) < 0 ||
	    no_comma(where, am->target, e) < 0 || no_comma(where, am->propagation, e) < 0)
		return -e->code;
	if (am->size < 0 || am->mode < 0 || am->mode > 07777)
		return brig_errf(e, EINVAL, "%s: bad TmpfsOptions", where);
	return 0;
}

/* A Mount {Type, Source, Target, ReadOnly, ...Options} as --mount's text. */
static int add_mount(struct api_create *o, json_t *m, size_t i, struct brig_err *e)
{
	struct api_mount am = {0};
	struct text t = {.len = 0};
	char where[64];

	snprintf(where, sizeof(where), HC ".Mounts[%zu]", i);
	if (!json_is_object(m))
		return conv_type_err(HC, "Mounts[]", "an object", m, e);
	if (read_mount(m, where, &am, e) < 0)
		return -e->code;
	text_add(&t, "type=%s,target=%s", am.type ? am.type : "volume", am.target ? am.target : "");
	if (am.source && *am.source)
		text_add(&t, ",source=%s", am.source);
	if (am.readonly)
		text_add(&t, ",readonly");
	if (am.nocopy)
		text_add(&t, ",volume-nocopy");
	if (am.propagation && *am.propagation)
		text_add(&t, ",bind-propagation=%s", am.propagation);
	if (am.size)
		text_add(&t, ",tmpfs-size=%lld", (long long)am.size);
	if (am.mode)
		text_add(&t, ",tmpfs-mode=%llo", (unsigned long long)am.mode);
	if (t.len >= sizeof(t.buf))
		return brig_errf(e, EINVAL, "%s: too long", where);
	if (spec_add_mount(&o->spec, SPEC_MOUNT, t.buf, NULL, e) < 0)
		return brig_err_ctx(e, "%s", where);
	/* Docker's BindOptions.CreateMountpoint: a missing source is made, as -v */
	if (am.create_mountpoint && o->spec.mounts[o->spec.n_mounts - 1].type == MOUNT_BIND)
		o->spec.mounts[o->spec.n_mounts - 1].create_source = true;
	return 0;
}

static int mounts(struct api_create *o, json_t *hc, struct brig_err *e)
{
	json_t *a = conv_member(hc, "Mounts"), *tmpfs = NULL, *x;
	const char *k;
	size_t i;
	char *arg;

	if (a && !json_is_array(a))
		return conv_type_err(HC, "Mounts", "an array", a, e);
	json_array_foreach(a, i,
			   x) if (!json_is_null(x) && add_mount(o, x, i, e) < 0) return -e->code;
	if (conv_get_string_map(hc, "Tmpfs", HC, &tmpfs, e) < 0)
		return -e->code;
	json_object_foreach(tmpfs, k, x)
	{
		const char *opts = json_is_string(x) ? json_string_value(x) : "";
		if (!(arg = keepf(o, e, "%s%s%s", k, *opts ? ":" : "", opts)))
			return -e->code;
		if (spec_add_mount(&o->spec, SPEC_TMPFS, arg, NULL, e) < 0)
			return brig_err_ctx(e, HC ".Tmpfs");
	}
	return 0;
}

/* ---- published ports ---- */

static int add_publish(struct api_create *o, const char *value, struct brig_err *e)
{
	if (publish_check(value, e) < 0)
		return -e->code;
	return spec_list_add(&o->spec.publish, &o->spec.n_publish, value, e);
}

/* One PortBinding {HostIp, HostPort} of container port/proto as -p's
 * [HOSTIP:]HOSTPORT:PORT/PROTO; HostPort "" is any free port. */
static int add_binding(struct api_create *o, const char *key, json_t *b, uint16_t port,
		       uint8_t proto, struct brig_err *e)
{
	const char *ip = "", *hport = "";
	char where[96], *v;

	snprintf(where, sizeof(where), HC ".PortBindings[\"%.40s\"]", key);
	if (!json_is_object(b))
		return conv_type_err(where, "[]", "an object", b, e);
	if (conv_get_string(b, "HostIp", where, &ip, e) < 0 ||
	    conv_get_string(b, "HostPort", where, &hport, e) < 0)
		return -e->code;
	/* Clients send the IPv6 wildcard as the twin of 0.0.0.0 (Docker's -p
	 * without an address); brig's -p without one already covers every v6
	 * address when the container has one.  Another v6 address goes in
	 * brackets. */
	if (!strcmp(ip, "::"))
		return 0;
	if (strchr(ip, ':'))
		v = keepf(o, e, "[%s]:%s:%u/%s", ip, hport, port, portspec_proto_name(proto));
	else
		v = keepf(o, e, "%s%s%s:%u/%s", ip, *ip ? ":" : "", *hport ? hport : "0", port,
			  portspec_proto_name(proto));
	if (!v)
		return -e->code;
	if (add_publish(o, v, e) < 0)
		return brig_err_ctx(e, "%s", where);
	return 0;
}

static int port_bindings(struct api_create *o, json_t *hc, json_t **pb, struct brig_err *e)
{
	json_t *list, *b;
	const char *key;
	uint16_t port;
	uint8_t proto;
	size_t i;

	if (conv_get_object(hc, "PortBindings", HC, pb, e) < 0)
		return -e->code;
	json_object_foreach(*pb, key, list)
	{
		if (portspec_port(key, &port, &proto, e) < 0)
			return brig_err_ctx(e, HC ".PortBindings");
		if (!json_is_array(list) && !json_is_null(list))
			return conv_type_err(HC ".PortBindings", key, "an array", list, e);
		json_array_foreach(list, i, b) if (add_binding(o, key, b, port, proto, e) <
						   0) return -e->code;
	}
	return 0;
}

/* PublishAllPorts: the image's ExposedPorts (publish_all) and the body's,
 * each that PortBindings does not name on a free host port. */
static int publish_all(struct api_create *o, json_t *body, json_t *hc, json_t *pb,
		       struct brig_err *e)
{
	json_t *exposed = NULL, *v;
	const char *key;
	uint16_t port;
	uint8_t proto;
	char *arg;

	if (conv_get_bool(hc, "PublishAllPorts", HC, &o->spec.publish_all, e) < 0 ||
	    conv_get_object(body, "ExposedPorts", "", &exposed, e) < 0)
		return -e->code;
	json_object_foreach(exposed, key, v)
	{
		if (portspec_port(key, &port, &proto, e) < 0)
			return brig_err_ctx(e, "ExposedPorts");
		if (!o->spec.publish_all || json_object_get(pb, key))
			continue;
		if (!(arg = keepf(o, e, "%u/%s", port, portspec_proto_name(proto))) ||
		    add_publish(o, arg, e) < 0)
			return -e->code;
	}
	return 0;
}

static int ports(struct api_create *o, json_t *body, json_t *hc, struct brig_err *e)
{
	json_t *pb = NULL;

	if (port_bindings(o, hc, &pb, e) < 0)
		return -e->code;
	return publish_all(o, body, hc, pb, e);
}

/* ---- networks ---- */

struct endpoint {
	const char *ip, *ip6, *mac;
	json_t *aliases;
	int64_t prio;
	bool has_prio;
};

static int read_endpoint(json_t *ep, const char *where, struct endpoint *x, struct brig_err *e)
{
	json_t *ipam = NULL, *a;
	char p[256];
	size_t i;

	snprintf(p, sizeof(p), "%s.IPAMConfig", where);
	if (ep && !json_is_object(ep))
		return brig_errf(e, EINVAL, "%s: expected an object", where);
	if (conv_get_object(ep, "IPAMConfig", where, &ipam, e) < 0 ||
	    conv_get_string(ipam, "IPv4Address", p, &x->ip, e) < 0 ||
	    conv_get_string(ipam, "IPv6Address", p, &x->ip6, e) < 0 ||
	    conv_get_strings(ep, "Aliases", where, &x->aliases, e) < 0 ||
	    conv_get_string(ep, "MacAddress", where, &x->mac, e) < 0 ||
	    conv_get_int(ep, "GwPriority", where, &x->prio, &x->has_prio, e) < 0)
		return -e->code;
	if (no_comma(where, x->ip, e) < 0 || no_comma(where, x->ip6, e) < 0 ||
	    no_comma(where, x->mac, e) < 0)
		return -e->code;
	json_array_foreach(x->aliases, i,
			   a) if (no_comma(where, json_string_value(a), e) < 0) return -e->code;
	return 0;
}

/* --network's long form of one endpoint: name=NET[,ip=A][,ip6=A]
 * [,mac-address=M][,gw-priority=N][,alias=X]... */
static int endpoint_text(const char *net, const struct endpoint *x, struct text *t)
{
	size_t i;
	json_t *a;

	text_add(t, "name=%s", net);
	if (x->ip && *x->ip)
		text_add(t, ",ip=%s", x->ip);
	if (x->ip6 && *x->ip6)
		text_add(t, ",ip6=%s", x->ip6);
	if (x->mac && *x->mac)
		text_add(t, ",mac-address=%s", x->mac);
	if (x->has_prio)
		text_add(t, ",gw-priority=%lld", (long long)x->prio);
	json_array_foreach(x->aliases, i, a) if (json_is_string(a))
	    text_add(t, ",alias=%s", json_string_value(a));
	return t->len < sizeof(t->buf) ? 0 : -1;
}

/* One network: a mode (none, host, container:NAME) as it is, a network
 * with its EndpointSettings ep (may be NULL). */
static int add_network(struct api_create *o, const char *net, json_t *ep, struct brig_err *e)
{
	struct endpoint x = {0};
	struct text t = {.len = 0};
	char where[200], *arg;

	snprintf(where, sizeof(where), "NetworkingConfig.EndpointsConfig[\"%.100s\"]", net);
	if (netspec_is_mode(net) || !ep) {
		if (no_comma("HostConfig.NetworkMode", net, e) < 0)
			return -e->code;
		if (spec_add_network(&o->spec, net, e) < 0)
			return brig_err_ctx(e, "network '%s'", net);
		return 0;
	}
	if (no_comma(where, net, e) < 0 || read_endpoint(ep, where, &x, e) < 0)
		return -e->code;
	/* Config.MacAddress (before API 1.44) and the first endpoint's agree */
	if (o->spec.n_nets == 0 && o->spec.mac && x.mac && !strcasecmp(o->spec.mac, x.mac))
		x.mac = NULL;
	if (endpoint_text(net, &x, &t) < 0)
		return brig_errf(e, EINVAL, "%s: too long", where);
	if (!(arg = keepf(o, e, "%s", t.buf)))
		return -e->code;
	if (spec_add_network(&o->spec, arg, e) < 0)
		return brig_err_ctx(e, "%s", where);
	return 0;
}

/* Docker's "default" network mode is the default network */
static const char *net_name(const char *name)
{
	return !strcmp(name, "default") ? DEFAULT_NETWORK : name;
}

/* HostConfig.NetworkMode first (none or "default": the endpoints given,
 * or the default network), then each other network of EndpointsConfig
 * (several from API 1.44 on). */
static int networks(struct api_create *o, json_t *body, json_t *hc, struct brig_err *e)
{
	const char *mode = NULL, *key;
	json_t *nc = NULL, *eps = NULL, *ep;

	if (conv_get_string(hc, "NetworkMode", HC, &mode, e) < 0 ||
	    conv_get_object(body, "NetworkingConfig", "", &nc, e) < 0 ||
	    conv_get_object(nc, "EndpointsConfig", "NetworkingConfig", &eps, e) < 0)
		return -e->code;
	if (!mode || !*mode || !strcmp(mode, "default"))
		mode = json_object_size(eps) ? NULL : DEFAULT_NETWORK;
	if (mode && add_network(o, mode, conv_member(eps, mode), e) < 0)
		return -e->code;
	json_object_foreach(eps, key,
			    ep) if ((!mode || strcmp(net_name(key), mode)) &&
				    add_network(o, net_name(key), json_is_null(ep) ? NULL : ep, e) <
					0) return -e->code;
	return 0;
}

/* ---- the whole body ---- */

typedef int (*body_step)(struct api_create *o, json_t *body, json_t *hc, struct brig_err *e);

static int step_config(struct api_create *o, json_t *body, json_t *hc, struct brig_err *e)
{
	(void)hc;
	if (config_strings(o, body, e) < 0 || command(o, body, e) < 0 || env_labels(o, body, e) < 0)
		return -e->code;
	return 0;
}

static int step_resources(struct api_create *o, json_t *body, json_t *hc, struct brig_err *e)
{
	(void)body;
	if (memory(o, hc, e) < 0 || cpus(o, hc, e) < 0 || shares_pids(o, hc, e) < 0)
		return -e->code;
	return 0;
}

static int step_host(struct api_create *o, json_t *body, json_t *hc, struct brig_err *e)
{
	(void)body;
	if (host_lists_all(o, hc, e) < 0 || host_flags(o, hc, e) < 0 || mounts(o, hc, e) < 0)
		return -e->code;
	return 0;
}

static const body_step steps[] = {step_config, step_resources, step_host, ports, networks};

int conv_create_spec(json_t *body, const char *name, struct api_create *o, struct brig_err *e)
{
	json_t *hc = NULL;

	memset(o, 0, sizeof(*o));
	if (!json_is_object(body))
		return brig_errf(e, EINVAL, "the body must be a JSON object");
	o->body = json_incref(body);
	o->spec.detach = true; /* the daemon's containers have a monitor of their own */
	if (name && *name)
		o->spec.name = name + (*name == '/');
	if (conv_get_object(body, "HostConfig", "", &hc, e) < 0)
		goto fail;
	for (size_t i = 0; i < ARRAY_SIZE(steps); i++)
		if (steps[i](o, body, hc, e) < 0)
			goto fail;
	if (spec_validate(&o->spec, e) < 0)
		goto fail;
	return 0;
fail:
	conv_create_free(o);
	mountspec_one_line(e); /* a key or value quoted may hold a newline */
	return -e->code;
}

void conv_create_free(struct api_create *o)
{
	spec_lists_free(&o->spec);
	free(o->argv);
	strv_free(o->owned);
	json_decref(o->body);
	memset(o, 0, sizeof(*o));
}
