/* h_images.c - /images: list, inspect, pull (create), load, save (get),
 * tag and remove images of brig's store (images.h, pull.h) in Docker's
 * shapes (conv.h).
 *
 * Importing (load, pull) extracts layers with the process's working
 * directory moved into each layer (src/image/extract.c), so it runs under
 * the engine lock like every other call that changes the store; reading
 * (list, inspect, save) uses absolute paths and the store's own flocks,
 * and save streams to the client without the lock, so a slow reader holds
 * up nobody. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api.h"
#include "cleanup.h"
#include "conv.h"
#include "images.h"
#include "pull.h"

#define SAVE_MAX_NAMES 64
#define SHORT_ID 12 /* hex digits of a digest, as Docker shows them */
#define REF_ID_MAX 160 /* a tag (128) or a digest (71) */

/* Docker's words for an image that is not there. */
static int reply_image_err(struct api_req *r, const char *name, const struct brig_err *e)
{
	if (e->code == ENOENT)
		return api_reply_error(r, 404, "No such image: %s", name);
	return api_reply_err(r, e);
}

static int list_images(struct api_req *r)
{
	json_t *rows = NULL, *out;
	struct brig_err e;
	int rc;

	api_engine_lock();
	rc = images_list(r->c, &rows, &e);
	api_engine_unlock();
	if (rc < 0)
		return api_reply_err(r, &e);
	out = conv_image_list(rows);
	json_decref(rows);
	return out ? api_reply_json(r, 200, out) : api_reply_error(r, 500, "out of memory");
}

static int inspect_image(struct api_req *r)
{
	json_t *doc = NULL, *out;
	struct brig_err e;
	int rc;

	api_engine_lock();
	rc = images_inspect(r->c, r->params[0], &doc, &e);
	api_engine_unlock();
	if (rc < 0)
		return reply_image_err(r, r->params[0], &e);
	out = conv_image_json(doc);
	json_decref(doc);
	return out ? api_reply_json(r, 200, out) : api_reply_error(r, 500, "out of memory");
}

/* POST /images/{name}/tag?repo=R&tag=T: 201, as Docker. */
static int tag_image(struct api_req *r)
{
	const char *repo = api_query(r, "repo");
	char dst[IMAGES_REF_MAX], *copy = NULL;
	const char *tag;
	struct brig_err e;
	int rc;

	if (!repo || !*repo)
		return api_reply_error(r, 400, "repository name must have at least one component");
	copy = strdup(repo); /* api_query's answer lives until the next call */
	if (!copy)
		return api_reply_error(r, 500, "out of memory");
	tag = api_query(r, "tag");
	rc = snprintf(dst, sizeof(dst), "%s%s%s", copy, tag && *tag ? ":" : "",
		      tag && *tag ? tag : "");
	free(copy);
	if (rc >= (int)sizeof(dst))
		return api_reply_error(r, 400, "invalid reference format: too long");
	api_engine_lock();
	rc = images_tag(r->c, r->params[0], dst, &e);
	api_engine_unlock();
	return rc < 0 ? reply_image_err(r, r->params[0], &e) : api_reply_empty(r, 201);
}

/* ---- remove ---- */

/* name as Docker's answer names it: with ":latest" when it has no tag. */
static void tagged(const char *name, char *out, size_t len)
{
	const char *last = strrchr(name, '/');
	const char *base = last ? last + 1 : name;

	snprintf(out, len, "%s%s", name, strchr(base, ':') || strchr(base, '@') ? "" : ":latest");
}

/* Whether name is one of the image's tags (else it is its id or a prefix). */
static bool names_a_tag(json_t *tags, const char *name)
{
	char want[IMAGES_REF_MAX];
	json_t *t;
	size_t i;

	tagged(name, want, sizeof(want));
	json_array_foreach(tags, i, t)
		if (!strcmp(json_string_value(t), want) || !strcmp(json_string_value(t), name))
			return true;
	return false;
}

/* Remove one reference, its entry (and the image's, when it went with
 * it) appended to out. */
static int remove_ref(struct api_req *r, const char *ref, const char *id, json_t *out,
		      struct brig_err *e)
{
	char shown[IMAGES_REF_MAX];
	bool untagged_only = false;

	if (images_remove(r->c, ref, &untagged_only, e) < 0)
		return -e->code;
	tagged(ref, shown, sizeof(shown));
	if (strncmp(ref, "sha256:", 7) != 0 && strcmp(ref, id) != 0)
		json_array_append_new(out, json_pack("{s:s}", "Untagged", shown));
	if (!untagged_only)
		json_array_append_new(out, json_pack("{s:s}", "Deleted", id));
	return 0;
}

/* By a tag: that tag.  By id: every tag (force needed for more than
 * one, as Docker's), or the untagged image itself. */
static int remove_image_locked(struct api_req *r, json_t *doc, json_t *out, struct brig_err *e)
{
	const char *name = r->params[0], *id = json_string_value(json_object_get(doc, "Id"));
	json_t *tags = json_object_get(doc, "RepoTags"), *t;
	size_t i, n = json_array_size(tags);

	if (!id)
		return brig_errf(e, EIO, "image %s has no id", name);
	if (n == 0 || names_a_tag(tags, name))
		return remove_ref(r, n ? name : id, id, out, e);
	if (n > 1 && !api_query_bool(r, "force"))
		return brig_errf(e, EBUSY,
				 "conflict: unable to delete %.12s (must be forced) - image is "
				 "referenced in multiple repositories", id + 7);
	json_array_foreach(tags, i, t)
		if (remove_ref(r, json_string_value(t), id, out, e) < 0)
			return -e->code;
	return 0;
}

/* DELETE /images/{name}?force=&noprune=: [{"Untagged"}, {"Deleted"}].
 * noprune is moot: brig's images have no parent images to prune. */
static int remove_image(struct api_req *r)
{
	json_t *doc = NULL, *out = json_array();
	struct brig_err e;
	int rc;

	api_engine_lock();
	rc = images_inspect(r->c, r->params[0], &doc, &e);
	if (rc == 0)
		rc = remove_image_locked(r, doc, out, &e);
	api_engine_unlock();
	json_decref(doc);
	if (rc < 0) {
		json_decref(out);
		return reply_image_err(r, r->params[0], &e);
	}
	return api_reply_json(r, 200, out);
}

/* ---- load ---- */

/* Docker's load stream: one {"stream": "Loaded image: REF\n"} per tag,
 * or "Loaded image ID: ID" for an untagged image. */
static int stream_loaded(struct api_req *r, json_t *loaded)
{
	json_t *img, *t;
	size_t i, k;
	char line[IMAGES_REF_MAX + 32];

	if (api_stream_begin(r, 200, "application/json") < 0)
		return -1;
	json_array_foreach(loaded, i, img) {
		json_t *tags = json_object_get(img, "tags");
		if (!json_array_size(tags)) {
			snprintf(line, sizeof(line), "Loaded image ID: %s\n",
				 json_string_value(json_object_get(img, "id")));
			if (api_stream_json(r, json_pack("{s:s}", "stream", line)) < 0)
				return -1;
		}
		json_array_foreach(tags, k, t) {
			snprintf(line, sizeof(line), "Loaded image: %s\n", json_string_value(t));
			if (api_stream_json(r, json_pack("{s:s}", "stream", line)) < 0)
				return -1;
		}
	}
	return api_stream_end(r);
}

/* POST /images/load: the docker-archive (or OCI archive) body, already
 * in an unlinked file (API_BODY_FILE), imported through /proc/self/fd. */
static int load_images(struct api_req *r)
{
	struct image_import_opts o = { .source = "docker load (brig serve)" };
	json_t *loaded = NULL;
	char src[64];
	struct brig_err e;
	int rc;

	if (r->body_fd < 0)
		return api_reply_error(r, 400, "no image archive in the request body");
	snprintf(src, sizeof(src), "/proc/self/fd/%d", r->body_fd);
	api_engine_lock();
	rc = images_import(r->c, src, &o, &loaded, &e);
	api_engine_unlock();
	if (rc < 0)
		return api_reply_err(r, &e);
	rc = stream_loaded(r, loaded);
	json_decref(loaded);
	return rc;
}

/* ---- save ---- */

struct saver {
	const struct brig_ctx *c;
	const char *const *names;
	size_t n;
	int fd; /* the pipe's write end, closed by the thread */
	int rc;
	struct brig_err e;
};

static void *save_thread(void *arg)
{
	struct saver *s = arg;

	s->rc = images_save_fd(s->c, s->names, s->n, s->fd, &s->e);
	close(s->fd);
	return NULL;
}

/* Copy the pipe to the client as chunks; < 0 when the client left. */
static int pump(struct api_req *r, int fd)
{
	char buf[65536];
	ssize_t got;

	while ((got = read(fd, buf, sizeof(buf))) != 0) {
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 || api_stream_write(r, buf, (size_t)got) < 0)
			return -1;
	}
	return 0;
}

/* Stream the archive as image_save writes it, from a thread through a
 * pipe: the client reads it while it is made, nothing lands on disk.  A
 * failure after the first byte can only cut the stream short (the
 * connection is dropped, so the client sees an incomplete transfer
 * rather than a short archive). */
static int stream_save(struct api_req *r, const char *const *names, size_t n)
{
	struct saver s = { .c = r->c, .names = names, .n = n };
	int p[2], rc;
	pthread_t t;

	if (pipe2(p, O_CLOEXEC) < 0)
		return api_reply_error(r, 500, "pipe: %s", strerror(errno));
	s.fd = p[1];
	if ((rc = pthread_create(&t, NULL, save_thread, &s)) != 0) {
		close(p[0]);
		close(p[1]);
		return api_reply_error(r, 500, "thread: %s", strerror(rc));
	}
	rc = api_stream_begin(r, 200, "application/x-tar");
	if (rc == 0)
		rc = pump(r, p[0]);
	close(p[0]); /* a writer still busy gets EPIPE and stops */
	pthread_join(t, NULL);
	if (rc < 0 || s.rc < 0)
		return -1;
	return api_stream_end(r);
}

/* Each name must be an image, checked before the stream starts so that a
 * missing one is a 404. */
static int save_names(struct api_req *r, char **names, size_t n)
{
	struct brig_err e;
	json_t *doc;

	for (size_t i = 0; i < n; i++) {
		doc = NULL;
		if (images_inspect(r->c, names[i], &doc, &e) < 0)
			return reply_image_err(r, names[i], &e);
		json_decref(doc);
	}
	return stream_save(r, (const char *const *)names, n) < 0 ? -1 : 0;
}

static void names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
}

/* GET /images/get?names=A&names=B: one docker-save archive of them all. */
static int save_images(struct api_req *r)
{
	char *names[SAVE_MAX_NAMES];
	const char *v;
	size_t n = 0;
	int rc;

	while (n < SAVE_MAX_NAMES && (v = api_query_nth(r, "names", n)) != NULL) {
		if (!(names[n] = strdup(v))) {
			names_free(names, n);
			return api_reply_error(r, 500, "out of memory");
		}
		n++;
	}
	if (n == 0)
		return api_reply_error(r, 400, "no image named (?names=)");
	rc = save_names(r, names, n);
	names_free(names, n);
	return rc;
}

/* GET /images/{name}/get: one image. */
static int save_image(struct api_req *r)
{
	char *names[1] = { (char *)r->params[0] };

	return save_names(r, names, 1);
}

/* ---- pull ---- */

/* The pull's stream and how far each blob got. */
struct puller {
	struct api_req *r;
	bool gone; /* the client left: keep pulling, stop writing */
	char last[SHORT_ID + 1];
	uint64_t step; /* the bytes of last's previous line */
};

static void put_line(struct puller *p, json_t *doc)
{
	if (!p->gone && api_stream_json(p->r, doc) < 0)
		p->gone = true;
	else if (p->gone)
		json_decref(doc);
}

/* Docker's progress lines: "Downloading" with progressDetail at most
 * every 512 KiB of a blob, then "Download complete". */
static void on_progress(void *arg, const char *digest, uint64_t done, uint64_t total)
{
	struct puller *p = arg;
	const char *hex = strchr(digest, ':') ? strchr(digest, ':') + 1 : digest;
	char id[SHORT_ID + 1];

	snprintf(id, sizeof(id), "%.*s", SHORT_ID, hex);
	if (done >= total) {
		put_line(p, json_pack("{s:s, s:{}, s:s}", "status", "Download complete",
				      "progressDetail", "id", id));
		return;
	}
	if (strcmp(id, p->last) == 0 && done - p->step < (512u << 10) && done > p->step)
		return;
	snprintf(p->last, sizeof(p->last), "%s", id);
	p->step = done;
	put_line(p, json_pack("{s:s, s:{s:I, s:I}, s:s}", "status", "Downloading",
			      "progressDetail", "current", (json_int_t)done, "total",
			      (json_int_t)total, "id", id));
}

/* The repository's path as Docker's "Pulling from" names it: without the
 * registry ("127.0.0.1:5000/test/bb" -> "test/bb"), Docker Hub's
 * official images under "library/". */
static void repo_path(const char *repo, char *out, size_t len)
{
	const char *slash = strchr(repo, '/');
	size_t first = slash ? (size_t)(slash - repo) : 0;
	bool domain = slash && (memchr(repo, '.', first) || memchr(repo, ':', first) ||
				(first == 9 && !strncmp(repo, "localhost", 9)));

	if (domain)
		snprintf(out, len, "%s", slash + 1);
	else
		snprintf(out, len, "%s%s", slash ? "" : "library/", repo);
}

/* fromImage with tag (a tag, or a digest "sha256:..."); shown: the
 * repository's path, id: the tag (Docker's "TAG: Pulling from PATH"). */
static int pull_ref(struct api_req *r, char ref[IMAGES_REF_MAX], char shown[IMAGES_REF_MAX],
		    char id[REF_ID_MAX])
{
	const char *from = api_query(r, "fromImage"), *tag;
	char *repo, *slash, *colon;
	int n;

	if (!from || !*from)
		return -1;
	repo = strdup(from);
	if (!repo)
		return -1;
	tag = api_query(r, "tag");
	n = snprintf(ref, IMAGES_REF_MAX, "%s%s%s", repo,
		     !tag || !*tag ? "" : strncmp(tag, "sha256:", 7) ? ":" : "@",
		     tag ? tag : "");
	slash = strrchr(repo, '/');
	colon = strrchr(slash ? slash : repo, ':');
	if (colon)
		*colon = '\0';
	snprintf(id, REF_ID_MAX, "%s", tag && *tag ? tag : colon ? colon + 1 : "latest");
	repo_path(repo, shown, IMAGES_REF_MAX);
	free(repo);
	return n < IMAGES_REF_MAX ? 0 : -1;
}

static void pull_done(struct puller *p, const struct images_pulled *out)
{
	char line[IMAGES_REF_MAX + 64];

	snprintf(line, sizeof(line), "Digest: %s", out->digest);
	put_line(p, json_pack("{s:s}", "status", line));
	snprintf(line, sizeof(line), "Status: %s %s",
		 out->up_to_date ? "Image is up to date for" : "Downloaded newer image for",
		 out->ref);
	put_line(p, json_pack("{s:s}", "status", line));
}

/* POST /images/create?fromImage=R&tag=T: a pull, its progress as Docker's
 * JSON lines; a failure is the stream's last line, {"errorDetail":
 * {"message"}, "error"}, as the docker CLI expects once the answer began.
 * Importing from a URL or the body (fromSrc) is not served. */
static int create_image(struct api_req *r)
{
	char ref[IMAGES_REF_MAX], shown[IMAGES_REF_MAX], line[IMAGES_REF_MAX + 32];
	char id[REF_ID_MAX];
	struct puller p = { .r = r };
	struct images_pull_opts o = { .progress = on_progress, .arg = &p };
	struct images_pulled out;
	struct brig_err e;
	int rc;

	if (api_query(r, "fromSrc"))
		return api_reply_error(r, 501, "image import (fromSrc) is not supported: use "
					       "POST /images/load");
	if (pull_ref(r, ref, shown, id) < 0)
		return api_reply_error(r, 400, "no image named (?fromImage=), or too long");
	if (api_stream_begin(r, 200, "application/json") < 0)
		return -1;
	snprintf(line, sizeof(line), "Pulling from %s", shown);
	put_line(&p, json_pack("{s:s, s:s}", "status", line, "id", id));
	api_engine_lock();
	rc = images_pull(r->c, ref, &o, &out, &e);
	api_engine_unlock();
	if (rc < 0)
		put_line(&p, json_pack("{s:{s:s}, s:s}", "errorDetail", "message", e.msg, "error",
				       e.msg));
	else
		pull_done(&p, &out);
	return p.gone ? -1 : api_stream_end(r);
}

const struct api_route api_image_routes[] = {
	{ "GET", "/images/json", list_images, 0 },
	{ "POST", "/images/create", create_image, 0 },
	{ "POST", "/images/load", load_images, API_BODY_FILE },
	{ "GET", "/images/get", save_images, 0 },
	{ "GET", "/images/{name*}/json", inspect_image, 0 },
	{ "GET", "/images/{name*}/get", save_image, 0 },
	{ "POST", "/images/{name*}/tag", tag_image, 0 },
	{ "DELETE", "/images/{name*}", remove_image, 0 },
	{ NULL, NULL, NULL, 0 },
};
