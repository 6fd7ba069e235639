/* fuzz_api_create.c - libFuzzer target for brig serve's request bodies
 * (src/api/conv_create.c, conv_other.c): the input as JSON text, read as
 * a ContainerCreate body into a container spec, and as a NetworkCreate
 * body into a network request.
 *
 * Any bytes must convert without crashing or leaking; a refusal leaves
 * nothing allocated and is one line with an errno; what is accepted has
 * an image and a network, and writes as a container record
 * (spec_to_json). */
#include <stdint.h>
#include <string.h>

#include "conv.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_err(const struct brig_err *e)
{
	check(memchr(e->msg, '\0', sizeof(e->msg)) != NULL);
	check(strchr(e->msg, '\n') == NULL);
	check(e->code > 0);
}

static void create(json_t *body)
{
	struct api_create o;
	struct brig_err e = {0};
	json_t *record;

	if (conv_create_spec(body, "fuzz", &o, &e) < 0) {
		check_err(&e);
		check(o.body == NULL && o.owned == NULL && o.spec.mounts == NULL);
		return;
	}
	check(o.spec.image && *o.spec.image);
	check(o.spec.n_nets >= 1 && o.spec.n_nets <= MAX_NETS);
	record = spec_to_json(&o.spec);
	check(record != NULL);
	json_decref(record);
	conv_create_free(&o);
}

static void network(json_t *body)
{
	struct network_request req;
	struct brig_err e = {0};

	if (conv_network_request(body, &req, &e) < 0)
		check_err(&e);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *body = json_loadb((const char *)data, size, JSON_DECODE_ANY, NULL);

	if (!body)
		return 0;
	create(body);
	network(body);
	json_decref(body);
	return 0;
}
