/* topo_int.h - what topo.c, topo_node.c and topo_link.c share while one
 * file is parsed: the context, the message helpers, the node-key levels.
 * Private to src/lab. */
#ifndef BRIG_LAB_TOPO_INT_H
#define BRIG_LAB_TOPO_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "topo.h"
#include "ydoc.h"

#define KEY_PATH_MAX 320

/* The node keys brig honours, one slot each in a level. */
enum nkey {
	NK_KIND,
	NK_GROUP,
	NK_IMAGE,
	NK_CMD,
	NK_ENTRYPOINT,
	NK_USER,
	NK_NETWORK_MODE,
	NK_MGMT_IPV4,
	NK_MGMT_IPV6,
	NK_ENV,
	NK_ENV_FILES,
	NK_LABELS,
	NK_SYSCTLS,
	NK_BINDS,
	NK_EXEC,
	NK_CAP_ADD,
	NK_PORTS,
	NK_PRIVILEGED,
	NK_MEMORY,
	NK_CPU,
	NK_CPU_SET,
	NK_STARTUP_DELAY,
	NK_STAGES,
	NK_COUNT
};

/* One entry of a map-like node value (env, labels, sysctls, binds): key,
 * the whole "KEY=VALUE" (or bind) string, and its rank when levels merge. */
struct mitem {
	char *key, *s;
	int cls;    /* env: 0 from env-files, 1 from env (env wins) */
	size_t seq; /* later (more specific) wins */
};

struct mlist {
	struct mitem *v;
	size_t n, cap;
};

/* One block of node keys: defaults, a kind's, a group's or a node's. */
struct level {
	char path[KEY_PATH_MAX]; /* "topology.groups.routers" */
	char *name;		 /* the kind's, group's or node's name; NULL: defaults */
	int line;
	size_t weight;			 /* of its values: what applying it costs */
	const struct ynode *v[NK_COUNT]; /* NULL: not given (or null) */
	struct mlist envfile;		 /* its env-files, read once */
};

/* The parse's index of node names, sorted by name. */
struct nidx {
	const char *name;
	size_t i;
};

struct pctx {
	const char *file; /* as given: every message starts with it */
	const char *dir;  /* absolute: relative binds and env-files */
	struct topo *t;
	struct brig_err *e;
	bool quiet;	   /* a level applied again: its warnings were given */
	uint32_t mgmt_gw;  /* the gateway in effect (t->mgmt.gateway may be 0) */
	size_t budget;	   /* nodes of levels inherited, against repetition bombs */
	struct level defaults;
	struct level *kinds, *groups, *own; /* own: one per node */
	size_t n_kinds, n_groups, n_own;
	const struct level **kind_of, **group_of; /* per node, NULL: none */
	struct nidx *idx;
};

/* "FILE:LINE: PATH: what" into c->e; returns -EINVAL. */
int perr(struct pctx *c, int line, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* The same words as a warning (brig_warn), unless c->quiet. */
void pwarn(struct pctx *c, int line, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* parent + "." + key (key cut at 64 bytes) into out. */
void key_path(char *out, const char *parent, const char *key);
/* parent + "[i]" into out. */
void index_path(char *out, const char *parent, size_t i);

/* Type checks: -EINVAL with "expected a map, got a list" and the like. */
int want_map(struct pctx *c, const struct ynode *v, const char *path);
int want_seq(struct pctx *c, const struct ynode *v, const char *path);
int want_str(struct pctx *c, const struct ynode *v, const char *path);

/* YAML 1.1 booleans (true/false, yes/no, on/off in three cases). */
int get_bool(struct pctx *c, const struct ynode *v, const char *path, bool *out);
/* A decimal integer within [min, max]. */
int get_int(struct pctx *c, const struct ynode *v, const char *path, long min, long max,
	    long *out);


/* The index of node name (binary search in the parse's sorted index), or -1. */
long node_find(const struct pctx *c, const char *name);

/* An interface's IPv6 address "ADDR/N" (net_parse_addr_prefix6: no zone
 * id, no v4-mapped or dotted form), a unicast one: not ::, ::1 or
 * multicast; with N < 127, not its subnet's router anycast (ADDR::0). */
int get_ipv6_addr(struct pctx *c, const struct ynode *v, const char *path, struct in6_addr *a,
		  int *prefix);

/* Walk map m (a map, else -EINVAL): the value of each of the n keys
 * goes to vals[i] (and the key to keys[i], if keys), in the order of the
 * table; any other key is a warning: "not supported, ignored" when it is
 * in unsupported (NULL-terminated, may be NULL), else "unknown key". */
int map_slots(struct pctx *c, const struct ynode *m, const char *path, const char *const *names,
	      size_t n, const char *const *unsupported, const struct ynode **vals,
	      const struct ynode **keys);

/* The warning for key k of a map at path that no table has. */
void unknown_key(struct pctx *c, const struct ynode *k, const char *path,
		 const char *const *unsupported);

/* A growing NULL-terminated string vector; push takes s (freed on failure). */
struct svec {
	char **v;
	size_t n, cap;
};
int svec_push(struct svec *v, char *s);
void svec_free(struct svec *v);

/* topo_node.c: parse a level (keys checked, unknown ones warned about,
 * env-files read); fold defaults, kind, group and node into every
 * node of c->t; then the checks between nodes. */
int levels_parse(struct pctx *c, const struct ynode *defaults, int defaults_line,
		 const struct ynode *kinds, const struct ynode *groups);
int nodes_parse(struct pctx *c, const struct ynode *nodes);
void levels_free(struct pctx *c);

/* Free what node n holds (topo_free's work for one node). */
void node_release(struct topo_node *n);

/* topo_link.c: topology.links into c->t->links. */
int links_parse(struct pctx *c, const struct ynode *links, const char *path);

/* mlist: add (taking key and s, freed on failure), free, and hand over
 * as a NULL-terminated vector sorted by key, one entry a key (the highest
 * cls, then seq). */
int mlist_add(struct mlist *l, char *key, char *s, int cls, size_t seq);
void mlist_free(struct mlist *l);
int mlist_take(struct mlist *l, char ***out, size_t *n);

#endif
