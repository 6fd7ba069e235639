/* test_idmap.c - the user namespace parsers and allocator (idmap.c):
 * --uidmap/--gidmap values, a map's checks and its uid_map text, the
 * /etc/subuid parser, --userns=auto's range allocator; and the options as
 * the engine checks them together (userns_ctl.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "idmap.h"
#include "spec.h"
#include "userns_ctl.h"

static void test_parse_good(void **state)
{
	struct idmap_range r;
	struct brig_err e;

	(void)state;
	assert_int_equal(idmap_parse("0:200000:65536", &r, &e), 0);
	assert_int_equal(r.inside, 0);
	assert_int_equal(r.outside, 200000);
	assert_int_equal(r.count, 65536);
	assert_int_equal(idmap_parse("1000:1:1", &r, &e), 0);
	assert_int_equal(r.inside, 1000);
	/* the last usable range: first + count = 2^32 - 1 */
	assert_int_equal(idmap_parse("4294967294:0:1", &r, &e), 0);
}

static void test_parse_bad(void **state)
{
	static const char *const bad[] = {
		"",	      "0",	     "0:1",	     "0:1:",	   ":1:1",
		"0:1:0",      "a:1:1",	     "0:1:1:1",	     "-1:1:1",	   "+0:1:1",
		" 0:1:1",     "0:1:1 ",	     "0:1:2x",	     "4294967295:0:1", "0:4294967295:1",
		"0:1:4294967295", "99999999999:0:1", "0:0:4294967296", "0x10:1:1", "0::1",
	};
	struct idmap_range r;
	struct brig_err e;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (idmap_parse(bad[i], &r, &e) == 0)
			fail_msg("'%s' parsed", bad[i]);
		assert_null(strchr(e.msg, '\n'));
	}
}

static void test_add_and_check(void **state)
{
	struct idmap m = { 0 };
	struct brig_err e;
	uint32_t out;

	(void)state;
	assert_int_equal(idmap_add(&m, "--uidmap", "0:500000:1000", &e), 0);
	assert_int_equal(idmap_add(&m, "--uidmap", "1000:600000:10", &e), 0);
	/* overlapping container ids, then host ids: the kernel would refuse */
	assert_true(idmap_add(&m, "--uidmap", "999:700000:5", &e) < 0);
	assert_non_null(strstr(e.msg, "container ids overlap"));
	assert_true(idmap_add(&m, "--uidmap", "2000:600005:5", &e) < 0);
	assert_non_null(strstr(e.msg, "host ids overlap"));
	assert_int_equal(m.n, 2);
	assert_int_equal(idmap_check(&m, "--uidmap", &e), 0);
	assert_true(idmap_to_host(&m, 1005, &out));
	assert_int_equal(out, 600005);
	assert_false(idmap_to_host(&m, 1010, &out));

	struct idmap noroot = { .r = { { 1, 500000, 10 } }, .n = 1 }, empty = { 0 };
	assert_true(idmap_check(&noroot, "--uidmap", &e) < 0);
	assert_non_null(strstr(e.msg, "container id 0"));
	assert_true(idmap_check(&empty, "--gidmap", &e) < 0);

	struct idmap full = { 0 };
	char arg[32];
	for (int i = 0; i < IDMAP_MAX; i++) {
		snprintf(arg, sizeof(arg), "%d:%d:1", i, 100 + i);
		assert_int_equal(idmap_add(&full, "--uidmap", arg, &e), 0);
	}
	assert_true(idmap_add(&full, "--uidmap", "999:999:1", &e) < 0);
}

static void test_format(void **state)
{
	struct idmap m = { .r = { { 0, 200000, 65536 }, { 70000, 1, 2 } }, .n = 2 };
	char buf[64], tiny[8];

	(void)state;
	int n = idmap_format(&m, buf, sizeof(buf));
	assert_int_equal(n, (int)strlen(buf));
	assert_string_equal(buf, "0 200000 65536\n70000 1 2\n");
	assert_int_equal(idmap_format(&m, tiny, sizeof(tiny)), -1);
}

static void test_subid_parse(void **state)
{
	const char *text = "# comment\n"
			   "alice:100000:65536\n"
			   "root:200000:65536\r\n"
			   "\n"
			   "root:garbage\n"
			   "root:300000:0\n"
			   "0:400000:131072\n"
			   "rooty:500000:65536\n"
			   "root:4294967295:1\n"
			   "root:600000:10";
	struct id_range r[8];
	size_t bad;

	(void)state;
	assert_int_equal(subid_parse(text, strlen(text), "root", 0, r, 8, &bad), 3);
	assert_int_equal(bad, 2);
	assert_int_equal(r[0].start, 200000);
	assert_int_equal(r[0].count, 65536);
	assert_int_equal(r[1].start, 400000);
	assert_int_equal(r[1].count, 131072);
	assert_int_equal(r[2].start, 600000);
	assert_int_equal(subid_parse(text, strlen(text), "alice", 1000, r, 8, NULL), 1);
	assert_int_equal(subid_parse(text, strlen(text), "root", 0, r, 1, NULL), 1);
	assert_int_equal(subid_parse("", 0, "root", 0, r, 8, &bad), 0);
	assert_int_equal(bad, 0);
}

static void test_alloc(void **state)
{
	struct id_range avail[] = { { 200000, 65536 * 2 }, { 100000, 65536 } };
	struct id_range used[] = { { 100000, 65536 }, { 200000, 10 } };
	uint32_t start;

	(void)state;
	/* nothing used: the lowest start of any range */
	assert_int_equal(subid_alloc(avail, 2, NULL, 0, 65536, &start), 0);
	assert_int_equal(start, 100000);
	/* 100000 is held and 200000 overlaps a small range: just past it */
	assert_int_equal(subid_alloc(avail, 2, used, 2, 65536, &start), 0);
	assert_int_equal(start, 200010);
	struct id_range more[] = { { 100000, 65536 }, { 200000, 10 }, { 200010, 65536 } };
	assert_int_equal(subid_alloc(avail, 2, more, 3, 65536, &start), -ENOSPC);
	assert_int_equal(subid_alloc(avail, 2, more, 3, 65536 - 10, &start), 0);
	assert_int_equal(start, 265546);
	/* a range too small for the size */
	struct id_range small = { 1000, 100 };
	assert_int_equal(subid_alloc(&small, 1, NULL, 0, 101, &start), -ENOSPC);
	assert_int_equal(subid_alloc(&small, 1, NULL, 0, 0, &start), -ENOSPC);
	/* at the top of the id space */
	struct id_range top = { 4294967295u - 65536, 65536 };
	assert_int_equal(subid_alloc(&top, 1, NULL, 0, 65536, &start), 0);
	assert_int_equal(start, 4294967295u - 65536);
}

static void test_options(void **state)
{
	struct container_spec s = { 0 };
	struct brig_err e;

	(void)state;
	assert_int_equal(userns_opt_mode(&s, "auto", &e), 0);
	assert_int_equal(userns_check_spec(&s, &e), 0);
	assert_true(s.userns.set && s.userns.automatic);
	assert_int_equal(userns_opt_map(&s, false, "0:1:1", &e), 0);
	assert_true(userns_check_spec(&s, &e) < 0); /* auto and a map */
	assert_true(userns_opt_mode(&s, "keep-id", &e) < 0);

	memset(&s, 0, sizeof(s));
	assert_int_equal(userns_opt_map(&s, false, "0:500000:1000", &e), 0);
	assert_int_equal(userns_check_spec(&s, &e), 0);
	assert_int_equal(s.userns.gid.n, 1); /* the uid map serves for gids */
	assert_int_equal(s.userns.gid.r[0].outside, 500000);
	s.privileged = true;
	assert_true(userns_check_spec(&s, &e) < 0);
	s.privileged = false;
	s.n_nets = 1;
	strcpy(s.nets[0].name, "host");
	assert_true(userns_check_spec(&s, &e) < 0);

	memset(&s, 0, sizeof(s));
	assert_int_equal(userns_opt_mode(&s, "host", &e), 0);
	assert_false(s.userns.set);
	assert_int_equal(userns_check_spec(&s, &e), 0);
}

/* config.json keeps the maps: written only when set, read back equal. */
static void test_record(void **state)
{
	struct container_spec s = { 0 }, back;
	struct brig_err e;
	json_t *j;

	(void)state;
	s.image = s.rootfs = s.workdir = s.user = s.cgroup_parent = s.name = "";
	j = spec_to_json(&s);
	assert_non_null(j);
	assert_null(json_object_get(j, "userns"));
	json_decref(j);
	s.userns = (struct userns_maps){ .set = true, .automatic = true,
					 .uid = { .r = { { 0, 200000, 65536 } }, .n = 1 },
					 .gid = { .r = { { 0, 300000, 65536 }, { 70000, 5, 1 } }, .n = 2 } };
	j = spec_to_json(&s);
	assert_non_null(j);
	assert_int_equal(spec_from_json(j, &back, &e), 0);
	json_decref(j);
	assert_true(back.userns.set && back.userns.automatic);
	assert_memory_equal(&back.userns.uid, &s.userns.uid, sizeof(s.userns.uid));
	assert_memory_equal(&back.userns.gid, &s.userns.gid, sizeof(s.userns.gid));
	spec_free(&back);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),  cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_add_and_check), cmocka_unit_test(test_format),
		cmocka_unit_test(test_subid_parse), cmocka_unit_test(test_alloc),
		cmocka_unit_test(test_options),     cmocka_unit_test(test_record),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
