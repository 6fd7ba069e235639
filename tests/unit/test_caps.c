/* test_caps.c - the default capability set and capability names. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <linux/capability.h>

#include "spawn.h"

static void test_default_set(void **state)
{
	uint64_t caps = spawn_default_caps();

	(void)state;
	/* ping works in a default container */
	assert_true(caps & (1ULL << CAP_NET_RAW));
	assert_true(caps & (1ULL << CAP_CHOWN));
	/* nothing that reconfigures the host */
	assert_false(caps & (1ULL << CAP_SYS_ADMIN));
	assert_false(caps & (1ULL << CAP_NET_ADMIN));
	assert_false(caps & (1ULL << CAP_SYS_MODULE));
	assert_false(caps & (1ULL << CAP_SYS_RESOURCE));
}

/* The host's bounding set as the kernel reports it, not a full one. */
static void test_host_set(void **state)
{
	char line[256];
	unsigned long long want = 0;
	FILE *f = fopen("/proc/self/status", "r");

	(void)state;
	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapBnd: %llx", &want) == 1)
			break;
	fclose(f);
	assert_true(want != 0);
	assert_int_equal(spawn_host_caps(), want);
}

static void test_parse_names(void **state)
{
	static const struct {
		const char *name;
		int cap;
	} good[] = {
		{ "NET_ADMIN", CAP_NET_ADMIN }, { "net_admin", CAP_NET_ADMIN },
		{ "CAP_NET_ADMIN", CAP_NET_ADMIN }, { "cap_sys_time", CAP_SYS_TIME },
		{ "SYS_PTRACE", CAP_SYS_PTRACE },
	};
	static const char *const bad[] = { "", "NET", "CAP_", "NET_ADMINX", "cap_cap_chown" };
	struct brig_err e;
	uint64_t bits;

	(void)state;
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (spawn_parse_cap(good[i].name, &bits, &e) < 0)
			fail_msg("%s: %s", good[i].name, e.msg);
		assert_int_equal(bits, 1ULL << good[i].cap);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(spawn_parse_cap(bad[i], &bits, &e), -EINVAL);
	assert_int_equal(spawn_parse_cap("ALL", &bits, &e), 0);
	assert_true(bits == ~0ULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_set),
		cmocka_unit_test(test_host_set),
		cmocka_unit_test(test_parse_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
