/* cmd_image.c - brig image import|ls|inspect|rm|prune. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cleanup.h"
#include "images.h"

struct subcommand {
	const char *name;
	int (*fn)(struct brig_ctx *c, int argc, char **argv);
	const char *usage;
};

/* Options shared by every subcommand parser: --help, plus what each adds. */
static int parse_help(int argc, char **argv, const char *usage)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (opt == 'h') {
			printf("%s", usage);
			return 0;
		}
		return brig_fail("image: %s (see 'brig image --help')",
				 brig_bad_option(argv));
	}
	return -1;
}

static const char import_usage[] =
	"usage: brig image import FILE|DIR NAME\n\n"
	"Import a root filesystem as image NAME, replacing an image of that name.\n"
	"FILE is a tarball (.tar, .tar.gz, .tar.xz, .tar.zst; detected by content);\n"
	"DIR is copied.  Entries that would land outside the image are skipped.\n";

static int image_import_cmd(struct brig_ctx *c, int argc, char **argv)
{
	char id[BRIG_ID_LEN + 1];
	struct brig_err e;
	int r = parse_help(argc, argv, import_usage);

	if (r >= 0)
		return r;
	if (argc - optind != 2) {
		fputs(import_usage, stderr);
		return EXIT_BRIG;
	}
	if (images_import(c, argv[optind], argv[optind + 1], id, &e) < 0) {
		brig_report(&e);
		return EXIT_BRIG;
	}
	printf("%s\n", id);
	return 0;
}

static const char ls_usage[] = "usage: brig image ls [--format table|json] [-q]\n\n"
			       "List images.  -q prints short ids only.\n";

static int image_ls_cmd(struct brig_ctx *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	json_auto_t *all = NULL;
	const char *format = "table";
	bool quiet = false;
	struct brig_err e;
	json_t *rec;
	size_t i;
	int opt;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "+qh", opts, NULL)) != -1) {
		switch (opt) {
		case 'f': format = optarg; break;
		case 'q': quiet = true; break;
		case 'h': printf("%s", ls_usage); return 0;
		default:
			return brig_fail("image ls: %s (see 'brig image ls --help')",
					 brig_bad_option(argv));
		}
	}
	if (optind != argc) {
		fputs(ls_usage, stderr);
		return EXIT_BRIG;
	}
	if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
		return brig_fail("invalid format '%s': use table or json", format);
	if (images_list(c, &all, &e) < 0) {
		brig_report(&e);
		return EXIT_BRIG;
	}
	if (quiet) {
		json_array_foreach(all, i, rec)
			printf("%.12s\n", json_string_value(json_object_get(rec, "id")));
		return 0;
	}
	if (strcmp(format, "json") == 0) {
		json_dumpf(all, stdout, JSON_INDENT(2));
		putchar('\n');
		return 0;
	}
	printf("%-24s %-12s  %-10s %s\n", "NAME", "ID", "SIZE", "CREATED");
	json_array_foreach(all, i, rec) {
		char size[32], ago[64];
		int64_t when = parse_rfc3339(json_string_value(json_object_get(rec, "created")));

		human_size((int64_t)json_integer_value(json_object_get(rec, "size")), size,
			   sizeof(size));
		if (when < 0)
			snprintf(ago, sizeof(ago), "unknown");
		else
			human_ago(when, ago, sizeof(ago));
		printf("%-24s %.12s  %-10s %s\n", json_string_value(json_object_get(rec, "name")),
		       json_string_value(json_object_get(rec, "id")), size, ago);
	}
	return 0;
}

static const char inspect_usage[] = "usage: brig image inspect NAME\n\n"
				    "Print the image record as JSON.\n";

static int image_inspect_cmd(struct brig_ctx *c, int argc, char **argv)
{
	json_auto_t *rec = NULL;
	struct brig_err e;
	int r = parse_help(argc, argv, inspect_usage);

	if (r >= 0)
		return r;
	if (argc - optind != 1) {
		fputs(inspect_usage, stderr);
		return EXIT_BRIG;
	}
	if (images_inspect(c, argv[optind], &rec, &e) < 0) {
		brig_report(&e);
		return EXIT_BRIG;
	}
	json_dumpf(rec, stdout, JSON_INDENT(2));
	putchar('\n');
	return 0;
}

static const char rm_usage[] = "usage: brig image rm NAME...\n\n"
			       "Remove images no container uses.\n";

static int image_rm_cmd(struct brig_ctx *c, int argc, char **argv)
{
	struct brig_err e;
	int r = parse_help(argc, argv, rm_usage), status = 0;

	if (r >= 0)
		return r;
	if (optind >= argc) {
		fputs(rm_usage, stderr);
		return EXIT_BRIG;
	}
	/* Like docker rmi: try every name, report each failure, fail overall. */
	for (int i = optind; i < argc; i++) {
		if (images_remove(c, argv[i], &e) < 0) {
			brig_report(&e);
			status = EXIT_BRIG;
			continue;
		}
		printf("%s\n", argv[i]);
	}
	return status;
}

static const char prune_usage[] = "usage: brig image prune\n\n"
				  "Remove image data no name and no container references.\n";

static int image_prune_cmd(struct brig_ctx *c, int argc, char **argv)
{
	struct brig_err e;
	int removed = 0, r = parse_help(argc, argv, prune_usage);

	if (r >= 0)
		return r;
	if (optind != argc) {
		fputs(prune_usage, stderr);
		return EXIT_BRIG;
	}
	if (images_prune(c, &removed, &e) < 0) {
		brig_report(&e);
		return EXIT_BRIG;
	}
	printf("removed %d unused image director%s\n", removed, removed == 1 ? "y" : "ies");
	return 0;
}

static const struct subcommand subs[] = {
	{ "import", image_import_cmd, "import a rootfs tarball or directory" },
	{ "ls", image_ls_cmd, "list images" },
	{ "list", image_ls_cmd, NULL },
	{ "inspect", image_inspect_cmd, "show an image as JSON" },
	{ "rm", image_rm_cmd, "remove images" },
	{ "prune", image_prune_cmd, "remove unreferenced image data" },
};

static void usage(FILE *f)
{
	fputs("usage: brig image COMMAND [ARG...]\n\ncommands:\n", f);
	for (size_t i = 0; i < ARRAY_SIZE(subs); i++)
		if (subs[i].usage)
			fprintf(f, "  %-8s %s\n", subs[i].name, subs[i].usage);
}

int cmd_image(struct brig_ctx *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		if (opt == 'h') {
			usage(stdout);
			return 0;
		}
		return brig_fail("image: %s (see 'brig image --help')",
				 brig_bad_option(argv));
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_BRIG;
	}
	for (size_t i = 0; i < ARRAY_SIZE(subs); i++)
		if (strcmp(argv[optind], subs[i].name) == 0)
			return subs[i].fn(c, argc - optind, argv + optind);
	return brig_fail("image: unknown command '%s' (see 'brig image --help')", argv[optind]);
}
