/* test_topo.c - src/lab/topo*.c and ydoc.c: containerlab topology files
 * in brief and extended forms, defaults -> kinds -> groups -> node and the
 * merged keys, ${VAR} expansion, relative binds and env-files, container
 * names, and every refusal naming the file, the line and the key; YAML's
 * own traps (duplicate keys, merge keys, alias bombs, invalid UTF-8);
 * warnings for keys brig ignores; word splitting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "io.h"
#include "parse.h"
#include "topo.h"
#include "util.h"
#include "warn.h"
#include "ydoc.h"

#define FILE_NAME "lab.clab.yml"

/* ---- helpers ------------------------------------------------------------------ */

static char warnings[16384];
static int n_warnings;

static void collect(void *arg, const char *msg)
{
	size_t off = strlen(warnings);

	(void)arg;
	n_warnings++;
	snprintf(warnings + off, sizeof(warnings) - off, "%s\n", msg);
}

static int setup(void **state)
{
	(void)state;
	warnings[0] = '\0';
	n_warnings = 0;
	brig_warn_sink(collect, NULL);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	brig_warn_sink(NULL, NULL);
	return 0;
}

static void parse_ok_at(const char *yaml, const char *path, struct topo *t)
{
	struct brig_err e = { 0 };

	if (topo_parse(yaml, strlen(yaml), path, t, &e) < 0)
		fail_msg("parse failed: %s\n---\n%s", e.msg, yaml);
}

static void parse_ok(const char *yaml, struct topo *t)
{
	parse_ok_at(yaml, FILE_NAME, t);
}

static bool all_zero(const void *p, size_t n)
{
	const unsigned char *c = p;

	for (size_t i = 0; i < n; i++)
		if (c[i])
			return false;
	return true;
}

/* yaml (len bytes) is refused with a message starting
 * "lab.clab.yml:LINE: KEY: " (no key: "lab.clab.yml:LINE: ") and containing
 * what, one line, and the topology is left empty. */
static void refused_len(const char *yaml, size_t len, int line, const char *key,
			const char *what)
{
	struct brig_err e = { 0 };
	struct topo t;
	char want[512];
	int r;

	snprintf(want, sizeof(want), "%s:%d: %s%s", FILE_NAME, line, key, *key ? ": " : "");
	memset(&t, 0x5a, sizeof(t));
	r = topo_parse(yaml, len, FILE_NAME, &t, &e);
	if (r >= 0)
		fail_msg("accepted, want '%s... %s'\n---\n%s", want, what, yaml);
	if (strncmp(e.msg, want, strlen(want)) != 0 || !strstr(e.msg, what) ||
	    strchr(e.msg, '\n'))
		fail_msg("want '%s... %s', got '%s'\n---\n%s", want, what, e.msg, yaml);
	assert_true(all_zero(&t, sizeof(t)));
}

static void refused(const char *yaml, int line, const char *key, const char *what)
{
	refused_len(yaml, strlen(yaml), line, key, what);
}

static void warned(const char *what)
{
	if (!strstr(warnings, what))
		fail_msg("no warning '%s' in:\n%s", what, warnings);
}

static const char *at(char **v, size_t n, size_t i)
{
	assert_true(i < n);
	return v[i];
}

/* ---- forms ---------------------------------------------------------------------- */

static void brief_links(void **state)
{
	struct topo t;

	(void)state;
	parse_ok("name: lab1\n"
		 "topology:\n"
		 "  nodes:\n"
		 "    r1: {kind: linux, image: alpine}\n"
		 "    r2:\n"
		 "      kind: linux\n"
		 "      image: alpine\n"
		 "    br-1: {kind: bridge}\n"
		 "    hv: {kind: host}\n"
		 "  links:\n"
		 "    - endpoints: [\"r1:eth1\", \"r2:eth1\"]\n"
		 "    - endpoints: [\"host:veth-r1\", \"r1:eth2\"]\n"
		 "      mtu: 1500\n"
		 "    - endpoints: [r2:eth2, br-1:r2-eth2]\n"
		 "    - endpoints: [r1:eth3, mgmt-net:r1-eth3]\n"
		 "    - endpoints: [hv:r2-eth3, r2:eth3]\n"
		 "      ipv4: [\"\", 10.0.0.2/24]\n"
		 "    - endpoints: [mgmt-net:r2-eth4, r2:eth4]\n",
		 &t);
	assert_string_equal(t.name, "lab1");
	assert_int_equal(t.n_nodes, 4);
	assert_string_equal(t.nodes[0].name, "r1");
	assert_int_equal(t.nodes[0].line, 4);
	assert_int_equal(t.nodes[1].line, 5);
	assert_int_equal(t.nodes[2].kind, TOPO_KIND_BRIDGE);
	assert_int_equal(t.nodes[3].kind, TOPO_KIND_HOST);
	assert_true(t.nodes[0].privileged);
	assert_false(t.nodes[2].privileged);
	assert_int_equal(t.n_links, 6);

	assert_int_equal(t.links[0].type, TOPO_LINK_VETH);
	assert_int_equal(t.links[0].line, 11);
	assert_int_equal(t.links[0].a.node, 0);
	assert_string_equal(t.links[0].a.ifname, "eth1");
	assert_int_equal(t.links[0].b.node, 1);
	assert_int_equal(t.links[0].mtu, TOPO_DEFAULT_MTU);
	/* host end written first: a is the container end */
	assert_int_equal(t.links[1].type, TOPO_LINK_VETH);
	assert_int_equal(t.links[1].a.node, 0);
	assert_string_equal(t.links[1].a.ifname, "eth2");
	assert_int_equal(t.links[1].b.node, TOPO_HOST);
	assert_string_equal(t.links[1].b.ifname, "veth-r1");
	assert_int_equal(t.links[1].mtu, 1500);
	/* a bridge end is the bridge node, the port named as written */
	assert_int_equal(t.links[2].b.node, 2);
	assert_string_equal(t.links[2].b.ifname, "r2-eth2");
	assert_int_equal(t.links[3].type, TOPO_LINK_MGMT_NET);
	assert_int_equal(t.links[3].a.node, 0);
	assert_int_equal(t.links[3].b.node, TOPO_HOST);
	assert_string_equal(t.links[3].b.ifname, "r1-eth3");
	/* a kind: host node is the host; ipv4 follows its endpoint */
	assert_int_equal(t.links[4].a.node, 1);
	assert_int_equal(t.links[4].b.node, TOPO_HOST);
	assert_int_equal(t.links[4].a.ipv4, 0x0a000002);
	assert_int_equal(t.links[4].a.ipv4_prefix, 24);
	assert_int_equal(t.links[4].b.ipv4, 0);
	assert_int_equal(t.links[5].type, TOPO_LINK_MGMT_NET);
	assert_int_equal(t.links[5].a.node, 1);
	assert_string_equal(t.links[5].a.ifname, "eth4");
	assert_string_equal(t.links[5].b.ifname, "r2-eth4");
	assert_int_equal(n_warnings, 0);
	topo_free(&t);
	assert_true(all_zero(&t, sizeof(t)));
}

static void extended_links(void **state)
{
	static const uint8_t mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	struct topo t;

	(void)state;
	parse_ok("name: lab\n"
		 "topology:\n"
		 "  defaults: {kind: linux, image: alpine}\n"
		 "  nodes: {l1: {}, l2: {}}\n"
		 "  links:\n"
		 "    - type: veth\n"
		 "      mtu: 2000\n"
		 "      endpoints:\n"
		 "        - node: l1\n"
		 "          interface: eth3\n"
		 "          mac: 02:00:00:00:00:01\n"
		 "          ipv4: 192.168.0.1/30\n"
		 "          ipv6: 2001:db8::1/64\n"
		 "        - {node: l2, interface: eth3, ipv6: \"2001:db8::2/64\"}\n"
		 "      labels: {a: b}\n"
		 "      vars: {x: 1}\n"
		 "    - type: host\n"
		 "      host-interface: l2eth4\n"
		 "      endpoint: {node: l2, interface: eth4, mac: 02-00-00-00-00-Ab}\n"
		 "    - type: mgmt-net\n"
		 "      host-interface: l2eth5\n"
		 "      endpoint: {node: l2, interface: eth5}\n"
		 "    - type: dummy\n"
		 "      endpoint: {node: l2, interface: dummy0}\n",
		 &t);
	assert_int_equal(t.n_links, 4);
	assert_int_equal(t.links[0].type, TOPO_LINK_VETH);
	assert_int_equal(t.links[0].line, 6);
	assert_int_equal(t.links[0].mtu, 2000);
	assert_true(t.links[0].a.has_mac);
	assert_memory_equal(t.links[0].a.mac, mac, 6);
	assert_int_equal(t.links[0].a.ipv4, 0xc0a80001);
	assert_int_equal(t.links[0].a.ipv4_prefix, 30);
	assert_true(t.links[0].a.has_ipv6);
	assert_int_equal(t.links[0].a.ipv6_prefix, 64);
	assert_int_equal(t.links[0].a.ipv6.s6_addr[0], 0x20);
	assert_int_equal(t.links[0].a.ipv6.s6_addr[15], 1);
	assert_true(t.links[0].b.has_ipv6);
	assert_int_equal(t.links[0].b.ipv6.s6_addr[15], 2);
	assert_false(t.links[1].a.has_ipv6);
	assert_false(t.links[0].b.has_mac);
	assert_int_equal(t.links[1].type, TOPO_LINK_HOST);
	assert_int_equal(t.links[1].a.mac[5], 0xab);
	assert_int_equal(t.links[1].a.node, 1);
	assert_string_equal(t.links[1].a.ifname, "eth4");
	assert_int_equal(t.links[1].b.node, TOPO_HOST);
	assert_string_equal(t.links[1].b.ifname, "l2eth4");
	assert_int_equal(t.links[2].type, TOPO_LINK_MGMT_NET);
	assert_string_equal(t.links[2].b.ifname, "l2eth5");
	assert_int_equal(t.links[3].type, TOPO_LINK_DUMMY);
	assert_string_equal(t.links[3].a.ifname, "dummy0");
	assert_int_equal(t.links[3].mtu, TOPO_DEFAULT_MTU);
	/* IPv6 is configured now: no warning */
	assert_int_equal(n_warnings, 0);
	topo_free(&t);
}

/* ---- precedence ---------------------------------------------------------------- */

static const char precedence_yaml[] =
	"name: lab\n"						/* 1 */
	"topology:\n"						/* 2 */
	"  defaults:\n"						/* 3 */
	"    kind: linux\n"					/* 4 */
	"    image: alpine:3\n"					/* 5 */
	"    cmd: sleep 1\n"					/* 6 */
	"    env: {A: defaults, B: defaults, C: defaults, D: defaults}\n" /* 7 */
	"    labels: {role: any}\n"				/* 8 */
	"    sysctls: {net.ipv4.ip_forward: 1}\n"		/* 9 */
	"    binds: [/d/a:/a, /d/b:/b]\n"			/* 10 */
	"    exec: [echo defaults]\n"				/* 11 */
	"    cap-add: [NET_ADMIN]\n"				/* 12 */
	"    ports: [8080:80]\n"				/* 13 */
	"  kinds:\n"						/* 14 */
	"    linux:\n"						/* 15 */
	"      image: debian:12\n"				/* 16 */
	"      env: {B: kind, C: kind, D: kind}\n"		/* 17 */
	"      binds: [/k/b:/b:ro]\n"				/* 18 */
	"      exec: [echo kind]\n"				/* 19 */
	"      cap-add: [NET_ADMIN, SYS_ADMIN]\n"		/* 20 */
	"  groups:\n"						/* 21 */
	"    routers:\n"					/* 22 */
	"      image: frr:10\n"					/* 23 */
	"      privileged: false\n"				/* 24 */
	"      env: {C: group, D: group}\n"			/* 25 */
	"      labels: {role: router, tier: core}\n"		/* 26 */
	"      sysctls: {net.ipv6.conf.all.forwarding: 1}\n"	/* 27 */
	"      ports: [\"9090:90/udp\"]\n"			/* 28 */
	"  nodes:\n"						/* 29 */
	"    r1:\n"						/* 30 */
	"      group: routers\n"				/* 31 */
	"      cmd: bash -c 'sleep 2'\n"			/* 32 */
	"      env: {D: node}\n"				/* 33 */
	"      sysctls: {net.ipv4.ip_forward: 0}\n"		/* 34 */
	"      binds: [/n/a:/a]\n"				/* 35 */
	"      exec: [echo node]\n"				/* 36 */
	"      memory: 1G\n"					/* 37 */
	"      cpu: 1.5\n"					/* 38 */
	"      cpu-set: 0-1\n"					/* 39 */
	"      user: frr\n"					/* 40 */
	"      entrypoint: /sbin/tini --\n"			/* 41 */
	"      startup-delay: 5\n"				/* 42 */
	"    h1: {}\n";						/* 43 */

static void precedence(void **state)
{
	const struct topo_node *r1, *h1;
	struct topo t;

	(void)state;
	parse_ok(precedence_yaml, &t);
	r1 = &t.nodes[0];
	h1 = &t.nodes[1];
	assert_string_equal(r1->image, "frr:10");
	assert_string_equal(h1->image, "debian:12");
	assert_string_equal(r1->cmd, "bash -c 'sleep 2'");
	assert_string_equal(h1->cmd, "sleep 1");
	assert_string_equal(r1->group, "routers");
	assert_null(h1->group);
	assert_false(r1->privileged);
	assert_true(h1->privileged);
	assert_string_equal(r1->memory, "1G");
	assert_string_equal(r1->cpu, "1.5");
	assert_string_equal(r1->cpu_set, "0-1");
	assert_string_equal(r1->user, "frr");
	assert_string_equal(r1->entrypoint, "/sbin/tini --");
	assert_int_equal(r1->startup_delay, 5);
	assert_null(h1->memory);

	/* maps merge by key, sorted; the most specific wins */
	assert_int_equal(r1->n_env, 4);
	assert_string_equal(r1->env[0], "A=defaults");
	assert_string_equal(r1->env[1], "B=kind");
	assert_string_equal(r1->env[2], "C=group");
	assert_string_equal(r1->env[3], "D=node");
	assert_null(r1->env[4]);
	assert_string_equal(at(h1->env, h1->n_env, 3), "D=kind");
	assert_int_equal(r1->n_labels, 2);
	assert_string_equal(r1->labels[0], "role=router");
	assert_string_equal(r1->labels[1], "tier=core");
	assert_string_equal(at(h1->labels, h1->n_labels, 0), "role=any");
	assert_int_equal(r1->n_sysctls, 2);
	assert_string_equal(r1->sysctls[0], "net.ipv4.ip_forward=0");
	assert_string_equal(r1->sysctls[1], "net.ipv6.conf.all.forwarding=1");
	/* binds merge by target */
	assert_int_equal(r1->n_binds, 2);
	assert_string_equal(r1->binds[0], "/n/a:/a");
	assert_string_equal(r1->binds[1], "/k/b:/b:ro");
	assert_int_equal(h1->n_binds, 2);
	assert_string_equal(h1->binds[0], "/d/a:/a");
	/* exec and cap-add add up (cap-add once each), ports are replaced */
	assert_int_equal(r1->n_exec, 3);
	assert_string_equal(r1->exec[0], "echo defaults");
	assert_string_equal(r1->exec[1], "echo kind");
	assert_string_equal(r1->exec[2], "echo node");
	assert_null(r1->exec[3]);
	assert_int_equal(r1->n_cap_add, 2);
	assert_string_equal(r1->cap_add[0], "NET_ADMIN");
	assert_string_equal(r1->cap_add[1], "SYS_ADMIN");
	assert_int_equal(r1->n_ports, 1);
	assert_string_equal(r1->ports[0], "9090:90/udp");
	assert_string_equal(at(h1->ports, h1->n_ports, 0), "8080:80");
	assert_int_equal(n_warnings, 0);
	topo_free(&t);
}

/* As containerlab: the kind from the node's group or the defaults'
 * group; the group from the kind or the defaults. */
static void kind_and_group_sources(void **state)
{
	struct topo t;

	(void)state;
	parse_ok("name: lab\n"
		 "topology:\n"
		 "  defaults: {group: g3}\n"
		 "  kinds:\n"
		 "    bridge: {group: bridges}\n"
		 "  groups:\n"
		 "    g1: {kind: linux, image: alpine}\n"
		 "    g3: {kind: linux, image: nginx, network-mode: host}\n"
		 "    bridges: {labels: {b: \"1\"}}\n"
		 "  nodes:\n"
		 "    l1: {group: g1}\n"
		 "    l3:\n"
		 "    br0: {kind: bridge}\n",
		 &t);
	assert_string_equal(t.nodes[0].image, "alpine");
	assert_string_equal(t.nodes[0].group, "g1");
	assert_string_equal(t.nodes[1].image, "nginx");
	assert_string_equal(t.nodes[1].group, "g3");
	assert_string_equal(t.nodes[1].network_mode, "host");
	assert_int_equal(t.nodes[2].kind, TOPO_KIND_BRIDGE);
	assert_string_equal(t.nodes[2].group, "bridges");
	assert_string_equal(at(t.nodes[2].labels, t.nodes[2].n_labels, 0), "b=1");
	/* a bridge keeps nothing of a container's (g3's network-mode) */
	assert_null(t.nodes[2].network_mode);
	topo_free(&t);
}

/* ---- ${VAR} ----------------------------------------------------------------------- */

static void env_expansion(void **state)
{
	struct topo t;
	char *s;
	size_t n;

	(void)state;
	setenv("BRIG_T_TAG", "3.20", 1);
	setenv("BRIG_T_EMPTY", "", 1);
	unsetenv("BRIG_T_UNSET");
	parse_ok("name: lab-${BRIG_T_UNSET:=x}\n"
		 "topology:\n"
		 "  nodes:\n"
		 "    r1:\n"
		 "      kind: linux\n"
		 "      image: alpine:${BRIG_T_TAG}\n"
		 "      env:\n"
		 "        A: \"${BRIG_T_UNSET}\"\n"
		 "        B: ${BRIG_T_UNSET:=dflt}\n"
		 "        C: ${BRIG_T_EMPTY:-e}/${BRIG_T_EMPTY-kept}\n"
		 "        D: $${BRIG_T_TAG} $HOME ${BRIG_T_TAG:+alt}\n"
		 "      cmd: sh -c 'echo ${BRIG_T_TAG}'\n",
		 &t);
	assert_string_equal(t.name, "lab-x");
	assert_string_equal(t.nodes[0].image, "alpine:3.20");
	assert_string_equal(t.nodes[0].env[0], "A=");
	assert_string_equal(t.nodes[0].env[1], "B=dflt");
	assert_string_equal(t.nodes[0].env[2], "C=e/");
	assert_string_equal(t.nodes[0].env[3], "D=${BRIG_T_TAG} $HOME alt");
	assert_string_equal(t.nodes[0].cmd, "sh -c 'echo 3.20'");
	topo_free(&t);

	/* the expander alone: nested defaults, unterminated forms kept */
	assert_int_equal(ydoc_expand("${BRIG_T_UNSET:-${BRIG_T_TAG}}", 30, 100, &s, &n), 0);
	assert_string_equal(s, "3.20");
	free(s);
	assert_int_equal(ydoc_expand("a${BRIG_T_TAG", 13, 100, &s, &n), 0);
	assert_string_equal(s, "a${BRIG_T_TAG");
	free(s);
	assert_int_equal(ydoc_expand("${1x} ${}", 9, 100, &s, &n), 0);
	assert_string_equal(s, "${1x} ${}");
	free(s);
	assert_int_equal(ydoc_expand("${BRIG_T_TAG}", 13, 3, &s, &n), -E2BIG);
	unsetenv("BRIG_T_TAG");
	unsetenv("BRIG_T_EMPTY");
}

/* ---- paths and names ---------------------------------------------------------------- */

static void relative_binds(void **state)
{
	struct topo t;

	(void)state;
	parse_ok_at("name: lab\n"
		    "topology:\n"
		    "  nodes:\n"
		    "    r1:\n"
		    "      kind: linux\n"
		    "      image: alpine\n"
		    "      binds:\n"
		    "        - conf/frr.conf:/etc/frr/frr.conf:ro\n"
		    "        - /abs/data:/data\n"
		    "        - ../up:/up\n",
		    "/labs/one/lab.clab.yml", &t);
	assert_string_equal(t.path, "/labs/one/lab.clab.yml");
	assert_string_equal(t.dir, "/labs/one");
	assert_int_equal(t.nodes[0].n_binds, 3);
	assert_string_equal(t.nodes[0].binds[0], "/abs/data:/data");
	assert_string_equal(t.nodes[0].binds[1], "/labs/one/conf/frr.conf:/etc/frr/frr.conf:ro");
	assert_string_equal(t.nodes[0].binds[2], "/labs/one/../up:/up");
	topo_free(&t);

	/* a relative file name is made absolute against the working directory */
	parse_ok("name: lab\ntopology:\n  nodes:\n    r1: {kind: linux, image: a}\n", &t);
	assert_true(t.dir[0] == '/');
	assert_non_null(strstr(t.path, "/" FILE_NAME));
	topo_free(&t);
}

static void container_name_of(const char *prefix_line, const char *want)
{
	char yaml[256], buf[128];
	struct brig_err e;
	struct topo t;

	snprintf(yaml, sizeof(yaml), "name: lab\n%stopology:\n  nodes:\n    r1: {kind: linux, image: a}\n",
		 prefix_line);
	parse_ok(yaml, &t);
	assert_int_equal(topo_container_name(&t, &t.nodes[0], buf, sizeof(buf), &e), 0);
	assert_string_equal(buf, want);
	topo_free(&t);
}

static void prefix_naming(void **state)
{
	char buf[8];
	struct brig_err e;
	struct topo t;

	(void)state;
	container_name_of("", "clab-lab-r1");
	container_name_of("prefix: \"\"\n", "r1");
	container_name_of("prefix: __lab-name\n", "lab-r1");
	container_name_of("prefix: acme\n", "acme-lab-r1");
	container_name_of("prefix:\n", "clab-lab-r1"); /* null: not given */
	parse_ok("name: lab\ntopology:\n  nodes:\n    r1: {kind: linux, image: a}\n", &t);
	assert_int_equal(topo_container_name(&t, &t.nodes[0], buf, sizeof(buf), &e),
			 -ENAMETOOLONG);
	assert_non_null(strstr(e.msg, "r1"));
	assert_int_equal(topo_node_index(&t, "r1"), 0);
	assert_int_equal(topo_node_index(&t, "r2"), -1);
	topo_free(&t);
	/* the container name must fit brig's 63 bytes */
	refused("name: a-rather-long-lab-name-of-forty-bytes-abcdefghij\n"
		"topology:\n  nodes:\n"
		"    a-node-name-that-is-long-too: {kind: linux, image: a}\n",
		4, "topology.nodes.a-node-name-that-is-long-too", "longer than 63 bytes");
	refused("name: lab\nprefix: \"-x\"\ntopology:\n  nodes: {r1: {kind: linux, image: a}}\n",
		2, "prefix", "invalid prefix");
}

/* ---- mgmt ---------------------------------------------------------------------------- */

static void mgmt_section(void **state)
{
	struct topo t;

	(void)state;
	parse_ok("name: lab\ntopology:\n  nodes: {r1: {kind: linux, image: a}}\n", &t);
	assert_string_equal(t.mgmt.network, TOPO_DEFAULT_MGMT_NETWORK);
	assert_int_equal(t.mgmt.subnet, 0xac141400);
	assert_int_equal(t.mgmt.prefix, 24);
	assert_int_equal(t.mgmt.gateway, 0);
	assert_true(t.mgmt.external_access);
	assert_false(t.mgmt.subnet_given);
	assert_null(t.mgmt.bridge);
	/* neither subnet given: dual stack, as containerlab */
	assert_true(t.mgmt.ipv6);
	assert_false(t.mgmt.subnet6_given);
	assert_int_equal(t.mgmt.prefix6, 64);
	assert_memory_equal(t.mgmt.subnet6.s6_addr,
			    "\x3f\xff\x01\x72\x00\x20\x00\x20\0\0\0\0\0\0\0\0", 16);
	topo_free(&t);

	parse_ok("name: lab\n"
		 "mgmt:\n"
		 "  network: labnet\n"
		 "  ipv4-subnet: 10.9.0.0/16\n"
		 "  ipv4-gw: 10.9.255.254\n"
		 "  ipv6-subnet: 3fff:172:20:20::/64\n"
		 "  mtu: 1400\n"
		 "  bridge: br-lab\n"
		 "  external-access: false\n"
		 "  ipv4-range: 10.9.1.0/24\n"
		 "  ipv6-gw: 3fff:172:20:20::1\n"
		 "topology:\n  nodes: {r1: {kind: linux, image: a, mgmt-ipv4: 10.9.3.4}}\n",
		 &t);
	assert_string_equal(t.mgmt.network, "labnet");
	assert_int_equal(t.mgmt.subnet, 0x0a090000);
	assert_int_equal(t.mgmt.prefix, 16);
	assert_int_equal(t.mgmt.gateway, 0x0a09fffe);
	assert_true(t.mgmt.ipv6);
	assert_true(t.mgmt.subnet6_given);
	assert_int_equal(t.mgmt.prefix6, 64);
	assert_int_equal(t.mgmt.subnet6.s6_addr[0], 0x3f);
	assert_int_equal(t.mgmt.gateway6.s6_addr[15], 1);
	assert_int_equal(t.mgmt.mtu, 1400);
	assert_string_equal(t.mgmt.bridge, "br-lab");
	assert_false(t.mgmt.external_access);
	assert_true(t.mgmt.subnet_given);
	assert_int_equal(t.nodes[0].mgmt_ipv4, 0x0a090304);
	warned(FILE_NAME ":10: mgmt.ipv4-range: not supported by brig, ignored");
	assert_int_equal(n_warnings, 1);
	topo_free(&t);

	/* containerlab's older spelling */
	parse_ok("name: lab\nmgmt: {ipv4_subnet: 10.1.0.0/24}\n"
		 "topology:\n  nodes: {r1: {kind: linux, image: a}}\n",
		 &t);
	assert_int_equal(t.mgmt.subnet, 0x0a010000);
	topo_free(&t);

#define NODES "topology:\n  nodes: {r1: {kind: linux, image: a}}\n"
	refused("name: lab\nmgmt:\n  ipv4-subnet: 10.0.0.1/24\n" NODES, 3, "mgmt.ipv4-subnet",
		"host bits set");
	refused("name: lab\nmgmt:\n  ipv4-subnet: 10.0.0/24\n" NODES, 3, "mgmt.ipv4-subnet",
		"invalid subnet");
	refused("name: lab\nmgmt:\n  ipv4-subnet: 10.0.0.0/24\n  ipv4-gw: 10.0.1.1\n" NODES, 4,
		"mgmt.ipv4-gw", "gateway 10.0.1.1 is not a host address of 10.0.0.0/24");
	refused("name: lab\nmgmt:\n  ipv4-gw: 172.20.20.256\n" NODES, 3, "mgmt.ipv4-gw",
		"invalid IPv4 address");
	refused("name: lab\nmgmt:\n  mtu: 20\n" NODES, 3, "mgmt.mtu", "out of range");
	refused("name: lab\nmgmt:\n  mtu: 1500x\n" NODES, 3, "mgmt.mtu", "expected an integer");
	refused("name: lab\nmgmt:\n  bridge: a-bridge-name-too-long\n" NODES, 3, "mgmt.bridge",
		"invalid interface name");
	refused("name: lab\nmgmt:\n  external-access: maybe\n" NODES, 3, "mgmt.external-access",
		"expected true or false");
	refused("name: lab\nmgmt:\n  ipv6-subnet: 3fff::/129\n" NODES, 3, "mgmt.ipv6-subnet",
		"invalid IPv6 subnet '3fff::/129'");
	refused("name: lab\nmgmt:\n  ipv6-subnet: 3fff::1/64\n" NODES, 3, "mgmt.ipv6-subnet",
		"host bits set (did you mean 3fff::/64?)");
	refused("name: lab\nmgmt:\n  ipv6-subnet: \":::/64\"\n" NODES, 3, "mgmt.ipv6-subnet",
		"invalid IPv6 address ':::'");
	refused("name: lab\nmgmt:\n  ipv6-subnet: fd00::/48\n" NODES, 3, "mgmt.ipv6-subnet",
		"/64");
	refused("name: lab\nmgmt:\n  ipv6-subnet: fd00::/64\n  ipv6-gw: fd01::1\n" NODES, 4,
		"mgmt.ipv6-gw", "fd01::1");
	refused("name: lab\nmgmt:\n  ipv4-subnet: 10.0.0.0/24\n  ipv6-gw: fd01::1\n" NODES, 4,
		"mgmt.ipv6-gw", "needs mgmt.ipv6-subnet");
	refused("name: lab\nmgmt: [a]\n" NODES, 2, "mgmt", "expected a map, got a list");
#undef NODES
}

static void mgmt_addresses(void **state)
{
	struct topo t;

	(void)state;
#define HEAD "name: lab\nmgmt: {ipv4-subnet: 10.0.0.0/24}\ntopology:\n  nodes:\n"
	refused(HEAD "    r1: {kind: linux, image: a, mgmt-ipv4: 10.0.1.5}\n", 5,
		"topology.nodes.r1.mgmt-ipv4", "outside the management subnet 10.0.0.0/24");
	refused(HEAD "    r1: {kind: linux, image: a, mgmt-ipv4: 10.0.0.1}\n", 5,
		"topology.nodes.r1.mgmt-ipv4", "gateway");
	refused(HEAD "    r1: {kind: linux, image: a, mgmt-ipv4: 10.0.0.255}\n", 5,
		"topology.nodes.r1.mgmt-ipv4", "broadcast");
	refused(HEAD "    r1: {kind: linux, image: a, mgmt-ipv4: 10.0.0.5/24}\n", 5,
		"topology.nodes.r1.mgmt-ipv4", "invalid IPv4 address");
	refused(HEAD "    r1: {kind: linux, image: a, mgmt-ipv4: 10.0.0.5}\n"
		     "    r2: {kind: linux, image: a}\n"
		     "    r3:\n"
		     "      kind: linux\n"
		     "      image: a\n"
		     "      mgmt-ipv4: 10.0.0.5\n",
		10, "topology.nodes.r3.mgmt-ipv4", "already the management address of node r1");
	refused(HEAD "    r1:\n"
		     "      kind: linux\n"
		     "      image: a\n"
		     "      mgmt-ipv4: 10.0.0.5\n"
		     "      network-mode: host\n",
		8, "topology.nodes.r1.mgmt-ipv4", "network-mode host");
	parse_ok(HEAD "    r1: {kind: linux, image: a, mgmt-ipv4: 10.0.0.2}\n", &t);
	assert_int_equal(t.nodes[0].mgmt_ipv4, 0x0a000002);
	assert_false(t.mgmt.ipv6); /* ipv4-subnet alone: v4 only, as containerlab */
	assert_false(t.nodes[0].has_mgmt_ipv6);
	topo_free(&t);
	refused(HEAD "    r1: {kind: linux, image: a, mgmt-ipv6: \"fd00::5\"}\n", 5,
		"topology.nodes.r1.mgmt-ipv6", "no IPv6 subnet");
#undef HEAD
#define HEAD "name: lab\nmgmt: {ipv6-subnet: \"fd00:1::/64\"}\ntopology:\n  nodes:\n"
	parse_ok(HEAD "    r1: {kind: linux, image: a, mgmt-ipv6: \"fd00:1::5\"}\n", &t);
	assert_true(t.nodes[0].has_mgmt_ipv6);
	assert_int_equal(t.nodes[0].mgmt_ipv6.s6_addr[15], 5);
	assert_true(t.mgmt.ipv6);
	assert_int_equal(t.mgmt.subnet, 0xac141400); /* v4 stays the default */
	topo_free(&t);
	refused(HEAD "    r1: {kind: linux, image: a, mgmt-ipv6: \"fd00:2::5\"}\n", 5,
		"topology.nodes.r1.mgmt-ipv6", "outside the management subnet fd00:1::/64");
	refused(HEAD "    r1: {kind: linux, image: a, mgmt-ipv6: \"fd00:1::1\"}\n", 5,
		"topology.nodes.r1.mgmt-ipv6", "gateway");
	refused(HEAD "    r1: {kind: linux, image: a, mgmt-ipv6: \"fd00:1::5/64\"}\n", 5,
		"topology.nodes.r1.mgmt-ipv6", "invalid IPv6 address");
	refused(HEAD "    r1: {kind: linux, image: a, mgmt-ipv6: \"fd00:1::5\"}\n"
		     "    r2: {kind: linux, image: a, mgmt-ipv6: \"fd00:1::5\"}\n",
		6, "topology.nodes.r2.mgmt-ipv6", "already the management address of node r1");
	refused(HEAD "    r1: {kind: linux, image: a, mgmt-ipv6: \"fd00:1::5\", network-mode: none}\n",
		5, "topology.nodes.r1.mgmt-ipv6", "network-mode none");
#undef HEAD
}

/* ---- network-mode and dependencies ------------------------------------------------------ */

static void network_modes(void **state)
{
	struct topo t;

	(void)state;
	parse_ok("name: lab\n"
		 "topology:\n"
		 "  defaults: {kind: linux, image: a}\n"
		 "  nodes:\n"
		 "    n0: {network-mode: none}\n"
		 "    n1: {network-mode: host}\n"
		 "    n2: {network-mode: \"container:n3\"}\n"
		 "    n3: {}\n"
		 "    n4: {network-mode: \"container:elsewhere\"}\n",
		 &t);
	assert_string_equal(t.nodes[0].network_mode, "none");
	assert_int_equal(t.nodes[0].net_container, TOPO_HOST);
	assert_string_equal(t.nodes[1].network_mode, "host");
	assert_string_equal(t.nodes[2].network_mode, "container:n3");
	assert_int_equal(t.nodes[2].net_container, 3);
	assert_null(t.nodes[3].network_mode);
	assert_int_equal(t.nodes[4].net_container, TOPO_HOST);
	topo_free(&t);

#define HEAD "name: lab\ntopology:\n  defaults: {kind: linux, image: a}\n  nodes:\n"
	refused(HEAD "    n0: {network-mode: bridge}\n", 5, "topology.nodes.n0.network-mode",
		"invalid network-mode 'bridge'");
	refused(HEAD "    n0: {network-mode: \"container:\"}\n", 5,
		"topology.nodes.n0.network-mode", "invalid network-mode");
	refused(HEAD "    n0: {network-mode: \"container:br\"}\n    br: {kind: bridge}\n", 5,
		"topology.nodes.n0.network-mode", "node br is a bridge, not a container");
	/* a container: chain back to itself */
	refused(HEAD "    a: {network-mode: \"container:b\"}\n"
		     "    b: {network-mode: \"container:a\"}\n",
		6, "topology.nodes.b.network-mode", "dependency cycle a -> b -> a");
	refused(HEAD "    a: {network-mode: \"container:a\"}\n", 5,
		"topology.nodes.a.network-mode", "dependency cycle a -> a");
}

static void stages(void **state)
{
	struct topo t;

	(void)state;
	parse_ok(HEAD "    a:\n"
		      "      stages:\n"
		      "        create:\n"
		      "          wait-for:\n"
		      "            - {node: c, stage: healthy}\n"
		      "            - {node: b}\n"
		      "        configure:\n"
		      "          wait-for: [{node: c, stage: create-links}]\n"
		      "          exec: [{command: ls}]\n"
		      "    b: {}\n"
		      "    c: {}\n",
		 &t);
	assert_int_equal(t.nodes[0].n_wait_for, 2);
	assert_int_equal(t.nodes[0].wait_for[0], 1);
	assert_int_equal(t.nodes[0].wait_for[1], 2);
	assert_int_equal(t.nodes[1].n_wait_for, 0);
	assert_null(t.nodes[1].wait_for);
	warned(FILE_NAME ":13: topology.nodes.a.stages.configure.exec: not supported by brig");
	topo_free(&t);

	refused(HEAD "    a: {stages: {create: {wait-for: [{node: zz}]}}}\n", 5,
		"topology.nodes.a.stages.create.wait-for[0].node", "unknown node 'zz'");
	refused(HEAD "    a: {stages: {create: {wait-for: [{node: a, stage: later}]}}}\n", 5,
		"topology.nodes.a.stages.create.wait-for[0].stage", "unknown stage 'later'");
	refused(HEAD "    a: {stages: {create: {wait-for: {node: a}}}}\n", 5,
		"topology.nodes.a.stages.create.wait-for", "expected a list, got a map");
	refused(HEAD "    a:\n"
		     "      stages: {create: {wait-for: [{node: b}]}}\n"
		     "    b:\n"
		     "      stages: {create: {wait-for: [{node: c}]}}\n"
		     "    c:\n"
		     "      network-mode: \"container:a\"\n",
		10, "topology.nodes.c.network-mode", "dependency cycle a -> b -> c -> a");
	refused(HEAD "    a: {stages: {exit: {wait-for: [{node: a}]}}}\n", 5,
		"topology.nodes.a.stages", "dependency cycle a -> a");
#undef HEAD
}

/* ---- refusals ------------------------------------------------------------------------------- */

#define HEAD "name: lab\ntopology:\n  defaults: {kind: linux, image: a}\n  nodes: {r1: {}, r2: {}, br: {kind: bridge}}\n  links:\n"

static void bad_links(void **state)
{
	(void)state;
	refused(HEAD "    - endpoints: [r1:eth1, r9:eth1]\n", 6, "topology.links[0].endpoints[1]",
		"unknown node 'r9'");
	refused(HEAD "    - endpoints: [r1:eth1, r2:eth1]\n    - endpoints: [r1:eth1, r2:eth2]\n", 7,
		"topology.links[1].endpoints[0]", "interface r1:eth1 is already used at line 6");
	refused(HEAD "    - endpoints: [r1:eth1, r1:eth2]\n", 6, "topology.links[0]",
		"a link from r1 to itself");
	refused(HEAD "    - endpoints: [host:a, host:b]\n", 6, "topology.links[0]",
		"a link from host to itself");
	/* the host's names: host ends, bridge ports, host-interfaces */
	refused(HEAD "    - endpoints: [r1:eth1, br:p1]\n    - endpoints: [r2:eth1, host:p1]\n", 7,
		"topology.links[1].endpoints[1]", "interface host:p1 is already used at line 6");
	refused(HEAD "    - endpoints: [r1:eth1, host:h1]\n"
		     "    - type: mgmt-net\n"
		     "      endpoint: {node: r2, interface: eth1}\n"
		     "      host-interface: h1\n",
		9, "topology.links[1].host-interface", "interface host:h1 is already used at line 6");
	refused(HEAD "    - endpoints: [r1:eth1, r2:eth1]\n"
		     "    - type: veth\n"
		     "      endpoints:\n"
		     "        - {node: r2, interface: eth2}\n"
		     "        - {node: r1, interface: eth1}\n",
		10, "topology.links[1].endpoints[1].interface", "interface r1:eth1 is already used");
	refused(HEAD "    - endpoints: [r1:eth1234567890123, r2:eth1]\n", 6,
		"topology.links[0].endpoints[0]", "invalid interface name 'eth1234567890123'");
	refused(HEAD "    - endpoints: [\"r1:a b\", r2:eth1]\n", 6, "topology.links[0].endpoints[0]",
		"invalid interface name");
	refused(HEAD "    - endpoints: [\"r1:a/b\", r2:eth1]\n", 6, "topology.links[0].endpoints[0]",
		"invalid interface name");
	refused(HEAD "    - endpoints: [\"r1:..\", r2:eth1]\n", 6, "topology.links[0].endpoints[0]",
		"invalid interface name");
	refused(HEAD "    - endpoints: [\"r1:\", r2:eth1]\n", 6, "topology.links[0].endpoints[0]",
		"invalid interface name");
	refused(HEAD "    - endpoints: [\"r1:e:1\", r2:eth1]\n", 6, "topology.links[0].endpoints[0]",
		"invalid interface name");
	refused(HEAD "    - endpoints: [r1, r2:eth1]\n", 6, "topology.links[0].endpoints[0]",
		"want NODE:INTERFACE");
	refused(HEAD "    - endpoints: [r1:eth1]\n", 6, "topology.links[0].endpoints",
		"2 endpoints, not 1");
	refused(HEAD "    - endpoints: [r1:eth0, r2:eth1]\n", 6, "topology.links[0].endpoints[0]",
		"eth0 is the management interface");
	refused(HEAD "    - endpoints: [r1:eth1, macvlan:enp0s3]\n", 6,
		"topology.links[0].endpoints[1]", "macvlan links are not supported");
	refused(HEAD "    - type: vxlan\n      remote: 10.0.0.1\n", 6, "topology.links[0].type",
		"vxlan links are not supported by brig");
	refused(HEAD "    - type: tunnel\n", 6, "topology.links[0].type", "unknown link type 'tunnel'");
	refused(HEAD "    - type: veth\n      endpoints: [r1:eth1, r2:eth1]\n", 7,
		"topology.links[0].endpoints[0]", "expected a map, got a string");
	refused(HEAD "    - type: veth\n      endpoints:\n        - {node: r1}\n        - {node: r2, interface: e}\n",
		8, "topology.links[0].endpoints[0].interface", "missing");
	refused(HEAD "    - type: veth\n      endpoints:\n"
		     "        - {node: r1, interface: e1, mac: \"01:00:5e:00:00:01\"}\n"
		     "        - {node: r2, interface: e1}\n",
		8, "topology.links[0].endpoints[0].mac", "not a unicast address");
	refused(HEAD "    - type: veth\n      endpoints:\n"
		     "        - {node: r1, interface: e1, mac: \"02:00:00:00:00\"}\n"
		     "        - {node: r2, interface: e1}\n",
		8, "topology.links[0].endpoints[0].mac", "invalid MAC address");
	refused(HEAD "    - type: veth\n      endpoints:\n"
		     "        - {node: r1, interface: e1, mac: a}\n"
		     "        - {node: r2, interface: e1, mac: \"02:00:00:00:00:0g\"}\n",
		8, "topology.links[0].endpoints[0].mac", "invalid MAC address 'a'");
	refused(HEAD "    - type: veth\n      endpoints:\n"
		     "        - {node: r1, interface: e1, mac: \"02:00-00:00:00:01\"}\n"
		     "        - {node: r2, interface: e1}\n",
		8, "topology.links[0].endpoints[0].mac", "invalid MAC address");
	refused(HEAD "    - type: veth\n      endpoints:\n"
		     "        - {node: r1, interface: e1, ipv4: 10.0.0.0/24}\n"
		     "        - {node: r2, interface: e1}\n",
		8, "topology.links[0].endpoints[0].ipv4", "network address");
	refused(HEAD "    - type: veth\n      endpoints:\n"
		     "        - {node: r1, interface: e1, ipv4: 10.0.0.1}\n"
		     "        - {node: r2, interface: e1}\n",
		8, "topology.links[0].endpoints[0].ipv4", "want a.b.c.d/N");
	refused(HEAD "    - type: veth\n      endpoints:\n"
		     "        - {node: r1, interface: e1, ipv6: \"fe80::zz/64\"}\n"
		     "        - {node: r2, interface: e1}\n",
		8, "topology.links[0].endpoints[0].ipv6", "invalid IPv6 address");
	refused(HEAD "    - type: veth\n      endpoints:\n"
		     "        - {node: r1, interface: e1, ipv6: \"2001:db8::1\"}\n"
		     "        - {node: r2, interface: e1}\n",
		8, "topology.links[0].endpoints[0].ipv6", "want ADDR/N");
	refused(HEAD "    - type: veth\n      endpoints:\n"
		     "        - {node: r1, interface: e1, ipv6: \"2001:db8::/64\"}\n"
		     "        - {node: r2, interface: e1}\n",
		8, "topology.links[0].endpoints[0].ipv6", "subnet-router anycast");
	refused(HEAD "    - type: veth\n      endpoints:\n"
		     "        - {node: r1, interface: e1, ipv6: \"ff02::5/64\"}\n"
		     "        - {node: r2, interface: e1}\n",
		8, "topology.links[0].endpoints[0].ipv6", "not a unicast address");
	refused(HEAD "    - type: veth\n      endpoints:\n"
		     "        - {node: r1, interface: e1, ipv6: \"::ffff:10.0.0.1/120\"}\n"
		     "        - {node: r2, interface: e1}\n",
		8, "topology.links[0].endpoints[0].ipv6", "IPv4-mapped");
	refused(HEAD "    - type: veth\n      endpoints:\n"
		     "        - {node: r1, interface: e1, ipv6: \"fe80::1%eth0/64\"}\n"
		     "        - {node: r2, interface: e1}\n",
		8, "topology.links[0].endpoints[0].ipv6", "invalid IPv6 address");
	refused(HEAD "    - endpoints: [\"r1:e1\", \"r2:e1\"]\n"
		     "      ipv6: [\"2001:db8::1/129\"]\n",
		7, "topology.links[0].ipv6[0]", "want ADDR/N");
	refused(HEAD "    - type: host\n      endpoint: {node: r1, interface: e1}\n", 6,
		"topology.links[0].host-interface", "missing");
	refused(HEAD "    - type: dummy\n      endpoint: {node: br, interface: d0}\n", 7,
		"topology.links[0].endpoint", "must be a container's");
	refused(HEAD "    - endpoints: [r1:eth1, r2:eth1]\n      mtu: 70000\n", 7,
		"topology.links[0].mtu", "out of range");
	refused(HEAD "    - \"r1:eth1 r2:eth1\"\n", 6, "topology.links[0]",
		"expected a map, got a string");
	refused(HEAD "    - endpoints: [r1:eth1, r2:eth1]\n      ipv4: [10.0.0.1/24, 10.0.0.2/24, 10.0.0.3/24]\n",
		7, "topology.links[0].ipv4", "3 addresses for 2 endpoints");
	refused("name: lab\ntopology:\n  nodes: {r1: {kind: linux, image: a}}\n  links: {a: b}\n", 4,
		"topology.links", "expected a list, got a map");
}
#undef HEAD

#define HEAD "name: lab\ntopology:\n  nodes:\n"

static void bad_nodes(void **state)
{
	(void)state;
	refused(HEAD "    r1: {kind: nokia_srlinux, image: srl}\n", 4, "topology.nodes.r1.kind",
		"kind 'nokia_srlinux' is not supported");
	refused("name: lab\ntopology:\n  defaults: {kind: ceos}\n  nodes: {r1: {image: a}}\n", 3,
		"topology.defaults.kind", "kind 'ceos' is not supported");
	refused(HEAD "    r1: {image: a}\n", 4, "topology.nodes.r1", "no kind");
	refused(HEAD "    r1: {kind: linux}\n", 4, "topology.nodes.r1", "needs an image");
	refused(HEAD "    r1: {kind: linux, image: a, group: nope}\n", 4,
		"topology.nodes.r1.group", "group 'nope' is not defined");
	refused(HEAD "    -bad: {kind: linux, image: a}\n", 4, "topology.nodes.-bad",
		"invalid node name");
	refused(HEAD "    \"a b\": {kind: linux, image: a}\n", 4, "topology.nodes.a b",
		"invalid node name");
	refused(HEAD "    n1234567890123456789012345678901234567890123456789012345678901234: {}\n",
		4, "topology.nodes.n123456789012345678901234567890123456789012345678901234567890123",
		"invalid node name");
	refused(HEAD "    a-bridge-too-long: {kind: bridge}\n", 4,
		"topology.nodes.a-bridge-too-long", "at most 15 bytes");
	refused(HEAD "    mgmt-net: {kind: linux, image: a}\n", 4, "topology.nodes.mgmt-net",
		"link endpoint");
	refused(HEAD "    r1: {kind: linux, image: a, startup-delay: -1}\n", 4,
		"topology.nodes.r1.startup-delay", "not a decimal integer");
	refused(HEAD "    r1: {kind: linux, image: a, privileged: sure}\n", 4,
		"topology.nodes.r1.privileged", "expected true or false");
	refused(HEAD "    r1: {kind: linux, image: a, cmd: \"sh -c 'x\"}\n", 4,
		"topology.nodes.r1.cmd", "unterminated quote");
	refused(HEAD "    r1: {kind: linux, image: a, exec: [ok, \"echo \\\"x\"]}\n", 4,
		"topology.nodes.r1.exec[1]", "unterminated quote");
	refused(HEAD "    r1: {kind: linux, image: a, binds: [/x]}\n", 4,
		"topology.nodes.r1.binds[0]", "want SRC:DST[:OPTS]");
	refused(HEAD "    r1: {kind: linux, image: a, binds: [\"/x:rel\"]}\n", 4,
		"topology.nodes.r1.binds[0]", "target must be an absolute path");
	refused(HEAD "    r1: {kind: linux, image: a, binds: [\"a:/b:ro:x\"]}\n", 4,
		"topology.nodes.r1.binds[0]", "want SRC:DST[:OPTS]");
	refused(HEAD "    r1: {kind: linux, image: a, sysctls: {\"net ipv4\": 1}}\n", 4,
		"topology.nodes.r1.sysctls.net ipv4", "invalid sysctl name");
	refused(HEAD "    r1: {kind: linux, image: a, env: {\"A=B\": 1}}\n", 4,
		"topology.nodes.r1.env.A=B", "invalid key name");
	/* wrong types */
	refused(HEAD "    r1: {kind: linux, image: a, env: [A=1]}\n", 4, "topology.nodes.r1.env",
		"expected a map, got a list");
	refused(HEAD "    r1: {kind: linux, image: a, env: {A: [1]}}\n", 4,
		"topology.nodes.r1.env.A", "expected a string, got a list");
	refused(HEAD "    r1: {kind: linux, image: a, binds: {a: b}}\n", 4,
		"topology.nodes.r1.binds", "expected a list, got a map");
	refused(HEAD "    r1: {kind: linux, image: [a]}\n", 4, "topology.nodes.r1.image",
		"expected a string, got a list");
	refused(HEAD "    r1: [kind, linux]\n", 4, "topology.nodes.r1", "expected a map, got a list");
	refused("name: lab\ntopology:\n  nodes: [r1, r2]\n", 3, "topology.nodes",
		"expected a map, got a list");
	refused("name: lab\ntopology:\n  nodes: {}\n", 3, "topology.nodes", "no nodes");
	refused("name: lab\ntopology:\n  links: []\n", 3, "topology.nodes", "no nodes");
	refused("name: lab\ntopology:\n  groups:\n    g: {env: x}\n  nodes: {r1: {}}\n", 4,
		"topology.groups.g.env", "expected a map, got a string");
}

static void bad_top(void **state)
{
	(void)state;
	refused("name: \"bad name\"\ntopology: {nodes: {r1: {kind: linux, image: a}}}\n", 1,
		"name", "invalid lab name");
	refused("topology: {nodes: {r1: {kind: linux, image: a}}}\n", 1, "name", "needs a name");
	refused("name: lab\n", 1, "topology", "no topology");
	refused("name: lab\ntopology: [nodes]\n", 2, "topology", "expected a map, got a list");
	refused_len("", 0, 1, "", "empty file");
	refused("# just a comment\n", 1, "", "empty file");
	refused("---\n...\n", 1, "", "empty file");
	refused("- name: lab\n", 1, "", "a topology file is a map");
	refused("just words\n", 1, "", "a topology file is a map");
}
#undef HEAD

/* ---- YAML's own traps ---------------------------------------------------------------------- */

static void yaml_errors(void **state)
{
	static const char bad_utf8[] = "name: lab\ntopology:\n  nodes:\n    r\xc3\x28: {}\n";
	static const char nul[] = "name: lab\ntopology:\n  nodes:\n    r1: {image: \"a\\0b\"}\n";

	(void)state;
	refused("name: lab\ntopology:\n  nodes:\n    r1: {kind: linux\n", 5, "", "YAML: ");
	refused("name: lab\ntopology:\n  nodes:\n   r1: {}\n  bad indentation: [\n", 6, "", "YAML");
	refused_len(bad_utf8, sizeof(bad_utf8) - 1, 4, "", "not UTF-8 text");
	refused("name: lab\n\x01topology: {}\n", 2, "", "not UTF-8 text");
	refused(nul, 4, "topology.nodes.r1.image", "NUL byte");
	refused("name: lab\n---\nname: lab2\n", 2, "", "more than one YAML document");
	refused("name: lab\ntopology:\n  nodes:\n    r1: *nowhere\n", 4, "topology.nodes.r1",
		"unknown anchor '*nowhere'");
	/* an alias inside its own anchor is no loop, only unknown */
	refused("name: lab\na: &a [1, *a]\n", 2, "a[1]", "unknown anchor");
	refused("name: lab\n? [complex, key]\n: value\n", 2, "", "a key must be a string");
}

/* What would only make the builder's stack or memory grow is bounded. */
static void yaml_bounds(void **state)
{
	char deep[700], *big = malloc(600001);
	struct brig_err e;
	struct topo t;
	size_t off = 0;

	(void)state;
	assert_non_null(big);
	off += (size_t)snprintf(deep, sizeof(deep), "name: lab\nx: ");
	for (int i = 0; i < 300; i++)
		deep[off++] = '[';
	deep[off] = '\0';
	e.msg[0] = '\0';
	assert_true(topo_parse(deep, off, FILE_NAME, &t, &e) < 0);
	assert_non_null(strstr(e.msg, FILE_NAME ":2: x[0][0][0]"));
	assert_non_null(strstr(e.msg, ": nested deeper than 256"));
	assert_true(all_zero(&t, sizeof(t)));
	memset(big, 'x', 600000);
	big[600000] = '\0';
	setenv("BRIG_T_BIG", big, 1);
	refused("name: lab\ntopology:\n  nodes:\n    r1: {image: \"${BRIG_T_BIG}${BRIG_T_BIG}\"}\n",
		4, "topology.nodes.r1.image", "too long once ${VAR} are expanded");
	unsetenv("BRIG_T_BIG");
	free(big);
}

static void duplicate_keys(void **state)
{
	(void)state;
	refused("name: lab\n"
		"topology:\n"
		"  nodes:\n"
		"    r1: {kind: linux, image: a}\n"
		"    r2: {kind: linux, image: a}\n"
		"    r1: {kind: linux, image: b}\n",
		6, "topology.nodes.r1", "duplicate key (first at line 4)");
	refused("name: lab\n"
		"topology:\n"
		"  nodes:\n"
		"    r1:\n"
		"      kind: linux\n"
		"      image: a\n"
		"      image: b\n",
		7, "topology.nodes.r1.image", "duplicate key (first at line 6)");
	refused("name: lab\nname: lab\n", 2, "name", "duplicate key (first at line 1)");
	/* keys compare once expanded */
	setenv("BRIG_T_R1", "r1", 1);
	refused("name: lab\ntopology:\n  nodes:\n    r1: {}\n    ${BRIG_T_R1}: {}\n", 5,
		"topology.nodes.r1", "duplicate key");
	unsetenv("BRIG_T_R1");
}

static void merge_keys(void **state)
{
	struct topo t;

	(void)state;
	parse_ok("name: lab\n"
		 ".base: &base {kind: linux, image: alpine, cmd: sleep 1}\n"
		 ".more: &more {image: debian, user: nobody, cmd: sleep 2}\n"
		 "topology:\n"
		 "  nodes:\n"
		 "    r1:\n"
		 "      <<: *base\n"
		 "      cmd: sleep 3\n"
		 "    r2:\n"
		 "      <<: [*more, *base]\n",
		 &t);
	/* keys written in the map win; of the sources, the first */
	assert_string_equal(t.nodes[0].image, "alpine");
	assert_string_equal(t.nodes[0].cmd, "sleep 3");
	assert_string_equal(t.nodes[1].image, "debian");
	assert_string_equal(t.nodes[1].cmd, "sleep 2");
	assert_string_equal(t.nodes[1].user, "nobody");
	assert_int_equal(t.nodes[1].kind, TOPO_KIND_LINUX);
	topo_free(&t);
	refused("name: lab\ntopology:\n  nodes:\n    r1:\n      <<: [1, 2]\n", 5,
		"topology.nodes.r1.<<", "a merge key takes a map");
	/* a quoted "<<" is an ordinary key */
	parse_ok("name: lab\ntopology:\n  nodes:\n    r1: {kind: linux, image: a, \"<<\": x}\n", &t);
	warned("topology.nodes.r1.<<: unknown key");
	topo_free(&t);
}

/* A billion laughs: nine levels of nine aliases, 9^9 strings once
 * expanded.  It must fail at the alias that crosses the bound, at once. */
static void alias_bomb(void **state)
{
	static const char bomb[] =
		"name: lab\n"
		"a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
		"b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
		"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
		"d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
		"e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
		"f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
		"g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
		"h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n"
		"i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]\n"
		"topology: {nodes: {r1: {kind: linux, image: a}}}\n";
	struct timespec t0, t1;

	(void)state;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	refused(bomb, 8, "g[1]", "more than 1000000 nodes with aliases expanded (an alias bomb?)");
	clock_gettime(CLOCK_MONOTONIC, &t1);
	assert_true(t1.tv_sec - t0.tv_sec < 2);
	/* through merge keys as well */
	refused("name: lab\n"
		"a: &a {a: 1, b: 2, c: 3, d: 4, e: 5, f: 6, g: 7, h: 8, i: 9, j: 10}\n"
		"b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
		"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
		"d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
		"e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
		"f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n",
		7, "f[4]", "alias bomb");
}

/* Repeating a big block of defaults onto every node is bounded too. */
static void repetition_bomb(void **state)
{
	size_t cap = 4u << 20, off = 0;
	char *y = malloc(cap);

	(void)state;
	assert_non_null(y);
	off += (size_t)snprintf(y + off, cap - off,
				"name: lab\ntopology:\n  defaults:\n    kind: linux\n    image: a\n"
				"    labels:\n");
	for (int i = 0; i < 20000; i++)
		off += (size_t)snprintf(y + off, cap - off, "      l%d: v\n", i);
	off += (size_t)snprintf(y + off, cap - off, "  nodes:\n");
	for (int i = 0; i < 101; i++)
		off += (size_t)snprintf(y + off, cap - off, "    n%d: {}\n", i);
	refused(y, 3, "topology.defaults", "more than 2000000 YAML nodes in all");
	free(y);
}

static void node_limit(void **state)
{
	size_t cap = (TOPO_MAX_NODES + 2) * 24 + 256, off = 0;
	char *y = malloc(cap);
	struct topo t;

	(void)state;
	assert_non_null(y);
	off += (size_t)snprintf(y + off, cap - off,
				"name: lab\ntopology:\n  defaults: {kind: linux, image: a}\n  nodes:\n");
	for (int i = 0; i < TOPO_MAX_NODES; i++)
		off += (size_t)snprintf(y + off, cap - off, "    n%d: {}\n", i);
	parse_ok(y, &t);
	assert_int_equal(t.n_nodes, TOPO_MAX_NODES);
	assert_int_equal(topo_node_index(&t, "n9999"), 9999);
	topo_free(&t);
	snprintf(y + off, cap - off, "    n%d: {}\n", TOPO_MAX_NODES);
	refused(y, TOPO_MAX_NODES + 5, "topology.nodes", "more than 10000 nodes");
	free(y);
}

/* ---- warnings ------------------------------------------------------------------------------ */

static void unknown_keys(void **state)
{
	struct topo t;
	int before;

	(void)state;
	parse_ok("name: lab\n"
		 "debug: true\n"
		 "settings:\n"
		 "  certificate-authority: {key-size: 2048}\n"
		 "  whatever: 1\n"
		 "topology:\n"
		 "  defaults:\n"
		 "    kind: linux\n"
		 "    image: a\n"
		 "    startup-config: cfg.txt\n"
		 "  nodes:\n"
		 "    r1:\n"
		 "      healthcheck: {test: [CMD, true]}\n"
		 "      colour: blue\n"
		 "    r2: {}\n"
		 "    r3: {}\n"
		 "  links:\n"
		 "    - endpoints: [r1:eth1, r2:eth1]\n"
		 "      host-interface: x\n"
		 "      labels: {a: b}\n"
		 "  extra: 1\n",
		 &t);
	warned(FILE_NAME ":2: debug: unknown key, ignored\n");
	warned(FILE_NAME ":10: topology.defaults.startup-config: not supported by brig, ignored\n");
	warned(FILE_NAME ":13: topology.nodes.r1.healthcheck: not supported by brig, ignored\n");
	warned(FILE_NAME ":14: topology.nodes.r1.colour: unknown key, ignored\n");
	warned(FILE_NAME ":19: topology.links[0].host-interface: not a key of this link type");
	warned(FILE_NAME ":21: topology.extra: unknown key, ignored\n");
	/* settings are quiet; defaults' warnings come once, not per node */
	assert_null(strstr(warnings, "settings"));
	assert_int_equal(n_warnings, 6);
	topo_free(&t);

	before = n_warnings;
	parse_ok("name: lab\ntopology:\n  nodes:\n    r1: {kind: linux, image: a, \"x\\ny\": 1}\n", &t);
	assert_int_equal(n_warnings, before + 1);
	warned("topology.nodes.r1.x?y: unknown key"); /* one line */
	topo_free(&t);
}

/* ---- files --------------------------------------------------------------------------------- */

static void write_text(const char *path, const char *text)
{
	struct brig_err e;

	assert_int_equal(write_atomic(path, text, strlen(text), &e), 0);
}

static void env_files_and_load(void **state)
{
	char dir[] = "/tmp/brig-topo-XXXXXX", path[256], link[256], real[256], want[300];
	struct brig_err e = { 0 };
	struct topo t;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_non_null(realpath(dir, real));
	snprintf(path, sizeof(path), "%s/base.env", dir);
	write_text(path, "# a comment\n"
			 "\n"
			 "A=from-file\n"
			 "export B = spaced  # trailing comment\n"
			 "C=\"quoted # kept\"\n"
			 "D='single'\n"
			 "E=env-wins\n");
	snprintf(path, sizeof(path), "%s/lab.clab.yml", dir);
	write_text(path, "name: lab\n"
			 "topology:\n"
			 "  nodes:\n"
			 "    r1:\n"
			 "      kind: linux\n"
			 "      image: a\n"
			 "      env-files: [base.env]\n"
			 "      env: {E: env, F: env}\n"
			 "      binds: [data:/data]\n");
	assert_int_equal(topo_load(path, &t, &e), 0);
	assert_string_equal(t.dir, real);
	snprintf(want, sizeof(want), "%s/lab.clab.yml", real);
	assert_string_equal(t.path, want);
	assert_int_equal(t.nodes[0].n_env, 6);
	assert_string_equal(t.nodes[0].env[0], "A=from-file");
	assert_string_equal(t.nodes[0].env[1], "B=spaced");
	assert_string_equal(t.nodes[0].env[2], "C=quoted # kept");
	assert_string_equal(t.nodes[0].env[3], "D=single");
	assert_string_equal(t.nodes[0].env[4], "E=env");
	assert_string_equal(t.nodes[0].env[5], "F=env");
	snprintf(want, sizeof(want), "%s/data:/data", real);
	assert_string_equal(t.nodes[0].binds[0], want);
	topo_free(&t);

	/* through a symlinked directory: the real one */
	snprintf(link, sizeof(link), "%s/via", dir);
	assert_int_equal(symlink(real, link), 0);
	snprintf(path, sizeof(path), "%s/via/lab.clab.yml", dir);
	assert_int_equal(topo_load(path, &t, &e), 0);
	assert_string_equal(t.dir, real);
	topo_free(&t);

	/* a bad line names the env file and its line */
	snprintf(path, sizeof(path), "%s/base.env", dir);
	write_text(path, "A=1\nthis is no assignment\n");
	snprintf(path, sizeof(path), "%s/lab.clab.yml", dir);
	assert_true(topo_load(path, &t, &e) < 0);
	assert_non_null(strstr(e.msg, ":7: topology.nodes.r1.env-files[0]: "));
	assert_non_null(strstr(e.msg, "base.env:2: not KEY=VALUE"));
	assert_true(all_zero(&t, sizeof(t)));
	write_text(path, "name: lab\ntopology:\n  nodes:\n    r1:\n      kind: linux\n"
			 "      image: a\n      env-files: [missing.env]\n");
	assert_true(topo_load(path, &t, &e) < 0);
	assert_non_null(strstr(e.msg, ":7: topology.nodes.r1.env-files[0]: "));
	assert_non_null(strstr(e.msg, "No such file"));
	write_text(path, "name: lab\ntopology:\n  nodes:\n    r1:\n      kind: linux\n"
			 "      image: a\n      env-files: [/dev/null]\n");
	assert_true(topo_load(path, &t, &e) < 0);
	assert_non_null(strstr(e.msg, "not a regular file"));

	/* missing and oversized files */
	snprintf(path, sizeof(path), "%s/none.yml", dir);
	assert_int_equal(topo_load(path, &t, &e), -ENOENT);
	assert_true(all_zero(&t, sizeof(t)));
	snprintf(path, sizeof(path), "%s/huge.yml", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(ftruncate(fileno(f), (17 << 20)), 0);
	fclose(f);
	assert_int_equal(topo_load(path, &t, &e), -EFBIG);
	assert_non_null(strstr(e.msg, "larger than 16 MiB"));
	assert_int_equal(remove_tree(dir, &e), 0);
}

/* ---- words --------------------------------------------------------------------------------- */

static void words_are(const char *s, const char *const *want)
{
	struct brig_err e = { 0 };
	size_t argc, n = 0;
	char **argv;

	if (topo_split_words(s, &argv, &argc, &e) < 0)
		fail_msg("'%s': %s", s, e.msg);
	while (want[n])
		n++;
	if (argc != n)
		fail_msg("'%s': %zu words, want %zu", s, argc, n);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(argv[i], want[i]);
	assert_null(argv[argc]);
	strv_free(argv);
}

static void split_words(void **state)
{
	struct brig_err e;
	size_t argc;
	char **argv;

	(void)state;
	words_are("sleep infinity", (const char *const[]){ "sleep", "infinity", NULL });
	words_are("  a \t b\n c  ", (const char *const[]){ "a", "b", "c", NULL });
	words_are("", (const char *const[]){ NULL });
	words_are("   ", (const char *const[]){ NULL });
	words_are("sh -c 'echo $HOME > /tmp/x && sleep 9'",
		  (const char *const[]){ "sh", "-c", "echo $HOME > /tmp/x && sleep 9", NULL });
	words_are("ash -c \"echo $MYVAR > /tmp/var\"",
		  (const char *const[]){ "ash", "-c", "echo $MYVAR > /tmp/var", NULL });
	words_are("a\"b c\"'d e'f", (const char *const[]){ "ab cd ef", NULL });
	words_are("\"\" ''", (const char *const[]){ "", "", NULL });
	words_are("a\\ b \\'c", (const char *const[]){ "a b", "'c", NULL });
	words_are("\"a\\\"b\\\\c\\d\\$e\"", (const char *const[]){ "a\"b\\c\\d$e", NULL });
	words_are("'a\\b'", (const char *const[]){ "a\\b", NULL });
	words_are("a \\\nb", (const char *const[]){ "a", "b", NULL });
	words_are("a\\\n", (const char *const[]){ "a", NULL });
	words_are("echo #not-a-comment", (const char *const[]){ "echo", "#not-a-comment", NULL });
	assert_int_equal(topo_split_words("sh -c 'x", &argv, &argc, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "unterminated quote"));
	assert_int_equal(topo_split_words("a \"b", &argv, &argc, &e), -EINVAL);
	assert_int_equal(topo_split_words("a\\", &argv, &argc, &e), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(brief_links, setup, teardown),
		cmocka_unit_test_setup_teardown(extended_links, setup, teardown),
		cmocka_unit_test_setup_teardown(precedence, setup, teardown),
		cmocka_unit_test_setup_teardown(kind_and_group_sources, setup, teardown),
		cmocka_unit_test_setup_teardown(env_expansion, setup, teardown),
		cmocka_unit_test_setup_teardown(relative_binds, setup, teardown),
		cmocka_unit_test_setup_teardown(prefix_naming, setup, teardown),
		cmocka_unit_test_setup_teardown(mgmt_section, setup, teardown),
		cmocka_unit_test_setup_teardown(mgmt_addresses, setup, teardown),
		cmocka_unit_test_setup_teardown(network_modes, setup, teardown),
		cmocka_unit_test_setup_teardown(stages, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_links, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_nodes, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_top, setup, teardown),
		cmocka_unit_test_setup_teardown(yaml_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(yaml_bounds, setup, teardown),
		cmocka_unit_test_setup_teardown(duplicate_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(merge_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(alias_bomb, setup, teardown),
		cmocka_unit_test_setup_teardown(repetition_bomb, setup, teardown),
		cmocka_unit_test_setup_teardown(node_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(unknown_keys, setup, teardown),
		cmocka_unit_test_setup_teardown(env_files_and_load, setup, teardown),
		cmocka_unit_test_setup_teardown(split_words, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
