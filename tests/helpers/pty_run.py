#!/usr/bin/env python3
"""Runs a command on a pseudo-terminal, as a person at a terminal would.

For the Ctrl-C tests: a Ctrl-C typed at a terminal is not a signal sent to
one process but the tty driver signalling the whole foreground process
group, which is what `deno task start` meets in real use. Deno cannot open a
pty, hence python3.

Usage:
    pty_run.py COMMAND [ARG ...]

Runs COMMAND as the session leader of a new pty, copies everything it
writes to the terminal to this script's stdout, and reads this script's
stdin: each line `ctrl-c` types the terminal's interrupt character (0x03)
into the pty. When COMMAND exits, prints a last line `EXIT <code>` (a
signal N as -N) and exits 0.
"""

import os
import pty
import select
import sys


def main() -> None:
    if len(sys.argv) < 2:
        sys.stderr.write("usage: pty_run.py COMMAND [ARG ...]\n")
        sys.exit(2)
    pid, terminal = pty.fork()
    if pid == 0:
        os.execvp(sys.argv[1], sys.argv[1:])
    stdin = sys.stdin.fileno()
    watched = [terminal, stdin]
    pending = b""
    while terminal in watched:
        readable, _, _ = select.select(watched, [], [])
        if terminal in readable:
            try:
                data = os.read(terminal, 65536)
            except OSError:  # EIO: the terminal's last user is gone
                data = b""
            if data:
                sys.stdout.buffer.write(data)
                sys.stdout.buffer.flush()
            else:
                watched.remove(terminal)
        if stdin in readable:
            data = os.read(stdin, 4096)
            if not data:
                watched.remove(stdin)
            pending += data
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                if line.strip() == b"ctrl-c":
                    os.write(terminal, b"\x03")
    _, status = os.waitpid(pid, 0)
    sys.stdout.write(f"\nEXIT {os.waitstatus_to_exitcode(status)}\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
