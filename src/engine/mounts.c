/* mounts.c - a container's mounts as the engine handles them: checked, and
 * their volumes made, when the container is created (under the store
 * lock, so no volume is removed between the two); the runtime's mounts at
 * every start; the "Mounts" of inspect; the anonymous volumes that go
 * with the record. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "container_int.h"
#include "events.h"
#include "state.h"
#include "copy.h"
#include "volume.h"
#include "warn.h"

static int dup_str(const char *s, char **out, struct brig_err *e)
{
	*out = s ? strdup(s) : NULL;
	if (s && !*out)
		return brig_errf(e, ENOMEM, "mounts: out of memory");
	return 0;
}

/* A bind given by --mount must find its source (Docker's words); -v makes
 * a missing one at start. */
static int check_bind(const struct mount_spec *m, struct brig_err *e)
{
	struct stat st;

	if (m->create_source || stat(m->source, &st) == 0)
		return 0;
	if (errno == ENOENT)
		return brig_errf(e, ENOENT,
				 "invalid mount config for type \"bind\": bind source path does not exist: %s",
				 m->source);
	return brig_errno(e, "bind source %s", m->source);
}

/* An anonymous volume gets its name (64 hex characters, as Docker's);
 * every volume is made unless it exists. */
static int settle_volume(const struct brig_ctx *c, struct mount_spec *m, struct brig_err *e)
{
	char id[BRIG_ID_LEN + 1];

	if (!m->source) {
		if (gen_id(id, e) < 0 || dup_str(id, &m->source, e) < 0)
			return -e->code;
		m->anonymous = true;
	}
	if (volume_ensure(c, m->source, m->anonymous, e) < 0)
		return brig_err_ctx(e, "volume %s", m->source);
	return 0;
}

int container_mounts_create(const struct brig_ctx *c, const struct mount_spec *in, size_t n,
			    struct mount_spec **out, struct brig_err *e)
{
	struct mount_spec *v = calloc(n ? n : 1, sizeof(*v));

	*out = v;
	if (!v)
		return brig_errf(e, ENOMEM, "mounts: out of memory");
	for (size_t i = 0; i < n; i++) {
		struct mount_spec *m = &v[i];

		*m = in[i];
		m->source = m->target = m->options = NULL;
		if (dup_str(in[i].source, &m->source, e) < 0 || dup_str(in[i].target, &m->target, e) < 0 ||
		    dup_str(in[i].options, &m->options, e) < 0)
			return -e->code;
		if (m->type == MOUNT_BIND && check_bind(m, e) < 0)
			return -e->code;
		if (m->type == MOUNT_VOLUME && settle_volume(c, m, e) < 0)
			return -e->code;
	}
	return 0;
}

/* ---- at start ---- */

/* -v's host path, made a directory when missing, as Docker's -v does. */
static int make_source(const struct mount_spec *m, struct brig_err *e)
{
	struct stat st;

	if (!m->create_source || lstat(m->source, &st) == 0)
		return 0;
	if (errno != ENOENT)
		return brig_errno(e, "bind source %s", m->source);
	if (mkdir_p(m->source, 0755, e) < 0)
		return brig_err_ctx(e, "bind source");
	return 0;
}

static int spawn_mount_of(const struct brig_ctx *c, const struct mount_spec *m,
			  struct spawn_mount *s, struct brig_err *e)
{
	char path[PATH_MAX];
	struct mount_tmpfs t;

	s->target = m->target;
	s->readonly = m->readonly;
	switch (m->type) {
	case MOUNT_BIND:
		if (make_source(m, e) < 0)
			return -e->code;
		return dup_str(m->source, (char **)&s->source, e);
	case MOUNT_VOLUME:
		if (!m->source)
			return brig_errf(e, EINVAL, "the volume on %s has no name", m->target);
		/* made again if it was removed by hand since */
		if (volume_ensure(c, m->source, m->anonymous, e) < 0 ||
		    volume_path(c, m->source, path, sizeof(path), e) < 0)
			return brig_err_ctx(e, "volume %s", m->source);
		s->seed = !m->nocopy;
		return dup_str(path, (char **)&s->source, e);
	case MOUNT_TMPFS:
		if (mountspec_tmpfs_parse(m->options, &t, e) < 0)
			return brig_err_ctx(e, "tmpfs on %s", m->target);
		s->attrs = t.attrs;
		s->readonly |= t.readonly;
		return dup_str(t.data, (char **)&s->data, e);
	}
	return brig_errf(e, EINVAL, "mount on %s: unknown type", m->target);
}

int container_spawn_mounts(const struct brig_ctx *c, const struct container_spec *spec,
			   struct spawn_mount **out, struct brig_err *e)
{
	struct spawn_mount *v = calloc(spec->n_mounts ? spec->n_mounts : 1, sizeof(*v));

	*out = v;
	if (!v)
		return brig_errf(e, ENOMEM, "mounts: out of memory");
	for (size_t i = 0; i < spec->n_mounts; i++)
		if (spawn_mount_of(c, &spec->mounts[i], &v[i], e) < 0)
			return -e->code;
	return 0;
}

void container_spawn_mounts_free(struct spawn_mount *m, size_t n)
{
	for (size_t i = 0; m && i < n; i++) {
		free((char *)m[i].source);
		free((char *)m[i].data);
	}
	free(m);
}

int container_seed_volume(int root, const char *path, int dst, struct brig_err *e)
{
	char src[PATH_MAX];
	/* "PATH/." into the volume's own directory: its contents, docker cp's rules */
	struct copy_end from = { root, src, path }, to = { dst, ".", "the volume" };

	if (snprintf(src, sizeof(src), "%s/.", path) >= (int)sizeof(src))
		return brig_errf(e, ENAMETOOLONG, "%s: path too long", path);
	return copy_tree(&from, &to, e);
}

/* ---- inspect, removal ---- */

static json_t *mount_doc(const struct brig_ctx *c, const struct mount_spec *m)
{
	char path[PATH_MAX] = "";
	struct brig_err e;
	json_t *j;

	if (m->type == MOUNT_VOLUME && m->source && volume_path(c, m->source, path, sizeof(path), &e) < 0)
		path[0] = '\0';
	j = json_pack("{s:s,s:s,s:s,s:s,s:b,s:s}", "Type", mountspec_type_name(m->type), "Source",
		      m->type == MOUNT_BIND ? m->source : path, "Destination", m->target, "Mode",
		      m->readonly ? "ro" : "", "RW", !m->readonly, "Propagation",
		      m->type == MOUNT_BIND ? "rprivate" : "");
	if (j && m->type == MOUNT_VOLUME &&
	    (json_object_set_new(j, "Name", json_string(m->source ? m->source : "")) < 0 ||
	     json_object_set_new(j, "Driver", json_string("local")) < 0)) {
		json_decref(j);
		return NULL;
	}
	return j;
}

json_t *container_mounts_json(const struct brig_ctx *c, const struct container_spec *spec)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < spec->n_mounts; i++)
		if (json_array_append_new(a, mount_doc(c, &spec->mounts[i])) < 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

void container_drop_volumes(const struct brig_ctx *c, const struct mount_spec *m, size_t n)
{
	struct brig_err e;

	for (size_t i = 0; m && i < n; i++)
		if (m[i].type == MOUNT_VOLUME && m[i].anonymous && m[i].source &&
		    volume_remove(c, m[i].source, true, &e) < 0 && e.code != EBUSY)
			brig_warn("%s", e.msg);
}

int container_remove_record_then(const struct brig_ctx *c, const char *id,
				 const struct container_spec *cfg, void (*gone_hook)(void *),
				 void *arg, struct brig_err *e)
{
	cleanup_json json_t *attrs = events_container_attrs(c, id, cfg); /* before it goes */
	char gone[PATH_MAX + 8];
	int r = state_unlist(c, id, gone, sizeof(gone), e);

	/* Gone for everyone once unlisted: a wait for its removal (docker run
	 * --rm) need not wait for the files' deletion too. */
	if (r >= 0)
		events_emit(c, "container", "destroy", id, attrs);
	if (r >= 0 && gone_hook)
		gone_hook(arg);
	if (r > 0)
		r = remove_tree(gone, e);
	if (r >= 0 && cfg)
		container_drop_volumes(c, cfg->mounts, cfg->n_mounts);
	return r < 0 ? r : 0;
}

int container_remove_record(const struct brig_ctx *c, const char *id,
			    const struct container_spec *cfg, struct brig_err *e)
{
	return container_remove_record_then(c, id, cfg, NULL, NULL, e);
}
