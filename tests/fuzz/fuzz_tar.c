/* fuzz_tar.c - libFuzzer target: bytes as a (possibly compressed) tar fed
 * through the image extractor (entry-name containment, hard-link checks,
 * libarchive's secure extraction) into a fresh temp dir.
 *
 * Each input is extracted into <tmp>/root, beside an empty <tmp>/canary
 * directory; afterwards <tmp> must hold exactly those two and the canary
 * must still be empty, or the target aborts: an entry escaped.
 *
 * Build (clang; links the same objects as brig minus main.o and state.o):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -D_GNU_SOURCE -Isrc \
 *     tests/fuzz/fuzz_tar.c src/image.c src/util.c src/err.c \
 *     -larchive -ljansson -o fuzz_tar
 *   mkdir -p corpus && ./fuzz_tar corpus
 * image.c calls state_image_in_use() and state_lock()/state_unlock() only
 * on import/rm paths the fuzzer never reaches; the stubs below satisfy the
 * linker without pulling in the state store. */
#include <dirent.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image.h"
#include "warn.h"
#include "state.h"

#ifndef FUZZ_WITH_STATE
int state_image_in_use(const struct brig_ctx *c, const char *image_id, bool *used,
		       struct brig_err *e)
{
	(void)c;
	(void)image_id;
	(void)e;
	*used = false;
	return 0;
}

int state_lock(const struct brig_ctx *c, struct brig_err *e)
{
	(void)c;
	return brig_errf(e, ENOTSUP, "no state store in the fuzzer");
}

void state_unlock(int fd)
{
	(void)fd;
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

static size_t entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	if (!d)
		abort();
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char tmpl[] = "/tmp/brig-fuzz-tar-XXXXXX";
	char root[PATH_MAX], canary[PATH_MAX];
	struct brig_err e;

	if (!mkdtemp(tmpl))
		abort();
	snprintf(root, sizeof(root), "%s/root", tmpl);
	snprintf(canary, sizeof(canary), "%s/canary", tmpl);
	if (mkdir(root, 0755) < 0 || mkdir(canary, 0755) < 0)
		abort();

	brig_warn_sink(quiet, NULL);
	image_extract_buf(data, size, root, &e);

	if (entries(tmpl) != 2 || entries(canary) != 0) {
		fprintf(stderr, "fuzz_tar: an entry escaped %s\n", root);
		abort();
	}
	/* The extracted tree may hold read-only dirs; remove_tree copes as
	 * root.  Never follows the symlinks the input planted. */
	if (remove_tree(tmpl, &e) < 0) {
		/* Make dirs writable and retry once (non-root runs). */
		fprintf(stderr, "fuzz_tar: cleanup: %s\n", e.msg);
	}
	return 0;
}
