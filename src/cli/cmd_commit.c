/* cmd_commit.c - brig export NAME -o FILE and brig commit NAME [REF]: a
 * container's filesystem out of it (engine: commit.c). */
#include <fcntl.h>
#include <getopt.h> /* optind */
#include <stddef.h>
#include <stdio.h>
#include <unistd.h>

#include "cleanup.h"
#include "cli.h"
#include "commit.h"
#include "opt.h"

struct export_opts {
	const char *output;
};

static const struct opt export_rows[] = {
	{ "output", 'o', "FILE", "write to FILE instead of stdout", opt_string,
	  offsetof(struct export_opts, output) },
	{ NULL },
};

static const struct opt_spec export_spec = {
	.prog = "export",
	.usage = "brig export [-o FILE] NAME",
	.about = "Write a container's filesystem (its image and its changes) as a tar.\n",
	.opts = export_rows,
	.permute = true,
};

int cmd_export(struct brig_ctx *c, int argc, char **argv)
{
	struct export_opts o = { 0 };
	struct brig_err e;
	cleanup_close int fd = -1;
	int first = opt_parse(&export_spec, argc, argv, &o, &e);

	if (first <= 0)
		return opt_status(first, &e);
	if (argc - first != 1)
		return brig_fail("export: expected one container (see 'brig export --help')");
	if (!o.output && isatty(1))
		return brig_fail("export: refusing to write a tar to a terminal: use -o FILE");
	fd = o.output ? open(o.output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : dup(1);
	if (fd < 0) {
		brig_errno(&e, "export: open %s", o.output ? o.output : "stdout");
		brig_report(&e);
		return EXIT_BRIG;
	}
	if (container_export(c, argv[first], fd, &e) < 0) {
		if (o.output)
			unlink(o.output);
		brig_report(&e);
		return EXIT_BRIG;
	}
	return 0;
}

struct commit_opts {
	const char *message;
};

static const struct opt commit_rows[] = {
	{ "message", 'm', "TEXT", "a comment for the new layer", opt_string,
	  offsetof(struct commit_opts, message) },
	{ NULL },
};

static const struct opt_spec commit_spec = {
	.prog = "commit",
	.usage = "brig commit [-m TEXT] NAME [REF]",
	.about = "Make a new image from a container's changes (its image plus one layer).\n",
	.opts = commit_rows,
	.permute = true,
};

int cmd_commit(struct brig_ctx *c, int argc, char **argv)
{
	struct commit_opts o = { 0 };
	char id[BRIG_ID_LEN + 1];
	struct brig_err e;
	int first = opt_parse(&commit_spec, argc, argv, &o, &e);

	if (first <= 0)
		return opt_status(first, &e);
	if (argc - first < 1 || argc - first > 2)
		return brig_fail("commit: expected NAME [REF] (see 'brig commit --help')");
	if (container_commit(c, argv[first], argc - first == 2 ? argv[first + 1] : NULL, o.message,
			     id, &e) < 0) {
		brig_report(&e);
		return EXIT_BRIG;
	}
	printf("sha256:%s\n", id);
	return 0;
}
