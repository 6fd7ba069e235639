/* cmd_registry.c - brig pull, push, login, logout; the per-layer progress
 * display (on a terminal only) that run's implicit pull shares. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "cleanup.h"
#include "opt.h"
#include "pull.h"
#include "util.h"
#include "warn.h"

/* ---- progress: one line per blob, rewritten in place ---- */

#define VIEW_ROWS 64
#define VIEW_SHORT 12 /* hex digits of a digest, as Docker shows them */

struct view {
	FILE *f; /* NULL: nothing is shown (not a terminal, or -q) */
	const char *doing, *done; /* "Downloading", "Download complete" */
	struct {
		char id[VIEW_SHORT + 1];
		uint64_t done, total;
	} rows[VIEW_ROWS];
	size_t n;
	int64_t last_ms;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void row_text(const struct view *v, size_t i, char *buf, size_t len)
{
	char a[32], b[32];

	human_size((int64_t)v->rows[i].done, a, sizeof(a));
	human_size((int64_t)v->rows[i].total, b, sizeof(b));
	if (v->rows[i].done >= v->rows[i].total)
		snprintf(buf, len, "%s: %s  %s", v->rows[i].id, v->done, b);
	else
		snprintf(buf, len, "%s: %s  %s/%s", v->rows[i].id, v->doing, a, b);
}

/* The cursor rests below the last row: a new row is printed there, an
 * older one is reached by moving up and back (ANSI CUU/CUD). */
static void draw(struct view *v, size_t i, bool added)
{
	char text[128];
	size_t up = v->n - i;

	row_text(v, i, text, sizeof(text));
	if (added)
		fprintf(v->f, "%s\n", text);
	else
		fprintf(v->f, "\033[%zuA\r\033[K%s\033[%zuB\r", up, text, up);
	fflush(v->f);
}

static void on_progress(void *arg, const char *digest, uint64_t done, uint64_t total)
{
	struct view *v = arg;
	const char *hex = strchr(digest, ':') ? strchr(digest, ':') + 1 : digest;
	size_t i;

	if (!v->f)
		return;
	for (i = 0; i < v->n; i++)
		if (!strncmp(v->rows[i].id, hex, VIEW_SHORT))
			break;
	if (i == v->n && v->n == VIEW_ROWS)
		return;
	v->rows[i].done = done;
	v->rows[i].total = total;
	if (i == v->n) {
		snprintf(v->rows[i].id, sizeof(v->rows[i].id), "%.*s", VIEW_SHORT, hex);
		v->n++;
		draw(v, i, true);
		return;
	}
	/* Redraw at most ten times a second, and always the last step. */
	if (done < total && now_ms() - v->last_ms < 100)
		return;
	v->last_ms = now_ms();
	draw(v, i, false);
}

static void view_init(struct view *v, FILE *f, bool quiet, const char *doing, const char *done)
{
	memset(v, 0, sizeof(*v));
	v->f = !quiet && isatty(fileno(f)) ? f : NULL;
	v->doing = doing;
	v->done = done;
}

/* ---- pull ---- */

struct pull_args {
	struct images_pull_opts o;
	bool quiet;
};

static const struct opt pull_rows[] = {
	{ "insecure", 0, NULL, "allow plain HTTP and unverified TLS for this registry", opt_true,
	  offsetof(struct pull_args, o.insecure) },
	{ "platform", 0, "OS/ARCH[/VARIANT]", "pick this platform of a multi-platform image\n"
					      "(default: the host's, e.g. linux/amd64)",
	  opt_string, offsetof(struct pull_args, o.platform) },
	{ "quiet", 'q', NULL, "print only the image's name", opt_true,
	  offsetof(struct pull_args, quiet) },
	{ NULL },
};

static const struct opt_spec pull_spec = {
	.prog = "pull",
	.usage = "brig pull [--insecure] [--platform OS/ARCH] [-q] [REGISTRY/]REPO[:TAG|@DIGEST]",
	.about = "Download an image from a registry into the image store.  Every layer is\n"
		 "checked against its digest; an interrupted pull resumes where it stopped.\n"
		 "Registries on localhost, 127.0.0.0/8 and ::1 may be plain HTTP, as may those\n"
		 "in <root>/daemon.json's \"insecure-registries\" or given --insecure.\n",
	.opts = pull_rows,
	.needs = "image reference",
};

/* Parse pull's or push's options and its one reference (the index of
 * which is returned; 0 for --help); progress on stdout through v. */
static int parse_ref_cmd(const struct opt_spec *spec, int argc, char **argv, struct pull_args *a,
			 struct view *v, const char *doing, const char *done, struct brig_err *e)
{
	int first = opt_parse(spec, argc, argv, a, e);

	if (first <= 0)
		return first;
	if (first != argc - 1)
		return brig_errf(e, EINVAL, "%s: expected one image reference", spec->prog);
	view_init(v, stdout, a->quiet, doing, done);
	a->o.progress = on_progress;
	a->o.arg = v;
	return first;
}

int cmd_pull(struct brig_ctx *c, int argc, char **argv, struct brig_err *e)
{
	struct pull_args a = { 0 };
	struct images_pulled out;
	struct view v;
	int first = parse_ref_cmd(&pull_spec, argc, argv, &a, &v, "Downloading",
				  "Download complete", e);

	if (first <= 0)
		return first;
	if (images_pull(c, argv[first], &a.o, &out, e) < 0)
		return -e->code;
	if (!a.quiet)
		printf("Digest: %s\nStatus: %s %s\n", out.digest,
		       out.up_to_date ? "Image is up to date for" : "Downloaded newer image for",
		       out.ref);
	printf("%s\n", out.ref);
	return 0;
}

int cli_pull_image(struct brig_ctx *c, const char *image, struct brig_err *e)
{
	struct images_pull_opts o = { 0 };
	struct view v;

	/* Said on a terminal only: elsewhere a failed pull stays one line. */
	if (isatty(2))
		fprintf(stderr, "Unable to find image '%s' locally\n", image);
	view_init(&v, stderr, false, "Downloading", "Download complete");
	o.progress = on_progress;
	o.arg = &v;
	return images_pull(c, image, &o, NULL, e);
}

/* ---- push ---- */

static const struct opt push_rows[] = {
	{ "insecure", 0, NULL, "allow plain HTTP and unverified TLS for this registry", opt_true,
	  offsetof(struct pull_args, o.insecure) },
	{ "quiet", 'q', NULL, "print nothing but errors", opt_true,
	  offsetof(struct pull_args, quiet) },
	{ NULL },
};

static const struct opt_spec push_spec = {
	.prog = "push",
	.usage = "brig push [--insecure] [-q] [REGISTRY/]REPO[:TAG]",
	.about = "Upload an image of the store to the registry its name says.\n",
	.opts = push_rows,
	.needs = "image reference",
};

int cmd_push(struct brig_ctx *c, int argc, char **argv, struct brig_err *e)
{
	struct pull_args a = { 0 };
	char digest[IMAGES_DIGEST_MAX];
	struct view v;
	int first = parse_ref_cmd(&push_spec, argc, argv, &a, &v, "Pushing", "Pushed", e);

	if (first <= 0)
		return first;
	if (images_push(c, argv[first], &a.o, digest, e) < 0)
		return -e->code;
	if (!a.quiet)
		printf("%s: digest: %s\n", argv[first], digest);
	return 0;
}

/* ---- login, logout ---- */

struct login_args {
	const char *user, *pass;
	bool stdin_pass, insecure;
};

static const struct opt login_rows[] = {
	{ "username", 'u', "USER", "user name", opt_string, offsetof(struct login_args, user) },
	{ "password", 'p', "PASS", "password (visible to other users: prefer --password-stdin)",
	  opt_string, offsetof(struct login_args, pass) },
	{ "password-stdin", 0, NULL, "read the password from stdin", opt_true,
	  offsetof(struct login_args, stdin_pass) },
	{ "insecure", 0, NULL, "allow plain HTTP and unverified TLS for this registry", opt_true,
	  offsetof(struct login_args, insecure) },
	{ NULL },
};

static const struct opt_spec login_spec = {
	.prog = "login",
	.usage = "brig login [-u USER] [-p PASS | --password-stdin] [REGISTRY]",
	.about = "Check credentials against a registry (default: Docker Hub) and store them\n"
		 "in <root>/auth.json (mode 0600, Docker's \"auths\" format).\n",
	.opts = login_rows,
};

/* One line from stdin into buf without its newline; echo off when it is
 * a terminal and secret. */
static int read_line(const char *prompt, bool secret, char *buf, size_t len, struct brig_err *e)
{
	struct termios saved, quiet;
	bool tty = isatty(STDIN_FILENO);
	bool muted = false;
	size_t n;

	if (prompt && tty)
		fputs(prompt, stderr);
	if (secret && tty && tcgetattr(STDIN_FILENO, &saved) == 0) {
		quiet = saved;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		muted = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
	}
	if (!fgets(buf, (int)len, stdin))
		buf[0] = '\0';
	if (muted) {
		tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
		fputc('\n', stderr);
	}
	n = strcspn(buf, "\r\n");
	if (buf[n] == '\0' && n == len - 1)
		return brig_errf(e, E2BIG, "login: input longer than %zu bytes", len - 2);
	buf[n] = '\0';
	return 0;
}

static int login_creds(struct login_args *a, char *user, char *pass, size_t len,
		       struct brig_err *e)
{
	bool tty = isatty(STDIN_FILENO);

	if (a->pass && a->stdin_pass)
		return brig_errf(e, EINVAL, "login: --password and --password-stdin are exclusive");
	if (a->stdin_pass && !a->user)
		return brig_errf(e, EINVAL, "login: --password-stdin needs --username");
	if (!a->user && !tty)
		return brig_errf(e, EINVAL, "login: no --username and stdin is not a terminal");
	if (a->pass)
		brig_warn("using --password on the command line is insecure; use --password-stdin");
	if (a->user)
		snprintf(user, len, "%s", a->user);
	else if (read_line("Username: ", false, user, len, e) < 0)
		return -e->code;
	if (a->pass) {
		snprintf(pass, len, "%s", a->pass);
		return 0;
	}
	if (!a->stdin_pass && !tty)
		return brig_errf(e, EINVAL, "login: stdin is not a terminal (use --password-stdin)");
	return read_line("Password: ", true, pass, len, e);
}

int cmd_login(struct brig_ctx *c, int argc, char **argv, struct brig_err *e)
{
	struct login_args a = { 0 };
	char user[1024], pass[1024], host[IMAGES_HOST_MAX];
	struct images_pull_opts o = { 0 };
	int first = opt_parse(&login_spec, argc, argv, &a, e), r;

	if (first <= 0)
		return first;
	if (argc - first > 1)
		return brig_errf(e, EINVAL, "login: expected at most one registry");
	if (login_creds(&a, user, pass, sizeof(user), e) < 0)
		return -e->code;
	o.insecure = a.insecure;
	r = images_login(c, first < argc ? argv[first] : NULL, user, pass, &o, host, e);
	explicit_bzero(pass, sizeof(pass));
	if (r < 0)
		return r;
	printf("Login Succeeded\n");
	return 0;
}

static const struct opt_spec logout_spec = {
	.prog = "logout",
	.usage = "brig logout [REGISTRY]",
	.about = "Forget the credentials stored for a registry (default: Docker Hub).\n",
};

int cmd_logout(struct brig_ctx *c, int argc, char **argv, struct brig_err *e)
{
	char host[IMAGES_HOST_MAX];
	bool found = false;
	int first = opt_parse(&logout_spec, argc, argv, NULL, e);

	if (first <= 0)
		return first;
	if (argc - first > 1)
		return brig_errf(e, EINVAL, "logout: expected at most one registry");
	if (images_logout(c, first < argc ? argv[first] : NULL, host, &found, e) < 0)
		return -e->code;
	if (found)
		printf("Removing login credentials for %s\n", host);
	else
		printf("Not logged in to %s\n", host);
	return 0;
}
