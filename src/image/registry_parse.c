/* registry_parse.c - WWW-Authenticate, token answers, manifests and
 * indexes, platforms, daemon.json's insecure list and auth.json
 * (registry_parse.h).  Pure: no I/O. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/utsname.h>

#include "cleanup.h"
#include "registry_parse.h"

/* ---- WWW-Authenticate (RFC 7235) ---- */

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static bool tchar(char c)
{
	return isalnum((unsigned char)c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

static size_t token_len(const char *p)
{
	size_t n = 0;

	while (tchar(p[n]))
		n++;
	return n;
}

/* "name =" ahead: an auth-param, not a scheme or a token68. */
static bool at_param(const char *p)
{
	size_t n = token_len(p);

	return n > 0 && *skip_ws(p + n) == '=';
}

/* token68 (RFC 7235 2.1) then the end of the challenge: Basic's credentials
 * in a header that echoes them, skipped. */
static size_t token68_len(const char *p)
{
	size_t n = 0;

	while (isalnum((unsigned char)p[n]) || (p[n] && strchr("-._~+/", p[n])))
		n++;
	if (n == 0)
		return 0;
	while (p[n] == '=')
		n++;
	p = skip_ws(p + n);
	return *p == ',' || *p == '\0' ? n : 0;
}

/* A value, token or quoted-string, into out (NULL: parse and drop it). */
static int param_value(const char **pp, char *out, size_t len)
{
	const char *p = *pp;
	size_t n = 0;

	if (*p == '"') {
		for (p++; *p != '"'; p++) {
			if (*p == '\\' && p[1])
				p++;
			if (!*p)
				return -EINVAL; /* unterminated */
			if (out && n + 1 >= len)
				return -EINVAL;
			if (out)
				out[n++] = *p;
		}
		p++;
	} else {
		/* Lenient: registries write realm=https://... unquoted. */
		for (; *p && *p != ',' && *p != ' ' && *p != '\t'; p++) {
			if (out && n + 1 >= len)
				return -EINVAL;
			if (out)
				out[n++] = *p;
		}
	}
	if (out)
		out[n] = '\0';
	*pp = p;
	return 0;
}

static int param(const char **pp, struct reg_challenge *c)
{
	const char *p = *pp;
	size_t n = token_len(p);
	char *field = NULL;
	size_t len = 0;

	if (n == 5 && !strncasecmp(p, "realm", 5))
		field = c->realm, len = sizeof(c->realm);
	else if (n == 7 && !strncasecmp(p, "service", 7))
		field = c->service, len = sizeof(c->service);
	else if (n == 5 && !strncasecmp(p, "scope", 5))
		field = c->scope, len = sizeof(c->scope);
	p = skip_ws(skip_ws(p + n) + 1); /* past '=' (at_param checked it) */
	if (param_value(&p, field, len) < 0)
		return -EINVAL;
	*pp = p;
	return 0;
}

/* The parameters of one challenge, up to the next challenge or the end. */
static int params(const char **pp, struct reg_challenge *cur)
{
	const char *p = *pp;
	size_t t68;

	p = skip_ws(p);
	if ((t68 = token68_len(p)) > 0)
		p += t68;
	else if (at_param(p) && param(&p, cur) < 0)
		return -EINVAL;
	for (;;) {
		p = skip_ws(p);
		if (*p == '\0')
			break;
		if (*p != ',')
			return -EINVAL;
		while (*p == ',' || *p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || !at_param(p))
			break; /* the next challenge's scheme */
		if (param(&p, cur) < 0)
			return -EINVAL;
	}
	*pp = p;
	return 0;
}

int reg_challenge_parse(const char *value, struct reg_challenge *c)
{
	const char *p = value;

	for (;;) {
		struct reg_challenge cur = { .scheme = REG_AUTH_NONE };
		size_t n;

		while (*p == ',' || *p == ' ' || *p == '\t')
			p++;
		if (*p == '\0')
			return 0;
		n = token_len(p);
		if (n == 0)
			return -EINVAL;
		if (n == 6 && !strncasecmp(p, "Bearer", 6))
			cur.scheme = REG_AUTH_BEARER;
		else if (n == 5 && !strncasecmp(p, "Basic", 5))
			cur.scheme = REG_AUTH_BASIC;
		p += n;
		if (*p != '\0' && *p != ' ' && *p != '\t' && *p != ',')
			return -EINVAL;
		if (params(&p, &cur) < 0)
			return -EINVAL;
		if ((cur.scheme == REG_AUTH_BEARER && c->scheme != REG_AUTH_BEARER) ||
		    (cur.scheme == REG_AUTH_BASIC && c->scheme == REG_AUTH_NONE))
			*c = cur;
	}
}

int reg_token_parse(const char *body, size_t len, char *out, size_t outlen, struct brig_err *e)
{
	cleanup_json json_t *j = json_loadb(body, len, 0, NULL);
	const char *t = json_string_value(json_object_get(j, "token"));
	size_t n;

	if (!t || !*t)
		t = json_string_value(json_object_get(j, "access_token"));
	if (!t || !*t)
		return brig_errf(e, EINVAL, "token server: no token in its answer");
	n = strlen(t);
	if (n >= outlen)
		return brig_errf(e, EINVAL, "token server: token longer than %zu bytes", outlen - 1);
	for (size_t i = 0; i < n; i++)
		if (t[i] < 0x21 || t[i] > 0x7e)
			return brig_errf(e, EINVAL, "token server: token is not printable ASCII");
	memcpy(out, t, n + 1);
	return 0;
}

int reg_query_escape(const char *s, char *out, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = 0;

	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		bool keep = isalnum(ch) || strchr("-._~", ch);
		if (n + (keep ? 1 : 3) >= len)
			return -ENAMETOOLONG;
		if (keep) {
			out[n++] = (char)ch;
		} else {
			out[n++] = '%';
			out[n++] = hex[ch >> 4];
			out[n++] = hex[ch & 15];
		}
	}
	if (n >= len)
		return -ENAMETOOLONG;
	out[n] = '\0';
	return 0;
}

/* ---- base64 ---- */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int reg_base64_encode(const void *in, size_t n, char *out, size_t len)
{
	const unsigned char *s = in;
	size_t o = 0;

	if ((n + 2) / 3 * 4 >= len)
		return -ENAMETOOLONG;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)s[i] << 16 | (i + 1 < n ? (unsigned)s[i + 1] << 8 : 0) |
			     (i + 2 < n ? s[i + 2] : 0);
		out[o++] = b64[v >> 18 & 63];
		out[o++] = b64[v >> 12 & 63];
		out[o++] = i + 1 < n ? b64[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? b64[v & 63] : '=';
	}
	out[o] = '\0';
	return (int)o;
}

int reg_base64_decode(const char *in, char *out, size_t len)
{
	size_t n = strlen(in), o = 0;

	if (n % 4)
		return -EINVAL;
	for (size_t i = 0; i < n; i += 4) {
		int pad = 0;
		unsigned v = 0;

		/* '=' only ends the last group: "xx==" or "xxx=". */
		if (i + 4 == n && in[i + 3] == '=')
			pad = in[i + 2] == '=' ? 2 : 1;
		for (int k = 0; k < 4; k++) {
			const char *q = strchr(b64, in[i + k]);
			if (k >= 4 - pad) {
				v <<= 6;
				continue;
			}
			if (!q || !in[i + k])
				return -EINVAL;
			v = v << 6 | (unsigned)(q - b64);
		}
		if (o + 3 >= len)
			return -ENAMETOOLONG;
		out[o++] = (char)(v >> 16);
		if (pad < 2)
			out[o++] = (char)(v >> 8 & 255);
		if (pad < 1)
			out[o++] = (char)(v & 255);
	}
	out[o] = '\0';
	return (int)o;
}

/* ---- manifests ---- */

static const struct {
	const char *type;
	enum reg_kind kind;
} media_types[] = {
	{ MT_OCI_INDEX, REG_KIND_INDEX },
	{ MT_DOCKER_LIST, REG_KIND_INDEX },
	{ MT_OCI_MANIFEST, REG_KIND_MANIFEST },
	{ MT_DOCKER_MANIFEST, REG_KIND_MANIFEST },
};

static int copy_field(char *out, size_t len, const char *s, size_t n)
{
	if (n >= len)
		return -EINVAL;
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

/* The document's media type: its own "mediaType", else the Content-Type
 * header without parameters, else guessed from its shape. */
static int doc_media_type(const json_t *j, const char *content_type, char *out, size_t len)
{
	const char *mt = json_string_value(json_object_get(j, "mediaType"));

	if (mt && *mt)
		return copy_field(out, len, mt, strlen(mt));
	if (content_type && *content_type) {
		size_t n = strcspn(content_type, "; \t");
		if (n > 0 && strncmp(content_type, "application/json", n) != 0 &&
		    strncmp(content_type, "text/plain", n) != 0)
			return copy_field(out, len, content_type, n);
	}
	mt = json_object_get(j, "manifests") ? MT_OCI_INDEX : MT_OCI_MANIFEST;
	return copy_field(out, len, mt, strlen(mt));
}

int reg_doc_parse(const char *body, size_t len, const char *content_type, struct reg_doc *d,
		  struct brig_err *e)
{
	json_error_t jerr;
	json_t *schema;

	memset(d, 0, sizeof(*d));
	d->json = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(d->json)) {
		reg_doc_free(d);
		return brig_errf(e, EINVAL, "manifest is not a JSON object");
	}
	schema = json_object_get(d->json, "schemaVersion");
	if (json_is_integer(schema) && json_integer_value(schema) == 1) {
		reg_doc_free(d);
		return brig_errf(e, ENOTSUP, "schema 1 manifests are not supported");
	}
	if (doc_media_type(d->json, content_type, d->media_type, sizeof(d->media_type)) < 0) {
		reg_doc_free(d);
		return brig_errf(e, EINVAL, "manifest: media type too long");
	}
	for (size_t i = 0; i < ARRAY_SIZE(media_types); i++) {
		if (!strcmp(d->media_type, media_types[i].type)) {
			d->kind = media_types[i].kind;
			return 0;
		}
	}
	if (strstr(d->media_type, "manifest.v1")) {
		reg_doc_free(d);
		return brig_errf(e, ENOTSUP, "schema 1 manifests are not supported");
	}
	brig_errf(e, ENOTSUP, "unsupported manifest media type '%.*s'", 80, d->media_type);
	reg_doc_free(d);
	return -ENOTSUP;
}

void reg_doc_free(struct reg_doc *d)
{
	json_decref(d->json);
	d->json = NULL;
}

int reg_desc_parse(const json_t *j, const char *what, struct reg_desc *out, struct brig_err *e)
{
	const char *digest = json_string_value(json_object_get(j, "digest"));
	const char *mt = json_string_value(json_object_get(j, "mediaType"));
	json_t *size = json_object_get(j, "size");

	memset(out, 0, sizeof(*out));
	if (!json_is_object(j))
		return brig_errf(e, EINVAL, "manifest: %s is not a descriptor", what);
	/* Untrusted text that becomes a file name: checked before any use. */
	if (!digest_valid(digest))
		return brig_errf(e, EINVAL, "manifest: %s has an invalid digest '%.80s'", what,
				 digest ? digest : "(none)");
	if (!json_is_integer(size) || json_integer_value(size) < 0)
		return brig_errf(e, EINVAL, "manifest: %s has no valid size", what);
	if (mt && copy_field(out->media_type, sizeof(out->media_type), mt, strlen(mt)) < 0)
		return brig_errf(e, EINVAL, "manifest: %s media type too long", what);
	memcpy(out->digest, digest, DIGEST_MAX);
	out->size = (int64_t)json_integer_value(size);
	return 0;
}

int reg_manifest_blobs(const struct reg_doc *d, struct reg_manifest *m, struct brig_err *e)
{
	json_t *layers = json_object_get(d->json, "layers"), *l;
	size_t i;

	memset(m, 0, sizeof(*m));
	if (d->kind != REG_KIND_MANIFEST)
		return brig_errf(e, EINVAL, "manifest: an index, not an image manifest");
	if (reg_desc_parse(json_object_get(d->json, "config"), "config", &m->config, e) < 0)
		return -e->code;
	if (!json_is_array(layers))
		return brig_errf(e, EINVAL, "manifest: no layers");
	m->layers = calloc(json_array_size(layers) + 1, sizeof(*m->layers));
	if (!m->layers)
		return brig_errf(e, ENOMEM, "manifest: out of memory");
	json_array_foreach(layers, i, l) {
		char what[32];
		snprintf(what, sizeof(what), "layer %zu", i + 1);
		if (reg_desc_parse(l, what, &m->layers[i], e) < 0) {
			reg_manifest_free(m);
			return -e->code;
		}
		m->n_layers = i + 1;
	}
	return 0;
}

void reg_manifest_free(struct reg_manifest *m)
{
	free(m->layers);
	m->layers = NULL;
	m->n_layers = 0;
}

/* ---- platforms ---- */

static const struct {
	const char *alias, *arch, *variant;
} arch_aliases[] = {
	{ "x86_64", "amd64", "" }, { "x86-64", "amd64", "" },  { "aarch64", "arm64", "" },
	{ "armhf", "arm", "v7" },  { "armv7l", "arm", "v7" },  { "armel", "arm", "v6" },
	{ "armv6l", "arm", "v6" }, { "i386", "386", "" },      { "i686", "386", "" },
};

static void set_arch(struct reg_platform *p, const char *arch)
{
	for (size_t i = 0; i < ARRAY_SIZE(arch_aliases); i++) {
		if (!strcmp(arch, arch_aliases[i].alias)) {
			snprintf(p->arch, sizeof(p->arch), "%s", arch_aliases[i].arch);
			if (!*p->variant)
				snprintf(p->variant, sizeof(p->variant), "%s", arch_aliases[i].variant);
			return;
		}
	}
	snprintf(p->arch, sizeof(p->arch), "%s", arch);
}

static bool platform_word(const char *s, size_t n, size_t max)
{
	if (n == 0 || n >= max)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-' && s[i] != '.')
			return false;
	return true;
}

int reg_platform_parse(const char *s, struct reg_platform *p, struct brig_err *e)
{
	char os[sizeof(p->os)], arch[sizeof(p->arch)], variant[sizeof(p->variant)];
	const char *a = strchr(s, '/'), *v = a ? strchr(a + 1, '/') : NULL;
	size_t vn = v ? strlen(v + 1) : 0;

	memset(p, 0, sizeof(*p));
	if (!a || !platform_word(s, (size_t)(a - s), sizeof(os)) ||
	    !platform_word(a + 1, v ? (size_t)(v - a - 1) : strlen(a + 1), sizeof(arch)) ||
	    (v && !platform_word(v + 1, vn, sizeof(variant))))
		return brig_errf(e, EINVAL, "invalid platform '%.64s': want os/arch[/variant]", s);
	snprintf(os, sizeof(os), "%.*s", (int)(a - s), s);
	snprintf(arch, sizeof(arch), "%.*s", v ? (int)(v - a - 1) : (int)strlen(a + 1), a + 1);
	snprintf(variant, sizeof(variant), "%s", v ? v + 1 : "");
	for (char *c = os; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	for (char *c = arch; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	snprintf(p->os, sizeof(p->os), "%s", os);
	snprintf(p->variant, sizeof(p->variant), "%s", variant);
	set_arch(p, arch);
	return 0;
}

void reg_platform_host(struct reg_platform *p)
{
	struct utsname u;

	memset(p, 0, sizeof(*p));
	snprintf(p->os, sizeof(p->os), "linux");
	set_arch(p, uname(&u) == 0 ? u.machine : "amd64");
}

/* arm64 without a variant is v8, arm without one v7 (containerd's rule). */
static const char *variant_of(const char *arch, const char *variant)
{
	if (*variant)
		return variant;
	if (!strcmp(arch, "arm64"))
		return "v8";
	if (!strcmp(arch, "arm"))
		return "v7";
	return "";
}

bool reg_platform_match(const json_t *plat, const struct reg_platform *want)
{
	const char *os = json_string_value(json_object_get(plat, "os"));
	const char *arch = json_string_value(json_object_get(plat, "architecture"));
	const char *variant = json_string_value(json_object_get(plat, "variant"));

	if (!os || !arch || strcmp(os, want->os) || strcmp(arch, want->arch))
		return false;
	if (!*want->variant && strcmp(arch, "arm") && strcmp(arch, "arm64"))
		return true;
	return !strcmp(variant_of(arch, variant ? variant : ""), variant_of(arch, want->variant));
}

/* "linux/arm64, linux/amd64" for the error message. */
static void platforms_seen(const json_t *list, char *out, size_t len)
{
	size_t i, n = 0;
	json_t *m;

	out[0] = '\0';
	json_array_foreach(list, i, m) {
		json_t *plat = json_object_get(m, "platform");
		const char *os = json_string_value(json_object_get(plat, "os"));
		const char *arch = json_string_value(json_object_get(plat, "architecture"));
		int k;
		if (!os || !arch || i >= 8)
			continue;
		k = snprintf(out + n, len - n, "%s%.20s/%.20s", n ? ", " : "", os, arch);
		if (k < 0 || (size_t)k >= len - n)
			break;
		n += (size_t)k;
	}
}

int reg_index_choose(const struct reg_doc *d, const struct reg_platform *want, struct reg_desc *out,
		     struct brig_err *e)
{
	json_t *list = json_object_get(d->json, "manifests"), *m;
	char seen[256];
	size_t i;

	if (d->kind != REG_KIND_INDEX || !json_is_array(list))
		return brig_errf(e, EINVAL, "index: no manifests");
	json_array_foreach(list, i, m) {
		if (!reg_platform_match(json_object_get(m, "platform"), want))
			continue;
		return reg_desc_parse(m, "index entry", out, e);
	}
	platforms_seen(list, seen, sizeof(seen));
	return brig_errf(e, ENOENT, "no manifest for %s/%s%s%s in the index (it has %s)", want->os,
			 want->arch, *want->variant ? "/" : "", want->variant, *seen ? seen : "none");
}

/* ---- insecure registries ---- */

/* The address part of "name[:port]" or "[v6]:port" (a bare v6 address
 * stays whole). */
static void host_addr(const char *host, char *out, size_t len)
{
	const char *colon = strchr(host, ':');

	if (host[0] == '[') {
		const char *end = strchr(host, ']');
		snprintf(out, len, "%.*s", end ? (int)(end - host - 1) : 0, host + 1);
	} else if (colon && !strchr(colon + 1, ':')) {
		snprintf(out, len, "%.*s", (int)(colon - host), host);
	} else {
		snprintf(out, len, "%s", host);
	}
}

bool reg_host_loopback(const char *host)
{
	unsigned char a[16];
	char addr[256];

	host_addr(host, addr, sizeof(addr));
	if (!strcasecmp(addr, "localhost"))
		return true;
	if (inet_pton(AF_INET, addr, a) == 1)
		return a[0] == 127;
	return inet_pton(AF_INET6, addr, a) == 1 && !memcmp(a, &in6addr_loopback, 16);
}

/* Whether addr (an IP literal) is inside cidr; false for anything else. */
static bool cidr_contains(const char *cidr, const char *addr)
{
	unsigned char net[16], ip[16];
	char buf[64];
	const char *slash = strchr(cidr, '/');
	unsigned long bits;
	char *end;
	int af;

	if (!slash || (size_t)(slash - cidr) >= sizeof(buf) || !isdigit((unsigned char)slash[1]))
		return false;
	snprintf(buf, sizeof(buf), "%.*s", (int)(slash - cidr), cidr);
	af = strchr(buf, ':') ? AF_INET6 : AF_INET;
	bits = strtoul(slash + 1, &end, 10);
	if (*end || bits > (af == AF_INET ? 32u : 128u) || inet_pton(af, buf, net) != 1 ||
	    inet_pton(af, addr, ip) != 1)
		return false;
	for (unsigned long i = 0; i < bits; i++)
		if ((net[i / 8] ^ ip[i / 8]) & (0x80 >> (i % 8)))
			return false;
	return true;
}

/* An entry as Docker accepts it: "http://" or "https://" and a trailing
 * "/" dropped. */
static void entry_norm(const char *s, char *out, size_t len)
{
	size_t n;

	if (!strncasecmp(s, "http://", 7))
		s += 7;
	else if (!strncasecmp(s, "https://", 8))
		s += 8;
	snprintf(out, len, "%s", s);
	n = strlen(out);
	while (n > 0 && out[n - 1] == '/')
		out[--n] = '\0';
}

/* The member key of a config file's JSON object (*doc, for the caller to
 * release): NULL in *member when text is NULL or has no such key; EINVAL
 * when text is not an object or the member not of type want. */
static int conf_member(const char *text, size_t len, const char *file, const char *key,
		       json_type want, json_t **doc, json_t **member, struct brig_err *e)
{
	*doc = *member = NULL;
	if (!text)
		return 0;
	*doc = json_loadb(text, len, 0, NULL);
	if (!json_is_object(*doc))
		return brig_errf(e, EINVAL, "%s: not a JSON object", file);
	*member = json_object_get(*doc, key);
	if (*member && json_typeof(*member) != want)
		return brig_errf(e, EINVAL, "%s: %s is not %s", file, key,
				 want == JSON_ARRAY ? "a list" : "an object");
	return 0;
}

int reg_insecure_listed(const char *text, size_t len, const char *host, bool *out,
			struct brig_err *e)
{
	cleanup_json json_t *j = NULL;
	json_t *list, *v;
	char addr[256];
	size_t i;

	int r = conf_member(text, len, "daemon.json", "insecure-registries", JSON_ARRAY, &j, &list, e);

	*out = false;
	if (r < 0 || !list)
		return r;
	host_addr(host, addr, sizeof(addr));
	json_array_foreach(list, i, v) {
		char entry[512];
		if (!json_is_string(v))
			return brig_errf(e, EINVAL, "daemon.json: insecure-registries holds a non-string");
		entry_norm(json_string_value(v), entry, sizeof(entry));
		if (!strcasecmp(entry, host) || cidr_contains(entry, addr)) {
			*out = true;
			return 0;
		}
	}
	return 0;
}

/* ---- auth.json ---- */

void reg_auth_key(const char *host, char *out, size_t len)
{
	static const char *const hub[] = { "index.docker.io", "registry-1.docker.io" };
	const char *s = host;

	if (!strncasecmp(s, "http://", 7))
		s += 7;
	else if (!strncasecmp(s, "https://", 8))
		s += 8;
	snprintf(out, len, "%.*s", (int)strcspn(s, "/"), s);
	for (char *c = out; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	for (size_t i = 0; i < ARRAY_SIZE(hub); i++)
		if (!strcmp(out, hub[i]))
			snprintf(out, len, "docker.io");
}

static bool key_is(const char *key, const char *host)
{
	char a[REG_PARAM_MAX], b[REG_PARAM_MAX];

	reg_auth_key(key, a, sizeof(a));
	reg_auth_key(host, b, sizeof(b));
	return !strcmp(a, b);
}

static int cred_copy(const char *s, size_t n, char *out, size_t len, struct brig_err *e)
{
	if (copy_field(out, len, s, n) < 0)
		return brig_errf(e, EINVAL, "auth.json: credentials too long");
	return 0;
}

static int entry_creds(const json_t *ent, char *user, size_t ulen, char *pass, size_t plen,
		       struct brig_err *e)
{
	const char *auth = json_string_value(json_object_get(ent, "auth"));
	const char *u = json_string_value(json_object_get(ent, "username"));
	const char *p = json_string_value(json_object_get(ent, "password"));
	char buf[2 * REG_CRED_MAX + 2];
	const char *colon;
	int n;

	if (auth && *auth) {
		n = reg_base64_decode(auth, buf, sizeof(buf));
		colon = n > 0 ? memchr(buf, ':', (size_t)n) : NULL;
		if (!colon)
			return brig_errf(e, EINVAL, "auth.json: bad \"auth\" value");
		if (cred_copy(buf, (size_t)(colon - buf), user, ulen, e) < 0 ||
		    cred_copy(colon + 1, (size_t)(buf + n - colon - 1), pass, plen, e) < 0)
			return -e->code;
		return 1;
	}
	if (u && p) {
		if (cred_copy(u, strlen(u), user, ulen, e) < 0 ||
		    cred_copy(p, strlen(p), pass, plen, e) < 0)
			return -e->code;
		return 1;
	}
	return 0;
}

int reg_auth_lookup(const char *text, size_t len, const char *host, char *user, size_t ulen,
		    char *pass, size_t plen, struct brig_err *e)
{
	cleanup_json json_t *j = NULL;
	const char *key;
	json_t *auths, *ent;
	int r = conf_member(text, len, "auth.json", "auths", JSON_OBJECT, &j, &auths, e);

	if (r < 0 || !auths)
		return r;
	json_object_foreach(auths, key, ent) {
		if (key_is(key, host) && json_is_object(ent))
			return entry_creds(ent, user, ulen, pass, plen, e);
	}
	return 0;
}

static int auth_entry(const char *user, const char *pass, json_t **out, struct brig_err *e)
{
	char plain[2 * REG_CRED_MAX + 2], enc[sizeof(plain) * 4 / 3 + 8];

	if (strlen(user) >= REG_CRED_MAX || strlen(pass) >= REG_CRED_MAX)
		return brig_errf(e, EINVAL, "credentials too long");
	if (strchr(user, ':'))
		return brig_errf(e, EINVAL, "a user name cannot contain ':'");
	snprintf(plain, sizeof(plain), "%s:%s", user, pass);
	if (reg_base64_encode(plain, strlen(plain), enc, sizeof(enc)) < 0)
		return brig_errf(e, EINVAL, "credentials too long");
	*out = json_pack("{s:s}", "auth", enc);
	return *out ? 0 : brig_errf(e, ENOMEM, "auth.json: out of memory");
}

int reg_auth_update(const char *text, size_t len, const char *host, const char *user,
		    const char *pass, char **out, bool *found, struct brig_err *e)
{
	cleanup_json json_t *j = text ? json_loadb(text, len, 0, NULL) : json_object();
	json_t *auths, *ent = NULL;
	char key[REG_PARAM_MAX];
	const char *k;
	void *tmp;

	if (found)
		*found = false;
	if (!json_is_object(j))
		return brig_errf(e, EINVAL, "auth.json: not a JSON object");
	auths = json_object_get(j, "auths");
	if (!auths) {
		auths = json_object();
		json_object_set_new(j, "auths", auths);
	}
	if (!json_is_object(auths))
		return brig_errf(e, EINVAL, "auth.json: \"auths\" is not an object");
	json_object_foreach_safe(auths, tmp, k, ent) {
		if (key_is(k, host)) {
			if (found)
				*found = true;
			json_object_del(auths, k);
		}
	}
	if (user) {
		if (auth_entry(user, pass ? pass : "", &ent, e) < 0)
			return -e->code;
		reg_auth_key(host, key, sizeof(key));
		json_object_set_new(auths, key, ent);
	}
	*out = json_dumps(j, JSON_INDENT(1) | JSON_SORT_KEYS);
	return *out ? 0 : brig_errf(e, ENOMEM, "auth.json: out of memory");
}
