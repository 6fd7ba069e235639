/* procscan.c - the exec hygiene suite's scanner (exec_hygiene.bats), run
 * inside a container: as fast as it can, for every other process it sees,
 * it reads /proc/PID/exe, cwd, root and every /proc/PID/fd/N, and tries to
 * open /proc/PID/exe for writing, directly and by reopening an O_PATH fd
 * (CVE-2019-5736's way).  A busybox shell loop is too slow to catch a brig
 * process between fork and exec; this is not.
 *
 *   procscan STOP OUT COUNT
 *
 * Each distinct line is written once to OUT:
 *   EXE PID TARGET | NOEXE PID ERRNO | OPENED PID HOW TARGET |
 *   CWD PID TARGET | ROOT PID TARGET | FD PID N TARGET
 * The write is tried on every process but a /bin/busybox one (the
 * container's own file); nothing is ever written.
 * COUNT holds the number of full passes (renamed into place every 64);
 * once STOP exists it writes "PASSES N REFUSED M", makes COUNT ".done"
 * and waits to be killed.  A static test program, not part of brig. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SEEN_SLOTS (1u << 16)

static uint64_t seen[SEEN_SLOTS];
static FILE *out;
static unsigned long refused;

static uint64_t fnv(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h ? h : 1;
}

/* Write line once; a full table writes everything again (harmless). */
static void note(const char *line)
{
	uint64_t h = fnv(line);

	for (uint32_t i = (uint32_t)h, n = 0; n < SEEN_SLOTS; i++, n++) {
		uint64_t *slot = &seen[i & (SEEN_SLOTS - 1)];
		if (*slot == h)
			return;
		if (!*slot) {
			*slot = h;
			break;
		}
	}
	fprintf(out, "%s\n", line);
	fflush(out);
}

static void link_of(const char *pid, const char *what, const char *tag)
{
	char path[300], target[4096], line[4500];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%s/%s", pid, what);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return;
	target[n] = '\0';
	snprintf(line, sizeof(line), "%s %s %s", tag, pid, target);
	note(line);
}

/* An fd opened for writing: say which file it is (the container's own
 * files may be; the brig binary never). */
static void opened(const char *pid, const char *how, int fd)
{
	char path[64], target[4096], line[4200];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	target[n < 0 ? 0 : n] = '\0';
	snprintf(line, sizeof(line), "OPENED %s %s %s", pid, how, target);
	note(line);
	close(fd);
}

static void try_write(const char *pid)
{
	char path[300];
	int fd, opath;

	snprintf(path, sizeof(path), "/proc/%s/exe", pid);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0)
		opened(pid, "direct", fd);
	opath = open(path, O_PATH | O_CLOEXEC);
	if (opath < 0)
		return;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", opath);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0)
		opened(pid, "reopen", fd);
	close(opath);
}

static void fds_of(const char *pid)
{
	char path[300], what[300];
	struct dirent *d;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%s/fd", pid);
	if (!(dir = opendir(path)))
		return;
	while ((d = readdir(dir)))
		if (d->d_name[0] != '.') {
			snprintf(what, sizeof(what), "fd/%s", d->d_name);
			link_of(pid, what, "FD");
		}
	closedir(dir);
}

static void scan(const char *pid)
{
	char path[300], target[4096], line[4500];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%s/exe", pid);
	n = readlink(path, target, sizeof(target) - 1);
	if (n >= 0) {
		target[n] = '\0';
		snprintf(line, sizeof(line), "EXE %s %s", pid, target);
	} else {
		if (errno == EACCES || errno == EPERM)
			refused++;
		snprintf(line, sizeof(line), "NOEXE %s %d", pid, errno);
	}
	note(line);
	/* The container's own busybox is left alone: held open for writing
	 * even for a moment, it could not be exec'd (ETXTBSY) by the suite. */
	if (n < 0 || strcmp(target, "/bin/busybox") != 0)
		try_write(pid);
	link_of(pid, "cwd", "CWD");
	link_of(pid, "root", "ROOT");
	fds_of(pid);
}

static void count(const char *file, const char *suffix, unsigned long passes)
{
	char tmp[300], dst[300];
	FILE *f;

	snprintf(tmp, sizeof(tmp), "%s.new", file);
	snprintf(dst, sizeof(dst), "%s%s", file, suffix);
	if ((f = fopen(tmp, "w"))) {
		fprintf(f, "%lu\n", passes);
		fclose(f);
		rename(tmp, dst);
	}
}

int main(int argc, char **argv)
{
	char self[32];
	unsigned long passes = 0;

	if (argc != 4 || !(out = fopen(argv[2], "a")))
		return 2;
	snprintf(self, sizeof(self), "%d", getpid());
	while (access(argv[1], F_OK) != 0) {
		DIR *proc = opendir("/proc");
		struct dirent *d;

		if (!proc)
			return 3;
		while ((d = readdir(proc)))
			if (d->d_name[0] >= '1' && d->d_name[0] <= '9' && strcmp(d->d_name, self))
				scan(d->d_name);
		closedir(proc);
		if (++passes % 64 == 0)
			count(argv[3], "", passes);
	}
	fprintf(out, "PASSES %lu REFUSED %lu\n", passes, refused);
	fclose(out);
	count(argv[3], ".done", passes);
	for (;;)
		pause();
}
