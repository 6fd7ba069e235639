/* hasher.c - SHA-256 in a second thread (hasher.h). */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "hasher.h"

#define SLOTS 4

struct hasher {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t filled, hashed;
	struct sha256 sha;
	size_t len[SLOTS];
	unsigned long long given, done; /* buffers submitted, hashed */
	bool closing;
	unsigned char buf[SLOTS][HASHER_CHUNK];
};

static void *hash_loop(void *arg)
{
	struct hasher *h = arg;

	pthread_mutex_lock(&h->lock);
	for (;;) {
		while (h->done == h->given && !h->closing)
			pthread_cond_wait(&h->filled, &h->lock);
		if (h->done == h->given)
			break;
		size_t slot = h->done % SLOTS;
		pthread_mutex_unlock(&h->lock);
		sha256_update(&h->sha, h->buf[slot], h->len[slot]);
		pthread_mutex_lock(&h->lock);
		h->done++;
		pthread_cond_signal(&h->hashed);
	}
	pthread_mutex_unlock(&h->lock);
	return NULL;
}

struct hasher *hasher_new(struct brig_err *e)
{
	struct hasher *h = calloc(1, sizeof(*h));

	if (!h) {
		brig_errf(e, ENOMEM, "out of memory");
		return NULL;
	}
	if (sha256_init(&h->sha, e) < 0) {
		free(h);
		return NULL;
	}
	pthread_mutex_init(&h->lock, NULL);
	pthread_cond_init(&h->filled, NULL);
	pthread_cond_init(&h->hashed, NULL);
	if (pthread_create(&h->thread, NULL, hash_loop, h) != 0) {
		sha256_free(&h->sha);
		free(h);
		brig_errf(e, EAGAIN, "cannot start a hashing thread");
		return NULL;
	}
	return h;
}

void *hasher_buffer(struct hasher *h)
{
	void *buf;

	pthread_mutex_lock(&h->lock);
	/* the next slot, and the one after the last submitted, are free */
	while (h->given - h->done >= SLOTS - 1)
		pthread_cond_wait(&h->hashed, &h->lock);
	buf = h->buf[h->given % SLOTS];
	pthread_mutex_unlock(&h->lock);
	return buf;
}

void hasher_submit(struct hasher *h, size_t len)
{
	pthread_mutex_lock(&h->lock);
	h->len[h->given % SLOTS] = len;
	h->given++;
	pthread_cond_signal(&h->filled);
	pthread_mutex_unlock(&h->lock);
}

static void stop(struct hasher *h)
{
	pthread_mutex_lock(&h->lock);
	h->closing = true;
	pthread_cond_signal(&h->filled);
	pthread_mutex_unlock(&h->lock);
	pthread_join(h->thread, NULL);
	pthread_mutex_destroy(&h->lock);
	pthread_cond_destroy(&h->filled);
	pthread_cond_destroy(&h->hashed);
}

void hasher_final(struct hasher *h, char hex[SHA256_HEX + 1])
{
	stop(h);
	sha256_final(&h->sha, hex);
	free(h);
}

void hasher_free(struct hasher *h)
{
	if (!h)
		return;
	stop(h);
	sha256_free(&h->sha);
	free(h);
}
