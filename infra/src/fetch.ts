import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { pipeline } from "node:stream/promises";
import { createWriteStream } from "node:fs";
import { Readable } from "node:stream";
import { join } from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT, type StackConfig } from "./config.js";

const run = promisify(execFile);

/** The Maven dependency plugin is named with its version: Maven 3.8 would otherwise pick a very old one. */
const DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1";

async function mvn(args: string[], cwd: string): Promise<void> {
  try {
    await run("mvn", ["-B", "-q", ...args], { cwd, maxBuffer: 32 * 1024 * 1024 });
  } catch (error) {
    const e = error as { code?: string; stdout?: string; stderr?: string; message: string };
    if (e.code === "ENOENT") throw new Error("Maven (mvn) is not on the PATH: install Maven 3.8+ (Debian: apt-get install maven).");
    const output = `${e.stdout ?? ""}${e.stderr ?? ""}`.split("\n").filter((l) => l.includes("ERROR")).slice(0, 8).join("\n");
    throw new Error(`mvn ${args.slice(0, 2).join(" ")} failed:\n${output || e.message}`);
  }
}

/** Fills a folder atomically: the work happens in `<dir>.partial`, renamed on success, so an interrupted fetch is redone. */
async function fillOnce(dir: string, fill: (partial: string) => Promise<void>): Promise<string> {
  if (existsSync(join(dir, ".complete"))) return dir;
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  await fill(partial);
  writeFileSync(join(partial, ".complete"), new Date().toISOString());
  rmSync(dir, { recursive: true, force: true });
  renameSync(partial, dir);
  return dir;
}

/**
 * The Kafka broker's runtime classpath (broker, tools, log4j binding) from Maven Central,
 * pinned by infra/maven/kafka/pom.xml. Returns the folder holding the jars.
 */
export async function fetchKafka(config: StackConfig): Promise<string> {
  const dir = join(config.cacheDir, `kafka-${config.kafka.version}`);
  await fillOnce(dir, async (partial) => {
    await mvn(
      [
        "-f",
        join(REPO_ROOT, "infra", "maven", "kafka", "pom.xml"),
        `${DEPENDENCY_PLUGIN}:copy-dependencies`,
        "-DincludeScope=runtime",
        `-Dkafka.version=${config.kafka.version}`,
        `-DoutputDirectory=${join(partial, "libs")}`,
      ],
      REPO_ROOT,
    );
    if (!readdirSync(join(partial, "libs")).some((f) => f.startsWith(`kafka_2.13-${config.kafka.version}`))) {
      throw new Error(`the Kafka ${config.kafka.version} broker jar was not fetched`);
    }
  });
  return join(dir, "libs");
}

/**
 * Apicurio Registry's `all` distribution, unpacked. Maven resolves 3.1+ normally. The 3.0.x
 * line's parent POM is not served, so Maven refuses it; that one archive is downloaded from
 * the same Maven Central path by plain HTTP and unpacked with tar.
 */
export async function fetchRegistry(config: StackConfig, version: string): Promise<string> {
  const dir = join(config.cacheDir, `apicurio-registry-${version}`);
  await fillOnce(dir, async (partial) => {
    if (version.startsWith("3.0.")) {
      const url = `${config.mavenRepoUrl}/io/apicurio/apicurio-registry-app/${version}/apicurio-registry-app-${version}-all.tar.gz`;
      const response = await fetch(url);
      if (!response.ok || !response.body) throw new Error(`GET ${url}: HTTP ${response.status}`);
      const archive = join(partial, "all.tar.gz");
      await pipeline(Readable.fromWeb(response.body as never), createWriteStream(archive));
      await run("tar", ["xzf", archive, "-C", partial]);
      rmSync(archive);
      return;
    }
    await mvn(
      [`${DEPENDENCY_PLUGIN}:unpack`, `-Dartifact=io.apicurio:apicurio-registry-app:${version}:tar.gz:all`, `-DoutputDirectory=${partial}`],
      partial,
    );
  });
  return dir;
}

/** The jar that starts the registry: `quarkus-run.jar` (3.1+, at the root or under quarkus-app/) or 3.0's runner jar. */
export function registryLauncher(dir: string): string {
  for (const candidate of [join(dir, "quarkus-run.jar"), join(dir, "quarkus-app", "quarkus-run.jar")]) {
    if (existsSync(candidate)) return candidate;
  }
  const runner = readdirSync(dir).find((f) => f.endsWith("-runner.jar"));
  if (runner) return join(dir, runner);
  throw new Error(`no Apicurio launcher jar in ${dir}`);
}
