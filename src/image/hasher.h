/* hasher.h - SHA-256 of a stream computed by a second thread (private to
 * src/image), so that hashing a layer overlaps extracting it.  The reader
 * fills the hasher's buffers in turn: hasher_buffer gives the next one
 * (waiting until the thread is done with it), hasher_submit hands it over
 * once filled.  A buffer stays untouched until two more were taken, so the
 * caller may keep reading from the last one it submitted. */
#ifndef BRIG_HASHER_H
#define BRIG_HASHER_H

#include <stddef.h>

#include "digest.h"

#define HASHER_CHUNK (128 * 1024)

struct hasher;

struct hasher *hasher_new(struct brig_err *e);
void *hasher_buffer(struct hasher *h);
void hasher_submit(struct hasher *h, size_t len);
/* Wait for the thread, write the digest's hex, free h. */
void hasher_final(struct hasher *h, char hex[SHA256_HEX + 1]);
/* Stop without a result (h may be NULL). */
void hasher_free(struct hasher *h);

#endif
