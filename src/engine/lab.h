/* lab.h - labs from topology files in containerlab's format
 * (src/lab/topo.h, docs/labs.md): deploy one, destroy it (without its file
 * and after any crash), list them, inspect one, run a command on its
 * nodes.  Nothing here prints; the CLI and the API server call these. */
#ifndef BRIG_LAB_H
#define BRIG_LAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include <jansson.h>

#include "ctx.h"
#include "err.h"

#define LAB_NAME_MAX 64

struct lab_up_opts {
	int max_workers;  /* nodes started at once; <= 0: 4 per CPU */
	bool reconfigure; /* a lab of that name that is up: destroy it first */
	/* what the deploy does, a line at a time ("pulling busybox"); may be NULL */
	void (*progress)(void *arg, const char *line);
	void *arg;
};

/* Deploy the lab file describes: management network, bridges, nodes (in
 * dependency order, max_workers at once), links, exec commands.  The file
 * is checked completely before anything is made; the lab's record is
 * written before the first side effect.  name (LAB_NAME_MAX) gets the
 * lab's name.  On failure everything this run made is removed again.
 * -EEXIST when the lab is up already (without reconfigure). */
int lab_up(const struct brig_ctx *c, const char *file, const struct lab_up_opts *o,
	   char *name, struct brig_err *e);

/* Destroy lab ref (its name, or a topology file naming it): its nodes,
 * the bridges and host interfaces it made, its management network when
 * it defined it and nobody else uses it, its record.  Each failure goes
 * to e and the work goes on; -ENOENT when there is no such lab. */
int lab_down(const struct brig_ctx *c, const char *ref, struct brig_err *e);

/* The name of the lab ref means: a file's `name`, or ref itself. */
int lab_resolve(const char *ref, char *name, struct brig_err *e);

/* Every recorded lab's name (strv_free). */
int lab_names(const struct brig_ctx *c, char ***names, struct brig_err *e);

/* One lab as `lab ls` shows it. */
struct lab_summary {
	char name[LAB_NAME_MAX];
	char state[16]; /* "running", "deploying" (or crashed while it was) */
	size_t nodes, running; /* container nodes, and how many of them run */
	char file[4096];
};

/* Every lab, sorted by name.  *v malloc'd. */
int lab_list(const struct brig_ctx *c, struct lab_summary **v, size_t *n, struct brig_err *e);

/* The document of lab name: {"name", "file", "state", "mgmt": {"network",
 * "subnet", "subnet6" ("" without IPv6)}, "nodes": [{"name", "container",
 * "kind", "image", "group", "state", "ipv4", "ipv6" (management
 * addresses, "" without), "interfaces": [{"name", "peer", "ipv4", "ipv6",
 * "type"}]}], "links": [{"type", "mtu", "a": END, "b": END}]} (END:
 * {"node", "interface", "ipv4", "ipv6", "netem"}).  A new reference in *doc. */
int lab_inspect(const struct brig_ctx *c, const char *name, json_t **doc, struct brig_err *e);

/* `lab link LAB A:IF B:IF down|up`: take the link between those two ends
 * down like a pulled cable (nothing passes either way; both interfaces,
 * their addresses and routes stay: lab_link.c says how), or put it back.
 * Either order of the ends; -ENOENT when the lab has no such link. */
int lab_link_set(const struct brig_ctx *c, const char *lab, const char *end_a, const char *end_b,
		 bool up, struct brig_err *e);

/* One node's part of `lab exec`. */
struct lab_exec_out {
	const char *node, *container;
	int status;	    /* the command's exit status per the contract */
	const char *output; /* stdout and stderr, interleaved as written */
	size_t len;
	const char *error;  /* brig's own failure, or NULL */
};

/* Run argv on every container node of lab name (only those in filter,
 * a NULL-terminated list of node names, when it is not NULL), one node
 * after the other; each result goes to each.  Returns the number of nodes
 * where it failed (status not 0), or negative when the lab is unknown or
 * filter names no node of it. */
int lab_exec(const struct brig_ctx *c, const char *name, char *const *filter, char *const *argv,
	     void (*each)(void *arg, const struct lab_exec_out *out), void *arg,
	     struct brig_err *e);

/* ---- probes (lab_probe.c): pingall and perf, from inside the nodes'
 * network namespaces (nsexec.h), so the images need no ping or iperf3 ---- */

/* One (pinging node, address of another node) of `lab pingall`. */
struct lab_ping {
	size_t from, to;   /* indexes into lab_pingall's nodes */
	char ifname[16];   /* to's interface holding addr */
	uint32_t addr;     /* network order (!v6) */
	bool v6;           /* an IPv6 address of to's: addr6 */
	struct in6_addr addr6;
	unsigned sent, received;
	double rtt_min, rtt_avg, rtt_max; /* ms */
};

struct lab_pingall {
	char (*nodes)[LAB_NAME_MAX]; /* the lab's container nodes, in record order */
	char **errors;               /* per node: why it could not take part, or NULL */
	size_t n_nodes;
	struct lab_ping *pings;      /* from-major, in the order of to's addresses */
	size_t n_pings;
	unsigned sent, received;     /* over every pair */
};

struct lab_pingall_opts {
	unsigned count;       /* echo requests per address (default 3) */
	unsigned interval_ms; /* between them (default 200) */
	unsigned timeout_ms;  /* for the last replies (default 1000) */
};

/* Every container node of lab name pings every IPv4 and IPv6 address but
 * link-local ones (data links and management; what the nodes' interfaces
 * hold now) of every other
 * node, all nodes at once, one helper in each node's namespace.  A node
 * that cannot take part (not running) is named in errors and its pairs
 * count as lost.  Free with lab_pingall_free. */
int lab_pingall(const struct brig_ctx *c, const char *name, const struct lab_pingall_opts *o,
		struct lab_pingall *res, struct brig_err *e);
void lab_pingall_free(struct lab_pingall *res);

struct lab_perf_opts {
	unsigned seconds;   /* default 5 */
	bool udp;
	uint64_t rate;      /* UDP: bits/s (required) */
	const char *address; /* the receiver's address (v4 or v6); NULL: chosen (below) */
	bool ipv6;           /* choose an IPv6 address (below) */
};

struct lab_perf {
	char from[LAB_NAME_MAX], to[LAB_NAME_MAX];
	char address[48];    /* the receiver's, dotted or RFC 5952 */
	bool udp;
	unsigned seconds;
	uint64_t bytes;      /* as the receiver counted them */
	double bits_per_sec; /* the receiver's */
	uint32_t retransmits; /* TCP: the sender's */
	double rtt_ms;        /* TCP: the sender's smoothed RTT */
	uint64_t datagrams, lost; /* UDP: the receiver's */
	uint64_t sent_datagrams;  /* UDP: the sender's */
	double jitter_ms;         /* UDP */
};

/* Throughput from node a to node b of lab name: a receiver in b's
 * namespace, a sender in a's, brig's own (net/probe.h).  The receiver
 * listens on the address of b's end of a link between a and b when there
 * is one and it holds an IPv4 address (IPv6 with o->ipv6), else on b's
 * management address of that family. */
int lab_perf(const struct brig_ctx *c, const char *name, const char *a, const char *b,
	     const struct lab_perf_opts *o, struct lab_perf *res, struct brig_err *e);

#endif
