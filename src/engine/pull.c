/* pull.c - pull, push, login, logout: the registry client (src/image/
 * registry.c) between a layout directory and the image store (pull.h). */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "digest.h"
#include "events.h"
#include "image.h"
#include "images.h"
#include "io.h"
#include "pull.h"
#include "ref.h"
#include "registry.h"

/* ---- the image store's side ---- */

/* Import the OCI layout dir as ref (NULL: untagged), recording source and
 * repo_digest; the new image's id goes to id. */
static int store_import(const struct brig_ctx *c, const char *dir, const char *ref,
			const char *source, const char *repo_digest, char id[IMAGES_DIGEST_MAX],
			struct brig_err *e)
{
	struct image_import_opts io = { .ref = ref, .source = source, .repo_digest = repo_digest };
	cleanup_json json_t *loaded = NULL;
	const char *got;

	if (images_import(c, dir, &io, &loaded, e) < 0)
		return -e->code;
	got = json_string_value(json_object_get(json_array_get(loaded, 0), "id"));
	snprintf(id, IMAGES_DIGEST_MAX, "%s", got ? got : "");
	return 0;
}

/* ---- pull ---- */

static struct registry_opts reg_opts(const struct brig_ctx *c, const struct images_pull_opts *o)
{
	struct registry_opts r = { .root = c->root };

	if (o) {
		r.insecure = o->insecure;
		r.platform = o->platform;
		r.progress = o->progress;
		r.arg = o->arg;
	}
	return r;
}

/* Lock path; a lock file that the holder unlinked when done (its pull
 * succeeded) is taken again from the new file. */
static int lock_pull(const char *path, struct brig_err *e)
{
	for (;;) {
		struct stat st;
		int fd = lock_file(path, e);
		if (fd < 0)
			return fd;
		if (fstat(fd, &st) == 0 && st.st_nlink > 0)
			return fd;
		close(fd);
	}
}

/* <root>/images/pulls/<sha256 of canonical> and its lock file. */
static int pull_dir(const struct brig_ctx *c, const char *canonical, char *dir, char *lock,
		    struct brig_err *e)
{
	char digest[DIGEST_MAX], parent[PATH_MAX];

	if (sha256_digest(canonical, strlen(canonical), digest, e) < 0)
		return -e->code;
	snprintf(parent, sizeof(parent), "%s/images/pulls", c->root);
	if (mkdir_p(parent, 0700, e) < 0)
		return -e->code;
	if (snprintf(dir, PATH_MAX, "%s/%s", parent, digest + 7) >= PATH_MAX ||
	    snprintf(lock, PATH_MAX, "%s/%s.lock", parent, digest + 7) >= PATH_MAX)
		return brig_errf(e, ENAMETOOLONG, "%s: path too long", parent);
	return 0;
}

/* registry_opts.have_image over the store: the image id is the config's
 * digest. */
struct have {
	const struct brig_ctx *c;
	char id[DIGEST_MAX];
};

static bool have_image(void *arg, const char *config_digest)
{
	cleanup_json json_t *rec = NULL;
	struct have *h = arg;
	struct brig_err e;

	if (images_inspect(h->c, config_digest, &rec, &e) < 0)
		return false;
	snprintf(h->id, sizeof(h->id), "%s", config_digest);
	return true;
}

static int pull_locked(const struct brig_ctx *c, const struct image_ref *r, const char *dir,
		       const struct images_pull_opts *o, struct images_pulled *out,
		       struct brig_err *e)
{
	struct registry_opts ro = reg_opts(c, o);
	char repo[REF_NAME_MAX], repo_digest[REF_NAME_MAX + DIGEST_MAX + 1];
	char source[sizeof(out->ref) + 8];
	struct have have = { .c = c };
	struct brig_err ignored;
	int rc;

	ro.have_image = have_image;
	ro.have_arg = &have;
	rc = registry_pull(r, dir, &ro, out->digest, e);
	if (rc < 0)
		return rc;
	if (rc == 1) {
		out->up_to_date = true;
		snprintf(out->id, sizeof(out->id), "%s", have.id);
		if (images_tag(c, have.id, out->ref, e) < 0)
			return -e->code;
		remove_tree(dir, &ignored); /* what an earlier attempt left */
		return 0;
	}
	ref_repo(r, repo, sizeof(repo));
	snprintf(repo_digest, sizeof(repo_digest), "%s@%s", repo, out->digest);
	snprintf(source, sizeof(source), "pull %s", out->ref);
	if (store_import(c, dir, out->ref, source, repo_digest, out->id, e) < 0)
		return -e->code;
	/* Imported: the download has served; a failure to remove it only
	 * leaves a cache behind. */
	remove_tree(dir, &ignored);
	return 0;
}

int images_pull(const struct brig_ctx *c, const char *ref, const struct images_pull_opts *o,
		struct images_pulled *out, struct brig_err *e)
{
	struct images_pulled mine;
	char dir[PATH_MAX], lock[PATH_MAX];
	struct image_ref r;
	int fd, rc;

	if (!out)
		out = &mine;
	memset(out, 0, sizeof(*out));
	if (ref_parse(ref, &r, e) < 0)
		return -e->code;
	ref_string(&r, out->ref, sizeof(out->ref));
	if (pull_dir(c, out->ref, dir, lock, e) < 0 || (fd = lock_pull(lock, e)) < 0)
		return brig_err_ctx(e, "pull %s", out->ref);
	rc = pull_locked(c, &r, dir, o, out, e);
	if (rc == 0)
		unlink(lock); /* under the lock: a waiter sees it unlinked and retries */
	close(fd);
	if (rc == 0)
		events_image(c, "pull", out->ref, NULL);
	return rc < 0 ? brig_err_ctx(e, "pull %s", out->ref) : 0;
}

/* Remove one abandoned pull, <hex>/ and <hex>.lock, unless a pull holds
 * the lock; 1 when a download was removed.  A lock file alone (the dir is
 * gone) goes too, uncounted. */
static int prune_one(const char *parent, const char *hex, struct brig_err *e)
{
	char dir[PATH_MAX], lock[PATH_MAX];
	cleanup_close int fd = -1;
	bool had;

	if (snprintf(dir, sizeof(dir), "%s/%.64s", parent, hex) >= (int)sizeof(dir) ||
	    snprintf(lock, sizeof(lock), "%s/%.64s.lock", parent, hex) >= (int)sizeof(lock))
		return brig_errf(e, ENAMETOOLONG, "%s: path too long", parent);
	had = access(dir, F_OK) == 0;
	fd = open(lock, O_RDWR | O_CLOEXEC | O_NOFOLLOW | (had ? O_CREAT : 0), 0600);
	if (fd < 0)
		return errno == ENOENT ? 0 : brig_errno(e, "open %s", lock);
	if (flock(fd, LOCK_EX | LOCK_NB) < 0)
		return errno == EWOULDBLOCK ? 0 : brig_errno(e, "lock %s", lock);
	if (remove_tree(dir, e) < 0)
		return -e->code;
	unlink(lock); /* under the lock, as images_pull does */
	return had ? 1 : 0;
}

int images_pull_prune(const struct brig_ctx *c, int *removed, struct brig_err *e)
{
	char parent[PATH_MAX];
	cleanup_dir DIR *d = NULL;
	struct dirent *de;
	int n = 0, r;

	snprintf(parent, sizeof(parent), "%s/images/pulls", c->root);
	d = opendir(parent);
	if (!d)
		return errno == ENOENT ? 0 : brig_errno(e, "open %s", parent);
	while ((de = readdir(d))) {
		char hex[SHA256_HEX + 1];
		const char *rest = de->d_name + strnlen(de->d_name, SHA256_HEX);

		/* "<hex>" or "<hex>.lock": both name one pull. */
		snprintf(hex, sizeof(hex), "%.*s", SHA256_HEX, de->d_name);
		if (!hex_id_valid(hex) || (*rest && strcmp(rest, ".lock")))
			continue;
		r = prune_one(parent, hex, e);
		if (r < 0)
			return r;
		n += r;
	}
	if (removed)
		*removed = n;
	return 0;
}

bool images_need_pull(const struct brig_ctx *c, const char *image)
{
	char id[BRIG_ID_LEN + 1];
	struct image_ref r;
	struct brig_err e;

	if (!image || image[0] == '/' || image[0] == '.' || ref_parse(image, &r, &e) < 0)
		return false;
	return image_find(c, image, id, &e) < 0 && e.code == ENOENT;
}

/* ---- push ---- */

int images_push(const struct brig_ctx *c, const char *ref, const struct images_pull_opts *o,
		char digest[IMAGES_DIGEST_MAX], struct brig_err *e)
{
	struct registry_opts ro = reg_opts(c, o);
	char dir[PATH_MAX], canonical[REF_MAX];
	struct image_ref r;
	struct brig_err ignored;
	int rc;

	if (ref_parse(ref, &r, e) < 0)
		return -e->code;
	ref_string(&r, canonical, sizeof(canonical));
	/* The layout lives in the store's tmp/, swept if we die midway. */
	rc = image_tmp_dir(c, dir, sizeof(dir), e);
	if (rc < 0)
		return brig_err_ctx(e, "push %s", canonical);
	rc = image_export_oci(c, ref, dir, e);
	if (rc == 0)
		rc = registry_push(&r, dir, &ro, digest, e);
	remove_tree(dir, &ignored);
	return rc < 0 ? brig_err_ctx(e, "push %s", canonical) : 0;
}

/* ---- login, logout ---- */

int images_login(const struct brig_ctx *c, const char *registry, const char *user,
		 const char *pass, const struct images_pull_opts *o, char host[IMAGES_HOST_MAX],
		 struct brig_err *e)
{
	struct registry_opts ro = reg_opts(c, o);

	if (registry_host_parse(registry, host, IMAGES_HOST_MAX, e) < 0)
		return -e->code;
	ro.user = user;
	ro.pass = pass;
	if (registry_login(host, &ro, e) < 0)
		return brig_err_ctx(e, "login");
	return 0;
}

int images_logout(const struct brig_ctx *c, const char *registry, char host[IMAGES_HOST_MAX],
		  bool *found, struct brig_err *e)
{
	if (registry_host_parse(registry, host, IMAGES_HOST_MAX, e) < 0)
		return -e->code;
	if (registry_logout(c->root, host, found, e) < 0)
		return brig_err_ctx(e, "logout %s", host);
	return 0;
}
