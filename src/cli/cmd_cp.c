/* cmd_cp.c - brig cp [-a] SRC DST: copy files and directories between a
 * container and the host (NAME:PATH on exactly one side).  The engine and
 * docker cp's rules are in copy.c. */
#include <getopt.h>
#include <stdio.h>

#include "cli.h"
#include "copy.h"

static const char usage[] =
	"usage: brig cp [-a] NAME:SRC_PATH DEST_PATH\n"
	"       brig cp [-a] SRC_PATH NAME:DEST_PATH\n"
	"\n"
	"Copy files and directories between a container (running or stopped)\n"
	"and the host, with docker cp's rules: a file onto a directory goes\n"
	"inside it, a directory onto a directory becomes a subdirectory, SRC/.\n"
	"copies the contents.  Container paths are resolved inside the\n"
	"container's root; symlinks are copied as symlinks.  Mode, numeric\n"
	"owner and times are kept.\n"
	"\n"
	"  -a, --archive   keep owners (always done; accepted for Docker's sake)\n";

int cmd_cp(struct brig_ctx *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "archive", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct brig_err e = { 0 };
	int opt;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "+ah", opts, NULL)) != -1) {
		switch (opt) {
		case 'a': break;
		case 'h': fputs(usage, stdout); return 0;
		default: return brig_fail("cp: invalid option (see 'brig cp --help')");
		}
	}
	if (argc - optind != 2)
		return brig_fail("cp: expected SRC and DST, one of them NAME:PATH (see 'brig cp --help')");
	if (copy_run(c, argv[optind], argv[optind + 1], &e) < 0) {
		brig_err_ctx(&e, "cp");
		brig_report(&e);
		return EXIT_BRIG;
	}
	return 0;
}
