/* cmd_image.c - brig image import|ls|inspect|rm|prune. */
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "client.h"
#include "cleanup.h"
#include "commit.h"
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
	.usage = "brig image import FILE|DIR|- [REF]",
	.about = "Import images.  FILE is a root filesystem tarball (.tar, .tar.gz, .tar.xz,\n"
		 ".tar.zst; REF names it), a docker-save archive or an OCI archive; DIR is an\n"
		 "OCI image layout; - reads stdin.  For an archive of one image REF adds a\n"
		 "tag.  Every layer is checked against its digest before it is stored.\n",
};

/* What docker load prints: the tags, or the id of an untagged image. */
static void print_loaded(json_t *loaded, bool ids)
{
	json_t *img, *t;
	size_t i, k;

	json_array_foreach(loaded, i, img) {
		if (ids || !json_array_size(json_object_get(img, "tags"))) {
			printf("%s%s\n", ids ? "" : "Loaded image ID: ",
			       json_string_value(json_object_get(img, "id")));
			continue;
		}
		json_array_foreach(json_object_get(img, "tags"), k, t)
			printf("Loaded image: %s\n", json_string_value(t));
	}
}

static int do_import(struct brig_ctx *c, const char *src, const char *ref, bool ids)
{
	json_auto_t *loaded = NULL;
	char source[PATH_MAX];
	struct image_import_opts o = { .ref = ref, .source = source };
	struct brig_err e;

	if (!strcmp(src, "-") || !realpath(src, source))
		snprintf(source, sizeof(source), "%s", src);
	if (images_import(c, src, &o, &loaded, &e) < 0) {
		brig_report(&e);
		return EXIT_BRIG;
	}
	print_loaded(loaded, ids);
	return 0;
}

static int image_import_cmd(struct brig_ctx *c, int argc, char **argv)
{
	int r = parse_plain(&import_spec, argc, argv);

	if (r >= 0)
		return r;
	if (argc - optind < 1 || argc - optind > 2) {
		opt_help(&import_spec, stderr);
		return EXIT_BRIG;
	}
	return do_import(c, argv[optind], argc - optind == 2 ? argv[optind + 1] : NULL, true);
}

struct load_opts {
	const char *input;
};

static const struct opt load_rows[] = {
	{ "input", 'i', "FILE", "read from FILE instead of stdin", opt_string,
	  offsetof(struct load_opts, input) },
	{ NULL },
};

static const struct opt_spec load_spec = {
	.prog = "image load",
	.usage = "brig image load [-i FILE]",
	.about = "Load images from a docker-save or OCI archive (stdin by default).\n",
	.opts = load_rows,
	.permute = true,
};

static int image_load_cmd(struct brig_ctx *c, int argc, char **argv)
{
	struct load_opts o = { "-" };
	struct brig_err e;
	int first = opt_parse(&load_spec, argc, argv, &o, &e);

	if (first <= 0)
		return opt_status(first, &e);
	if (first != argc) {
		opt_help(&load_spec, stderr);
		return EXIT_BRIG;
	}
	return do_import(c, o.input, NULL, false);
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
	json_t *row;
	size_t i;
	int first = opt_parse(&ls_spec, argc, argv, &o, &e);

	if (first <= 0)
		return opt_status(first, &e);
	if (first != argc) {
		opt_help(&ls_spec, stderr);
		return EXIT_BRIG;
	}
	if ((c->host ? client_images_list : images_list)(c, &all, &e) < 0) {
		brig_report(&e);
		return EXIT_BRIG;
	}
	if (o.json) {
		json_dumpf(all, stdout, JSON_INDENT(2));
		putchar('\n');
		return 0;
	}
	if (!o.quiet)
		printf("%-40s %-16s %-12s  %-16s %s\n", "REPOSITORY", "TAG", "IMAGE ID", "CREATED",
		       "SIZE");
	json_array_foreach(all, i, row) {
		const char *id = json_string_value(json_object_get(row, "Id")) + 7;
		char size[32], ago[64];
		int64_t when = parse_rfc3339(json_string_value(json_object_get(row, "Created")));

		if (o.quiet) {
			printf("%.12s\n", id);
			continue;
		}
		human_size((int64_t)json_integer_value(json_object_get(row, "Size")), size,
			   sizeof(size));
		if (when < 0)
			snprintf(ago, sizeof(ago), "unknown");
		else
			human_ago(when, ago, sizeof(ago));
		printf("%-40s %-16s %.12s  %-16s %s\n",
		       json_string_value(json_object_get(row, "Repository")),
		       json_string_value(json_object_get(row, "Tag")), id, ago, size);
	}
	return 0;
}

static const struct opt_spec inspect_spec = {
	.prog = "image inspect",
	.usage = "brig image inspect IMAGE...",
	.about = "Show images as a JSON array (config, layers, digests).\n",
};

static int image_inspect_cmd(struct brig_ctx *c, int argc, char **argv)
{
	json_auto_t *docs = json_array();
	struct brig_err e;
	int r = parse_plain(&inspect_spec, argc, argv), status = 0;

	if (r >= 0)
		return r;
	if (optind >= argc) {
		opt_help(&inspect_spec, stderr);
		return EXIT_BRIG;
	}
	for (int i = optind; i < argc; i++) {
		json_t *doc;
		if (images_inspect(c, argv[i], &doc, &e) < 0) {
			brig_report(&e);
			status = EXIT_BRIG;
			continue;
		}
		json_array_append_new(docs, doc);
	}
	json_dumpf(docs, stdout, JSON_INDENT(2));
	putchar('\n');
	return status;
}

static const struct opt_spec tag_spec = {
	.prog = "image tag",
	.usage = "brig image tag SOURCE TARGET",
	.about = "Give image SOURCE the reference TARGET.\n",
};

static int image_tag_cmd(struct brig_ctx *c, int argc, char **argv)
{
	struct brig_err e;
	int r = parse_plain(&tag_spec, argc, argv);

	if (r >= 0)
		return r;
	if (argc - optind != 2) {
		opt_help(&tag_spec, stderr);
		return EXIT_BRIG;
	}
	if (images_tag(c, argv[optind], argv[optind + 1], &e) < 0) {
		brig_report(&e);
		return EXIT_BRIG;
	}
	return 0;
}

static const struct opt history_rows[] = {
	OPT_FORMAT_ROW(struct ls_opts, json),
	{ NULL },
};

static const struct opt_spec history_spec = {
	.prog = "image history",
	.usage = "brig image history [--format table|json] IMAGE",
	.about = "Show how the image was built, newest layer first.\n",
	.opts = history_rows,
	.permute = true,
};

static int image_history_cmd(struct brig_ctx *c, int argc, char **argv)
{
	json_auto_t *hist = NULL;
	struct ls_opts o = { 0 };
	struct brig_err e;
	json_t *h;
	size_t i;
	int first = opt_parse(&history_spec, argc, argv, &o, &e);

	if (first <= 0)
		return opt_status(first, &e);
	if (argc - first != 1) {
		opt_help(&history_spec, stderr);
		return EXIT_BRIG;
	}
	if (images_history(c, argv[first], &hist, &e) < 0) {
		brig_report(&e);
		return EXIT_BRIG;
	}
	if (o.json) {
		json_dumpf(hist, stdout, JSON_INDENT(2));
		putchar('\n');
		return 0;
	}
	printf("%-24s %-10s %s\n", "CREATED", "SIZE", "CREATED BY");
	json_array_foreach(hist, i, h) {
		char size[32];
		human_size((int64_t)json_integer_value(json_object_get(h, "Size")), size,
			   sizeof(size));
		printf("%-24.24s %-10s %s\n", json_string_value(json_object_get(h, "Created")), size,
		       json_string_value(json_object_get(h, "CreatedBy")));
	}
	return 0;
}

static const struct opt_spec rm_spec = {
	.prog = "image rm",
	.usage = "brig image rm IMAGE...",
	.about = "Remove references; an image goes with its last one, unless a container\n"
		 "uses it.\n",
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
		bool untagged_only;
		if (images_remove(c, argv[i], &untagged_only, &e) < 0) {
			brig_report(&e);
			status = EXIT_BRIG;
			continue;
		}
		printf("%s: %s\n", untagged_only ? "Untagged" : "Deleted", argv[i]);
	}
	return status;
}

struct save_opts {
	const char *output;
};

static const struct opt save_rows[] = {
	{ "output", 'o', "FILE", "write to FILE instead of stdout", opt_string,
	  offsetof(struct save_opts, output) },
	{ NULL },
};

static const struct opt_spec save_spec = {
	.prog = "image save",
	.usage = "brig image save [-o FILE] IMAGE...",
	.about = "Write images as one docker-save archive (docker load and brig image load\n"
		 "read it).\n",
	.opts = save_rows,
	.permute = true,
};

static int image_save_cmd(struct brig_ctx *c, int argc, char **argv)
{
	struct save_opts o = { 0 };
	struct brig_err e;
	int first = opt_parse(&save_spec, argc, argv, &o, &e);

	if (first <= 0)
		return opt_status(first, &e);
	if (first == argc) {
		opt_help(&save_spec, stderr);
		return EXIT_BRIG;
	}
	if (!o.output && isatty(1))
		return brig_fail("image save: refusing to write a tar to a terminal: use -o FILE");
	if (images_save(c, (const char *const *)argv + first, (size_t)(argc - first),
			o.output ? o.output : "-", &e) < 0) {
		brig_report(&e);
		return EXIT_BRIG;
	}
	return 0;
}

struct prune_opts {
	bool all, force;
};

static const struct opt prune_rows[] = {
	{ "all", 'a', NULL, "remove every image no container uses, not only untagged ones",
	  opt_true, offsetof(struct prune_opts, all) },
	{ "force", 'f', NULL, "do not ask (brig never asks)", opt_true,
	  offsetof(struct prune_opts, force) },
	{ NULL },
};

static const struct opt_spec prune_spec = {
	.prog = "image prune",
	.usage = "brig image prune [-a] [-f]",
	.about = "Remove untagged images no container uses, layers no image uses, and\n"
		 "leftovers of interrupted imports.\n",
	.opts = prune_rows,
	.permute = true,
};

static int image_prune_cmd(struct brig_ctx *c, int argc, char **argv)
{
	struct prune_opts o = { 0 };
	struct brig_err e;
	int removed = 0, first = opt_parse(&prune_spec, argc, argv, &o, &e);

	if (first <= 0)
		return opt_status(first, &e);
	if (first != argc) {
		opt_help(&prune_spec, stderr);
		return EXIT_BRIG;
	}
	if (images_prune(c, o.all, &removed, &e) < 0) {
		brig_report(&e);
		return EXIT_BRIG;
	}
	printf("removed %d unused image%s and layers\n", removed, removed == 1 ? "" : "s");
	return 0;
}

static const struct cli_command subs[] = {
	{ "import", image_import_cmd, NULL, "import a rootfs tarball, docker or OCI archive, OCI layout" },
	{ "load", image_load_cmd, NULL, "load a docker-save or OCI archive" },
	{ "save", image_save_cmd, NULL, "write images as a docker-save archive" },
	{ "tag", image_tag_cmd, NULL, "give an image another reference" },
	{ "history", image_history_cmd, NULL, "show an image's layers" },
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
