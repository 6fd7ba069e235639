/* extract.h - safe extraction of tar streams into a directory, as image
 * layers (private to src/image).
 *
 * A layer is read through a chain that hashes as it goes:
 *
 *   source bytes (a file, stdin, or a member of an outer archive)
 *     -> sha256 = the blob's digest (compressed, as a manifest names it)
 *     -> decompressed (gzip, zstd, xz, bzip2 or none, by content)
 *     -> sha256 = the diff id (as an image config names it)
 *     -> tar entries, extracted under dest
 *
 * Entry names are contained (no "..", no absolute path, never through a
 * symlink); OCI whiteouts become overlay ones (".wh.NAME" -> a 0/0
 * character device NAME, ".wh..wh..opq" -> the directory's
 * trusted.overlay.opaque="y"); trusted.overlay.* attributes in the archive
 * are dropped.  Entries that would escape are skipped with a brig_warn. */
#ifndef BRIG_EXTRACT_H
#define BRIG_EXTRACT_H

#include <stdbool.h>
#include <stdint.h>

#include "digest.h"
#include "err.h"

struct archive;
struct archive_entry;

struct layer_blob {
	char digest[DIGEST_MAX];  /* sha256 of the bytes as read */
	char diff_id[DIGEST_MAX]; /* sha256 of the decompressed tar */
	int64_t size;		  /* bytes of file content written */
	int64_t entries;	  /* entries written */
};

/* Where a layer's bytes come from: an fd, or the current member of an
 * outer archive (whose first bytes may already have been read: head). */
struct blob_source {
	int fd;			/* -1: read from outer */
	struct archive *outer;
	const void *head;
	size_t head_len;
	const char *split; /* record the stream here (split.h), or NULL */
};

/* Extract one layer from src into dest (an existing directory), filling
 * out.  The whole source is read (and hashed) even past the tar's end. */
int extract_layer(const struct blob_source *src, const char *dest, struct layer_blob *out,
		  struct brig_err *e);

/* The first entry of a stream decides what it is: a function given that
 * entry's name returns true to extract the stream as a layer (a rootfs
 * tarball), false to hand the reader to the caller (an image archive). */
typedef bool (*extract_is_layer)(const char *first_name);

struct chain;

/* Open fd as a possibly compressed tar.  When is_layer says so, extract it
 * into dest as extract_layer does and return 1 (stream NULL; with dest
 * NULL nothing is extracted and 2 is returned); otherwise
 * return 0 with *outer the tar reader positioned on its first entry
 * (*entry) for the caller to read members from, until extract_close. */
int extract_open(int fd, extract_is_layer is_layer, const char *dest, const char *split,
		 struct layer_blob *out, struct chain **stream, struct archive **outer, struct archive_entry **entry,
		 struct brig_err *e);
void extract_close(struct chain *stream);

/* Remove an entry's trusted.overlay.* attributes (never taken from an
 * archive, never written to one). */
void extract_drop_overlay_xattrs(struct archive_entry *entry);

/* A tar reader with the in-process decompressors only (never an external
 * program, never mtree). */
struct archive *extract_tar_reader(bool filters, struct brig_err *e);

/* Exposed for tests and the fuzz target: extract a tar (any supported
 * compression) from a file or a buffer into dest.  Returns the number of
 * entries written (>= 0). */
int image_extract_file(const char *path, const char *dest, struct brig_err *e);
int image_extract_buf(const void *buf, size_t len, const char *dest, struct brig_err *e);

#endif
