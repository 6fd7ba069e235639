/* cmd_cp.c - brig cp [-a] SRC DST: copy files and directories between a
 * container and the host (NAME:PATH on exactly one side).  The engine and
 * docker cp's rules are in copy.c. */
#include <getopt.h> /* optind */
#include <stdio.h>

#include "cli.h"
#include "copy.h"
#include "opt.h"

static const struct opt cp_rows[] = {
	{ "archive", 'a', NULL, "keep owners (always done; accepted for Docker's sake)", opt_ignore },
	{ NULL },
};

static const struct opt_spec cp_spec = {
	.prog = "cp",
	.usage = "brig cp [-a] NAME:SRC_PATH DEST_PATH\n"
		 "       brig cp [-a] SRC_PATH NAME:DEST_PATH",
	.about = "Copy files and directories between a container (running or stopped)\n"
		 "and the host, with docker cp's rules: a file onto a directory goes\n"
		 "inside it, a directory onto a directory becomes a subdirectory, SRC/.\n"
		 "copies the contents.  Container paths are resolved inside the\n"
		 "container's root; symlinks are copied as symlinks.  Mode, numeric\n"
		 "owner and times are kept.\n",
	.opts = cp_rows,
};

int cmd_cp(struct brig_ctx *c, int argc, char **argv)
{
	struct brig_err e = { 0 };
	int r = opt_parse(&cp_spec, argc, argv, NULL, &e);

	if (r <= 0)
		return opt_status(r, &e);
	if (argc - optind != 2)
		return brig_fail("cp: expected SRC and DST, one of them NAME:PATH (see 'brig cp --help')");
	if (copy_run(c, argv[optind], argv[optind + 1], &e) < 0) {
		brig_err_ctx(&e, "cp");
		brig_report(&e);
		return EXIT_BRIG;
	}
	return 0;
}
