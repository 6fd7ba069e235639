/* ydoc.c - libyaml's events built into a tree of nodes (see ydoc.h).
 *
 * libyaml's own loader (yaml_parser_load) is not used: it copies every
 * alias's target into a document of its own (the "billion laughs" cost),
 * accepts duplicate keys and knows no merge keys.  The events carry all
 * we need: lines, anchors, scalar styles. */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "yaml_lazy.h"
#include "ydoc.h"

struct frame {
	struct ynode *node;
	char *anchor; /* registered when the node is complete: an alias
		       * inside its own anchor is "unknown", never a loop */
	size_t cap;   /* of node->items */
};

struct anchor {
	char *name;
	struct ynode *node;
};

struct builder {
	const char *file;
	const char *buf;
	size_t len;
	struct ydoc *doc;
	struct frame stack[YDOC_MAX_DEPTH];
	size_t depth;
	struct anchor *anchors; /* open addressing; cap a power of two */
	size_t n_anchors, cap_anchors;
	size_t made;	 /* nodes allocated (aliases are not) */
	size_t expanded; /* bytes of all scalars, expanded */
	int docs;
	struct brig_err *e;
};

/* ---- ${VAR} expansion ---------------------------------------------------- */

/* Nested ${A:-${B}} words are expanded this deep, then kept as written. */
#define EXPAND_DEPTH 8
#define VAR_NAME_MAX 256

struct sbuf {
	char *p;
	size_t len, cap, max;
};

static int put(struct sbuf *o, const char *s, size_t n)
{
	if (n > o->max - o->len)
		return -E2BIG;
	if (o->len + n + 1 > o->cap) {
		size_t cap = o->cap ? o->cap : 64;
		char *p;

		while (cap < o->len + n + 1)
			cap *= 2;
		p = realloc(o->p, cap);
		if (!p)
			return -ENOMEM;
		o->p = p;
		o->cap = cap;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
	return 0;
}

static bool var_start(char c)
{
	return isalpha((unsigned char)c) || c == '_';
}

static bool var_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* The index of the '}' closing a word that starts at i (nested "${"
 * counted), or len when there is none. */
static size_t closing_brace(const char *s, size_t len, size_t i)
{
	int open = 0;

	for (; i < len; i++) {
		if (s[i] == '$' && i + 1 < len && s[i + 1] == '{') {
			open++;
			i++;
		} else if (s[i] == '}' && open-- == 0) {
			return i;
		}
	}
	return len;
}

static int expand(const char *s, size_t len, int depth, struct sbuf *o);

/* One operator form, ${NAME<op>word}: op is '-' (or '=', which the shell
 * would also assign) for a default, '+' for an alternative; with a colon,
 * an empty value counts as unset. */
static int apply_op(const char *v, bool colon, char op, const char *word, size_t wlen,
		    int depth, struct sbuf *o)
{
	bool use = v && (!colon || *v);

	if (op == '+')
		return use ? expand(word, wlen, depth + 1, o) : 0;
	if (use)
		return put(o, v, strlen(v));
	return expand(word, wlen, depth + 1, o);
}

/* s[*i] is the '$' of "${".  Expand the form there, or copy "${" as
 * written when it is none; *i moves past what was consumed. */
static int expand_at(const char *s, size_t len, size_t *i, int depth, struct sbuf *o)
{
	char name[VAR_NAME_MAX];
	size_t p = *i + 2, n, end;
	bool colon;
	int r;

	if (p >= len || !var_start(s[p]))
		goto literal;
	for (n = 0; p < len && var_char(s[p]) && n < sizeof(name) - 1; n++)
		name[n] = s[p++];
	name[n] = '\0';
	if (p >= len)
		goto literal;
	if (s[p] == '}') {
		const char *v = getenv(name);

		*i = p + 1;
		return v ? put(o, v, strlen(v)) : 0;
	}
	colon = s[p] == ':';
	p += colon;
	if (p >= len || !strchr("-=+", s[p]) || s[p] == '\0')
		goto literal;
	end = closing_brace(s, len, p + 1);
	if (end == len)
		goto literal;
	r = apply_op(getenv(name), colon, s[p] == '+' ? '+' : '-', s + p + 1, end - p - 1,
		     depth, o);
	*i = end + 1;
	return r;
literal:
	*i += 2;
	return put(o, "${", 2);
}

static int expand(const char *s, size_t len, int depth, struct sbuf *o)
{
	size_t i = 0;
	int r = 0;

	while (i < len && r >= 0) {
		const char *d = memchr(s + i, '$', len - i);
		size_t run = d ? (size_t)(d - (s + i)) : len - i;

		r = put(o, s + i, run);
		i += run;
		if (r < 0 || i >= len)
			break;
		if (i + 2 < len && s[i + 1] == '$' && s[i + 2] == '{') {
			r = put(o, "${", 2); /* "$${" escapes */
			i += 3;
		} else if (i + 1 < len && s[i + 1] == '{' && depth < EXPAND_DEPTH) {
			r = expand_at(s, len, &i, depth, o);
		} else {
			r = put(o, "$", 1);
			i++;
		}
	}
	return r;
}

int ydoc_expand(const char *s, size_t len, size_t max, char **out, size_t *out_len)
{
	struct sbuf o = { .max = max };
	int r = put(&o, "", 0);

	if (r >= 0)
		r = expand(s, len, 0, &o);
	if (r < 0) {
		free(o.p);
		return r;
	}
	*out = o.p;
	*out_len = o.len;
	return 0;
}

/* ---- errors ---------------------------------------------------------------- */

static void append(char *out, size_t len, size_t *off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void append(char *out, size_t len, size_t *off, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (*off >= len)
		return;
	va_start(ap, fmt);
	w = vsnprintf(out + *off, len - *off, fmt, ap);
	va_end(ap);
	if (w > 0)
		*off = *off + (size_t)w < len ? *off + (size_t)w : len;
}

/* Where the builder is, as "topology.nodes.r1.binds[2]": the key of each
 * mapping whose value is being read, the index in each sequence. */
static void stack_path(const struct builder *b, char *out, size_t len)
{
	size_t off = 0;

	out[0] = '\0';
	for (size_t i = 0; i < b->depth; i++) {
		const struct ynode *n = b->stack[i].node;

		if (n->type == YNODE_SEQ)
			append(out, len, &off, "[%zu]", n->n);
		else if (n->n % 2)
			append(out, len, &off, "%s%.64s", off ? "." : "", n->items[n->n - 1]->str);
	}
}

static int fail(struct builder *b, int code, int line, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int fail(struct builder *b, int code, int line, const char *key, const char *fmt, ...)
{
	char path[320], what[512];
	size_t off;
	va_list ap;

	stack_path(b, path, sizeof(path));
	off = strlen(path);
	if (key)
		append(path, sizeof(path), &off, "%s%.64s", off ? "." : "", key);
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return brig_errf(b->e, code, "%s:%d: %s%s%s", b->file, line, path, *path ? ": " : "",
			 what);
}

static int mark_line(const yaml_mark_t *m)
{
	return m->line < INT32_MAX ? (int)m->line + 1 : INT32_MAX;
}

/* libyaml's reader (UTF-8 decoding, control characters) knows only the
 * byte offset. */
static int offset_line(const struct builder *b, size_t offset)
{
	int line = 1;

	for (size_t i = 0; i < offset && i < b->len; i++)
		line += b->buf[i] == '\n' && line < INT32_MAX;
	return line;
}

static int parser_error(struct builder *b, const yaml_parser_t *p)
{
	const char *problem = p->problem ? p->problem : "unknown error";

	if (p->error == YAML_MEMORY_ERROR)
		return brig_errf(b->e, ENOMEM, "%s: out of memory reading YAML", b->file);
	if (p->error == YAML_READER_ERROR)
		return fail(b, EINVAL, offset_line(b, p->problem_offset), NULL,
			    "not UTF-8 text: %s (byte %zu)", problem, p->problem_offset);
	if (p->context)
		return fail(b, EINVAL, mark_line(&p->problem_mark), NULL, "YAML: %s %s",
			    p->context, problem);
	return fail(b, EINVAL, mark_line(&p->problem_mark), NULL, "YAML: %s", problem);
}

/* ---- anchors ------------------------------------------------------------- */

static size_t hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return (size_t)h;
}

static struct anchor *anchor_slot(struct anchor *tab, size_t cap, const char *name)
{
	size_t i = hash_str(name) & (cap - 1);

	while (tab[i].name && strcmp(tab[i].name, name) != 0)
		i = (i + 1) & (cap - 1);
	return &tab[i];
}

static int anchors_grow(struct builder *b)
{
	size_t cap = b->cap_anchors ? b->cap_anchors * 2 : 64;
	struct anchor *tab = calloc(cap, sizeof(*tab));

	if (!tab)
		return -ENOMEM;
	for (size_t i = 0; i < b->cap_anchors; i++)
		if (b->anchors[i].name)
			*anchor_slot(tab, cap, b->anchors[i].name) = b->anchors[i];
	free(b->anchors);
	b->anchors = tab;
	b->cap_anchors = cap;
	return 0;
}

/* A later anchor of the same name replaces the earlier (YAML 1.1). */
static int anchor_set(struct builder *b, char *name, struct ynode *n)
{
	struct anchor *a;

	if ((b->n_anchors + 1) * 4 > b->cap_anchors * 3 && anchors_grow(b) < 0) {
		free(name);
		return brig_errf(b->e, ENOMEM, "%s: out of memory", b->file);
	}
	a = anchor_slot(b->anchors, b->cap_anchors, name);
	if (a->name) {
		free(name);
	} else {
		a->name = name;
		b->n_anchors++;
	}
	a->node = n;
	return 0;
}

static struct ynode *anchor_get(const struct builder *b, const char *name)
{
	return b->cap_anchors ? anchor_slot(b->anchors, b->cap_anchors, name)->node : NULL;
}

static void anchors_free(struct builder *b)
{
	for (size_t i = 0; i < b->cap_anchors; i++)
		free(b->anchors[i].name);
	free(b->anchors);
	for (size_t i = 0; i < b->depth; i++)
		free(b->stack[i].anchor);
}

/* ---- nodes ----------------------------------------------------------------- */

static int node_new(struct builder *b, enum ynode_type t, int line, struct ynode **out)
{
	struct ynode *n;

	if (b->made >= YDOC_MAX_NODES)
		return fail(b, E2BIG, line, NULL, "more than %d YAML nodes", YDOC_MAX_NODES);
	n = calloc(1, sizeof(*n));
	if (!n)
		return brig_errf(b->e, ENOMEM, "%s: out of memory", b->file);
	n->type = t;
	n->line = line;
	n->weight = 1;
	n->next_alloc = b->doc->all;
	b->doc->all = n;
	b->made++;
	*out = n;
	return 0;
}

static int too_big(struct builder *b, int line)
{
	return fail(b, E2BIG, line, NULL,
		    "more than %d nodes with aliases expanded (an alias bomb?)", YDOC_MAX_NODES);
}

static int push_item(struct builder *b, struct frame *f, struct ynode *child)
{
	struct ynode *n = f->node;

	if (n->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 8;
		struct ynode **items = realloc(n->items, cap * sizeof(*items));

		if (!items)
			return brig_errf(b->e, ENOMEM, "%s: out of memory", b->file);
		n->items = items;
		f->cap = cap;
	}
	n->items[n->n++] = child;
	return 0;
}

/* Hang a complete node (new, or an alias's target) under the open
 * collection, or make it the document. */
static int add_child(struct builder *b, struct ynode *child, int line)
{
	struct frame *f;

	if (b->depth == 0) {
		b->doc->root = child;
		return 0;
	}
	f = &b->stack[b->depth - 1];
	if (f->node->type == YNODE_MAP && f->node->n % 2 == 0 && child->type != YNODE_SCALAR)
		return fail(b, EINVAL, line, NULL, "a key must be a string, not %s",
			    ynode_kind(child));
	/* Each collection stays within the bound, so this sum cannot wrap;
	 * checked before the push, the message names this item's index. */
	if (f->node->weight + child->weight > YDOC_MAX_NODES)
		return too_big(b, line);
	if (push_item(b, f, child) < 0)
		return -b->e->code;
	f->node->weight += child->weight;
	return 0;
}

/* ---- merge keys and duplicate keys ---------------------------------------- */

struct pair {
	struct ynode *k, *v;
	size_t prio; /* 0: written in the mapping; then each merged map in turn */
	size_t pos;  /* order in the result */
};

static int pair_by_key(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	int c = strcmp(x->k->str, y->k->str);

	if (c)
		return c;
	if (x->prio != y->prio)
		return x->prio < y->prio ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static int pair_by_pos(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;

	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static bool is_merge_key(const struct ynode *k)
{
	return k->plain && strcmp(k->str, "<<") == 0;
}

/* The pairs of map m as candidates: its own, then those of each map its
 * merge keys name (a map, or a list of maps). */
static int collect(struct builder *b, const struct ynode *m, struct pair *out, size_t *n)
{
	size_t prio = 1, pos = m->n / 2;

	*n = 0;
	for (size_t i = 0; i + 1 < m->n; i += 2)
		if (!is_merge_key(m->items[i]))
			out[(*n)++] = (struct pair){ m->items[i], m->items[i + 1], 0, i / 2 };
	for (size_t i = 0; i + 1 < m->n; i += 2) {
		const struct ynode *v = m->items[i + 1];
		bool list = v->type == YNODE_SEQ;

		if (!is_merge_key(m->items[i]))
			continue;
		for (size_t j = 0; j < (list ? v->n : 1); j++, prio++) {
			const struct ynode *src = list ? v->items[j] : v;

			if (src->type != YNODE_MAP)
				return fail(b, EINVAL, v->line, "<<",
					    "a merge key takes a map or a list of maps, not %s",
					    ynode_kind(src));
			for (size_t k = 0; k + 1 < src->n; k += 2)
				out[(*n)++] = (struct pair){ src->items[k], src->items[k + 1], prio,
							     pos++ };
		}
	}
	return 0;
}

static size_t merged_size(const struct ynode *m)
{
	size_t n = 0;

	for (size_t i = 0; i + 1 < m->n; i += 2) {
		const struct ynode *v = m->items[i + 1];

		if (!is_merge_key(m->items[i]))
			n++;
		else if (v->type == YNODE_MAP)
			n += v->n / 2;
		else if (v->type == YNODE_SEQ)
			for (size_t j = 0; j < v->n; j++)
				n += v->items[j]->type == YNODE_MAP ? v->items[j]->n / 2 : 0;
	}
	return n;
}

/* Sorted by key: a key written twice is an error (reported at its
 * later line); otherwise the first candidate of each key wins. */
static int dedup(struct builder *b, struct pair *p, size_t *n)
{
	const struct ynode *dup = NULL;
	int first = 0;
	size_t out = 0;

	qsort(p, *n, sizeof(*p), pair_by_key);
	for (size_t i = 0; i < *n; i++) {
		if (out && strcmp(p[out - 1].k->str, p[i].k->str) == 0) {
			if (p[i].prio == 0 && (!dup || p[i].k->line < dup->line)) {
				dup = p[i].k;
				first = p[out - 1].k->line;
			}
			continue;
		}
		p[out++] = p[i];
	}
	if (dup)
		return fail(b, EINVAL, dup->line, dup->str, "duplicate key (first at line %d)",
			    first);
	*n = out;
	return 0;
}

static int map_finish(struct builder *b, struct ynode *m)
{
	size_t cap = merged_size(m), n;
	struct pair *p = calloc(cap ? cap : 1, sizeof(*p));
	struct ynode **items;
	int r;

	if (!p)
		return brig_errf(b->e, ENOMEM, "%s: out of memory", b->file);
	r = collect(b, m, p, &n);
	if (r >= 0)
		r = dedup(b, p, &n);
	items = r >= 0 ? calloc(n ? 2 * n : 1, sizeof(*items)) : NULL;
	if (r >= 0 && !items)
		r = brig_errf(b->e, ENOMEM, "%s: out of memory", b->file);
	if (r >= 0) {
		qsort(p, n, sizeof(*p), pair_by_pos);
		m->weight = 1;
		for (size_t i = 0; i < n; i++) {
			items[2 * i] = p[i].k;
			items[2 * i + 1] = p[i].v;
			m->weight += p[i].k->weight + p[i].v->weight;
		}
		free(m->items);
		m->items = items;
		m->n = 2 * n;
		if (m->weight > YDOC_MAX_NODES)
			r = too_big(b, m->line);
	}
	free(p);
	return r;
}

/* ---- events ------------------------------------------------------------------ */

static int on_scalar(struct builder *b, const yaml_event_t *ev, int line)
{
	const char *value = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	struct ynode *n;
	int r;

	if (memchr(value, '\0', len))
		return fail(b, EINVAL, line, NULL, "a string with a NUL byte");
	if (node_new(b, YNODE_SCALAR, line, &n) < 0)
		return -b->e->code;
	n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	r = ydoc_expand(value, len, YDOC_MAX_SCALAR, &n->str, &n->len);
	if (r == -ENOMEM)
		return brig_errf(b->e, ENOMEM, "%s: out of memory", b->file);
	if (r < 0 || n->len > YDOC_MAX_EXPANDED - b->expanded)
		return fail(b, E2BIG, line, NULL, "a string too long once ${VAR} are expanded");
	b->expanded += n->len;
	if (ev->data.scalar.anchor) {
		char *name = strdup((const char *)ev->data.scalar.anchor);

		if (!name || anchor_set(b, name, n) < 0)
			return brig_errf(b->e, ENOMEM, "%s: out of memory", b->file);
	}
	return add_child(b, n, line);
}

static int on_alias(struct builder *b, const yaml_event_t *ev, int line)
{
	const char *name = (const char *)ev->data.alias.anchor;
	struct ynode *n = anchor_get(b, name);

	if (!n)
		return fail(b, EINVAL, line, NULL, "unknown anchor '*%.64s'", name);
	return add_child(b, n, line);
}

static int on_start(struct builder *b, enum ynode_type t, const yaml_char_t *anchor, int line)
{
	struct frame *f;

	if (b->depth == YDOC_MAX_DEPTH)
		return fail(b, E2BIG, line, NULL, "nested deeper than %d", YDOC_MAX_DEPTH);
	f = &b->stack[b->depth];
	*f = (struct frame){ 0 };
	if (node_new(b, t, line, &f->node) < 0)
		return -b->e->code;
	if (anchor && !(f->anchor = strdup((const char *)anchor)))
		return brig_errf(b->e, ENOMEM, "%s: out of memory", b->file);
	b->depth++;
	return 0;
}

static int on_end(struct builder *b, int line)
{
	struct frame f = b->stack[b->depth - 1];

	/* merges and duplicates are checked with the map still open, so the
	 * messages name its path */
	if (f.node->type == YNODE_MAP && map_finish(b, f.node) < 0)
		return -b->e->code;
	b->depth--;
	if (f.anchor && anchor_set(b, f.anchor, f.node) < 0)
		return -b->e->code;
	return add_child(b, f.node, line);
}

static int on_event(struct builder *b, const yaml_event_t *ev)
{
	int line = mark_line(&ev->start_mark);

	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++b->docs > 1)
			return fail(b, EINVAL, line, NULL, "more than one YAML document");
		return 0;
	case YAML_SCALAR_EVENT:
		return on_scalar(b, ev, line);
	case YAML_ALIAS_EVENT:
		return on_alias(b, ev, line);
	case YAML_SEQUENCE_START_EVENT:
		return on_start(b, YNODE_SEQ, ev->data.sequence_start.anchor, line);
	case YAML_MAPPING_START_EVENT:
		return on_start(b, YNODE_MAP, ev->data.mapping_start.anchor, line);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT:
		return on_end(b, line);
	default:
		return 0;
	}
}

int ydoc_parse(const char *buf, size_t len, const char *file, struct ydoc *d,
	       struct brig_err *e)
{
	struct builder *b = calloc(1, sizeof(*b));
	yaml_parser_t p;
	yaml_event_t ev;
	int r = 0;

	memset(d, 0, sizeof(*d));
	if (yaml_library_load(e) < 0) {
		free(b);
		return -e->code;
	}
	if (!b || !yaml_parser_initialize(&p)) {
		free(b);
		return brig_errf(e, ENOMEM, "%s: out of memory", file);
	}
	*b = (struct builder){ .file = file, .buf = buf, .len = len, .doc = d, .e = e };
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	for (bool done = false; !done && r >= 0;) {
		if (!yaml_parser_parse(&p, &ev)) {
			r = parser_error(b, &p);
			break;
		}
		r = on_event(b, &ev);
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	anchors_free(b);
	free(b);
	if (r < 0)
		ydoc_free(d);
	return r;
}

void ydoc_free(struct ydoc *d)
{
	struct ynode *n = d->all;

	while (n) {
		struct ynode *next = n->next_alloc;

		free(n->str);
		free(n->items);
		free(n);
		n = next;
	}
	memset(d, 0, sizeof(*d));
}

bool ynode_is_null(const struct ynode *n)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL" };

	if (!n || n->type != YNODE_SCALAR || !n->plain)
		return !n;
	for (size_t i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		if (strcmp(n->str, nulls[i]) == 0)
			return true;
	return false;
}

const char *ynode_kind(const struct ynode *n)
{
	if (n->type == YNODE_MAP)
		return "a map";
	if (n->type == YNODE_SEQ)
		return "a list";
	return ynode_is_null(n) ? "null" : "a string";
}
