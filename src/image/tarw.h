/* tarw.h - write a directory tree as a layer tar (private to src/image):
 * for a rootfs directory imported, a container's upper layer committed, a
 * stored layer saved or pushed.  Overlay's whiteouts go back to OCI's form
 * (a 0/0 character device NAME -> an empty ".wh.NAME", an opaque directory
 * -> "DIR/.wh..wh..opq"); overlay's own attributes are left out. */
#ifndef BRIG_TARW_H
#define BRIG_TARW_H

#include "digest.h"
#include "err.h"

/* Write dir's tree to fd as an uncompressed pax tar; names are relative
 * ("bin/sh").  *bytes (may be NULL) receives the tar's length and diff_id
 * (may be NULL) its digest. */
int tarw_dir(const char *dir, int fd, char diff_id[DIGEST_MAX], long long *bytes,
	     struct brig_err *e);

#endif
