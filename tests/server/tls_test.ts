/**
 * TLS on a real walkv (`--tls-port`, `--tls-cert-file`, `--tls-key-file`),
 * with a certificate the test makes with openssl: both protocols over TLS,
 * byte for byte as over TCP and as redis-server answers over its own TLS
 * port; redis-cli --tls, redis-benchmark --tls and ioredis with `tls.ca`;
 * `--port 0` for TLS only; clients that fail the handshake; one
 * `--maxclients` count over both ports; and the flags
 * walkv refuses (`--tls-ca-cert-file`, a TLS port without a certificate).
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { Redis } from "npm:ioredis@5.4.1";
import { runRedisTool, startRedisServer } from "../helpers/redis_server.ts";
import { concat, frame } from "../helpers/resp_frames.ts";
import {
  freePort,
  RawConnection,
  request,
  runWalkv,
  serverPermissions,
  startServer,
} from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";
import { makeTestCertificate, type TestCertificate } from "../helpers/test_certificate.ts";

const decoder = new TextDecoder();

function tlsArgs(certificate: TestCertificate, tlsPort: number): string[] {
  return [
    "--tls-port",
    String(tlsPort),
    "--tls-cert-file",
    certificate.certFile,
    "--tls-key-file",
    certificate.keyFile,
  ];
}

/** A RESP session that touches strings, a hash, errors and pipelining, as one write. */
const SESSION = concat(
  frame("PING"),
  frame("SET", "greeting", "hello"),
  frame("GET", "greeting"),
  frame("HSET", "h", "a", "1", "b", "2"),
  frame("HGETALL", "h"),
  frame("INCR", "greeting"),
  frame("NOSUCH"),
  frame("DEL", "greeting", "h"),
);
/** How many lines {@linkcode SESSION}'s replies take. */
const SESSION_LINES = 1 + 1 + 2 + 1 + 9 + 1 + 1 + 1;

/** Reads the RESP session's replies from `port` over TLS, as text. */
async function sessionOverTls(port: number, caPem: string): Promise<string> {
  using connection = await RawConnection.connectTls(port, caPem);
  await connection.send(SESSION);
  return decoder.decode(await connection.readReplies(SESSION_LINES));
}

Deno.test("tls serves RESP and the text protocol, byte for byte as TCP and as redis-server", async () => {
  await using dir = await tempDir();
  const certificate = await makeTestCertificate(dir.path);
  const tlsPort = freePort();
  await using server = await startServer({ walDir: dir.path, args: tlsArgs(certificate, tlsPort) });
  assertStringIncludes(
    server.stdoutText(),
    `listening on 127.0.0.1:${server.port} and on 127.0.0.1:${tlsPort} with TLS`,
  );

  const overTls = await sessionOverTls(tlsPort, certificate.caPem);
  assertEquals(
    overTls,
    "+PONG\r\n+OK\r\n$5\r\nhello\r\n:2\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n" +
      "-ERR value is not an integer or out of range\r\n" +
      "-ERR unknown command 'NOSUCH', with args beginning with: \r\n:2\r\n",
  );
  using tcp = await RawConnection.connect(server.port);
  await tcp.send(SESSION);
  assertEquals(decoder.decode(await tcp.readReplies(SESSION_LINES)), overTls);
  const redisTlsPort = freePort();
  {
    await using _redis = await startRedisServer({
      args: [...tlsArgs(certificate, redisTlsPort), "--tls-auth-clients", "no"],
    });
    assertEquals(await sessionOverTls(redisTlsPort, certificate.caPem), overTls);
  }

  // The seed's text protocol over TLS, the first-line rule included.
  using text = await RawConnection.connectTls(tlsPort, certificate.caPem);
  assertEquals(await request(text, "SET k v"), "+OK");
  assertEquals(await request(text, "GET k"), "+OK v");
  assertEquals(await request(text, "FLUSHALL"), "-INVALID COMMAND");
  using inline = await RawConnection.connectTls(tlsPort, certificate.caPem);
  await inline.send("PING\r\n");
  assertEquals(await inline.readText(1), "+PONG\r\n");
  // One keyspace for both ports.
  using plain = await RawConnection.connect(server.port);
  assertEquals(await request(plain, "GET k"), "+OK v");
});

Deno.test("tls works with redis-cli --tls, redis-benchmark --tls and ioredis", async () => {
  await using dir = await tempDir();
  const certificate = await makeTestCertificate(dir.path);
  const tlsPort = freePort();
  await using server = await startServer({ walDir: dir.path, args: tlsArgs(certificate, tlsPort) });
  const cli = (...args: string[]) =>
    runRedisTool("redis-cli", [
      "--tls",
      "--cacert",
      certificate.caFile,
      "-p",
      String(tlsPort),
      ...args,
    ]);
  assertEquals((await cli("SET", "tool", "redis-cli")).stdoutText, "OK\n");
  assertEquals((await cli("GET", "tool")).stdoutText, "redis-cli\n");
  assertEquals((await cli("--no-raw", "LPUSH", "l", "a", "b")).stdoutText, "(integer) 2\n");
  // Without the CA, redis-cli refuses walkv's certificate, and walkv serves on.
  const untrusted = await runRedisTool("redis-cli", ["--tls", "-p", String(tlsPort), "PING"]);
  assertStringIncludes(untrusted.stdoutText + untrusted.stderr, "certificate verify failed");
  // A plain-TCP client on the TLS port gets no reply it could misread, and nothing is logged.
  using wrong = await RawConnection.connect(tlsPort);
  await wrong.send("*1\r\n$4\r\nPING\r\n");
  const answer = decoder.decode(await wrong.readToEnd());
  assert(!answer.includes("PONG"), JSON.stringify(answer));

  const benchmark = await runRedisTool("redis-benchmark", [
    "--tls",
    "--cacert",
    certificate.caFile,
    "-p",
    String(tlsPort),
    "-t",
    "ping,set,get",
    "-n",
    "2000",
    "-c",
    "10",
    "--csv",
  ], { timeoutMs: 60_000 });
  assertEquals(benchmark.code, 0, benchmark.stderr);
  const rows = benchmark.stdoutText.trim().split("\n").slice(1).map((row) => row.split(",")[0]);
  assertEquals(rows, ['"PING_INLINE"', '"PING_MBULK"', '"SET"', '"GET"'], benchmark.stdoutText);

  const client = new Redis({ host: "127.0.0.1", port: tlsPort, tls: { ca: certificate.caPem } });
  try {
    assertEquals(await client.set("io", "redis"), "OK");
    assertEquals(await client.get("io"), "redis");
    assertEquals(await client.get("tool"), "redis-cli");
    assertEquals(await client.lrange("l", 0, -1), ["b", "a"]);
    assertEquals(await client.quit(), "OK");
  } finally {
    client.disconnect();
  }
  using plain = await RawConnection.connect(server.port);
  assertEquals(await request(plain, "GET io"), "+OK redis");
  assertEquals(server.stderrText(), "", "nothing logged for the failed handshakes");
});

Deno.test("tls alone with --port 0, as Redis: no TCP port, INFO's tcp_port is 0", async () => {
  await using dir = await tempDir();
  const certificate = await makeTestCertificate(dir.path);
  await using server = await startServer({
    walDir: dir.path,
    argv: (port, walPath) => ["--port", "0", "--wal", walPath, ...tlsArgs(certificate, port)],
  });
  assertStringIncludes(server.stdoutText(), `listening on 127.0.0.1:${server.port} with TLS (`);
  using connection = await RawConnection.connectTls(server.port, certificate.caPem);
  await connection.send(concat(frame("CONFIG", "GET", "port"), frame("SET", "only", "tls")));
  assertEquals(await connection.readText(6), "*2\r\n$4\r\nport\r\n$1\r\n0\r\n+OK\r\n");
  await connection.send(frame("INFO", "server"));
  const info = await connection.readText(1);
  const length = Number(info.slice(1, -2));
  let body = "";
  while (body.length < length) body += await connection.readText(1);
  assertStringIncludes(body, "tcp_port:0\r\n");
  // And the replies of a TLS-only server are durable like any other's.
  const status = await server.stop("SIGTERM");
  assertEquals(status.code, 0);
  assertEquals(await Deno.readTextFile(server.walPath), "3SET4only3tls\n");
});

Deno.test("tls flags: what walkv refuses, and why", async () => {
  await using dir = await tempDir();
  const certificate = await makeTestCertificate(dir.path);
  const permissions = serverPermissions(dir.path);
  const wal = ["--wal", `${dir.path}/wal`];
  const refused: [args: string[], code: number, says: string][] = [
    [["--tls-ca-cert-file", certificate.caFile], 2, "--tls-ca-cert-file"],
    [["--tls-port", "6390"], 2, "--tls-port 6390 needs --tls-cert-file"],
    [["--tls-port", "6390", "--tls-cert-file", certificate.certFile], 2, "needs --tls-key-file"],
    [["--tls-port", "70000"], 2, 'invalid value for --tls-port: "70000"'],
    [["--port", "0"], 2, "nowhere to listen"],
    [
      [...tlsArgs(certificate, freePort()).slice(0, 4), "--tls-key-file", `${dir.path}/none.key`],
      1,
      `cannot read --tls-key-file "${dir.path}/none.key"`,
    ],
    [
      [...tlsArgs(certificate, freePort()).slice(0, 4), "--tls-key-file", certificate.caFile],
      1,
      "cannot serve TLS on 127.0.0.1:",
    ],
  ];
  for (const [args, code, says] of refused) {
    const result = await runWalkv([...wal, ...args], permissions);
    assertEquals(result.code, code, `${args.join(" ")}: ${result.stderr}`);
    assertStringIncludes(result.stderr, says, args.join(" "));
  }
  // Under narrow permissions a certificate outside the granted folder is named, with the grant.
  await using other = await tempDir();
  const outside = await makeTestCertificate(other.path);
  const denied = await runWalkv([...wal, ...tlsArgs(outside, freePort())], permissions);
  assertEquals(denied.code, 1, denied.stderr);
  assertStringIncludes(denied.stderr, `grant --allow-read=${outside.certFile}`);
  assertEquals(
    await Array.fromAsync(Deno.readDir(dir.path)).then((e) => e.some((f) => f.name === "wal")),
    false,
  );
});

Deno.test("tls and TCP clients share --maxclients", async () => {
  await using dir = await tempDir();
  const certificate = await makeTestCertificate(dir.path);
  const tlsPort = freePort();
  await using server = await startServer({
    walDir: dir.path,
    args: [...tlsArgs(certificate, tlsPort), "--maxclients", "1"],
  });
  const tooMany = "-ERR max number of clients reached\r\n";
  {
    using tcp = await RawConnection.connect(server.port);
    assertEquals(await request(tcp, "GET nothing"), "-GET could not find nothing in store");
    using tls = await RawConnection.connectTls(tlsPort, certificate.caPem);
    assertEquals(decoder.decode(await tls.readToEnd()), tooMany);
  }
  // Once the TCP client has gone, a TLS client is served, and then a TCP one is refused.
  const deadline = Date.now() + 5_000;
  while (true) {
    using tls = await RawConnection.connectTls(tlsPort, certificate.caPem);
    await tls.send(frame("PING"));
    const reply = await tls.readText(1);
    if (reply === "+PONG\r\n") {
      using tcp = await RawConnection.connect(server.port);
      assertEquals(decoder.decode(await tcp.readToEnd()), tooMany);
      break;
    }
    assertEquals(reply, tooMany);
    assert(Date.now() < deadline, "the TCP client's slot was never given back");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
});
