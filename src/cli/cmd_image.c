/* cmd_image.c - brig image import|ls|inspect|rm|prune. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cleanup.h"
#include "images.h"
#include "opt.h"

/* The subcommands without options of their own but --help. */
static int parse_plain(const struct opt_spec *spec, int argc, char **argv)
{
	struct brig_err e;
	int first = opt_parse(spec, argc, argv, NULL, &e);

	return first <= 0 ? opt_status(first, &e) : -1;
}

static const struct opt_spec import_spec = {
	.prog = "image import",
	.usage = "brig image import FILE|DIR NAME",
	.about = "Import a root filesystem as image NAME, replacing an image of that name.\n"
		 "FILE is a tarball (.tar, .tar.gz, .tar.xz, .tar.zst; detected by content);\n"
		 "DIR is copied.  Entries that would land outside the image are skipped.\n",
};

static int image_import_cmd(struct brig_ctx *c, int argc, char **argv)
{
	char id[BRIG_ID_LEN + 1];
	struct brig_err e;
	int r = parse_plain(&import_spec, argc, argv);

	if (r >= 0)
		return r;
	if (argc - optind != 2) {
		opt_help(&import_spec, stderr);
		return EXIT_BRIG;
	}
	if (images_import(c, argv[optind], argv[optind + 1], id, &e) < 0) {
		brig_report(&e);
		return EXIT_BRIG;
	}
	printf("%s\n", id);
	return 0;
}

struct ls_opts {
	bool json, quiet;
};

static const struct opt ls_rows[] = {
	OPT_FORMAT_ROW(struct ls_opts, json),
	{ "quiet", 'q', NULL, "print short ids only", opt_true, offsetof(struct ls_opts, quiet) },
	{ NULL },
};

static const struct opt_spec ls_spec = {
	.prog = "image ls",
	.usage = "brig image ls [--format table|json] [-q]",
	.about = "List images.\n",
	.opts = ls_rows,
};

static int image_ls_cmd(struct brig_ctx *c, int argc, char **argv)
{
	json_auto_t *all = NULL;
	struct ls_opts o = { 0 };
	struct brig_err e;
	json_t *rec;
	size_t i;
	int first = opt_parse(&ls_spec, argc, argv, &o, &e);

	if (first <= 0)
		return opt_status(first, &e);
	if (first != argc) {
		opt_help(&ls_spec, stderr);
		return EXIT_BRIG;
	}
	if (images_list(c, &all, &e) < 0) {
		brig_report(&e);
		return EXIT_BRIG;
	}
	if (o.quiet) {
		json_array_foreach(all, i, rec)
			printf("%.12s\n", json_string_value(json_object_get(rec, "id")));
		return 0;
	}
	if (o.json) {
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

static const struct opt_spec inspect_spec = {
	.prog = "image inspect",
	.usage = "brig image inspect NAME",
	.about = "Print the image record as JSON.\n",
};

static int image_inspect_cmd(struct brig_ctx *c, int argc, char **argv)
{
	json_auto_t *rec = NULL;
	struct brig_err e;
	int r = parse_plain(&inspect_spec, argc, argv);

	if (r >= 0)
		return r;
	if (argc - optind != 1) {
		opt_help(&inspect_spec, stderr);
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

static const struct opt_spec rm_spec = {
	.prog = "image rm",
	.usage = "brig image rm NAME...",
	.about = "Remove images no container uses.\n",
};

static int image_rm_cmd(struct brig_ctx *c, int argc, char **argv)
{
	struct brig_err e;
	int r = parse_plain(&rm_spec, argc, argv), status = 0;

	if (r >= 0)
		return r;
	if (optind >= argc) {
		opt_help(&rm_spec, stderr);
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

static const struct opt_spec prune_spec = {
	.prog = "image prune",
	.usage = "brig image prune",
	.about = "Remove image data no name and no container references.\n",
};

static int image_prune_cmd(struct brig_ctx *c, int argc, char **argv)
{
	struct brig_err e;
	int removed = 0, r = parse_plain(&prune_spec, argc, argv);

	if (r >= 0)
		return r;
	if (optind != argc) {
		opt_help(&prune_spec, stderr);
		return EXIT_BRIG;
	}
	if (images_prune(c, &removed, &e) < 0) {
		brig_report(&e);
		return EXIT_BRIG;
	}
	printf("removed %d unused image director%s\n", removed, removed == 1 ? "y" : "ies");
	return 0;
}

static const struct cli_command subs[] = {
	{ "import", image_import_cmd, NULL, "import a rootfs tarball or directory" },
	{ "ls", image_ls_cmd, NULL, "list images" },
	{ "list", image_ls_cmd, NULL, NULL },
	{ "inspect", image_inspect_cmd, NULL, "show an image as JSON" },
	{ "rm", image_rm_cmd, NULL, "remove images" },
	{ "prune", image_prune_cmd, NULL, "remove unreferenced image data" },
	{ NULL },
};

static const struct opt_spec image_spec = {
	.prog = "image",
	.usage = "brig image COMMAND [ARG...]",
	.commands = subs,
};

int cmd_image(struct brig_ctx *c, int argc, char **argv)
{
	return cli_dispatch(c, &image_spec, argc, argv);
}
