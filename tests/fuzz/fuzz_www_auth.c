/* fuzz_www_auth.c - libFuzzer target for the WWW-Authenticate parser and
 * the token server's answer (src/image/registry_parse.c): no crash on any
 * input, every field NUL-terminated within its bounds, a kept token made
 * of visible ASCII only (it becomes a header line). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "registry_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reg_challenge c = { 0 };
	struct brig_err e;
	char *s = malloc(size + 1), token[256];

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	reg_challenge_parse(s, &c);
	if (c.scheme > REG_AUTH_BEARER || strnlen(c.realm, sizeof(c.realm)) == sizeof(c.realm) ||
	    strnlen(c.service, sizeof(c.service)) == sizeof(c.service) ||
	    strnlen(c.scope, sizeof(c.scope)) == sizeof(c.scope))
		__builtin_trap();
	if (reg_token_parse((const char *)data, size, token, sizeof(token), &e) == 0) {
		for (const char *p = token; *p; p++)
			if (*p < 0x21 || *p > 0x7e)
				__builtin_trap();
	}
	free(s);
	return 0;
}
