/* test_registry.c - the registry client's parsers (registry_parse.h):
 * WWW-Authenticate, token answers, base64, manifests and indexes with
 * platform choice, daemon.json's insecure list, auth.json. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "registry_parse.h"

#define HEX_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HEX_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define HEX_C "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"

/* ---- WWW-Authenticate ---- */

static void challenge_bearer(void **state)
{
	struct reg_challenge c = { 0 };

	(void)state;
	assert_int_equal(reg_challenge_parse("Bearer realm=\"https://auth.docker.io/token\","
					     "service=\"registry.docker.io\","
					     "scope=\"repository:library/alpine:pull\"",
					     &c),
			 0);
	assert_int_equal(c.scheme, REG_AUTH_BEARER);
	assert_string_equal(c.realm, "https://auth.docker.io/token");
	assert_string_equal(c.service, "registry.docker.io");
	assert_string_equal(c.scope, "repository:library/alpine:pull");
}

static void challenge_basic_and_case(void **state)
{
	struct reg_challenge c = { 0 };

	(void)state;
	assert_int_equal(reg_challenge_parse("basic REALM=\"brig-test\"", &c), 0);
	assert_int_equal(c.scheme, REG_AUTH_BASIC);
	assert_string_equal(c.realm, "brig-test");
}

/* Several challenges in one value, and across headers: Bearer wins. */
static void challenge_bearer_preferred(void **state)
{
	struct reg_challenge c = { 0 };

	(void)state;
	assert_int_equal(reg_challenge_parse("Basic realm=\"x\", Bearer realm=\"http://t/token\", "
					     "service=s",
					     &c),
			 0);
	assert_int_equal(c.scheme, REG_AUTH_BEARER);
	assert_string_equal(c.realm, "http://t/token");
	assert_string_equal(c.service, "s");
	/* A later Basic header does not replace the Bearer offer. */
	assert_int_equal(reg_challenge_parse("Basic realm=\"later\"", &c), 0);
	assert_int_equal(c.scheme, REG_AUTH_BEARER);
	assert_string_equal(c.realm, "http://t/token");
}

static void challenge_token68_unquoted_escapes(void **state)
{
	struct reg_challenge c = { 0 };

	(void)state;
	/* A token68, then another challenge with an unquoted realm URL. */
	assert_int_equal(reg_challenge_parse("Basic dXNlcjpwYXNz==, Bearer realm=https://a/t,"
					     "scope=\"a\\\"b\"",
					     &c),
			 0);
	assert_int_equal(c.scheme, REG_AUTH_BEARER);
	assert_string_equal(c.realm, "https://a/t");
	assert_string_equal(c.scope, "a\"b");
	memset(&c, 0, sizeof(c));
	assert_int_equal(reg_challenge_parse("Negotiate abc, NTLM", &c), 0);
	assert_int_equal(c.scheme, REG_AUTH_NONE);
	assert_int_equal(reg_challenge_parse("", &c), 0);
	assert_int_equal(c.scheme, REG_AUTH_NONE);
}

static void challenge_malformed(void **state)
{
	struct reg_challenge c = { 0 };
	char big[2048];

	(void)state;
	assert_int_equal(reg_challenge_parse("Bearer realm=\"unterminated", &c), -EINVAL);
	assert_int_equal(reg_challenge_parse("Bearer realm=\"a\" junk", &c), -EINVAL);
	assert_int_equal(reg_challenge_parse("=x", &c), -EINVAL);
	assert_int_equal(reg_challenge_parse("Bearer\x01", &c), -EINVAL);
	memset(&c, 0, sizeof(c));
	snprintf(big, sizeof(big), "Bearer realm=\"%01500d\"", 0);
	assert_int_equal(reg_challenge_parse(big, &c), -EINVAL);
	assert_int_equal(c.scheme, REG_AUTH_NONE); /* nothing half-taken */
}

/* ---- token answers, escapes, base64 ---- */

static int tok(const char *body, char *t, size_t len)
{
	struct brig_err e;

	return reg_token_parse(body, strlen(body), t, len, &e);
}

static void token_answers(void **state)
{
	char t[64];

	(void)state;
	assert_int_equal(tok("{\"token\":\"abc.def\"}", t, sizeof(t)), 0);
	assert_string_equal(t, "abc.def");
	assert_int_equal(tok("{\"access_token\":\"x\",\"token\":\"\"}", t, sizeof(t)), 0);
	assert_string_equal(t, "x");
	assert_int_equal(tok("{}", t, sizeof(t)), -EINVAL);
	assert_int_equal(tok("{\"token\":\"a\\r\\nX-Evil: 1\"}", t, sizeof(t)), -EINVAL);
	assert_int_equal(tok("not json", t, sizeof(t)), -EINVAL);
	assert_int_equal(tok("{\"token\":\"0123456789\"}", t, 10), -EINVAL); /* too long */
}

static void query_escape(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(reg_query_escape("repository:a/b:pull,push", out, sizeof(out)), 0);
	assert_string_equal(out, "repository%3Aa%2Fb%3Apull%2Cpush");
	assert_int_equal(reg_query_escape("a-b_c.d~e", out, sizeof(out)), 0);
	assert_string_equal(out, "a-b_c.d~e");
	assert_int_equal(reg_query_escape("::::", out, 12), -ENAMETOOLONG);
}

static void base64(void **state)
{
	char enc[64], dec[64];

	(void)state;
	assert_int_equal(reg_base64_encode("brig:s3cret", 11, enc, sizeof(enc)), 16);
	assert_string_equal(enc, "YnJpZzpzM2NyZXQ=");
	assert_int_equal(reg_base64_decode(enc, dec, sizeof(dec)), 11);
	assert_string_equal(dec, "brig:s3cret");
	assert_int_equal(reg_base64_decode("YQ==", dec, sizeof(dec)), 1);
	assert_string_equal(dec, "a");
	assert_int_equal(reg_base64_decode("YWI=", dec, sizeof(dec)), 2);
	assert_int_equal(reg_base64_decode("", dec, sizeof(dec)), 0);
	assert_int_equal(reg_base64_decode("YQ=", dec, sizeof(dec)), -EINVAL);
	assert_int_equal(reg_base64_decode("Y===", dec, sizeof(dec)), -EINVAL);
	assert_int_equal(reg_base64_decode("YQ==YQ==", dec, sizeof(dec)), -EINVAL);
	assert_int_equal(reg_base64_decode("Y!==", dec, sizeof(dec)), -EINVAL);
	assert_int_equal(reg_base64_decode("YWJjZGVm", dec, 4), -ENAMETOOLONG);
	assert_int_equal(reg_base64_encode("abcdef", 6, enc, 8), -ENAMETOOLONG);
}

/* ---- manifests and indexes ---- */

static const char manifest[] =
	"{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_MANIFEST "\","
	"\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
	"\"digest\":\"sha256:" HEX_A "\",\"size\":300},"
	"\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
	"\"digest\":\"sha256:" HEX_B "\",\"size\":1000},"
	"{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
	"\"digest\":\"sha256:" HEX_C "\",\"size\":0}]}";

static void manifest_blobs(void **state)
{
	struct reg_manifest m;
	struct reg_doc d;
	struct brig_err e;

	(void)state;
	assert_int_equal(reg_doc_parse(manifest, strlen(manifest), NULL, &d, &e), 0);
	assert_int_equal(d.kind, REG_KIND_MANIFEST);
	assert_string_equal(d.media_type, MT_OCI_MANIFEST);
	assert_int_equal(reg_manifest_blobs(&d, &m, &e), 0);
	assert_string_equal(m.config.digest, "sha256:" HEX_A);
	assert_int_equal(m.config.size, 300);
	assert_int_equal(m.n_layers, 2);
	assert_string_equal(m.layers[0].digest, "sha256:" HEX_B);
	assert_int_equal(m.layers[1].size, 0);
	reg_manifest_free(&m);
	reg_doc_free(&d);
}

/* The kind comes from the body's mediaType, else Content-Type, else shape. */
static void manifest_kinds(void **state)
{
	static const char list[] = "{\"schemaVersion\":2,\"manifests\":[]}";
	static const char bare[] = "{\"schemaVersion\":2,\"config\":{},\"layers\":[]}";
	struct reg_doc d;
	struct brig_err e;

	(void)state;
	assert_int_equal(reg_doc_parse(list, strlen(list), MT_DOCKER_LIST "; charset=utf-8", &d, &e),
			 0);
	assert_int_equal(d.kind, REG_KIND_INDEX);
	assert_string_equal(d.media_type, MT_DOCKER_LIST);
	reg_doc_free(&d);
	assert_int_equal(reg_doc_parse(list, strlen(list), "application/json", &d, &e), 0);
	assert_int_equal(d.kind, REG_KIND_INDEX);
	reg_doc_free(&d);
	assert_int_equal(reg_doc_parse(bare, strlen(bare), MT_DOCKER_MANIFEST, &d, &e), 0);
	assert_int_equal(d.kind, REG_KIND_MANIFEST);
	assert_string_equal(d.media_type, MT_DOCKER_MANIFEST);
	reg_doc_free(&d);
}

static void manifest_refused(void **state)
{
	static const char v1[] = "{\"schemaVersion\":1,\"fsLayers\":[]}";
	static const char odd[] = "{\"mediaType\":\"text/html\"}";
	static const char dup[] = "{\"layers\":[],\"layers\":[]}";
	struct reg_doc d;
	struct brig_err e;

	(void)state;
	assert_int_equal(reg_doc_parse(v1, strlen(v1), NULL, &d, &e), -ENOTSUP);
	assert_non_null(strstr(e.msg, "schema 1"));
	assert_int_equal(reg_doc_parse("{}", 2,
				       "application/vnd.docker.distribution.manifest.v1+prettyjws",
				       &d, &e),
			 -ENOTSUP);
	assert_int_equal(reg_doc_parse(odd, strlen(odd), NULL, &d, &e), -ENOTSUP);
	assert_int_equal(reg_doc_parse("[1]", 3, NULL, &d, &e), -EINVAL);
	assert_int_equal(reg_doc_parse(dup, strlen(dup), NULL, &d, &e), -EINVAL);
	assert_null(d.json);
}

/* A digest names a file: anything but sha256:<64 hex> is refused, with
 * "digest" in the message (CVE-2024-3727). */
static void manifest_bad_digests(void **state)
{
	static const char *const bad[] = {
		"sha256:../../../../etc/passwd", "sha256:" HEX_A "/x", "sha512:" HEX_A HEX_A,
		"sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "",
	};
	struct reg_manifest m;
	struct reg_doc d;
	struct brig_err e;
	char text[512];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text),
			 "{\"mediaType\":\"" MT_OCI_MANIFEST "\",\"config\":{\"digest\":\"sha256:" HEX_A
			 "\",\"size\":1},\"layers\":[{\"digest\":\"%s\",\"size\":1}]}",
			 bad[i]);
		assert_int_equal(reg_doc_parse(text, strlen(text), NULL, &d, &e), 0);
		assert_int_equal(reg_manifest_blobs(&d, &m, &e), -EINVAL);
		assert_non_null(strstr(e.msg, "digest"));
		reg_doc_free(&d);
	}
	snprintf(text, sizeof(text),
		 "{\"mediaType\":\"" MT_OCI_MANIFEST "\",\"config\":{\"digest\":\"sha256:" HEX_A
		 "\",\"size\":-1},\"layers\":[]}");
	assert_int_equal(reg_doc_parse(text, strlen(text), NULL, &d, &e), 0);
	assert_int_equal(reg_manifest_blobs(&d, &m, &e), -EINVAL);
	reg_doc_free(&d);
}

/* An index with arm64 (variant v8) first, then amd64, then arm/v6. */
static const char index_text[] =
	"{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_INDEX "\",\"manifests\":["
	"{\"mediaType\":\"" MT_OCI_MANIFEST "\",\"digest\":\"sha256:" HEX_A "\",\"size\":10,"
	"\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}},"
	"{\"mediaType\":\"" MT_OCI_MANIFEST "\",\"digest\":\"sha256:" HEX_B "\",\"size\":20,"
	"\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}},"
	"{\"mediaType\":\"" MT_OCI_MANIFEST "\",\"digest\":\"sha256:" HEX_C "\",\"size\":30,"
	"\"platform\":{\"os\":\"linux\",\"architecture\":\"arm\",\"variant\":\"v6\"}}]}";

static void choose(const char *platform, const char *want_digest)
{
	struct reg_platform p;
	struct reg_desc out;
	struct reg_doc d;
	struct brig_err e;

	assert_int_equal(reg_doc_parse(index_text, strlen(index_text), NULL, &d, &e), 0);
	assert_int_equal(reg_platform_parse(platform, &p, &e), 0);
	if (want_digest) {
		assert_int_equal(reg_index_choose(&d, &p, &out, &e), 0);
		assert_string_equal(out.digest, want_digest);
	} else {
		assert_int_equal(reg_index_choose(&d, &p, &out, &e), -ENOENT);
		assert_non_null(strstr(e.msg, "linux/arm64, linux/amd64, linux/arm"));
	}
	reg_doc_free(&d);
}

static void index_platforms(void **state)
{
	(void)state;
	choose("linux/amd64", "sha256:" HEX_B);
	choose("linux/x86_64", "sha256:" HEX_B);
	choose("linux/arm64", "sha256:" HEX_A);
	choose("linux/aarch64", "sha256:" HEX_A);
	choose("linux/arm64/v8", "sha256:" HEX_A);
	choose("linux/arm/v6", "sha256:" HEX_C);
	choose("linux/arm", NULL); /* v7 implied: not offered */
	choose("linux/s390x", NULL);
	choose("windows/amd64", NULL);
}

static void platform_parse(void **state)
{
	struct reg_platform p;
	struct brig_err e;

	(void)state;
	assert_int_equal(reg_platform_parse("Linux/AMD64", &p, &e), 0);
	assert_string_equal(p.os, "linux");
	assert_string_equal(p.arch, "amd64");
	assert_int_equal(reg_platform_parse("linux/armhf", &p, &e), 0);
	assert_string_equal(p.arch, "arm");
	assert_string_equal(p.variant, "v7");
	assert_int_equal(reg_platform_parse("amd64", &p, &e), -EINVAL);
	assert_int_equal(reg_platform_parse("linux/", &p, &e), -EINVAL);
	assert_int_equal(reg_platform_parse("linux/amd64/v3/x", &p, &e), -EINVAL);
	assert_int_equal(reg_platform_parse("linux/a md64", &p, &e), -EINVAL);
	reg_platform_host(&p);
	assert_string_equal(p.os, "linux");
	assert_true(p.arch[0] != '\0');
}

/* ---- insecure registries ---- */

static void loopback(void **state)
{
	(void)state;
	assert_true(reg_host_loopback("localhost"));
	assert_true(reg_host_loopback("localhost:5000"));
	assert_true(reg_host_loopback("127.0.0.1:5000"));
	assert_true(reg_host_loopback("127.9.8.7"));
	assert_true(reg_host_loopback("[::1]:5000"));
	assert_true(reg_host_loopback("::1"));
	assert_false(reg_host_loopback("10.0.0.1:5000"));
	assert_false(reg_host_loopback("127.0.0.1.example.com"));
	assert_false(reg_host_loopback("localhost.example.com:5000"));
	assert_false(reg_host_loopback("docker.io"));
	assert_false(reg_host_loopback("[::2]:5000"));
}

static bool listed(const char *json, const char *host)
{
	struct brig_err e;
	bool out = true;

	assert_int_equal(reg_insecure_listed(json, json ? strlen(json) : 0, host, &out, &e), 0);
	return out;
}

static void insecure_list(void **state)
{
	static const char conf[] = "{\"insecure-registries\": [\"reg.lab:5000\", \"http://other.lab/\","
				   " \"10.0.0.0/8\", \"fd00::/8\"], \"debug\": true}";
	struct brig_err e;
	bool out;

	(void)state;
	assert_true(listed(conf, "reg.lab:5000"));
	assert_true(listed(conf, "REG.lab:5000"));
	assert_false(listed(conf, "reg.lab"));   /* Docker matches host:port exactly */
	assert_false(listed(conf, "reg.lab:5001"));
	assert_true(listed(conf, "other.lab"));
	assert_true(listed(conf, "10.1.2.3:5000"));
	assert_false(listed(conf, "11.1.2.3:5000"));
	assert_true(listed(conf, "[fd00::5]:5000"));
	assert_false(listed(conf, "quay.io"));
	assert_false(listed(NULL, "quay.io"));
	assert_false(listed("{}", "quay.io"));
	assert_int_equal(reg_insecure_listed("{\"insecure-registries\": [1]}", 28, "x", &out, &e),
			 -EINVAL);
	assert_int_equal(reg_insecure_listed("{\"insecure-registries\": \"x\"}", 28, "x", &out, &e),
			 -EINVAL);
	assert_int_equal(reg_insecure_listed("{", 1, "x", &out, &e), -EINVAL);
}

/* ---- auth.json ---- */

static void auth_lookup(void **state)
{
	static const char conf[] =
		"{\"auths\": {\"127.0.0.1:5000\": {\"auth\": \"YnJpZzpzM2NyZXQ=\"},"
		" \"https://index.docker.io/v1/\": {\"auth\": \"aHViOnA6dzpk\"},"
		" \"quay.io\": {\"username\": \"q\", \"password\": \"pw\"},"
		" \"ghcr.io\": {\"identitytoken\": \"x\"}}}";
	char user[64], pass[64];
	struct brig_err e;
	size_t n = strlen(conf);

	(void)state;
	assert_int_equal(reg_auth_lookup(conf, n, "127.0.0.1:5000", user, 64, pass, 64, &e), 1);
	assert_string_equal(user, "brig");
	assert_string_equal(pass, "s3cret");
	assert_int_equal(reg_auth_lookup(conf, n, "docker.io", user, 64, pass, 64, &e), 1);
	assert_string_equal(user, "hub");
	assert_string_equal(pass, "p:w:d"); /* only the first ':' splits */
	assert_int_equal(reg_auth_lookup(conf, n, "quay.io", user, 64, pass, 64, &e), 1);
	assert_string_equal(pass, "pw");
	assert_int_equal(reg_auth_lookup(conf, n, "ghcr.io", user, 64, pass, 64, &e), 0);
	assert_int_equal(reg_auth_lookup(conf, n, "127.0.0.1:5001", user, 64, pass, 64, &e), 0);
	assert_int_equal(reg_auth_lookup(NULL, 0, "quay.io", user, 64, pass, 64, &e), 0);
	assert_int_equal(reg_auth_lookup("{\"auths\": []}", 13, "quay.io", user, 64, pass, 64, &e),
			 -EINVAL);
	assert_int_equal(reg_auth_lookup("{\"auths\": {\"quay.io\": {\"auth\": \"!!\"}}}", 37,
					 "quay.io", user, 64, pass, 64, &e),
			 -EINVAL);
	assert_int_equal(reg_auth_lookup(conf, n, "127.0.0.1:5000", user, 3, pass, 64, &e), -EINVAL);
}

static void auth_update(void **state)
{
	static const char conf[] = "{\"auths\": {\"https://index.docker.io/v1/\": {\"auth\": \"eDp5\"}},"
				   " \"credsStore\": \"pass\"}";
	char *out = NULL, *out2 = NULL, user[64], pass[64];
	struct brig_err e;
	bool found;

	(void)state;
	assert_int_equal(reg_auth_update(conf, strlen(conf), "127.0.0.1:5000", "brig", "s3cret", &out,
					 &found, &e),
			 0);
	assert_false(found);
	assert_non_null(strstr(out, "\"credsStore\": \"pass\""));
	assert_int_equal(reg_auth_lookup(out, strlen(out), "127.0.0.1:5000", user, 64, pass, 64, &e), 1);
	assert_string_equal(pass, "s3cret");
	assert_int_equal(reg_auth_lookup(out, strlen(out), "docker.io", user, 64, pass, 64, &e), 1);
	/* Logging out of docker.io removes Docker's own spelling of its key. */
	assert_int_equal(reg_auth_update(out, strlen(out), "docker.io", NULL, NULL, &out2, &found, &e),
			 0);
	assert_true(found);
	assert_int_equal(reg_auth_lookup(out2, strlen(out2), "docker.io", user, 64, pass, 64, &e), 0);
	assert_int_equal(reg_auth_lookup(out2, strlen(out2), "127.0.0.1:5000", user, 64, pass, 64, &e),
			 1);
	free(out);
	free(out2);
	assert_int_equal(reg_auth_update(NULL, 0, "quay.io", "a:b", "c", &out, &found, &e), -EINVAL);
	assert_int_equal(reg_auth_update("[]", 2, "quay.io", "a", "c", &out, &found, &e), -EINVAL);
}

static void auth_keys_and_hosts(void **state)
{
	struct brig_err e;
	char k[64];

	(void)state;
	reg_auth_key("https://index.docker.io/v1/", k, sizeof(k));
	assert_string_equal(k, "docker.io");
	reg_auth_key("http://Reg.Lab:5000/v2/", k, sizeof(k));
	assert_string_equal(k, "reg.lab:5000");
	assert_int_equal(registry_host_parse(NULL, k, sizeof(k), &e), 0);
	assert_string_equal(k, "docker.io");
	assert_int_equal(registry_host_parse("registry-1.docker.io", k, sizeof(k), &e), 0);
	assert_string_equal(k, "docker.io");
	assert_int_equal(registry_host_parse("https://127.0.0.1:5000/", k, sizeof(k), &e), 0);
	assert_string_equal(k, "127.0.0.1:5000");
	assert_int_equal(registry_host_parse("bad host", k, sizeof(k), &e), -EINVAL);
	assert_int_equal(registry_host_parse("a\nb", k, sizeof(k), &e), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(challenge_bearer),
		cmocka_unit_test(challenge_basic_and_case),
		cmocka_unit_test(challenge_bearer_preferred),
		cmocka_unit_test(challenge_token68_unquoted_escapes),
		cmocka_unit_test(challenge_malformed),
		cmocka_unit_test(token_answers),
		cmocka_unit_test(query_escape),
		cmocka_unit_test(base64),
		cmocka_unit_test(manifest_blobs),
		cmocka_unit_test(manifest_kinds),
		cmocka_unit_test(manifest_refused),
		cmocka_unit_test(manifest_bad_digests),
		cmocka_unit_test(index_platforms),
		cmocka_unit_test(platform_parse),
		cmocka_unit_test(loopback),
		cmocka_unit_test(insecure_list),
		cmocka_unit_test(auth_lookup),
		cmocka_unit_test(auth_update),
		cmocka_unit_test(auth_keys_and_hosts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
