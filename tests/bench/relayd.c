/* relayd.c - test-only driver of the user engine's relay (net/relay.h),
 * for tests/bench/bench-relay.sh; not a brig command.
 *
 *   relayd NETNS_B IF_B SHARED_FILE [DELAY_US [RATE_BPS]]
 *
 * Unshares its own network namespace, splices the relay into the veth end
 * IF_B of the namespace at path NETNS_B (sides "ra" and "rb"), creates the
 * shared file (DELAY_US, RATE_BPS: that delay and rate both ways), prints "ready" and
 * forwards until SIGTERM or SIGINT, then unsplices and exits 0. */
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "relay.h"

static int die(const struct brig_err *e)
{
	fprintf(stderr, "relayd: %s\n", e->msg);
	return 1;
}

int main(int argc, char **argv)
{
	struct netem_params p = { 0 };
	struct relay_shm m = { .fd = -1 };
	struct brig_err e = { 0 };
	sigset_t sigs;
	int ns_b, fa, fb, stop;

	if (argc < 4) {
		fprintf(stderr, "usage: relayd NETNS_B IF_B SHARED_FILE [DELAY_US [RATE_BPS]]\n");
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
	if (argc > 4) {
		p.delay_us = strtoull(argv[4], NULL, 10);
		p.rate_bps = argc > 5 ? strtoull(argv[5], NULL, 10) : 0;
		relay_shared_set(&m, RELAY_AB, &p, &e);
		relay_shared_set(&m, RELAY_BA, &p, &e);
	}
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
