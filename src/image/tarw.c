/* tarw.c - a directory tree as a layer tar (tarw.h). */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "archive_lazy.h"
#include "cleanup.h"
#include "extract.h"
#include "io.h"
#include "tarw.h"

#define OVERLAY_XATTR "trusted.overlay."

struct tarw {
	struct archive *out;
	struct sha256 h;
	long long bytes;
	int fd;
	char buf[64 * 1024];
};

static la_ssize_t tarw_out(struct archive *a, void *arg, const void *buf, size_t n)
{
	struct tarw *w = arg;

	(void)a;
	if (write_all(w->fd, buf, n) < 0)
		return -1;
	sha256_update(&w->h, buf, n);
	w->bytes += (long long)n;
	return (la_ssize_t)n;
}

static int write_failed(struct tarw *w, const char *name, struct brig_err *e)
{
	int code = archive_errno(w->out) > 0 ? archive_errno(w->out) : EIO;

	return brig_errf(e, code, "write '%s': %s", name, archive_error_string(w->out));
}

/* An empty regular file entry (a whiteout) named name. */
static int put_marker(struct tarw *w, const char *name, struct brig_err *e)
{
	struct archive_entry *m = archive_entry_new();
	int r;

	if (!m)
		return brig_errf(e, ENOMEM, "out of memory");
	archive_entry_copy_pathname(m, name);
	archive_entry_set_filetype(m, AE_IFREG);
	archive_entry_set_perm(m, 0644);
	archive_entry_set_size(m, 0);
	r = archive_write_header(w->out, m);
	archive_entry_free(m);
	return r < ARCHIVE_WARN ? write_failed(w, name, e) : 0;
}

static int copy_body(struct tarw *w, const char *path, const char *name, struct brig_err *e)
{
	cleanup_close int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return brig_errno(e, "open %s", path);
	while ((n = read(fd, w->buf, sizeof(w->buf))) > 0)
		if (archive_write_data(w->out, w->buf, (size_t)n) < 0)
			return write_failed(w, name, e);
	return n < 0 ? brig_errno(e, "read %s", path) : 0;
}

/* One entry of the walk, with its whiteout translation. */
static int put_entry(struct tarw *w, struct archive_entry *entry, const char *rel,
		     struct brig_err *e)
{
	const char *src = archive_entry_sourcepath(entry);
	char name[PATH_MAX + 16];
	char opaque[2] = "";
	mode_t type = archive_entry_filetype(entry);

	if (type == AE_IFCHR && archive_entry_rdev(entry) == makedev(0, 0)) {
		const char *slash = strrchr(rel, '/');
		snprintf(name, sizeof(name), "%.*s.wh.%s", slash ? (int)(slash - rel + 1) : 0, rel,
			 slash ? slash + 1 : rel);
		return put_marker(w, name, e);
	}
	/* user.overlay.*: a rootless container's upper (overlay's userxattr) */
	if (type == AE_IFDIR && src && getxattr(src, OVERLAY_XATTR "opaque", opaque, 1) < 0)
		getxattr(src, "user.overlay.opaque", opaque, 1);
	extract_drop_overlay_xattrs(entry);
	snprintf(name, sizeof(name), "%s%s", rel, type == AE_IFDIR ? "/" : "");
	archive_entry_copy_pathname(entry, name);
	if (archive_write_header(w->out, entry) < ARCHIVE_WARN)
		return write_failed(w, rel, e);
	if (type == AE_IFREG && archive_entry_size(entry) > 0 && src &&
	    copy_body(w, src, rel, e) < 0)
		return -e->code;
	if (opaque[0] == 'y') {
		snprintf(name, sizeof(name), "%s/.wh..wh..opq", rel);
		return put_marker(w, name, e);
	}
	return 0;
}

/* Walk dir with libarchive's disk reader; hard links are linked. */
static int walk(struct tarw *w, const char *dir, struct brig_err *e)
{
	struct archive *disk = archive_read_disk_new();
	struct archive_entry_linkresolver *lr = archive_entry_linkresolver_new();
	struct archive_entry *entry = archive_entry_new(), *spare;
	size_t skip = strlen(dir);
	int r = 0;

	if (!disk || !lr || !entry) {
		r = brig_errf(e, ENOMEM, "out of memory");
		goto out;
	}
	archive_entry_linkresolver_set_strategy(lr, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED);
	archive_read_disk_set_symlink_physical(disk);
	archive_read_disk_set_behavior(disk, ARCHIVE_READDISK_NO_TRAVERSE_MOUNTS);
	if (archive_read_disk_open(disk, dir) != ARCHIVE_OK) {
		r = brig_errf(e, EIO, "%s: %s", dir, archive_error_string(disk));
		goto out;
	}
	while (r == 0) {
		archive_entry_clear(entry);
		int h = archive_read_next_header2(disk, entry);
		if (h == ARCHIVE_EOF)
			break;
		if (h < ARCHIVE_WARN) {
			r = brig_errf(e, EIO, "%s: %s", dir, archive_error_string(disk));
			break;
		}
		archive_read_disk_descend(disk);
		const char *path = archive_entry_pathname(entry);
		if (!path || strlen(path) <= skip + 1)
			continue; /* the directory itself */
		char rel[PATH_MAX];
		snprintf(rel, sizeof(rel), "%s", path + skip + 1);
		struct archive_entry *cur = archive_entry_clone(entry);
		if (!cur) {
			r = brig_errf(e, ENOMEM, "out of memory");
			break;
		}
		archive_entry_copy_sourcepath(cur, path);
		archive_entry_linkify(lr, &cur, &spare);
		if (cur)
			r = put_entry(w, cur, rel, e);
		archive_entry_free(cur);
	}
out:
	if (entry)
		archive_entry_free(entry);
	if (lr)
		archive_entry_linkresolver_free(lr);
	if (disk)
		archive_read_free(disk);
	return r;
}

int tarw_dir(const char *dir, int fd, char diff_id[DIGEST_MAX], long long *bytes,
	     struct brig_err *e)
{
	struct tarw *w;
	int r;

	if (archive_library_load(e) < 0)
		return -e->code;
	w = calloc(1, sizeof(*w));
	if (!w)
		return brig_errf(e, ENOMEM, "out of memory");
	w->fd = fd;
	if (sha256_init(&w->h, e) < 0 || !(w->out = archive_write_new())) {
		free(w);
		return e->code ? -e->code : brig_errf(e, ENOMEM, "out of memory");
	}
	archive_write_set_format_pax_restricted(w->out);
	archive_write_set_bytes_in_last_block(w->out, 1);
	if (archive_write_open(w->out, w, NULL, tarw_out, NULL) != ARCHIVE_OK)
		r = write_failed(w, dir, e);
	else
		r = walk(w, dir, e);
	if (r == 0 && archive_write_close(w->out) != ARCHIVE_OK)
		r = write_failed(w, dir, e);
	archive_write_free(w->out);
	if (r == 0 && diff_id) {
		memcpy(diff_id, "sha256:", 7);
		sha256_final(&w->h, diff_id + 7);
	}
	if (bytes)
		*bytes = w->bytes;
	sha256_free(&w->h);
	free(w);
	return r;
}
