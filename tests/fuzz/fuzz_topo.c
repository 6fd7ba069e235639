/* fuzz_topo.c - libFuzzer target for the topology parser (src/lab/topo*.c
 * over src/lab/ydoc.c and libyaml), the input taken as a topology file,
 * as a command line (topo_split_words) and as a scalar to expand.
 *
 * Any bytes must parse or fail without crashing, leaking or hanging (the
 * alias and repetition bounds), every message and warning must be one
 * line naming the file, a failure must leave the topology empty, and
 * what is accepted must keep topo.h's promises: valid names, indexes in
 * range, interface names Linux takes, sorted merged maps, wait-for
 * sorted and unique, links' container end first. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topo.h"
#include "util.h"
#include "warn.h"
#include "ydoc.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Relative binds and env-files resolve under a directory that does not
 * exist, so the fuzzer reads no file through them. */
#define FILE_NAME "/nonexistent-brig-fuzz/lab.clab.yml"

static void check_line(const char *msg)
{
	for (const char *p = msg; *p; p++)
		check((unsigned char)*p >= 0x20 && *p != 0x7f);
}

static void on_warning(void *arg, const char *msg)
{
	(void)arg;
	check(strncmp(msg, FILE_NAME ":", strlen(FILE_NAME) + 1) == 0);
	check_line(msg);
}

static bool ifname_ok(const char *s)
{
	size_t n = strnlen(s, TOPO_IFNAME_MAX);

	return n > 0 && n < TOPO_IFNAME_MAX && !strpbrk(s, "/: \t\n") && strcmp(s, ".") &&
	       strcmp(s, "..");
}

/* "KEY=..." each, sorted by key, one per key, NULL-terminated. */
static void check_kv(char **v, size_t n)
{
	check(n == 0 || v[n] == NULL);
	for (size_t i = 0; i < n; i++) {
		check(strchr(v[i], '=') != NULL && v[i][0] != '=');
		if (i > 0) {
			size_t a = (size_t)(strchr(v[i - 1], '=') - v[i - 1]);
			size_t b = (size_t)(strchr(v[i], '=') - v[i]);
			int c = strncmp(v[i - 1], v[i], a < b ? a : b);

			check(c < 0 || (c == 0 && a < b));
		}
	}
}

static void check_node(const struct topo *t, const struct topo_node *n)
{
	char name[64];
	struct brig_err e;

	check(valid_name(n->name));
	check(n->line > 0);
	check_kv(n->env, n->n_env);
	check_kv(n->labels, n->n_labels);
	check_kv(n->sysctls, n->n_sysctls);
	for (size_t i = 0; i < n->n_binds; i++)
		check(n->binds[i][0] == '/' && strchr(n->binds[i], ':'));
	for (size_t i = 0; i < n->n_wait_for; i++)
		check(n->wait_for[i] < t->n_nodes && (i == 0 || n->wait_for[i - 1] < n->wait_for[i]));
	check(n->net_container == TOPO_HOST || n->net_container < t->n_nodes);
	if (n->kind == TOPO_KIND_LINUX) {
		check(n->image != NULL);
		check(topo_container_name(t, n, name, sizeof(name), &e) == 0);
	} else {
		check(!n->image && !n->network_mode && !n->n_env && !n->n_exec);
	}
	if (n->kind == TOPO_KIND_BRIDGE)
		check(ifname_ok(n->name));
}

static void check_end(const struct topo *t, const struct topo_endpoint *ep)
{
	check(ep->node == TOPO_HOST || ep->node < t->n_nodes);
	check(ifname_ok(ep->ifname));
	if (ep->node != TOPO_HOST)
		check(t->nodes[ep->node].kind != TOPO_KIND_HOST);
	check(ep->ipv4 ? ep->ipv4_prefix >= 1 && ep->ipv4_prefix <= 32 : ep->ipv4_prefix == 0);
	if (ep->has_mac)
		check(!(ep->mac[0] & 1));
}

static void check_topo(const struct topo *t)
{
	check(valid_name(t->name));
	check(t->n_nodes >= 1 && t->n_nodes <= TOPO_MAX_NODES);
	check(t->path[0] == '/' && t->dir[0] == '/');
	for (size_t i = 0; i < t->n_nodes; i++)
		check_node(t, &t->nodes[i]);
	for (size_t i = 0; i < t->n_links; i++) {
		const struct topo_link *l = &t->links[i];

		check(l->mtu >= 68 && l->mtu <= 65535);
		check_end(t, &l->a);
		if (l->type == TOPO_LINK_DUMMY)
			continue;
		check_end(t, &l->b);
		if (l->type != TOPO_LINK_VETH)
			check(l->b.node == TOPO_HOST);
		else
			check(l->a.node != l->b.node);
	}
}

static void fuzz_parse(const uint8_t *data, size_t size)
{
	struct topo t;
	struct brig_err e = { 0 };
	static const struct topo empty;

	if (topo_parse((const char *)data, size, FILE_NAME, &t, &e) < 0) {
		check(e.code > 0 && memchr(e.msg, '\0', sizeof(e.msg)));
		check(strncmp(e.msg, FILE_NAME, strlen(FILE_NAME)) == 0);
		check_line(e.msg);
		check(memcmp(&t, &empty, sizeof(t)) == 0);
		return;
	}
	check_topo(&t);
	topo_free(&t);
	check(memcmp(&t, &empty, sizeof(t)) == 0);
}

static void fuzz_words(const char *s)
{
	struct brig_err e;
	size_t argc;
	char **argv;

	if (topo_split_words(s, &argv, &argc, &e) < 0)
		return;
	check(argv[argc] == NULL);
	for (size_t i = 0; i < argc; i++)
		check(strlen(argv[i]) <= strlen(s));
	strv_free(argv);
}

static void fuzz_expand(const char *s, size_t len)
{
	size_t n;
	char *out;

	if (ydoc_expand(s, len, 4096, &out, &n) < 0)
		return;
	check(n <= 4096 && strlen(out) <= n);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		return 0;
	brig_warn_sink(on_warning, NULL);
	fuzz_parse(data, size);
	memcpy(s, data, size);
	s[size] = '\0';
	fuzz_words(s);
	fuzz_expand(s, size);
	free(s);
	return 0;
}
