/* topo.h - a lab's topology file, in containerlab's format, read and
 * checked completely before anything is created (docs/labs.md).
 *
 *   name: LAB
 *   prefix: clab | "" | __lab-name | OTHER        (optional)
 *   mgmt: {network, ipv4-subnet, ipv4-gw, ipv6-subnet, mtu, bridge,
 *          external-access}
 *   topology:
 *     defaults: NODE-KEYS     kinds: {KIND: NODE-KEYS}
 *     groups: {GROUP: NODE-KEYS}
 *     nodes: {NODE: NODE-KEYS}
 *     links:
 *       - endpoints: ["r1:eth1", "r2:eth1"]                 (brief)
 *       - type: veth                                          (extended)
 *         endpoints: [{node, interface, mac, ipv4, ipv6}, ...]
 *         mtu: 9500
 *       - type: mgmt-net | host          endpoint: {node, interface, mac}
 *         host-interface: IFNAME
 *       - type: dummy                    endpoint: {node, interface, mac}
 *   settings: ...                                             (ignored)
 *
 * A node's value of a key is the most specific one given: defaults, then
 * its kind's, then its group's, then its own; env, labels, binds and
 * sysctls merge instead (the more specific entry of a key, or of a bind's
 * target, wins).  ${VAR} and ${VAR:=default} in any scalar expand from the
 * environment.  libyaml reads the file; the parser is pure apart from
 * getenv and reading env-files, and is fuzzed (tests/fuzz/fuzz_topo.c).
 *
 * Every error names the file, the line and the key:
 *   "lab.clab.yml:12: topology.nodes.r1.kind: kind 'srl' is not supported
 *    (brig runs linux and bridge nodes)"
 * Unknown keys are warnings (brig_warn), in the same form. */
#ifndef BRIG_LAB_TOPO_H
#define BRIG_LAB_TOPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define TOPO_MAX_NODES 10000
#define TOPO_IFNAME_MAX 16 /* Linux: 15 bytes and the NUL */
/* endpoint node index of "host" (host:IFNAME, type: host): the host's
 * network namespace, not a node of the file */
#define TOPO_HOST ((size_t)-1)
#define TOPO_DEFAULT_MTU 9500 /* data links, as containerlab */
#define TOPO_DEFAULT_MGMT_NETWORK "clab"
#define TOPO_DEFAULT_MGMT_SUBNET "172.20.20.0/24"

enum topo_kind {
	TOPO_KIND_LINUX,  /* a container */
	TOPO_KIND_BRIDGE, /* a Linux bridge on the host named after the node */
	TOPO_KIND_HOST,   /* the host itself, only as a link endpoint */
};

/* One node, with defaults, kinds and groups already folded in. */
struct topo_node {
	char *name; /* as written: a valid container name, ≤ 63 bytes */
	int line;   /* where it is declared */
	enum topo_kind kind;
	char *group;			    /* NULL: none */
	char *image;			    /* linux: required */
	char *cmd, *entrypoint, *user;	    /* NULL: the image's */
	/* NULL: the management network (eth0); else "none", "host" or
	 * "container:NAME" as written */
	char *network_mode;
	/* index of the node network_mode "container:NAME" names, TOPO_HOST
	 * when NAME is no node of the file (an existing container) */
	size_t net_container;
	uint32_t mgmt_ipv4;		    /* 0: leased */
	/* "KEY=VALUE" each, merged, sorted by key: env (env-files first,
	 * then env), labels, sysctls */
	char **env, **labels, **sysctls;
	size_t n_env, n_labels, n_sysctls;
	/* "SRC:DST[:OPTS]", merged by DST; a relative SRC is made absolute
	 * against the topology file's directory */
	char **binds;
	size_t n_binds;
	char **exec;			    /* commands run after the links, in order */
	size_t n_exec;
	char **cap_add;
	size_t n_cap_add;
	char **ports;			    /* as written ("8080:80/tcp") */
	size_t n_ports;
	bool privileged;		    /* default true for linux nodes */
	char *memory, *cpu, *cpu_set;	    /* as written; NULL: no limit */
	unsigned startup_delay;		    /* seconds */
	size_t *wait_for;		    /* stages.*.wait-for: node indexes */
	size_t n_wait_for;
};

enum topo_link_type {
	TOPO_LINK_VETH,	    /* two endpoints: node, host or bridge ends */
	TOPO_LINK_MGMT_NET, /* one endpoint; its peer host-interface on the
			     * management network's bridge */
	TOPO_LINK_HOST,	    /* one endpoint; its peer host-interface in the host */
	TOPO_LINK_DUMMY,    /* one endpoint: a dummy interface in the node */
};

struct topo_endpoint {
	size_t node; /* index into nodes, or TOPO_HOST */
	char ifname[TOPO_IFNAME_MAX];
	bool has_mac;
	uint8_t mac[6];
	uint32_t ipv4; /* 0: none */
	int ipv4_prefix;
	char *ipv6;    /* as written; NULL: none (IPv6 comes later: a warning) */
};

struct topo_link {
	int line;
	enum topo_link_type type;
	/* a: the node end.  b: the other end of a veth; of mgmt-net and host
	 * links, b.node is TOPO_HOST and b.ifname the host-interface; unused
	 * for dummy. */
	struct topo_endpoint a, b;
	int mtu; /* TOPO_DEFAULT_MTU unless given */
};

struct topo_mgmt {
	char *network;	   /* default "clab" */
	uint32_t subnet;   /* default 172.20.20.0/24 */
	int prefix;
	uint32_t gateway;  /* 0: the subnet's first host */
	char *bridge;	   /* NULL: brig's default for the network */
	char *ipv6_subnet; /* as written; NULL: none */
	int mtu;	   /* 0: brig's default */
	bool external_access; /* default true; false: an internal network */
	bool subnet_given;     /* ipv4-subnet was in the file */
};

struct topo {
	char *path; /* absolute path of the file */
	char *dir;  /* its directory (relative binds resolve here) */
	char *name;
	/* NULL: not given ("clab"); "" and "__lab-name" as containerlab */
	char *prefix;
	struct topo_mgmt mgmt;
	struct topo_node *nodes;
	size_t n_nodes;
	struct topo_link *links;
	size_t n_links;
};

/* Read and check the topology file at path (made absolute) into *t
 * (zeroed first).  On failure t is left empty and e names file, line and
 * key. */
int topo_load(const char *path, struct topo *t, struct brig_err *e);

/* topo_load's work on a buffer already read: path is only what messages
 * and relative binds use (its directory).  For tests and the fuzzer. */
int topo_parse(const char *buf, size_t len, const char *path, struct topo *t,
	       struct brig_err *e);

void topo_free(struct topo *t);

/* The index of node name, or -1. */
long topo_node_index(const struct topo *t, const char *name);

/* The container name of node n per the lab's prefix: "clab-LAB-NODE" by
 * default, "NODE" for prefix "", "LAB-NODE" for "__lab-name", and
 * "PREFIX-LAB-NODE" for any other.  -ENAMETOOLONG (e) past len. */
int topo_container_name(const struct topo *t, const struct topo_node *n, char *buf,
			size_t len, struct brig_err *e);

/* Split a command line as a POSIX shell would split words, without
 * running one: quotes ('…' and "…" with \ escapes), backslashes; no
 * expansion.  *argv is a NULL-terminated malloc'd vector (strv_free).
 * An unterminated quote is an error. */
int topo_split_words(const char *s, char ***argv, size_t *argc, struct brig_err *e);

#endif
