/* ydoc.h - a YAML document as a tree of nodes with their lines, for the
 * topology parser (topo.c).  libyaml reads the text (and checks UTF-8);
 * ydoc.c builds the tree and adds what libyaml leaves to its callers:
 *
 *   - duplicate mapping keys are refused (libyaml accepts them);
 *   - merge keys ("<<: *anchor", "<<: [*a, *b]") are folded in: keys
 *     written in the mapping win, then the first source that has a key;
 *   - aliases share their anchor's node, and the whole document is
 *     bounded as if every alias were expanded (YDOC_MAX_NODES), so a
 *     "billion laughs" file fails at the alias that crosses the bound
 *     instead of costing memory or time later;
 *   - ${VAR} forms are expanded in every scalar, keys included, from the
 *     environment (as containerlab's envsubst does, but after parsing, so a
 *     variable's value can never become YAML syntax).
 *
 * Scalars are strings: "1", "true" and "null" are told apart by the
 * reader (plain is false for quoted scalars, so "null" in quotes is a
 * string).  Errors read "FILE:LINE: KEY.PATH: what".
 *
 * (Not "yaml.h": src/lab is on the include path, and that name would
 * shadow libyaml's own header.) */
#ifndef BRIG_LAB_YDOC_H
#define BRIG_LAB_YDOC_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

/* Nodes of a document, aliases counted as many times as they are used. */
#define YDOC_MAX_NODES 1000000
/* Nesting of collections: deeper is no topology, only a way to make the
 * builder's stack grow. */
#define YDOC_MAX_DEPTH 256
/* One scalar after ${VAR} expansion, and all of them together. */
#define YDOC_MAX_SCALAR (1u << 20)
#define YDOC_MAX_EXPANDED (64u << 20)

enum ynode_type {
	YNODE_SCALAR,
	YNODE_SEQ,
	YNODE_MAP,
};

struct ynode {
	enum ynode_type type;
	int line;		/* 1-based, where the node starts */
	bool plain;		/* scalar written without quotes (or a block scalar: no) */
	char *str;		/* scalar: expanded, NUL-terminated, no NUL inside */
	size_t len;
	/* seq: n items.  map: n pairs, items[2i] the key (a scalar),
	 * items[2i + 1] its value, in the order written. */
	struct ynode **items;
	size_t n;
	size_t weight;		/* this node and all below, aliases expanded */
	struct ynode *next_alloc; /* every node of a document, for ydoc_free */
};

struct ydoc {
	struct ynode *root;	/* NULL for a stream without a document */
	struct ynode *all;	/* allocation chain */
};

/* Parse buf (len bytes) into *d (zeroed first).  file only names the
 * input in messages.  A stream with more than one document is refused;
 * an empty stream leaves d->root NULL.  On failure *d is left empty. */
int ydoc_parse(const char *buf, size_t len, const char *file, struct ydoc *d,
	       struct brig_err *e);

void ydoc_free(struct ydoc *d);

/* A plain "", "~", "null", "Null" or "NULL" scalar (an absent value). */
bool ynode_is_null(const struct ynode *n);

/* "a string", "a list" or "a map": for "expected a map, got a list". */
const char *ynode_kind(const struct ynode *n);

/* Expand ${VAR}, ${VAR:-word}, ${VAR-word}, ${VAR:=word}, ${VAR=word},
 * ${VAR:+word} and ${VAR+word} in s (len bytes) from getenv, as the shell
 * does but without assigning; an unset ${VAR} is "".  "$${" stands for a
 * literal "${"; any other '$' is kept.  *out is malloc'd; -E2BIG past max
 * bytes, -ENOMEM. */
int ydoc_expand(const char *s, size_t len, size_t max, char **out, size_t *out_len);

#endif
