/* test_secopt.c - src/engine/secopt.c: --security-opt as Docker spells
 * it, what each value lifts, the canonical strings a record keeps (and
 * reads back, through the spec's JSON codec), and every refusal one line
 * naming the value. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "secopt.h"
#include "spec.h"

static struct security_opts parsed(const char *arg)
{
	struct security_opts o = { 0 };
	struct brig_err e = { 0 };

	if (secopt_parse(arg, &o, &e) != 0)
		fail_msg("'%s' refused: %s", arg, e.msg);
	return o;
}

/* arg is refused (EINVAL) with one line holding the value and want. */
static void refused(const char *arg, const char *shown, const char *want)
{
	struct security_opts o = { 0 };
	struct brig_err e = { 0 };
	char head[128];
	int r = secopt_parse(arg, &o, &e);

	snprintf(head, sizeof(head), "invalid --security-opt \"%s\": ", shown);
	if (r != -EINVAL || strncmp(e.msg, head, strlen(head)) != 0 || !strstr(e.msg, want) ||
	    strchr(e.msg, '\n'))
		fail_msg("'%s': want -EINVAL, '%s...%s', got %d '%s'", arg, head, want, r, e.msg);
	assert_false(o.no_new_privs_off);
	assert_false(o.seccomp_unconfined);
}

static void no_new_privileges(void **state)
{
	static const char *const off[] = {
		"no-new-privileges=false", "no-new-privileges:false", "no-new-privileges=0",
		"no-new-privileges=f",	   "no-new-privileges=F",     "no-new-privileges=False",
		"no-new-privileges=FALSE",
	};
	static const char *const on[] = {
		"no-new-privileges",	 "no-new-privileges=true", "no-new-privileges:true",
		"no-new-privileges=1",	 "no-new-privileges=t",	   "no-new-privileges=T",
		"no-new-privileges=True", "no-new-privileges=TRUE",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(off) / sizeof(off[0]); i++) {
		struct security_opts o = parsed(off[i]);
		assert_true(o.no_new_privs_off);
		assert_false(o.seccomp_unconfined);
	}
	for (size_t i = 0; i < sizeof(on) / sizeof(on[0]); i++)
		assert_false(parsed(on[i]).no_new_privs_off);
}

static void seccomp(void **state)
{
	(void)state;
	assert_true(parsed("seccomp=unconfined").seccomp_unconfined);
	assert_true(parsed("seccomp:unconfined").seccomp_unconfined);
	assert_false(parsed("seccomp=unconfined").no_new_privs_off);
}

static void later_wins(void **state)
{
	struct security_opts o = { 0 };
	struct brig_err e;

	(void)state;
	assert_int_equal(secopt_parse("no-new-privileges=false", &o, &e), 0);
	assert_int_equal(secopt_parse("seccomp=unconfined", &o, &e), 0);
	assert_true(o.no_new_privs_off);
	assert_int_equal(secopt_parse("no-new-privileges", &o, &e), 0);
	assert_false(o.no_new_privs_off);
	assert_true(o.seccomp_unconfined);
	/* a refusal changes nothing */
	assert_int_equal(secopt_parse("no-new-privileges=perhaps", &o, &e), -EINVAL);
	assert_false(o.no_new_privs_off);
}

static void docker_lsm_noops(void **state)
{
	static const char *const noop[] = { "apparmor=unconfined", "apparmor:unconfined",
					    "label=disable", "label:disable", "disable" };
	(void)state;
	for (size_t i = 0; i < sizeof(noop) / sizeof(noop[0]); i++) {
		struct security_opts o = parsed(noop[i]);
		assert_false(o.no_new_privs_off);
		assert_false(o.seccomp_unconfined);
	}
}

static void refusals(void **state)
{
	(void)state;
	refused("", "", "expected no-new-privileges");
	refused("=false", "=false", "expected");
	refused("bogus", "bogus", "unknown option");
	refused("seccomp", "seccomp", "seccomp=unconfined");
	refused("seccomp=", "seccomp=", "seccomp=unconfined");
	refused("seccomp=/etc/docker/seccomp.json", "seccomp=/etc/docker/seccomp.json",
		"not supported yet");
	refused("seccomp=Unconfined", "seccomp=Unconfined", "not supported");
	refused("no-new-privileges=yes", "no-new-privileges=yes", "true or false");
	refused("no-new-privileges=", "no-new-privileges=", "true or false");
	refused("No-New-Privileges", "No-New-Privileges", "unknown option");
	refused("apparmor=docker-default", "apparmor=docker-default", "AppArmor");
	refused("apparmor", "apparmor", "AppArmor");
	refused("label=user:USER", "label=user:USER", "SELinux");
	refused("disable=1", "disable=1", "unknown option");
	refused("systempaths=unconfined", "systempaths=unconfined", "unknown option");
	refused("a-key-much-longer-than-thirty-two-bytes=1",
		"a-key-much-longer-than-thirty-two-bytes=1", "expected");
	/* what the user typed is shown on one line, bounded */
	refused("bad\nline", "bad?line", "unknown option");
	refused("x:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		"x:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...", "unknown");
}

static void strings_round_trip(void **state)
{
	const struct security_opts all[] = {
		{ false, false }, { true, false }, { false, true }, { true, true }
	};
	(void)state;
	for (size_t i = 0; i < 4; i++) {
		const char *v[SECOPT_MAX];
		struct security_opts back = { 0 };
		size_t n = secopt_strings(&all[i], v);
		assert_int_equal(n, (size_t)all[i].no_new_privs_off + all[i].seccomp_unconfined);
		for (size_t k = 0; k < n; k++) {
			struct brig_err e;
			assert_int_equal(secopt_parse(v[k], &back, &e), 0);
		}
		assert_memory_equal(&back, &all[i], sizeof(back));
	}
}

/* config.json keeps "security_opt" only when something is lifted, and
 * reads it back; a record without it (older versions) is fully confined,
 * and an unknown value in it is left out. */
static void record(void **state)
{
	struct container_spec s = { .image = "busybox" }, back;
	struct brig_err e;
	json_t *j;

	(void)state;
	j = spec_to_json(&s);
	assert_non_null(j);
	assert_null(json_object_get(j, "security_opt"));
	json_decref(j);

	s.security.seccomp_unconfined = true;
	s.security.no_new_privs_off = true;
	j = spec_to_json(&s);
	assert_non_null(j);
	assert_int_equal(json_array_size(json_object_get(j, "security_opt")), 2);
	assert_int_equal(spec_from_json(j, &back, &e), 0);
	assert_true(back.security.seccomp_unconfined);
	assert_true(back.security.no_new_privs_off);
	spec_free(&back);

	json_object_set_new(j, "security_opt", json_pack("[s,s]", "seccomp=unconfined", "future=1"));
	assert_int_equal(spec_from_json(j, &back, &e), 0);
	assert_true(back.security.seccomp_unconfined);
	assert_false(back.security.no_new_privs_off);
	spec_free(&back);

	json_object_del(j, "security_opt");
	assert_int_equal(spec_from_json(j, &back, &e), 0);
	assert_false(back.security.seccomp_unconfined);
	assert_false(back.security.no_new_privs_off);
	spec_free(&back);
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_new_privileges), cmocka_unit_test(seccomp),
		cmocka_unit_test(later_wins),	     cmocka_unit_test(docker_lsm_noops),
		cmocka_unit_test(refusals),	     cmocka_unit_test(strings_round_trip),
		cmocka_unit_test(record),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
