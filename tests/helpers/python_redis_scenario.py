"""One scenario through Debian's python3-redis (redis-py) with its default options.

Usage: python_redis_scenario.py PORT PASSWORD

Only the host, port, password and database are set, as an application would
set them. The scenario covers PING, SET/GET, INCR, the default pipeline (a
MULTI/EXEC transaction) with and without a failing command, a pipeline without
a transaction, a WATCH conflict seen as redis.WatchError, the transaction()
helper retrying after a conflict, database isolation, QUIT, and that a client
without the password (or with a wrong one) gets an authentication error.

It prints one JSON line of results: bytes as text, exceptions as their class
and message. tests/server/client_defaults_test.ts runs it against redis-server
and against walkv and compares the two lines.
"""

import json
import sys

import redis

HOST = "127.0.0.1"


def plain(value):
    """The value as JSON can carry it: bytes as text, exceptions described."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, BaseException):
        return {"class": type(value).__name__, "message": str(value)}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


def attempt(action):
    """What action() returned, or the error it raised."""
    try:
        return plain(action())
    except redis.RedisError as error:
        return plain(error)


def refusal(port, **options):
    """A client that should be refused: what its first command gets."""
    client = redis.Redis(host=HOST, port=port, db=1, **options)
    try:
        return attempt(client.ping)
    finally:
        client.close()


def scenario(port, password):
    results = {}
    results["noPassword"] = refusal(port)
    results["wrongPassword"] = refusal(port, password="wrong")

    client = redis.Redis(host=HOST, port=port, password=password, db=1)
    results["ping"] = client.ping()
    results["set"] = client.set("greeting", "hello")
    results["get"] = plain(client.get("greeting"))
    results["getMissing"] = client.get("missing")
    results["incr"] = [client.incr("counter"), client.incr("counter")]

    # The default pipeline is a transaction: MULTI, the commands, EXEC.
    pipe = client.pipeline()
    pipe.set("m", "1").incr("m").get("m")
    results["transactionPipeline"] = plain(pipe.execute())
    pipe = client.pipeline()
    pipe.set("word", "abc").incr("word")
    results["transactionWithError"] = attempt(pipe.execute)
    pipe = client.pipeline()
    pipe.set("word2", "abc").incr("word2")
    results["transactionWithErrorNoRaise"] = plain(pipe.execute(raise_on_error=False))
    pipe = client.pipeline(transaction=False)
    pipe.set("p", "1").incr("p").get("p")
    results["plainPipeline"] = plain(pipe.execute())

    # A WATCH conflict: a second client changes the watched key before EXEC.
    other = redis.Redis(host=HOST, port=port, password=password, db=1)
    with client.pipeline() as pipe:
        pipe.watch("watched")
        results["watchedBefore"] = pipe.get("watched")
        results["otherSet"] = other.set("watched", "theirs")
        pipe.multi()
        pipe.set("watched", "mine")
        results["conflictedExecute"] = attempt(pipe.execute)
    results["watchedAfter"] = plain(client.get("watched"))

    # transaction() retries its function after a WatchError: the first run
    # is spoiled by the other client, the second goes through.
    seen = []

    def add_ten(pipe):
        value = pipe.get("account")
        seen.append(plain(value))
        if len(seen) == 1:
            other.incr("account")
        pipe.multi()
        pipe.set("account", int(value or 0) + 10)

    results["transactionHelper"] = plain(client.transaction(add_ten, "account"))
    results["transactionSeen"] = seen
    results["account"] = plain(other.get("account"))

    # Database 1 is its own keyspace: a client on database 0 sees none of it.
    db0 = redis.Redis(host=HOST, port=port, password=password, db=0)
    results["db0Greeting"] = db0.get("greeting")
    results["db0Set"] = db0.set("greeting", "from db 0")
    results["db1Greeting"] = plain(client.get("greeting"))
    results["db0Size"] = db0.dbsize()
    results["db1Size"] = client.dbsize()

    results["quit"] = attempt(client.quit)
    for each in (client, other, db0):
        each.close()
    return results


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: python_redis_scenario.py PORT PASSWORD")
    port, password = int(sys.argv[1]), sys.argv[2]
    results = scenario(port, password)
    results["library"] = "redis-py " + redis.__version__
    print(json.dumps(results, sort_keys=True))


if __name__ == "__main__":
    main()
