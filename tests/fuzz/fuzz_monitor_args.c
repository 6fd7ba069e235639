/* fuzz_monitor_args.c - libFuzzer target: monitor_args_parse
 * (src/engine/monitor_args.c), brig-monitor's command line, on arbitrary
 * words (the input split at NUL bytes).  A refusal says why; what parses
 * formats again and parses back to the same fields. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "monitor_args.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define WORDS 64

static void same(const struct monitor_args *a, const struct monitor_args *b)
{
	if (strcmp(a->id, b->id) || strcmp(a->root, b->root) || strcmp(a->runroot, b->runroot) ||
	    strcmp(a->log, b->log) || a->brig != b->brig || a->pid != b->pid || a->tty != b->tty ||
	    a->out != b->out || a->err != b->err || a->in != b->in || a->raw != b->raw ||
	    a->hand != b->hand || a->n_clients != b->n_clients)
		abort();
	for (size_t i = 0; i < a->n_clients; i++)
		if (a->client_fd[i] != b->client_fd[i] || a->client_flags[i] != b->client_flags[i])
			abort();
}

static void round_trip(const struct monitor_args *a)
{
	static char buf[1 << 16];
	char *argv[MONITOR_ARGV_MAX] = { (char *)"brig-monitor" };
	struct monitor_args b;
	struct brig_err e = { 0 };
	int n = 0;

	if (monitor_args_format(a, buf, sizeof(buf), argv, &e) < 0)
		return; /* too long for buf */
	while (argv[n])
		n++;
	if (monitor_args_parse(n, argv, &b, &e) < 0)
		abort();
	same(a, &b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), *argv[WORDS + 1] = { (char *)"brig-monitor" };
	struct monitor_args a;
	struct brig_err e = { 0 };
	int argc = 1;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	for (char *p = s; p <= s + size && argc < WORDS; p += strlen(p) + 1)
		argv[argc++] = p;
	if (monitor_args_parse(argc, argv, &a, &e) < 0) {
		if (!e.msg[0])
			abort();
	} else {
		round_trip(&a);
	}
	free(s);
	return 0;
}
