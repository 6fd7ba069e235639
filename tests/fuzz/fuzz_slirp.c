/* fuzz_slirp.c - libFuzzer target for slirp4netns's side of rootless brig
 * (src/runtime/slirp.c): the API reply parser and the rootless -p parser.
 *
 * Any bytes, as a reply, give 0 or an error with a message; as a -p value
 * (up to the first NUL), either an error or a port whose numbers are
 * 1-65535 and whose add_hostfwd request fits a fixed buffer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "slirp.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct brig_err e = { 0 };
	struct slirp_port p;
	char *text = malloc(size + 1), req[512];

	if (!text)
		return 0;
	memcpy(text, data, size);
	if (slirp_reply_parse(text, size, &e) < 0)
		check(e.msg[0] != 0);
	text[size] = 0;
	if (slirp_port_parse(text, &p, &e) == 0) {
		check(p.host_port >= 1 && p.guest_port >= 1);
		check(slirp_hostfwd_request(&p, req, sizeof(req)) > 0);
	}
	free(text);
	return 0;
}
