/* hygiene.c - a brig process inside a container keeps nothing of the
 * host's reachable: non-dumpable, its working directory resolved inside
 * the container's root, no directory as stdio (hygiene.h,
 * docs/security.md). */
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "hygiene.h"

int hygiene_undumpable(struct brig_err *e)
{
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return brig_errno(e, "make the process non-dumpable");
	return 0;
}

/* openat2 says EAGAIN when a rename raced a confined lookup: retry. */
static int open_in_root(int root, const char *path)
{
	struct open_how how = {.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
			       .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS};
	int fd, tries = 0;

	do
		fd = (int)syscall(SYS_openat2, root, path, &how, sizeof(how));
	while (fd < 0 && errno == EAGAIN && ++tries < 16);
	return fd;
}

/* glibc's getcwd fails with ENOENT where the kernel says "(unreachable)":
 * the directory is not below the root (runc's check for CVE-2024-21626). */
static int check_cwd(const char *dir, struct brig_err *e)
{
	char cwd[PATH_MAX];

	if (!getcwd(cwd, sizeof(cwd)))
		return brig_errno(e, "working directory %s: outside the container", dir);
	if (cwd[0] != '/')
		return brig_errf(e, EPERM, "working directory %s: outside the container", dir);
	return 0;
}

int hygiene_chdir_in_root(const char *dir, struct brig_err *e)
{
	cleanup_close int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	cleanup_close int fd = -1;

	if (root < 0)
		return brig_errno(e, "open the container's root");
	fd = open_in_root(root, dir);
	if (fd < 0 && errno == ELOOP)
		return brig_errf(e, ELOOP,
				 "working directory %s: a symlink loop or a /proc magic link", dir);
	if (fd < 0)
		return brig_errno(e, "working directory %s", dir);
	if (fchdir(fd) < 0)
		return brig_errno(e, "working directory %s", dir);
	return check_cwd(dir, e);
}

int hygiene_check_stdio(struct brig_err *e)
{
	static const char *const names[] = {"stdin", "stdout", "stderr"};
	struct stat st;

	for (int fd = 0; fd < 3; fd++)
		if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
			return brig_errf(e, EISDIR,
					 "%s is a directory: it would open the host's files "
					 "to the container",
					 names[fd]);
	return 0;
}
