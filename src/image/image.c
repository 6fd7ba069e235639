/* image.c - the image store: import (safe tar extraction), resolve, list,
 * inspect, remove, prune.  See image.h for the on-disk layout. */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "archive_lazy.h"
#include "image.h"
#include "warn.h"

static inline void archive_readp(struct archive **a)
{
	if (*a)
		archive_read_free(*a);
}
static inline void archive_writep(struct archive **a)
{
	if (*a)
		archive_write_free(*a);
}
#define cleanup_aread __attribute__((cleanup(archive_readp)))
#define cleanup_awrite __attribute__((cleanup(archive_writep)))

/* ---- paths ---------------------------------------------------------- */

static int images_path(const struct brig_ctx *c, const char *sub, char *out, size_t len,
		       struct brig_err *e)
{
	int n = snprintf(out, len, "%s/images%s%s", c->root, sub ? "/" : "", sub ? sub : "");
	if (n < 0 || (size_t)n >= len)
		return brig_errf(e, ENAMETOOLONG, "images path under %s: too long", c->root);
	return 0;
}

static bool valid_id(const char *id)
{
	size_t n = 0;

	for (; id && id[n]; n++)
		if (!((id[n] >= '0' && id[n] <= '9') || (id[n] >= 'a' && id[n] <= 'f')))
			return false;
	return n == BRIG_ID_LEN;
}

/* Serialise writers of the store (import, rm, prune). */
static int images_lock(const struct brig_ctx *c, struct brig_err *e)
{
	char path[PATH_MAX];
	int fd;

	if (images_path(c, NULL, path, sizeof(path), e) < 0 || mkdir_p(path, 0700, e) < 0 ||
	    images_path(c, ".lock", path, sizeof(path), e) < 0)
		return -e->code;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return brig_errno(e, "open %s", path);
	while (flock(fd, LOCK_EX) < 0) {
		if (errno != EINTR) {
			int r = brig_errno(e, "lock %s", path);
			close(fd);
			return r;
		}
	}
	return fd;
}

/* ---- extraction ------------------------------------------------------ */

/* Map an archive member name to a path relative to the image root, or
 * refuse it.  Absolute names are contained (read relative to the root, as
 * GNU tar does) and "." / ".." are resolved lexically; a name whose ".."
 * would climb above the root is refused.  rel is "." for the root itself.
 * Returns 1 when the name was altered in a way worth a warning. */
static int contain_name(const char *name, char *rel, size_t len, struct brig_err *e)
{
	char buf[PATH_MAX];

	if (!name || !*name)
		return brig_errf(e, EINVAL, "empty name");
	if (safe_join("", name, buf, sizeof(buf), e) < 0)
		return brig_errf(e, EINVAL, "path escapes the image");
	if (snprintf(rel, len, "%s", buf[1] ? buf + 1 : ".") >= (int)len)
		return brig_errf(e, ENAMETOOLONG, "name too long");
	return name[0] == '/';
}

/* A hard link's target must already exist inside the image, reached
 * without passing through a symlink (link(2) follows symlinks in the
 * leading components, and "evil -> /" then "x => evil/etc/shadow" would
 * link a host file into the image).  dirfd is the image root. */
static int check_link_target(int dirfd, const char *rel, struct brig_err *e)
{
	char buf[PATH_MAX];
	cleanup_close int cur = -1;
	char *p, *slash;
	struct stat st;

	snprintf(buf, sizeof(buf), "%s", rel);
	cur = dup(dirfd);
	if (cur < 0)
		return brig_errno(e, "dup");
	for (p = buf; (slash = strchr(p, '/')); p = slash + 1) {
		*slash = '\0';
		int next = openat(cur, p, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0)
			return brig_errf(e, EINVAL, "link target '%s' leaves the image or does not exist",
					 rel);
		close(cur);
		cur = next;
	}
	if (fstatat(cur, p, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return brig_errf(e, ENOENT, "link target '%s' does not exist", rel);
	if (S_ISDIR(st.st_mode))
		return brig_errf(e, EINVAL, "link target '%s' is a directory", rel);
	return 0;
}

static int copy_data(struct archive *in, struct archive *out, struct brig_err *e)
{
	const void *buf;
	size_t size;
	la_int64_t off;
	int r;

	for (;;) {
		r = archive_read_data_block(in, &buf, &size, &off);
		if (r == ARCHIVE_EOF)
			return 0;
		if (r < ARCHIVE_WARN)
			return brig_errf(e, EIO, "%s", archive_error_string(in));
		if (archive_write_data_block(out, buf, size, off) < ARCHIVE_WARN)
			return brig_errf(e, EIO, "%s", archive_error_string(out));
	}
}

struct extract {
	struct archive *in;
	const char *strip; /* disk source: prefix to drop from names */
	const char *base;  /* absolute destination prefix, or NULL: cwd is dest */
	int dirfd;         /* the destination directory */
	bool disk;         /* in is an archive_read_disk */
};

/* Names as written: relative to cwd (tarballs, so that libarchive's
 * NOABSOLUTEPATHS guard applies too) or base + "/" + rel (directories). */
static int out_name(const struct extract *x, const char *rel, char *out, size_t len)
{
	int n = x->base ? snprintf(out, len, "%s/%s", x->base, rel) : snprintf(out, len, "%s", rel);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static int extract_loop(struct extract *x, struct brig_err *e)
{
	/* SECURE_*: libarchive refuses names with "..", absolute names, and
	 * any path whose existing components are symlinks, so a symlink laid
	 * down by an earlier entry (evil -> /) is never followed.  Ownership
	 * is numeric (no name lookup: host names mean nothing in an image). */
	int flags = ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_XATTR |
		    ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT;
	cleanup_awrite struct archive *out = archive_write_disk_new();
	struct archive_entry *entry = archive_entry_new();
	int count = 0, r;

	if (!x->base)
		flags |= ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS;
	if (geteuid() == 0)
		flags |= ARCHIVE_EXTRACT_OWNER;
	if (!out || !entry) {
		archive_entry_free(entry);
		return brig_errf(e, ENOMEM, "libarchive: out of memory");
	}
	archive_write_disk_set_options(out, flags);

	for (;;) {
		char rel[PATH_MAX], path[PATH_MAX], name[PATH_MAX];
		const char *src, *link;
		struct brig_err why;
		int altered;

		archive_entry_clear(entry);
		r = archive_read_next_header2(x->in, entry);
		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			brig_errf(e, EIO, "read archive: %s", archive_error_string(x->in));
			goto fail;
		}
		if (x->disk)
			archive_read_disk_descend(x->in);
		src = archive_entry_pathname(entry);
		if (!src) {
			brig_warn("skipped an entry: name is not readable");
			continue;
		}
		snprintf(name, sizeof(name), "%s", src);
		if (x->strip) {
			size_t n = strlen(x->strip);
			src = strncmp(src, x->strip, n) == 0 ? src + n : src;
			if (!*src)
				src = "."; /* the source directory itself */
		}
		altered = contain_name(src, rel, sizeof(rel), &why);
		if (altered < 0) {
			brig_warn("skipped '%s': %s", name, why.msg);
			continue;
		}
		if (altered && !x->disk && strcmp(rel, ".") != 0)
			brig_warn("'%s': leading '/' removed, extracted as '%s'", name,
			      rel);
		if (out_name(x, rel, path, sizeof(path)) < 0) {
			brig_warn("skipped '%s': name too long", name);
			continue;
		}
		archive_entry_copy_pathname(entry, path);

		link = archive_entry_hardlink(entry);
		if (link) {
			char lrel[PATH_MAX], lpath[PATH_MAX];
			if (x->strip && strncmp(link, x->strip, strlen(x->strip)) == 0)
				link += strlen(x->strip);
			if (contain_name(link, lrel, sizeof(lrel), &why) < 0 ||
			    check_link_target(x->dirfd, lrel, &why) < 0 ||
			    out_name(x, lrel, lpath, sizeof(lpath)) < 0) {
				brig_warn("skipped '%s': hard link to '%s': %s", name,
				      link, why.msg);
				continue;
			}
			archive_entry_copy_hardlink(entry, lpath);
		}

		r = archive_write_header(out, entry);
		if (r == ARCHIVE_FATAL) {
			brig_errf(e, EIO, "extract '%s': %s", name, archive_error_string(out));
			goto fail;
		}
		if (r < ARCHIVE_WARN) {
			brig_warn("skipped '%s': %s", name, archive_error_string(out));
			continue;
		}
		if (r == ARCHIVE_WARN)
			brig_warn("'%s': %s", name, archive_error_string(out));
		if (archive_entry_size(entry) > 0 && copy_data(x->in, out, e) < 0) {
			brig_err_ctx(e, "extract '%s'", name);
			goto fail;
		}
		r = archive_write_finish_entry(out);
		if (r == ARCHIVE_FATAL) {
			brig_errf(e, EIO, "extract '%s': %s", name, archive_error_string(out));
			goto fail;
		}
		if (r < ARCHIVE_OK)
			brig_warn("'%s': %s", name, archive_error_string(out));
		count++;
	}
	archive_entry_free(entry);
	entry = NULL;
	/* Directory modes and times are applied here (deferred by libarchive
	 * so read-only directories can still be filled). */
	if (archive_write_close(out) < ARCHIVE_WARN)
		return brig_errf(e, EIO, "extract: %s", archive_error_string(out));
	return count;
fail:
	archive_entry_free(entry);
	return -e->code;
}

/* Register only the decompressors libarchive implements in-process: the
 * catch-all would fall back to exec'ing lrzip, lzop, grzip... on content an
 * archive author chose.  Likewise only tar is read: format_all includes
 * mtree, whose "contents=" keyword reads arbitrary host files. */
static struct archive *tar_reader(struct brig_err *e)
{
	static int (*const filters[])(struct archive *) = {
		archive_read_support_filter_gzip,  archive_read_support_filter_bzip2,
		archive_read_support_filter_xz,    archive_read_support_filter_lzma,
		archive_read_support_filter_zstd,  archive_read_support_filter_compress,
	};
	struct archive *a;

	if (archive_library_load(e) < 0)
		return NULL;
	a = archive_read_new();
	if (!a) {
		brig_errf(e, ENOMEM, "libarchive: out of memory");
		return NULL;
	}
	for (size_t i = 0; i < ARRAY_SIZE(filters); i++) {
		if (filters[i](a) != ARCHIVE_OK) {
			/* ARCHIVE_WARN means "would use an external program". */
			brig_errf(e, ENOTSUP, "libarchive: %s", archive_error_string(a));
			archive_read_free(a);
			return NULL;
		}
	}
	archive_read_support_format_tar(a);
	return a;
}

/* Extract the opened tar a into dest: cwd moves to dest for the duration
 * so that every name libarchive sees is relative. */
static int extract_tar(struct archive *a, const char *dest,
		       struct brig_err *e)
{
	cleanup_close int dfd = open(dest, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct extract x = { .in = a, .dirfd = dfd };
	int r;

	if (dfd < 0)
		return brig_errno(e, "open %s", dest);
	if (cwd < 0)
		return brig_errno(e, "open current directory");
	if (fchdir(dfd) < 0)
		return brig_errno(e, "chdir %s", dest);
	r = extract_loop(&x, e);
	if (fchdir(cwd) < 0 && r >= 0)
		r = brig_errno(e, "chdir back");
	return r;
}

int image_extract_file(const char *path, const char *dest, struct brig_err *e)
{
	cleanup_aread struct archive *a = tar_reader(e);

	if (!a)
		return -e->code;
	/* Errors name no path: the caller (import) says which file. */
	if (archive_read_open_filename(a, path, 64 * 1024) != ARCHIVE_OK)
		return brig_errf(e, archive_errno(a) > 0 ? archive_errno(a) : EINVAL, "%s",
				 archive_error_string(a));
	return extract_tar(a, dest, e);
}

int image_extract_buf(const void *buf, size_t len, const char *dest, struct brig_err *e)
{
	cleanup_aread struct archive *a = tar_reader(e);

	if (!a)
		return -e->code;
	if (archive_read_open_memory(a, buf, len) != ARCHIVE_OK)
		return brig_errf(e, EINVAL, "archive: %s", archive_error_string(a));
	return extract_tar(a, dest, e);
}

/* Copy a directory tree with libarchive's disk reader (symlinks as links,
 * same filesystem only).  The reader moves cwd itself, so names written are
 * absolute under the resolved dest. */
static int copy_tree(const char *src, const char *dest,
		     struct brig_err *e)
{
	cleanup_aread struct archive *a = archive_read_disk_new();
	cleanup_free char *rsrc = realpath(src, NULL);
	cleanup_free char *rdest = realpath(dest, NULL);
	cleanup_close int dfd = -1;
	char strip[PATH_MAX];
	struct extract x = { .disk = true };

	if (!a)
		return brig_errf(e, ENOMEM, "libarchive: out of memory");
	if (!rsrc)
		return brig_errno(e, "%s", src);
	if (!rdest)
		return brig_errno(e, "%s", dest);
	dfd = open(rdest, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return brig_errno(e, "open %s", rdest);
	archive_read_disk_set_symlink_physical(a);
	archive_read_disk_set_behavior(a, ARCHIVE_READDISK_NO_TRAVERSE_MOUNTS);
	if (archive_read_disk_open(a, rsrc) != ARCHIVE_OK)
		return brig_errf(e, EIO, "%s: %s", src, archive_error_string(a));
	snprintf(strip, sizeof(strip), "%s", strcmp(rsrc, "/") ? rsrc : "");
	x.in = a;
	x.strip = strip;
	x.base = rdest;
	x.dirfd = dfd;
	return extract_loop(&x, e);
}

/* ---- records ---------------------------------------------------------- */

static int record_path(const struct brig_ctx *c, const char *name, char *out, size_t len,
		       struct brig_err *e)
{
	char file[80];

	if (!valid_name(name))
		return brig_errf(e, ENOENT, "image '%s': no such image", name);
	snprintf(file, sizeof(file), "%s.json", name);
	return images_path(c, file, out, len, e);
}

static int load_record(const struct brig_ctx *c, const char *name, json_t **out,
		       struct brig_err *e)
{
	char path[PATH_MAX];
	cleanup_free char *text = NULL;
	json_error_t jerr;
	json_t *j;

	if (record_path(c, name, path, sizeof(path), e) < 0)
		return -e->code;
	if (access(path, F_OK) < 0 && errno == ENOENT)
		return brig_errf(e, ENOENT, "image '%s': no such image", name);
	if (read_file(path, &text, NULL, e) < 0)
		return brig_err_ctx(e, "image '%s'", name);
	j = json_loads(text, 0, &jerr);
	if (!j || !json_is_object(j) || !valid_id(json_string_value(json_object_get(j, "id")))) {
		json_decref(j);
		return brig_errf(e, EINVAL, "image '%s': corrupt record %s", name, path);
	}
	*out = j;
	return 0;
}

static int id_dir(const struct brig_ctx *c, const char *id, char *out, size_t len,
		  struct brig_err *e)
{
	char sub[BRIG_ID_LEN + 8];

	snprintf(sub, sizeof(sub), "by-id/%s", id);
	return images_path(c, sub, out, len, e);
}

int image_resolve(const struct brig_ctx *c, const char *name, char id[BRIG_ID_LEN + 1],
		  char *rootfs, size_t len, struct brig_err *e)
{
	cleanup_json json_t *rec = NULL;
	char dir[PATH_MAX];

	if (load_record(c, name, &rec, e) < 0)
		return -e->code;
	snprintf(id, BRIG_ID_LEN + 1, "%s", json_string_value(json_object_get(rec, "id")));
	if (!rootfs)
		return 0;
	if (id_dir(c, id, dir, sizeof(dir), e) < 0)
		return -e->code;
	if (snprintf(rootfs, len, "%s/rootfs", dir) >= (int)len)
		return brig_errf(e, ENAMETOOLONG, "image '%s': path too long", name);
	if (access(rootfs, F_OK) < 0)
		return brig_errno(e, "image '%s': rootfs %s", name, rootfs);
	return 0;
}

int image_inspect(const struct brig_ctx *c, const char *name, json_t **out, struct brig_err *e)
{
	return load_record(c, name, out, e);
}

static int by_name(const void *a, const void *b)
{
	const json_t *const *x = a, *const *y = b;

	return strcmp(json_string_value(json_object_get(*x, "name")),
		      json_string_value(json_object_get(*y, "name")));
}

int image_list(const struct brig_ctx *c, json_t **out, struct brig_err *e)
{
	char dir[PATH_MAX];
	cleanup_dir DIR *d = NULL;
	cleanup_free json_t **recs = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	json_t *arr;

	if (images_path(c, NULL, dir, sizeof(dir), e) < 0)
		return -e->code;
	arr = json_array();
	if (!arr)
		return brig_errf(e, ENOMEM, "out of memory");
	d = opendir(dir);
	if (!d) {
		if (errno == ENOENT) {
			*out = arr;
			return 0;
		}
		json_decref(arr);
		return brig_errno(e, "open %s", dir);
	}
	while ((de = readdir(d))) {
		char name[256];
		size_t l = strlen(de->d_name);
		json_t *rec;
		struct brig_err ignored;

		if (l <= 5 || strcmp(de->d_name + l - 5, ".json") || de->d_name[0] == '.')
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(l - 5), de->d_name);
		if (load_record(c, name, &rec, &ignored) < 0)
			continue; /* corrupt or vanished: not listed */
		if (!json_is_string(json_object_get(rec, "name")))
			json_object_set_new(rec, "name", json_string(name));
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			json_t **nr = realloc(recs, cap * sizeof(*nr));
			if (!nr) {
				json_decref(rec);
				break;
			}
			recs = nr;
		}
		recs[n++] = rec;
	}
	if (n)
		qsort(recs, n, sizeof(*recs), by_name);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, recs[i]);
	*out = arr;
	return 0;
}

/* Remove an id directory unless one of users still uses it. */
static int drop_id(const struct brig_ctx *c, const struct image_users *users, const char *id,
		   struct brig_err *e)
{
	char dir[PATH_MAX];
	bool used = false;

	if (users->in_use(users->arg, id, &used, e) < 0)
		return -e->code;
	if (used)
		return 0;
	if (id_dir(c, id, dir, sizeof(dir), e) < 0)
		return -e->code;
	return remove_tree(dir, e);
}

int image_import(const struct brig_ctx *c, const struct image_users *users, const char *src,
		 const char *name, char id_out[BRIG_ID_LEN + 1], struct brig_err *e)
{
	char byid[PATH_MAX], tmp[PATH_MAX], rootfs[PATH_MAX], final[PATH_MAX], rec[PATH_MAX];
	char id[BRIG_ID_LEN + 1], old[BRIG_ID_LEN + 1] = "", created[64];
	cleanup_close int lock = -1;
	cleanup_json json_t *oldrec = NULL;
	cleanup_json json_t *j = NULL;
	cleanup_free char *text = NULL;
	cleanup_free char *abs_src = NULL;
	struct stat st;
	int n, r;

	if (!valid_name(name))
		return brig_errf(e, EINVAL,
				 "invalid image name '%s': use [a-zA-Z0-9][a-zA-Z0-9_.-]*, at most 63 chars",
				 name);
	if (archive_library_load(e) < 0)
		return -e->code;
	if (stat(src, &st) < 0)
		return brig_errno(e, "import %s", src);
	abs_src = realpath(src, NULL);
	if (images_path(c, "by-id", byid, sizeof(byid), e) < 0 || mkdir_p(byid, 0700, e) < 0 ||
	    gen_id(id, e) < 0)
		return -e->code;
	n = snprintf(tmp, sizeof(tmp), "%s/.tmp-%s", byid, id);
	if (n < 0 || (size_t)n + 8 >= sizeof(tmp))
		return brig_errf(e, ENAMETOOLONG, "import: path too long");
	if (snprintf(rootfs, sizeof(rootfs), "%s/rootfs", tmp) >= (int)sizeof(rootfs) ||
	    snprintf(final, sizeof(final), "%s/%s", byid, id) >= (int)sizeof(final))
		return brig_errf(e, ENAMETOOLONG, "import: path too long");
	/* 0700: setuid binaries in an image stay out of reach of host users. */
	if (mkdir(tmp, 0700) < 0)
		return brig_errno(e, "mkdir %s", tmp);
	if (mkdir(rootfs, 0755) < 0) {
		r = brig_errno(e, "mkdir %s", rootfs);
		goto fail_tmp;
	}
	if (S_ISDIR(st.st_mode))
		r = copy_tree(src, rootfs, e);
	else
		r = image_extract_file(src, rootfs, e);
	if (r < 0) {
		brig_err_ctx(e, "import %s", src);
		goto fail_tmp;
	}
	if (r == 0 && !S_ISDIR(st.st_mode)) {
		r = brig_errf(e, EINVAL, "import %s: archive has no usable entries", src);
		goto fail_tmp;
	}

	j = json_pack("{s:s, s:s, s:s, s:I, s:s}", "name", name, "id", id, "created",
		      rfc3339(now_ns(), created, sizeof(created)), "size",
		      (json_int_t)tree_size(rootfs), "source", abs_src ? abs_src : src);
	text = j ? json_dumps(j, JSON_INDENT(2)) : NULL;
	if (!text) {
		r = brig_errf(e, ENOMEM, "import: out of memory");
		goto fail_tmp;
	}
	if (rename(tmp, final) < 0) {
		r = brig_errno(e, "rename %s", tmp);
		goto fail_tmp;
	}

	/* From here the name switches atomically from the old id to the new. */
	lock = images_lock(c, e);
	if (lock < 0) {
		r = lock;
		goto fail_final;
	}
	if (load_record(c, name, &oldrec, e) == 0)
		snprintf(old, sizeof(old), "%s", json_string_value(json_object_get(oldrec, "id")));
	if (record_path(c, name, rec, sizeof(rec), e) < 0 ||
	    write_atomic(rec, text, strlen(text), e) < 0) {
		r = -e->code;
		goto fail_final;
	}
	if (old[0] && strcmp(old, id) != 0) {
		struct brig_err ignored;
		/* The new image is in place; failing to reclaim the old one
		 * leaves an orphan for "image prune", not a failed import. */
		drop_id(c, users, old, &ignored);
	}
	if (id_out)
		snprintf(id_out, BRIG_ID_LEN + 1, "%s", id);
	return 0;

fail_final: {
	struct brig_err ignored;
	remove_tree(final, &ignored);
	return r;
}
fail_tmp: {
	struct brig_err ignored;
	remove_tree(tmp, &ignored);
	return r;
}
}

int image_remove(const struct brig_ctx *c, const struct image_users *users, const char *name,
		 struct brig_err *e)
{
	cleanup_close int lock = -1;
	cleanup_json json_t *rec = NULL;
	char path[PATH_MAX], dir[PATH_MAX], id[BRIG_ID_LEN + 1];
	bool used = false;
	int slock;

	lock = images_lock(c, e);
	if (lock < 0)
		return lock;
	if (load_record(c, name, &rec, e) < 0)
		return -e->code;
	snprintf(id, sizeof(id), "%s", json_string_value(json_object_get(rec, "id")));
	/* Hold the users' lock so no "run" can start using the image
	 * between the check and the removal. */
	slock = users->lock(users->arg, e);
	if (slock < 0)
		return slock;
	if (users->in_use(users->arg, id, &used, e) < 0) {
		users->unlock(users->arg, slock);
		return brig_err_ctx(e, "image %s", name);
	}
	if (used) {
		users->unlock(users->arg, slock);
		return brig_errf(e, EBUSY, "image %s is in use by a container", name);
	}
	if (record_path(c, name, path, sizeof(path), e) < 0 || id_dir(c, id, dir, sizeof(dir), e) < 0) {
		users->unlock(users->arg, slock);
		return -e->code;
	}
	if (unlink(path) < 0) {
		users->unlock(users->arg, slock);
		return brig_errno(e, "remove %s", path);
	}
	users->unlock(users->arg, slock);
	if (remove_tree(dir, e) < 0)
		return brig_err_ctx(e, "image %s", name);
	return 0;
}

int image_prune(const struct brig_ctx *c, const struct image_users *users, int *removed,
		struct brig_err *e)
{
	cleanup_close int lock = -1;
	cleanup_json json_t *all = NULL;
	cleanup_dir DIR *d = NULL;
	char byid[PATH_MAX];
	struct dirent *de;
	int count = 0;

	if (removed)
		*removed = 0;
	lock = images_lock(c, e);
	if (lock < 0)
		return lock;
	if (image_list(c, &all, e) < 0 || images_path(c, "by-id", byid, sizeof(byid), e) < 0)
		return -e->code;
	d = opendir(byid);
	if (!d)
		return errno == ENOENT ? 0 : brig_errno(e, "open %s", byid);
	while ((de = readdir(d))) {
		char path[PATH_MAX];
		bool named = false, used = false;
		size_t i;
		json_t *rec;

		if (strncmp(de->d_name, ".tmp-", 5) == 0) {
			/* An interrupted import; a live one would hold no lock
			 * yet, so only old leftovers (> 1 hour) go. */
			struct stat st;
			if (snprintf(path, sizeof(path), "%s/%s", byid, de->d_name) >= (int)sizeof(path))
				continue;
			if (lstat(path, &st) == 0 && st.st_mtime < now_ns() / 1000000000 - 3600 &&
			    remove_tree(path, e) == 0)
				count++;
			continue;
		}
		if (!valid_id(de->d_name))
			continue;
		json_array_foreach(all, i, rec)
			if (strcmp(json_string_value(json_object_get(rec, "id")), de->d_name) == 0)
				named = true;
		if (named || users->in_use(users->arg, de->d_name, &used, e) < 0 || used)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", byid, de->d_name) >= (int)sizeof(path))
			continue;
		if (remove_tree(path, e) < 0)
			return -e->code;
		count++;
	}
	if (removed)
		*removed = count;
	return 0;
}
