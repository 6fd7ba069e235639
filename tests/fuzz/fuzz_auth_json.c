/* fuzz_auth_json.c - libFuzzer target for auth.json (Docker's "auths"):
 * lookup, then set and remove an entry (src/image/registry_parse.c).  No
 * crash; credentials come back NUL-terminated within bounds; what update
 * writes reads back with the credentials it was given, and a removal
 * leaves none. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "registry_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	char user[64], pass[64], *set = NULL, *gone = NULL;
	struct brig_err e;
	bool found;

	if (reg_auth_lookup(text, size, "127.0.0.1:5000", user, sizeof(user), pass, sizeof(pass),
			    &e) > 0 &&
	    (strnlen(user, sizeof(user)) == sizeof(user) || strnlen(pass, sizeof(pass)) == sizeof(pass)))
		__builtin_trap();
	if (reg_auth_update(text, size, "reg.lab:5000", "brig", "p:w", &set, &found, &e) < 0)
		return 0;
	if (reg_auth_lookup(set, strlen(set), "reg.lab:5000", user, sizeof(user), pass, sizeof(pass),
			    &e) != 1 ||
	    strcmp(user, "brig") || strcmp(pass, "p:w"))
		__builtin_trap();
	if (reg_auth_update(set, strlen(set), "reg.lab:5000", NULL, NULL, &gone, &found, &e) < 0 ||
	    !found ||
	    reg_auth_lookup(gone, strlen(gone), "reg.lab:5000", user, sizeof(user), pass,
			    sizeof(pass), &e) != 0)
		__builtin_trap();
	free(set);
	free(gone);
	return 0;
}
