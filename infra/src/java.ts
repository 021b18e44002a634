import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";

export interface Jdk {
  java: string;
  major: number;
}

/** The major version a `java` binary reports (`openjdk version "17.0.15"` → 17), or undefined. */
export function javaMajorVersion(java: string): number | undefined {
  // `java -version` writes to stderr.
  const result = spawnSync(java, ["-version"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 15_000 });
  if (result.error || result.status !== 0) return undefined;
  return parseJavaVersion(`${result.stderr}${result.stdout}`);
}

export function parseJavaVersion(text: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(text);
  if (!match) return undefined;
  const first = Number(match[1]);
  // Java 8 and older report "1.8.0_…".
  return first === 1 && match[2] ? Number(match[2]) : first;
}


/**
 * Every JDK we can see: an explicit home first, then JAVA_HOME, then `java` on the PATH,
 * then the JDKs installed under /usr/lib/jvm (Debian's alternatives and vendor packages).
 */
export function findJdks(explicitHome?: string): Jdk[] {
  const candidates: string[] = [];
  if (explicitHome) candidates.push(join(explicitHome, "bin", "java"));
  if (process.env.JAVA_HOME) candidates.push(join(process.env.JAVA_HOME, "bin", "java"));
  candidates.push("java");
  const jvmDir = "/usr/lib/jvm";
  if (existsSync(jvmDir)) {
    for (const entry of readdirSync(jvmDir).sort()) candidates.push(join(jvmDir, entry, "bin", "java"));
  }
  const seen = new Set<string>();
  const jdks: Jdk[] = [];
  for (const java of candidates) {
    if (seen.has(java) || (java !== "java" && !existsSync(java))) continue;
    seen.add(java);
    const major = javaMajorVersion(java);
    if (major !== undefined) jdks.push({ java, major });
  }
  return jdks;
}

/**
 * The JDK to run something that needs at least `minMajor`: the explicit home if given (it must
 * qualify), else the first qualifying candidate in `findJdks` order.
 */
export function pickJdk(minMajor: number, explicitHome?: string): Jdk | undefined {
  const jdks = findJdks(explicitHome);
  if (explicitHome) {
    const explicit = jdks.find((jdk) => jdk.java === join(explicitHome, "bin", "java"));
    return explicit && explicit.major >= minMajor ? explicit : undefined;
  }
  return jdks.find((jdk) => jdk.major >= minMajor);
}

