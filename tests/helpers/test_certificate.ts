/**
 * A throwaway certificate authority and a server certificate it signed, for
 * 127.0.0.1 and localhost, made with the `openssl` command (Debian package
 * `openssl`). A CA and a leaf, not one self-signed certificate, because
 * rustls (Deno.connectTls) refuses a CA certificate as a server's own.
 *
 * @module
 */

/** The PEM files {@linkcode makeTestCertificate} wrote. */
export interface TestCertificate {
  /** The CA's certificate: what clients trust (`redis-cli --cacert`). */
  caFile: string;
  /** The server's certificate (`--tls-cert-file`). */
  certFile: string;
  /** The server's private key, PKCS#8 (`--tls-key-file`). */
  keyFile: string;
  /** The CA's certificate as text, for `Deno.connectTls({ caCerts })` and ioredis's `tls.ca`. */
  caPem: string;
}

/** Runs openssl with `args` in `dir`, failing with its stderr. */
async function openssl(dir: string, args: string[]): Promise<void> {
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command("openssl", {
      args,
      cwd: dir,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(30_000),
    }).output();
  } catch (error: unknown) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error("openssl is not installed (Debian package `openssl`)");
    }
    throw error;
  }
  if (!output.success) {
    throw new Error(
      `openssl ${args.join(" ")} failed:\n${new TextDecoder().decode(output.stderr)}`,
    );
  }
}

/**
 * Writes `ca.crt`, `server.crt` and `server.key` (P-256 keys, valid one day)
 * into `dir`.
 *
 * @example
 * ```ts
 * await using dir = await tempDir();
 * const certificate = await makeTestCertificate(dir.path);
 * ```
 */
export async function makeTestCertificate(dir: string): Promise<TestCertificate> {
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await openssl(dir, [
    "req",
    "-x509",
    ...ec,
    "-keyout",
    "ca.key",
    "-out",
    "ca.crt",
    "-days",
    "1",
    "-subj",
    "/CN=walkv test CA",
  ]);
  await openssl(dir, [
    "req",
    ...ec,
    "-keyout",
    "server.key",
    "-out",
    "server.csr",
    "-subj",
    "/CN=localhost",
  ]);
  await Deno.writeTextFile(
    `${dir}/server.ext`,
    "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n",
  );
  await openssl(dir, [
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.crt",
    "-CAkey",
    "ca.key",
    "-set_serial",
    "1",
    "-days",
    "1",
    "-extfile",
    "server.ext",
    "-out",
    "server.crt",
  ]);
  return {
    caFile: `${dir}/ca.crt`,
    certFile: `${dir}/server.crt`,
    keyFile: `${dir}/server.key`,
    caPem: await Deno.readTextFile(`${dir}/ca.crt`),
  };
}
