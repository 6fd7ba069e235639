/* topo.h - a lab's topology file, in containerlab's format, read and
 * checked completely before anything is created (docs/labs.md).
 *
 *   name: LAB
 *   prefix: clab | "" | __lab-name | OTHER        (optional)
 *   mgmt: {network, ipv4-subnet, ipv4-gw, ipv6-subnet, ipv6-gw, mtu, bridge,
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
 * target, wins), and exec, cap-add and stages' wait-for add up (as
 * containerlab merges them).  A node's kind is its own, else its group's,
 * else the defaults' group's, else the defaults'; its group its own, else
 * its kind's, else the defaults' (containerlab's order).  ${VAR},
 * ${VAR:=default} and the shell's other ${VAR<op>word} forms in any
 * scalar expand from the environment (after YAML parsing: a value never
 * becomes YAML); an unset ${VAR} is "", "$${" is a literal "${".  libyaml
 * reads the file (src/lab/ydoc.c adds duplicate-key checks, merge keys and
 * alias bounds); the parser is pure apart from getenv and reading
 * env-files, and is fuzzed (tests/fuzz/fuzz_topo.c).
 *
 * Every error names the file (as given to topo_load or topo_parse), the
 * line and the key, and is one line:
 *   "lab.clab.yml:12: topology.nodes.r1.kind: kind 'srl' is not supported
 *    (brig runs linux and bridge nodes)"
 *   "lab.clab.yml:30: topology.links[3].endpoints[1]: unknown node 'r9'"
 * (a YAML syntax error has no key: "lab.clab.yml:7: YAML: ...").  Keys
 * brig does not know or does not support are warnings (brig_warn), in the
 * same form: "...: topology.nodes.r1.healthcheck: not supported by brig,
 * ignored".  IPv6 is configured as containerlab does it: an endpoint's
 * ipv6 on its interface, mgmt.ipv6-subnet (3fff:172:20:20::/64 when the
 * file gives neither ipv4-subnet nor ipv6-subnet: ipv6_implicit) and a node's mgmt-ipv6
 * on the management network (docs/labs.md, "IPv6"). */
#ifndef BRIG_LAB_TOPO_H
#define BRIG_LAB_TOPO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "err.h"
#include "netem.h"

#define TOPO_MAX_NODES 10000
#define TOPO_IFNAME_MAX 16 /* Linux: 15 bytes and the NUL */
/* endpoint node index of "host" (host:IFNAME, type: host): the host's
 * network namespace, not a node of the file */
#define TOPO_HOST ((size_t)-1)
#define TOPO_DEFAULT_MTU 9500 /* data links, as containerlab */
#define TOPO_DEFAULT_MGMT_NETWORK "clab"
#define TOPO_DEFAULT_MGMT_SUBNET "172.20.20.0/24"
/* containerlab's: in 3fff::/20, IPv6's documentation prefix (RFC 9637),
 * which no one routes: a lab's own addresses never collide with real ones */
#define TOPO_DEFAULT_MGMT_SUBNET6 "3fff:172:20:20::/64"

enum topo_kind {
	TOPO_KIND_LINUX,  /* a container */
	TOPO_KIND_BRIDGE, /* a Linux bridge on the host named after the node */
	TOPO_KIND_HOST,   /* the host itself, only as a link endpoint */
};

/* One node, with defaults, kinds and groups already folded in.  Every
 * string vector below is NULL when empty, else NULL-terminated as well
 * (strv_free-able).  A bridge or host node keeps only name, line, kind,
 * group and labels: what defaults give containers is dropped. */
struct topo_node {
	char *name; /* as written: a valid container name, ≤ 63 bytes; a
		     * linux node's topo_container_name fits 63 bytes too */
	int line;   /* where it is declared */
	enum topo_kind kind;
	char *group;			    /* NULL: none */
	char *image;			    /* linux: required */
	char *cmd, *entrypoint, *user;	    /* NULL: the image's; cmd and
					     * entrypoint as topo_split_words
					     * takes them */
	/* NULL: the management network (eth0); else "none", "host" or
	 * "container:NAME" as written */
	char *network_mode;
	/* index of the node network_mode "container:NAME" names (a linux
	 * node), TOPO_HOST when NAME is no node of the file (an existing
	 * container) or network_mode is not container:NAME */
	size_t net_container;
	uint32_t mgmt_ipv4;		    /* 0: leased; else inside the subnet, not
					     * the gateway, one node's, and never
					     * with network_mode */
	bool has_mgmt_ipv6;		    /* mgmt-ipv6: a fixed IPv6 address in */
	struct in6_addr mgmt_ipv6;	    /* the management v6 subnet, as mgmt_ipv4 */
	/* "KEY=VALUE" each, merged, sorted by key: env (env-files first,
	 * then env), labels, sysctls */
	char **env, **labels, **sysctls;
	size_t n_env, n_labels, n_sysctls;
	/* "SRC:DST[:OPTS]", merged by DST and sorted by it (a mount comes
	 * before those inside it); a relative SRC is made absolute against
	 * the topology file's directory */
	char **binds;
	size_t n_binds;
	char **exec;			    /* commands run after the links, in order
					     * (defaults' first), each one that
					     * topo_split_words takes */
	size_t n_exec;
	char **cap_add;			    /* each once, in order of appearance */
	size_t n_cap_add;
	char **ports;			    /* as written ("8080:80/tcp") */
	size_t n_ports;
	bool privileged;		    /* default true for linux nodes */
	char *memory, *cpu, *cpu_set;	    /* as written; NULL: no limit */
	unsigned startup_delay;		    /* seconds */
	/* stages.*.wait-for: node indexes, ascending, each once (the stage
	 * named is not kept: brig orders whole nodes).  The node starts
	 * after these and after net_container; no cycle runs through them */
	size_t *wait_for;
	size_t n_wait_for;
};

enum topo_link_type {
	TOPO_LINK_VETH,	    /* two endpoints: node, host or bridge ends */
	TOPO_LINK_MGMT_NET, /* one endpoint; its peer host-interface on the
			     * management network's bridge */
	TOPO_LINK_HOST,	    /* one endpoint; its peer host-interface in the host */
	TOPO_LINK_DUMMY,    /* one endpoint: a dummy interface in the node */
};

/* Interfaces are created once: no two endpoints name the same
 * ifname in one network namespace (a node's, shared through
 * network-mode container:, or the host's, where host ends, bridge
 * ports and host-interfaces all live). */
struct topo_endpoint {
	/* index into nodes (a linux or bridge node: a bridge's end is a port
	 * named ifname on that bridge), or TOPO_HOST ("host:IFNAME", an
	 * endpoint on a kind: host node, a host-interface) */
	size_t node;
	char ifname[TOPO_IFNAME_MAX];
	bool has_mac;
	uint8_t mac[6];
	uint32_t ipv4; /* 0: none; else a host address of its /ipv4_prefix */
	int ipv4_prefix; /* 1..32 */
	bool has_ipv6; /* ipv6: an address of the interface (added NODAD) */
	struct in6_addr ipv6; /* a unicast address: not ::, ::1, multicast, v4-mapped */
	int ipv6_prefix;      /* 1..128 */
	/* What leaves this end (its egress): the link's netem: and the
	 * endpoint's own netem: (which wins, key by key). */
	struct netem_params netem;
};

struct topo_link {
	int line;
	enum topo_link_type type;
	/* a: the node end (of a veth, the container end when it has one:
	 * "host:IFNAME" written first is swapped; a veth's two ends are
	 * never the same node).  b: the other end of a veth; of mgmt-net and
	 * host links, b.node is TOPO_HOST and b.ifname the host-interface;
	 * unused for dummy.  A brief "host:IFNAME" end makes a veth with
	 * b.node TOPO_HOST; a brief "mgmt-net:IFNAME" end a mgmt-net link.
	 * mgmt-net, host and dummy links' a is a linux node. */
	struct topo_endpoint a, b;
	int mtu; /* TOPO_DEFAULT_MTU unless given; 68..65535 */
};

struct topo_mgmt {
	char *network;	   /* default "clab" (ipv4_subnet and ipv6_subnet,
			    * containerlab's old spellings, are read too) */
	uint32_t subnet;   /* default 172.20.20.0/24 */
	int prefix;
	uint32_t gateway;  /* 0: the subnet's first host */
	char *bridge;	   /* NULL: brig's default for the network */
	bool ipv6;	   /* dual stack: ipv6-subnet given, or neither subnet given */
	struct in6_addr subnet6; /* default 3fff:172:20:20::/64 (a /64../120) */
	int prefix6;
	struct in6_addr gateway6; /* ipv6-gw; ::: the subnet's ::1 */
	bool subnet6_given;	  /* ipv6-subnet was in the file */
	bool ipv6_implicit;	  /* ipv6 only because neither subnet was given:
				   * the engine keeps it when the host's
				   * default is dual stack (BRIG_DEFAULT_IPV6) */
	int mtu;	   /* 0: brig's default */
	bool external_access; /* default true; false: an internal network */
	bool subnet_given;     /* ipv4-subnet was in the file (not "auto") */
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

/* Read and check the topology file at path (at most 16 MiB; -EFBIG) into
 * *t (zeroed first); t->dir is the realpath of its directory.  On failure
 * t is left empty (nothing to free) and e names file, line and key. */
int topo_load(const char *path, struct topo *t, struct brig_err *e);

/* topo_load's work on a buffer already read: path is only what messages
 * and relative binds use (its directory, made absolute against the working
 * directory; the file need not exist).  For tests and the fuzzer. */
int topo_parse(const char *buf, size_t len, const char *path, struct topo *t,
	       struct brig_err *e);

void topo_free(struct topo *t);

/* The index of node name, or -1 (a linear search). */
long topo_node_index(const struct topo *t, const char *name);

/* The container name of node n per the lab's prefix: "clab-LAB-NODE" by
 * default, "NODE" for prefix "", "LAB-NODE" for "__lab-name", and
 * "PREFIX-LAB-NODE" for any other.  -ENAMETOOLONG (e) past len. */
int topo_container_name(const struct topo *t, const struct topo_node *n, char *buf,
			size_t len, struct brig_err *e);

/* Split a command line as a POSIX shell would split words, without
 * running one: quotes ('…' and "…" with \ escapes), backslashes; no
 * expansion, '#' is no comment.  *argv is a NULL-terminated malloc'd
 * vector (strv_free), empty for a blank s.  An unterminated quote or a
 * trailing backslash is an error. */
int topo_split_words(const char *s, char ***argv, size_t *argc, struct brig_err *e);

#endif
