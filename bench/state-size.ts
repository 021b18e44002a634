/**
 * Redis bytes per account: the fit, timing and combiner state of synthetic accounts, written
 * with the services' key layout into a private redis-server (the local stack's flags, its own
 * port and data dir, so nothing else is in it), measured at each requested account count.
 *
 *   npm run bench:state -- [--accounts 100000,1000000] [--pool 100000] [--sample 2000]
 *                          [--codecs json,current] [--listpack-values 64,1024] [--partitions 6]
 *
 * 1. pool: `--pool` accounts of the seeded synthetic market (services/ingest), each run through
 *    the pure handlers as the services would: the profile → fit; each signal at its arrival
 *    (`observedAt`) → timing, with every clock-driven re-evaluation due before it; every
 *    fit_scored and timing_scored → combiner; then the re-evaluations due up to the end of
 *    the market window (the measuring instant). Event ids have the shape ingest gives records
 *    without one (`derived-<24 hex>`), not the generator's short ones.
 * 2. accounts beyond the pool replay a pool account's history under a new account key (its
 *    states with the key swapped where the handlers put it: checked against a real replay).
 * 3. per codec × Redis config: FLUSHALL, then pipelined HSETs of the state hashes
 *    (`icp:{<group>:<stream>:<partition>}:state:<account>`, field fit / timing / combiner) and
 *    ZADDs to each shard's due zset, exactly as the apply script would leave them; at each
 *    count: INFO memory (used_memory delta over the empty server), MEMORY USAGE of ~`--sample`
 *    keys per service spread over all accounts, the due zsets whole, the encodings.
 *    Codecs: `json` = JSON.stringify (the plain-JSON states stored until now), `current` = the
 *    pipeline's encodeState (`json+deflate`, `current+deflate`: those deflated, for comparison).
 *    `--listpack-values`: the hash-max-listpack-value settings to fill under (64: Redis's
 *    default, what a production Redis usually has; 1024: the local stack's).
 * 4. the codecs' CPU: µs per encode and per decode (decode validates, as the services do).
 * Prints figures and conditions; writes JSON and a markdown summary to bench/results/ (git-ignored).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { isDeepStrictEqual, parseArgs } from "node:util";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { Redis } from "ioredis";
import { Partitioners } from "kafkajs";
import { topicCatalog } from "@icpstream/contracts";
import type { AccountProfileEventV1, SignalEventV1, TimingScoredEventV1 } from "@icpstream/contracts";
import { generateMarket, seededRandom } from "@icpstream/ingest";
import { applyFitScored, applyProfile, applySignal, applyTimingScored, decodeCombinerState, decodeFitState, decodeTimingState, encodeState, reevaluate } from "@icpstream/pipeline";
import type { CombinerState, FitState, TimingState } from "@icpstream/pipeline";
import { escapeSegment, keyLayout } from "@icpstream/redis-kit";
import { derivedEventId } from "@icpstream/scoring";
import type { Rubric } from "@icpstream/scoring";
import { DEFAULT_RUBRIC, loadRubricFile } from "@icpstream/service-runtime";
import { loadStackConfig } from "../infra/src/config.js";
import { freePort, stopProcess, waitUntil } from "../infra/src/processes.js";
import { redisProcess, redisReady, startRedis } from "../infra/src/redis.js";

const { values } = parseArgs({
  options: {
    accounts: { type: "string", default: "100000,1000000" },
    /** Distinct histories run through the handlers (about 3 ms each); more accounts replay them under new keys. */
    pool: { type: "string", default: "10000" },
    sample: { type: "string", default: "2000" },
    codecs: { type: "string", default: "json,current" },
    "listpack-values": { type: "string", default: "64,1024" },
    partitions: { type: "string", default: String(topicCatalog().firmographic.partitions) },
  },
});
const COUNTS = values.accounts.split(",").map(Number).sort((a, b) => a - b);
const POOL = Math.min(Number(values.pool), COUNTS.at(-1) ?? 0);
const SAMPLE = Number(values.sample);
const PARTITIONS = Number(values.partitions);
const SEED = 20_260_601;
const MARKET = { start: "2026-06-01T00:00:00.000Z", days: 110 };
const END = Date.parse(MARKET.start) + MARKET.days * 86_400_000;
/** Accounts per generated market chunk (the generator holds a chunk's events in memory). */
const CHUNK = 2_000;
/** Accounts per Redis pipeline, and pipelines sent before waiting for the oldest. */
const WRITE_BATCH = 1_000;
const PIPELINES_IN_FLIGHT = 4;

type Service = "fit" | "timing" | "combiner";
const SERVICES: readonly Service[] = ["fit", "timing", "combiner"];
interface AccountStates {
  fit: FitState;
  timing: TimingState | undefined;
  combiner: CombinerState;
}
interface PoolAccount {
  label: string;
  tld: string;
  states: AccountStates;
}

// ── the services' key layout ───────────────────────────────────────────────────────────
// Group ids are `<ICP_GROUP_PREFIX><service>` (default prefix `icp.`); the stream is the topic
// for fit and the co-partitioned set's name for timing and combiner (see services/*/src/main.ts).
const catalog = topicCatalog({ partitions: PARTITIONS });
const layout = keyLayout("");
const SHARD_OF: Record<Service, { group: string; stream: string }> = {
  fit: { group: "icp.fit", stream: catalog.firmographic.topic },
  timing: { group: "icp.timing", stream: "signals" },
  combiner: { group: "icp.combiner", stream: "scores" },
};
const FIELD: Record<Service, string> = { fit: "fit", timing: "timing", combiner: "combiner" };
const partitioner = Partitioners.DefaultPartitioner();
const partitionMetadata = Array.from({ length: PARTITIONS }, (_, partitionId) => ({ partitionId, leader: 0, partitionErrorCode: 0, replicas: [0], isr: [0] }));
/** The partition Kafka's default partitioner (murmur2, as the services' producers) gives an account. */
const partitionOf = (accountKey: string) => partitioner({ topic: "-", partitionMetadata, message: { key: accountKey, value: null } });
/** `layout.state` with the shard part computed once per shard (the layout escapes the account key the same way). */
const STATE_PREFIX = Object.fromEntries(SERVICES.map((service) => [service, Array.from({ length: PARTITIONS }, (_, partition) => layout.state({ ...SHARD_OF[service], partition }, ""))])) as Record<Service, string[]>;
const stateKey = (service: Service, accountKey: string, partition = partitionOf(accountKey)) => `${STATE_PREFIX[service][partition]}${escapeSegment(accountKey)}`;
if (stateKey("combiner", "acme.com", 1) !== layout.state({ ...SHARD_OF.combiner, partition: 1 }, "acme.com")) throw new Error("the bench's state keys differ from redis-kit's layout");
const dueKey = (partition: number) => layout.due({ ...SHARD_OF.timing, partition });

// ── accounts and their states ──────────────────────────────────────────────────────────
const keyOf = (account: Pick<PoolAccount, "label" | "tld">, index: number) => `${account.label}-${index.toString(36)}.${account.tld}`;

/** One account's history through the pure handlers, as the three services would store it at `END`. */
function simulate(profile: AccountProfileEventV1, signals: readonly SignalEventV1[], rubric: Rubric): AccountStates {
  const fit = applyProfile(undefined, profile, rubric);
  let combiner: CombinerState | undefined;
  for (const scored of fit.outputs) combiner = applyFitScored(combiner, scored, rubric).state;
  let timing: TimingState | undefined;
  const toCombiner = (outputs: readonly TimingScoredEventV1[]) => {
    for (const scored of outputs) combiner = applyTimingScored(combiner, scored, rubric).state;
  };
  const catchUp = (now: number) => {
    while (typeof timing?.nextChangeAt === "string" && Date.parse(timing.nextChangeAt) <= now) {
      const step = reevaluate(timing, rubric, Date.parse(timing.nextChangeAt));
      timing = step.state;
      toCombiner(step.outputs);
    }
  };
  for (const signal of [...signals].sort((a, b) => Date.parse(a.observedAt) - Date.parse(b.observedAt))) {
    const now = Date.parse(signal.observedAt);
    catchUp(now);
    const step = applySignal(timing, signal, rubric, now);
    timing = step.state;
    toCombiner(step.outputs);
  }
  catchUp(END);
  if (!combiner) throw new Error(`${profile.accountKey}: no fit_scored came out of the profile`);
  return { fit: fit.state, timing, combiner };
}

/** The seeded market's accounts with unique keys and ingest-shaped event ids, through the handlers. */
function buildPool(size: number, rubric: Rubric): { accounts: PoolAccount[]; signals: number; replay: (index: number, key: string) => AccountStates } {
  const accounts: PoolAccount[] = [];
  const histories: { profile: AccountProfileEventV1; signals: SignalEventV1[] }[] = [];
  let signalCount = 0;
  for (let chunk = 0; accounts.length < size; chunk++) {
    const market = generateMarket({ seed: SEED + chunk, accounts: Math.min(CHUNK, size - accounts.length), ...MARKET, badShare: 0 });
    const byAccount = new Map<string, SignalEventV1[]>();
    for (const record of market.signals) {
      if (!record.ok) continue;
      const event = record.event as SignalEventV1;
      const list = byAccount.get(event.accountKey) ?? [];
      list.push(event);
      byAccount.set(event.accountKey, list);
    }
    for (const profile of market.profiles) {
      const dot = profile.accountKey.indexOf(".");
      const account = { label: profile.accountKey.slice(0, dot), tld: profile.accountKey.slice(dot + 1) };
      const accountKey = keyOf(account, accounts.length);
      const renamed = { ...profile, accountKey, eventId: derivedEventId({ id: profile.eventId, accountKey }) };
      const signals = (byAccount.get(profile.accountKey) ?? []).map((s) => ({ ...s, accountKey, eventId: derivedEventId({ id: s.eventId, accountKey }) }) as SignalEventV1);
      signalCount += signals.length;
      histories.push({ profile: renamed, signals });
      accounts.push({ ...account, states: simulate(renamed, signals, rubric) });
    }
  }
  // A real replay under another key, for checking `withKey`; the events keep their ids, as `withKey` does.
  const replay = (index: number, key: string) => {
    const history = histories[index];
    if (!history) throw new RangeError(`no pool account ${index}`);
    return simulate({ ...history.profile, accountKey: key }, history.signals.map((s) => ({ ...s, accountKey: key }) as SignalEventV1), rubric);
  };
  return { accounts, signals: signalCount, replay };
}

/** A pool account's states under another account key: the key itself, the signals' keys, and the score event ids the combiner keeps. */
function withKey(states: AccountStates, from: string, to: string): AccountStates {
  const swap = (id: string, kind: string) => (id.startsWith(`${kind}:${from}:`) ? `${kind}:${to}:${id.slice(kind.length + from.length + 2)}` : id);
  const scorecards: CombinerState["scorecards"] = {};
  for (const [id, card] of Object.entries(states.combiner.scorecards)) {
    scorecards[id] = {
      ...card,
      ...(card.fit ? { fit: { ...card.fit, eventId: swap(card.fit.eventId, "fit") } } : {}),
      ...(card.timing ? { timing: { ...card.timing, eventId: swap(card.timing.eventId, "timing") } } : {}),
    };
  }
  return {
    fit: { ...states.fit, accountKey: to },
    timing: states.timing ? { ...states.timing, accountKey: to, signals: states.timing.signals.map((s) => ({ ...s, accountKey: to })) } : undefined,
    combiner: { ...states.combiner, accountKey: to, scorecards },
  };
}

// ── codecs ─────────────────────────────────────────────────────────────────────────────
type AnyState = FitState | TimingState | CombinerState;
interface Codec {
  encode: (state: AnyState) => string;
  decode: (service: Service, text: string) => unknown;
  describe: string;
}
const DECODE: Record<Service, (text: string) => unknown> = { fit: decodeFitState, timing: decodeTimingState, combiner: decodeCombinerState };

/**
 * deflate-raw with a preset dictionary, in base64 (ioredis reads values as UTF-8 text): an
 * alternative measured here only. The dictionary is the encoded states of accounts from
 * another seed, most typical last (deflate reaches back 32 KiB; nearer is cheaper).
 */
function deflated(inner: (state: AnyState) => string, dictionary: Buffer, name: string): Codec {
  return {
    encode: (state) => deflateRawSync(inner(state), { dictionary }).toString("base64"),
    decode: (service, text) => DECODE[service](inflateRawSync(Buffer.from(text, "base64"), { dictionary }).toString("utf8")),
    describe: `${name} then deflate-raw (zlib level 6) with a ${dictionary.length} B preset dictionary, base64`,
  };
}

function allCodecs(rubric: Rubric): Record<string, Codec> {
  const json = (state: AnyState) => JSON.stringify(state);
  // Dictionary accounts: another seed, so the measured accounts are not in it.
  const market = generateMarket({ seed: SEED - 1, accounts: 40, ...MARKET, badShare: 0 });
  const examples = market.profiles.map((p) => simulate(p, market.signals.flatMap((r) => (r.ok && r.event.accountKey === p.accountKey ? [r.event as SignalEventV1] : [])), rubric));
  const dictionary = (encode: (state: AnyState) => string) =>
    Buffer.from(examples.flatMap((a) => SERVICES.flatMap((s) => (a[s] ? [encode(a[s])] : []))).join("").slice(-8_192));
  return {
    json: { encode: json, decode: (service, text) => DECODE[service](text), describe: "JSON.stringify (the plain-JSON states stored until now, read by the current decoder)" },
    current: { encode: encodeState, decode: (service, text) => DECODE[service](text), describe: "encodeState / decode*State of @icpstream/pipeline" },
    "json+deflate": deflated(json, dictionary(json), "JSON.stringify"),
    "current+deflate": deflated(encodeState, dictionary(encodeState), "encodeState"),
  };
}

interface CodecCost {
  bytes: number;
  encodeUs: number;
  decodeUs: number;
}

const cpuMicros = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

/** CPU µs per encode and per decode over 5k pool accounts' states: rounds interleaved across codecs (so none runs on a warmer JIT or a fuller heap), best of five. */
function codecCpu(pool: readonly PoolAccount[], all: Record<string, Codec>, names: readonly string[]) {
  const sample = pool.slice(0, Math.min(pool.length, 5_000));
  const best: Record<string, Record<Service, CodecCost>> = {};
  for (let round = 0; round < 5; round++) {
    for (const name of names) {
      const codec = all[name] as Codec;
      best[name] ??= {} as Record<Service, CodecCost>;
      for (const service of SERVICES) {
        const states = sample.flatMap((a) => (a.states[service] ? [a.states[service]] : []));
        // CPU time, not wall time: on a shared machine the process is descheduled at random.
        const t0 = cpuMicros();
        const texts = states.map((s) => codec.encode(s));
        const t1 = cpuMicros();
        for (const text of texts) codec.decode(service, text);
        const t2 = cpuMicros();
        if (round === 0) {
          for (const [i, text] of texts.entries()) {
            if (!isDeepStrictEqual(codec.decode(service, text), DECODE[service](JSON.stringify(states[i])))) throw new Error(`${name} ${service}: state ${i} does not survive the round trip`);
          }
        }
        const n = Math.max(1, states.length);
        const previous = best[name][service];
        best[name][service] = {
          bytes: Math.round(texts.reduce((s, t) => s + Buffer.byteLength(t), 0) / n),
          encodeUs: Math.min(previous?.encodeUs ?? Infinity, round2((t1 - t0) / n)),
          decodeUs: Math.min(previous?.decodeUs ?? Infinity, round2((t2 - t1) / n)),
        };
      }
    }
  }
  return best;
}

// ── the private Redis ──────────────────────────────────────────────────────────────────

const info = async (redis: Redis, section: string) =>
  Object.fromEntries(
    (await redis.info(section))
      .split("\r\n")
      .filter((l) => l.includes(":"))
      .map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1)]),
  ) as Record<string, string>;
const round2 = (n: number) => Math.round(n * 100) / 100;

interface Checkpoint {
  accounts: number;
  usedMemoryDelta: number;
  bytesPerAccountInfo: number;
  bytesPerAccountSampled: number;
  mainDictOverhead: number;
  perService: Record<Service | "due", { keys: number; bytesPerKey: number; bytesPerAccount: number; meanValueBytes?: number; encodings?: Record<string, number> }>;
  info: Record<string, string>;
}

async function measure(redis: Redis, accounts: number, baseline: number, keys: Record<Service, number>, valueBytes: Record<Service, number>, keyAt: (index: number) => string): Promise<Checkpoint> {
  const memory = await info(redis, "memory");
  const used = Number(memory.used_memory);
  const stats = (await redis.call("MEMORY", "STATS")) as unknown[];
  const db0 = stats[stats.indexOf("db.0") + 1] as unknown[] | undefined;
  const mainDict = db0 ? Number(db0[db0.indexOf("overhead.hashtable.main") + 1]) : NaN;

  const perService = {} as Checkpoint["perService"];
  // Seeded uniform picks over all accounts (an even stride would keep hitting the same few pool histories).
  const random = seededRandom(SEED);
  const picks = Array.from({ length: Math.min(SAMPLE, accounts) }, () => Math.floor(random() * accounts));
  for (const service of SERVICES) {
    const pipeline = redis.pipeline();
    for (const i of picks) {
      const key = stateKey(service, keyAt(i));
      pipeline.memory("USAGE", key, "SAMPLES", 0);
      pipeline.object("ENCODING", key);
    }
    const replies = (await pipeline.exec()) ?? [];
    let bytes = 0;
    let found = 0;
    const encodings: Record<string, number> = {};
    for (let r = 0; r + 1 < replies.length; r += 2) {
      const usage = replies[r]?.[1];
      if (usage === null || usage === undefined) continue;
      bytes += Number(usage);
      found++;
      const encoding = String(replies[r + 1]?.[1]);
      encodings[encoding] = (encodings[encoding] ?? 0) + 1;
    }
    const bytesPerKey = found === 0 ? 0 : bytes / found;
    perService[service] = { keys: keys[service], bytesPerKey: Math.round(bytesPerKey), bytesPerAccount: round2((bytesPerKey * keys[service]) / accounts), meanValueBytes: Math.round(valueBytes[service] / Math.max(1, keys[service])), encodings };
  }
  let dueBytes = 0;
  let dueMembers = 0;
  for (let p = 0; p < PARTITIONS; p++) {
    dueBytes += Number((await redis.memory("USAGE", dueKey(p), "SAMPLES", 0)) ?? 0);
    dueMembers += await redis.zcard(dueKey(p));
  }
  perService.due = { keys: dueMembers, bytesPerKey: Math.round(dueBytes / Math.max(1, dueMembers)), bytesPerAccount: round2(dueBytes / accounts) };
  const sampled = SERVICES.reduce((s, service) => s + perService[service].bytesPerAccount, 0) + perService.due.bytesPerAccount;
  const keep = ["used_memory", "used_memory_dataset", "used_memory_overhead", "used_memory_rss", "allocator_allocated", "mem_fragmentation_ratio", "mem_allocator"];
  return {
    accounts,
    usedMemoryDelta: used - baseline,
    bytesPerAccountInfo: Math.round((used - baseline) / accounts),
    bytesPerAccountSampled: Math.round(sampled),
    mainDictOverhead: mainDict,
    perService,
    info: Object.fromEntries(keep.map((k) => [k, memory[k] ?? ""])),
  };
}

/** Bytes of the keyspace's main table for `keys` keys: a power-of-two bucket array of pointers and a 24-byte entry per key. */
const mainDictBytes = (keys: number) => 2 ** Math.ceil(Math.log2(Math.max(4, keys))) * 8 + keys * 24;

async function fill(redis: Redis, pool: readonly PoolAccount[], codec: Codec["encode"], counts: readonly number[], baseline: number) {
  const keys: Record<Service, number> = { fit: 0, timing: 0, combiner: 0 };
  const valueBytes: Record<Service, number> = { fit: 0, timing: 0, combiner: 0 };
  const keyAt = (index: number) => keyOf(pool[index % pool.length] as PoolAccount, index);
  // A replayed account's values are the pool account's with the key swapped in the text: the
  // key appears nowhere else (checked against encoding the swapped states, every 499th account).
  const encoded = pool.map((account) => Object.fromEntries(SERVICES.flatMap((service) => (account.states[service] ? [[service, codec(account.states[service])]] : []))) as Partial<Record<Service, string>>);
  const checkpoints: Checkpoint[] = [];
  let written = 0;
  const t0 = performance.now();
  const inFlight: Promise<unknown>[] = [];
  for (const count of counts) {
    while (written < count) {
      // A few pipelines in flight: the next batch is encoded while Redis applies the last one.
      if (inFlight.length >= PIPELINES_IN_FLIGHT) await inFlight.shift();
      const pipeline = redis.pipeline();
      const end = Math.min(count, written + WRITE_BATCH);
      for (let index = written; index < end; index++) {
        const poolIndex = index % pool.length;
        const source = pool[poolIndex] as PoolAccount;
        const texts = encoded[poolIndex] as Partial<Record<Service, string>>;
        const poolKey = keyOf(source, poolIndex);
        const key = keyOf(source, index);
        const partition = partitionOf(key);
        const check = index >= pool.length && index % 499 === 0 ? withKey(source.states, poolKey, key) : undefined;
        for (const service of SERVICES) {
          const text = texts[service];
          if (text === undefined) continue;
          const value = index < pool.length ? text : text.replaceAll(poolKey, key);
          const expected = check?.[service];
          if (expected && codec(expected) !== value) throw new Error(`${key} ${service}: the pool's text with the key swapped is not the encoding of the swapped state`);
          keys[service]++;
          valueBytes[service] += Buffer.byteLength(value);
          pipeline.hset(stateKey(service, key, partition), FIELD[service], value);
        }
        const nextChangeAt = source.states.timing?.nextChangeAt;
        if (typeof nextChangeAt === "string") pipeline.zadd(dueKey(partition), Date.parse(nextChangeAt), key);
      }
      inFlight.push(pipeline.exec());
      written = end;
    }
    await Promise.all(inFlight.splice(0));
    const writeSeconds = round2((performance.now() - t0) / 1000);
    const checkpoint = await measure(redis, count, baseline, keys, valueBytes, keyAt);
    console.log(`  ${count} accounts (${writeSeconds} s of writes): ${checkpoint.bytesPerAccountInfo} B/account (INFO used_memory delta), ${checkpoint.bytesPerAccountSampled} B/account (MEMORY USAGE sample)`);
    checkpoints.push(checkpoint);
  }
  return checkpoints;
}

async function main() {
  const at = new Date().toISOString();
  const rubric = loadRubricFile(DEFAULT_RUBRIC);
  const codecs = values.codecs.split(",");
  const available = allCodecs(rubric);
  for (const name of codecs) if (!available[name]) throw new Error(`--codecs: unknown ${name}; known: ${Object.keys(available).join(", ")}`);
  const configs = values["listpack-values"].split(",").map((v) => {
    if (!/^\d+$/.test(v)) throw new Error(`--listpack-values: expected byte counts such as 64,1024, got ${v}`);
    return { name: `listpack ≤ ${v} B`, listpackValue: Number(v) };
  });

  console.log(`pool: ${POOL} accounts through the handlers (${DEFAULT_RUBRIC.split("/").slice(-2).join("/")})`);
  const t0 = performance.now();
  const { accounts: pool, signals, replay } = buildPool(POOL, rubric);
  const poolSeconds = round2((performance.now() - t0) / 1000);
  const withTiming = pool.filter((a) => a.states.timing).length;
  console.log(`  ${poolSeconds} s; ${signals} signals (${round2(signals / POOL)} per account); ${withTiming} accounts with a timing state`);
  // Accounts past the pool are pool histories under new keys: check that against a real replay.
  for (const index of [0, 1, 2, 3, 5, 8, 13, 21, 34, 55].filter((i) => i < pool.length)) {
    const account = pool[index] as PoolAccount;
    const key = keyOf(account, index + pool.length);
    const swapped = withKey(account.states, keyOf(account, index), key);
    if (!isDeepStrictEqual(JSON.parse(JSON.stringify(swapped)), JSON.parse(JSON.stringify(replay(index, key))))) throw new Error(`pool account ${index}: its states under another key differ from a replay under that key`);
  }

  console.log("codec CPU (5k pool accounts, process CPU time, best of 5)");
  const cpu = codecCpu(pool, available, Object.keys(available));
  for (const [name, perService] of Object.entries(cpu)) {
    console.log(`  ${name}: ${SERVICES.map((s) => `${s} ${perService[s].bytes} B, encode ${perService[s].encodeUs} µs, decode ${perService[s].decodeUs} µs`).join("; ")}`);
  }

  const dir = mkdtempSync(join(tmpdir(), "icp-state-size-"));
  const stackConfig = { ...loadStackConfig(), stateDir: dir };
  stackConfig.redis = { ...stackConfig.redis, port: await freePort() };
  const redisProc = redisProcess(stackConfig);
  startRedis(stackConfig);
  // Interrupted: the private server and its data go too.
  const interrupted = () => void stopProcess(redisProc, 10_000).finally(() => {
    rmSync(dir, { recursive: true, force: true });
    process.exit(130);
  });
  process.once("SIGINT", interrupted);
  process.once("SIGTERM", interrupted);
  const runs: { codec: string; config: string; checkpoints: Checkpoint[] }[] = [];
  const conditions: Record<string, unknown> = {};
  try {
    // redis-server starts in milliseconds; a few seconds covers a loaded machine.
    await waitUntil(() => redisReady(stackConfig), { timeoutMs: 10_000, describe: `redis-server on port ${stackConfig.redis.port}` });
    const redis = new Redis({ host: "127.0.0.1", port: stackConfig.redis.port, maxRetriesPerRequest: 0 });
    const server = await info(redis, "server");
    const config = Object.fromEntries(((await redis.config("GET", "*")) as string[]).reduce<[string, string][]>((pairs, v, i, all) => (i % 2 === 0 ? [...pairs, [v, all[i + 1] ?? ""]] : pairs), []));
    Object.assign(conditions, {
      redis: server.redis_version,
      allocator: (await info(redis, "memory")).mem_allocator,
      redisFlags: "started as the local stack starts it (infra/src/redis.ts), own port and data dir; appendonly off while filling",
      hashMaxListpackEntries: config["hash-max-listpack-entries"],
      hashMaxListpackValue: config["hash-max-listpack-value"],
      zsetMaxListpackEntries: config["zset-max-listpack-entries"],
      zsetMaxListpackValue: config["zset-max-listpack-value"],
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
      cpu: cpus()[0]?.model ?? "unknown",
      cores: cpus().length,
      memoryGb: Math.round(totalmem() / 2 ** 30),
      ioredis: JSON.parse(readFileSync("node_modules/ioredis/package.json", "utf8")).version,
      partitions: PARTITIONS,
      rubric: `${rubric.version.label ?? ""} (${rubric.version.hash.slice(0, 12)}), ${rubric.scorecards.length} scorecard(s)`,
      market: `${MARKET.days} days from ${MARKET.start}, seed ${SEED}, measured at ${new Date(END).toISOString()}`,
      pool: POOL,
      poolSeconds,
      signalsPerAccount: round2(signals / POOL),
      accountsWithTimingState: round2(withTiming / POOL),
      eventIds: "derived-<24 hex> (ingest's derived ids)",
    });

    // The append-only file holds nothing in memory but a transient buffer; its rewrites (a fork
    // and the whole dataset to disk every time it doubles) would only slow the fill down.
    await redis.config("SET", "appendonly", "no");
    for (const config of configs) {
      for (const codec of codecs) {
        await redis.flushall();
        await redis.config("SET", "hash-max-listpack-value", String(config.listpackValue));
        await redis.call("MEMORY", "PURGE");
        const baseline = Number((await info(redis, "memory")).used_memory);
        console.log(`codec ${codec}, config ${config.name}`);
        const checkpoints = await fill(redis, pool, (available[codec] as Codec).encode, COUNTS, baseline);
        runs.push({ codec, config: config.name, checkpoints });
      }
    }
    await redis.flushall();
    redis.disconnect();
  } finally {
    await stopProcess(redisProc, 10_000);
    rmSync(dir, { recursive: true, force: true });
  }

  // 10M: the per-key part scales linearly; the keyspace's bucket array doubles in steps, so it is taken out and put back at 10M.
  const extrapolate = (c: Checkpoint) => {
    const keys = SERVICES.reduce((s, service) => s + c.perService[service].keys, 0);
    const linear = (c.usedMemoryDelta - mainDictBytes(keys)) / c.accounts;
    const at10M = linear * 1e7 + mainDictBytes((keys / c.accounts) * 1e7);
    return { bytesPerAccount: Math.round(at10M / 1e7), totalGiB: round2(at10M / 2 ** 30) };
  };
  const encodings = (e: Record<string, number> | undefined) => Object.entries(e ?? {}).map(([k, v]) => `${k} ${Math.round((v / Object.values(e ?? {}).reduce((a, b) => a + b, 0)) * 100)}%`).join(", ");
  const summary = runs.flatMap((run) =>
    run.checkpoints.map((c) => {
      const x = extrapolate(c);
      return `| ${run.codec} | ${run.config} | ${c.accounts.toLocaleString("en")} | **${c.bytesPerAccountInfo}** | ${c.bytesPerAccountSampled} | ${round2(c.usedMemoryDelta / 2 ** 20)} MiB | ${x.bytesPerAccount} B, ${x.totalGiB} GiB |`;
    }),
  );
  const services = runs.flatMap((run) =>
    run.checkpoints.flatMap((c) =>
      (["fit", "timing", "combiner", "due"] as const).map((name) => {
        const s = c.perService[name];
        return `| ${run.codec} | ${run.config} | ${c.accounts.toLocaleString("en")} | ${name} | ${s.keys.toLocaleString("en")} | ${s.meanValueBytes ?? "-"} | ${s.bytesPerKey} | ${s.bytesPerAccount} | ${encodings(s.encodings) || "-"} |`;
      }),
    ),
  );
  const c = conditions;
  const lines = [
    `# state size bench ${at}`,
    ``,
    `conditions: redis ${c.redis} (${c.allocator}), ${c.redisFlags}; as started hash-max-listpack-value ${c.hashMaxListpackValue}, hash-max-listpack-entries ${c.hashMaxListpackEntries}, zset-max-listpack-entries ${c.zsetMaxListpackEntries}; node ${c.node}, ioredis ${c.ioredis}, ${c.platform}, ${c.cpu} × ${c.cores}, ${c.memoryGb} GiB; ${PARTITIONS} partitions; rubric ${c.rubric}`,
    `accounts: ${POOL} distinct synthetic accounts (${c.market}; ${c.signalsPerAccount} signals per account; ${Math.round(Number(c.accountsWithTimingState) * 100)}% with a timing state; event ids ${c.eventIds}); beyond ${POOL}, pool histories under new keys`,
    ``,
    `| codec | redis config | accounts | B/account (INFO used_memory Δ) | B/account (MEMORY USAGE sample + due zsets) | used_memory Δ | 10M extrapolated |`,
    `|---|---|---|---|---|---|---|`,
    ...summary,
    ``,
    `| codec | redis config | accounts | service | keys (due: members) | mean value B | MEMORY USAGE B/key | B/account | encodings (sample) |`,
    `|---|---|---|---|---|---|---|---|---|`,
    ...services,
    ``,
    `codec CPU (process CPU µs per state, best of 5 rounds over 5k accounts, rounds interleaved across codecs; decode validates with the state's schema):`,
    ``,
    `| codec | fit B | fit enc / dec µs | timing B | timing enc / dec µs | combiner B | combiner enc / dec µs |`,
    `|---|---|---|---|---|---|---|`,
    ...Object.entries(cpu).map(([name, p]) => `| ${name} | ${p.fit.bytes} | ${p.fit.encodeUs} / ${p.fit.decodeUs} | ${p.timing.bytes} | ${p.timing.encodeUs} / ${p.timing.decodeUs} | ${p.combiner.bytes} | ${p.combiner.encodeUs} / ${p.combiner.decodeUs} |`),
    ``,
    `codecs: ${Object.keys(available).map((n) => `${n} = ${available[n]?.describe}`).join("; ")}. 10M: the per-key bytes at the largest count times 10M, with the keyspace's power-of-two bucket array recomputed for 10M keys.`,
  ];
  console.log(lines.join("\n"));
  mkdirSync("bench/results", { recursive: true });
  const base = `bench/results/state-size-${at.replace(/[:.]/g, "-")}`;
  writeFileSync(`${base}.json`, `${JSON.stringify({ at, conditions, codecCpu: cpu, runs }, null, 2)}\n`);
  writeFileSync(`${base}.md`, `${lines.join("\n")}\n`);
  console.log(`written ${base}.json and ${base}.md`);
}

await main();
