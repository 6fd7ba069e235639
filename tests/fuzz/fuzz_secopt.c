/* fuzz_secopt.c - libFuzzer target for --security-opt
 * (src/engine/secopt.c).
 *
 * Any bytes must parse without crashing or reading past the string; a
 * refusal is one line starting `invalid --security-opt "`, and leaves the
 * options as they were; what is accepted is one of Docker's spellings, and
 * the canonical strings of the result read back to the same options. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "secopt.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_round_trip(const struct security_opts *o)
{
	const char *v[SECOPT_MAX];
	struct security_opts back = { 0 };
	struct brig_err e;
	size_t n = secopt_strings(o, v);

	check(n <= SECOPT_MAX);
	for (size_t i = 0; i < n; i++)
		check(secopt_parse(v[i], &back, &e) == 0);
	check(back.no_new_privs_off == o->no_new_privs_off);
	check(back.seccomp_unconfined == o->seccomp_unconfined);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct security_opts start[2] = { { false, false }, { true, true } };
	struct brig_err e;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	for (int i = 0; i < 2; i++) {
		struct security_opts o = start[i];
		if (secopt_parse(s, &o, &e) < 0) {
			check(e.code == EINVAL);
			check(memchr(e.msg, '\0', sizeof(e.msg)) != NULL);
			check(strchr(e.msg, '\n') == NULL);
			check(strncmp(e.msg, "invalid --security-opt \"", 24) == 0);
			check(memcmp(&o, &start[i], sizeof(o)) == 0);
			continue;
		}
		/* accepted: a known key, as Docker spells it */
		check(!strncmp(s, "no-new-privileges", 17) || !strncmp(s, "seccomp", 7) ||
		      !strncmp(s, "apparmor", 8) || !strncmp(s, "label", 5) || !strcmp(s, "disable"));
		check_round_trip(&o);
	}
	free(s);
	return 0;
}
