/* fuzz_manifest.c - libFuzzer target for manifest and index parsing and
 * the platform choice (src/image/registry_parse.c): no crash, and every
 * digest handed back is digest_valid() (it becomes a file name,
 * CVE-2024-3727) with a size >= 0. */
#include <stdint.h>
#include <string.h>

#include "registry_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct reg_desc *d)
{
	if (!digest_valid(d->digest) || d->size < 0 ||
	    strnlen(d->media_type, sizeof(d->media_type)) == sizeof(d->media_type))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const platforms[] = { "linux/amd64", "linux/arm64", "linux/arm/v6" };
	struct reg_manifest m;
	struct reg_platform p;
	struct reg_desc out;
	struct reg_doc d;
	struct brig_err e;

	if (reg_doc_parse((const char *)data, size, MT_OCI_MANIFEST, &d, &e) < 0)
		return 0;
	if (d.kind == REG_KIND_MANIFEST && reg_manifest_blobs(&d, &m, &e) == 0) {
		check(&m.config);
		for (size_t i = 0; i < m.n_layers; i++)
			check(&m.layers[i]);
		reg_manifest_free(&m);
	}
	for (size_t i = 0; d.kind == REG_KIND_INDEX && i < 3; i++) {
		if (reg_platform_parse(platforms[i], &p, &e) < 0)
			__builtin_trap();
		if (reg_index_choose(&d, &p, &out, &e) == 0)
			check(&out);
	}
	reg_doc_free(&d);
	return 0;
}
