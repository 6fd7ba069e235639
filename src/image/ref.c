/* ref.c - image reference parsing and normalisation (ref.h). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "ref.h"

#define DEFAULT_DOMAIN "docker.io"

static int bad(struct brig_err *e, const char *s, const char *why)
{
	return brig_errf(e, EINVAL, "invalid reference format '%s': %s", s, why);
}

/* One path component: [a-z0-9]+ joined by '.', '_', '__' or '-'+. */
static bool component_valid(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]))
			return false;
		while (i < n && (islower((unsigned char)s[i]) || isdigit((unsigned char)s[i])))
			i++;
		if (i == n)
			return true;
		if (s[i] == '.' || (s[i] == '_' && s[i + 1] != '_'))
			i++;
		else if (s[i] == '_')
			i += 2;
		else if (s[i] == '-')
			while (i < n && s[i] == '-')
				i++;
		else
			return false;
		if (i == n)
			return false; /* a separator cannot end a component */
	}
	return n > 0;
}

/* host[:port]: letters, digits, '-', '.'; a port of digits. */
static bool domain_valid(const char *s, size_t n)
{
	const char *colon = memchr(s, ':', n);
	size_t host = colon ? (size_t)(colon - s) : n;

	if (host == 0)
		return false;
	/* labels of letters, digits and inner '-', joined by '.' */
	for (size_t i = 0; i < host; i++) {
		bool edge = i == 0 || i + 1 == host || s[i - 1] == '.' || s[i + 1] == '.';
		if (s[i] == '.' ? edge : !isalnum((unsigned char)s[i]) && (s[i] != '-' || edge))
			return false;
	}
	if (colon) {
		if (colon + 1 == s + n)
			return false;
		for (const char *p = colon + 1; p < s + n; p++)
			if (!isdigit((unsigned char)*p))
				return false;
	}
	return true;
}

static bool tag_valid(const char *t)
{
	size_t n = strlen(t);

	if (n == 0 || n > REF_TAG_MAX || !(isalnum((unsigned char)t[0]) || t[0] == '_'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!isalnum((unsigned char)t[i]) && !strchr("_.-", t[i]))
			return false;
	return true;
}

static int parse_path(const char *s, const char *name, struct image_ref *r, struct brig_err *e)
{
	for (const char *p = name;;) {
		const char *slash = strchr(p, '/');
		size_t n = slash ? (size_t)(slash - p) : strlen(p);
		for (size_t i = 0; i < n; i++)
			if (isupper((unsigned char)p[i]))
				return bad(e, s, "repository name must be lowercase");
		if (!component_valid(p, n))
			return bad(e, s, "bad repository name");
		if (!slash)
			break;
		p = slash + 1;
	}
	bool library = !strcmp(r->domain, DEFAULT_DOMAIN) && !strchr(name, '/');
	int n = snprintf(r->path, sizeof(r->path), "%s%.*s", library ? "library/" : "",
			 REF_NAME_MAX - 1, name);

	if (n < 0 || strlen(r->domain) + 1 + (size_t)n >= REF_NAME_MAX)
		return bad(e, s, "repository name too long");
	return 0;
}

int ref_parse(const char *s, struct image_ref *r, struct brig_err *e)
{
	char buf[REF_MAX], *at, *slash, *colon, *name = buf;

	memset(r, 0, sizeof(*r));
	if (!s || !*s)
		return brig_errf(e, EINVAL, "invalid reference format: empty");
	if (strlen(s) >= sizeof(buf))
		return bad(e, s, "too long");
	snprintf(buf, sizeof(buf), "%s", s);
	at = strchr(buf, '@');
	if (at) {
		*at = '\0';
		if (!digest_valid(at + 1))
			return bad(e, s, "digest must be sha256:<64 lowercase hex>");
		snprintf(r->digest, sizeof(r->digest), "%s", at + 1);
	}
	slash = strchr(buf, '/');
	colon = strrchr(buf, ':');
	if (colon && (!slash || colon > strrchr(buf, '/'))) {
		*colon = '\0';
		if (!tag_valid(colon + 1))
			return bad(e, s, "bad tag");
		snprintf(r->tag, sizeof(r->tag), "%s", colon + 1);
	}
	slash = strchr(buf, '/');
	if (slash && (memchr(buf, '.', (size_t)(slash - buf)) ||
		      memchr(buf, ':', (size_t)(slash - buf)) ||
		      (slash - buf == 9 && !strncmp(buf, "localhost", 9)))) {
		if (!domain_valid(buf, (size_t)(slash - buf)))
			return bad(e, s, "bad registry name");
		snprintf(r->domain, sizeof(r->domain), "%.*s", (int)(slash - buf), buf);
		name = slash + 1;
	} else {
		snprintf(r->domain, sizeof(r->domain), DEFAULT_DOMAIN);
	}
	if (!strcmp(r->domain, "index.docker.io"))
		snprintf(r->domain, sizeof(r->domain), DEFAULT_DOMAIN);
	if (parse_path(s, name, r, e) < 0)
		return -e->code;
	if (!*r->tag && !*r->digest)
		snprintf(r->tag, sizeof(r->tag), "latest");
	return 0;
}

void ref_repo(const struct image_ref *r, char *out, size_t len)
{
	snprintf(out, len, "%s/%s", r->domain, r->path);
}

void ref_string(const struct image_ref *r, char *out, size_t len)
{
	snprintf(out, len, "%s/%s%s%s%s%s", r->domain, r->path, *r->tag ? ":" : "", r->tag,
		 *r->digest ? "@" : "", r->digest);
}

const char *ref_familiar(const char *repo)
{
	static const char lib[] = DEFAULT_DOMAIN "/library/", hub[] = DEFAULT_DOMAIN "/";

	if (!strncmp(repo, lib, sizeof(lib) - 1))
		return repo + sizeof(lib) - 1;
	if (!strncmp(repo, hub, sizeof(hub) - 1))
		return repo + sizeof(hub) - 1;
	return repo;
}
