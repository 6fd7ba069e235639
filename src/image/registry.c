/* registry.c - pull into an OCI image layout, push from one, log in
 * (registry.h).  The HTTP session and its auth flows are registry_http.c;
 * the parsers registry_parse.c. */
#include <ctype.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "io.h"
#include "registry.h"
#include "registry_http.h"

/* Docker's bound on a manifest. */
#define MANIFEST_MAX (4 * 1024 * 1024)
#define INDEX_MAX (4 * 1024 * 1024)
#define AUTH_FILE_MAX (1024 * 1024)
#define REF_NAME_ANNOTATION "org.opencontainers.image.ref.name"

/* What one pull or push works with. */
struct job {
	struct reg_client cl;
	const struct image_ref *ref;
	const char *dir; /* the OCI layout */
};

static void report(const struct job *j, const char *digest, uint64_t done, uint64_t total)
{
	if (j->cl.o->progress)
		j->cl.o->progress(j->cl.o->arg, digest, done, total);
}

/* <dir>/blobs/sha256/<hex> of a digest_valid() digest. */
static int blob_path(const char *dir, const char *digest, const char *prefix, char *out,
		     size_t len, struct brig_err *e)
{
	if (!digest_valid(digest))
		return brig_errf(e, EINVAL, "invalid digest '%.80s'", digest);
	if (snprintf(out, len, "%s/blobs/sha256/%s%s", dir, prefix, digest + 7) >= (int)len)
		return brig_errf(e, ENAMETOOLONG, "%s: path too long", dir);
	return 0;
}

/* ---- pull ---- */

/* GET a manifest by tag or digest into rs (body in memory), checked
 * against want (a pull by digest, or an index's entry) and against the
 * registry's Docker-Content-Digest; its digest goes to digest. */
static int manifest_get(struct job *j, const char *reference, const char *want,
			struct reg_resp *rs, char digest[DIGEST_MAX], struct reg_doc *doc,
			struct brig_err *e)
{
	char url[REG_URL_MAX], what[REF_NAME_MAX + 96];
	struct reg_req rq = { .method = "GET", .url = url, .accept = REG_MANIFEST_ACCEPT,
			      .upload_fd = -1, .out_fd = -1, .mem_max = MANIFEST_MAX };

	snprintf(url, sizeof(url), "/v2/%s/manifests/%s", j->ref->path, reference);
	snprintf(what, sizeof(what), "manifest %s%s", want ? "for digest " : "", reference);
	if (reg_request(&j->cl, &rq, rs, e) < 0)
		return brig_err_ctx(e, "%s", what);
	if (rs->status != 200)
		return reg_resp_fail(rs, what, e);
	if (sha256_digest(rs->body ? rs->body : "", rs->len, digest, e) < 0)
		return -e->code;
	if (want && strcmp(digest, want))
		return brig_errf(e, EBADMSG, "%s does not match its digest (got %s)", what, digest);
	if (rs->digest[0] && strcmp(rs->digest, digest))
		return brig_errf(e, EBADMSG,
				 "%s does not match the digest the registry gives, %s (got %s)", what,
				 rs->digest, digest);
	if (reg_doc_parse(rs->body ? rs->body : "", rs->len, rs->content_type, doc, e) < 0)
		return brig_err_ctx(e, "%s", what);
	return 0;
}

/* Whether path holds exactly the blob d: a pull that failed midway left
 * it, and only blobs that verify are kept, never trusted on their name. */
static bool blob_ok(const char *path, const struct reg_desc *d)
{
	cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	char hex[SHA256_HEX + 1], buf[65536];
	struct brig_err e;
	struct stat st;
	struct sha256 h;
	ssize_t n;

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size != d->size ||
	    sha256_init(&h, &e) < 0)
		return false;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		sha256_update(&h, buf, (size_t)n);
	sha256_final(&h, hex);
	return n == 0 && !strcmp(hex, d->digest + 7);
}

/* Stream one blob into a temp file, hashing as it comes; rename it into
 * place only once size and digest match. */
static int download(struct job *j, const struct reg_desc *d, const char *tmp, const char *path,
		    struct brig_err *e)
{
	cleanup_close int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	char url[REG_URL_MAX], what[DIGEST_MAX + 16], hex[SHA256_HEX + 1];
	struct reg_req rq = { .method = "GET", .url = url, .upload_fd = -1, .out_fd = fd,
			      .out_max = (uint64_t)d->size, .progress_digest = d->digest,
			      .progress_total = (uint64_t)d->size };
	struct reg_resp rs = { 0 };
	struct sha256 h;
	int r;

	if (fd < 0)
		return brig_errno(e, "create %s", tmp);
	if (sha256_init(&h, e) < 0)
		return -e->code;
	rq.out_hash = &h;
	snprintf(url, sizeof(url), "/v2/%s/blobs/%s", j->ref->path, d->digest);
	snprintf(what, sizeof(what), "blob %s", d->digest);
	report(j, d->digest, 0, (uint64_t)d->size);
	r = reg_request(&j->cl, &rq, &rs, e);
	if (r < 0 && e->code == EFBIG)
		r = brig_errf(e, EBADMSG, "%s does not match its digest: more than %lld bytes", what,
			      (long long)d->size);
	else if (r < 0)
		r = brig_err_ctx(e, "%s", what);
	else if (rs.status != 200)
		r = reg_resp_fail(&rs, what, e);
	if (r < 0) {
		sha256_free(&h);
		reg_resp_free(&rs);
		return r;
	}
	sha256_final(&h, hex);
	if (rs.written != (uint64_t)d->size || strcmp(hex, d->digest + 7))
		r = brig_errf(e, EBADMSG, "%s does not match its digest (got sha256:%s, %llu bytes)",
			      what, hex, (unsigned long long)rs.written);
	else if (rename(tmp, path) < 0)
		r = brig_errno(e, "rename %s", path);
	reg_resp_free(&rs);
	return r;
}

static int fetch_blob(struct job *j, const struct reg_desc *d, struct brig_err *e)
{
	char path[PATH_MAX], tmp[PATH_MAX];

	if (blob_path(j->dir, d->digest, "", path, sizeof(path), e) < 0 ||
	    blob_path(j->dir, d->digest, ".partial-", tmp, sizeof(tmp), e) < 0)
		return -e->code;
	if (blob_ok(path, d)) {
		report(j, d->digest, (uint64_t)d->size, (uint64_t)d->size);
		return 0;
	}
	if (download(j, d, tmp, path, e) < 0) {
		unlink(tmp);
		return -e->code;
	}
	return 0;
}

static int write_file(const char *dir, const char *name, const char *data, size_t len,
		      struct brig_err *e)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return brig_errf(e, ENAMETOOLONG, "%s: path too long", dir);
	return write_atomic(path, data, len, e);
}

/* The manifest blob, oci-layout and index.json (last: a layout with an
 * index.json is whole). */
static int write_layout(struct job *j, const struct reg_doc *doc, const struct reg_resp *rs,
			const char *digest, struct brig_err *e)
{
	static const char layout[] = "{\"imageLayoutVersion\":\"1.0.0\"}\n";
	cleanup_json json_t *index = NULL;
	cleanup_free char *text = NULL;
	char name[DIGEST_MAX + 32];
	json_t *desc;

	snprintf(name, sizeof(name), "blobs/sha256/%s", digest + 7);
	if (write_file(j->dir, name, rs->body, rs->len, e) < 0 ||
	    write_file(j->dir, "oci-layout", layout, sizeof(layout) - 1, e) < 0)
		return -e->code;
	desc = json_pack("{s:s, s:s, s:I}", "mediaType", doc->media_type, "digest", digest, "size",
			 (json_int_t)rs->len);
	if (desc && j->ref->tag[0])
		json_object_set_new(desc, "annotations",
				    json_pack("{s:s}", REF_NAME_ANNOTATION, j->ref->tag));
	index = json_pack("{s:i, s:s, s:[o]}", "schemaVersion", 2, "mediaType", MT_OCI_INDEX,
			  "manifests", desc);
	text = index ? json_dumps(index, JSON_INDENT(1)) : NULL;
	if (!text)
		return brig_errf(e, ENOMEM, "index.json: out of memory");
	return write_file(j->dir, "index.json", text, strlen(text), e);
}

/* The image manifest for this host of an index (or the document itself). */
static int platform_manifest(struct job *j, struct reg_doc *doc, struct reg_resp *rs,
			     char digest[DIGEST_MAX], struct brig_err *e)
{
	struct reg_platform want;
	struct reg_desc d;

	if (doc->kind != REG_KIND_INDEX)
		return 0;
	if (j->cl.o->platform) {
		if (reg_platform_parse(j->cl.o->platform, &want, e) < 0)
			return -e->code;
	} else {
		reg_platform_host(&want);
	}
	if (reg_index_choose(doc, &want, &d, e) < 0)
		return -e->code;
	reg_doc_free(doc);
	reg_resp_free(rs);
	if (manifest_get(j, d.digest, d.digest, rs, digest, doc, e) < 0)
		return -e->code;
	if (doc->kind != REG_KIND_MANIFEST)
		return brig_errf(e, ENOTSUP, "manifest %s: an index inside an index", d.digest);
	return 0;
}

/* The config and layers into the layout; 1 (nothing fetched) when the
 * caller has the image already. */
static int pull_blobs(struct job *j, const struct reg_doc *doc, struct brig_err *e)
{
	const struct registry_opts *o = j->cl.o;
	struct reg_manifest m;
	char dir[PATH_MAX];
	int r = 0;

	if (reg_manifest_blobs(doc, &m, e) < 0)
		return -e->code;
	if (o->have_image && o->have_image(o->have_arg, m.config.digest)) {
		reg_manifest_free(&m);
		return 1;
	}
	snprintf(dir, sizeof(dir), "%s/blobs/sha256", j->dir);
	r = mkdir_p(dir, 0755, e);
	if (r == 0)
		r = fetch_blob(j, &m.config, e);
	for (size_t i = 0; r == 0 && i < m.n_layers; i++)
		r = fetch_blob(j, &m.layers[i], e);
	reg_manifest_free(&m);
	return r;
}

int registry_pull(const struct image_ref *ref, const char *layout_dir,
		  const struct registry_opts *o, char digest_out[DIGEST_MAX], struct brig_err *e)
{
	struct job j = { .ref = ref, .dir = layout_dir };
	struct reg_resp rs = { 0 };
	struct reg_doc doc = { 0 };
	char digest[DIGEST_MAX];
	int r;

	r = reg_client_open(&j.cl, ref->domain, ref->path, "pull", o, e);
	if (r == 0)
		r = manifest_get(&j, ref->digest[0] ? ref->digest : ref->tag,
				 ref->digest[0] ? ref->digest : NULL, &rs, digest, &doc, e);
	if (r == 0) {
		snprintf(digest_out, DIGEST_MAX, "%s", digest);
		r = platform_manifest(&j, &doc, &rs, digest, e);
	}
	if (r == 0)
		r = pull_blobs(&j, &doc, e);
	if (r == 0)
		r = write_layout(&j, &doc, &rs, digest, e);
	reg_doc_free(&doc);
	reg_resp_free(&rs);
	reg_client_close(&j.cl);
	return r;
}

/* ---- push ---- */

/* The descriptor of the manifest to push: the only one, or the one whose
 * ref.name is tag. */
static int layout_pick(const json_t *index, const char *tag, struct reg_desc *d,
		       struct brig_err *e)
{
	json_t *list = json_object_get(index, "manifests"), *m;
	size_t i;

	if (json_array_size(list) == 1)
		return reg_desc_parse(json_array_get(list, 0), "index.json", d, e);
	json_array_foreach(list, i, m) {
		const char *name = json_string_value(
			json_object_get(json_object_get(m, "annotations"), REF_NAME_ANNOTATION));
		if (name && !strcmp(name, tag))
			return reg_desc_parse(m, "index.json", d, e);
	}
	return brig_errf(e, EINVAL, "index.json: no single manifest, none tagged '%s'", tag);
}

/* The layout's manifest, read and checked against its digest. */
static int layout_manifest(const struct job *j, struct reg_desc *d, char **body, size_t *len,
			   struct brig_err *e)
{
	cleanup_free char *text = NULL;
	cleanup_json json_t *index = NULL;
	char path[PATH_MAX], digest[DIGEST_MAX];
	size_t n;

	snprintf(path, sizeof(path), "%s/index.json", j->dir);
	if (read_file_max(path, O_NOFOLLOW, INDEX_MAX, &text, &n, e) < 0)
		return -e->code;
	index = json_loadb(text, n, 0, NULL);
	if (layout_pick(index, j->ref->tag, d, e) < 0 ||
	    blob_path(j->dir, d->digest, "", path, sizeof(path), e) < 0 ||
	    read_file_max(path, O_NOFOLLOW, MANIFEST_MAX, body, len, e) < 0 ||
	    sha256_digest(*body, *len, digest, e) < 0)
		return brig_err_ctx(e, "layout %s", j->dir);
	if (strcmp(digest, d->digest))
		return brig_errf(e, EBADMSG, "layout %s: manifest does not match its digest %s",
				 j->dir, d->digest);
	return 0;
}

/* POST an upload, then PUT the blob to where it says, digest attached. */
static int upload(struct job *j, const struct reg_desc *d, int fd, struct brig_err *e)
{
	char url[REG_URL_MAX], put[REG_URL_MAX], esc[3 * DIGEST_MAX];
	struct reg_req post = { .method = "POST", .url = url, .upload_fd = -1, .out_fd = -1,
				.mem_max = 65536 };
	struct reg_req rq = { .method = "PUT", .url = put, .upload_fd = fd,
			      .upload_size = (uint64_t)d->size, .out_fd = -1, .mem_max = 65536,
			      .content_type = "application/octet-stream",
			      .progress_digest = d->digest, .progress_total = (uint64_t)d->size };
	struct reg_resp rs = { 0 };
	int r;

	snprintf(url, sizeof(url), "/v2/%s/blobs/uploads/", j->ref->path);
	r = reg_request(&j->cl, &post, &rs, e);
	if (r == 0 && rs.status != 202)
		r = reg_resp_fail(&rs, "start upload", e);
	if (r == 0 && !rs.location[0])
		r = brig_errf(e, EPROTO, "start upload: the registry gave no Location");
	reg_query_escape(d->digest, esc, sizeof(esc));
	if (r == 0 && snprintf(put, sizeof(put), "%s%cdigest=%s", rs.location,
			       strchr(rs.location, '?') ? '&' : '?', esc) >= (int)sizeof(put))
		r = brig_errf(e, ENAMETOOLONG, "upload URL too long");
	if (r == 0)
		r = reg_request(&j->cl, &rq, &rs, e);
	if (r == 0 && (rs.status < 200 || rs.status > 299))
		r = reg_resp_fail(&rs, "upload", e);
	reg_resp_free(&rs);
	return r;
}

static int push_blob(struct job *j, const struct reg_desc *d, struct brig_err *e)
{
	char url[REG_URL_MAX], path[PATH_MAX];
	struct reg_req head = { .method = "HEAD", .url = url, .upload_fd = -1, .out_fd = -1 };
	struct reg_resp rs = { 0 };
	cleanup_close int fd = -1;
	struct stat st;
	long status;

	snprintf(url, sizeof(url), "/v2/%s/blobs/%s", j->ref->path, d->digest);
	if (reg_request(&j->cl, &head, &rs, e) < 0)
		return brig_err_ctx(e, "blob %s", d->digest);
	status = rs.status;
	reg_resp_free(&rs);
	if (status == 200) {
		report(j, d->digest, (uint64_t)d->size, (uint64_t)d->size);
		return 0; /* the registry has it */
	}
	if (blob_path(j->dir, d->digest, "", path, sizeof(path), e) < 0)
		return -e->code;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 || fstat(fd, &st) < 0)
		return brig_errno(e, "blob %s", path);
	if (!S_ISREG(st.st_mode) || st.st_size != d->size)
		return brig_errf(e, EINVAL, "blob %s: size is not the manifest's %lld", path,
				 (long long)d->size);
	report(j, d->digest, 0, (uint64_t)d->size);
	if (upload(j, d, fd, e) < 0)
		return brig_err_ctx(e, "blob %s", d->digest);
	return 0;
}

static int put_manifest(struct job *j, const struct reg_doc *doc, const char *body, size_t len,
			const char *digest, struct brig_err *e)
{
	char url[REG_URL_MAX];
	struct reg_req rq = { .method = "PUT", .url = url, .upload_fd = -1, .out_fd = -1,
			      .mem_max = 65536, .content_type = doc->media_type, .data = body,
			      .data_len = len };
	struct reg_resp rs = { 0 };
	int r;

	snprintf(url, sizeof(url), "/v2/%s/manifests/%s", j->ref->path,
		 j->ref->tag[0] ? j->ref->tag : j->ref->digest);
	r = reg_request(&j->cl, &rq, &rs, e);
	if (r == 0 && (rs.status < 200 || rs.status > 299))
		r = reg_resp_fail(&rs, "manifest", e);
	if (r == 0 && rs.digest[0] && strcmp(rs.digest, digest))
		r = brig_errf(e, EBADMSG, "manifest: the registry stored digest %s, not %s",
			      rs.digest, digest);
	reg_resp_free(&rs);
	return r;
}

static int push_all(struct job *j, const char *body, size_t len, const struct reg_desc *d,
		    struct brig_err *e)
{
	struct reg_doc doc;
	struct reg_manifest m = { 0 };
	int r = reg_doc_parse(body, len, d->media_type, &doc, e);

	if (r == 0 && doc.kind != REG_KIND_MANIFEST)
		r = brig_errf(e, ENOTSUP, "pushing an index is not supported");
	if (r == 0)
		r = reg_manifest_blobs(&doc, &m, e);
	if (r == 0)
		r = push_blob(j, &m.config, e);
	for (size_t i = 0; r == 0 && i < m.n_layers; i++)
		r = push_blob(j, &m.layers[i], e);
	if (r == 0)
		r = put_manifest(j, &doc, body, len, d->digest, e);
	reg_manifest_free(&m);
	reg_doc_free(&doc);
	return r;
}

int registry_push(const struct image_ref *ref, const char *layout_dir,
		  const struct registry_opts *o, char digest_out[DIGEST_MAX], struct brig_err *e)
{
	struct job j = { .ref = ref, .dir = layout_dir };
	cleanup_free char *body = NULL;
	struct reg_desc d;
	size_t len;
	int r;

	if (ref->digest[0] && !ref->tag[0])
		return brig_errf(e, EINVAL, "push: a tag is needed, not only a digest");
	r = layout_manifest(&j, &d, &body, &len, e);
	if (r == 0)
		r = reg_client_open(&j.cl, ref->domain, ref->path, "pull,push", o, e);
	if (r == 0)
		r = push_all(&j, body, len, &d, e);
	if (r == 0 && digest_out)
		snprintf(digest_out, DIGEST_MAX, "%s", d.digest);
	reg_client_close(&j.cl);
	return r;
}

/* ---- login ---- */

int registry_host_parse(const char *s, char *out, size_t len, struct brig_err *e)
{
	char key[REF_NAME_MAX];

	if (!s || !*s)
		s = "docker.io";
	reg_auth_key(s, key, sizeof(key));
	for (const char *p = key; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("-.:[]", *p))
			return brig_errf(e, EINVAL, "invalid registry '%.80s'", s);
	if (!key[0] || strlen(key) >= len)
		return brig_errf(e, EINVAL, "invalid registry '%.80s'", s);
	snprintf(out, len, "%s", key);
	return 0;
}

/* Rewrite auth.json under its lock with host set (user) or removed. */
static int creds_update(const char *root, const char *host, const char *user, const char *pass,
			bool *found, struct brig_err *e)
{
	char path[PATH_MAX], lock[PATH_MAX];
	cleanup_free char *text = NULL, *out = NULL;
	cleanup_close int fd = -1;
	size_t len = 0;
	int r;

	snprintf(path, sizeof(path), "%s/auth.json", root);
	snprintf(lock, sizeof(lock), "%s/auth.json.lock", root);
	if (mkdir_p(root, 0755, e) < 0 || (fd = lock_file(lock, e)) < 0)
		return -e->code;
	if (read_file_max(path, O_NOFOLLOW, AUTH_FILE_MAX, &text, &len, e) < 0 && e->code != ENOENT)
		return -e->code;
	if (reg_auth_update(text, len, host, user, pass, &out, found, e) < 0)
		return brig_err_ctx(e, "%s", path);
	if (!user && !*found)
		return 0; /* nothing to forget: leave the file as it is */
	/* 0600 from its creation on: the file holds passwords. */
	r = write_atomic_mode(path, out, strlen(out), 0600, e);
	explicit_bzero(out, strlen(out));
	return r;
}

int registry_login(const char *host, const struct registry_opts *o, struct brig_err *e)
{
	struct reg_req rq = { .method = "GET", .url = "/v2/", .upload_fd = -1, .out_fd = -1,
			      .mem_max = 65536 };
	struct reg_resp rs = { 0 };
	struct reg_client cl;
	bool found;
	int r;

	if (!o->user || !*o->user)
		return brig_errf(e, EINVAL, "login: a user name is needed");
	r = reg_client_open(&cl, host, NULL, NULL, o, e);
	if (r == 0)
		r = reg_request(&cl, &rq, &rs, e);
	if (r == 0 && rs.status == 401)
		r = brig_errf(e, EACCES, "%s: unauthorized: incorrect username or password", host);
	else if (r == 0 && rs.status != 200)
		r = reg_resp_fail(&rs, host, e);
	reg_resp_free(&rs);
	reg_client_close(&cl);
	if (r == 0)
		r = creds_update(o->root, host, o->user, o->pass ? o->pass : "", &found, e);
	return r;
}

int registry_logout(const char *root, const char *host, bool *found, struct brig_err *e)
{
	return creds_update(root, host, NULL, NULL, found, e);
}
