/* test_volume.c - the volume store (src/engine/volume.c) in a throwaway
 * root: create, list, inspect, in use, remove, prune; and a container's
 * volumes at create and removal (src/engine/mounts.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "container.h"
#include "container_int.h"
#include "spec.h"
#include "state.h"
#include "tmp_root.h"
#include "volume.h"

static int setup(void **state)
{
	return tmp_root_setup(state, "volume");
}

static void make(struct tmp_root *t, const char *name)
{
	struct brig_err e;

	if (volume_create(&t->c, name, NULL, 0, NULL, &e) < 0)
		fail_msg("volume_create(%s): %s", name, e.msg);
}

static bool present(struct tmp_root *t, const char *name)
{
	char path[PATH_MAX];
	struct brig_err e;
	struct stat st;

	return volume_path(&t->c, name, path, sizeof(path), &e) == 0 && stat(path, &st) == 0;
}

/* A container record (with the store lock, as container_create holds it)
 * whose mounts are one volume on /data. */
static void record_using(struct tmp_root *t, const char *name, const char *volume, char id[BRIG_ID_LEN + 1])
{
	struct mount_spec m = { MOUNT_VOLUME, (char *)volume, (char *)"/data" };
	struct container_spec spec = { .name = name, .mounts = &m, .n_mounts = 1 }, out;
	struct brig_err e;
	int lock = state_lock(&t->c, &e);

	assert_true(lock >= 0);
	if (state_create(&t->c, &spec, NULL, &out, &e) < 0)
		fail_msg("state_create(%s): %s", name, e.msg);
	state_unlock(lock);
	snprintf(id, BRIG_ID_LEN + 1, "%s", out.id);
	spec_free(&out);
}

static void test_create(void **state)
{
	struct tmp_root *t = *state;
	char name[MOUNTSPEC_NAME_MAX + 1], path[PATH_MAX];
	struct brig_err e;
	struct stat st;

	assert_int_equal(volume_create(&t->c, "data", NULL, 0, name, &e), 0);
	assert_string_equal(name, "data");
	assert_int_equal(volume_path(&t->c, "data", path, sizeof(path), &e), 0);
	assert_non_null(strstr(path, "/volumes/data/_data"));
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0755);
	/* again: success, the volume as it was (its content kept) */
	snprintf(path + strlen(path), sizeof(path) - strlen(path), "/kept");
	assert_int_equal(mkdir(path, 0700), 0);
	assert_int_equal(volume_create(&t->c, "data", NULL, 0, NULL, &e), 0);
	assert_int_equal(stat(path, &st), 0);
	/* no name: 64 hex characters, as Docker's */
	assert_int_equal(volume_create(&t->c, NULL, NULL, 0, name, &e), 0);
	assert_int_equal(strlen(name), 64);
	assert_int_equal(strspn(name, "0123456789abcdef"), 64);
	assert_true(present(t, name));
}

static void test_create_refused(void **state)
{
	struct tmp_root *t = *state;
	char *bad_label[] = { (char *)"=x" };
	struct brig_err e;

	assert_int_equal(volume_create(&t->c, "a", NULL, 0, NULL, &e), -EINVAL);
	assert_string_equal(e.msg, "invalid volume name 'a': must match [a-zA-Z0-9][a-zA-Z0-9_.-]+ (at most 128 characters)");
	assert_int_equal(volume_create(&t->c, "../etc", NULL, 0, NULL, &e), -EINVAL);
	assert_int_equal(volume_create(&t->c, "x\ny", NULL, 0, NULL, &e), -EINVAL);
	assert_null(strchr(e.msg, '\n'));
	assert_int_equal(volume_create(&t->c, "good", bad_label, 1, NULL, &e), -EINVAL);
	assert_non_null(strstr(e.msg, "invalid label '=x'"));
	assert_false(present(t, "good"));
}

static void test_inspect_and_list(void **state)
{
	struct tmp_root *t = *state;
	char *labels[] = { (char *)"lab=ospf", (char *)"flag" };
	char *names[] = { (char *)"zeta", (char *)"nope", (char *)"alpha" };
	json_t *docs = NULL, *all = NULL, *d;
	char dir[PATH_MAX + 32];
	struct brig_err e;

	assert_int_equal(volume_create(&t->c, "zeta", labels, 2, NULL, &e), 0);
	make(t, "alpha");
	/* leftovers of a crash are no volumes */
	snprintf(dir, sizeof(dir), "%s/volumes/.new-x-123456", t->root);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(volume_inspect(&t->c, names, 3, &docs, NULL, NULL, &e), 1);
	assert_int_equal(json_array_size(docs), 2);
	d = json_array_get(docs, 0);
	assert_string_equal(json_string_value(json_object_get(d, "Name")), "zeta");
	assert_string_equal(json_string_value(json_object_get(d, "Driver")), "local");
	assert_string_equal(json_string_value(json_object_get(d, "Scope")), "local");
	assert_non_null(strstr(json_string_value(json_object_get(d, "Mountpoint")), "/volumes/zeta/_data"));
	assert_string_equal(json_string_value(json_object_get(json_object_get(d, "Labels"), "lab")), "ospf");
	assert_string_equal(json_string_value(json_object_get(json_object_get(d, "Labels"), "flag")), "");
	assert_true(parse_rfc3339(json_string_value(json_object_get(d, "CreatedAt"))) > 0);
	json_decref(docs);
	assert_int_equal(volume_list(&t->c, &all, &e), 0);
	assert_int_equal(json_array_size(all), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(all, 0), "Name")), "alpha");
	assert_string_equal(json_string_value(json_object_get(json_array_get(all, 1), "Name")), "zeta");
	json_decref(all);
}

static void test_in_use(void **state)
{
	struct tmp_root *t = *state;
	char id[BRIG_ID_LEN + 1], user_id[BRIG_ID_LEN + 1], user[64], want[256];
	struct brig_err e;

	make(t, "data");
	make(t, "other");
	record_using(t, "web", "data", id);
	assert_int_equal(volume_user(&t->c, "data", user_id, user, &e), 1);
	assert_string_equal(user_id, id);
	assert_string_equal(user, "web");
	assert_int_equal(volume_user(&t->c, "other", NULL, NULL, &e), 0);
	assert_int_equal(volume_remove(&t->c, "data", false, &e), -EBUSY);
	snprintf(want, sizeof(want), "volume data is in use by container web (%.12s): remove the container first", id);
	assert_string_equal(e.msg, want);
	assert_int_equal(volume_remove(&t->c, "data", true, &e), -EBUSY); /* -f does not force it */
	assert_true(present(t, "data"));
	/* the record gone, the volume goes */
	assert_int_equal(state_remove(&t->c, id, &e), 0);
	assert_int_equal(volume_remove(&t->c, "data", false, &e), 0);
	assert_false(present(t, "data"));
	assert_int_equal(volume_remove(&t->c, "data", false, &e), -ENOENT);
	assert_string_equal(e.msg, "volume 'data': no such volume");
	assert_int_equal(volume_remove(&t->c, "data", true, &e), 0);
	assert_int_equal(volume_remove(&t->c, "../x", true, &e), 0);
}

static void test_prune(void **state)
{
	struct tmp_root *t = *state;
	char id[BRIG_ID_LEN + 1], path[PATH_MAX + 8], gone[PATH_MAX + 32];
	json_t *removed = NULL;
	int64_t bytes;
	struct brig_err e;
	FILE *fp;

	make(t, "named");
	assert_int_equal(volume_ensure(&t->c, "anon1", true, &e), 0);
	assert_int_equal(volume_ensure(&t->c, "anon2", true, &e), 0);
	assert_int_equal(volume_ensure(&t->c, "anon2", false, &e), 0); /* exists: kept as it was */
	record_using(t, "keeper", "anon2", id);
	assert_int_equal(volume_path(&t->c, "anon1", path, sizeof(path), &e), 0);
	strcat(path, "/f");
	assert_non_null(fp = fopen(path, "w"));
	fputs("0123456789", fp);
	fclose(fp);
	snprintf(gone, sizeof(gone), "%s/volumes/.rm-0123", t->root);
	assert_int_equal(mkdir(gone, 0700), 0);

	/* anonymous and unused only */
	assert_int_equal(volume_prune(&t->c, false, &removed, &bytes, &e), 0);
	assert_int_equal(json_array_size(removed), 1);
	assert_string_equal(json_string_value(json_array_get(removed, 0)), "anon1");
	assert_true(bytes >= 10);
	json_decref(removed);
	assert_false(present(t, "anon1"));
	assert_true(present(t, "anon2"));
	assert_true(present(t, "named"));
	assert_int_equal(access(gone, F_OK), -1); /* a crash's leftover swept */
	/* -a: every unused one */
	assert_int_equal(volume_prune(&t->c, true, &removed, &bytes, &e), 0);
	assert_int_equal(json_array_size(removed), 1);
	assert_string_equal(json_string_value(json_array_get(removed, 0)), "named");
	json_decref(removed);
	assert_true(present(t, "anon2"));
}

/* container_create makes the volumes, names the anonymous ones, refuses
 * a --mount bind without its source (and then leaves no volume of its
 * own behind); removing the record with its volumes drops the anonymous
 * ones only. */
static void test_container_volumes(void **state)
{
	struct tmp_root *t = *state;
	struct mount_spec m[] = {
		{ MOUNT_VOLUME, (char *)"shared", (char *)"/data" },
		{ MOUNT_VOLUME, NULL, (char *)"/cache", NULL, false, false, false, true },
		{ MOUNT_BIND, (char *)"/nonexistent-brig-test", (char *)"/b" },
	};
	char rootfs[PATH_MAX + 8], *argv[] = { (char *)"true", NULL };
	struct container_spec o = { .argv = argv, .mounts = m, .n_mounts = 2 };
	struct container ct;
	json_t *all = NULL;
	struct brig_err e;

	snprintf(rootfs, sizeof(rootfs), "%s/rootfs", t->dir);
	assert_int_equal(mkdir(rootfs, 0755), 0);
	o.image = rootfs;
	o.n_nets = 1;
	snprintf(o.nets[0].name, sizeof(o.nets[0].name), "none");
	if (container_create(&t->c, &o, &ct, &e) < 0)
		fail_msg("container_create: %s", e.msg);
	assert_int_equal(ct.spec.n_mounts, 2);
	assert_string_equal(ct.spec.mounts[0].source, "shared");
	assert_true(ct.spec.mounts[1].anonymous);
	assert_int_equal(strlen(ct.spec.mounts[1].source), 64);
	assert_true(present(t, "shared"));
	assert_true(present(t, ct.spec.mounts[1].source));
	container_unlock(&ct);
	assert_int_equal(container_kill_remove_volumes(&t->c, ct.id, &e), 0);
	assert_true(present(t, "shared")); /* named: kept */
	assert_false(present(t, ct.spec.mounts[1].source));
	container_free(&ct);

	o.n_mounts = 3;
	assert_int_equal(container_create(&t->c, &o, &ct, &e), -ENOENT);
	assert_string_equal(e.msg, "invalid mount config for type \"bind\": bind source path does not exist: "
				   "/nonexistent-brig-test");
	container_free(&ct);
	assert_int_equal(volume_list(&t->c, &all, &e), 0);
	assert_int_equal(json_array_size(all), 1); /* "shared" only */
	json_decref(all);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create, setup, tmp_root_teardown),
		cmocka_unit_test_setup_teardown(test_create_refused, setup, tmp_root_teardown),
		cmocka_unit_test_setup_teardown(test_inspect_and_list, setup, tmp_root_teardown),
		cmocka_unit_test_setup_teardown(test_in_use, setup, tmp_root_teardown),
		cmocka_unit_test_setup_teardown(test_prune, setup, tmp_root_teardown),
		cmocka_unit_test_setup_teardown(test_container_volumes, setup, tmp_root_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
