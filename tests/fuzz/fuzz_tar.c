/* fuzz_tar.c - libFuzzer target: bytes as a (possibly compressed) tar fed
 * through the image extractor (entry-name containment, hard-link checks,
 * libarchive's secure extraction) into a fresh temp dir.
 *
 * Each input is extracted into <tmp>/root, beside an empty <tmp>/canary
 * directory; afterwards <tmp> must hold exactly those two and the canary
 * must still be empty, or the target aborts: an entry escaped.
 *
 * Build: make -C tests/fuzz (links image.c, archive_lazy.c, the base and
 * libarchive); run: ./out/fuzz_tar corpus/fuzz_tar.  The store's users
 * (struct image_users) matter only to import, rm and prune, which the
 * fuzzer never reaches. */
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
