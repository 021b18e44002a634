import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { securityFiles, type StackConfig } from "./config.js";

/** Days the stack's certificates are valid: a stack dir older than that is started anew with `down` and deleting its tls folder. */
const VALIDITY_DAYS = 825;

function openssl(args: readonly string[], cwd: string): void {
  try {
    execFileSync("openssl", args, { cwd, stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`openssl ${args[0]} failed${stderr ? `: ${stderr}` : ""} (the secured stack needs the openssl command)`);
  }
}

function writeSecret(file: string, value: string): void {
  writeFileSync(file, `${value}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** Reads a password file of the secured stack (trailing newline dropped). */
export function readSecret(file: string): string {
  return readFileSync(file, "utf8").replace(/\r?\n$/, "");
}

/**
 * The secured stack's private CA, its one node certificate and the passwords, made once per
 * stack dir (kept across restarts, so clients keep trusting the same CA):
 * - `tls/ca.pem` + `ca.key`: a self-signed CA (RSA 2048, basicConstraints CA:TRUE);
 * - `tls/node.pem` + `node.key`: signed by it for 127.0.0.1 and localhost (serverAuth and
 *   clientAuth: Kafka nodes also present it to each other's controller listener), and
 *   `tls/node.p12`, the same as a PKCS#12 keystore for Kafka;
 * - `secrets/*.password`: random passwords (mode 0600) for the keystore, Kafka's admin and
 *   client users and the Redis ACL user.
 * Everything is written under the stack dir, which git ignores; nothing is printed.
 */
export function ensureSecurityMaterial(config: StackConfig): ReturnType<typeof securityFiles> {
  const files = securityFiles(config);
  mkdirSync(files.tlsDir, { recursive: true, mode: 0o700 });
  mkdirSync(files.secretsDir, { recursive: true, mode: 0o700 });
  for (const secret of [files.keystorePassword, files.kafkaAdminPassword, files.kafkaClientPassword, files.redisPassword]) {
    if (!existsSync(secret)) writeSecret(secret, randomBytes(18).toString("base64url"));
  }
  if (existsSync(files.caCert) && existsSync(files.nodeKeystore)) return files;
  const cwd = files.tlsDir;
  openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", String(VALIDITY_DAYS), "-subj", "/CN=icpstream local stack CA",
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"], cwd);
  openssl(["req", "-newkey", "rsa:2048", "-nodes", "-keyout", "node.key", "-out", "node.csr", "-subj", "/CN=localhost"], cwd);
  writeFileSync(join(cwd, "node.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n");
  openssl(["x509", "-req", "-in", "node.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "node.pem", "-days", String(VALIDITY_DAYS), "-extfile", "node.ext"], cwd);
  openssl(["pkcs12", "-export", "-in", "node.pem", "-inkey", "node.key", "-certfile", "ca.pem", "-name", "node", "-out", "node.p12", "-passout", `file:${files.keystorePassword}`], cwd);
  for (const scratch of ["node.csr", "node.ext", "ca.srl"]) rmSync(join(cwd, scratch), { force: true });
  for (const key of [files.caKey, files.nodeKey, files.nodeKeystore]) chmodSync(key, 0o600);
  return files;
}
