/* monitor_args.c - brig-monitor's command line (monitor_args.h): one table
 * of keys, walked by the formatter and by the parser. */
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "monitor_args.h"

enum kind {
	K_ID,     /* char[BRIG_ID_LEN + 1] */
	K_STR,    /* const char * */
	K_FD,     /* int, -1: absent */
	K_PID,    /* pid_t, 0: absent */
	K_TRUE,   /* bool, written only when true */
	K_SLIRP,  /* slirp_pid:slirp_fd */
	K_CLIENT, /* client_fd[i]:client_flags[i], repeated */
};

struct key {
	const char *name;
	enum kind kind;
	size_t off;
	bool required;
};

#define F(field) offsetof(struct monitor_args, field)
static const struct key keys[] = {
	{ "id", K_ID, F(id), true },		  { "root", K_STR, F(root), true },
	{ "runroot", K_STR, F(runroot), true },	  { "log", K_STR, F(log), true },
	{ "brig", K_FD, F(brig), true },	  { "pid", K_PID, F(pid), true },
	{ "tty", K_TRUE, F(tty), false },	  { "out", K_FD, F(out), false },
	{ "err", K_FD, F(err), false },		  { "in", K_FD, F(in), false },
	{ "raw", K_FD, F(raw), false },		  { "hand", K_FD, F(hand), false },
	{ "slirp", K_SLIRP, F(slirp_pid), false }, { "client", K_CLIENT, 0, false },
};
#undef F

typedef const char *cstr; /* so that CFIELD's const qualifies the pointer */
#define FIELD(a, k, type) ((type *)((char *)(a) + (k)->off))
#define CFIELD(a, k, type) ((const type *)((const char *)(a) + (k)->off))

void monitor_args_init(struct monitor_args *a)
{
	memset(a, 0, sizeof(*a));
	a->brig = a->out = a->err = a->in = a->raw = a->hand = a->slirp_fd = -1;
}

/* ---- formatting ---------------------------------------------------------- */

/* Key k's value of a into buf (the words after "KEY="); false when k is
 * absent from a.  i: which client. */
static bool value(const struct monitor_args *a, const struct key *k, size_t i, char *buf,
		  size_t len)
{
	switch (k->kind) {
	case K_ID:
	case K_STR: {
		const char *s = k->kind == K_ID ? CFIELD(a, k, char) : *CFIELD(a, k, cstr);
		snprintf(buf, len, "%s", s ? s : "");
		return s && *s;
	}
	case K_FD:
		snprintf(buf, len, "%d", *CFIELD(a, k, int));
		return *CFIELD(a, k, int) >= 0;
	case K_PID:
		snprintf(buf, len, "%d", (int)*CFIELD(a, k, pid_t));
		return *CFIELD(a, k, pid_t) > 0;
	case K_TRUE:
		snprintf(buf, len, "1");
		return *CFIELD(a, k, bool);
	case K_SLIRP:
		snprintf(buf, len, "%d:%d", (int)a->slirp_pid, a->slirp_fd);
		return a->slirp_pid > 0 && a->slirp_fd >= 0;
	case K_CLIENT:
		snprintf(buf, len, "%d:%u", a->client_fd[i], a->client_flags[i]);
		return a->client_fd[i] >= 0;
	}
	return false;
}

int monitor_args_format(const struct monitor_args *a, char *buf, size_t len,
			char *argv[MONITOR_ARGV_MAX], struct brig_err *e)
{
	size_t off = 0, n = 1;
	char v[4096];

	for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
		size_t times = keys[k].kind == K_CLIENT ? a->n_clients : 1;
		for (size_t i = 0; i < times && i < MON_CLIENTS; i++) {
			int w;
			if (!value(a, &keys[k], i, v, sizeof(v)))
				continue;
			w = snprintf(buf + off, len - off, "%s=%s", keys[k].name, v);
			if (w < 0 || (size_t)w >= len - off || n + 1 >= MONITOR_ARGV_MAX)
				return brig_errf(e, ENAMETOOLONG, "brig-monitor's arguments: too long");
			argv[n++] = buf + off;
			off += (size_t)w + 1;
		}
	}
	argv[n] = NULL;
	return 0;
}

/* ---- parsing ------------------------------------------------------------- */

static int number(const char *word, const char *s, int min, int *out, struct brig_err *e)
{
	uint64_t v;

	if (parse_uint(s, 0x7fffffff, &v, e) < 0 || (int)v < min)
		return brig_errf(e, EINVAL, "brig-monitor: invalid '%s'", word);
	*out = (int)v;
	return 0;
}

/* "A:B", two numbers, A at least min_a. */
static int pair(const char *word, const char *s, int min_a, int *a, int *b, struct brig_err *e)
{
	char first[16];
	const char *colon = strchr(s, ':');
	size_t n = colon ? (size_t)(colon - s) : 0;

	if (!colon || n >= sizeof(first))
		return brig_errf(e, EINVAL, "brig-monitor: invalid '%s'", word);
	memcpy(first, s, n);
	first[n] = '\0';
	return number(word, first, min_a, a, e) < 0 ? -e->code : number(word, colon + 1, 0, b, e);
}

static int parse_id(const char *word, const char *s, char *out, struct brig_err *e)
{
	if (strlen(s) != BRIG_ID_LEN || strspn(s, "0123456789abcdef") != BRIG_ID_LEN)
		return brig_errf(e, EINVAL, "brig-monitor: invalid '%s'", word);
	memcpy(out, s, BRIG_ID_LEN + 1);
	return 0;
}

static int add_client(struct monitor_args *a, const char *word, const char *s,
		      struct brig_err *e)
{
	int fd, flags;

	if (a->n_clients >= MON_CLIENTS)
		return brig_errf(e, E2BIG, "brig-monitor: more than %d clients", MON_CLIENTS);
	if (pair(word, s, 0, &fd, &flags, e) < 0)
		return -e->code;
	a->client_fd[a->n_clients] = fd;
	a->client_flags[a->n_clients++] = (unsigned)flags;
	return 0;
}

static int set(struct monitor_args *a, const struct key *k, const char *word, const char *s,
	       struct brig_err *e)
{
	int pid = 0;

	switch (k->kind) {
	case K_ID:
		return parse_id(word, s, FIELD(a, k, char), e);
	case K_STR:
		*FIELD(a, k, cstr) = s;
		return *s ? 0 : brig_errf(e, EINVAL, "brig-monitor: invalid '%s'", word);
	case K_FD:
		return number(word, s, 0, FIELD(a, k, int), e);
	case K_PID:
		if (number(word, s, 1, &pid, e) < 0)
			return -e->code;
		*FIELD(a, k, pid_t) = pid;
		return 0;
	case K_TRUE:
		*FIELD(a, k, bool) = true;
		return strcmp(s, "1") == 0 ? 0 : brig_errf(e, EINVAL, "brig-monitor: invalid '%s'", word);
	case K_SLIRP:
		if (pair(word, s, 1, &pid, &a->slirp_fd, e) < 0)
			return -e->code;
		a->slirp_pid = pid;
		return 0;
	case K_CLIENT:
		return add_client(a, word, s, e);
	}
	return brig_errf(e, EINVAL, "brig-monitor: invalid '%s'", word);
}

static const struct key *find(const char *word, size_t n)
{
	for (size_t k = 0; k < ARRAY_SIZE(keys); k++)
		if (strlen(keys[k].name) == n && strncmp(keys[k].name, word, n) == 0)
			return &keys[k];
	return NULL;
}

int monitor_args_parse(int argc, char *const *argv, struct monitor_args *a, struct brig_err *e)
{
	bool seen[ARRAY_SIZE(keys)] = { false };

	monitor_args_init(a);
	for (int i = 1; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');
		const struct key *k = eq ? find(argv[i], (size_t)(eq - argv[i])) : NULL;
		if (!k || (seen[k - keys] && k->kind != K_CLIENT))
			return brig_errf(e, EINVAL, "brig-monitor: unknown or repeated '%.64s'",
					 argv[i]);
		seen[k - keys] = true;
		if (set(a, k, argv[i], eq + 1, e) < 0)
			return -e->code;
	}
	for (size_t k = 0; k < ARRAY_SIZE(keys); k++)
		if (keys[k].required && !seen[k])
			return brig_errf(e, EINVAL, "brig-monitor: missing %s=", keys[k].name);
	return 0;
}

/* ---- the fds ------------------------------------------------------------- */

static void cloexec(int fd, bool on)
{
	int flags = fd >= 0 ? fcntl(fd, F_GETFD) : -1;

	if (flags >= 0)
		fcntl(fd, F_SETFD, on ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC);
}

void monitor_args_cloexec(const struct monitor_args *a, bool on)
{
	for (size_t k = 0; k < ARRAY_SIZE(keys); k++)
		if (keys[k].kind == K_FD)
			cloexec(*CFIELD(a, &keys[k], int), on);
	cloexec(a->slirp_fd, on);
	for (size_t i = 0; i < a->n_clients && i < MON_CLIENTS; i++)
		cloexec(a->client_fd[i], on);
}

void monitor_args_io(const struct monitor_args *a, struct mon_io *m)
{
	m->tty = a->tty;
	m->out = a->out;
	m->err = a->err;
	m->in = a->in;
	if (m->tty && m->out >= 0)
		fcntl(m->out, F_SETFL, fcntl(m->out, F_GETFL) | O_NONBLOCK);
	m->raw_listener = a->raw;
	m->hand_listener = a->hand;
	for (size_t i = 0; i < a->n_clients && i < MON_CLIENTS; i++)
		mon_client_add(m, a->client_fd[i], MON_HANDED, a->client_flags[i]);
}
