"""Connect-and-reset flood for walkv's accept tests.

Usage: rst_flood.py PORT COUNT SECONDS

Opens COUNT TCP connections to 127.0.0.1:PORT, spread evenly over SECONDS,
and closes each at once with SO_LINGER 0, so the kernel answers with a RST
instead of a FIN. A connection reset before the server accepts it is what
makes accept fail; Deno cannot set SO_LINGER, hence Python.

Prints one line, e.g. "reset 400 of 400 connections in 2.01 s (0 failed)",
and exits 0 unless no connection could be made at all.
"""

import socket
import struct
import sys
import time

# linger on, timeout 0: close() discards the socket and sends a RST.
RESET_ON_CLOSE = struct.pack("ii", 1, 0)
# A full accept queue drops SYNs; do not wait out the retransmissions.
CONNECT_TIMEOUT_S = 1.0


def flood(port, count, seconds):
    start = time.monotonic()
    reset = 0
    failed = 0
    for i in range(count):
        due = start + seconds * i / count
        pause = due - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, RESET_ON_CLOSE)
        sock.settimeout(CONNECT_TIMEOUT_S)
        try:
            sock.connect(("127.0.0.1", port))
            reset += 1
        except OSError:
            failed += 1
        finally:
            sock.close()
    return reset, failed, time.monotonic() - start


def main(argv):
    if len(argv) != 4:
        sys.stderr.write("usage: rst_flood.py PORT COUNT SECONDS\n")
        return 2
    port, count, seconds = int(argv[1]), int(argv[2]), float(argv[3])
    reset, failed, took = flood(port, count, seconds)
    print(f"reset {reset} of {count} connections in {took:.2f} s ({failed} failed)")
    return 0 if reset > 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
