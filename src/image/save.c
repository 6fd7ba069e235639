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

/* Write a stored layer's tar to path; *diff_id is its digest (the bytes
 * imported when its record replays to them, else a fresh tar of the
 * directory, whose digest may differ). */
static int layer_tar(const struct brig_ctx *c, const char *stored, const char *path,
		     char diff_id[DIGEST_MAX], struct brig_err *e)
{
	char dir[PATH_MAX];
	cleanup_close int fd = -1;

	if (!digest_valid(stored) || store_layer_path(c, stored + 7, "diff", dir, sizeof(dir), e) < 0)
		return brig_errf(e, EINVAL, "bad layer id '%.80s'", stored ? stored : "");
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return brig_errno(e, "create %s", path);
	if (replay(c, stored, dir, fd, diff_id) < 0 && tarw_dir(dir, fd, diff_id, NULL, e) < 0)
		return -e->code;
	if (fsync(fd) < 0)
		return brig_errno(e, "write %s", path);
	return 0;
}

/* A stored layer as an archive member blobs/sha256/<digest>. */
static int save_layer(struct saver *sv, const struct brig_ctx *c, const char *stored,
		      char diff_id[DIGEST_MAX], struct brig_err *e)
{
	char path[PATH_MAX + 16], name[32 + SHA256_HEX];
	int r;

	snprintf(path, sizeof(path), "%s/layer.tar", sv->tmp);
	if (layer_tar(c, stored, path, diff_id, e) < 0)
		return -e->code;
	snprintf(name, sizeof(name), "blobs/sha256/%s", diff_id + 7);
	r = json_object_get(sv->done, diff_id) ? 0 : put_member(sv, name, NULL, 0, path, e);
	json_object_set_new(sv->done, diff_id, json_true());
	unlink(path);
	return r;
}

/* An image's config as it goes out, with the diff ids of the layer tars
 * written (fresh: the layers' digests; byte for byte when they match). */
static int outgoing_config(const struct brig_ctx *c, const char *id, json_t *cfg, json_t *fresh,
			   char **text, struct brig_err *e)
{
	bool same = json_equal(store_diff_ids(cfg), fresh);
	char path[PATH_MAX];

	if (same) {
		if (store_image_path(c, id, "config.json", path, sizeof(path), e) < 0 ||
		    read_file(path, text, NULL, e) < 0)
			return -e->code;
		return 0;
	}
	json_object_set(json_object_get(cfg, "rootfs"), "diff_ids", fresh);
	*text = json_dumps(cfg, JSON_COMPACT);
	return *text ? 0 : brig_errf(e, ENOMEM, "out of memory");
}

/* Load name's config (layered images only). */
static int image_config(const struct brig_ctx *c, const char *name, char id[SHA256_HEX + 1],
			json_t **cfg, struct brig_err *e)
{
	if (store_find(c, name, id, e) < 0 || store_config(c, id, cfg, e) < 0)
		return -e->code;
	if (!store_diff_ids(*cfg))
		return brig_errf(e, ENOTSUP, "%s: a flat image of an older brig: re-import it", name);
	return 0;
}

static int save_image(struct saver *sv, const struct brig_ctx *c, const char *name,
		      struct brig_err *e)
{
	cleanup_json json_t *cfg = NULL, *layers = json_array(), *tags = json_array();
	cleanup_json json_t *fresh = json_array();
	cleanup_free char *text = NULL;
	char id[SHA256_HEX + 1], digest[DIGEST_MAX], member[32 + SHA256_HEX], key[REF_MAX];
	json_t *d;
	size_t i;

	if (image_config(c, name, id, &cfg, e) < 0)
		return brig_err_ctx(e, "save %s", name);
	json_array_foreach(store_diff_ids(cfg), i, d) {
		char diff[DIGEST_MAX];
		if (save_layer(sv, c, json_string_value(d), diff, e) < 0)
			return brig_err_ctx(e, "save %s", name);
		json_array_append_new(fresh, json_string(diff));
		snprintf(member, sizeof(member), "blobs/sha256/%s", diff + 7);
		json_array_append_new(layers, json_string(member));
	}
	if (outgoing_config(c, id, cfg, fresh, &text, e) < 0 ||
	    sha256_digest(text, strlen(text), digest, e) < 0)
		return -e->code;
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

/* ---- an OCI layout (for push) ------------------------------------------ */

#define OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define OCI_LAYER "application/vnd.oci.image.layer.v1.tar"

/* Write a blob file blobs/sha256/<hex> of dir from memory. */
static int put_blob(const char *dir, const char *text, char digest[DIGEST_MAX],
		    struct brig_err *e)
{
	char path[PATH_MAX + 96];

	if (sha256_digest(text, strlen(text), digest, e) < 0)
		return -e->code;
	snprintf(path, sizeof(path), "%s/blobs/sha256/%s", dir, digest + 7);
	return write_atomic(path, text, strlen(text), e);
}

static int oci_layers(const struct brig_ctx *c, json_t *cfg, const char *dir, json_t *fresh,
		      json_t *descs, struct brig_err *e)
{
	char tmp[PATH_MAX + 32], path[PATH_MAX + 96];
	struct stat st;
	json_t *d;
	size_t i;

	snprintf(tmp, sizeof(tmp), "%s/blobs/layer.tmp", dir);
	json_array_foreach(store_diff_ids(cfg), i, d) {
		char diff[DIGEST_MAX];
		if (layer_tar(c, json_string_value(d), tmp, diff, e) < 0)
			return -e->code;
		snprintf(path, sizeof(path), "%s/blobs/sha256/%s", dir, diff + 7);
		if (stat(tmp, &st) < 0 || rename(tmp, path) < 0)
			return brig_errno(e, "write %s", path);
		json_array_append_new(fresh, json_string(diff));
		json_array_append_new(descs, json_pack("{s:s, s:s, s:I}", "mediaType", OCI_LAYER,
						       "digest", diff, "size",
						       (json_int_t)st.st_size));
	}
	return 0;
}

int image_export_oci(const struct brig_ctx *c, const char *name, const char *dir,
		     struct brig_err *e)
{
	cleanup_json json_t *cfg = NULL, *fresh = json_array(), *layers = json_array();
	cleanup_json json_t *man = NULL, *index = NULL;
	cleanup_free char *cfg_text = NULL, *man_text = NULL, *index_text = NULL;
	char id[SHA256_HEX + 1], path[PATH_MAX + 32], cdig[DIGEST_MAX], mdig[DIGEST_MAX];
	char key[REF_MAX];
	const char *tag;

	if (image_config(c, name, id, &cfg, e) < 0)
		return -e->code;
	snprintf(path, sizeof(path), "%s/blobs/sha256", dir);
	if (mkdir_p(path, 0755, e) < 0 || oci_layers(c, cfg, dir, fresh, layers, e) < 0 ||
	    outgoing_config(c, id, cfg, fresh, &cfg_text, e) < 0 ||
	    put_blob(dir, cfg_text, cdig, e) < 0)
		return -e->code;
	man = json_pack("{s:i, s:s, s:{s:s, s:s, s:I}, s:O}", "schemaVersion", 2, "mediaType",
			OCI_MANIFEST, "config", "mediaType", OCI_CONFIG, "digest", cdig, "size",
			(json_int_t)strlen(cfg_text), "layers", layers);
	man_text = man ? json_dumps(man, JSON_COMPACT) : NULL;
	if (!man_text)
		return brig_errf(e, ENOMEM, "out of memory");
	if (put_blob(dir, man_text, mdig, e) < 0)
		return -e->code;
	tag = store_canonical(name, key, sizeof(key), &(struct brig_err){ 0 }) == 0 &&
			      strrchr(key, ':') > strrchr(key, '/')
		      ? strrchr(key, ':') + 1
		      : "latest";
	index = json_pack("{s:i, s:[{s:s, s:s, s:I, s:{s:s}}]}", "schemaVersion", 2, "manifests",
			  "mediaType", OCI_MANIFEST, "digest", mdig, "size",
			  (json_int_t)strlen(man_text), "annotations",
			  "org.opencontainers.image.ref.name", tag);
	index_text = index ? json_dumps(index, JSON_COMPACT) : NULL;
	if (!index_text)
		return brig_errf(e, ENOMEM, "out of memory");
	snprintf(path, sizeof(path), "%s/index.json", dir);
	if (write_atomic(path, index_text, strlen(index_text), e) < 0)
		return -e->code;
	snprintf(path, sizeof(path), "%s/oci-layout", dir);
	static const char layout[] = "{\"imageLayoutVersion\":\"1.0.0\"}";
	return write_atomic(path, layout, strlen(layout), e);
}
