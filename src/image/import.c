/* import.c - image import: rootfs tarballs and trees, docker-save archives,
 * OCI layouts and OCI archives, from a file, a directory or stdin.
 *
 * One pass over the stream: layers are extracted into the import's work
 * directory as they come (hashed on the way, extract.h), the small JSON
 * members are kept in memory.  Then the manifests are read, every digest
 * checked against what was hashed, and only then does anything enter the
 * store, under its lock: layers and image records by rename, references
 * last.  A failure at any point removes the work directory and whatever
 * this import had renamed into the store, so the store is as before. */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "archive_lazy.h"
#include "cleanup.h"
#include "extract.h"
#include "image.h"
#include "ref.h"
#include "registry_parse.h"
#include "store.h"
#include "tarw.h"
#include "util.h"

#define JSON_MEMBER_MAX (16 << 20)
#define JSON_TOTAL_MAX (64 << 20)
#define MAX_IMAGES 256

#define OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define REF_NAME "org.opencontainers.image.ref.name"
#define CONTAINERD_NAME "io.containerd.image.name"

/* One member of the archive (or file of the directory) that was read. */
struct member {
	char *name;
	char *data; /* a JSON member, NUL terminated */
	size_t len;
	bool layer; /* an extracted layer: blob, dir */
	bool moved; /* its dir went into the store */
	char *bad;  /* not a usable layer: why (fails only if referenced) */
	char *link; /* a symlink member: the member it names */
	struct layer_blob blob;
	char dir[PATH_MAX];   /* .../L<n>/diff */
	char split[PATH_MAX]; /* .../L<n>/tar-split */
};

struct scan {
	const struct brig_ctx *c;
	char tmp[PATH_MAX];   /* the work directory */
	const char *srcdir;   /* a directory source: members read on demand */
	struct member *m;
	size_t n, cap, json_bytes;
	int layers;
};

/* What will enter the store for one image. */
struct pending {
	char id[SHA256_HEX + 1];
	const struct member *config;
	const struct member **layers;
	size_t n_layers;
	json_t *tags;	       /* canonical references */
	const char *repo_digest;
};

static void scan_free(struct scan *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->m[i].name);
		free(s->m[i].data);
		free(s->m[i].bad);
		free(s->m[i].link);
	}
	free(s->m);
}

static struct member *member_add(struct scan *s, const char *name, struct brig_err *e)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		struct member *m = realloc(s->m, cap * sizeof(*m));
		if (!m)
			return brig_errf(e, ENOMEM, "out of memory"), NULL;
		s->m = m;
		s->cap = cap;
	}
	memset(&s->m[s->n], 0, sizeof(s->m[s->n]));
	s->m[s->n].name = strdup(name);
	if (!s->m[s->n].name)
		return brig_errf(e, ENOMEM, "out of memory"), NULL;
	return &s->m[s->n++];
}

/* "./a//b" -> "a/b": archive names as manifests spell them. */
static void clean_name(const char *in, char *out, size_t len)
{
	size_t k = 0;

	while (in[0] == '.' && in[1] == '/')
		in += 2;
	while (*in == '/')
		in++;
	for (; *in && k + 1 < len; in++)
		if (!(*in == '/' && (k == 0 || out[k - 1] == '/')))
			out[k++] = *in;
	out[k] = '\0';
}

static bool layer_name(const char *name)
{
	size_t n = strlen(name);

	return !strncmp(name, "blobs/sha256/", 13) || (n > 4 && !strcmp(name + n - 4, ".tar"));
}

/* A symlink member ("<id>/layer.tar -> ../<hex>.tar", as skopeo writes):
 * remembered as the name it points to, relative to its directory. */
static int take_link(struct member *m, const char *target, struct brig_err *e)
{
	char joined[2 * PATH_MAX], rel[PATH_MAX];
	const char *slash = strrchr(m->name, '/');

	snprintf(joined, sizeof(joined), "/%.*s/%s", slash ? (int)(slash - m->name) : 0, m->name,
		 target);
	if (safe_join("", joined, rel, sizeof(rel), e) < 0)
		return 0; /* points outside: never followed */
	m->link = strdup(rel[0] == '/' ? rel + 1 : rel);
	return m->link ? 0 : brig_errf(e, ENOMEM, "out of memory");
}

/* A new directory for the next layer under the work directory. */
static int layer_dir(struct scan *s, struct member *m, struct brig_err *e)
{
	int n = snprintf(m->dir, sizeof(m->dir), "%s/L%d", s->tmp, s->layers++);

	if (n < 0 || (size_t)n + 6 >= sizeof(m->dir))
		return brig_errf(e, ENAMETOOLONG, "%s: path too long", s->tmp);
	if (mkdir(m->dir, 0700) < 0)
		return brig_errno(e, "mkdir %s", m->dir);
	snprintf(m->split, sizeof(m->split), "%.4000s/tar-split", m->dir);
	strcat(m->dir, "/diff");
	/* 0755 root:root unless the layer says otherwise (its "./" entry). */
	if (mkdir(m->dir, 0755) < 0 || chmod(m->dir, 0755) < 0)
		return brig_errno(e, "mkdir %s", m->dir);
	return 0;
}

static bool disk_error(int code)
{
	return code == ENOSPC || code == EDQUOT || code == EIO || code == EROFS || code == ENOMEM;
}

/* Extract a layer member; a blob that is not a layer is remembered as
 * bad (an archive may carry other blobs), a disk failure is fatal. */
static int take_layer(struct scan *s, struct member *m, const struct blob_source *src,
		      struct brig_err *e)
{
	struct brig_err why;

	struct blob_source with_split = *src;

	if (layer_dir(s, m, e) < 0)
		return -e->code;
	with_split.split = m->split;
	if (extract_layer(&with_split, m->dir, &m->blob, &why) == 0) {
		m->layer = true;
		return 0;
	}
	if (disk_error(why.code)) {
		*e = why;
		return brig_err_ctx(e, "layer %s", m->name);
	}
	m->bad = strdup(why.msg);
	return 0;
}

static int take_json(struct scan *s, struct member *m, const char *head, size_t n,
		     struct archive *a, int64_t size, struct brig_err *e)
{
	if (size > JSON_MEMBER_MAX || s->json_bytes + (size_t)size > JSON_TOTAL_MAX)
		return brig_errf(e, EFBIG, "%s: metadata too large", m->name);
	m->data = malloc((size_t)size + 1);
	if (!m->data)
		return brig_errf(e, ENOMEM, "out of memory");
	memcpy(m->data, head, n);
	m->len = n;
	while (m->len < (size_t)size) {
		la_ssize_t r = archive_read_data(a, m->data + m->len, (size_t)size - m->len);
		if (r < 0)
			return brig_errf(e, EIO, "%s: %s", m->name, archive_error_string(a));
		if (r == 0)
			break;
		m->len += (size_t)r;
	}
	m->data[m->len] = '\0';
	s->json_bytes += m->len;
	return 0;
}

/* One member of an image archive. */
static int scan_member(struct scan *s, struct archive *a, struct archive_entry *entry,
		       struct brig_err *e)
{
	char name[PATH_MAX], head[4096];
	int64_t size = archive_entry_size(entry);
	struct member *m;
	la_ssize_t n;

	if (!archive_entry_pathname(entry))
		return 0;
	clean_name(archive_entry_pathname(entry), name, sizeof(name));
	if (archive_entry_filetype(entry) == AE_IFLNK && archive_entry_symlink(entry)) {
		m = member_add(s, name, e);
		return m ? take_link(m, archive_entry_symlink(entry), e) : -e->code;
	}
	if (archive_entry_filetype(entry) != AE_IFREG || size <= 0)
		return 0;
	n = archive_read_data(a, head, sizeof(head));
	if (n < 0)
		return brig_errf(e, EIO, "read %s: %s", name, archive_error_string(a));
	m = member_add(s, name, e);
	if (!m)
		return -e->code;
	/* JSON (manifests, configs, index) is small and kept in memory. */
	if (n > 0 && (head[0] == '{' || head[0] == '[') && size <= JSON_MEMBER_MAX)
		return take_json(s, m, head, (size_t)n, a, size, e);
	if (!layer_name(name))
		return 0; /* VERSION, legacy json: not needed */
	struct blob_source src = { .fd = -1, .outer = a, .head = head, .head_len = (size_t)n };
	return take_layer(s, m, &src, e);
}

static int scan_archive(struct scan *s, struct archive *a, struct archive_entry *first,
			struct brig_err *e)
{
	struct archive_entry *entry = first;
	int r;

	for (;;) {
		if (scan_member(s, a, entry, e) < 0)
			return -e->code;
		r = archive_read_next_header(a, &entry);
		if (r == ARCHIVE_EOF)
			return 0;
		if (r < ARCHIVE_WARN || r == ARCHIVE_RETRY)
			return brig_errf(e, archive_errno(a) > 0 ? archive_errno(a) : EIO,
					 "read archive: %s", archive_error_string(a));
	}
}

/* A member by name; from a directory source it is read now. */
static struct member *member_get(struct scan *s, const char *raw, bool layer, struct brig_err *e)
{
	char name[PATH_MAX], rel[PATH_MAX], path[PATH_MAX];
	struct member *m;

	clean_name(raw, name, sizeof(name));
	for (size_t i = 0, hops = 0; i < s->n; i++) {
		if (strcmp(s->m[i].name, name))
			continue;
		if (!s->m[i].link)
			return &s->m[i];
		if (++hops > 8)
			break;
		snprintf(name, sizeof(name), "%s", s->m[i].link);
		i = (size_t)-1; /* look the target up from the start */
	}
	if (!s->srcdir) {
		brig_errf(e, ENOENT, "archive has no '%s'", name);
		return NULL;
	}
	if (safe_join("", name, rel, sizeof(rel), e) < 0 ||
	    snprintf(path, sizeof(path), "%s%s", s->srcdir, rel) >= (int)sizeof(path)) {
		brig_errf(e, EINVAL, "'%s': not a name inside the image", name);
		return NULL;
	}
	m = member_add(s, name, e);
	if (!m)
		return NULL;
	if (!layer) {
		if (read_file_max(path, O_NOFOLLOW, JSON_MEMBER_MAX, &m->data, &m->len, e) < 0)
			return NULL;
		return m;
	}
	cleanup_close int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		brig_errno(e, "open %s", path);
		return NULL;
	}
	struct blob_source src = { .fd = fd };
	return take_layer(s, m, &src, e) < 0 ? NULL : m;
}

static json_t *member_json(struct scan *s, const char *name, struct brig_err *e)
{
	struct member *m = member_get(s, name, false, e);
	json_error_t jerr;
	json_t *j;

	if (!m)
		return NULL;
	if (!m->data) {
		brig_errf(e, EINVAL, "%s: not JSON", name);
		return NULL;
	}
	j = json_loadb(m->data, m->len, 0, &jerr);
	if (!j)
		brig_errf(e, EINVAL, "%s: %s", name, jerr.text);
	return j;
}

/* ---- verification ------------------------------------------------------ */

static int digest_mismatch(struct brig_err *e, const char *what, const char *want,
			   const char *got)
{
	return brig_errf(e, EINVAL, "%s: digest mismatch: expected %s, content is %s", what, want,
			 got);
}

static int check_json_digest(const struct member *m, const char *want, struct brig_err *e)
{
	char got[DIGEST_MAX];

	if (sha256_digest(m->data, m->len, got, e) < 0)
		return -e->code;
	return strcmp(got, want) ? digest_mismatch(e, m->name, want, got) : 0;
}

/* The blob a validated digest names ("blobs/sha256/<hex>"). */
static struct member *blob_get(struct scan *s, const char *digest, bool layer, struct brig_err *e)
{
	char name[16 + SHA256_HEX];

	if (!digest_valid(digest)) {
		brig_errf(e, EINVAL, "invalid digest '%.80s'", digest ? digest : "");
		return NULL;
	}
	snprintf(name, sizeof(name), "blobs/sha256/%s", digest + 7);
	return member_get(s, name, layer, e);
}

static int image_layer(struct scan *s, struct pending *p, size_t i, const char *name,
		       const char *blob_digest, json_t *diff_ids, struct brig_err *e)
{
	struct member *m = blob_digest ? blob_get(s, blob_digest, true, e)
				       : member_get(s, name, true, e);
	const char *want = json_string_value(json_array_get(diff_ids, i));

	if (!m)
		return -e->code;
	if (!m->layer)
		return brig_errf(e, EINVAL, "layer %s: %s", m->name, m->bad ? m->bad : "not a layer");
	if (blob_digest && strcmp(m->blob.digest, blob_digest))
		return digest_mismatch(e, m->name, blob_digest, m->blob.digest);
	if (!digest_valid(want))
		return brig_errf(e, EINVAL, "image config: layer %zu has no valid diff id", i + 1);
	if (strcmp(m->blob.diff_id, want))
		return digest_mismatch(e, m->name, want, m->blob.diff_id);
	p->layers[i] = m;
	return 0;
}

/* The config member of p, its id, and room for its layers. */
static int pending_config(struct pending *p, struct member *cfg, size_t n_layers,
			  json_t **diff_ids, json_t **parsed, struct brig_err *e)
{
	char digest[DIGEST_MAX];
	json_error_t jerr;

	*parsed = json_loadb(cfg->data, cfg->len, 0, &jerr);
	if (!*parsed || !json_is_object(*parsed))
		return brig_errf(e, EINVAL, "image config %s: %s", cfg->name,
				 *parsed ? "not an object" : jerr.text);
	*diff_ids = store_diff_ids(*parsed);
	if (!*diff_ids || json_array_size(*diff_ids) != n_layers)
		return brig_errf(e, EINVAL, "image config %s: %zu diff ids for %zu layers", cfg->name,
				 *diff_ids ? json_array_size(*diff_ids) : 0, n_layers);
	if (sha256_digest(cfg->data, cfg->len, digest, e) < 0)
		return -e->code;
	memcpy(p->id, digest + 7, SHA256_HEX + 1);
	p->config = cfg;
	p->n_layers = n_layers;
	p->layers = calloc(n_layers ? n_layers : 1, sizeof(*p->layers));
	p->tags = json_array();
	return p->layers && p->tags ? 0 : brig_errf(e, ENOMEM, "out of memory");
}

static int add_tag(struct pending *p, const char *ref, struct brig_err *e)
{
	char canon[REF_MAX];

	if (store_canonical(ref, canon, sizeof(canon), e) < 0)
		return -e->code;
	json_array_append_new(p->tags, json_string(canon));
	return 0;
}

/* ---- docker save ------------------------------------------------------- */

/* "<hex>.json" or "blobs/sha256/<hex>": the config's name is its digest. */
static const char *named_digest(const char *name, char *out)
{
	char hex[SHA256_HEX + 1];

	if (!strncmp(name, "blobs/sha256/", 13))
		snprintf(hex, sizeof(hex), "%s", name + 13);
	else if (strlen(name) == SHA256_HEX + 5 && !strcmp(name + SHA256_HEX, ".json"))
		snprintf(hex, sizeof(hex), "%.*s", SHA256_HEX, name);
	else
		return NULL;
	snprintf(out, DIGEST_MAX, "sha256:%s", hex);
	return digest_valid(out) ? out : NULL;
}

static int docker_image(struct scan *s, json_t *entry, struct pending *p, struct brig_err *e)
{
	const char *cfgname = json_string_value(json_object_get(entry, "Config"));
	json_t *layers = json_object_get(entry, "Layers"), *tags = json_object_get(entry, "RepoTags");
	cleanup_json json_t *cfg = NULL;
	json_t *diff_ids, *v;
	char want[DIGEST_MAX];
	struct member *m;
	size_t i;

	if (!cfgname || !json_is_array(layers))
		return brig_errf(e, EINVAL, "manifest.json: an entry without Config or Layers");
	m = member_get(s, cfgname, false, e);
	if (!m || (named_digest(m->name, want) && check_json_digest(m, want, e) < 0))
		return -e->code;
	if (pending_config(p, m, json_array_size(layers), &diff_ids, &cfg, e) < 0)
		return -e->code;
	json_array_foreach(layers, i, v)
		if (image_layer(s, p, i, json_string_value(v) ? json_string_value(v) : "", NULL,
				diff_ids, e) < 0)
			return -e->code;
	json_array_foreach(tags, i, v)
		if (!json_is_string(v) || add_tag(p, json_string_value(v), e) < 0)
			return brig_err_ctx(e, "manifest.json: RepoTags");
	return 0;
}

static int docker_images(struct scan *s, json_t *manifest, struct pending *p, size_t *n,
			 struct brig_err *e)
{
	json_t *entry;
	size_t i;

	if (!json_is_array(manifest) || !json_array_size(manifest))
		return brig_errf(e, EINVAL, "manifest.json: no images");
	json_array_foreach(manifest, i, entry) {
		if (*n == MAX_IMAGES)
			return brig_errf(e, E2BIG, "more than %d images in one archive", MAX_IMAGES);
		if (docker_image(s, entry, &p[(*n)++], e) < 0)
			return -e->code;
	}
	return 0;
}

/* ---- OCI --------------------------------------------------------------- */

/* A descriptor names no platform, or this host's (the registry's rules). */
static bool platform_ours(json_t *desc)
{
	json_t *pl = json_object_get(desc, "platform");
	struct reg_platform host;

	reg_platform_host(&host);
	return !pl || reg_platform_match(pl, &host);
}

static bool is_index(json_t *desc)
{
	const char *mt = json_string_value(json_object_get(desc, "mediaType"));

	return mt && (!strcmp(mt, OCI_INDEX) || !strcmp(mt, DOCKER_LIST));
}

static int oci_manifest(struct scan *s, const char *digest, struct pending *p, struct brig_err *e)
{
	struct member *m = blob_get(s, digest, false, e), *cm;
	cleanup_json json_t *man = NULL, *cfg = NULL;
	json_t *layers, *diff_ids, *cdesc, *l;
	const char *cdig;
	size_t i;

	if (!m || check_json_digest(m, digest, e) < 0 || !(man = member_json(s, m->name, e)))
		return -e->code;
	cdesc = json_object_get(man, "config");
	layers = json_object_get(man, "layers");
	cdig = json_string_value(json_object_get(cdesc, "digest"));
	if (!json_is_array(layers))
		return brig_errf(e, EINVAL, "manifest %.19s: no layers", digest);
	cm = blob_get(s, cdig, false, e);
	if (!cm || check_json_digest(cm, cdig, e) < 0 ||
	    pending_config(p, cm, json_array_size(layers), &diff_ids, &cfg, e) < 0)
		return -e->code;
	json_array_foreach(layers, i, l)
		if (image_layer(s, p, i, NULL, json_string_value(json_object_get(l, "digest")),
				diff_ids, e) < 0)
			return -e->code;
	return 0;
}

/* The tag an index entry carries: a full reference (a bare tag names no
 * repository: the caller's REF does). */
static void oci_tag(json_t *desc, struct pending *p)
{
	json_t *ann = json_object_get(desc, "annotations");
	const char *name = json_string_value(json_object_get(ann, CONTAINERD_NAME));
	const char *tag = json_string_value(json_object_get(ann, REF_NAME));
	struct brig_err why;

	if (name && add_tag(p, name, &why) == 0)
		return;
	if (tag && (strchr(tag, '/') || strchr(tag, ':')))
		add_tag(p, tag, &why);
}

static int oci_descriptor(struct scan *s, json_t *desc, json_t *tag_from, int depth,
			  struct pending *p, size_t *n, struct brig_err *e)
{
	const char *digest = json_string_value(json_object_get(desc, "digest"));
	cleanup_json json_t *index = NULL;
	struct member *m;
	json_t *d;
	size_t i;

	if (!is_index(desc)) {
		if (*n == MAX_IMAGES)
			return brig_errf(e, E2BIG, "more than %d images in one archive", MAX_IMAGES);
		if (oci_manifest(s, digest, &p[*n], e) < 0)
			return -e->code;
		oci_tag(tag_from, &p[(*n)++]);
		return 0;
	}
	if (depth > 4)
		return brig_errf(e, ELOOP, "image index nested too deep");
	m = blob_get(s, digest, false, e);
	if (!m || check_json_digest(m, digest, e) < 0 || !(index = member_json(s, m->name, e)))
		return -e->code;
	json_array_foreach(json_object_get(index, "manifests"), i, d)
		if (!is_index(d) && platform_ours(d))
			return oci_descriptor(s, d, tag_from, depth + 1, p, n, e);
	{
		struct reg_platform host;
		reg_platform_host(&host);
		return brig_errf(e, ENOENT, "image index %.19s: no linux/%s image", digest, host.arch);
	}
}

static int oci_images(struct scan *s, struct pending *p, size_t *n, struct brig_err *e)
{
	cleanup_json json_t *index = member_json(s, "index.json", e);
	json_t *d;
	size_t i;

	if (!index)
		return -e->code;
	json_array_foreach(json_object_get(index, "manifests"), i, d)
		if (platform_ours(d) && oci_descriptor(s, d, d, 0, p, n, e) < 0)
			return -e->code;
	return *n ? 0 : brig_errf(e, EINVAL, "index.json: no image for this platform");
}

/* ---- a rootfs: one layer, a config made up ---------------------------- */

static int rootfs_image(struct scan *s, struct member *layer, struct pending *p,
			struct brig_err *e)
{
	char now[40];
	cleanup_json json_t *cfg = NULL;
	struct reg_platform host;
	json_t *diff_ids;
	struct member *m;

	rfc3339(now_ns(), now, sizeof(now));
	reg_platform_host(&host);
	cfg = json_pack("{s:s, s:s, s:s, s:{}, s:{s:s, s:[s]}, s:[{s:s, s:s}]}", "architecture",
			host.arch, "os", "linux", "created", now, "config", "rootfs", "type", "layers",
			"diff_ids", layer->blob.diff_id, "history", "created", now, "created_by",
			"brig image import");
	m = member_add(s, "(config)", e);
	if (!cfg || !m)
		return brig_errf(e, ENOMEM, "out of memory");
	m->data = json_dumps(cfg, JSON_COMPACT | JSON_SORT_KEYS);
	if (!m->data)
		return brig_errf(e, ENOMEM, "out of memory");
	m->len = strlen(m->data);
	json_decref(steal_ptr(cfg));
	if (pending_config(p, m, 1, &diff_ids, &cfg, e) < 0)
		return -e->code;
	p->layers[0] = layer;
	return 0;
}

/* ---- into the store ---------------------------------------------------- */

/* Paths this import renamed into the store, to take back on failure. */
struct undo {
	char (*path)[PATH_MAX];
	size_t n, cap;
};

static int undo_add(struct undo *u, const char *path, struct brig_err *e)
{
	if (u->n == u->cap) {
		size_t cap = u->cap ? 2 * u->cap : 8;
		void *p = realloc(u->path, cap * sizeof(*u->path));
		if (!p)
			return brig_errf(e, ENOMEM, "out of memory");
		u->path = p;
		u->cap = cap;
	}
	snprintf(u->path[u->n++], PATH_MAX, "%s", path);
	return 0;
}

static void undo_run(struct undo *u)
{
	for (size_t i = u->n; i-- > 0;)
		remove_tree(u->path[i], &(struct brig_err){ 0 });
}

/* Move a layer into layers/<hex> unless the store has it already. */
static int commit_layer(const struct brig_ctx *c, struct member *m, struct undo *u,
			struct brig_err *e)
{
	char dest[PATH_MAX], parent[PATH_MAX], rec[PATH_MAX + 16];
	cleanup_json json_t *j = NULL;
	const char *hex = m->blob.diff_id + 7;

	if (store_layer_path(c, hex, NULL, dest, sizeof(dest), e) < 0)
		return -e->code;
	if (access(dest, F_OK) == 0 || m->moved)
		return 0;
	snprintf(parent, sizeof(parent), "%.*s", (int)(strlen(m->dir) - 5), m->dir);
	snprintf(rec, sizeof(rec), "%s/layer.json", parent);
	j = json_pack("{s:s, s:I}", "diff_id", m->blob.diff_id, "size", (json_int_t)m->blob.size);
	if (!j || store_write_json(rec, j, e) < 0)
		return e->code ? -e->code : brig_errf(e, ENOMEM, "out of memory");
	if (rename(parent, dest) < 0)
		return brig_errno(e, "rename %s", dest);
	m->moved = true;
	return undo_add(u, dest, e);
}

static int commit_image(struct scan *s, struct pending *p, const struct image_import_opts *o,
			int k, struct undo *u, struct brig_err *e)
{
	char dest[PATH_MAX], dir[PATH_MAX + 16], path[PATH_MAX + 48], now[40];
	cleanup_json json_t *meta = NULL;
	json_t *digests;

	if (store_image_path(s->c, p->id, NULL, dest, sizeof(dest), e) < 0)
		return -e->code;
	if (access(dest, F_OK) == 0) {
		/* Known already: only a new repo digest to remember. */
		if (!o->repo_digest || store_meta(s->c, p->id, &meta, e) < 0)
			return e->code && o->repo_digest ? -e->code : 0;
		digests = json_object_get(meta, "repo_digests");
		if (!json_is_array(digests))
			json_object_set_new(meta, "repo_digests", digests = json_array());
		json_array_append_new(digests, json_string(o->repo_digest));
		snprintf(path, sizeof(path), "%s/meta.json", dest);
		return store_write_json(path, meta, e);
	}
	snprintf(dir, sizeof(dir), "%s/I%d", s->tmp, k);
	if (mkdir(dir, 0700) < 0)
		return brig_errno(e, "mkdir %s", dir);
	snprintf(path, sizeof(path), "%s/config.json", dir);
	if (write_atomic(path, p->config->data, p->config->len, e) < 0)
		return -e->code;
	meta = json_pack("{s:s, s:s, s:[]}", "source", o->source ? o->source : "", "imported",
			 rfc3339(now_ns(), now, sizeof(now)), "repo_digests");
	if (!meta)
		return brig_errf(e, ENOMEM, "out of memory");
	if (o->repo_digest)
		json_array_append_new(json_object_get(meta, "repo_digests"),
				      json_string(o->repo_digest));
	snprintf(path, sizeof(path), "%s/meta.json", dir);
	if (store_write_json(path, meta, e) < 0)
		return -e->code;
	if (store_path(s->c, "by-id", path, sizeof(path), e) < 0 || mkdir_p(path, 0700, e) < 0)
		return -e->code;
	if (rename(dir, dest) < 0)
		return brig_errno(e, "rename %s", dest);
	return undo_add(u, dest, e);
}

static int commit_refs(const struct brig_ctx *c, struct pending *p, size_t n, struct brig_err *e)
{
	cleanup_json json_t *refs = NULL;
	bool changed = false;
	json_t *t;
	size_t i;

	if (store_refs(c, &refs, e) < 0)
		return -e->code;
	for (size_t k = 0; k < n; k++)
		json_array_foreach(p[k].tags, i, t) {
			json_object_set_new(refs, json_string_value(t), json_string(p[k].id));
			changed = true;
		}
	return changed ? store_refs_save(c, refs, e) : 0;
}

static int commit(struct scan *s, struct pending *p, size_t n, const struct image_import_opts *o,
		  struct brig_err *e)
{
	char path[PATH_MAX];
	struct undo u = { 0 };
	int lock = store_lock(s->c, e), r = 0;

	if (lock < 0)
		return lock;
	if (store_path(s->c, "layers", path, sizeof(path), e) < 0 || mkdir_p(path, 0700, e) < 0)
		r = -e->code;
	for (size_t k = 0; r == 0 && k < n; k++) {
		for (size_t i = 0; r == 0 && i < p[k].n_layers; i++)
			r = commit_layer(s->c, (struct member *)p[k].layers[i], &u, e);
		if (r == 0)
			r = commit_image(s, &p[k], o, (int)k, &u, e);
	}
	if (r == 0)
		r = commit_refs(s->c, p, n, e);
	if (r < 0)
		undo_run(&u);
	free(u.path);
	close(lock);
	return r;
}

/* ---- the import -------------------------------------------------------- */

/* The first entry of an image archive is one of its metadata files or
 * blob directories; anything else is a root filesystem. */
static bool first_is_layer(const char *raw)
{
	static const char *const image_names[] = { "manifest.json", "oci-layout", "index.json",
						   "repositories", "blobs" };
	char name[PATH_MAX], first[PATH_MAX];
	size_t n;

	clean_name(raw, name, sizeof(name));
	n = strcspn(name, "/");
	snprintf(first, sizeof(first), "%.*s", (int)n, name);
	for (size_t i = 0; i < ARRAY_SIZE(image_names); i++)
		if (!strcmp(first, image_names[i]))
			return false;
	/* docker save before 25 and skopeo: "<id>/", "<id>.json", "<hex>.tar" */
	if (strlen(first) > SHA256_HEX &&
	    (!strcmp(first + SHA256_HEX, ".json") || !strcmp(first + SHA256_HEX, ".tar")))
		first[SHA256_HEX] = '\0';
	return !hex_id_valid(first);
}

static bool file_exists(const char *dir, const char *name)
{
	char path[PATH_MAX];

	return snprintf(path, sizeof(path), "%s/%s", dir, name) < (int)sizeof(path) &&
	       access(path, F_OK) == 0;
}

/* The images the scanned source holds (after a rootfs: the one). */
static int find_images(struct scan *s, struct pending *p, size_t *n, struct brig_err *e)
{
	cleanup_json json_t *manifest = NULL;
	struct brig_err why;

	if (s->srcdir ? file_exists(s->srcdir, "manifest.json") : !!member_get(s, "manifest.json", false, &why)) {
		manifest = member_json(s, "manifest.json", e);
		if (!manifest)
			return -e->code;
		return docker_images(s, manifest, p, n, e);
	}
	if (s->srcdir ? file_exists(s->srcdir, "index.json") : !!member_get(s, "index.json", false, &why))
		return oci_images(s, p, n, e);
	return brig_errf(e, EINVAL, "not an image archive: no manifest.json or index.json");
}

static bool always_layer(const char *first_name)
{
	(void)first_name;
	return true;
}

/* A root filesystem tree: written as a tar by a child, read back as a
 * rootfs tarball (so it is hashed and contained like one).  The child's
 * error, if any, comes back over a second pipe. */
static int rootfs_tree(const char *src, struct member *m, struct brig_err *e)
{
	int data[2], err[2], status;
	struct archive *outer;
	struct archive_entry *first;
	struct chain *stream;
	struct brig_err child;
	pid_t pid;
	int r;

	if (pipe2(data, O_CLOEXEC) < 0)
		return brig_errno(e, "pipe");
	if (pipe2(err, O_CLOEXEC) < 0) {
		close(data[0]);
		close(data[1]);
		return brig_errno(e, "pipe");
	}
	pid = fork();
	if (pid < 0) {
		r = brig_errno(e, "fork");
		close(data[0]);
		close(data[1]);
		close(err[0]);
		close(err[1]);
		return r;
	}
	if (pid == 0) {
		close(data[0]);
		close(err[0]);
		if (tarw_dir(src, data[1], NULL, NULL, &child) < 0) {
			write_all(err[1], &child, sizeof(child));
			_exit(1);
		}
		_exit(0);
	}
	close(data[1]);
	close(err[1]);
	r = extract_open(data[0], always_layer, m->dir, m->split, &m->blob, &stream, &outer,
			 &first, e);
	close(data[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (read(err[0], &child, sizeof(child)) == (ssize_t)sizeof(child)) {
		*e = child;
		r = -e->code;
	}
	close(err[0]);
	return r < 0 ? r : 0;
}

/* Read src into the work directory and find its images. */
static int read_source(struct scan *s, const char *src, const struct image_import_opts *o,
		       struct pending *p, size_t *n, struct brig_err *e)
{
	cleanup_close int fd = -1;
	struct archive_entry *first;
	struct archive *outer;
	struct chain *stream;
	struct member *m;
	struct stat st;
	int r;

	if (strcmp(src, "-") && stat(src, &st) < 0)
		return brig_errf(e, errno, "%s", strerror(errno));
	if (strcmp(src, "-") && S_ISDIR(st.st_mode) &&
	    (file_exists(src, "manifest.json") || file_exists(src, "index.json"))) {
		s->srcdir = src;
		return find_images(s, p, n, e);
	}
	m = member_add(s, "(rootfs)", e);
	if (!m || layer_dir(s, m, e) < 0)
		return -e->code;
	if (strcmp(src, "-") && S_ISDIR(st.st_mode)) {
		r = rootfs_tree(src, m, e) < 0 ? -e->code : 1;
	} else {
		fd = strcmp(src, "-") ? open(src, O_RDONLY | O_CLOEXEC) : dup(0);
		if (fd < 0)
			return brig_errno(e, "open %s", src);
		/* Without a REF a rootfs is refused before anything is read. */
		r = extract_open(fd, first_is_layer, o->ref ? m->dir : NULL, m->split, &m->blob,
				 &stream, &outer, &first, e);
	}
	if (r < 0)
		return r;
	if (r >= 1) {
		m->layer = true;
		if (!o->ref)
			return brig_errf(e, EINVAL, "a root filesystem tarball needs a REF to name it");
		*n = 1;
		return rootfs_image(s, m, p, e);
	}
	r = scan_archive(s, outer, first, e);
	extract_close(stream);
	return r < 0 ? r : find_images(s, p, n, e);
}

static int loaded_list(struct pending *p, size_t n, json_t **loaded, struct brig_err *e)
{
	json_t *arr = json_array();

	if (!arr)
		return brig_errf(e, ENOMEM, "out of memory");
	for (size_t k = 0; k < n; k++) {
		char id[DIGEST_MAX];
		json_t *tags = json_array(), *t;
		size_t i;
		snprintf(id, sizeof(id), "sha256:%s", p[k].id);
		json_array_foreach(p[k].tags, i, t)
			json_array_append_new(tags, json_string(ref_familiar(json_string_value(t))));
		json_array_append_new(arr, json_pack("{s:s, s:o}", "id", id, "tags", tags));
	}
	*loaded = arr;
	return 0;
}

int image_import(const struct brig_ctx *c, const struct image_users *users, const char *src,
		 const struct image_import_opts *o, json_t **loaded, struct brig_err *e)
{
	struct scan s = { .c = c };
	struct pending *p = calloc(MAX_IMAGES, sizeof(*p));
	size_t n = 0;
	int r;

	(void)users;
	if (!p)
		return brig_errf(e, ENOMEM, "out of memory");
	r = o->ref ? store_canonical(o->ref, s.tmp, sizeof(s.tmp), e) : 0;
	if (r == 0)
		r = archive_library_load(e);
	if (r == 0)
		r = store_tmp(c, s.tmp, sizeof(s.tmp), e);
	if (r == 0) {
		r = read_source(&s, src, o, p, &n, e);
		if (r == 0 && o->ref && n != 1)
			r = brig_errf(e, EINVAL, "a REF names one image; %s holds %zu", src, n);
		if (r == 0 && o->ref)
			r = add_tag(&p[0], o->ref, e);
		if (r == 0)
			r = commit(&s, p, n, o, e);
		if (r == 0 && loaded)
			r = loaded_list(p, n, loaded, e);
		remove_tree(s.tmp, &(struct brig_err){ 0 });
	}
	if (r < 0 && strcmp(src, "-"))
		brig_err_ctx(e, "import %s", src);
	for (size_t k = 0; k < MAX_IMAGES; k++) {
		free(p[k].layers);
		json_decref(p[k].tags);
	}
	free(p);
	scan_free(&s);
	return r;
}

/* ---- commit ------------------------------------------------------------ */

/* The image config of a commit: base's, one layer more. */
static int commit_config(struct scan *s, const char *base_id, struct member *layer,
			 const char *comment, struct member **out, size_t *n_layers,
			 struct brig_err *e)
{
	cleanup_json json_t *cfg = NULL;
	json_t *hist;
	char now[40];
	struct member *m;

	if (store_config(s->c, base_id, &cfg, e) < 0)
		return -e->code;
	if (!store_diff_ids(cfg))
		return brig_errf(e, ENOTSUP, "the image is a flat one of an older brig: re-import it");
	json_array_append_new(store_diff_ids(cfg), json_string(layer->blob.diff_id));
	*n_layers = json_array_size(store_diff_ids(cfg));
	rfc3339(now_ns(), now, sizeof(now));
	json_object_set_new(cfg, "created", json_string(now));
	hist = json_object_get(cfg, "history");
	if (!json_is_array(hist))
		json_object_set_new(cfg, "history", hist = json_array());
	json_array_append_new(hist, json_pack("{s:s, s:s, s:s}", "created", now, "created_by",
					      "brig commit", "comment", comment ? comment : ""));
	m = member_add(s, "(config)", e);
	if (!m)
		return -e->code;
	m->data = json_dumps(cfg, JSON_COMPACT);
	if (!m->data)
		return brig_errf(e, ENOMEM, "out of memory");
	m->len = strlen(m->data);
	*out = m;
	return 0;
}

/* The base image's layers as members already in the store. */
static int stored_layers(struct scan *s, struct pending *p, json_t *ids, struct brig_err *e)
{
	json_t *d;
	size_t i;

	json_array_foreach(ids, i, d) {
		if (i + 1 == json_array_size(ids))
			break; /* the new one */
		struct member *m = member_add(s, "(stored)", e);
		if (!m)
			return -e->code;
		snprintf(m->blob.diff_id, sizeof(m->blob.diff_id), "%s", json_string_value(d));
		m->layer = m->moved = true;
		p->layers[i] = m;
	}
	return 0;
}

int image_commit(const struct brig_ctx *c, const char *base_id, const char *upper,
		 const char *ref, const char *comment, char id_out[BRIG_ID_LEN + 1],
		 struct brig_err *e)
{
	struct scan s = { .c = c };
	struct pending p = { 0 };
	struct image_import_opts o = { .ref = ref, .source = "commit" };
	cleanup_json json_t *parsed = NULL;
	struct member *layer, *cfg = NULL;
	json_t *ids = NULL;
	size_t n_layers = 0;
	int r;

	if (ref && store_canonical(ref, s.tmp, sizeof(s.tmp), e) < 0)
		return -e->code;
	if (archive_library_load(e) < 0 || store_tmp(c, s.tmp, sizeof(s.tmp), e) < 0)
		return -e->code;
	layer = member_add(&s, "(commit)", e);
	r = layer ? layer_dir(&s, layer, e) : -e->code;
	if (r == 0)
		r = rootfs_tree(upper, layer, e);
	if (r == 0) {
		layer->layer = true;
		r = commit_config(&s, base_id, layer, comment, &cfg, &n_layers, e);
	}
	if (r == 0)
		r = pending_config(&p, cfg, n_layers, &ids, &parsed, e);
	if (r == 0)
		r = stored_layers(&s, &p, ids, e);
	if (r == 0) {
		p.layers[p.n_layers - 1] = layer;
		r = ref ? add_tag(&p, ref, e) : 0;
	}
	if (r == 0)
		r = commit(&s, &p, 1, &o, e);
	if (r == 0)
		snprintf(id_out, BRIG_ID_LEN + 1, "%s", p.id);
	remove_tree(s.tmp, &(struct brig_err){ 0 });
	free(p.layers);
	json_decref(p.tags);
	scan_free(&s);
	return r;
}
