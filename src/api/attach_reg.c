/* attach_reg.c - the clients waiting for their container's start: a small
 * table under a mutex.  A client whose start never comes is closed after
 * PENDING_SECONDS, when the table is next used. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "attach_reg.h"

#define PENDING_MAX 64
#define PENDING_SECONDS 600

struct pending {
	char id[BRIG_ID_LEN + 1];
	int fd;
	unsigned flags;
	time_t since;
};

static struct pending table[PENDING_MAX];
static size_t n_pending;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

void attach_reg_hold(void)
{
	pthread_mutex_lock(&lock);
}

void attach_reg_release(void)
{
	pthread_mutex_unlock(&lock);
}

static void drop(size_t i)
{
	close(table[i].fd);
	table[i] = table[--n_pending];
}

static void expire(time_t now)
{
	for (size_t i = n_pending; i-- > 0;)
		if (now - table[i].since > PENDING_SECONDS)
			drop(i);
}

void attach_reg_add(const char *id, int fd, unsigned flags)
{
	time_t now = time(NULL);

	expire(now);
	if (n_pending == PENDING_MAX)
		drop(0); /* the oldest goes */
	table[n_pending] = (struct pending){ .fd = fd, .flags = flags, .since = now };
	snprintf(table[n_pending].id, sizeof(table[n_pending].id), "%s", id);
	n_pending++;
}

void attach_reg_take(const char *id, struct container *ct)
{
	size_t max = sizeof(ct->attach_fd) / sizeof(ct->attach_fd[0]);

	for (size_t i = n_pending; i-- > 0;) {
		if (strcmp(table[i].id, id) != 0)
			continue;
		if (ct->n_attach < max) {
			ct->attach_fd[ct->n_attach] = table[i].fd;
			ct->attach_flags[ct->n_attach++] = table[i].flags;
			table[i] = table[--n_pending];
		} else {
			drop(i);
		}
	}
}

void attach_reg_close(struct container *ct)
{
	for (size_t i = 0; i < ct->n_attach; i++)
		close(ct->attach_fd[i]);
	ct->n_attach = 0;
}
