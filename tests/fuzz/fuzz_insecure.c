/* fuzz_insecure.c - libFuzzer target for daemon.json's
 * "insecure-registries" (src/image/registry_parse.c): the input is the
 * file; a few hosts are matched against it.  No crash; a host is never
 * both refused (error) and reported insecure; loopback stays loopback. */
#include <stdint.h>

#include "registry_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const hosts[] = { "reg.lab:5000", "10.1.2.3:5000", "[fd00::1]:5000",
					     "127.0.0.1:5000", "docker.io" };
	struct brig_err e;

	for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
		bool out = true;
		if (reg_insecure_listed((const char *)data, size, hosts[i], &out, &e) < 0 && out)
			__builtin_trap();
	}
	if (!reg_host_loopback("127.0.0.1:5000") || reg_host_loopback("docker.io"))
		__builtin_trap();
	return 0;
}
