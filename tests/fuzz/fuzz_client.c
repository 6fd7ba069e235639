/* fuzz_client.c - libFuzzer target for brig's client of brig serve
 * (src/cli/client_proto.c): the stdcopy frame reader, fed the input in
 * slices whose sizes the input's first bytes choose, must hand on no more
 * payload than it was given and refuse a bad header with EPROTO; the
 * HTTP answer head parser must return a length within the input (a
 * status of 3 digits with it) or 0/-1; -H values either fail with a
 * message or give an absolute path that fits. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "client_proto.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count(void *arg, int stream, const char *buf, size_t len)
{
	check(stream >= 0 && stream <= 2);
	check(buf != NULL || len == 0);
	*(size_t *)arg += len;
	return 0;
}

static void frames(const uint8_t *data, size_t size)
{
	struct stdcopy_reader r = { 0 };
	size_t got = 0, off = 0, step = size ? (size_t)data[0] % 17 + 1 : 1;

	while (off < size) {
		size_t n = size - off < step ? size - off : step;
		errno = 0;
		if (stdcopy_feed(&r, (const char *)data + off, n, count, &got) < 0) {
			check(errno == EPROTO);
			return;
		}
		off += n;
	}
	check(got <= size);
}

static void answer(const uint8_t *data, size_t size)
{
	struct http_answer a;
	long n = http_answer_parse((const char *)data, size, &a);

	check(n >= -1 && n <= (long)size);
	if (n > 0)
		check(a.status >= 0 && a.status <= 999 && a.length >= -1);
}

static void host(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), path[CLIENT_PATH_MAX];
	struct brig_err e = { 0 };

	if (!text)
		return;
	memcpy(text, data, size);
	text[size] = '\0';
	if (client_parse_host(text, path, &e) < 0)
		check(e.msg[0] != '\0');
	else
		check(path[0] == '/' && strlen(path) < CLIENT_PATH_MAX);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	frames(data, size);
	answer(data, size);
	host(data, size);
	return 0;
}
