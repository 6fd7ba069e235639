/* test_spec.c - the container record's JSON codec: spec and state round
 * trips, and records written by earlier versions (tests/unit/fixtures/,
 * made by running the previous binary; oldnets.config.json and
 * reconciled.state.json by hand, in the older forms; mounts.config.json by
 * the binary that added mounts, its paths then renamed). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "parse.h"
#include "spec.h"

/* The fixtures beside this file (tests run from the repository root). */
static json_t *fixture(const char *name)
{
	char path[512];
	const char *slash = strrchr(__FILE__, '/');
	json_error_t jerr;
	json_t *j;

	snprintf(path, sizeof(path), "%.*s/fixtures/%s", slash ? (int)(slash - __FILE__) : 1,
		 slash ? __FILE__ : ".", name);
	j = json_load_file(path, 0, &jerr);
	if (!j)
		fail_msg("%s: %s", path, jerr.text);
	return j;
}

static uint32_t ip(const char *s)
{
	uint32_t a = 0;

	assert_int_equal(net_parse_ip(s, &a, NULL), 0);
	return a;
}

static void assert_strv(char **v, size_t n, const char *const *want, size_t n_want)
{
	assert_int_equal(n, n_want);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(v[i], want[i]);
	assert_null(v[n]);
}

static void assert_json_equal(json_t *a, json_t *b)
{
	if (!json_equal(a, b)) {
		char *x = json_dumps(a, JSON_SORT_KEYS), *y = json_dumps(b, JSON_SORT_KEYS);
		print_error("got  %s\nwant %s\n", x, y);
		free(x);
		free(y);
		fail();
	}
}

/* A spec as the CLI fills it (borrowed strings), with every field. */
static char *env[] = { (char *)"A=1", (char *)"B", NULL }, *sysctls[] = { (char *)"net.ipv4.ip_forward=1", NULL },
	    *argv_[] = { (char *)"-c", (char *)"echo hi", NULL }, *dns[] = { (char *)"10.0.0.1", (char *)"10.0.0.2", NULL },
	    *search[] = { (char *)"example.org", NULL }, *opts[] = { (char *)"ndots:2", NULL },
	    *hosts[] = { (char *)"db:10.0.0.9", NULL },
	    *labels[] = { (char *)"lab=ospf", (char *)"flag", (char *)"role=a=b", NULL };

static void full_spec(struct container_spec *s)
{
	memset(s, 0, sizeof(*s));
	s->name = "web";
	s->hostname = "webhost";
	s->workdir = "/srv";
	s->user = "1000:100";
	s->image = "busybox";
	s->cgroup_parent = "lab";
	s->entrypoint = "/bin/sh";
	s->env = env;
	s->n_env = 2;
	s->sysctls = sysctls;
	s->n_sysctls = 1;
	s->argv = argv_;
	s->dns = dns;
	s->n_dns = 2;
	s->dns_search = search;
	s->n_dns_search = 1;
	s->dns_opts = opts;
	s->n_dns_opts = 1;
	s->add_hosts = hosts;
	s->n_add_hosts = 1;
	s->labels = labels;
	s->n_labels = 3;
	s->privileged = true;
	s->n_nets = 2;
	snprintf(s->nets[0].name, sizeof(s->nets[0].name), "lan");
	s->nets[0].ip = ip("10.1.0.7");
	s->nets[0].has_mac = true;
	memcpy(s->nets[0].mac, (uint8_t[6]){ 2, 0x42, 10, 1, 0, 7 }, 6);
	s->nets[0].gw_priority = 10;
	s->nets[0].n_aliases = 2;
	snprintf(s->nets[0].aliases[0], 64, "www");
	snprintf(s->nets[0].aliases[1], 64, "api");
	snprintf(s->nets[1].name, sizeof(s->nets[1].name), "wan");
	s->nets[1].gw_priority = -1;
	s->cap_add = 1ull << 12;
	s->cap_drop = 1ull << 27;
	s->rm = s->detach = s->interactive = s->tty = s->init = true;
	s->limits = (struct cgroup_limits){ .memory = 64 << 20, .memory_swap = -1,
					    .cpu_quota = 50000, .cpu_period = 100000,
					    .cpu_shares = 512, .pids = 50 };
	snprintf(s->limits.cpuset, sizeof(s->limits.cpuset), "0-1");
	snprintf(s->id, sizeof(s->id), "%064d", 7);
	snprintf(s->image_id, sizeof(s->image_id), "%064d", 9);
	s->rootfs = "/var/lib/brig/images/x/rootfs";
	snprintf(s->created, sizeof(s->created), "2026-01-02T03:04:05.000000006Z");
}

static void assert_attach_equal(const struct net_attach *a, const struct net_attach *b)
{
	assert_string_equal(a->name, b->name);
	assert_int_equal(a->ip, b->ip);
	assert_int_equal(a->has_mac, b->has_mac);
	if (a->has_mac)
		assert_memory_equal(a->mac, b->mac, 6);
	assert_int_equal(a->gw_priority, b->gw_priority);
	assert_int_equal(a->n_aliases, b->n_aliases);
	for (size_t i = 0; i < a->n_aliases; i++)
		assert_string_equal(a->aliases[i], b->aliases[i]);
}

static void test_spec_roundtrip(void **state)
{
	struct container_spec s, back;
	struct brig_err e;
	json_t *j, *again, *want_labels;

	(void)state;
	full_spec(&s);
	j = spec_to_json(&s);
	assert_non_null(j);
	assert_int_equal(spec_from_json(j, &back, &e), 0);
	assert_true(back.owned);
	assert_string_equal(back.name, s.name);
	assert_string_equal(back.hostname, s.hostname);
	assert_string_equal(back.workdir, s.workdir);
	assert_string_equal(back.user, s.user);
	assert_string_equal(back.image, s.image);
	assert_string_equal(back.cgroup_parent, s.cgroup_parent);
	assert_string_equal(back.entrypoint, s.entrypoint);
	assert_strv(back.env, back.n_env, (const char *const *)env, 2);
	assert_strv(back.sysctls, back.n_sysctls, (const char *const *)sysctls, 1);
	assert_strv(back.argv, 2, (const char *const *)argv_, 2);
	assert_strv(back.cmd, back.n_cmd, (const char *const[]){ "/bin/sh", "-c", "echo hi" }, 3);
	assert_strv(back.dns, back.n_dns, (const char *const *)dns, 2);
	assert_strv(back.dns_search, back.n_dns_search, (const char *const *)search, 1);
	assert_strv(back.dns_opts, back.n_dns_opts, (const char *const *)opts, 1);
	assert_strv(back.add_hosts, back.n_add_hosts, (const char *const *)hosts, 1);
	assert_int_equal(back.n_nets, 2);
	assert_attach_equal(&back.nets[0], &s.nets[0]);
	assert_attach_equal(&back.nets[1], &s.nets[1]);
	assert_int_equal(back.cap_add, s.cap_add);
	assert_int_equal(back.cap_drop, s.cap_drop);
	assert_true(back.rm && back.detach && back.interactive && back.tty && back.init);
	assert_true(back.privileged);
	want_labels = json_pack("{s:s,s:s,s:s}", "lab", "ospf", "flag", "", "role", "a=b");
	assert_json_equal(json_object_get(j, "labels"), want_labels);
	json_decref(want_labels);
	/* a bare KEY comes back with its (empty) value spelled out */
	assert_strv(back.labels, back.n_labels,
		    (const char *const[]){ "lab=ospf", "flag=", "role=a=b" }, 3);
	assert_memory_equal(&back.limits, &s.limits, sizeof(s.limits));
	assert_string_equal(back.id, s.id);
	assert_string_equal(back.image_id, s.image_id);
	assert_string_equal(back.rootfs, s.rootfs);
	assert_string_equal(back.created, s.created);
	/* not stored: folded into nets[0] by run */
	assert_null(back.ip);
	assert_null(back.mac);
	again = spec_to_json(&back);
	assert_json_equal(again, j);
	json_decref(again);
	json_decref(j);
	spec_free(&back);
	assert_null(back.name);
	spec_free(&s); /* borrowed: frees nothing */
}

/* What the record keeps of a run without the optional options. */
static void test_spec_minimal(void **state)
{
	struct container_spec s = { .image = "busybox", .argv = argv_ }, back;
	struct brig_err e;
	json_t *j;

	(void)state;
	j = spec_to_json(&s);
	assert_string_equal(json_string_value(json_object_get(j, "cgroup_parent")), "brig");
	assert_string_equal(json_string_value(json_object_get(j, "workdir")), "");
	assert_null(json_object_get(j, "dns"));
	assert_null(json_object_get(j, "hostname"));
	assert_null(json_object_get(j, "entrypoint"));
	assert_null(json_object_get(j, "id"));
	/* written only when set: a plain record keeps the keys it had */
	assert_null(json_object_get(j, "labels"));
	assert_null(json_object_get(j, "privileged"));
	assert_int_equal(spec_from_json(j, &back, &e), 0);
	assert_null(back.labels);
	assert_int_equal(back.n_labels, 0);
	assert_false(back.privileged);
	assert_null(back.dns); /* not set, which differs from set to nothing */
	assert_null(back.hostname);
	assert_null(back.entrypoint);
	assert_ptr_equal(back.argv, back.cmd);
	spec_free(&back);
	json_decref(j);
	j = json_array();
	assert_int_equal(spec_from_json(j, &back, &e), -EINVAL);
	spec_free(&back);
	json_decref(j);
}

static void full_state(struct container_state *st)
{
	memset(st, 0, sizeof(*st));
	st->status = CONTAINER_EXITED;
	st->pid = 4242;
	st->starttime = 123456;
	st->owner = 4200;
	st->owner_starttime = 123400;
	snprintf(st->started, sizeof(st->started), "2026-01-02T03:04:05.1Z");
	snprintf(st->finished, sizeof(st->finished), "2026-01-02T03:04:06.2Z");
	st->has_exit = true;
	st->exit_code = 137;
	st->signal = 9;
	st->oom_killed = true;
	st->has_networks = true;
	st->hosts_shared = false;
	st->n_nets = 2;
	snprintf(st->nets[0].network, sizeof(st->nets[0].network), "lan");
	st->nets[0].address = ip("10.1.0.7");
	st->nets[0].prefix = 24;
	st->nets[0].gateway = ip("10.1.0.1");
	memcpy(st->nets[0].mac, (uint8_t[6]){ 2, 0x42, 10, 1, 0, 7 }, 6);
	snprintf(st->nets[0].interface, 16, "eth0");
	snprintf(st->nets[0].host_interface, 16, "vb0123456789ab0");
	st->nets[0].default_route = true;
	st->nets[0].n_aliases = 1;
	snprintf(st->nets[0].aliases[0], 64, "www");
	snprintf(st->nets[1].network, sizeof(st->nets[1].network), "noipam");
	st->nets[1].prefix = 0;
	snprintf(st->nets[1].interface, 16, "eth1");
	snprintf(st->nets[1].host_interface, 16, "vb0123456789ab1");
}

static void test_state_roundtrip(void **state)
{
	struct container_state st, back;
	struct brig_err e;
	json_t *j, *again;

	(void)state;
	full_state(&st);
	j = spec_state_to_json(&st);
	assert_non_null(j);
	/* no address, no gateway: written "" as before */
	assert_string_equal(json_string_value(json_object_get(
				    json_array_get(json_object_get(j, "networks"), 1), "address")), "");
	assert_int_equal(spec_state_from_json(j, &back, &e), 0);
	assert_int_equal(back.status, st.status);
	assert_int_equal(back.pid, st.pid);
	assert_int_equal(back.starttime, st.starttime);
	assert_int_equal(back.owner, st.owner);
	assert_int_equal(back.owner_starttime, st.owner_starttime);
	assert_string_equal(back.started, st.started);
	assert_string_equal(back.finished, st.finished);
	assert_true(back.has_exit);
	assert_int_equal(back.exit_code, st.exit_code);
	assert_int_equal(back.signal, st.signal);
	assert_true(back.oom_killed);
	assert_true(back.has_networks);
	assert_false(back.hosts_shared);
	assert_int_equal(back.n_nets, 2);
	for (size_t i = 0; i < 2; i++) {
		const struct container_net *a = &back.nets[i], *b = &st.nets[i];
		assert_string_equal(a->network, b->network);
		assert_int_equal(a->address, b->address);
		assert_int_equal(a->prefix, b->prefix);
		assert_int_equal(a->gateway, b->gateway);
		assert_memory_equal(a->mac, b->mac, 6);
		assert_string_equal(a->interface, b->interface);
		assert_string_equal(a->host_interface, b->host_interface);
		assert_int_equal(a->default_route, b->default_route);
		assert_int_equal(a->n_aliases, b->n_aliases);
	}
	assert_string_equal(back.nets[0].aliases[0], "www");
	again = spec_state_to_json(&back);
	assert_json_equal(again, j);
	json_decref(again);
	json_decref(j);
	/* a fresh state writes only its status */
	st = (struct container_state){ .status = CONTAINER_CREATED };
	j = spec_state_to_json(&st);
	again = json_pack("{s:s}", "status", "created");
	assert_json_equal(j, again);
	json_decref(again);
	json_decref(j);
}

/* Read a fixture, re-serialise it: the same JSON. */
static void assert_spec_stable(const char *name, struct container_spec *s)
{
	json_t *j = fixture(name), *again;
	struct brig_err e;

	assert_int_equal(spec_from_json(j, s, &e), 0);
	again = spec_to_json(s);
	assert_json_equal(again, j);
	json_decref(again);
	json_decref(j);
}

static void assert_state_stable(const char *name, struct container_state *st)
{
	json_t *j = fixture(name), *again;
	struct brig_err e;

	assert_int_equal(spec_state_from_json(j, st, &e), 0);
	again = spec_state_to_json(st);
	assert_json_equal(again, j);
	json_decref(again);
	json_decref(j);
}

/* Two networks, a static ip, aliases, a mac, limits, dns, extra hosts,
 * an entrypoint; exited with code 3. */
static void test_fixture_full(void **state)
{
	struct container_spec s;
	struct container_state st;

	(void)state;
	assert_spec_stable("full.config.json", &s);
	assert_string_equal(s.name, "full");
	assert_string_equal(s.hostname, "fullhost");
	assert_string_equal(s.entrypoint, "/bin/sh");
	assert_strv(s.cmd, s.n_cmd, (const char *const[]){ "/bin/sh", "-c", "exit 3" }, 3);
	assert_strv(s.argv, 2, (const char *const[]){ "-c", "exit 3" }, 2);
	assert_strv(s.env, s.n_env, (const char *const[]){ "FOO=bar", "X=1" }, 2);
	assert_string_equal(s.workdir, "/tmp");
	assert_string_equal(s.user, "1000:1000");
	assert_int_equal(s.n_nets, 2);
	assert_string_equal(s.nets[0].name, "lan");
	assert_int_equal(s.nets[0].ip, ip("10.77.0.7"));
	assert_true(s.nets[0].has_mac);
	assert_memory_equal(s.nets[0].mac, ((uint8_t[6]){ 2, 0x42, 10, 0x58, 0, 7 }), 6);
	assert_int_equal(s.nets[0].gw_priority, 5);
	assert_int_equal(s.nets[0].n_aliases, 2);
	assert_string_equal(s.nets[0].aliases[1], "www");
	assert_string_equal(s.nets[1].name, "wan");
	assert_int_equal(s.nets[1].ip, 0);
	assert_false(s.nets[1].has_mac);
	assert_string_equal(s.nets[1].aliases[0], "edge");
	assert_int_equal(s.limits.memory, 64 << 20);
	assert_int_equal(s.limits.memory_swap, 128 << 20);
	assert_int_equal(s.limits.cpu_quota, 50000);
	assert_int_equal(s.limits.cpu_period, 100000);
	assert_int_equal(s.limits.cpu_shares, 512);
	assert_int_equal(s.limits.pids, 50);
	assert_string_equal(s.limits.cpuset, "0");
	assert_strv(s.dns, s.n_dns, (const char *const[]){ "10.77.0.1" }, 1);
	assert_strv(s.dns_search, s.n_dns_search, (const char *const[]){ "example.org" }, 1);
	assert_strv(s.dns_opts, s.n_dns_opts, (const char *const[]){ "ndots:2" }, 1);
	assert_strv(s.add_hosts, s.n_add_hosts,
		    (const char *const[]){ "db:10.77.0.9", "cache:10.77.0.10" }, 2);
	assert_strv(s.sysctls, s.n_sysctls, (const char *const[]){ "net.ipv4.ip_forward=1" }, 1);
	assert_int_equal(s.cap_add, 1 << 12);
	assert_int_equal(s.cap_drop, 1 << 27);
	assert_true(s.init);
	assert_false(s.rm || s.tty || s.detach || s.interactive);
	/* older than labels and --privileged: none, and not privileged */
	assert_null(s.labels);
	assert_int_equal(s.n_labels, 0);
	assert_false(s.privileged);
	assert_string_equal(s.cgroup_parent, "brig");
	assert_int_equal(strlen(s.id), BRIG_ID_LEN);
	assert_int_equal(strlen(s.image_id), BRIG_ID_LEN);
	assert_non_null(strstr(s.rootfs, "/rootfs"));
	assert_non_null(strstr(s.created, "2026-"));
	spec_free(&s);

	assert_state_stable("full.state.json", &st);
	assert_int_equal(st.status, CONTAINER_EXITED);
	assert_true(st.has_exit);
	assert_int_equal(st.exit_code, 3);
	assert_int_equal(st.signal, 0);
	assert_false(st.oom_killed);
	assert_true(st.pid > 0 && st.owner > 0 && st.starttime && st.owner_starttime);
	assert_true(st.started[0] && st.finished[0]);
	assert_true(st.has_networks);
	assert_false(st.hosts_shared);
	assert_int_equal(st.n_nets, 2);
	assert_string_equal(st.nets[0].network, "lan");
	assert_int_equal(st.nets[0].address, ip("10.77.0.7"));
	assert_int_equal(st.nets[0].gateway, ip("10.77.0.1"));
	assert_int_equal(st.nets[0].prefix, 24);
	assert_true(st.nets[0].default_route);
	assert_string_equal(st.nets[0].interface, "eth0");
	assert_int_equal(st.nets[0].n_aliases, 2);
	assert_string_equal(st.nets[1].network, "wan");
	assert_int_equal(st.nets[1].address, ip("10.66.0.2"));
	assert_false(st.nets[1].default_route);
	assert_string_equal(st.nets[1].interface, "eth1");
	assert_string_equal(st.nets[1].aliases[0], "edge");
}

/* The default network, running; and --net none, exited 0. */
static void test_fixture_plain_and_none(void **state)
{
	struct container_spec s;
	struct container_state st;

	(void)state;
	assert_spec_stable("plain.config.json", &s);
	assert_int_equal(s.n_nets, 1);
	assert_string_equal(s.nets[0].name, "bridge");
	assert_true(s.detach);
	assert_null(s.entrypoint);
	assert_null(s.dns);
	assert_null(s.add_hosts);
	assert_ptr_equal(s.argv, s.cmd);
	spec_free(&s);
	assert_state_stable("plain.state.json", &st);
	assert_int_equal(st.status, CONTAINER_RUNNING);
	assert_false(st.has_exit);
	assert_true(st.hosts_shared);
	assert_int_equal(st.nets[0].prefix, 16);

	assert_spec_stable("nonet.config.json", &s);
	assert_string_equal(s.nets[0].name, "none");
	assert_string_equal(s.workdir, "");
	spec_free(&s);
	assert_state_stable("nonet.state.json", &st);
	assert_false(st.has_networks);
	assert_int_equal(st.n_nets, 0);
	assert_true(st.has_exit);
	assert_int_equal(st.exit_code, 0);
}

/* The older form: networks as plain names, "ip" for the first.  Written
 * back in the current form. */
static void test_fixture_old_networks(void **state)
{
	json_t *j = fixture("oldnets.config.json"), *again, *want;
	struct container_spec s;
	struct brig_err e;

	(void)state;
	assert_int_equal(spec_from_json(j, &s, &e), 0);
	assert_int_equal(s.n_nets, 2);
	assert_string_equal(s.nets[0].name, "bridge");
	assert_int_equal(s.nets[0].ip, ip("10.88.0.42"));
	assert_string_equal(s.nets[1].name, "lan");
	assert_int_equal(s.nets[1].ip, 0);
	again = spec_to_json(&s);
	want = json_deep_copy(j);
	json_object_del(want, "ip");
	json_object_set_new(want, "networks",
			    json_pack("[{s:s,s:s,s:i,s:[]},{s:s,s:i,s:[]}]", "name", "bridge", "ip",
				      "10.88.0.42", "gw_priority", 0, "aliases", "name", "lan",
				      "gw_priority", 0, "aliases"));
	assert_json_equal(again, want);
	json_decref(want);
	json_decref(again);
	spec_free(&s);
	/* no networks at all: the default one */
	json_object_del(j, "networks");
	assert_int_equal(spec_from_json(j, &s, &e), 0);
	assert_int_equal(s.n_nets, 1);
	assert_string_equal(s.nets[0].name, "bridge");
	assert_int_equal(s.nets[0].ip, ip("10.88.0.42"));
	spec_free(&s);
	json_decref(j);
}

/* "labels" other than an object of strings, "privileged" other than
 * true: read as missing (a non-string value leaves its key out). */
static void test_spec_labels_typed(void **state)
{
	json_t *j = json_pack("{s:[s],s:s}", "labels", "a=b", "privileged", "yes");
	struct container_spec s;
	struct brig_err e;

	(void)state;
	assert_int_equal(spec_from_json(j, &s, &e), 0);
	assert_null(s.labels);
	assert_false(s.privileged);
	spec_free(&s);
	json_object_set_new(j, "labels", json_pack("{s:i,s:s}", "n", 1, "k", "v"));
	assert_int_equal(spec_from_json(j, &s, &e), 0);
	assert_strv(s.labels, s.n_labels, (const char *const[]){ "k=v" }, 1);
	spec_free(&s);
	json_decref(j);
}

/* Reconciled by an earlier version: "exit_code" alone.  Written back with
 * "signal" and "oom_killed" (the documented addition). */
static void test_fixture_reconciled(void **state)
{
	json_t *j = fixture("reconciled.state.json"), *again;
	struct container_state st;
	struct brig_err e;

	(void)state;
	assert_int_equal(spec_state_from_json(j, &st, &e), 0);
	assert_int_equal(st.status, CONTAINER_EXITED);
	assert_true(st.has_exit);
	assert_int_equal(st.exit_code, 137);
	again = spec_state_to_json(&st);
	json_object_set_new(j, "signal", json_integer(0));
	json_object_set_new(j, "oom_killed", json_false());
	assert_json_equal(again, j);
	json_decref(again);
	json_decref(j);
}

/* ---- mounts (-v, --mount, --tmpfs, --read-only) ---- */

static void assert_mount_equal(const struct mount_spec *a, const struct mount_spec *b)
{
	assert_int_equal(a->type, b->type);
	if (b->source)
		assert_string_equal(a->source, b->source);
	else
		assert_null(a->source);
	assert_string_equal(a->target, b->target);
	if (b->options)
		assert_string_equal(a->options, b->options);
	else
		assert_null(a->options);
	assert_int_equal(a->readonly, b->readonly);
	assert_int_equal(a->create_source, b->create_source);
	assert_int_equal(a->nocopy, b->nocopy);
	assert_int_equal(a->anonymous, b->anonymous);
}

static void test_spec_mounts_roundtrip(void **state)
{
	struct mount_spec m[] = {
		{ MOUNT_BIND, (char *)"/srv/r1", (char *)"/etc/frr", NULL, true, true },
		{ MOUNT_BIND, (char *)"/srv/r1/frr.conf", (char *)"/etc/frr/frr.conf", NULL, false, false },
		{ MOUNT_VOLUME, (char *)"data", (char *)"/data", NULL, false, false, true, false },
		{ MOUNT_VOLUME, (char *)"0123abcd", (char *)"/cache", NULL, true, false, false, true },
		{ MOUNT_TMPFS, NULL, (char *)"/run", (char *)"nosuid,nodev,noexec,size=65536,mode=1777",
		  false },
	};
	struct container_spec s = { .name = "r1", .image = "busybox", .argv = argv_, .mounts = m,
				    .n_mounts = ARRAY_SIZE(m), .read_only = true },
			      back;
	struct brig_err e;
	json_t *j, *again;

	(void)state;
	s.n_nets = 1; /* none reads back as the default network */
	snprintf(s.nets[0].name, sizeof(s.nets[0].name), "none");
	j = spec_to_json(&s);
	assert_non_null(j);
	assert_true(json_is_true(json_object_get(j, "read_only")));
	assert_int_equal(json_array_size(json_object_get(j, "mounts")), ARRAY_SIZE(m));
	assert_int_equal(spec_from_json(j, &back, &e), 0);
	assert_true(back.read_only);
	assert_int_equal(back.n_mounts, ARRAY_SIZE(m));
	for (size_t i = 0; i < ARRAY_SIZE(m); i++)
		assert_mount_equal(&back.mounts[i], &m[i]);
	again = spec_to_json(&back);
	assert_json_equal(again, j);
	json_decref(again);
	json_decref(j);
	spec_free(&back);

	/* none: neither key is written, and none reads back */
	s.n_mounts = 0;
	s.read_only = false;
	j = spec_to_json(&s);
	assert_null(json_object_get(j, "mounts"));
	assert_null(json_object_get(j, "read_only"));
	assert_int_equal(spec_from_json(j, &back, &e), 0);
	assert_int_equal(back.n_mounts, 0);
	assert_null(back.mounts);
	assert_false(back.read_only);
	spec_free(&back);
	json_decref(j);
}

/* A mount of a kind this version does not know (a newer record's), or
 * without a target, is left out; wrongly typed keys read as missing. */
static void test_spec_mounts_unknown(void **state)
{
	struct container_spec back;
	struct brig_err e;
	json_t *j = json_pack("{s:[{s:s,s:s},{s:s,s:s,s:s},{s:s},{s:s,s:i,s:s,s:i}]}", "mounts",
			      "type", "cluster", "target", "/x", "type", "bind", "source", "/h",
			      "target", "/y", "type", "tmpfs", "type", "volume", "source", 7,
			      "target", "/z", "readonly", 1);

	(void)state;
	assert_int_equal(spec_from_json(j, &back, &e), 0);
	assert_int_equal(back.n_mounts, 2);
	assert_int_equal(back.mounts[0].type, MOUNT_BIND);
	assert_string_equal(back.mounts[0].source, "/h");
	assert_string_equal(back.mounts[0].target, "/y");
	assert_int_equal(back.mounts[1].type, MOUNT_VOLUME);
	assert_null(back.mounts[1].source);
	assert_string_equal(back.mounts[1].target, "/z");
	assert_false(back.mounts[1].readonly);
	spec_free(&back);
	json_decref(j);
}

/* A record with mounts, as `brig run` wrote it; the records of earlier
 * versions have none. */
static void test_fixture_mounts(void **state)
{
	struct container_spec s;

	(void)state;
	assert_spec_stable("mounts.config.json", &s);
	assert_true(s.read_only);
	assert_int_equal(s.n_mounts, 7);
	assert_mount_equal(&s.mounts[0], &(struct mount_spec){ MOUNT_BIND, (char *)"/srv/lab/r1",
								(char *)"/data", NULL, true, true });
	assert_mount_equal(&s.mounts[1],
			   &(struct mount_spec){ MOUNT_BIND, (char *)"/srv/lab/r1/f",
						 (char *)"/etc/f.conf", NULL, false, true });
	assert_mount_equal(&s.mounts[2], &(struct mount_spec){ MOUNT_VOLUME, (char *)"vol1",
								(char *)"/srv", NULL });
	assert_int_equal(s.mounts[3].type, MOUNT_VOLUME);
	assert_true(s.mounts[3].anonymous);
	assert_int_equal(strlen(s.mounts[3].source), 64);
	assert_false(s.mounts[4].create_source);
	assert_true(s.mounts[5].nocopy);
	assert_mount_equal(&s.mounts[6],
			   &(struct mount_spec){ MOUNT_TMPFS, NULL, (char *)"/run",
						 (char *)"nosuid,nodev,noexec,size=67108864,mode=1777" });
	spec_free(&s);
	assert_spec_stable("full.config.json", &s);
	assert_int_equal(s.n_mounts, 0);
	assert_false(s.read_only);
	spec_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec_roundtrip),
		cmocka_unit_test(test_spec_minimal),
		cmocka_unit_test(test_spec_labels_typed),
		cmocka_unit_test(test_state_roundtrip),
		cmocka_unit_test(test_fixture_full),
		cmocka_unit_test(test_fixture_plain_and_none),
		cmocka_unit_test(test_fixture_old_networks),
		cmocka_unit_test(test_fixture_reconciled),
		cmocka_unit_test(test_spec_mounts_roundtrip),
		cmocka_unit_test(test_spec_mounts_unknown),
		cmocka_unit_test(test_fixture_mounts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
