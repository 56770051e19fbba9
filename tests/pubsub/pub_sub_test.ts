import { assertEquals } from "@std/assert";
import { PubSub, type Subscriber } from "../../src/pubsub/pub_sub.ts";

/** A subscriber that records what it is delivered. */
function subscriber(name: string, log: string[]): Subscriber {
  return {
    channels: new Set(),
    patterns: new Set(),
    sink: {
      deliver(pattern, channel, message) {
        log.push(`${name} ${pattern ?? "-"} ${channel} ${message}`);
      },
    },
  };
}

Deno.test("pubsub delivers to channel subscribers in subscription order, then to matching patterns", () => {
  const log: string[] = [];
  const pubsub = new PubSub();
  const a = subscriber("a", log);
  const b = subscriber("b", log);
  assertEquals(pubsub.subscribe(b, "news"), true);
  assertEquals(pubsub.subscribe(a, "news"), true);
  assertEquals(pubsub.subscribe(a, "news"), false);
  assertEquals(pubsub.psubscribe(a, "n*"), true);
  assertEquals(pubsub.psubscribe(b, "x*"), true);
  assertEquals(pubsub.publish("news", "hi"), 3);
  assertEquals(log, ["b - news hi", "a - news hi", "a n* news hi"]);
  assertEquals(pubsub.publish("nothing", "hi"), 1);
  assertEquals(pubsub.publish("", "hi"), 0, "as in Redis, no pattern matches the empty channel");
});

Deno.test("pubsub forgets channels and patterns with no subscribers left", () => {
  const pubsub = new PubSub();
  const a = subscriber("a", []);
  const b = subscriber("b", []);
  pubsub.subscribe(a, "one");
  pubsub.subscribe(b, "one");
  pubsub.subscribe(a, "two");
  pubsub.psubscribe(a, "t*");
  pubsub.psubscribe(b, "t*");
  assertEquals([pubsub.channelCount, pubsub.patternCount], [2, 1]);
  assertEquals(pubsub.channels(null), ["one", "two"]);
  assertEquals(pubsub.channels("t*"), ["two"]);
  assertEquals(pubsub.subscriberCount("one"), 2);
  assertEquals(pubsub.unsubscribe(a, "missing"), false);
  pubsub.unsubscribeAll(a);
  assertEquals([...a.channels, ...a.patterns], []);
  assertEquals(pubsub.channels(null), ["one"]);
  assertEquals([pubsub.subscriberCount("one"), pubsub.patternCount], [1, 1]);
  assertEquals(pubsub.punsubscribe(b, "t*"), true);
  assertEquals(pubsub.unsubscribe(b, "one"), true);
  assertEquals([pubsub.channelCount, pubsub.patternCount], [0, 0]);
});
