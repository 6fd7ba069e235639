/* cmd_volume.c - brig volume create|ls|inspect|rm|prune. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "opt.h"
#include "spec_parse.h"
#include "volume.h"

/* ---- create ---- */

struct create_opts {
	char **labels;
	size_t n_labels;
};

static int set_label(void *o, const char *arg, struct brig_err *e)
{
	struct create_opts *c = o;

	return spec_list_add(&c->labels, &c->n_labels, arg, e);
}

static int set_driver(void *o, const char *arg, struct brig_err *e)
{
	(void)o;
	if (strcmp(arg, "local"))
		return brig_errf(e, EINVAL, "driver '%s': brig has the local driver only", arg);
	return 0;
}

static const struct opt create_rows[] = {
	{ "label", 0, "KEY=VALUE", "set a label on the volume", set_label, 0, OPT_REPEAT },
	{ "driver", 'd', "local", "the volume driver (local only)", set_driver },
	{ NULL },
};

static const struct opt_spec create_spec = {
	.prog = "volume create",
	.usage = "brig volume create [--label KEY=VALUE]... [NAME]",
	.about = "Create a volume (a generated name when NAME is not given) and print its name.\n"
		 "A volume that exists already is left as it is.  `brig run -v NAME:PATH`\n"
		 "creates one on first use too.\n",
	.opts = create_rows,
};

static int volume_create_cmd(struct brig_ctx *c, int argc, char **argv)
{
	struct create_opts o = { 0 };
	char name[MOUNTSPEC_NAME_MAX + 1];
	struct brig_err e;
	int first = opt_parse(&create_spec, argc, argv, &o, &e), code = 0;

	if (first <= 0) {
		free(o.labels);
		return opt_status(first, &e);
	}
	if (argc - first > 1) {
		free(o.labels);
		return brig_fail("volume create: at most one NAME (see 'brig volume create --help')");
	}
	if (volume_create(c, first < argc ? argv[first] : NULL, o.labels, o.n_labels, name, &e) < 0)
		code = opt_status(-1, &e);
	else
		puts(name);
	free(o.labels);
	return code;
}

/* ---- ls ---- */

struct ls_opts {
	bool json, quiet;
};

static const struct opt ls_rows[] = {
	OPT_FORMAT_ROW(struct ls_opts, json),
	{ "quiet", 'q', NULL, "print names only", opt_true, offsetof(struct ls_opts, quiet) },
	{ NULL },
};

static const struct opt_spec ls_spec = {
	.prog = "volume ls",
	.usage = "brig volume ls [-q] [--format table|json]",
	.about = "List volumes.\n",
	.opts = ls_rows,
};

static int volume_ls_cmd(struct brig_ctx *c, int argc, char **argv)
{
	json_auto_t *all = NULL;
	struct ls_opts o = { 0 };
	struct brig_err e;
	json_t *v;
	size_t i;
	int first = opt_parse(&ls_spec, argc, argv, &o, &e);

	if (first <= 0)
		return opt_status(first, &e);
	if (first != argc)
		return brig_fail("volume ls: no arguments expected (see 'brig volume ls --help')");
	if (volume_list(c, &all, &e) < 0)
		return opt_status(-1, &e);
	if (o.json) {
		json_dumpf(all, stdout, JSON_INDENT(2));
		putchar('\n');
		return 0;
	}
	if (!o.quiet)
		printf("%-10s%s\n", "DRIVER", "VOLUME NAME");
	json_array_foreach(all, i, v) {
		const char *name = json_string_value(json_object_get(v, "Name"));
		if (o.quiet)
			puts(name);
		else
			printf("%-10s%s\n", "local", name);
	}
	return 0;
}

/* ---- inspect ---- */

static const struct opt_spec inspect_spec = {
	.prog = "volume inspect",
	.usage = "brig volume inspect NAME...",
	.about = "Print volumes as JSON (Docker's fields).\n",
	.needs = "volume name",
};

static int volume_inspect_cmd(struct brig_ctx *c, int argc, char **argv)
{
	json_auto_t *docs = NULL;
	struct brig_err e;
	int missing, first = opt_parse(&inspect_spec, argc, argv, NULL, &e);

	if (first <= 0)
		return opt_status(first, &e);
	missing = volume_inspect(c, argv + first, (size_t)(argc - first), &docs, brig_report_cb, NULL,
				 &e);
	if (missing < 0)
		return opt_status(missing, &e);
	json_dumpf(docs, stdout, JSON_INDENT(2));
	putchar('\n');
	return missing ? EXIT_BRIG : 0;
}

/* ---- rm ---- */

static const struct opt rm_rows[] = {
	{ "force", 'f', NULL, "no error for a volume that does not exist", opt_true },
	{ NULL },
};

static const struct opt_spec rm_spec = {
	.prog = "volume rm",
	.usage = "brig volume rm [-f] NAME...",
	.about = "Remove volumes.  A volume any container uses (running or not) is kept:\n"
		 "remove the container first.\n",
	.opts = rm_rows,
	.needs = "volume name",
};

static int volume_rm_cmd(struct brig_ctx *c, int argc, char **argv)
{
	bool force = false;
	struct brig_err e;
	int code = 0, first = opt_parse(&rm_spec, argc, argv, &force, &e);

	if (first <= 0)
		return opt_status(first, &e);
	/* Like docker volume rm: try every name, report each failure. */
	for (int i = first; i < argc; i++) {
		if (volume_remove(c, argv[i], force, &e) < 0)
			code = opt_status(-1, &e);
		else
			puts(argv[i]);
	}
	return code;
}

/* ---- prune ---- */

struct prune_opts {
	bool all, force;
};

static const struct opt prune_rows[] = {
	{ "all", 'a', NULL, "every unused volume, not only the anonymous ones", opt_true,
	  offsetof(struct prune_opts, all) },
	{ "force", 'f', NULL, "do not ask for confirmation", opt_true,
	  offsetof(struct prune_opts, force) },
	{ NULL },
};

static const struct opt_spec prune_spec = {
	.prog = "volume prune",
	.usage = "brig volume prune [-a] [-f]",
	.about = "Remove the anonymous volumes no container uses (with -a, every unused\n"
		 "volume).  Asks first, as Docker does, unless -f is given.\n",
	.opts = prune_rows,
};

/* Docker's question; anything but y or yes is no. */
static bool confirmed(bool all)
{
	char line[16] = "";

	printf("WARNING! This will remove %s not used by at least one container.\n"
	       "Are you sure you want to continue? [y/N] ",
	       all ? "all local volumes" : "anonymous local volumes");
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return false;
	line[strcspn(line, "\n")] = '\0';
	return !strcmp(line, "y") || !strcmp(line, "Y") || !strcmp(line, "yes");
}

static int volume_prune_cmd(struct brig_ctx *c, int argc, char **argv)
{
	struct prune_opts o = { 0 };
	json_auto_t *removed = NULL;
	int64_t bytes = 0;
	struct brig_err e;
	char size[32];
	json_t *v;
	size_t i;
	int r, first = opt_parse(&prune_spec, argc, argv, &o, &e);

	if (first <= 0)
		return opt_status(first, &e);
	if (first != argc)
		return brig_fail("volume prune: no arguments expected (see 'brig volume prune --help')");
	if (!o.force && !confirmed(o.all))
		return 0;
	/* what was removed before a failure is listed all the same */
	r = volume_prune(c, o.all, &removed, &bytes, &e);
	if (r < 0)
		brig_report(&e);
	if (json_array_size(removed))
		puts("Deleted Volumes:");
	json_array_foreach(removed, i, v)
		puts(json_string_value(v));
	printf("%sTotal reclaimed space: %s\n", json_array_size(removed) ? "\n" : "",
	       human_size(bytes, size, sizeof(size)));
	return r < 0 ? EXIT_BRIG : 0;
}

static const struct cli_command subs[] = {
	{ "create", volume_create_cmd, NULL, "create a volume" },
	{ "ls", volume_ls_cmd, NULL, "list volumes" },
	{ "list", volume_ls_cmd, NULL, NULL },
	{ "inspect", volume_inspect_cmd, NULL, "show volumes as JSON" },
	{ "rm", volume_rm_cmd, NULL, "remove volumes no container uses" },
	{ "remove", volume_rm_cmd, NULL, NULL },
	{ "prune", volume_prune_cmd, NULL, "remove unused volumes" },
	{ NULL },
};

static const struct opt_spec volume_spec = {
	.prog = "volume",
	.usage = "brig volume COMMAND [ARG...]",
	.about = "Volumes live in <root>/volumes/NAME/_data.  `brig run -v NAME:PATH` creates\n"
		 "one on first use and fills it from the image's PATH while it is empty.\n",
	.commands = subs,
};

int cmd_volume(struct brig_ctx *c, int argc, char **argv)
{
	return cli_dispatch(c, &volume_spec, argc, argv);
}
