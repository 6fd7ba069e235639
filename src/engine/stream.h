/* stream.h - a container's standard streams to a client: Docker's stdcopy
 * framing, the handoff of a client's fd to a container's monitor, and a
 * relay between a client and a process's stdio (the daemon's exec).
 *
 * A client is a connected socket (a hijacked HTTP connection, one end of a
 * socketpair).  Input from it is raw; output to it is raw, or with
 * ATTACH_MUX framed as Docker's stdcopy: an 8-byte header {stream (1
 * stdout, 2 stderr), 0, 0, 0, length as big-endian u32}, then the payload.
 * A tty's output is one stream and never framed. */
#ifndef BRIG_STREAM_H
#define BRIG_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What a client attached to a container gets (flags of a handoff). */
#define ATTACH_STDIN 0x01u      /* its input goes to the container's stdin */
#define ATTACH_STDOUT 0x02u     /* it gets the container's stdout */
#define ATTACH_STDERR 0x04u     /* ... and stderr */
#define ATTACH_MUX 0x08u        /* framed (stdcopy); non-tty containers only */
#define ATTACH_STDIN_ONCE 0x10u /* its input's end closes the container's stdin */
#define ATTACH_FLAGS_ALL 0x1fu

#define STREAM_FRAME_HDR 8
#define STREAM_HANDOFF_MAGIC 0x62726741u /* "Agrb": a brig attach handoff */

/* The header sent with a handed fd (SCM_RIGHTS), in one sendmsg.  Both
 * ends are brig on the same host: host byte order. */
struct stream_handoff {
	uint32_t magic;
	uint32_t flags; /* ATTACH_* */
};

/* The stdcopy header of a frame of len bytes on stream (1 or 2). */
void stream_frame_header(unsigned char h[STREAM_FRAME_HDR], int stream, uint32_t len);

/* Parse a stdcopy header: 0 with *stream (0 stdin, 1, 2) and *len, or -1
 * when it is not one (a stream above 2, non-zero padding). */
int stream_frame_parse(const unsigned char h[STREAM_FRAME_HDR], int *stream, uint32_t *len);

/* Write buf to fd as stdcopy frames of stream (blocking): 0, or -1 with
 * errno. */
int stream_frame_write(int fd, int stream, const void *buf, size_t len);

/* Read stdcopy frames from fd until its EOF, their payloads to out
 * (stream 1) and err (stream 2).  0 at a clean end; -1 on a read or write
 * error or a bad frame (errno EPROTO). */
int stream_demux(int fd, int out, int err);

/* Relay client -> in_fd and out_fd, err_fd -> client (as stdcopy frames
 * when mux) until out_fd and err_fd are both at EOF (either may be -1);
 * blocking, for a thread of its own.  in_fd may be -1 (no input) or, for
 * a tty, out_fd itself (the pty master: err_fd -1, mux false).  Unless it
 * is out_fd, in_fd belongs to the relay: it is closed when the client's
 * input ends with stdin_once (for a tty, the EOF character is written
 * instead), and at return; out_fd and err_fd stay the caller's.  0 at the end of the output; -1 when the
 * client vanished or failed first (the caller decides what to do with
 * the process). */
int stream_relay(int client, int in_fd, int out_fd, int err_fd, bool mux, bool stdin_once);

#endif
