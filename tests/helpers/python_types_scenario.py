"""Redis's data types through Debian's python3-redis with its default options.

Usage: python_types_scenario.py PORT

Hashes, sets, lists and sorted sets as an application uses them: hset with
a mapping, hgetall, hincrby, hincrbyfloat, hdel, hscan_iter; sadd,
smembers, sismember, sinter, srem, sscan_iter; rpush, lrange, lpop, a BRPOP
woken by another client's push; zadd, zincrby, zrange with scores,
bzpopmin; pub/sub between two clients (subscribe, psubscribe, publish,
pubsub_numsub); a wrong type raising redis.ResponseError; a transaction
pipeline mixing types. It prints one JSON line of results (bytes as
text, sets as sorted lists); tests/server/client_types_test.ts runs it
against redis-server and against walkv and compares the two lines.
"""

import json
import sys

import redis


def plain(value):
    """The value as JSON can carry it, in an order that does not depend on a hash table."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, BaseException):
        return {"class": type(value).__name__, "message": str(value)}
    if isinstance(value, dict):
        return sorted([plain(k), plain(v)] for k, v in value.items())
    if isinstance(value, (set, frozenset)):
        return sorted(plain(item) for item in value)
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


def attempt(action):
    try:
        return plain(action())
    except redis.RedisError as error:
        return plain(error)


def main():
    client = redis.Redis(host="127.0.0.1", port=int(sys.argv[1]))
    client.flushall()
    results = {}
    results["hset"] = client.hset("user:1", mapping={"name": "ada", "visits": 1})
    results["hget"] = plain(client.hget("user:1", "name"))
    results["hincrby"] = client.hincrby("user:1", "visits", 41)
    results["hincrbyfloat"] = client.hincrbyfloat("user:1", "score", 0.1)
    results["hgetall"] = plain(client.hgetall("user:1"))
    results["hmget"] = plain(client.hmget("user:1", ["name", "nope"]))
    results["hdel"] = client.hdel("user:1", "score")
    results["hexists"] = client.hexists("user:1", "score")
    for i in range(300):
        client.hset("big", f"f{i}", i)
    results["hscan"] = plain(sorted(client.hscan_iter("big", match="f1*")))
    results["sadd"] = client.sadd("tags", "a", "b", "c")
    results["smembers"] = plain(client.smembers("tags"))
    results["sismember"] = client.sismember("tags", "b")
    client.sadd("other", "b", "c", "d")
    results["sinter"] = plain(client.sinter("tags", "other"))
    results["srem"] = client.srem("tags", "a")
    results["sscan"] = plain(sorted(client.sscan_iter("tags")))
    client.set("plain", "text")
    results["wrongtype"] = attempt(lambda: client.hget("plain", "f"))
    results["rpush"] = client.rpush("list", "a", "b", "c")
    results["lrange"] = plain(client.lrange("list", 0, -1))
    results["lpop"] = plain(client.lpop("list"))
    # BRPOP on a second client, woken by this one's push from another thread.
    import threading
    import time
    blocked = redis.Redis(host="127.0.0.1", port=int(sys.argv[1]))
    got = {}
    waiter = threading.Thread(target=lambda: got.setdefault("brpop", blocked.brpop("jobs", 5)))
    waiter.start()
    time.sleep(0.05)
    results["pushed"] = client.lpush("jobs", "job-1")
    waiter.join()
    results["brpop"] = plain(got.get("brpop"))
    results["zadd"] = client.zadd("board", {"ada": 1.5, "bob": 3})
    results["zincrby"] = client.zincrby("board", 2, "ada")
    results["zrange"] = plain(client.zrange("board", 0, -1, withscores=True))
    results["zrevrank"] = client.zrevrank("board", "ada")
    results["bzpopmin"] = plain(client.bzpopmin("board", 1))
    # Pub/sub: a subscriber on its own connection gets what this one publishes.
    subscriber = redis.Redis(host="127.0.0.1", port=int(sys.argv[1])).pubsub()
    subscriber.subscribe("news")
    subscriber.psubscribe("n*")
    confirmations = [subscriber.get_message(timeout=1) for _ in range(2)]
    results["subscribed"] = [plain([m["type"], m["channel"], m["data"]]) for m in confirmations]
    results["published"] = client.publish("news", "hello")
    received = [subscriber.get_message(timeout=1) for _ in range(2)]
    results["messages"] = sorted(
        [plain([m["type"], m["pattern"], m["channel"], m["data"]]) for m in received], key=str
    )
    results["numsub"] = plain(client.pubsub_numsub("news"))
    subscriber.close()
    pipe = client.pipeline()
    pipe.hset("tx", "f", "v").sadd("txs", "m").hgetall("tx").smembers("txs")
    results["pipeline"] = plain(pipe.execute())
    print(json.dumps(results, sort_keys=True))


main()
