/* fuzz_events.c - libFuzzer target for events' pure half
 * (src/engine/events_filter.c): the filter parsers, the time parser, the
 * line buffer and the stored-line reader, and the matcher over what they
 * accept.
 *
 * The input is split at its first NUL: before it, filters (Docker's query
 * JSON, then the same bytes as --filter KEY=VALUE lines) and a time; after
 * it, a file's bytes, fed to the line buffer in chunks of varying size.
 * Nothing may crash or read past its input; a refusal is one line; every
 * line handed on is within the buffer and holds no '\n'; a parsed line has
 * the fields the matcher reads, and its time read unparsed (the replay's
 * skip) is the parsed one. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "events.h"
#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_error(const struct brig_err *e)
{
	check(memchr(e->msg, '\0', sizeof(e->msg)) != NULL);
	check(strchr(e->msg, '\n') == NULL);
}

struct feed {
	const struct events_filter *f;
	size_t cap;
};

static int on_line(void *arg, const char *line, size_t len)
{
	const struct feed *fd = arg;
	int64_t t = -1;
	bool timed = events_line_time(line, len, &t);
	json_t *ev;

	check(len < fd->cap);
	check(memchr(line, '\n', len) == NULL);
	check(!timed || t >= 0);
	ev = events_parse_line(line, len);
	if (ev) {
		/* the unparsed time, when read, is the parsed one */
		check(!timed || t == json_integer_value(json_object_get(ev, "timeNano")));
		check(json_is_string(json_object_get(ev, "Type")));
		check(json_is_string(json_object_get(json_object_get(ev, "Actor"), "ID")));
		events_match(fd->f, ev);
		json_decref(ev);
	}
	return 0;
}

static void filters(struct events_filter *f, const char *text, size_t len)
{
	struct brig_err e;
	char *copy = strndup(text, len), *save = NULL;

	if (events_filter_from_json(f, text, len, &e) < 0)
		check_error(&e);
	for (char *kv = strtok_r(copy, "\n", &save); kv; kv = strtok_r(NULL, "\n", &save))
		if (events_filter_add(f, kv, &e) < 0)
			check_error(&e);
	if (events_filter_times(f, copy, NULL, 1700000000000000000LL, &e) < 0)
		check_error(&e);
	free(copy);
}

static void lines(const struct events_filter *f, const uint8_t *data, size_t size)
{
	char buf[97];
	struct events_lines l = { .buf = buf, .cap = sizeof(buf) };
	struct feed fd = { f, sizeof(buf) };
	size_t off = 0, step = size % 13 + 1;

	while (off < size) {
		size_t room, n;
		char *at = events_lines_room(&l, &room);
		check(room > 0 && room <= sizeof(buf));
		n = room < step ? room : step;
		n = n < size - off ? n : size - off;
		memcpy(at, data + off, n);
		off += n;
		check(events_lines_feed(&l, n, on_line, &fd) == 0);
		check(l.len < sizeof(buf) || !memchr(buf, '\n', l.len));
	}
	/* the whole tail as one line too, as a file without its last '\n' */
	if (size) {
		json_t *ev = events_parse_line((const char *)data, size);
		json_decref(ev);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct events_filter f = { 0 };
	const uint8_t *nul = memchr(data, '\0', size);
	size_t head = nul ? (size_t)(nul - data) : size;

	filters(&f, (const char *)data, head);
	if (nul)
		lines(&f, nul + 1, size - head - 1);
	events_filter_free(&f);
	return 0;
}
