#!/usr/bin/env python3
"""on_terminal.py CMD [ARG...]: run CMD on a terminal of its own, as a user's
shell would: a new pty whose slave is CMD's controlling terminal and its
stdin, stdout and stderr (raw mode, no echo, so what the terminal holds as
input stays queued and nothing is echoed back).

Prints what CMD wrote to the terminal, then one last line
"queued: [TEXT]" with what was left in the terminal's input queue once CMD
exited (the characters anything pushed in with TIOCSTI, newlines as \\n).
Exits with CMD's status.  Bounded: CMD is killed after 60 s.
"""
import fcntl
import os
import select
import subprocess
import sys
import termios
import time
import tty


def on_tty():
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def drain(fd, deadline, proc):
    out = b""
    while True:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # EIO: no holder of the slave left
                chunk = b""
            out += chunk
            if chunk:
                continue
        if proc.poll() is not None and not ready:
            return out
        if time.monotonic() > deadline:
            proc.kill()


def main():
    master, slave = os.openpty()
    tty.setraw(slave)
    proc = subprocess.Popen(sys.argv[1:], stdin=slave, stdout=slave, stderr=slave,
                            start_new_session=True, preexec_fn=on_tty)
    out = drain(master, time.monotonic() + 60, proc)
    os.set_blocking(slave, False)
    try:
        queued = os.read(slave, 4096)
    except BlockingIOError:
        queued = b""
    sys.stdout.write(out.decode(errors="replace").replace("\r\n", "\n"))
    print("queued: [%s]" % queued.decode(errors="replace").replace("\n", "\\n"))
    sys.exit(proc.returncode)


main()
