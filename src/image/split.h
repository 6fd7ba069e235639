/* split.h - a layer's tar stream without its file contents, so that the
 * very same bytes can be written again from the extracted files (as
 * Docker's tar-split): a saved or pushed image keeps its digests and id.
 *
 * Recording follows the decompressed stream block by block: headers,
 * metadata entries (pax, GNU long names) and padding are kept as they are;
 * the contents of regular files are replaced by a reference to the file
 * extracted under the layer's directory.  The format is private: records
 * 'V' <u32 len> <bytes> (verbatim) and 'F' <u64 size> <u16 len> <path>. */
#ifndef BRIG_SPLIT_H
#define BRIG_SPLIT_H

#include <stddef.h>
#include <stdio.h>

#include "digest.h"
#include "err.h"

struct split;

/* Start recording into path; NULL on failure (the layer then simply has
 * no record, and a save makes its tar afresh). */
struct split *split_open(const char *path);
void split_feed(struct split *sp, const void *buf, size_t len);
/* Finish; 0 when the record is complete and consistent. */
int split_close(struct split *sp);

/* Write the stream recorded in split_path, contents from dir, to out;
 * diff_id receives its digest (the caller compares it to the layer's). */
int split_replay(const char *split_path, const char *dir, FILE *out, char diff_id[DIGEST_MAX],
		 struct brig_err *e);

#endif
