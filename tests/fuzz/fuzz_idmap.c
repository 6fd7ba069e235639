/* fuzz_idmap.c - libFuzzer target for the --uidmap/--gidmap parser
 * (src/runtime/idmap.c): the input as one value, and split on newlines
 * as repeated values added to one map.
 *
 * Any bytes must parse without crashing or reading past the string; what
 * is accepted is in bounds (SIZE >= 1, neither range past 2^32 - 2), a
 * map never holds overlapping ranges, and its uid_map text reads back to
 * the same ranges. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idmap.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_map(const struct idmap *m)
{
	char buf[IDMAP_MAX * 36];
	const char *p = buf;
	int len = idmap_format(m, buf, sizeof(buf));

	check(len >= 0 && m->n <= IDMAP_MAX);
	for (size_t i = 0; i < m->n; i++) {
		unsigned in, out, count;
		int used;
		check(sscanf(p, "%u %u %u\n%n", &in, &out, &count, &used) == 3);
		check(in == m->r[i].inside && out == m->r[i].outside && count == m->r[i].count);
		p += used;
		for (size_t j = 0; j < i; j++) {
			const struct idmap_range *a = &m->r[i], *b = &m->r[j];
			check(!((uint64_t)a->inside < (uint64_t)b->inside + b->count &&
				(uint64_t)b->inside < (uint64_t)a->inside + a->count));
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct idmap_range r;
	struct idmap m = { 0 };
	struct brig_err e;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (idmap_parse(s, &r, &e) == 0)
		check(r.count >= 1 && (uint64_t)r.inside + r.count <= 0xffffffffULL &&
		      (uint64_t)r.outside + r.count <= 0xffffffffULL);
	else
		check(strchr(e.msg, '\n') == NULL);
	for (char *save, *line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		(void)idmap_add(&m, "--uidmap", line, &e);
	check_map(&m);
	if (idmap_check(&m, "--uidmap", &e) == 0) {
		uint32_t root;
		check(idmap_to_host(&m, 0, &root));
	}
	free(s);
	return 0;
}
