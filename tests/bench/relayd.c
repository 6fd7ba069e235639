/* relayd.c - test-only driver of the user engine's relay (net/relay.h),
 * for tests/bench/bench-relay.sh; not a brig command.
 *
 *   relayd NETNS_B IF_B SHARED_FILE [KEY=VALUE...]
 *
 * Unshares its own network namespace, splices the relay into the veth end
 * IF_B of the namespace at path NETNS_B (sides "ra" and "rb"), creates the
 * shared file (KEY=VALUE: impairments both ways; keys delay_us,
 * jitter_us, rate_bps, loss, corrupt, duplicate, reorder), prints "ready" and
 * forwards until SIGTERM or SIGINT, then unsplices and exits 0. */
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "relay.h"

static int die(const struct brig_err *e)
{
	fprintf(stderr, "relayd: %s\n", e->msg);
	return 1;
}

/* KEY=VALUE into p (test input: only the form is checked). */
static int param(struct netem_params *p, const char *kv)
{
	static const struct { const char *key; size_t u64, dbl; } keys[] = {
		{ "delay_us=", offsetof(struct netem_params, delay_us), 0 },
		{ "jitter_us=", offsetof(struct netem_params, jitter_us), 0 },
		{ "rate_bps=", offsetof(struct netem_params, rate_bps), 0 },
		{ "loss=", 0, offsetof(struct netem_params, loss) + 1 },
		{ "corrupt=", 0, offsetof(struct netem_params, corrupt) + 1 },
		{ "duplicate=", 0, offsetof(struct netem_params, duplicate) + 1 },
		{ "reorder=", 0, offsetof(struct netem_params, reorder) + 1 },
	};

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		size_t n = strlen(keys[i].key);

		if (strncmp(kv, keys[i].key, n) != 0)
			continue;
		if (keys[i].dbl)
			*(double *)((char *)p + keys[i].dbl - 1) = strtod(kv + n, NULL);
		else
			*(uint64_t *)((char *)p + keys[i].u64) = strtoull(kv + n, NULL, 10);
		return 0;
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct netem_params p = { 0 };
	struct relay_shm m = { .fd = -1 };
	struct brig_err e = { 0 };
	sigset_t sigs;
	int ns_b, fa, fb, stop;

	if (argc < 4) {
		fprintf(stderr, "usage: relayd NETNS_B IF_B SHARED_FILE [KEY=VALUE...]\n");
		return 2;
	}
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	if (sigprocmask(SIG_BLOCK, &sigs, NULL) < 0 ||
	    (stop = signalfd(-1, &sigs, SFD_CLOEXEC)) < 0 || unshare(CLONE_NEWNET) < 0 ||
	    (ns_b = open(argv[1], O_RDONLY | O_CLOEXEC)) < 0) {
		perror("relayd: setup");
		return 1;
	}
	if (net_relay_splice(ns_b, argv[2], "ra", "rb", &e) < 0 ||
	    (fa = relay_socket("ra", &e)) < 0 || (fb = relay_socket("rb", &e)) < 0 ||
	    relay_shared_open(argv[3], true, &m, &e) < 0)
		return die(&e);
	for (int i = 4; i < argc; i++)
		if (param(&p, argv[i]) < 0) {
			fprintf(stderr, "relayd: bad parameter %s\n", argv[i]);
			return 2;
		}
	relay_shared_set(&m, RELAY_AB, &p, &e);
	relay_shared_set(&m, RELAY_BA, &p, &e);
	printf("ready\n");
	fflush(stdout);
	if (relay_run(fa, fb, &m, stop, &e) < 0)
		return die(&e);
	close(fa);
	close(fb);
	if (net_relay_unsplice(ns_b, argv[2], "ra", "rb", &e) < 0)
		return die(&e);
	relay_shared_close(&m);
	return 0;
}
