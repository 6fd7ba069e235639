/* test_state.c - the container state store: create, names, resolve, save,
 * load, list, remove, image use, records by label. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "container.h"
#include "spec.h"
#include "state.h"
#include "tmp_root.h"

struct fixture {
	struct tmp_root t;
};

static int setup(void **state)
{
	return tmp_root_setup(state, "state");
}

/* A record of spec (its name, image_id, labels). */
static void create_spec(struct fixture *f, const struct container_spec *spec,
			char id[BRIG_ID_LEN + 1], char out_name[64])
{
	const char *name = spec->name;
	struct brig_err e;
	struct container_spec out;
	int lock = state_lock(&f->t.c, &e);

	assert_true(lock >= 0);
	if (state_create(&f->t.c, spec, NULL, &out, &e) < 0)
		fail_msg("state_create(%s): %s", name ? name : "(null)", e.msg);
	state_unlock(lock);
	snprintf(id, BRIG_ID_LEN + 1, "%s", out.id);
	snprintf(out_name, 64, "%s", out.name);
	spec_free(&out);
}

static void create(struct fixture *f, const char *name, const char *image_id,
		   char id[BRIG_ID_LEN + 1], char out_name[64])
{
	struct container_spec spec = { .name = name };

	snprintf(spec.image_id, sizeof(spec.image_id), "%s", image_id);
	create_spec(f, &spec, id, out_name);
}

/* Generated names are one of ~9.4M: 10000 records meet the birthday
 * bound (about 5 collisions expected), and each must still be created
 * (another id and name when a generated one is taken). */
static void test_generated_names_never_collide(void **state)
{
	struct fixture *f = *state;
	struct container_spec spec = { .rm = true };
	char id[BRIG_ID_LEN + 1], name[64];

	for (int i = 0; i < 10000; i++)
		create_spec(f, &spec, id, name);
}

static void test_create_and_load(void **state)
{
	struct fixture *f = *state;
	char id[BRIG_ID_LEN + 1], name[64];
	struct container_spec cfg;
	struct container_state st;
	struct brig_err e;

	create(f, "web", "img1", id, name);
	assert_int_equal(strlen(id), BRIG_ID_LEN);
	assert_string_equal(name, "web");
	assert_int_equal(state_load(&f->t.c, id, &cfg, &st, &e), 0);
	assert_string_equal(cfg.name, "web");
	assert_string_equal(cfg.id, id);
	assert_string_equal(cfg.image_id, "img1");
	/* the hostname defaults to the short id */
	assert_memory_equal(cfg.hostname, id, BRIG_SHORT_ID);
	assert_int_equal(strlen(cfg.hostname), BRIG_SHORT_ID);
	/* no state.json yet: reads as created */
	assert_int_equal(st.status, CONTAINER_CREATED);
	spec_free(&cfg);
}

static void test_save_state_roundtrip(void **state)
{
	struct fixture *f = *state;
	char id[BRIG_ID_LEN + 1], name[64];
	struct container_state st = { .status = CONTAINER_EXITED, .has_exit = true, .exit_code = 3 };
	struct container_state back;
	struct brig_err e;

	create(f, NULL, "img1", id, name);
	assert_int_equal(state_save(&f->t.c, id, &st, &e), 0);
	assert_int_equal(state_load(&f->t.c, id, NULL, &back, &e), 0);
	assert_int_equal(back.status, CONTAINER_EXITED);
	assert_true(back.has_exit);
	assert_int_equal(back.exit_code, 3);
}

static void test_generated_name_is_valid(void **state)
{
	struct fixture *f = *state;
	char id[BRIG_ID_LEN + 1], name[64];

	create(f, NULL, "img1", id, name);
	assert_true(valid_name(name));
}

static void test_names_unique_and_valid(void **state)
{
	struct fixture *f = *state;
	char id[BRIG_ID_LEN + 1], name[64];
	static const char *const bad[] = { "", "-x", ".x", "a b", "a/b", "é" };
	struct brig_err e;
	struct container_spec cfg = { .name = "db" }, out;
	int lock;

	create(f, "db", "img1", id, name);
	lock = state_lock(&f->t.c, &e);
	assert_int_equal(state_create(&f->t.c, &cfg, NULL, &out, &e), -EEXIST);
	assert_non_null(strstr(e.msg, "already in use"));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cfg.name = bad[i];
		assert_int_equal(state_create(&f->t.c, &cfg, NULL, &out, &e), -EINVAL);
	}
	state_unlock(lock);
}

static void test_resolve(void **state)
{
	struct fixture *f = *state;
	char a[BRIG_ID_LEN + 1], b[BRIG_ID_LEN + 1], got[BRIG_ID_LEN + 1], name[64];
	char prefix[13];
	struct brig_err e;

	create(f, "alpha", "img1", a, name);
	create(f, "beta", "img1", b, name);
	assert_int_equal(state_resolve(&f->t.c, "alpha", got, &e), 0);
	assert_string_equal(got, a);
	snprintf(prefix, sizeof(prefix), "%.12s", b);
	assert_int_equal(state_resolve(&f->t.c, prefix, got, &e), 0);
	assert_string_equal(got, b);
	assert_int_equal(state_resolve(&f->t.c, "nope", got, &e), -ENOENT);
	assert_non_null(strstr(e.msg, "no such container"));
	/* the empty prefix matches everything: refused, never "the first" */
	assert_true(state_resolve(&f->t.c, "", got, &e) < 0);
}

static void test_list_remove_and_image_use(void **state)
{
	struct fixture *f = *state;
	char a[BRIG_ID_LEN + 1], b[BRIG_ID_LEN + 1], name[64];
	char **ids = NULL;
	struct brig_err e;
	bool used;
	size_t n = 0;

	create(f, "one", "imgA", a, name);
	create(f, "two", "imgB", b, name);
	assert_int_equal(state_list(&f->t.c, &ids, &e), 0);
	while (ids[n])
		n++;
	assert_int_equal(n, 2);
	state_list_free(ids);
	assert_int_equal(state_image_in_use(&f->t.c, "imgA", &used, &e), 0);
	assert_true(used);
	assert_int_equal(state_remove(&f->t.c, a, &e), 0);
	assert_int_equal(state_image_in_use(&f->t.c, "imgA", &used, &e), 0);
	assert_false(used);
	assert_int_equal(state_image_in_use(&f->t.c, "imgB", &used, &e), 0);
	assert_true(used);
}

static bool has_id(char (*ids)[BRIG_ID_LEN + 1], size_t n, const char *id)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(ids[i], id) == 0)
			return true;
	return false;
}

/* What the lab runner asks: the records carrying a label, any value or one. */
static void test_list_labeled(void **state)
{
	struct fixture *f = *state;
	char *lab1[] = { (char *)"brig.lab=one", (char *)"role=router" },
	     *lab2[] = { (char *)"brig.lab=two" };
	struct container_spec r1 = { .name = "r1", .labels = lab1, .n_labels = 2 },
			      r2 = { .name = "r2", .labels = lab2, .n_labels = 1 };
	char a[BRIG_ID_LEN + 1], b[BRIG_ID_LEN + 1], c[BRIG_ID_LEN + 1], name[64];
	char (*ids)[BRIG_ID_LEN + 1] = NULL;
	struct brig_err e;
	size_t n;

	create_spec(f, &r1, a, name);
	create_spec(f, &r2, b, name);
	create(f, "plain", "img", c, name);
	assert_int_equal(container_list_labeled(&f->t.c, "brig.lab", NULL, &ids, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_true(has_id(ids, n, a) && has_id(ids, n, b));
	free(ids);
	assert_int_equal(container_list_labeled(&f->t.c, "brig.lab", "two", &ids, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_string_equal(ids[0], b);
	free(ids);
	assert_int_equal(container_list_labeled(&f->t.c, "brig.lab", "three", &ids, &n, &e), 0);
	assert_int_equal(n, 0);
	assert_null(ids);
	assert_int_equal(container_list_labeled(&f->t.c, "role", "router", &ids, &n, &e), 0);
	assert_int_equal(n, 1);
	assert_string_equal(ids[0], a);
	free(ids);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_and_load, setup, tmp_root_teardown),
		cmocka_unit_test_setup_teardown(test_save_state_roundtrip, setup, tmp_root_teardown),
		cmocka_unit_test_setup_teardown(test_generated_name_is_valid, setup, tmp_root_teardown),
		cmocka_unit_test_setup_teardown(test_names_unique_and_valid, setup, tmp_root_teardown),
		cmocka_unit_test_setup_teardown(test_generated_names_never_collide, setup,
						tmp_root_teardown),
		cmocka_unit_test_setup_teardown(test_resolve, setup, tmp_root_teardown),
		cmocka_unit_test_setup_teardown(test_list_remove_and_image_use, setup, tmp_root_teardown),
		cmocka_unit_test_setup_teardown(test_list_labeled, setup, tmp_root_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
