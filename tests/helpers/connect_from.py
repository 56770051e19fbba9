#!/usr/bin/env python3
"""Connects to a loopback server from a chosen local address and reports what came back.

For tests that must look like a client from another machine without leaving
the machine: Linux routes all of 127.0.0.0/8 through the loopback interface,
so a socket bound to 127.0.0.2 reaches a server on 127.0.0.1, which sees the
peer 127.0.0.2 (not "127.0.0.1", so not local to Redis's protected mode).
Deno's `Deno.connect` cannot choose the local address, hence python3.

Usage:
    connect_from.py --source 127.0.0.2 --port 6379 --send-hex 2a310d0a...

Steps: connect from SOURCE (any free port) to HOST:PORT; read for GREET_MS
first, so a server that speaks first (Redis's -DENIED, sent on accept) is
heard before anything is sent and its close is not turned into a reset by
unread bytes; unless the peer closed meanwhile, send the bytes; then read
until the peer closes or TIMEOUT_MS passes. Prints one JSON object:

    {"received": "<base64 of every byte read>", "closed": true,
     "reset": false, "sent": true, "timed_out": false}

`closed` is an orderly EOF, `reset` an ECONNRESET (the bytes read before it
are still reported), `sent` whether the bytes went out, `timed_out` whether
the read stopped at TIMEOUT_MS with the connection still open. Only loopback
addresses are accepted for SOURCE and HOST; anything else exits with code 2.
"""

import argparse
import base64
import ipaddress
import json
import socket
import sys
import time


def loopback(text):
    """An IPv4 loopback address (127.0.0.0/8), or an argparse error."""
    try:
        address = ipaddress.IPv4Address(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"not an IPv4 address: {text!r}") from error
    if not address.is_loopback:
        raise argparse.ArgumentTypeError(f"not a loopback address: {text!r}")
    return text


def read_until(sock, deadline, received):
    """Reads into `received` until EOF, a reset or `deadline`; says which came."""
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return "timeout"
        sock.settimeout(left)
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            return "timeout"
        except ConnectionResetError:
            return "reset"
        if not chunk:
            return "eof"
        received.extend(chunk)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", type=loopback, required=True, help="local address to bind")
    parser.add_argument("--host", type=loopback, default="127.0.0.1", help="server address")
    parser.add_argument("--port", type=int, required=True, help="server port")
    parser.add_argument("--send-hex", default="", help="bytes to send, as hex")
    parser.add_argument("--greet-ms", type=int, default=300, help="read this long before sending")
    parser.add_argument("--timeout-ms", type=int, default=3000, help="read this long after sending")
    args = parser.parse_args()

    received = bytearray()
    sent = False
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((args.source, 0))
        sock.settimeout(args.timeout_ms / 1000)
        sock.connect((args.host, args.port))
        outcome = read_until(sock, time.monotonic() + args.greet_ms / 1000, received)
        if outcome == "timeout":
            try:
                sock.sendall(bytes.fromhex(args.send_hex))
                sent = True
                outcome = read_until(sock, time.monotonic() + args.timeout_ms / 1000, received)
            except (BrokenPipeError, ConnectionResetError):
                outcome = "reset"
    json.dump(
        {
            "received": base64.b64encode(bytes(received)).decode("ascii"),
            "closed": outcome == "eof",
            "reset": outcome == "reset",
            "sent": sent,
            "timed_out": outcome == "timeout",
        },
        sys.stdout,
    )
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
