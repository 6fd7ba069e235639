/* ipam_fixture.h - the fixture of the net/ipam.c unit tests (test_ipam.c,
 * test_ipam6.c, test_ipam_scale.c): a lease file's path in a fresh temp
 * dir, this process as an owner and a pid that surely is gone; the
 * warning sink captured; a network and whole files to write and read.
 * Header-only, as tmp_root.h; include it after cmocka.h. */
#ifndef BRIG_TEST_IPAM_FIXTURE_H
#define BRIG_TEST_IPAM_FIXTURE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ipam.h"
#include "proc.h"
#include "warn.h"

struct fx {
	char dir[64];
	char path[128];
	pid_t me, dead;
	unsigned long long st;
};

/* The warning sink, captured (capture_warnings): how many warnings, and
 * the last one. */
static int warnings;
static char last_warning[1024];

static inline void capture_warning(void *arg, const char *msg)
{
	(void)arg;
	warnings++;
	snprintf(last_warning, sizeof(last_warning), "%s", msg);
}

static inline void capture_warnings(void)
{
	brig_warn_sink(capture_warning, NULL);
	warnings = 0;
}

/* A pid that surely is gone: a child we forked and reaped. */
static inline pid_t dead_pid(void)
{
	pid_t p = fork();

	assert_true(p >= 0);
	if (p == 0)
		_exit(0);
	assert_int_equal(waitpid(p, NULL, 0), p);
	return p;
}

/* The fixture into *state: /tmp/brig-<tag>-XXXXXX/leases, owned by this
 * process (its start time) or by a dead pid. */
static inline int ipam_fx_make(void **state, const char *tag)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/brig-%s-XXXXXX", tag);
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/leases", f->dir);
	f->me = getpid();
	f->st = proc_starttime(f->me);
	f->dead = dead_pid();
	*state = f;
	return 0;
}

/* The lease file, its lock and temp file, the dir, the fixture. */
static inline int ipam_fx_teardown(void **state)
{
	struct fx *f = *state;
	char p[160];

	unlink(f->path);
	snprintf(p, sizeof(p), "%s.lock", f->path);
	unlink(p);
	snprintf(p, sizeof(p), "%s.tmp", f->path);
	unlink(p);
	rmdir(f->dir);
	free(f);
	return 0;
}

static inline struct net_network mknet(uint32_t subnet, int prefix, uint32_t gw)
{
	struct net_network n = { .name = "t", .bridge = "brt", .subnet = subnet,
				 .prefix = prefix, .gateway = gw };
	return n;
}

static inline void write_file(const char *path, const char *s)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(s, fp);
	fclose(fp);
}

/* The whole of a (small) file, in a static buffer. */
static inline char *file_text(const char *path)
{
	static char buf[1 << 16];
	FILE *fp = fopen(path, "r");
	size_t n;

	assert_non_null(fp);
	n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

#endif
