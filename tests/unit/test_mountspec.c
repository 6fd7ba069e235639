/* test_mountspec.c - src/engine/mountspec.c: -v, --mount and --tmpfs as
 * Docker spells them, tmpfs options, paths cleaned, volume names; every
 * refusal is one line naming what was wrong. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>
#include <linux/mount.h>

#include "mountspec.h"
#include "spec_parse.h"

enum which { VOL, MNT, TMPFS };

static int parse(enum which w, const char *arg, const char *cwd, struct mount_spec *m,
		 struct brig_err *e)
{
	memset(e, 0, sizeof(*e));
	if (w == VOL)
		return mountspec_parse_volume(arg, cwd, m, e);
	if (w == MNT)
		return mountspec_parse_mount(arg, cwd, m, e);
	return mountspec_parse_tmpfs(arg, m, e);
}

/* arg is refused with EINVAL (or code), one line containing want, and m
 * is left empty. */
static void refused_code(enum which w, const char *arg, int code, const char *want)
{
	struct mount_spec m;
	struct brig_err e;
	int r = parse(w, arg, "/lab", &m, &e);

	if (r != -code || !strstr(e.msg, want) || strchr(e.msg, '\n'))
		fail_msg("'%s': want -%d and '%s', got %d '%s'", arg, code, want, r, e.msg);
	assert_null(m.source);
	assert_null(m.target);
	assert_null(m.options);
}

static void refused(enum which w, const char *arg, const char *want)
{
	refused_code(w, arg, EINVAL, want);
}

/* arg parses (cwd /lab) into m, which the caller frees. */
static void good(enum which w, const char *arg, struct mount_spec *m)
{
	struct brig_err e;

	if (parse(w, arg, "/lab", m, &e) != 0)
		fail_msg("'%s': %s", arg, e.msg);
}

static void assert_str_or_null(const char *got, const char *want)
{
	if (want)
		assert_string_equal(got, want);
	else
		assert_null(got);
}

static void expect(enum which w, const char *arg, enum mount_type type, const char *source,
		   const char *target, bool ro)
{
	struct mount_spec m;

	good(w, arg, &m);
	assert_int_equal(m.type, type);
	assert_str_or_null(m.source, source);
	assert_string_equal(m.target, target);
	assert_int_equal(m.readonly, ro);
	mountspec_free(&m);
}

/* ---- paths and names ---- */

static void clean_paths(void **state)
{
	static const char *const cases[][2] = {
		{ "/", "/" },		  { "//a//b/", "/a/b" },   { "/a/./b/../c", "/a/c" },
		{ "/..", "/" },		  { "/a/../../b", "/b" },  { "/a/b/..", "/a" },
		{ "/.", "/" },		  { "/a/.../b", "/a/.../b" }, { "/etc/frr/", "/etc/frr" },
	};
	char out[64];
	struct brig_err e;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(mountspec_clean(cases[i][0], out, sizeof(out), &e), 0);
		assert_string_equal(out, cases[i][1]);
	}
	assert_int_equal(mountspec_clean("a/b", out, sizeof(out), &e), -EINVAL);
	assert_int_equal(mountspec_clean("/abcdef", out, 4, &e), -ENAMETOOLONG);
	assert_int_equal(mountspec_clean("/ab", out, 4, &e), 0);
	assert_string_equal(out, "/ab");
}

static void volume_names(void **state)
{
	char long_name[MOUNTSPEC_NAME_MAX + 2];

	(void)state;
	assert_true(mountspec_valid_name("ab"));
	assert_true(mountspec_valid_name("lab1-data_v2.0"));
	assert_true(mountspec_valid_name("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
	assert_false(mountspec_valid_name(""));
	assert_false(mountspec_valid_name("a"));
	assert_false(mountspec_valid_name("-ab"));
	assert_false(mountspec_valid_name(".ab"));
	assert_false(mountspec_valid_name("_ab"));
	assert_false(mountspec_valid_name("a/b"));
	assert_false(mountspec_valid_name("a b"));
	assert_false(mountspec_valid_name(".."));
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[MOUNTSPEC_NAME_MAX] = '\0';
	assert_true(mountspec_valid_name(long_name));
	long_name[MOUNTSPEC_NAME_MAX] = 'a';
	long_name[MOUNTSPEC_NAME_MAX + 1] = '\0';
	assert_false(mountspec_valid_name(long_name));
}

/* ---- -v ---- */

static void volume_binds(void **state)
{
	struct mount_spec m;

	(void)state;
	good(VOL, "/srv/r1:/etc/frr", &m);
	assert_int_equal(m.type, MOUNT_BIND);
	assert_string_equal(m.source, "/srv/r1");
	assert_string_equal(m.target, "/etc/frr");
	assert_true(m.create_source); /* -v makes a missing host path */
	assert_false(m.readonly);
	assert_false(m.anonymous);
	assert_null(m.options);
	mountspec_free(&m);
	expect(VOL, "/srv/r1/:/c/./d/../e:ro", MOUNT_BIND, "/srv/r1", "/c/e", true);
	expect(VOL, "/h:/c:rw", MOUNT_BIND, "/h", "/c", false);
	expect(VOL, "/h:/c:ro,z", MOUNT_BIND, "/h", "/c", true);
	expect(VOL, "/h:/c:Z,rprivate", MOUNT_BIND, "/h", "/c", false);
	expect(VOL, "/h:/c:private", MOUNT_BIND, "/h", "/c", false);
	/* relative host paths: the caller's directory */
	expect(VOL, "./r1/frr.conf:/etc/frr/frr.conf:ro", MOUNT_BIND, "/lab/r1/frr.conf",
	       "/etc/frr/frr.conf", true);
	expect(VOL, "../x:/y", MOUNT_BIND, "/x", "/y", false);
	expect(VOL, ".:/y", MOUNT_BIND, "/lab", "/y", false);
	expect(VOL, "..:/y", MOUNT_BIND, "/", "/y", false);
}

static void volume_volumes(void **state)
{
	struct mount_spec m;

	(void)state;
	good(VOL, "data:/data", &m);
	assert_int_equal(m.type, MOUNT_VOLUME);
	assert_string_equal(m.source, "data");
	assert_false(m.anonymous);
	assert_false(m.nocopy);
	assert_false(m.create_source);
	mountspec_free(&m);
	good(VOL, "data:/data:ro,nocopy", &m);
	assert_true(m.readonly);
	assert_true(m.nocopy);
	mountspec_free(&m);
	/* a lone path, or a path and a mode: anonymous */
	good(VOL, "/cache", &m);
	assert_int_equal(m.type, MOUNT_VOLUME);
	assert_null(m.source);
	assert_true(m.anonymous);
	assert_string_equal(m.target, "/cache");
	mountspec_free(&m);
	good(VOL, "/cache:ro", &m);
	assert_true(m.anonymous);
	assert_true(m.readonly);
	mountspec_free(&m);
}

static void volume_refused(void **state)
{
	struct mount_spec m;
	struct brig_err e;

	(void)state;
	refused(VOL, "", "empty");
	refused(VOL, "/a:/b:ro:x", "at most SOURCE:PATH:MODE");
	refused(VOL, "/h:c", "'c' mount path must be absolute");
	refused(VOL, "data", "'data' mount path must be absolute");
	refused(VOL, "/h:/", "destination can't be '/'");
	refused(VOL, "/h:/..", "destination can't be '/'");
	refused(VOL, "/h:/c:rx", "unknown mode 'rx'");
	refused(VOL, "/h:/c:ro,", "unknown mode ''");
	refused(VOL, "/h:/c:shared", "propagation 'shared' is not supported");
	refused(VOL, "/h:/c:rslave", "propagation 'rslave' is not supported");
	refused(VOL, "/h:/c:ro,rw", "ro and rw given twice");
	refused(VOL, "/h:/c:nocopy", "nocopy applies to volumes only");
	refused(VOL, "r1/frr.conf:/etc/frr/frr.conf", "a host path must be absolute or start with ./ or ../");
	refused(VOL, "a:/x", "invalid volume name 'a'");
	refused(VOL, "bad name:/x", "invalid volume name 'bad name'");
	refused(VOL, ":/x", "empty source");
	refused(VOL, "/h\n:/x", "control character");
	refused(VOL, "/h:/x\t", "control character");
	/* no directory to be relative to */
	assert_int_equal(mountspec_parse_volume("./x:/y", NULL, &m, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "a relative host path needs a working directory"));
	assert_null(m.source);
}

/* ---- --mount ---- */

static void mount_forms(void **state)
{
	struct mount_spec m;

	(void)state;
	good(MNT, "type=bind,source=/srv/r1,target=/etc/frr", &m);
	assert_int_equal(m.type, MOUNT_BIND);
	assert_string_equal(m.source, "/srv/r1");
	assert_false(m.create_source); /* --mount refuses a missing source */
	mountspec_free(&m);
	expect(MNT, "type=bind,src=/h,dst=/c,readonly", MOUNT_BIND, "/h", "/c", true);
	expect(MNT, "type=bind,src=/h,destination=/c,ro", MOUNT_BIND, "/h", "/c", true);
	expect(MNT, "type=bind,src=/h,dst=/c,ro=false", MOUNT_BIND, "/h", "/c", false);
	expect(MNT, "type=bind,src=/h,dst=/c,readonly=1", MOUNT_BIND, "/h", "/c", true);
	expect(MNT, "type=bind,src=/h,dst=/c,readonly=TRUE", MOUNT_BIND, "/h", "/c", true);
	expect(MNT, "type=bind,src=./r1,dst=/c", MOUNT_BIND, "/lab/r1", "/c", false);
	expect(MNT, "Type=bind,Source=/h,Target=/c", MOUNT_BIND, "/h", "/c", false);
	expect(MNT, "type=bind,src=/h,dst=/c,bind-propagation=rprivate,consistency=cached",
	       MOUNT_BIND, "/h", "/c", false);
	expect(MNT, "type=volume,source=data,target=/data", MOUNT_VOLUME, "data", "/data", false);
	expect(MNT, "target=/data,src=data", MOUNT_VOLUME, "data", "/data", false);
	good(MNT, "type=volume,src=data,dst=/d,volume-nocopy", &m);
	assert_true(m.nocopy);
	mountspec_free(&m);
	good(MNT, "target=/anon", &m); /* the default type, no source */
	assert_int_equal(m.type, MOUNT_VOLUME);
	assert_true(m.anonymous);
	assert_null(m.source);
	mountspec_free(&m);
	good(MNT, "type=tmpfs,dst=/t,tmpfs-size=64m,tmpfs-mode=1770", &m);
	assert_int_equal(m.type, MOUNT_TMPFS);
	assert_null(m.source);
	assert_string_equal(m.options, "nosuid,nodev,noexec,size=67108864,mode=1770");
	mountspec_free(&m);
	good(MNT, "type=tmpfs,dst=/t,readonly", &m);
	assert_true(m.readonly);
	assert_string_equal(m.options, "nosuid,nodev,noexec");
	mountspec_free(&m);
}

static void mount_refused(void **state)
{
	(void)state;
	refused(MNT, "type=bind,dst=/c", "invalid mount config for type \"bind\": field source must not be empty");
	refused(MNT, "type=bind,src=,dst=/c", "field source must not be empty");
	refused(MNT, "type=bind,src=rel,dst=/c", "invalid mount path: 'rel' mount path must be absolute");
	refused(MNT, "type=tmpfs,src=/x,dst=/t", "invalid mount config for type \"tmpfs\": field source must not be specified");
	refused(MNT, "type=volume,dst=/d,tmpfs-size=1m", "field tmpfs-size must not be specified");
	refused(MNT, "type=bind,src=/h,dst=/c,volume-nocopy", "field volume-nocopy must not be specified");
	refused(MNT, "type=tmpfs,dst=/t,volume-nocopy", "field volume-nocopy must not be specified");
	refused(MNT, "type=volume,dst=/d,bind-propagation=private", "field bind-propagation must not be specified");
	refused(MNT, "type=bind,src=/h,dst=/c,bind-propagation=shared", "bind-propagation 'shared' is not supported");
	refused(MNT, "type=foo,dst=/x", "type must be bind, volume or tmpfs");
	refused(MNT, "src=/h", "target is required");
	refused(MNT, "", "target is required");
	refused(MNT, "dst=x", "'x' mount path must be absolute");
	refused(MNT, "dst=/", "destination can't be '/'");
	refused(MNT, "bogus=1,dst=/x", "unknown key 'bogus'");
	refused(MNT, "type,dst=/x", "field 'type' must be a key=value pair");
	refused(MNT, "readonly=maybe,dst=/x", "readonly: 'maybe' is not a boolean");
	refused(MNT, "type=tmpfs,dst=/t,tmpfs-size=-1", "option 'size=-1'");
	refused(MNT, "type=tmpfs,dst=/t,tmpfs-mode=8", "option 'mode=8'");
	refused(MNT, "type=volume,src=a/b,dst=/x", "invalid volume name 'a/b'");
}

/* ---- --tmpfs and its options ---- */

static void expect_tmpfs(const char *arg, const char *options, bool ro)
{
	struct mount_spec m;

	good(TMPFS, arg, &m);
	assert_int_equal(m.type, MOUNT_TMPFS);
	assert_null(m.source);
	assert_string_equal(m.options, options);
	assert_int_equal(m.readonly, ro);
	mountspec_free(&m);
}

static void tmpfs_forms(void **state)
{
	(void)state;
	expect_tmpfs("/run", "nosuid,nodev,noexec", false);
	expect_tmpfs("/run/", "nosuid,nodev,noexec", false);
	expect_tmpfs("/run:size=64m,mode=1777", "nosuid,nodev,noexec,size=67108864,mode=1777", false);
	expect_tmpfs("/run:mode=1777,size=64k", "nosuid,nodev,noexec,size=65536,mode=1777", false);
	expect_tmpfs("/run:exec,suid,dev,noatime,uid=1000,gid=100,nr_inodes=100",
		     "suid,dev,exec,noatime,uid=1000,gid=100,nr_inodes=100", false);
	expect_tmpfs("/run:strictatime,nodiratime", "nosuid,nodev,noexec,strictatime,nodiratime", false);
	expect_tmpfs("/run:noatime,relatime,nodiratime,diratime", "nosuid,nodev,noexec", false);
	expect_tmpfs("/run:ro", "nosuid,nodev,noexec", true);
	expect_tmpfs("/run:ro,rw", "nosuid,nodev,noexec", false);
	expect_tmpfs("/run:size=1m,size=2m", "nosuid,nodev,noexec,size=2097152", false);
}

static void tmpfs_refused(void **state)
{
	(void)state;
	refused(TMPFS, "", "mount path must be absolute");
	refused(TMPFS, "run", "'run' mount path must be absolute");
	refused(TMPFS, "/:size=1m", "destination can't be '/'");
	refused(TMPFS, "/x:size=abc", "invalid --tmpfs '/x:size=abc': option 'size=abc'");
	refused(TMPFS, "/x:size=0", "option 'size=0'");
	refused(TMPFS, "/x:foo", "option 'foo': unknown option");
	refused(TMPFS, "/x:foo=1", "option 'foo=1': unknown option");
	refused(TMPFS, "/x:mode=99999", "option 'mode=99999'");
	refused(TMPFS, "/x:mode=-1", "option 'mode=-1'");
	refused(TMPFS, "/x:mode=", "option 'mode='");
	refused(TMPFS, "/x:size=1m,,mode=1", "empty option");
	refused(TMPFS, "/x:,size=1m", "empty option");
	refused(TMPFS, "/x:uid=-1", "option 'uid=-1'");
	refused_code(TMPFS, "/x:uid=4294967295", ERANGE, "option 'uid=4294967295'");
	refused(TMPFS, "/x:size=1m,", "empty option");
	refused(TMPFS, "/x:nr_inodes=x", "option 'nr_inodes=x'");
	refused(TMPFS, "/x:size=1111111111111111111111111111111111111111111111111111111111111111111",
		"value too long");
}

/* The attributes and data the runtime gets, and the canonical form
 * reading back to the same. */
static void tmpfs_options(void **state)
{
	static const char *const cases[] = {
		"", "size=64m,mode=1777", "exec,suid,dev", "noatime,uid=1,gid=2,nr_inodes=3",
		"strictatime,nodiratime,ro", "nosuid,nodev,noexec,size=4096",
	};
	struct mount_tmpfs t, back;
	char text[MOUNTSPEC_TMPFS_MAX];
	struct brig_err e;

	(void)state;
	assert_int_equal(mountspec_tmpfs_parse(NULL, &t, &e), 0);
	assert_int_equal(t.attrs, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
	assert_string_equal(t.data, "");
	assert_false(t.readonly);
	assert_int_equal(mountspec_tmpfs_parse("exec,noatime,size=1k,mode=700", &t, &e), 0);
	assert_int_equal(t.attrs, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOATIME);
	assert_string_equal(t.data, "size=1024,mode=700");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(mountspec_tmpfs_parse(cases[i], &t, &e), 0);
		mountspec_tmpfs_format(&t, text, sizeof(text));
		assert_int_equal(mountspec_tmpfs_parse(text, &back, &e), 0);
		back.readonly = t.readonly; /* the mount keeps ro, not the options */
		assert_memory_equal(&back, &t, sizeof(t));
	}
}

/* ---- a container's mounts together ---- */

static void spec_mounts(void **state)
{
	struct container_spec o = { 0 };
	struct brig_err e;

	(void)state;
	assert_int_equal(spec_add_mount(&o, SPEC_VOLUME, "/h:/a", "/lab", &e), 0);
	assert_int_equal(spec_add_mount(&o, SPEC_MOUNT, "type=tmpfs,dst=/b", "/lab", &e), 0);
	assert_int_equal(spec_add_mount(&o, SPEC_TMPFS, "/c", "/lab", &e), 0);
	assert_int_equal(o.n_mounts, 3);
	assert_int_equal(mountspec_check(o.mounts, o.n_mounts, &e), 0);
	assert_int_equal(spec_add_mount(&o, SPEC_VOLUME, "data:/a/", "/lab", &e), 0);
	assert_int_equal(mountspec_check(o.mounts, o.n_mounts, &e), -EINVAL);
	assert_string_equal(e.msg, "duplicate mount point: /a");
	/* a refused one is not added */
	assert_int_equal(spec_add_mount(&o, SPEC_TMPFS, "x", "/lab", &e), -EINVAL);
	assert_int_equal(o.n_mounts, 4);
	spec_lists_free(&o);
	assert_null(o.mounts);
	assert_int_equal(o.n_mounts, 0);
	for (int i = 0; i < MOUNTSPEC_MAX; i++) {
		char arg[32];
		snprintf(arg, sizeof(arg), "/m%d", i);
		assert_int_equal(spec_add_mount(&o, SPEC_TMPFS, arg, NULL, &e), 0);
	}
	assert_int_equal(spec_add_mount(&o, SPEC_TMPFS, "/one-more", NULL, &e), -E2BIG);
	assert_string_equal(e.msg, "at most 64 mounts per container");
	spec_lists_free(&o);
}

static void type_names(void **state)
{
	(void)state;
	assert_string_equal(mountspec_type_name(MOUNT_BIND), "bind");
	assert_string_equal(mountspec_type_name(MOUNT_VOLUME), "volume");
	assert_string_equal(mountspec_type_name(MOUNT_TMPFS), "tmpfs");
	assert_int_equal(mountspec_type_from("tmpfs"), MOUNT_TMPFS);
	assert_int_equal(mountspec_type_from("bind"), MOUNT_BIND);
	assert_int_equal(mountspec_type_from("npipe"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(clean_paths),	  cmocka_unit_test(volume_names),
		cmocka_unit_test(volume_binds),	  cmocka_unit_test(volume_volumes),
		cmocka_unit_test(volume_refused), cmocka_unit_test(mount_forms),
		cmocka_unit_test(mount_refused),  cmocka_unit_test(tmpfs_forms),
		cmocka_unit_test(tmpfs_refused),  cmocka_unit_test(tmpfs_options),
		cmocka_unit_test(spec_mounts),	  cmocka_unit_test(type_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
