/* extract.c - safe, hashing extraction of layers (extract.h). */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "archive_lazy.h"
#include "cleanup.h"
#include "extract.h"
#include "hasher.h"
#include "split.h"
#include "util.h"
#include "rootless.h"
#include "warn.h"

#define CHUNK (128 * 1024)
#define WHITEOUT ".wh."
#define OPAQUE ".wh..wh..opq"
#define OVERLAY_XATTR "trusted.overlay."
/* overlay in a user namespace (userxattr, rootless brig) reads these */
#define OVERLAY_USER_XATTR "user.overlay."

static inline void archive_freep(struct archive **a)
{
	if (*a)
		archive_read_free(*a);
}
#define cleanup_aread __attribute__((cleanup(archive_freep)))

/* ---- names ------------------------------------------------------------ */

/* Map an archive member name to a path relative to the layer root, or
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

/* Open the directory rel (relative to the layer root dirfd) without
 * following any symlink and without leaving the root. */
static int open_beneath(int dirfd, const char *rel, int flags)
{
	struct open_how how = { .flags = (uint64_t)flags | O_CLOEXEC,
				.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
					   RESOLVE_NO_MAGICLINKS };

	return (int)syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));
}

/* A hard link's target must already exist inside the layer, reached
 * without passing through a symlink (link(2) follows symlinks in the
 * leading components, and "evil -> /" then "x => evil/etc/shadow" would
 * link a host file into the image). */
static int check_link_target(int dirfd, const char *rel, struct brig_err *e)
{
	cleanup_close int fd = open_beneath(dirfd, rel, O_PATH | O_NOFOLLOW);
	struct stat st;

	if (fd < 0)
		return brig_errf(e, EINVAL, "link target '%s' leaves the image or does not exist",
				 rel);
	if (fstat(fd, &st) < 0)
		return brig_errno(e, "stat '%s'", rel);
	if (S_ISDIR(st.st_mode))
		return brig_errf(e, EINVAL, "link target '%s' is a directory", rel);
	return 0;
}

/* ---- whiteouts ---------------------------------------------------------- */

/* Create the directory rel and its parents (0755) under dirfd, never
 * through a symlink.  0 when it exists as a directory afterwards. */
static int mkdir_beneath(int dirfd, const char *rel)
{
	char buf[PATH_MAX];

	if (!strcmp(rel, "."))
		return 0;
	snprintf(buf, sizeof(buf), "%s", rel);
	for (char *p = buf;; p++) {
		bool last = !*p;
		if (*p != '/' && !last)
			continue;
		*p = '\0';
		int fd = open_beneath(dirfd, buf, O_PATH | O_DIRECTORY);
		if (fd < 0 && (errno != ENOENT || mkdirat(dirfd, buf, 0755) < 0 ||
			       (fd = open_beneath(dirfd, buf, O_PATH | O_DIRECTORY)) < 0))
			return -1;
		close(fd);
		if (last)
			return 0;
		*p = '/';
	}
}

/* Split rel into its parent ("." for the root) and last component. */
static void split_name(const char *rel, char *parent, size_t len, const char **base)
{
	const char *slash = strrchr(rel, '/');

	if (!slash) {
		snprintf(parent, len, ".");
		*base = rel;
	} else {
		snprintf(parent, len, "%.*s", (int)(slash - rel), rel);
		*base = slash + 1;
	}
}

/* An OCI whiteout entry at rel, translated to overlay's form.  Returns 1
 * when rel was a whiteout (handled, or skipped with a warning), 0 when it
 * is an ordinary entry, negative on a failure to write. */
static int whiteout(int dirfd, const char *rel, const char *name, struct brig_err *e)
{
	char parent[PATH_MAX];
	const char *base, *target;
	cleanup_close int pfd = -1;

	split_name(rel, parent, sizeof(parent), &base);
	if (strncmp(base, WHITEOUT, strlen(WHITEOUT)) != 0)
		return 0;
	target = base + strlen(WHITEOUT);
	if (strcmp(base, OPAQUE) != 0 &&
	    (!*target || !strcmp(target, ".") || !strcmp(target, "..") ||
	     !strncmp(target, WHITEOUT, strlen(WHITEOUT)))) {
		brig_warn("skipped whiteout '%s': not a file name", name);
		return 1;
	}
	if (mkdir_beneath(dirfd, parent) < 0 || (pfd = open_beneath(dirfd, parent, O_DIRECTORY)) < 0) {
		if (errno == ENOSPC || errno == EDQUOT)
			return brig_errno(e, "whiteout '%s'", name);
		brig_warn("skipped whiteout '%s': its directory is not usable", name);
		return 1;
	}
	if (!strcmp(base, OPAQUE)) {
		const char *opaque = rootless_active() ? OVERLAY_USER_XATTR "opaque"
						       : OVERLAY_XATTR "opaque";
		if (fsetxattr(pfd, opaque, "y", 1, 0) < 0)
			return brig_errno(e, "mark '%s' opaque", parent);
		return 1;
	}
	/* Something of the same name earlier in this very layer goes. */
	if (unlinkat(pfd, target, 0) < 0 && errno == EISDIR)
		unlinkat(pfd, target, AT_REMOVEDIR);
	if (mknodat(pfd, target, S_IFCHR | 0, makedev(0, 0)) < 0)
		return brig_errno(e, "whiteout '%s'", name);
	return 1;
}

/* Drop trusted.overlay.* attributes: overlay reads them from lower
 * layers (redirects, metacopy, opaque), so an archive must not set them. */
void extract_drop_overlay_xattrs(struct archive_entry *entry)
{
	struct archive_entry *copy;
	const char *name;
	const void *value;
	size_t size;

	if (archive_entry_xattr_reset(entry) == 0 || !(copy = archive_entry_clone(entry)))
		return;
	archive_entry_xattr_clear(entry);
	archive_entry_xattr_reset(copy);
	while (archive_entry_xattr_next(copy, &name, &value, &size) == ARCHIVE_OK)
		if (strncmp(name, OVERLAY_XATTR, strlen(OVERLAY_XATTR)) &&
		    strncmp(name, OVERLAY_USER_XATTR, strlen(OVERLAY_USER_XATTR)))
			archive_entry_xattr_add_entry(entry, name, value, size);
	archive_entry_free(copy);
}

/* ---- entries ----------------------------------------------------------- */

/* libarchive's words for a's last error (it may have none). */
static const char *why(struct archive *a)
{
	const char *s = archive_error_string(a);

	return s ? s : "truncated or corrupt archive";
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
			return brig_errf(e, archive_errno(in) > 0 ? archive_errno(in) : EIO, "%s",
					 why(in));
		if (archive_write_data_block(out, buf, size, off) < ARCHIVE_WARN)
			return brig_errf(e, archive_errno(out) > 0 ? archive_errno(out) : EIO, "%s",
					 why(out));
	}
}

struct extract {
	struct archive *in;
	struct archive *out; /* archive_write_disk */
	int dirfd;	     /* the destination directory, also the cwd */
	int64_t size, count;
	int64_t no_dev, no_owner; /* rootless: device nodes skipped, owners made root */
};

/* Rootless (in a user namespace of our own): no device node can be made,
 * and an owner the namespace does not map cannot be given (the kernel
 * says EINVAL), so such entries are skipped or given to root, counted for
 * one warning at the end instead of one per entry.  Returns 1 to skip. */
static int rootless_entry(struct extract *x, struct archive_entry *entry)
{
	mode_t type = archive_entry_filetype(entry);
	bool uid_ok, gid_ok;

	if (!rootless_active())
		return 0;
	if (type == AE_IFCHR || type == AE_IFBLK) {
		x->no_dev++;
		return 1;
	}
	uid_ok = rootless_id_mapped(false, (uint32_t)archive_entry_uid(entry));
	gid_ok = rootless_id_mapped(true, (uint32_t)archive_entry_gid(entry));
	if (!uid_ok)
		archive_entry_set_uid(entry, 0);
	if (!gid_ok)
		archive_entry_set_gid(entry, 0);
	x->no_owner += !uid_ok || !gid_ok;
	return 0;
}

static int write_failed(struct archive *out, const char *name, struct brig_err *e)
{
	int code = archive_errno(out) > 0 ? archive_errno(out) : EIO;

	return brig_errf(e, code, "extract '%s': %s", name, why(out));
}

/* Extract the entry just read (names relative to the cwd, dest). */
static int extract_entry(struct extract *x, struct archive_entry *entry, struct brig_err *e)
{
	char rel[PATH_MAX], name[PATH_MAX];
	const char *src = archive_entry_pathname(entry), *link;
	struct brig_err why;
	int altered, r;

	if (!src) {
		brig_warn("skipped an entry: name is not readable");
		return 0;
	}
	snprintf(name, sizeof(name), "%s", src);
	altered = contain_name(src, rel, sizeof(rel), &why);
	if (altered < 0) {
		brig_warn("skipped '%s': %s", name, why.msg);
		return 0;
	}
	if (altered && strcmp(rel, ".") != 0)
		brig_warn("'%s': leading '/' removed, extracted as '%s'", name, rel);
	r = whiteout(x->dirfd, rel, name, e);
	if (r != 0)
		return r < 0 ? r : 0;
	archive_entry_copy_pathname(entry, rel);
	link = archive_entry_hardlink(entry);
	if (link) {
		char lrel[PATH_MAX];
		if (contain_name(link, lrel, sizeof(lrel), &why) < 0 ||
		    check_link_target(x->dirfd, lrel, &why) < 0) {
			brig_warn("skipped '%s': hard link to '%s': %s", name, link, why.msg);
			return 0;
		}
		archive_entry_copy_hardlink(entry, lrel);
	}
	extract_drop_overlay_xattrs(entry);
	if (rootless_entry(x, entry))
		return 0;

	r = archive_write_header(x->out, entry);
	if (r == ARCHIVE_FATAL || (r < ARCHIVE_WARN && (archive_errno(x->out) == ENOSPC ||
							archive_errno(x->out) == EDQUOT)))
		return write_failed(x->out, name, e);
	if (r < ARCHIVE_WARN) {
		brig_warn("skipped '%s': %s", name, archive_error_string(x->out));
		return 0;
	}
	if (r == ARCHIVE_WARN)
		brig_warn("'%s': %s", name, archive_error_string(x->out));
	if (archive_entry_size(entry) > 0 && copy_data(x->in, x->out, e) < 0)
		return brig_err_ctx(e, "extract '%s'", name);
	r = archive_write_finish_entry(x->out);
	if (r == ARCHIVE_FATAL)
		return write_failed(x->out, name, e);
	if (r < ARCHIVE_OK)
		brig_warn("'%s': %s", name, archive_error_string(x->out));
	if (archive_entry_filetype(entry) == AE_IFREG && archive_entry_size(entry) > 0)
		x->size += archive_entry_size(entry);
	x->count++;
	return 0;
}

static int extract_begin(struct extract *x, struct archive *in, int dirfd, struct brig_err *e)
{
	/* SECURE_*: libarchive refuses names with "..", absolute names, and
	 * any path whose existing components are symlinks, so a symlink laid
	 * down by an earlier entry (evil -> /) is never followed.  Ownership
	 * is numeric (no name lookup: host names mean nothing in an image). */
	int flags = ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_XATTR |
		    ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
		    ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS;

	memset(x, 0, sizeof(*x));
	x->in = in;
	x->dirfd = dirfd;
	if (geteuid() == 0)
		flags |= ARCHIVE_EXTRACT_OWNER;
	x->out = archive_write_disk_new();
	if (!x->out)
		return brig_errf(e, ENOMEM, "libarchive: out of memory");
	archive_write_disk_set_options(x->out, flags);
	return 0;
}

/* Finish: directory modes and times are applied here (deferred by
 * libarchive so that read-only directories can still be filled). */
static int extract_end(struct extract *x, int r, struct brig_err *e)
{
	if (x->no_dev)
		brig_warn("rootless: %lld device node(s) not extracted (a user namespace may "
			  "not create them)", (long long)x->no_dev);
	if (x->no_owner)
		brig_warn("rootless: %lld file(s) owned by ids outside the user namespace's map "
			  "given to root (add a range to /etc/subuid and /etc/subgid)",
			  (long long)x->no_owner);
	if (r >= 0 && archive_write_close(x->out) < ARCHIVE_WARN)
		r = write_failed(x->out, "directories", e);
	archive_write_free(x->out);
	x->out = NULL;
	return r;
}

/* Read and extract every entry of x->in; first (may be NULL) is an entry
 * already read. */
static int extract_entries(struct extract *x, struct archive_entry *first, struct brig_err *e)
{
	struct archive_entry *entry = archive_entry_new();
	int r = 0;

	if (!entry)
		return brig_errf(e, ENOMEM, "libarchive: out of memory");
	if (first)
		r = extract_entry(x, first, e);
	while (r >= 0) {
		archive_entry_clear(entry);
		r = archive_read_next_header2(x->in, entry);
		if (r == ARCHIVE_EOF) {
			r = 0;
			break;
		}
		/* RETRY: a damaged header libarchive would skip; a corrupt
		 * stream, never an image. */
		if (r < ARCHIVE_WARN || r == ARCHIVE_RETRY) {
			int code = archive_errno(x->in) > 0 ? archive_errno(x->in) : EIO;
			r = brig_errf(e, code, "read archive: %s", why(x->in));
			break;
		}
		r = extract_entry(x, entry, e);
	}
	archive_entry_free(entry);
	return r;
}

/* Extract from in into dest with the cwd moved there for the duration,
 * so that every name libarchive sees is relative to it. */
static int extract_into(struct archive *in, struct archive_entry *first, const char *dest,
			struct extract *x, struct brig_err *e)
{
	cleanup_close int dfd = open(dest, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	int r;

	if (dfd < 0)
		return brig_errno(e, "open %s", dest);
	if (cwd < 0)
		return brig_errno(e, "open current directory");
	if (extract_begin(x, in, dfd, e) < 0)
		return -e->code;
	if (fchdir(dfd) < 0) {
		r = brig_errno(e, "chdir %s", dest);
	} else {
		r = extract_entries(x, first, e);
		r = extract_end(x, r, e);
		if (fchdir(cwd) < 0 && r >= 0)
			r = brig_errno(e, "chdir back");
	}
	if (x->out)
		archive_write_free(x->out);
	return r;
}

/* ---- readers ------------------------------------------------------------ */

static struct archive *reader_new(bool filters, bool tar, struct brig_err *e)
{
	/* Only the decompressors libarchive implements in-process: the
	 * catch-all would fall back to exec'ing lrzip, lzop, grzip... on
	 * content an archive author chose.  Likewise only tar is read:
	 * format_all includes mtree, whose "contents=" reads host files. */
	static int (*const all[])(struct archive *) = {
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
	for (size_t i = 0; filters && i < ARRAY_SIZE(all); i++) {
		if (all[i](a) != ARCHIVE_OK) {
			/* ARCHIVE_WARN means "would use an external program". */
			brig_errf(e, ENOTSUP, "libarchive: %s", archive_error_string(a));
			archive_read_free(a);
			return NULL;
		}
	}
	if (tar)
		archive_read_support_format_tar(a);
	else
		archive_read_support_format_raw(a);
	return a;
}

struct archive *extract_tar_reader(bool filters, struct brig_err *e)
{
	return reader_new(filters, true, e);
}

/* The hashing chain of extract.h: source -> digest -> decompress -> diff
 * id -> tar.  Each stage reads the previous one through a callback. */
struct chain {
	struct blob_source src;
	struct hasher *blob;   /* the blob's digest, in a second thread */
	bool unhashed;	       /* an image archive's own bytes: not hashed */
	struct sha256 diff;
	bool plain;	       /* no compression: the diff id is the digest */
	int err;	       /* errno of a failed source read */
	struct archive *dec;   /* raw format: the decompressed bytes */
	struct archive *tar;
	struct split *split;   /* the stream recorded for a later save */
	char in[CHUNK], out[CHUNK];
};

static la_ssize_t source_read(struct archive *a, void *arg, const void **buf)
{
	struct chain *ch = arg;
	ssize_t n;

	bool hash = ch->blob && !ch->unhashed;
	char *to = hash ? hasher_buffer(ch->blob) : ch->in;
	size_t room = hash ? HASHER_CHUNK : sizeof(ch->in);

	(void)a;
	if (ch->src.head_len) {
		n = (ssize_t)(ch->src.head_len < room ? ch->src.head_len : room);
		memcpy(to, ch->src.head, (size_t)n);
		ch->src.head = (const char *)ch->src.head + n;
		ch->src.head_len -= (size_t)n;
	} else if (ch->src.fd >= 0) {
		do
			n = read(ch->src.fd, to, room);
		while (n < 0 && errno == EINTR);
	} else {
		n = archive_read_data(ch->src.outer, to, room);
	}
	if (n < 0) {
		ch->err = ch->src.fd >= 0 ? errno : EIO;
		return -1;
	}
	if (hash && n > 0)
		hasher_submit(ch->blob, (size_t)n);
	*buf = to;
	return n;
}

static la_ssize_t decompressed_read(struct archive *a, void *arg, const void **buf)
{
	struct chain *ch = arg;
	la_ssize_t n = archive_read_data(ch->dec, ch->out, sizeof(ch->out));

	(void)a;
	*buf = ch->out;
	if (n > 0 && !ch->plain)
		sha256_update(&ch->diff, ch->out, (size_t)n);
	if (n > 0)
		split_feed(ch->split, ch->out, (size_t)n);
	return n;
}

/* Finish the record of the stream: kept only when complete. */
static void chain_split_end(struct chain *ch, bool ok)
{
	if (!ch->split)
		return;
	if (split_close(ch->split) < 0 || !ok)
		unlink(ch->src.split);
	ch->split = NULL;
}

static void chain_free(struct chain *ch)
{
	chain_split_end(ch, false);
	if (ch->tar)
		archive_read_free(ch->tar);
	if (ch->dec)
		archive_read_free(ch->dec);
	hasher_free(ch->blob);
	sha256_free(&ch->diff);
	free(ch);
}

static int chain_error(struct chain *ch, struct archive *a, const char *what, struct brig_err *e)
{
	int code = ch->err ? ch->err : archive_errno(a) > 0 ? archive_errno(a) : EINVAL;

	return brig_errf(e, code, "%s: %s", what, ch->err ? strerror(ch->err) : why(a));
}

static struct chain *chain_open(const struct blob_source *src, struct brig_err *e)
{
	struct chain *ch = calloc(1, sizeof(*ch));
	struct archive_entry *raw;

	if (!ch) {
		brig_errf(e, ENOMEM, "out of memory");
		return NULL;
	}
	ch->src = *src;
	if (src->split)
		ch->split = split_open(src->split);
	if (!(ch->blob = hasher_new(e)) || sha256_init(&ch->diff, e) < 0)
		goto fail;
	ch->dec = reader_new(true, false, e);
	if (!ch->dec)
		goto fail;
	if (archive_read_open(ch->dec, ch, NULL, source_read, NULL) != ARCHIVE_OK ||
	    archive_read_next_header(ch->dec, &raw) != ARCHIVE_OK) {
		chain_error(ch, ch->dec, "read", e);
		goto fail;
	}
	ch->plain = archive_filter_code(ch->dec, 0) == ARCHIVE_FILTER_NONE;
	ch->tar = extract_tar_reader(false, e);
	if (!ch->tar)
		goto fail;
	if (archive_read_open(ch->tar, ch, NULL, decompressed_read, NULL) != ARCHIVE_OK) {
		chain_error(ch, ch->tar, "read", e);
		goto fail;
	}
	return ch;
fail:
	chain_free(ch);
	return NULL;
}

/* Read what is left of each stage so that both digests cover it all. */
static int chain_drain(struct chain *ch, struct brig_err *e)
{
	const void *buf;
	la_ssize_t n;

	while ((n = decompressed_read(NULL, ch, &buf)) > 0)
		;
	if (n < 0)
		return chain_error(ch, ch->dec, "read", e);
	while ((n = source_read(NULL, ch, &buf)) > 0)
		;
	if (n < 0)
		return chain_error(ch, ch->dec, "read", e);
	return 0;
}

static void chain_result(struct chain *ch, struct layer_blob *out)
{
	memcpy(out->digest, "sha256:", 7);
	hasher_final(ch->blob, out->digest + 7);
	ch->blob = NULL;
	if (ch->plain) {
		memcpy(out->diff_id, out->digest, sizeof(out->digest));
	} else {
		memcpy(out->diff_id, "sha256:", 7);
		sha256_final(&ch->diff, out->diff_id + 7);
	}
}

/* Extract ch's tar into dest; drain (for the digests) when asked. */
static int chain_extract(struct chain *ch, struct archive_entry *first, const char *dest,
			 bool drain, struct layer_blob *out, struct brig_err *e)
{
	struct extract x;
	int r = extract_into(ch->tar, first, dest, &x, e);

	if (r >= 0 && drain)
		r = chain_drain(ch, e);
	if (r < 0)
		return r;
	chain_split_end(ch, true);
	chain_result(ch, out);
	out->size = x.size;
	out->entries = x.count;
	return 0;
}

int extract_layer(const struct blob_source *src, const char *dest, struct layer_blob *out,
		  struct brig_err *e)
{
	struct chain *ch = chain_open(src, e);
	int r;

	if (!ch)
		return -e->code;
	memset(out, 0, sizeof(*out));
	r = chain_extract(ch, NULL, dest, true, out, e);
	chain_free(ch);
	return r;
}

int extract_open(int fd, extract_is_layer is_layer, const char *dest, const char *split,
		 struct layer_blob *out, struct chain **stream, struct archive **outer,
		 struct archive_entry **entry, struct brig_err *e)
{
	struct blob_source src = { .fd = fd, .split = split };
	struct chain *ch = chain_open(&src, e);
	struct archive_entry *first;
	int r;

	*stream = NULL;
	*outer = NULL;
	*entry = NULL;
	if (!ch)
		return -e->code;
	memset(out, 0, sizeof(*out));
	r = archive_read_next_header(ch->tar, &first);
	if (r == ARCHIVE_EOF) {
		chain_free(ch);
		return brig_errf(e, EINVAL, "archive has no entries");
	}
	if (r < ARCHIVE_WARN) {
		r = chain_error(ch, ch->tar, "read archive", e);
		chain_free(ch);
		return r;
	}
	if (is_layer(archive_entry_pathname(first) ? archive_entry_pathname(first) : "")) {
		if (!dest) {
			chain_free(ch);
			return 2;
		}
		/* A rootfs tarball: its end is the end (no drain, so that
		 * padding after it costs nothing), but a compressed one is read
		 * to its own end, where gzip and xz keep their checksums. */
		r = chain_extract(ch, first, dest, !ch->plain, out, e);
		chain_free(ch);
		return r < 0 ? r : 1;
	}
	/* An image archive: the caller reads its members from the tar stage;
	 * the chain stays alive as the reader's client data, but its own
	 * bytes are neither hashed nor recorded (its members are).  The
	 * hasher's buffers stay: the reader may still hold the last one. */
	ch->unhashed = true;
	sha256_free(&ch->diff);
	chain_split_end(ch, false);
	*stream = ch;
	*outer = ch->tar;
	*entry = first;
	return 0;
}

void extract_close(struct chain *stream)
{
	if (stream)
		chain_free(stream);
}

static int extract_plain(struct archive *a, const char *dest, struct brig_err *e)
{
	struct extract x;
	int r = extract_into(a, NULL, dest, &x, e);

	return r < 0 ? r : (int)x.count;
}

int image_extract_file(const char *path, const char *dest, struct brig_err *e)
{
	cleanup_aread struct archive *a = extract_tar_reader(true, e);

	if (!a)
		return -e->code;
	/* Errors name no path: the caller says which file. */
	if (archive_read_open_filename(a, path, CHUNK) != ARCHIVE_OK)
		return brig_errf(e, archive_errno(a) > 0 ? archive_errno(a) : EINVAL, "%s",
				 archive_error_string(a));
	return extract_plain(a, dest, e);
}

int image_extract_buf(const void *buf, size_t len, const char *dest, struct brig_err *e)
{
	cleanup_aread struct archive *a = extract_tar_reader(true, e);

	if (!a)
		return -e->code;
	if (archive_read_open_memory(a, buf, len) != ARCHIVE_OK)
		return brig_errf(e, EINVAL, "archive: %s", archive_error_string(a));
	return extract_plain(a, dest, e);
}
