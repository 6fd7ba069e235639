/* events.h - what happened to containers, networks, volumes and images, as
 * Docker's event stream has it.
 *
 * The engine appends one JSON line per event to <runroot>/events/events.jsonl
 * (Docker's shape: {"status","id","from","Type","Action","Actor":{"ID",
 * "Attributes"},"scope":"local","time","timeNano"}; attribute values are
 * strings).  Each line is one O_APPEND write under a shared flock of
 * <runroot>/events/lock, so concurrent brig processes never interleave; the
 * file is bounded: past EVENTS_MAX_BYTES it becomes events.jsonl.1 (the
 * exclusive lock held), so at most twice that is kept.  Readers take the
 * history from events.jsonl.1, then events.jsonl, and follow with inotify.
 *
 * Emitting never fails its caller: a failure is one brig_warn per process.
 * The filter parser, the matcher, the time parser and the line reader are
 * pure (events_filter.c), unit-tested and fuzzed. */
#ifndef BRIG_EVENTS_H
#define BRIG_EVENTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctx.h"
#include "spec.h"

#define EVENTS_MAX_BYTES (1 << 20) /* the current file's size before it rotates */
#define EVENTS_LINE_MAX (64 * 1024) /* a longer event is not recorded; readers hold 2x this */
#define EVENTS_VALUES_MAX 64 /* values of one filter key */

/* ---- writing ---- */

/* Append one event: type "container", "network", "image" or "volume";
 * action "create", "start", "die", ...; id the actor's; attrs (borrowed,
 * may be NULL) its attributes, strings only: a container's "image" also
 * becomes the event's "from". */
void events_emit(const struct brig_ctx *c, const char *type, const char *action, const char *id,
		 json_t *attrs);

/* A container's attributes: "name", "image" and its labels, from spec, or
 * (spec NULL) from its record; {} when neither is there.  A new reference. */
json_t *events_container_attrs(const struct brig_ctx *c, const char *id,
			       const struct container_spec *spec);

/* A container event with the attributes above (spec may be NULL). */
void events_container(const struct brig_ctx *c, const char *action, const char *id,
		      const struct container_spec *spec);

/* "die" with "exitCode" (and an "oom" event first when it was OOM-killed). */
void events_die(const struct brig_ctx *c, const char *id, const struct container_spec *spec,
		int exit_code, bool oom_killed);

/* "kill" with "signal". */
void events_kill(const struct brig_ctx *c, const char *id, int sig);

/* A network event: the network's name is its actor's ID and its "name";
 * with container (not NULL: connect, disconnect) also "container". */
void events_network(const struct brig_ctx *c, const char *action, const char *net,
		    const char *container);

/* One network event per network of st, or (st NULL) of the record's
 * state (connect at start, disconnect at exit, as Docker emits them). */
void events_networks(const struct brig_ctx *c, const char *action, const char *id,
		     const struct container_state *st);

/* A volume event ("driver": "local"). */
void events_volume(const struct brig_ctx *c, const char *action, const char *name);

/* An image event: the actor is the image id (id, or when NULL looked up
 * from ref; ref itself when it resolves to none), "name" is ref. */
void events_image(const struct brig_ctx *c, const char *action, const char *ref, const char *id);

/* The image id ref names, malloc'd, or NULL: for an event about an image
 * that is about to go. */
char *events_image_id(const struct brig_ctx *c, const char *ref);

/* The event object as events_emit writes it (pure; for tests). */
json_t *events_make(const char *type, const char *action, const char *id, json_t *attrs,
		    int64_t ns);

/* ---- filters (pure: events_filter.c) ---- */

enum events_key {
	EVK_TYPE,
	EVK_EVENT,     /* the action ("exec_create: sh" also matches "exec_create") */
	EVK_CONTAINER, /* id, id prefix or name of a container event's actor */
	EVK_IMAGE,     /* a container's image or an image event's name/id, tag or not */
	EVK_NETWORK,
	EVK_VOLUME,
	EVK_LABEL,     /* "k" or "k=v" against the attributes; several AND */
	EVK_SCOPE,
	EVK_N
};

/* Docker's filters: several values of one key OR, different keys AND
 * (labels: every one must match).  since/until in ns since the epoch. */
struct events_filter {
	char **values[EVK_N]; /* NULL-terminated, malloc'd */
	size_t n[EVK_N];
	bool has_since, has_until;
	int64_t since, until;
};

/* Add one --filter KEY=VALUE. */
int events_filter_add(struct events_filter *f, const char *kv, struct brig_err *e);

/* Add Docker's query filters: {"type":["container"],"event":["die"]}, or
 * the older {"type":{"container":true}}. */
int events_filter_from_json(struct events_filter *f, const char *text, size_t len,
			    struct brig_err *e);

/* Set since and until (either may be NULL or ""), as events_parse_time
 * reads them relative to now. */
int events_filter_times(struct events_filter *f, const char *since, const char *until,
			int64_t now, struct brig_err *e);

void events_filter_free(struct events_filter *f);

/* Whether ev (an event as events_parse_line returns it) passes f's keys
 * and times. */
bool events_match(const struct events_filter *f, json_t *ev);

/* A time as Docker's --since/--until take it, in ns since the epoch:
 * unix seconds ("1700000000", "1700000000.5"), RFC 3339
 * ("2024-05-01T12:00:00Z", "...T12:00:00.123+02:00", "2024-05-01",
 * "2024-05-01T12:00" (UTC when no zone)), or a duration before now
 * ("10m", "1h30m", "1.5s"). */
int events_parse_time(const char *s, int64_t now, int64_t *ns, struct brig_err *e);

/* One stored line (without its '\n') as an event, or NULL when it is not
 * one: torn, corrupt, or missing Type/Action/Actor.ID/timeNano. */
json_t *events_parse_line(const char *line, size_t len);

/* The time of a stored line (without its '\n') without parsing it: its
 * last member, as events_emit writes it ("...,\"timeNano\":N}"), read
 * from the end.  Returns false (a reader then parses the line) when the
 * line does not end so.  A replay skips what precedes its since thus. */
bool events_line_time(const char *line, size_t len, int64_t *ns);

/* A reader's buffer of a file's bytes: read into events_lines_room, then
 * events_lines_feed hands each complete line (without its '\n') to fn and
 * keeps the partial last one; a line longer than cap is dropped whole. */
struct events_lines {
	char *buf;
	size_t len, cap;
	bool skipping; /* inside a line too long for the buffer */
};

/* Where the next bytes go (*room > 0 bytes of it). */
char *events_lines_room(struct events_lines *l, size_t *room);

/* n bytes were put at the room: the lines complete now go to fn, until
 * one returns < 0 (returned). */
int events_lines_feed(struct events_lines *l, size_t n,
		      int (*fn)(void *arg, const char *line, size_t len), void *arg);

/* ---- reading ---- */

/* Called with each event that passes (borrowed: valid during the call),
 * or with NULL about once a second while nothing happens, so a front end
 * notices a vanished client.  Return < 0 to end the stream. */
typedef int (*events_sink)(void *arg, json_t *ev);

/* The events f selects.  The history is replayed when f has since or
 * until (with neither and follow, only new events: Docker's way); with
 * follow, new ones then come as they are written (inotify, no polling)
 * until f's until has passed or the sink returns < 0.  A torn or corrupt
 * line is skipped.  0 at the end (also when the sink ended it). */
int events_read(const struct brig_ctx *c, const struct events_filter *f, bool follow,
		events_sink sink, void *arg, struct brig_err *e);

#endif
