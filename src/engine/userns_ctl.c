/* userns_ctl.c - user namespace options, --userns=auto's allocator and
 * the directories of the mapped root (see userns_ctl.h). */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "container.h"
#include "io.h"
#include "state.h"
#include "userns_ctl.h"
#include "volume.h"

/* Ranges read from a subid file, and the ranges containers hold. */
#define MAX_RANGES 1024

int userns_opt_mode(struct container_spec *s, const char *mode, struct brig_err *e)
{
	if (strcmp(mode, "auto") == 0) {
		s->userns.set = s->userns.automatic = true;
		return 0;
	}
	if (strcmp(mode, "host") == 0) {
		s->userns.set = s->userns.automatic = false;
		return 0;
	}
	return brig_errf(e, EINVAL, "--userns '%s': expected auto or host", mode);
}

int userns_opt_map(struct container_spec *s, bool gid, const char *arg, struct brig_err *e)
{
	s->userns.set = true;
	return idmap_add(gid ? &s->userns.gid : &s->userns.uid, gid ? "--gidmap" : "--uidmap",
			 arg, e);
}

static bool shares_host_ns(const struct container_spec *s)
{
	const char *net = s->n_nets ? s->nets[0].name : "bridge";

	return strcmp(net, "host") == 0 || strncmp(net, "container:", 10) == 0;
}

int userns_check_spec(struct container_spec *s, struct brig_err *e)
{
	struct userns_maps *u = &s->userns;

	if (!u->set)
		return 0;
	if (s->privileged)
		return brig_errf(e, EINVAL, "--privileged cannot run in a user namespace "
					    "(as Docker: drop --userns, --uidmap and --gidmap)");
	if (shares_host_ns(s))
		return brig_errf(e, EINVAL, "--network host or container:NAME cannot run in a user "
					    "namespace (its network namespace would not be its own)");
	if (u->automatic) {
		if (u->uid.n || u->gid.n)
			return brig_errf(e, EINVAL, "--userns=auto picks its own maps: "
						    "give it or --uidmap/--gidmap, not both");
		return 0;
	}
	if (!u->gid.n)
		u->gid = u->uid;
	if (!u->uid.n)
		u->uid = u->gid;
	if (idmap_check(&u->uid, "--uidmap", e) < 0 || idmap_check(&u->gid, "--gidmap", e) < 0)
		return -e->code;
	return 0;
}

/* What the records hold: every container's host ranges, uid and gid. */
struct held {
	struct id_range uid[MAX_RANGES], gid[MAX_RANGES];
	size_t n_uid, n_gid;
};

static void hold(struct id_range *out, size_t *n, const struct idmap *m)
{
	for (size_t i = 0; i < m->n && *n < MAX_RANGES; i++)
		out[(*n)++] = (struct id_range){ m->r[i].outside, m->r[i].count };
}

static int add_held(const char *id, const struct container_spec *cfg, void *arg,
		    struct brig_err *e)
{
	struct held *h = arg;

	(void)id;
	(void)e;
	if (cfg->userns.set) {
		hold(h->uid, &h->n_uid, &cfg->userns.uid);
		hold(h->gid, &h->n_gid, &cfg->userns.gid);
	}
	return 0;
}

/* The lowest free start of root's ranges in file, into *start. */
static int alloc_from(const char *file, const struct id_range *used, size_t n_used,
		      uint32_t *start, struct brig_err *e)
{
	cleanup_free char *text = NULL;
	cleanup_free struct id_range *avail = calloc(MAX_RANGES, sizeof(*avail));
	size_t len = 0, n;

	if (!avail)
		return brig_errf(e, ENOMEM, "out of memory");
	if (read_file(file, &text, &len, e) < 0 && e->code != ENOENT)
		return brig_err_ctx(e, "--userns=auto");
	n = subid_parse(text ? text : "", len, USERNS_USER, 0, avail, MAX_RANGES, NULL);
	if (n == 0)
		return brig_errf(e, ENOENT, "--userns=auto: %s has no range for %s: add a line "
					    "such as '%s:1000000:655360' (ten containers)",
				 file, USERNS_USER, USERNS_USER);
	if (subid_alloc(avail, n, used, n_used, IDMAP_AUTO_SIZE, start) < 0)
		return brig_errf(e, ENOSPC, "--userns=auto: every range of %u ids of %s in %s "
					    "is held by a container: give %s more ids there",
				 IDMAP_AUTO_SIZE, USERNS_USER, file, USERNS_USER);
	return 0;
}

int container_userns_alloc(const struct brig_ctx *c, struct container_spec *s,
			   struct brig_err *e)
{
	cleanup_free struct held *h = NULL;
	uint32_t uid, gid;

	if (!s->userns.set || !s->userns.automatic)
		return 0;
	if (!(h = calloc(1, sizeof(*h))))
		return brig_errf(e, ENOMEM, "out of memory");
	if (state_each(c, add_held, h, e) < 0 ||
	    alloc_from(USERNS_SUBUID, h->uid, h->n_uid, &uid, e) < 0 ||
	    alloc_from(USERNS_SUBGID, h->gid, h->n_gid, &gid, e) < 0)
		return -e->code;
	s->userns.uid = (struct idmap){ .r = { { 0, uid, IDMAP_AUTO_SIZE } }, .n = 1 };
	s->userns.gid = (struct idmap){ .r = { { 0, gid, IDMAP_AUTO_SIZE } }, .n = 1 };
	return 0;
}

/* The host id of container id in m; container root's when unmapped. */
static uint32_t host_id(const struct idmap *m, uint32_t id)
{
	uint32_t out = 0;

	if (!idmap_to_host(m, id, &out))
		idmap_to_host(m, 0, &out);
	return out;
}

static int own(const char *dir, const char *name, uid_t uid, gid_t gid, mode_t mode,
	       struct brig_err *e)
{
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s%s%s", dir, *name ? "/" : "", name) >=
	    (int)sizeof(path))
		return brig_errf(e, ENAMETOOLONG, "%s/%s: too long", dir, name);
	if (*name && mkdir(path, 0700) < 0 && errno != EEXIST)
		return brig_errno(e, "mkdir %s", path);
	if (chown(path, uid, gid) < 0 || (mode && chmod(path, mode) < 0))
		return brig_errno(e, "owner of %s", path);
	return 0;
}

static bool dir_empty(const char *path)
{
	cleanup_dir DIR *d = opendir(path);
	struct dirent *de;

	while (d && (de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			return false;
	return d != NULL;
}

/* A new, empty volume becomes the mapped root's (as Docker's with
 * userns-remap): the container fills it from the image and writes it. */
static int own_volumes(const struct brig_ctx *c, const struct container_spec *s, uid_t uid,
		       gid_t gid, struct brig_err *e)
{
	char path[PATH_MAX];
	struct stat st;

	for (size_t i = 0; i < s->n_mounts; i++) {
		const struct mount_spec *m = &s->mounts[i];
		if (m->type != MOUNT_VOLUME || !m->source)
			continue;
		if (volume_path(c, m->source, path, sizeof(path), e) < 0)
			return -e->code;
		if (stat(path, &st) == 0 && st.st_uid == 0 && dir_empty(path) &&
		    chown(path, uid, gid) < 0)
			return brig_errno(e, "owner of volume %s", m->source);
	}
	return 0;
}

int container_userns_dirs(const struct brig_ctx *c, const struct container *ct,
			  struct brig_err *e)
{
	const struct userns_maps *u = &ct->spec.userns;
	char upper[PATH_MAX];
	struct stat st;
	uid_t root = host_id(&u->uid, 0);
	gid_t group = host_id(&u->gid, 0);

	if (!u->set)
		return 0;
	snprintf(upper, sizeof(upper), "%s/upper", ct->dir);
	if (stat(upper, &st) < 0)
		return brig_errno(e, "stat %s", upper);
	/* "/" of the container is upper's: the image root's owner, mapped */
	if (own(ct->dir, "upper", host_id(&u->uid, st.st_uid), host_id(&u->gid, st.st_gid), 0,
		e) < 0 ||
	    own(ct->dir, "work", root, group, 0700, e) < 0 ||
	    own(ct->dir, "idmap", 0, 0, 0700, e) < 0 || own(ct->dir, "", 0, group, 0710, e) < 0 ||
	    own_volumes(c, &ct->spec, root, group, e) < 0)
		return brig_err_ctx(e, "user namespace");
	return 0;
}
