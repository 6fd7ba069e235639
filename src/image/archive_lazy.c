/* archive_lazy.c - libarchive, loaded on first use.
 *
 * libarchive drags in libxml2, ICU and libstdc++: about 20 ms of dynamic
 * loading on every exec here, paid by every `brig run` and every monitor
 * although only `brig image import` extracts anything.  So brig does not
 * link it: these wrappers, with the exact prototypes of <archive.h>, dlopen
 * the library on the first call and forward to it.  Unit tests that link
 * libarchive themselves still work: dlsym on the handle finds the library's
 * own definition, never these. */
#include <archive.h>
#include <archive_entry.h>
#include <dlfcn.h>
#include <stdlib.h>

#include "archive_lazy.h"

#define LIBARCHIVE "libarchive.so.13"
#define LAZY_SONAME LIBARCHIVE

static void *lazy_lib;

#include "lazy.h"

int archive_library_load(struct brig_err *e)
{
	if (!lazy_lib)
		lazy_lib = dlopen(LIBARCHIVE, RTLD_NOW | RTLD_LOCAL);
	if (!lazy_lib)
		return brig_errf(e, ELIBACC, "load %s: %s", LIBARCHIVE, dlerror());
	return 0;
}

typedef struct archive archive_t;
typedef struct archive_entry entry_t;

LAZY(archive_t *, archive_read_new, (void), ())
LAZY(archive_t *, archive_read_disk_new, (void), ())
LAZY(archive_t *, archive_write_disk_new, (void), ())
LAZY(entry_t *, archive_entry_new, (void), ())
LAZY(entry_t *, archive_entry_clear, (entry_t *e), (e))
LAZY_VOID(archive_entry_free, (entry_t *e), (e))
LAZY_VOID(archive_entry_copy_hardlink, (entry_t *e, const char *s), (e, s))
LAZY_VOID(archive_entry_copy_pathname, (entry_t *e, const char *s), (e, s))
LAZY(const char *, archive_entry_hardlink, (entry_t *e), (e))
LAZY(const char *, archive_entry_pathname, (entry_t *e), (e))
LAZY(la_int64_t, archive_entry_size, (entry_t *e), (e))
LAZY(int, archive_errno, (archive_t *a), (a))
LAZY(const char *, archive_error_string, (archive_t *a), (a))
LAZY(int, archive_read_data_block,
     (archive_t *a, const void **buf, size_t *size, la_int64_t *off), (a, buf, size, off))
LAZY(int, archive_read_disk_descend, (archive_t *a), (a))
LAZY(int, archive_read_disk_open, (archive_t *a, const char *p), (a, p))
LAZY(int, archive_read_disk_set_behavior, (archive_t *a, int f), (a, f))
LAZY(int, archive_read_disk_set_symlink_physical, (archive_t *a), (a))
LAZY(int, archive_read_free, (archive_t *a), (a))
LAZY(int, archive_read_next_header2, (archive_t *a, entry_t *e), (a, e))
LAZY(int, archive_read_open_filename, (archive_t *a, const char *p, size_t bs), (a, p, bs))
LAZY(int, archive_read_open_memory, (archive_t *a, const void *b, size_t n), (a, b, n))
LAZY(int, archive_read_support_filter_bzip2, (archive_t *a), (a))
LAZY(int, archive_read_support_filter_compress, (archive_t *a), (a))
LAZY(int, archive_read_support_filter_gzip, (archive_t *a), (a))
LAZY(int, archive_read_support_filter_lzma, (archive_t *a), (a))
LAZY(int, archive_read_support_filter_xz, (archive_t *a), (a))
LAZY(int, archive_read_support_filter_zstd, (archive_t *a), (a))
LAZY(int, archive_read_support_format_tar, (archive_t *a), (a))
LAZY(int, archive_write_close, (archive_t *a), (a))
LAZY(la_ssize_t, archive_write_data_block, (archive_t *a, const void *b, size_t n, la_int64_t o),
     (a, b, n, o))
LAZY(int, archive_write_disk_set_options, (archive_t *a, int f), (a, f))
LAZY(int, archive_write_finish_entry, (archive_t *a), (a))
LAZY(int, archive_write_free, (archive_t *a), (a))
LAZY(int, archive_write_header, (archive_t *a, entry_t *e), (a, e))
LAZY(int, archive_read_open,
     (archive_t *a, void *d, archive_open_callback *o, archive_read_callback *r,
      archive_close_callback *c),
     (a, d, o, r, c))
LAZY(int, archive_read_support_format_raw, (archive_t *a), (a))
LAZY(int, archive_read_next_header, (archive_t *a, entry_t **e), (a, e))
LAZY(la_ssize_t, archive_read_data, (archive_t *a, void *b, size_t n), (a, b, n))
LAZY(int, archive_filter_count, (archive_t *a), (a))
LAZY(__LA_MODE_T, archive_entry_filetype, (entry_t *e), (e))
/* rootless extraction: owners outside the user namespace's map */
LAZY(la_int64_t, archive_entry_uid, (entry_t *e), (e))
LAZY(la_int64_t, archive_entry_gid, (entry_t *e), (e))
LAZY_VOID(archive_entry_set_uid, (entry_t *e, la_int64_t v), (e, v))
LAZY_VOID(archive_entry_set_gid, (entry_t *e, la_int64_t v), (e, v))
LAZY(int, archive_entry_xattr_reset, (entry_t *e), (e))
LAZY(int, archive_entry_xattr_next, (entry_t *e, const char **n, const void **v, size_t *s),
     (e, n, v, s))
LAZY_VOID(archive_entry_xattr_clear, (entry_t *e), (e))
LAZY_VOID(archive_entry_xattr_add_entry, (entry_t *e, const char *n, const void *v, size_t s),
	  (e, n, v, s))
LAZY(const char *, archive_entry_symlink, (entry_t *e), (e))
LAZY(archive_t *, archive_write_new, (void), ())
LAZY(int, archive_write_set_format_pax_restricted, (archive_t *a), (a))
LAZY(int, archive_write_set_bytes_in_last_block, (archive_t *a, int n), (a, n))
LAZY(int, archive_write_open,
     (archive_t *a, void *d, archive_open_callback *o, archive_write_callback *w,
      archive_close_callback *c),
     (a, d, o, w, c))
LAZY(la_ssize_t, archive_write_data, (archive_t *a, const void *b, size_t n), (a, b, n))
LAZY_VOID(archive_entry_set_filetype, (entry_t *e, unsigned int t), (e, t))
LAZY_VOID(archive_entry_set_perm, (entry_t *e, __LA_MODE_T p), (e, p))
LAZY_VOID(archive_entry_set_size, (entry_t *e, la_int64_t s), (e, s))
LAZY(dev_t, archive_entry_rdev, (entry_t *e), (e))
LAZY(const char *, archive_entry_sourcepath, (entry_t *e), (e))
LAZY_VOID(archive_entry_copy_sourcepath, (entry_t *e, const char *s), (e, s))
LAZY(entry_t *, archive_entry_clone, (entry_t *e), (e))
LAZY(struct archive_entry_linkresolver *, archive_entry_linkresolver_new, (void), ())
LAZY_VOID(archive_entry_linkresolver_set_strategy, (struct archive_entry_linkresolver *l, int f),
	  (l, f))
LAZY_VOID(archive_entry_linkresolver_free, (struct archive_entry_linkresolver *l), (l))
LAZY_VOID(archive_entry_linkify,
	  (struct archive_entry_linkresolver *l, entry_t **a, entry_t **b), (l, a, b))
LAZY(int, archive_write_open_fd, (archive_t *a, int fd), (a, fd))
LAZY(int, archive_filter_code, (archive_t *a, int n), (a, n))
