/**
 * Where a V8 CPU profile (`node --cpu-prof`, a `.cpuprofile` file) spent its time: self time
 * by package (kafkajs, zod, JSON, sha256, ioredis, pino, our packages…), the hottest
 * functions by self time, and the inclusive share of a few marker functions (the codec's
 * decode/encode, the handlers, the state store). Pure: profile in, figures out.
 *
 *   npx tsx bench/support/cpu-profile-summary.ts <file.cpuprofile>... [--from <µs>] [--to <µs>] [--focus <function>] [--top 25]
 *
 * `--from` / `--to` keep only the samples taken in that window, in the profile's clock
 * (microseconds of the monotonic clock, the same as `process.hrtime.bigint() / 1000n` in any
 * process on the machine): a load driver records the window so start-up (tsx compiling the
 * sources, connecting, joining the group) stays out of the figures.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { parseArgs } from "node:util";

export interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}

export interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Self-time buckets, first match wins: a frame's package from its URL, V8's builtins by name. */
const CATEGORIES: readonly { name: string; test: (f: CallFrame) => boolean }[] = [
  { name: "(idle)", test: (f) => f.functionName === "(idle)" },
  { name: "(garbage collector)", test: (f) => f.functionName === "(garbage collector)" },
  { name: "(program)", test: (f) => f.functionName === "(program)" },
  { name: "JSON (parse/stringify)", test: (f) => f.url === "" && /^JSON\.|^(parse|stringify)$/.test(f.functionName) },
  { name: "kafkajs", test: (f) => f.url.includes("/node_modules/kafkajs/") },
  { name: "zod", test: (f) => f.url.includes("/node_modules/zod/") },
  { name: "sha256 (@noble/hashes)", test: (f) => f.url.includes("/node_modules/@noble/hashes/") },
  { name: "ioredis", test: (f) => /\/node_modules\/(ioredis|redis-parser|@ioredis|redis-errors|cluster-key-slot|denque|standard-as-callback)\//.test(f.url) },
  { name: "pino", test: (f) => /\/node_modules\/(pino|pino-std-serializers|sonic-boom|fast-redact|thread-stream|on-exit-leak-free|quick-format-unescaped|atomic-sleep|safe-stable-stringify)\//.test(f.url) },
  { name: "schema registry client", test: (f) => /\/node_modules\/(@kafkajs\/confluent-schema-registry|mappersmith|ajv)\//.test(f.url) },
  { name: "prom-client", test: (f) => /\/node_modules\/(prom-client|tdigest|bintrees)\//.test(f.url) },
  { name: "tsx/esbuild (loader)", test: (f) => /\/node_modules\/(tsx|esbuild|get-tsconfig|@esbuild)\//.test(f.url) },
  { name: "other node_modules", test: (f) => f.url.includes("/node_modules/") },
  { name: "ours: scoring engine", test: (f) => f.url.includes("/packages/scoring/") },
  { name: "ours: pipeline (handlers, digests)", test: (f) => f.url.includes("/packages/pipeline/") },
  { name: "ours: kafka-kit codec", test: (f) => /\/packages\/kafka-kit\/src\/(codec|wire|registry)\.ts/.test(f.url) },
  { name: "ours: kafka-kit consumer", test: (f) => f.url.includes("/packages/kafka-kit/") },
  { name: "ours: contracts", test: (f) => f.url.includes("/packages/contracts/") },
  { name: "ours: redis-kit", test: (f) => f.url.includes("/packages/redis-kit/") },
  { name: "ours: observability", test: (f) => f.url.includes("/packages/observability/") },
  { name: "ours: services + runtime", test: (f) => f.url.includes("/services/") || f.url.includes("/packages/service-runtime/") },
  { name: "bench driver", test: (f) => f.url.includes("/bench/") },
  { name: "node internals", test: (f) => f.url.startsWith("node:") || f.url.startsWith("internal/") },
  { name: "V8 builtins / native", test: (f) => f.url === "" },
];

/**
 * Inclusive markers: the share of busy samples whose stack holds a matching frame (counted
 * once per sample). They overlap (encode runs inside a handler's chunk), so they do not add up.
 */
const MARKERS: readonly { name: string; test: (f: CallFrame) => boolean }[] = [
  { name: "codec.decode", test: (f) => f.functionName === "decode" && f.url.endsWith("/kafka-kit/src/codec.ts") },
  { name: "codec.encode", test: (f) => f.functionName === "encode" && f.url.endsWith("/kafka-kit/src/codec.ts") },
  { name: "zod (any parse)", test: (f) => f.url.includes("/node_modules/zod/") },
  { name: "handler.onEvent", test: (f) => f.functionName === "onEvent" && /\/services\/[^/]+\/src\/handler\.ts$/.test(f.url) },
  { name: "fit decision (applyProfile)", test: (f) => f.functionName === "applyProfile" },
  { name: "timing decision (applySignal, reevaluate)", test: (f) => f.functionName === "applySignal" || f.functionName === "reevaluate" },
  { name: "combiner decision (applyFitScored, applyTimingScored)", test: (f) => f.functionName === "applyFitScored" || f.functionName === "applyTimingScored" },
  { name: "state decode (zod over stored JSON)", test: (f) => f.url.endsWith("/pipeline/src/state-codec.ts") },
  { name: "scoring engine", test: (f) => f.url.includes("/packages/scoring/") },
  { name: "digests (sha256 over canonical JSON)", test: (f) => f.functionName === "digestOf" },
  { name: "canonicalJson", test: (f) => f.functionName === "canonicalJson" },
  { name: "redis-kit store calls", test: (f) => f.url.includes("/packages/redis-kit/") },
  { name: "ioredis", test: (f) => /\/node_modules\/(ioredis|redis-parser|@ioredis)\//.test(f.url) },
  { name: "kafkajs", test: (f) => f.url.includes("/node_modules/kafkajs/") },
  { name: "pino (logging)", test: (f) => /\/node_modules\/(pino|sonic-boom)\//.test(f.url) },
  { name: "metrics hooks (prom-client)", test: (f) => f.url.includes("/node_modules/prom-client/") },
  { name: "clock (file clock's statSync)", test: (f) => f.url.endsWith("/service-runtime/src/clock.ts") },
];

const IDLE = new Set(["(idle)"]);

export interface ProfileSummary {
  /** Wall time the kept samples cover, ms. */
  wallMs: number;
  /** Sampled time that was not idle, ms: the process's CPU time as the profiler saw it. */
  busyMs: number;
  byCategory: { name: string; ms: number; share: number }[];
  topFunctions: { name: string; where: string; ms: number; share: number }[];
  markers: { name: string; ms: number; share: number }[];
}

const categoryOf = (frame: CallFrame) => (CATEGORIES.find((c) => c.test(frame)) ?? { name: "unclassified" }).name;

function shortUrl(url: string): string {
  if (url === "") return "(native)";
  const path = url.replace(/^file:\/\//, "");
  const modules = path.lastIndexOf("/node_modules/");
  if (modules >= 0) return path.slice(modules + "/node_modules/".length);
  const repo = /\/(packages|services|bench|test)\/.*$/.exec(path);
  return repo ? repo[0].slice(1) : path;
}

/**
 * Summarises one profile, keeping only the samples taken in [from, to] (profile clock, µs)
 * and, with `focus`, only those whose stack holds a function of that name (what one
 * handler costs, and where inside it).
 */
export function summarizeProfile(profile: CpuProfile, window: { from?: number; to?: number; focus?: string } = {}, top = 25): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  // Each sample lasts until the next one; the last one gets the mean interval.
  const selfUs = new Map<number, number>();
  let at = profile.startTime;
  let first = Infinity;
  let last = -Infinity;
  const times: number[] = [];
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    times.push(at);
  }
  const holds = new Map<number, boolean>();
  const stackHolds = (id: number, name: string): boolean => {
    let answer = holds.get(id);
    if (answer === undefined) {
      const parentId = parent.get(id);
      answer = byId.get(id)?.callFrame.functionName === name || (parentId !== undefined && stackHolds(parentId, name));
      holds.set(id, answer);
    }
    return answer;
  };
  const meanInterval = profile.samples.length > 1 ? (profile.endTime - profile.startTime) / profile.samples.length : 1000;
  const inclusive = new Map<string, number>();
  let busyUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const t = times[i] as number;
    if ((window.from !== undefined && t < window.from) || (window.to !== undefined && t > window.to)) continue;
    const duration = i + 1 < times.length ? (times[i + 1] as number) - t : meanInterval;
    first = Math.min(first, t);
    last = Math.max(last, t + duration);
    const id = profile.samples[i] as number;
    if (window.focus !== undefined && !stackHolds(id, window.focus)) continue;
    selfUs.set(id, (selfUs.get(id) ?? 0) + duration);
    const leaf = byId.get(id);
    if (!leaf || IDLE.has(leaf.callFrame.functionName)) continue;
    busyUs += duration;
    const hit = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const frame = byId.get(n)?.callFrame;
      if (!frame) break;
      for (const m of MARKERS) if (!hit.has(m.name) && m.test(frame)) hit.add(m.name);
    }
    for (const name of hit) inclusive.set(name, (inclusive.get(name) ?? 0) + duration);
  }

  const categories = new Map<string, number>();
  const functions = new Map<string, { name: string; where: string; us: number }>();
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)?.callFrame;
    if (!frame || IDLE.has(frame.functionName)) continue;
    const category = categoryOf(frame);
    categories.set(category, (categories.get(category) ?? 0) + us);
    const name = frame.functionName || "(anonymous)";
    const where = `${shortUrl(frame.url)}${frame.url ? `:${frame.lineNumber + 1}` : ""}`;
    const key = `${name} ${where}`;
    const entry = functions.get(key) ?? { name, where, us: 0 };
    entry.us += us;
    functions.set(key, entry);
  }
  const ms = (us: number) => Math.round(us / 100) / 10;
  const share = (us: number) => (busyUs > 0 ? Math.round((us / busyUs) * 1000) / 10 : 0);
  return {
    wallMs: Number.isFinite(first) ? ms(last - first) : 0,
    busyMs: ms(busyUs),
    byCategory: [...categories].sort((a, b) => b[1] - a[1]).map(([name, us]) => ({ name, ms: ms(us), share: share(us) })),
    topFunctions: [...functions.values()]
      .sort((a, b) => b.us - a.us)
      .slice(0, top)
      .map((f) => ({ name: f.name, where: f.where, ms: ms(f.us), share: share(f.us) })),
    markers: MARKERS.map((m) => ({ name: m.name, ms: ms(inclusive.get(m.name) ?? 0), share: share(inclusive.get(m.name) ?? 0) })).filter((m) => m.ms > 0),
  };
}

/** The summary as text: busy time, then the three tables (shares are of busy time). */
export function formatSummary(title: string, s: ProfileSummary): string {
  const pad = (text: string, width: number) => (text.length >= width ? text : text + " ".repeat(width - text.length));
  const row = (name: string, ms: number, share: number) => `  ${pad(name, 44)} ${String(ms).padStart(9)} ms ${String(share).padStart(5)} %`;
  return [
    `${title}: ${s.busyMs} ms busy of ${s.wallMs} ms sampled (${s.wallMs > 0 ? Math.round((s.busyMs / s.wallMs) * 100) : 0} % of one core)`,
    ` self time by package:`,
    ...s.byCategory.map((c) => row(c.name, c.ms, c.share)),
    ` inclusive (stack holds):`,
    ...s.markers.map((m) => row(m.name, m.ms, m.share)),
    ` top functions by self time:`,
    ...s.topFunctions.map((f) => `${row(f.name, f.ms, f.share)}  ${f.where}`),
  ].join("\n");
}

export function readProfile(path: string): CpuProfile {
  return JSON.parse(readFileSync(path, "utf8")) as CpuProfile;
}

if (process.argv[1] && import.meta.url.endsWith(basename(process.argv[1]))) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { from: { type: "string" }, to: { type: "string" }, focus: { type: "string" }, top: { type: "string", default: "25" } },
  });
  const window = { ...(values.from ? { from: Number(values.from) } : {}), ...(values.to ? { to: Number(values.to) } : {}), ...(values.focus ? { focus: values.focus } : {}) };
  for (const path of positionals) console.log(`${formatSummary(`${basename(path)}${values.focus ? ` (stacks through ${values.focus})` : ""}`, summarizeProfile(readProfile(path), window, Number(values.top)))}\n`);
}
