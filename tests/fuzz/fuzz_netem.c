/* fuzz_netem.c - libFuzzer target: netem_parse_value over every key (and
 * unknown ones) with arbitrary values, then netem_check and
 * netem_params_str.  Input: lines, each one key selector byte then the
 * value.  Invariants: an accepted value is within its range, a refused
 * one leaves the parameters unchanged, and the text of accepted
 * parameters parses back to exactly the same values. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const keys[] = { "delay",	 "jitter",  "loss", "rate",
				    "corrupt",	 "duplicate", "reorder" };

static void in_range(const struct netem_params *p)
{
	const double pct[] = { p->loss, p->corrupt, p->duplicate, p->reorder };

	for (size_t i = 0; i < 4; i++)
		if (!(pct[i] >= 0 && pct[i] <= 100))
			abort();
	if (p->delay_us > NETEM_DURATION_MAX_US || p->jitter_us > NETEM_DURATION_MAX_US ||
	    p->rate_bps > NETEM_RATE_MAX_BPS)
		abort();
}

/* "key value key value ..." back into a fresh netem_params. */
static void parse_back(char *s, const struct netem_params *want)
{
	struct netem_params q = { 0 };
	struct brig_err e;
	char *save = NULL, *k, *v;

	for (k = strtok_r(s, " ", &save); k; k = strtok_r(NULL, " ", &save)) {
		v = strtok_r(NULL, " ", &save);
		if (!v || netem_parse_value(&q, k, v, &e) != 0)
			abort();
	}
	if (memcmp(&q, want, sizeof(q)) != 0)
		abort();
}

static void one(struct netem_params *p, const char *line)
{
	struct netem_params before = *p;
	struct brig_err e;
	unsigned sel = (unsigned char)line[0] % 8;
	const char *key = sel < 7 ? keys[sel] : line + 1;
	const char *value = sel < 7 ? line + 1 : "1";

	if (netem_parse_value(p, key, value, &e) != 0) {
		if (memcmp(&before, p, sizeof(before)) != 0 || !e.msg[0] || strchr(e.msg, '\n'))
			abort();
		return;
	}
	in_range(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct netem_params p = { 0 };
	struct brig_err e;
	char *s = malloc(size + 1), *line, *save = NULL;
	char buf[512], small[24];
	int n;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	for (line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		one(&p, line);
	(void)netem_check(&p, &e);
	n = netem_params_str(&p, buf, sizeof(buf));
	if (n < 0 || (size_t)n != strlen(buf) || netem_params_empty(&p) != (n == 0))
		abort();
	if (netem_params_str(&p, small, sizeof(small)) == -ENOSPC && strlen(small) >= sizeof(small))
		abort();
	parse_back(buf, &p);
	free(s);
	return 0;
}
