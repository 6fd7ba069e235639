/* secopt.c - `--security-opt` values (see secopt.h). */
#include <stdio.h>
#include <string.h>

#include "secopt.h"

/* A value shown in a message: at most 64 bytes, anything unprintable as
 * '?', so the error stays one line whatever the user typed. */
static const char *shown(const char *arg, char buf[68])
{
	size_t i = 0;

	for (; arg[i] && i < 64; i++)
		buf[i] = arg[i] >= 0x20 && arg[i] < 0x7f ? arg[i] : '?';
	if (arg[i]) {
		memcpy(buf + i, "...", 3);
		i += 3;
	}
	buf[i] = '\0';
	return buf;
}

static int invalid(const char *arg, const char *why, struct brig_err *e)
{
	char buf[68];

	return brig_errf(e, EINVAL, "invalid --security-opt \"%s\": %s", shown(arg, buf), why);
}

/* Go's strconv.ParseBool, which Docker uses for no-new-privileges. */
static int parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "1", "t", "T", "true", "True", "TRUE" };
	static const char *const no[] = { "0", "f", "F", "false", "False", "FALSE" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcmp(v, yes[i]) == 0 || strcmp(v, no[i]) == 0) {
			*out = strcmp(v, yes[i]) == 0;
			return 0;
		}
	}
	return -1;
}

static int set_nnp(const char *arg, const char *value, struct security_opts *o,
		   struct brig_err *e)
{
	bool on = true;

	if (value && parse_bool(value, &on) < 0)
		return invalid(arg, "no-new-privileges takes true or false", e);
	o->no_new_privs_off = !on;
	return 0;
}

static int set_seccomp(const char *arg, const char *value, struct security_opts *o,
		       struct brig_err *e)
{
	if (!value || !*value)
		return invalid(arg, "expected seccomp=unconfined", e);
	if (strcmp(value, "unconfined") != 0)
		return invalid(arg, "seccomp profiles from a file are not supported yet: "
				    "brig has its built-in profile, or seccomp=unconfined", e);
	o->seccomp_unconfined = true;
	return 0;
}

/* Docker's other keys, for scripts written for it: brig has neither
 * AppArmor nor SELinux labels, so lifting them changes nothing. */
static int set_lsm(const char *arg, const char *key, const char *value, struct brig_err *e)
{
	if (strcmp(key, "apparmor") == 0)
		return value && strcmp(value, "unconfined") == 0
			       ? 0
			       : invalid(arg, "brig applies no AppArmor profile (only apparmor=unconfined)", e);
	return value && strcmp(value, "disable") == 0
		       ? 0
		       : invalid(arg, "brig applies no SELinux label (only label=disable)", e);
}

int secopt_parse(const char *arg, struct security_opts *o, struct brig_err *e)
{
	char key[32];
	const char *sep = strchr(arg, '=');
	size_t klen;

	/* KEY=VALUE; Docker still reads its older KEY:VALUE */
	if (!sep)
		sep = strchr(arg, ':');
	klen = sep ? (size_t)(sep - arg) : strlen(arg);
	if (klen == 0 || klen >= sizeof(key))
		return invalid(arg, "expected no-new-privileges[=true|false] or seccomp=unconfined", e);
	memcpy(key, arg, klen);
	key[klen] = '\0';
	if (strcmp(key, "no-new-privileges") == 0)
		return set_nnp(arg, sep ? sep + 1 : NULL, o, e);
	if (strcmp(key, "seccomp") == 0)
		return set_seccomp(arg, sep ? sep + 1 : NULL, o, e);
	if (strcmp(key, "apparmor") == 0 || strcmp(key, "label") == 0)
		return set_lsm(arg, key, sep ? sep + 1 : NULL, e);
	if (strcmp(key, "disable") == 0 && !sep)
		return 0; /* Docker's short form of label=disable */
	return invalid(arg, "unknown option (expected no-new-privileges[=true|false] or "
			    "seccomp=unconfined)", e);
}

size_t secopt_strings(const struct security_opts *o, const char *out[SECOPT_MAX])
{
	size_t n = 0;

	if (o->no_new_privs_off)
		out[n++] = "no-new-privileges=false";
	if (o->seccomp_unconfined)
		out[n++] = "seccomp=unconfined";
	return n;
}
