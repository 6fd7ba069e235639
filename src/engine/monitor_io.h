/* monitor_io.h - (private to the engine) the monitor's relay: the
 * container's output to its log and to attach clients, the clients' input
 * to its stdin.  Nothing here blocks but the one poll. */
#ifndef BRIG_MONITOR_IO_H
#define BRIG_MONITOR_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "logidx.h"

#define MON_CLIENTS 8
#define MON_CLIENT_QUEUE (256 * 1024) /* output a client may lag behind by */
#define MON_DRAIN_MS 5000             /* at the end, for clients to take the rest */

enum mon_kind {
	MON_FREE,
	MON_RAW,     /* connected on the raw socket: brig attach (tty: both ways) */
	MON_PENDING, /* connected on the handoff socket, its fd not yet received */
	MON_HANDED,  /* a handed fd, or one given at launch: by its flags */
};

struct mon_client {
	enum mon_kind kind;
	int fd;
	unsigned flags;   /* ATTACH_* */
	bool in_done;     /* its input ended */
	char *q;          /* output it has not taken yet (malloc'd) */
	size_t qlen;
};

struct mon_io {
	bool tty;
	int out, err;        /* the container's stdout and stderr (tty: the master, err -1); -1 at EOF */
	int in;              /* its stdin: our end of the pipe, or the master; -1: none */
	int raw_listener, hand_listener;
	char in_buf[16384];  /* clients' input the container has not taken yet */
	size_t in_len;
	bool in_close;       /* close in once in_buf is empty (a stdin-once client ended) */
	struct mon_client cl[MON_CLIENTS];
	struct log_writer *log;
};

/* Zero m's clients, no fds. */
void mon_io_init(struct mon_io *m);

/* Serve fd (CLOEXEC, made non-blocking) as a client of kind with flags;
 * closed at once when every slot is taken. */
void mon_client_add(struct mon_io *m, int fd, enum mon_kind kind, unsigned flags);

/* Relay until the container's output ends (both of out and err at EOF);
 * then closes in and stops watching the listeners (the caller closes
 * them). */
void mon_relay(struct mon_io *m);

/* Give clients MON_DRAIN_MS to take what is queued for them, then close
 * them: their EOF is the end of the container's output. */
void mon_drain(struct mon_io *m);

/* The monitor's run once the container started, whichever process runs
 * it (monitor.c, or brig-monitor after the exec): relay (mon_relay), then
 * unlink the listening sockets (no new client may wait on them), reap pid,
 * close m's log, call end with the wait status (-1 when waitpid failed):
 * it makes the record final; then drain (mon_drain). */
void mon_run(struct mon_io *m, pid_t pid, void (*end)(void *arg, int wstatus), void *arg);

#endif
