/* fuzz_image.c - libFuzzer target: bytes as an image archive (docker save,
 * OCI archive, or a rootfs tarball) imported into a fresh store: the
 * manifest, index and config JSON, digest checks, member names, whiteouts
 * and the tar-split record of src/image.  Nothing may land outside the
 * store, and a failed import leaves no layer, image or temp file. */
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

static int no_lock(void *arg, struct brig_err *e)
{
	(void)arg;
	(void)e;
	return 0;
}

static void no_unlock(void *arg, int token)
{
	(void)arg;
	(void)token;
}

static int unused(void *arg, const char *id, bool *used, struct brig_err *e)
{
	(void)arg;
	(void)id;
	(void)e;
	*used = false;
	return 0;
}

static size_t entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char tmpl[] = "/tmp/brig-fuzz-image-XXXXXX";
	char root[PATH_MAX], file[PATH_MAX], path[PATH_MAX];
	struct image_users users = { no_lock, no_unlock, unused, NULL };
	struct image_import_opts o = { .ref = "fuzz:1" };
	struct brig_ctx c = { 0 };
	struct brig_err e;
	FILE *f;
	int r;

	if (!mkdtemp(tmpl))
		abort();
	snprintf(root, sizeof(root), "%s/root", tmpl);
	snprintf(file, sizeof(file), "%s/in.tar", tmpl);
	if (mkdir(root, 0700) < 0 || !(f = fopen(file, "w")) || fwrite(data, 1, size, f) != size ||
	    fclose(f) != 0)
		abort();
	c.root = root;
	c.runroot = root;
	brig_warn_sink(quiet, NULL);
	r = image_import(&c, &users, file, &o, NULL, &e);

	/* Only the store and the input beside it. */
	if (entries(tmpl) != 2)
		abort();
	snprintf(path, sizeof(path), "%s/images/tmp", root);
	if (entries(path) != 0)
		abort();
	snprintf(path, sizeof(path), "%s/images/layers", root);
	if (r < 0 && entries(path) != 0)
		abort();
	remove_tree(tmpl, &e);
	return 0;
}
