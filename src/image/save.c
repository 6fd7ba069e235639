/* save.c - images out of the store: a docker-save archive (image_save), a
 * container's changes made an image (image_commit), a tree as a tar
 * (image_write_tree). */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive_lazy.h"
#include "cleanup.h"
#include "image.h"
#include "ref.h"
#include "split.h"
#include "store.h"
#include "tarw.h"

int image_write_tree(const char *dir, int fd, struct brig_err *e)
{
	return tarw_dir(dir, fd, NULL, NULL, e);
}

/* ---- save -------------------------------------------------------------- */

struct saver {
	struct archive *out;
	char tmp[PATH_MAX];
	json_t *manifest; /* manifest.json */
	json_t *done;	  /* blobs written: digest -> true */
	char buf[64 * 1024];
};

static int save_failed(struct saver *sv, const char *what, struct brig_err *e)
{
	int code = archive_errno(sv->out) > 0 ? archive_errno(sv->out) : EIO;

	return brig_errf(e, code, "write %s: %s", what, archive_error_string(sv->out));
}

/* An archive member from memory or from the file at path. */
static int put_member(struct saver *sv, const char *name, const void *data, size_t len,
		      const char *path, struct brig_err *e)
{
	struct archive_entry *m = archive_entry_new();
	struct stat st;
	cleanup_close int fd = -1;
	ssize_t n;
	int r;

	if (!m)
		return brig_errf(e, ENOMEM, "out of memory");
	if (path) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st) < 0) {
			archive_entry_free(m);
			return brig_errno(e, "open %s", path);
		}
		len = (size_t)st.st_size;
	}
	archive_entry_copy_pathname(m, name);
	archive_entry_set_filetype(m, AE_IFREG);
	archive_entry_set_perm(m, 0644);
	archive_entry_set_size(m, (la_int64_t)len);
	r = archive_write_header(sv->out, m);
	archive_entry_free(m);
	if (r < ARCHIVE_WARN)
		return save_failed(sv, name, e);
	if (!path)
		return archive_write_data(sv->out, data, len) < 0 ? save_failed(sv, name, e) : 0;
	while ((n = read(fd, sv->buf, sizeof(sv->buf))) > 0)
		if (archive_write_data(sv->out, sv->buf, (size_t)n) < 0)
			return save_failed(sv, name, e);
	return n < 0 ? brig_errno(e, "read %s", path) : 0;
}

/* The layer's tar as it was imported, when its record replays to the
 * same digest; else -1 (fd truncated for a fresh tar). */
static int replay(const struct brig_ctx *c, const char *stored, const char *dir, int fd,
		  char diff_id[DIGEST_MAX])
{
	char split[PATH_MAX];
	struct brig_err ignored;
	FILE *out;
	int r = -1;

	if (store_layer_path(c, stored + 7, "tar-split", split, sizeof(split), &ignored) < 0 ||
	    access(split, F_OK) < 0)
		return -1;
	out = fdopen(dup(fd), "w");
	if (out && split_replay(split, dir, out, diff_id, &ignored) == 0 &&
	    !strcmp(diff_id, stored))
		r = 0;
	if (out && fclose(out) != 0)
		r = -1;
	if (r < 0 && (ftruncate(fd, 0) < 0 || lseek(fd, 0, SEEK_SET) < 0))
		return -1;
	return r;
}

/* Write a stored layer as a tar blob; *diff_id is its digest (a fresh tar
 * of the directory: it may differ from the one imported). */
static int save_layer(struct saver *sv, const struct brig_ctx *c, const char *stored,
		      char diff_id[DIGEST_MAX], struct brig_err *e)
{
	char dir[PATH_MAX], path[PATH_MAX + 16], name[32 + SHA256_HEX];
	cleanup_close int fd = -1;
	int r;

	if (!digest_valid(stored) || store_layer_path(c, stored + 7, "diff", dir, sizeof(dir), e) < 0)
		return brig_errf(e, EINVAL, "bad layer id '%.80s'", stored ? stored : "");
	snprintf(path, sizeof(path), "%s/layer.tar", sv->tmp);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return brig_errno(e, "create %s", path);
	if (replay(c, stored, dir, fd, diff_id) < 0 && tarw_dir(dir, fd, diff_id, NULL, e) < 0)
		return -e->code;
	snprintf(name, sizeof(name), "blobs/sha256/%s", diff_id + 7);
	if (json_object_get(sv->done, diff_id))
		return 0;
	r = put_member(sv, name, NULL, 0, path, e);
	json_object_set_new(sv->done, diff_id, json_true());
	unlink(path);
	return r;
}

static int save_image(struct saver *sv, const struct brig_ctx *c, const char *name,
		      struct brig_err *e)
{
	cleanup_json json_t *cfg = NULL, *layers = json_array(), *tags = json_array();
	cleanup_free char *text = NULL;
	char id[SHA256_HEX + 1], digest[DIGEST_MAX], member[32 + SHA256_HEX], key[REF_MAX];
	json_t *ids, *d, *fresh;
	bool same = true;
	size_t i;

	if (store_find(c, name, id, e) < 0 || store_config(c, id, &cfg, e) < 0)
		return brig_err_ctx(e, "save %s", name);
	ids = store_diff_ids(cfg);
	if (!ids)
		return brig_errf(e, ENOTSUP, "save %s: a flat image of an older brig: re-import it", name);
	fresh = json_array();
	json_array_foreach(ids, i, d) {
		char diff[DIGEST_MAX];
		if (save_layer(sv, c, json_string_value(d), diff, e) < 0) {
			json_decref(fresh);
			return brig_err_ctx(e, "save %s", name);
		}
		same = same && !strcmp(diff, json_string_value(d));
		json_array_append_new(fresh, json_string(diff));
		snprintf(member, sizeof(member), "blobs/sha256/%s", diff + 7);
		json_array_append_new(layers, json_string(member));
	}
	json_object_set_new(json_object_get(cfg, "rootfs"), "diff_ids", fresh);
	/* The same layers: the config byte for byte, so the id is kept. */
	if (same) {
		char path[PATH_MAX];
		if (store_image_path(c, id, "config.json", path, sizeof(path), e) < 0 ||
		    read_file(path, &text, NULL, e) < 0)
			return -e->code;
	} else {
		text = json_dumps(cfg, JSON_COMPACT);
	}
	if (!text || sha256_digest(text, strlen(text), digest, e) < 0)
		return e->code ? -e->code : brig_errf(e, ENOMEM, "out of memory");
	snprintf(member, sizeof(member), "blobs/sha256/%s", digest + 7);
	if (put_member(sv, member, text, strlen(text), NULL, e) < 0)
		return -e->code;
	if (store_canonical(name, key, sizeof(key), &(struct brig_err){ 0 }) == 0 &&
	    strncmp(name, "sha256:", 7))
		json_array_append_new(tags, json_string(ref_familiar(key)));
	json_array_append_new(sv->manifest, json_pack("{s:s, s:O, s:O}", "Config", member,
						      "RepoTags", tags, "Layers", layers));
	return 0;
}

int image_save(const struct brig_ctx *c, const char *const *names, size_t n, int fd,
	       struct brig_err *e)
{
	struct saver *sv = calloc(1, sizeof(*sv));
	cleanup_free char *text = NULL;
	int r = 0;

	if (!sv)
		return brig_errf(e, ENOMEM, "out of memory");
	sv->manifest = json_array();
	sv->done = json_object();
	if (archive_library_load(e) < 0 || store_tmp(c, sv->tmp, sizeof(sv->tmp), e) < 0) {
		r = -e->code;
		goto out;
	}
	sv->out = archive_write_new();
	if (!sv->out) {
		r = brig_errf(e, ENOMEM, "out of memory");
		goto rm;
	}
	archive_write_set_format_pax_restricted(sv->out);
	if (archive_write_open_fd(sv->out, fd) != ARCHIVE_OK) {
		r = save_failed(sv, "archive", e);
		goto rm;
	}
	for (size_t i = 0; r == 0 && i < n; i++)
		r = save_image(sv, c, names[i], e);
	text = r == 0 ? json_dumps(sv->manifest, JSON_COMPACT) : NULL;
	if (r == 0)
		r = text ? put_member(sv, "manifest.json", text, strlen(text), NULL, e)
			 : brig_errf(e, ENOMEM, "out of memory");
	if (archive_write_close(sv->out) != ARCHIVE_OK && r == 0)
		r = save_failed(sv, "archive", e);
rm:
	if (sv->out)
		archive_write_free(sv->out);
	remove_tree(sv->tmp, &(struct brig_err){ 0 });
out:
	json_decref(sv->manifest);
	json_decref(sv->done);
	free(sv);
	return r;
}
