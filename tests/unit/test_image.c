/* test_image.c - the image store: hostile tarballs stay contained, legit
 * absolute symlinks survive, compressions, re-import, failure cleanup. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Test paths live under a short mkdtemp dir; truncation cannot happen. */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#include "archive_lazy.h"
#include "ctx.h"
#include "image.h"
#include "warn.h"
#include "util.h"


enum kind { FILE_, DIR_, SYMLINK, HARDLINK };

struct ent {
	enum kind kind;
	const char *name;
	const char *data; /* file content, or link target */
};

struct fixture {
	char tmp[PATH_MAX];     /* everything lives under here */
	char outside[PATH_MAX]; /* a directory no extraction may touch */
	char tar[PATH_MAX];
	struct brig_ctx ctx;
	char root[PATH_MAX], runroot[PATH_MAX];
	int warnings;
	char last_warning[1024];
	struct image_users users; /* faked below */
	char used_id[BRIG_ID_LEN + 1]; /* the one image id "a container" uses */
	int locked;    /* users->lock taken and not yet released */
	int lock_fail; /* errno users->lock fails with, 0: succeeds */
};

/* The store's users, faked: one image id in use at most; the lock is
 * counted so every path that takes it is seen to release it. */
static int fake_lock(void *arg, struct brig_err *e)
{
	struct fixture *f = arg;

	if (f->lock_fail)
		return brig_errf(e, f->lock_fail, "users: cannot lock");
	f->locked++;
	return 42;
}

static void fake_unlock(void *arg, int token)
{
	struct fixture *f = arg;

	assert_int_equal(token, 42);
	f->locked--;
}

static int fake_in_use(void *arg, const char *image_id, bool *used, struct brig_err *e)
{
	struct fixture *f = arg;

	(void)e;
	*used = strcmp(image_id, f->used_id) == 0;
	return 0;
}

static void collect(void *arg, const char *msg)
{
	struct fixture *f = arg;
	f->warnings++;
	if (getenv("BRIG_TEST_VERBOSE"))
		fprintf(stderr, "warning: %s\n", msg);
	snprintf(f->last_warning, sizeof(f->last_warning), "%s", msg);
}

/* Write a tar with libarchive's writer; filter is one of the
 * archive_write_add_filter_* functions or NULL. */
static void write_tar(const char *path, int (*filter)(struct archive *), const struct ent *ents,
		      size_t n)
{
	struct archive *a = archive_write_new();
	struct archive_entry *e = archive_entry_new();

	assert_non_null(a);
	archive_write_set_format_pax_restricted(a);
	if (filter)
		assert_int_equal(filter(a), ARCHIVE_OK);
	assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
	for (size_t i = 0; i < n; i++) {
		archive_entry_clear(e);
		archive_entry_set_pathname(e, ents[i].name);
		archive_entry_set_mtime(e, 1700000000, 0);
		switch (ents[i].kind) {
		case FILE_:
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_perm(e, 0644);
			archive_entry_set_size(e, (la_int64_t)strlen(ents[i].data));
			break;
		case DIR_:
			archive_entry_set_filetype(e, AE_IFDIR);
			archive_entry_set_perm(e, 0755);
			break;
		case SYMLINK:
			archive_entry_set_filetype(e, AE_IFLNK);
			archive_entry_set_perm(e, 0777);
			archive_entry_set_symlink(e, ents[i].data);
			break;
		case HARDLINK:
			archive_entry_set_filetype(e, AE_IFREG);
			archive_entry_set_perm(e, 0644);
			archive_entry_set_hardlink(e, ents[i].data);
			break;
		}
		assert_int_equal(archive_write_header(a, e), ARCHIVE_OK);
		if (ents[i].kind == FILE_)
			assert_int_equal(archive_write_data(a, ents[i].data, strlen(ents[i].data)),
					 (la_ssize_t)strlen(ents[i].data));
	}
	archive_entry_free(e);
	assert_int_equal(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	char tmpl[] = "/tmp/brig-test-image-XXXXXX";
	struct brig_err e;

	/* write_tar uses libarchive through brig's lazy wrappers, before any
	 * image function has loaded it */
	/* The test links libarchive too, but the store's lazy wrappers of
	 * archive_entry_new() and co. win at link time: load it first. */
	if (!f || !mkdtemp(tmpl) || archive_library_load(&e) < 0)
		return -1;
	snprintf(f->tmp, sizeof(f->tmp), "%s", tmpl);
	snprintf(f->outside, sizeof(f->outside), "%s/outside", f->tmp);
	snprintf(f->tar, sizeof(f->tar), "%s/in.tar", f->tmp);
	snprintf(f->root, sizeof(f->root), "%s/root", f->tmp);
	snprintf(f->runroot, sizeof(f->runroot), "%s/run", f->tmp);
	mkdir(f->outside, 0755);
	mkdir(f->root, 0755);
	mkdir(f->runroot, 0755);
	f->ctx.root = f->root;
	f->ctx.runroot = f->runroot;
	brig_warn_sink(collect, f); /* the one warning sink, counted here */
	f->users = (struct image_users){ fake_lock, fake_unlock, fake_in_use, f };
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	struct brig_err e;

	remove_tree(f->tmp, &e);
	free(f);
	return 0;
}

static bool exists(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static bool exists(const char *fmt, ...)
{
	char p[PATH_MAX];
	struct stat st;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p, sizeof(p), fmt, ap);
	va_end(ap);
	return lstat(p, &st) == 0;
}

static void assert_link(const char *rootfs, const char *name, const char *target)
{
	char p[PATH_MAX], buf[PATH_MAX];
	ssize_t n;

	snprintf(p, sizeof(p), "%s/%s", rootfs, name);
	n = readlink(p, buf, sizeof(buf) - 1);
	if (n < 0)
		fail_msg("%s is not a symlink", p);
	buf[n] = '\0';
	assert_string_equal(buf, target);
}

/* Import src as ref; id (may be NULL) gets the image id. */
static int import_as(struct fixture *f, const char *src, const char *ref, char *id,
		     struct brig_err *e)
{
	struct image_import_opts o = { .ref = ref, .source = src };
	json_t *loaded = NULL;
	int r = image_import(&f->ctx, &f->users, src, &o, &loaded, e);

	if (r == 0 && id)
		snprintf(id, BRIG_ID_LEN + 1, "%s",
			 json_string_value(json_object_get(json_array_get(loaded, 0), "id")) + 7);
	json_decref(loaded);
	return r;
}

/* The top layer's directory of ref (its rootfs for a one-layer image). */
static int resolve_top(struct fixture *f, const char *ref, char *id, char *top, size_t len,
		       struct brig_err *e)
{
	struct image_info info;
	int r = image_resolve(&f->ctx, ref, &info, e);

	if (r < 0)
		return r;
	if (id)
		snprintf(id, BRIG_ID_LEN + 1, "%s", info.id);
	snprintf(top, len, "%.*s", (int)strcspn(info.lower, ":"), info.lower);
	image_info_free(&info);
	return 0;
}

static int count_dir(const struct fixture *f, const char *sub)
{
	char p[PATH_MAX];
	DIR *d;
	struct dirent *de;
	int n = 0;

	snprintf(p, sizeof(p), "%s/images/%s", f->root, sub);
	d = opendir(p);
	if (!d)
		return 0;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static int count_byid(const struct fixture *f)
{
	return count_dir(f, "by-id");
}

static void test_hostile_tar(void **state)
{
	struct fixture *f = *state;
	char evil2_target[PATH_MAX], hl2[PATH_MAX], secret[PATH_MAX];
	char id[BRIG_ID_LEN + 1], id2[BRIG_ID_LEN + 1], rootfs[PATH_MAX];
	struct brig_err e;
	struct stat a, b;

	/* evil2 -> "/" then "evil2/<tmp>/outside/pwned2": if followed, it
	 * would land in our own outside dir, never in the real /etc. */
	snprintf(evil2_target, sizeof(evil2_target), "evil2%s/pwned2", f->outside);
	snprintf(hl2, sizeof(hl2), "evil%s", "/secret");
	snprintf(secret, sizeof(secret), "%s/secret", f->outside);
	FILE *s = fopen(secret, "w");
	assert_non_null(s);
	fputs("host secret", s);
	fclose(s);

	const struct ent ents[] = {
		{ DIR_, "./", NULL },
		{ DIR_, "etc/", NULL },
		{ FILE_, "etc/hostname", "box\n" },
		{ FILE_, "../escape", "x" },
		{ FILE_, "/abs", "abs" },
		{ FILE_, "a/../../x", "x" },
		{ FILE_, "a/../inside", "ok" },
		{ SYMLINK, "evil", f->outside },
		{ FILE_, "evil/pwned", "pwned" },
		{ SYMLINK, "evil2", "/" },
		{ FILE_, evil2_target, "pwned" },
		{ HARDLINK, "hl", "/etc/passwd" },
		{ HARDLINK, "hl2", hl2 },
		{ HARDLINK, "hl3", "../../../../../../etc/passwd" },
		{ DIR_, "bin/", NULL },
		{ FILE_, "bin/busybox", "#!busybox" },
		{ SYMLINK, "bin/sh", "busybox" },
		{ SYMLINK, "bin/ls", "/bin/busybox" },
		{ HARDLINK, "bin/ash", "bin/busybox" },
		{ SYMLINK, "lib", "/usr/lib" },
	};
	write_tar(f->tar, NULL, ents, sizeof(ents) / sizeof(ents[0]));
	if (import_as(f, f->tar, "hostile", id, &e) < 0)
		fail_msg("import: %s", e.msg);
	assert_true(f->warnings >= 7);

	assert_int_equal(resolve_top(f, "hostile", id2, rootfs, sizeof(rootfs), &e), 0);
	assert_string_equal(id, id2);
	/* Nothing escaped: not next to rootfs, not in by-id, not outside. */
	assert_false(exists("%s/images/by-id/%s/escape", f->root, id));
	assert_false(exists("%s/images/by-id/escape", f->root));
	assert_false(exists("%s/images/by-id/%s/x", f->root, id));
	assert_false(exists("%s/pwned", f->outside));
	assert_false(exists("%s/pwned2", f->outside));
	assert_false(exists("%s/escape", f->tmp));
	assert_false(exists("%s/x", f->tmp));
	/* Contained or refused, and hard links never reach host files. */
	assert_true(exists("%s/abs", rootfs));
	assert_true(exists("%s/inside", rootfs));
	assert_true(exists("%s/etc/hostname", rootfs));
	assert_false(exists("%s/hl", rootfs));
	assert_false(exists("%s/hl2", rootfs));
	assert_false(exists("%s/hl3", rootfs));
	assert_false(exists("%s/evil/pwned", f->outside));
	/* Legit symlinks, relative and absolute, are kept as they are. */
	assert_link(rootfs, "bin/sh", "busybox");
	assert_link(rootfs, "bin/ls", "/bin/busybox");
	assert_link(rootfs, "lib", "/usr/lib");
	assert_link(rootfs, "evil", f->outside);
	assert_link(rootfs, "evil2", "/");
	/* A hard link inside the image is a hard link. */
	char p1[PATH_MAX], p2[PATH_MAX];
	snprintf(p1, sizeof(p1), "%s/bin/busybox", rootfs);
	snprintf(p2, sizeof(p2), "%s/bin/ash", rootfs);
	assert_int_equal(stat(p1, &a), 0);
	assert_int_equal(stat(p2, &b), 0);
	assert_int_equal(a.st_ino, b.st_ino);
}

static void test_compressions(void **state)
{
	static const struct {
		const char *name;
		int (*filter)(struct archive *);
	} cases[] = {
		{ "plain", NULL },
		{ "gz", archive_write_add_filter_gzip },
		{ "xz", archive_write_add_filter_xz },
		{ "zst", archive_write_add_filter_zstd },
		{ "bz2", archive_write_add_filter_bzip2 },
	};
	struct fixture *f = *state;
	const struct ent ents[] = {
		{ DIR_, "etc", NULL },
		{ FILE_, "etc/os-release", "ID=test\n" },
	};
	char rootfs[PATH_MAX], id[BRIG_ID_LEN + 1], p[PATH_MAX];
	struct brig_err e;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		/* Misleading suffix: detection is by content. */
		snprintf(p, sizeof(p), "%s/img-%s.bin", f->tmp, cases[i].name);
		write_tar(p, cases[i].filter, ents, 2);
		if (import_as(f, p, cases[i].name, NULL, &e) < 0)
			fail_msg("import %s: %s", cases[i].name, e.msg);
		assert_int_equal(resolve_top(f, cases[i].name, id, rootfs, sizeof(rootfs), &e), 0);
		assert_true(exists("%s/etc/os-release", rootfs));
	}
	assert_int_equal(f->warnings, 0);

	json_t *all = NULL;
	assert_int_equal(image_list(&f->ctx, &all, &e), 0);
	assert_int_equal(json_array_size(all), 5);
	/* Newest first; one layer for all five (same tar, other compression). */
	assert_string_equal(json_string_value(json_object_get(json_array_get(all, 0), "Repository")),
			    "bz2");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(all, 0), "Size")), 8);
	assert_int_equal(count_dir(f, "layers"), 1);
	json_decref(all);
}

static void test_reimport_and_rm(void **state)
{
	struct fixture *f = *state;
	const struct ent v1[] = { { FILE_, "version", "1" } };
	const struct ent v2[] = { { FILE_, "version", "2" } };
	char id1[BRIG_ID_LEN + 1], id2[BRIG_ID_LEN + 1], id[BRIG_ID_LEN + 1], top[PATH_MAX];
	struct brig_err e;
	bool untagged;
	json_t *rec = NULL;
	int removed;

	write_tar(f->tar, NULL, v1, 1);
	assert_int_equal(import_as(f, f->tar, "img", id1, &e), 0);
	write_tar(f->tar, archive_write_add_filter_gzip, v2, 1);
	assert_int_equal(import_as(f, f->tar, "img", id2, &e), 0);
	assert_string_not_equal(id1, id2);
	/* As Docker: the old image stays, untagged, until a prune. */
	assert_int_equal(count_byid(f), 2);
	assert_int_equal(resolve_top(f, "img", id, top, sizeof(top), &e), 0);
	assert_string_equal(id, id2);
	assert_true(exists("%s/version", top));

	assert_int_equal(image_inspect(&f->ctx, "img", &rec, &e), 0);
	assert_string_equal(json_string_value(json_object_get(rec, "Id")) + 7, id2);
	assert_string_equal(json_string_value(json_array_get(json_object_get(rec, "RepoTags"), 0)),
			    "img:latest");
	assert_true(json_is_string(json_object_get(rec, "Created")));
	assert_string_equal(json_string_value(json_object_get(json_object_get(rec, "Metadata"),
							      "Source")),
			    f->tar);
	json_decref(rec);

	assert_int_equal(image_tag(&f->ctx, "img", "other:1", &e), 0);
	assert_int_equal(image_remove(&f->ctx, &f->users, "img", &untagged, &e), 0);
	assert_true(untagged);
	assert_int_equal(count_byid(f), 2);
	assert_int_equal(image_remove(&f->ctx, &f->users, "other:1", &untagged, &e), 0);
	assert_false(untagged);
	assert_int_equal(count_byid(f), 1);
	assert_int_equal(image_prune(&f->ctx, &f->users, false, &removed, &e), 0);
	assert_int_equal(count_byid(f), 0);
	assert_int_equal(count_dir(f, "layers"), 0);
	assert_int_equal(resolve_top(f, "img", id, top, sizeof(top), &e), -ENOENT);
	assert_string_equal(e.msg, "image 'img': no such image");
	assert_int_equal(image_remove(&f->ctx, &f->users, "img", &untagged, &e), -ENOENT);
	assert_int_equal(image_remove(&f->ctx, &f->users, "../etc", &untagged, &e), -ENOENT);
}

static void test_failed_import_leaves_nothing(void **state)
{
	struct fixture *f = *state;
	char id[BRIG_ID_LEN + 1];
	struct brig_err e;
	FILE *g = fopen(f->tar, "w");

	assert_non_null(g);
	for (int i = 0; i < 4096; i++)
		fputc((i * 7919) & 0xff, g);
	fclose(g);
	assert_true(import_as(f, f->tar, "junk", id, &e) < 0);
	assert_int_equal(count_byid(f), 0);
	assert_int_equal(count_dir(f, "layers"), 0);
	assert_int_equal(count_dir(f, "tmp"), 0);
	/* A truncated gzip tarball fails too, after extracting a part. */
	const struct ent big[] = { { FILE_, "a", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" },
				   { FILE_, "b", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb" } };
	write_tar(f->tar, archive_write_add_filter_gzip, big, 2);
	assert_int_equal(truncate(f->tar, 60), 0);
	assert_true(import_as(f, f->tar, "junk", id, &e) < 0);
	assert_int_equal(count_byid(f), 0);
	/* Missing file and bad names are refused up front. */
	assert_true(import_as(f, "/nonexistent.tar", "junk", id, &e) < 0);
	assert_true(import_as(f, f->tar, "../bad", id, &e) < 0);
	assert_int_equal(count_byid(f), 0);
}

static void test_dir_import(void **state)
{
	struct fixture *f = *state;
	char src[PATH_MAX], p[PATH_MAX], rootfs[PATH_MAX], id[BRIG_ID_LEN + 1];
	struct brig_err e;

	snprintf(src, sizeof(src), "%s/srcdir/bin", f->tmp);
	assert_int_equal(mkdir_p(src, 0755, &e), 0);
	snprintf(p, sizeof(p), "%s/busybox", src);
	assert_int_equal(write_atomic(p, "bb", 2, &e), 0);
	snprintf(p, sizeof(p), "%s/sh", src);
	assert_int_equal(symlink("/bin/busybox", p), 0);
	snprintf(src, sizeof(src), "%s/srcdir", f->tmp);
	if (import_as(f, src, "fromdir", id, &e) < 0)
		fail_msg("import dir: %s", e.msg);
	assert_int_equal(resolve_top(f, "fromdir", id, rootfs, sizeof(rootfs), &e), 0);
	assert_true(exists("%s/bin/busybox", rootfs));
	assert_link(rootfs, "bin/sh", "/bin/busybox");
	assert_int_equal(f->warnings, 0);
}

static void test_in_use(void **state)
{
	struct fixture *f = *state;
	const struct ent v1[] = { { FILE_, "version", "1" } };
	char id1[BRIG_ID_LEN + 1], id2[BRIG_ID_LEN + 1];
	struct brig_err e;
	bool untagged;
	int removed = -1;

	write_tar(f->tar, NULL, v1, 1);
	assert_int_equal(import_as(f, f->tar, "busybox", id1, &e), 0);
	snprintf(f->used_id, sizeof(f->used_id), "%s", id1);

	assert_int_equal(image_remove(&f->ctx, &f->users, "busybox", &untagged, &e), -EBUSY);
	assert_string_equal(e.msg, "image busybox is in use by a container");
	assert_int_equal(f->locked, 0);
	/* No lock, no removal. */
	f->lock_fail = EAGAIN;
	assert_int_equal(image_remove(&f->ctx, &f->users, "busybox", &untagged, &e), -EAGAIN);
	f->lock_fail = 0;
	/* Re-import moves the name; the used image stays. */
	assert_int_equal(import_as(f, f->tar, "busybox", id2, &e), 0);
	assert_int_equal(count_byid(f), 2);
	/* While it is used, prune keeps it; once the container is gone, prune
	 * reclaims it. */
	assert_int_equal(image_prune(&f->ctx, &f->users, false, &removed, &e), 0);
	assert_int_equal(removed, 0);
	f->used_id[0] = '\0';
	assert_int_equal(image_prune(&f->ctx, &f->users, false, &removed, &e), 0);
	assert_int_equal(removed, 1);
	assert_int_equal(count_byid(f), 1);
	assert_int_equal(image_remove(&f->ctx, &f->users, "busybox", &untagged, &e), 0);
	assert_int_equal(f->locked, 0);
}

static void test_extract_buf(void **state)
{
	struct fixture *f = *state;
	const char junk[] = "not a tar at all";
	struct brig_err e;

	assert_true(image_extract_buf(junk, sizeof(junk), f->outside, &e) < 0);
	assert_true(image_extract_buf("", 0, f->outside, &e) < 0 ||
		    f->warnings == 0);
}

/* The tests write tarballs through the same lazily loaded libarchive as
 * the image store, which loads it before its first call. */
static int load_libarchive(void **state)
{
	struct brig_err e;

	(void)state;
	if (archive_library_load(&e) < 0) {
		fprintf(stderr, "%s\n", e.msg);
		return -1;
	}
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_hostile_tar, setup, teardown),
		cmocka_unit_test_setup_teardown(test_compressions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reimport_and_rm, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_import_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dir_import, setup, teardown),
		cmocka_unit_test_setup_teardown(test_in_use, setup, teardown),
		cmocka_unit_test_setup_teardown(test_extract_buf, setup, teardown),
	};
	return cmocka_run_group_tests(tests, load_libarchive, NULL);
}
