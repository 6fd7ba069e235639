/* spec.h - a container's record, typed: its spec (what `brig run` asked
 * for, and what <root>/containers/<id>/config.json keeps of it) and its
 * state (state.json).  spec.c holds the one JSON codec of each; nothing
 * else reads the record's JSON by key.
 *
 * Memory: a spec filled by the CLI borrows its strings (argv) and owns
 * nothing (owned false).  spec_from_json allocates every string and string
 * array it sets (owned true) and spec_free releases them; spec_free of a
 * borrowed spec does nothing.  The state holds no pointers (fixed arrays),
 * so it needs no freeing and copies by assignment. */
#ifndef BRIG_SPEC_H
#define BRIG_SPEC_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>
#include <sys/types.h>

#include "cgroup.h"
#include "idmap.h"
#include "err.h"
#include "mountspec.h"
#include "netspec.h"
#include "portspec.h"
#include "secopt.h"
#include "util.h"

#define MAX_NETS 8

/* What `brig run` asks for, validated. */
struct container_spec {
	const char *name, *hostname, *workdir, *user, *image, *ip, *mac, *cgroup_parent;
	const char *ip6; /* --ip6: like ip (not stored, folded into nets[0]) */
	const char *entrypoint; /* NULL: none given */
	char **env, **sysctls, **argv, **dns, **dns_search, **dns_opts, **add_hosts;
	size_t n_env, n_sysctls, n_dns, n_dns_search, n_dns_opts, n_add_hosts;
	struct net_attach nets[MAX_NETS]; /* the first: eth0; none given: "bridge" */
	size_t n_nets;
	uint64_t cap_add, cap_drop;
	bool rm, detach, interactive, tty, init;
	bool privileged; /* ["privileged"], written only when true: the host's
			  * capabilities, devices, writable /proc/sys and /sys */
	/* ["labels"], an object {KEY: VALUE} written only when there is a
	 * label: "KEY=VALUE" strings (labels.h), the image's merged in by
	 * container_create as Docker's.  Borrowed from the CLI as env. */
	char **labels;
	size_t n_labels;
	struct cgroup_limits limits;

	/* What the record keeps beyond the options (config.json's keys in
	 * brackets).  ip and mac are not stored: they were folded into
	 * nets[0] when run validated them. */
	char id[BRIG_ID_LEN + 1];	/* ["id"]; "" until state_create */
	char image_id[BRIG_ID_LEN + 1]; /* ["image_id"]; "" for a ROOTFS-DIR */
	const char *rootfs;		/* ["rootfs"]: the lower layer */
	char created[40];		/* ["created"], RFC 3339 */
	/* ["cmd"]: the command as stored, entrypoint then argv, NULL
	 * terminated.  NULL: spec_to_json builds it from entrypoint and argv.
	 * spec_from_json sets it, and argv points into it (past the
	 * entrypoint when cmd starts with it). */
	char **cmd;
	size_t n_cmd;
	/* ["image_config"]: the image's config as it was at creation
	 * (Labels, ExposedPorts, StopSignal...); NULL: none (a ROOTFS-DIR).
	 * Entrypoint, Cmd, Env, WorkingDir and User are already folded into
	 * cmd, env, workdir and user by container_create. */
	json_t *image_config;
	bool owned; /* set by spec_from_json: the pointers are its own */

	/* mounts (-v, --mount, --tmpfs, --read-only): config.json's "mounts"
	 * (written when there is one) and "read_only" (written when true).
	 * The mounts' strings are always malloc'd: spec_lists_free frees
	 * them for a spec the CLI filled, spec_free for an owned one. */
	struct mount_spec *mounts;
	size_t n_mounts;
	bool read_only; /* the root filesystem is mounted read-only */
	/* end of mounts */

	/* --security-opt: config.json's "security_opt", the canonical strings
	 * of what differs from the defaults (secopt_strings), written only
	 * when there is one; read back through secopt_parse, a value this
	 * version does not know left out. */
	struct security_opts security;
	/* ["userns"], written only when set: {"auto": bool, "uid_map":
	 * [[IN, OUT, COUNT]...], "gid_map": [...]}; --userns=auto's maps are
	 * allocated by container_create (userns_ctl.h) */
	struct userns_maps userns;
	/* ["publish"]: -p values as given (portspec_parse checked them),
	 * ["publish_all"]: -P; each written only when set.  publish is
	 * borrowed from the CLI as env. */
	char **publish;
	size_t n_publish;
	bool publish_all;
};

/* What a container's state says; CONTAINER_UNKNOWN: no "status" (or one
 * this version does not know: it is not written back). */
enum container_status { CONTAINER_UNKNOWN, CONTAINER_CREATED, CONTAINER_RUNNING, CONTAINER_EXITED };

/* One bridge network the container is attached to: an element of
 * state.json's "networks". */
struct container_net {
	char network[NETSPEC_MODE_MAX];
	uint32_t address; /* 0: none (a network without IPAM), written "" */
	int prefix;
	uint32_t gateway; /* 0: none (--no-gateway), written "" */
	uint8_t mac[6];
	char interface[16];	 /* ethN inside */
	char host_interface[16]; /* the veth's host end */
	bool default_route;	 /* the default route goes via this network */
	/* dual-stack networks: written as "address6", "prefix6", "gateway6"
	 * and "default_route6" only when has6 */
	bool has6, default_route6;
	struct in6_addr address6, gateway6; /* gateway6 :: without a gateway */
	int prefix6;
	size_t n_aliases;
	char aliases[NETSPEC_ALIASES][64];
};

/* state.json.  Keys are written only when they were (so a record reads
 * back and writes again unchanged): "pid" and "starttime" when pid is not
 * 0; "owner" and "owner_starttime" when owner is not 0; "started",
 * "finished" when not empty; "exit_code", "signal" and "oom_killed" when
 * has_exit (a record reconciled by an older version, with "exit_code"
 * alone, gains "signal": 0 and "oom_killed": false); "networks" and
 * "hosts_shared" when has_networks (bridge networks; a record with
 * "networks" but no "hosts_shared" gains "hosts_shared": false). */
struct container_state {
	enum container_status status;
	pid_t pid;			     /* the container's init */
	unsigned long long starttime;	     /* its start time (recycled pids) */
	pid_t owner;			     /* the brig process that waits for it */
	unsigned long long owner_starttime;
	char started[40], finished[40];	     /* RFC 3339 */
	bool has_exit;
	int exit_code, signal;
	bool oom_killed;
	bool has_networks, hosts_shared;
	size_t n_nets;
	struct container_net nets[MAX_NETS];
	/* "ports", written only when there is one: the ports published for
	 * this run, [{host_ip, host_port, address, port, proto}] */
	size_t n_ports;
	struct port_binding ports[PORTSPEC_BINDINGS_MAX];
};

/* config.json for s: a new reference, or NULL when out of memory.  The
 * keys and types the record has always had; no "networks" given is
 * written as given (run always fills in the default). */
json_t *spec_to_json(const struct container_spec *s);

/* Fill s (zeroed first, owned) from a config.json object.  Records of
 * older versions read too: "networks" as plain names with a top-level "ip"
 * for the first (written back as objects, without "ip"); no networks at
 * all read as the default network; no "mounts" as none (a mount of a type
 * this version does not know is left out), no "labels" as none, no
 * "privileged" as false.  Always-written strings (image, rootfs,
 * workdir, user, cgroup_parent, name) read as "" when missing; hostname
 * and entrypoint as NULL.  Wrongly typed keys read as missing.  Fails
 * (EINVAL, ENOMEM) only when j is no object or memory runs out; s is then
 * safe to spec_free. */
int spec_from_json(json_t *j, struct container_spec *s, struct brig_err *e);

/* Release what spec_from_json allocated (nothing for a borrowed spec), and
 * leave s zeroed. */
void spec_free(struct container_spec *s);

/* state.json for st: a new reference, or NULL when out of memory. */
json_t *spec_state_to_json(const struct container_state *st);

/* Fill st (zeroed first) from a state.json object; fails (EINVAL) only
 * when j is no object.  Aliases beyond NETSPEC_ALIASES and networks beyond
 * MAX_NETS are dropped. */
int spec_state_from_json(json_t *j, struct container_state *st, struct brig_err *e);

/* "created", "running", "exited"; "unknown" for CONTAINER_UNKNOWN. */
const char *spec_status_name(enum container_status s);

#endif
