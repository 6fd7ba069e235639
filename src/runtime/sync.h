/* sync.h - messages between the spawning parent and the container child. */
#ifndef BRIG_SYNC_H
#define BRIG_SYNC_H

#include <stdint.h>

#include "err.h"

enum sync_point {
	SYNC_CHILD_READY = 1, /* sync 1: child exists in its namespaces */
	SYNC_HOST_READY = 2,  /* sync 2: cgroup and veths ready on the host */
	SYNC_EXEC_NEXT = 3,   /* sync 3: set up done, exec follows */
	SYNC_EXITED = 4,      /* exec helper: the command ended (err: wait status) */
	SYNC_ERROR = 9,       /* a failure, with errno, stage and text */
};

struct sync_msg {
	int32_t point;
	int32_t err;
	int32_t stage;
	char text[1024];
};

/* Send a bare sync point. */
int sync_send(int sock, enum sync_point point, struct brig_err *e);

/* Send a sync point carrying an fd (SCM_RIGHTS). */
int sync_send_fd(int sock, enum sync_point point, int fd, struct brig_err *e);

/* Send SYNC_EXITED with the wait status of the command. Best effort. */
void sync_send_exit(int sock, int wstatus);

/* Send a failure {errno, stage, text}. Best effort. */
void sync_send_error(int sock, int stage, const struct brig_err *err);

/* Receive one message; returns 0 on EOF, 1 with *m filled, negative on
 * error.  An fd that came with it goes to *fd (when fd != NULL; else it is
 * closed); *fd is -1 when none came. */
int sync_recv(int sock, struct sync_msg *m, int *fd, struct brig_err *e);

#endif
