/* commit.c - export, commit and save (commit.h). */
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "commit.h"
#include "image.h"
#include "proc.h"
#include "spec.h"
#include "state.h"

/* A container's record: its layers and the directory of its upper one. */
static int container_layers(const struct brig_ctx *c, const char *ref, struct container_spec *spec,
			    char upper[PATH_MAX], struct brig_err *e)
{
	char id[BRIG_ID_LEN + 1];

	if (state_resolve(c, ref, id, e) < 0 || state_load(c, id, spec, NULL, e) < 0 ||
	    state_path(c, id, "upper", upper, PATH_MAX, e) < 0)
		return -e->code;
	if (!spec->rootfs || !*spec->rootfs)
		return brig_errf(e, EINVAL, "container %s: its record has no rootfs", ref);
	return 0;
}

struct export_job {
	const char *lower, *upper;
	char merged[PATH_MAX];
	int fd;
};

/* In a private mount namespace: the container's view, read-only (upper
 * as the topmost lower layer, so no work directory is needed). */
static int export_child(void *arg, struct brig_err *e)
{
	struct export_job *j = arg;
	char data[8192];
	int n;

	if (unshare(CLONE_NEWNS) < 0)
		return brig_errno(e, "unshare mount namespace");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return brig_errno(e, "make / private");
	n = snprintf(data, sizeof(data), "lowerdir=%s:%s", j->upper, j->lower);
	if (n < 0 || (size_t)n >= sizeof(data))
		return brig_errf(e, E2BIG, "too many layers to mount");
	if (mount("overlay", j->merged, "overlay", MS_RDONLY, data) < 0)
		return brig_errno(e, "mount the container's filesystem");
	return image_write_tree(j->merged, j->fd, e);
}

int container_export(const struct brig_ctx *c, const char *ref, int fd, struct brig_err *e)
{
	struct container_spec spec;
	char upper[PATH_MAX];
	struct export_job j = { .fd = fd };
	int r = container_layers(c, ref, &spec, upper, e);

	if (r == 0 && !mkdtemp(strcpy(j.merged, "/tmp/brig-export-XXXXXX")))
		r = brig_errno(e, "mkdtemp");
	if (r == 0) {
		j.lower = spec.rootfs;
		j.upper = upper;
		r = proc_run_child(export_child, &j, e);
		rmdir(j.merged);
	}
	spec_free(&spec);
	return r < 0 ? brig_err_ctx(e, "export %s", ref) : 0;
}

int container_commit(const struct brig_ctx *c, const char *ref, const char *tag,
		     const char *comment, char id_out[BRIG_ID_LEN + 1], struct brig_err *e)
{
	struct container_spec spec;
	char upper[PATH_MAX];
	int r = container_layers(c, ref, &spec, upper, e);

	if (r == 0 && !spec.image_id[0])
		r = brig_errf(e, EINVAL, "container %s runs a root directory, not an image", ref);
	if (r == 0)
		r = image_commit(c, spec.image_id, upper, tag, comment, id_out, e);
	spec_free(&spec);
	return r < 0 ? brig_err_ctx(e, "commit %s", ref) : 0;
}

int images_save(const struct brig_ctx *c, const char *const *names, size_t n, const char *path,
		struct brig_err *e)
{
	char tmp[PATH_MAX];
	cleanup_close int fd = -1;

	if (!strcmp(path, "-"))
		return image_save(c, names, n, 1, e);
	if (snprintf(tmp, sizeof(tmp), "%s.tmp-XXXXXX", path) >= (int)sizeof(tmp))
		return brig_errf(e, ENAMETOOLONG, "%s: path too long", path);
	fd = mkstemp(tmp);
	if (fd < 0)
		return brig_errno(e, "create %s", tmp);
	int r = image_save(c, names, n, fd, e);

	if (r == 0 && (fsync(fd) < 0 || fchmod(fd, 0644) < 0 || rename(tmp, path) < 0))
		r = brig_errno(e, "write %s", path);
	if (r < 0)
		unlink(tmp);
	return r;
}
