/* test_inspect.c - src/engine/inspect.c: container_list, container_list_json
 * and container_inspect over records in a temporary root (no root needed). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inspect.h"
#include "proc.h"
#include "state.h"
#include "tmp_root.h"

struct fixture {
	struct tmp_root t;
};

/* A record named name with command argv and state st. */
static void record(struct fixture *f, const char *name, char **argv,
		   const struct container_state *st)
{
	struct container_spec cfg = { .name = name, .image = "alpine", .argv = argv,
				      .created = "2024-01-01T00:00:00Z" }, rec;
	struct brig_err e;
	int lock = state_lock(&f->t.c, &e);

	assert_true(lock >= 0);
	if (state_create(&f->t.c, &cfg, NULL, &rec, &e) < 0)
		fail_msg("state_create(%s): %s", name, e.msg);
	state_unlock(lock);
	assert_int_equal(state_save(&f->t.c, rec.id, st, &e), 0);
	spec_free(&rec);
}

/* "web" exited 42 (OOM killed), "up" running (this process, on two
 * networks, the second without IPAM), "new" created, never started (a
 * record without state.json is one being created: gc removes it once its
 * creator is gone). */
static int setup(void **state)
{
	static char sh[] = "sh", c[] = "-c", script[] = "echo hello; exit 42";
	static char sleep[] = "sleep", secs[] = "300";
	static char *web_cmd[] = { sh, c, script, NULL };
	static char *up_cmd[] = { sleep, secs, NULL };
	struct fixture *f = calloc(1, sizeof(*f));
	struct container_state web = { .status = CONTAINER_EXITED, .has_exit = true,
				       .exit_code = 42, .oom_killed = true,
				       .started = "2024-01-02T03:04:05Z",
				       .finished = "2024-01-02T03:04:06Z" };
	struct container_state up = { .status = CONTAINER_RUNNING, .pid = getpid(),
				      .owner = getpid(), .started = "2024-01-02T03:04:05Z",
				      .has_networks = true, .n_nets = 2 };

	tmp_root_make(&f->t, "inspect");
	up.starttime = up.owner_starttime = proc_starttime(getpid());
	snprintf(up.nets[0].network, sizeof(up.nets[0].network), "bridge");
	up.nets[0].address = 0x0a580005;
	up.nets[0].prefix = 16;
	snprintf(up.nets[1].network, sizeof(up.nets[1].network), "l2");
	record(f, "web", web_cmd, &web);
	record(f, "up", up_cmd, &up);
	record(f, "new", up_cmd, &(struct container_state){ .status = CONTAINER_CREATED });
	*state = f;
	return 0;
}

static const struct container_summary *find(const struct container_summary *v, size_t n,
					    const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i].name, name))
			return &v[i];
	fail_msg("no row %s", name);
	return NULL;
}

static void list_running(void **state)
{
	struct fixture *f = *state;
	struct container_summary *v = NULL;
	struct brig_err e;
	size_t n = 0;

	if (container_list(&f->t.c, false, &v, &n, &e) < 0)
		fail_msg("container_list: %s", e.msg);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].name, "up");
	assert_int_equal(strlen(v[0].id), BRIG_ID_LEN);
	assert_string_equal(v[0].image, "alpine");
	assert_string_equal(v[0].command, "sleep 300");
	assert_int_equal(v[0].status, CONTAINER_RUNNING);
	assert_int_equal(v[0].started, 1704164645);
	assert_int_equal(v[0].finished, 0);
	assert_int_equal(v[0].created, 1704067200);
	assert_int_equal(v[0].n_addresses, 2);
	assert_string_equal(v[0].addresses[0], "10.88.0.5");
	assert_string_equal(v[0].addresses[1], "");
	free(v);
}

static void list_all(void **state)
{
	struct fixture *f = *state;
	struct container_summary *v = NULL;
	const struct container_summary *r;
	struct brig_err e;
	size_t n = 0;

	if (container_list(&f->t.c, true, &v, &n, &e) < 0)
		fail_msg("container_list: %s", e.msg);
	assert_int_equal(n, 3);
	r = find(v, n, "web");
	assert_int_equal(r->status, CONTAINER_EXITED);
	assert_true(r->has_exit);
	assert_int_equal(r->exit_code, 42);
	assert_true(r->oom_killed);
	assert_int_equal(r->finished, 1704164646);
	assert_string_equal(r->command, "sh -c echo hello; exit 42");
	assert_int_equal(r->n_addresses, 0);
	r = find(v, n, "new");
	assert_int_equal(r->status, CONTAINER_CREATED);
	assert_false(r->has_exit);
	free(v);
}

static void list_json(void **state)
{
	struct fixture *f = *state;
	struct brig_err e;
	json_t *doc = NULL;

	if (container_list_json(&f->t.c, false, &doc, &e) < 0)
		fail_msg("container_list_json: %s", e.msg);
	assert_int_equal(json_array_size(doc), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(doc, 0), "name")),
			    "up");
	json_decref(doc);
}

struct errors {
	int n;
	struct brig_err last;
};

static void count_error(void *arg, const struct brig_err *e)
{
	struct errors *x = arg;

	x->n++;
	x->last = *e;
}

static void inspect_document(void **state)
{
	struct fixture *f = *state;
	struct errors errors = { 0 };
	struct brig_err e;
	json_t *docs = NULL, *doc, *st, *cfg;
	char web_ref[] = "web", nosuch_ref[] = "nosuch";
	char *web[] = { web_ref }, *nosuch[] = { nosuch_ref };
	const char *key;
	json_t *v;
	size_t keys = 0;

	if (container_inspect(&f->t.c, web, 1, &docs, count_error, &errors, &e) != 0)
		fail_msg("container_inspect: %s", errors.last.msg);
	assert_int_equal(json_array_size(docs), 1);
	doc = json_array_get(docs, 0);
	/* the keys inspect has always had, Docker's "Mounts", "HostConfig"
	 * and "NetworkSettings" (its "Ports"), and no other (no "Config": it
	 * would clash with "config") */
	json_object_foreach(doc, key, v) {
		static const char *const want[] = { "id",	  "name",	"image",
						    "created",	  "state",	"config",
						    "Mounts",	  "HostConfig", "NetworkSettings" };
		bool known = false;
		for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
			known |= !strcmp(key, want[i]);
		if (!known)
			fail_msg("unexpected key %s", key);
		keys++;
	}
	assert_int_equal(keys, 9);
	assert_int_equal(json_object_size(json_object_get(json_object_get(doc, "NetworkSettings"),
							  "Ports")),
			 0);
	/* no labels: {} as docker inspect shows; not privileged */
	assert_true(json_is_object(json_object_get(json_object_get(doc, "config"), "labels")));
	assert_int_equal(json_object_size(json_object_get(json_object_get(doc, "config"), "labels")), 0);
	assert_true(json_is_false(json_object_get(json_object_get(doc, "HostConfig"), "Privileged")));
	assert_int_equal(json_array_size(json_object_get(doc, "Mounts")), 0);
	assert_true(json_is_array(json_object_get(doc, "Mounts")));
	assert_string_equal(json_string_value(json_object_get(doc, "name")), "web");
	assert_string_equal(json_string_value(json_object_get(doc, "image")), "alpine");
	assert_int_equal(strlen(json_string_value(json_object_get(doc, "id"))), BRIG_ID_LEN);
	st = json_object_get(doc, "state");
	assert_string_equal(json_string_value(json_object_get(st, "status")), "exited");
	assert_true(json_is_true(json_object_get(st, "OOMKilled")));
	assert_int_equal(json_integer_value(json_object_get(st, "exit_code")), 42);
	cfg = json_object_get(doc, "config");
	assert_string_equal(json_string_value(json_object_get(cfg, "name")), "web");
	assert_int_equal(json_array_size(json_object_get(cfg, "cmd")), 3);
	json_decref(docs);
	docs = NULL;
	assert_int_equal(container_inspect(&f->t.c, nosuch, 1, &docs, count_error, &errors, &e), 1);
	assert_int_equal(json_array_size(docs), 0);
	assert_int_equal(errors.n, 1);
	assert_non_null(strstr(errors.last.msg, "nosuch"));
	json_decref(docs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(list_running, setup, tmp_root_teardown),
		cmocka_unit_test_setup_teardown(list_all, setup, tmp_root_teardown),
		cmocka_unit_test_setup_teardown(list_json, setup, tmp_root_teardown),
		cmocka_unit_test_setup_teardown(inspect_document, setup, tmp_root_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
