import { join } from "node:path";
import { existsSync, readFileSync } from "node:fs";
import type { AccountProfileEventV1, SignalEventV1 } from "@icpstream/contracts";
import { generateMarket, type InputTopicId } from "@icpstream/ingest";

/** One input event of the pipeline benches, with the topic it goes to and its (renamed) account. */
export type Input = { topic: InputTopicId | "firmographic"; account: string; event: AccountProfileEventV1 | SignalEventV1 };

/** An endless supply of market events, one account's events together (profile first), accounts never reused. */
export function* marketStream(seed: number): Generator<Input> {
  for (let n = 0; ; n++) {
    const market = generateMarket({ seed: seed + n, accounts: 2_000, start: "2026-06-01T00:00:00.000Z", days: 110 });
    const rename = (key: string) => `b${n}x${key}`;
    const byAccount = new Map<string, Input[]>();
    for (const p of market.profiles) byAccount.set(p.accountKey, [{ topic: "firmographic", account: rename(p.accountKey), event: { ...p, accountKey: rename(p.accountKey) } }]);
    for (const s of market.signals) {
      if (!s.ok) continue;
      const event = s.event as SignalEventV1;
      byAccount.get(event.accountKey)?.push({ topic: s.topic, account: rename(event.accountKey), event: { ...event, accountKey: rename(event.accountKey) } });
    }
    for (const events of byAccount.values()) yield* events;
  }
}

export function take(stream: Generator<Input>, n: number): Input[] {
  const out: Input[] = [];
  while (out.length < n) out.push(stream.next().value as Input);
  return out;
}

/** Splits inputs into what `Pipeline.send` takes: profiles, and signals with their topic. */
export function asFeed(inputs: readonly Input[]): { profiles: AccountProfileEventV1[]; signals: { topic: InputTopicId; event: SignalEventV1 }[] } {
  const profiles = inputs.filter((i) => i.topic === "firmographic").map((i) => i.event as AccountProfileEventV1);
  const signals = inputs.filter((i) => i.topic !== "firmographic").map((i) => ({ topic: i.topic as InputTopicId, event: i.event as SignalEventV1 }));
  return { profiles, signals };
}

/** The stack to run on: KAFKA_BROKERS, SCHEMA_REGISTRY_URL and REDIS_URL from the environment, else the local stack's stack.env (in ICP_STACK_DIR, default .stack). */
export function benchStackSettings() {
  const env = process.env;
  if (env.KAFKA_BROKERS && env.SCHEMA_REGISTRY_URL && env.REDIS_URL) return { KAFKA_BROKERS: env.KAFKA_BROKERS, SCHEMA_REGISTRY_URL: env.SCHEMA_REGISTRY_URL, REDIS_URL: env.REDIS_URL, origin: "environment" as const };
  const file = join(env.ICP_STACK_DIR ?? ".stack", "stack.env");
  if (!existsSync(file)) throw new Error(`no stack: ${file} not found; run npm run stack:up (or set KAFKA_BROKERS, SCHEMA_REGISTRY_URL, REDIS_URL)`);
  const vars = Object.fromEntries(readFileSync(file, "utf8").split("\n").filter((l) => /^[A-Z_]+=/.test(l)).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
  return { KAFKA_BROKERS: vars.KAFKA_BROKERS as string, SCHEMA_REGISTRY_URL: vars.SCHEMA_REGISTRY_URL as string, REDIS_URL: vars.REDIS_URL as string, origin: "local-stack" as const };
}
