/* fuzz_mountspec.c - libFuzzer target for brig's mount parsers
 * (src/engine/mountspec.c): -v, --mount, --tmpfs and tmpfs options, the
 * input taken as each value, and as a path to clean.
 *
 * Any bytes must parse without crashing or reading past the string; a
 * refusal leaves nothing allocated and is one line; what is accepted is
 * well-formed: an absolute, clean target that is not "/", a bind's source
 * absolute and clean, a volume's a valid name (or none, anonymous), a
 * tmpfs's options canonical (they read back to themselves). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mountspec.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_err(const struct brig_err *e)
{
	check(memchr(e->msg, '\0', sizeof(e->msg)) != NULL);
	check(strchr(e->msg, '\n') == NULL);
	check(e->code > 0);
}

static int is_clean(const char *p)
{
	char buf[4096];
	struct brig_err e;

	return p[0] == '/' && mountspec_clean(p, buf, sizeof(buf), &e) == 0 && strcmp(buf, p) == 0;
}

static void check_options(const char *opts)
{
	struct mount_tmpfs t;
	char back[MOUNTSPEC_TMPFS_MAX];
	struct brig_err e;

	check(mountspec_tmpfs_parse(opts, &t, &e) == 0);
	mountspec_tmpfs_format(&t, back, sizeof(back));
	check(strcmp(back, opts) == 0);
}

static void check_mount(int r, struct mount_spec *m, const struct brig_err *e)
{
	if (r < 0) {
		check_err(e);
		check(!m->source && !m->target && !m->options);
		return;
	}
	check(m->target && is_clean(m->target) && strcmp(m->target, "/") != 0);
	switch (m->type) {
	case MOUNT_BIND:
		check(m->source && is_clean(m->source) && !m->options && !m->anonymous);
		break;
	case MOUNT_VOLUME:
		check(m->anonymous ? !m->source : m->source && mountspec_valid_name(m->source));
		check(!m->options && !m->create_source);
		break;
	case MOUNT_TMPFS:
		check(!m->source && m->options);
		check_options(m->options);
		break;
	default:
		check(0);
	}
	mountspec_free(m);
}

static void fuzz_clean(const char *s)
{
	char a[4096], b[4096];
	struct brig_err e;

	if (mountspec_clean(s, a, sizeof(a), &e) < 0) {
		check_err(&e);
		return;
	}
	check(a[0] == '/' && !strstr(a, "//") && !strstr(a, "/./") && !strstr(a, "/../"));
	check(mountspec_clean(a, b, sizeof(b), &e) == 0 && strcmp(a, b) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	struct mount_spec m;
	struct mount_tmpfs t;
	struct brig_err e;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	check_mount(mountspec_parse_volume(s, "/lab", &m, &e), &m, &e);
	check_mount(mountspec_parse_mount(s, "/lab", &m, &e), &m, &e);
	check_mount(mountspec_parse_tmpfs(s, &m, &e), &m, &e);
	if (mountspec_tmpfs_parse(s, &t, &e) < 0)
		check_err(&e);
	fuzz_clean(s);
	free(s);
	return 0;
}
