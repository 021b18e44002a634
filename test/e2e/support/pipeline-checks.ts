import type { TierChangedEventV1 } from "@icpstream/contracts";
import { tierChangeVersion } from "@icpstream/pipeline";
import type { CombinerState, FinalScore } from "@icpstream/pipeline";

const keyOf = (s: { accountKey: string; scorecard: string }) => `${s.accountKey}/${s.scorecard}`;

export interface Mismatch {
  key: string;
  streaming: FinalScore | undefined;
  batch: FinalScore | undefined;
  /** How many account × scorecard entries differ in all. */
  count: number;
}

/** The first account × scorecard (in key order) where the streaming end state and the batch recompute differ, or null. */
export function firstMismatch(streaming: readonly FinalScore[], batch: readonly FinalScore[]): Mismatch | null {
  const left = new Map(streaming.map((s) => [keyOf(s), s]));
  const right = new Map(batch.map((s) => [keyOf(s), s]));
  const keys = [...new Set([...left.keys(), ...right.keys()])].sort();
  const differing = keys.filter((k) => JSON.stringify(left.get(k)) !== JSON.stringify(right.get(k)));
  const first = differing[0];
  if (first === undefined) return null;
  return { key: first, streaming: left.get(first), batch: right.get(first), count: differing.length };
}

export interface TierChangeLog {
  /** Messages read, duplicates included. */
  messages: number;
  /** Distinct tier changes (by event id). */
  changes: number;
  /** Byte-identical redeliveries (allowed: subscribers drop them by event id). */
  duplicates: number;
  /** Accounts whose tier moved at least once. */
  accounts: number;
  problems: string[];
}

/**
 * The tier-changed topic as a subscriber sees it, checked against the contract: per account,
 * the distinct changes in the order they arrive carry versions 1, 2, 3… with no gap and no
 * repeat; an event id never comes with two contents (a redelivery is the same bytes); the
 * last change per account and scorecard names the final tier; the combiner's stored version
 * is the last one published.
 */
export function checkTierChanges(
  log: readonly { value: Buffer; event: TierChangedEventV1 }[],
  final: readonly FinalScore[],
  combiner: readonly CombinerState[],
): TierChangeLog {
  const problems: string[] = [];
  const contentById = new Map<string, string>();
  const ordered = new Map<string, TierChangedEventV1[]>();
  let duplicates = 0;
  for (const { value, event } of log) {
    const content = value.toString("base64");
    const seen = contentById.get(event.eventId);
    if (seen !== undefined) {
      if (seen !== content) problems.push(`${event.eventId} was published with two different contents`);
      duplicates++;
      continue;
    }
    contentById.set(event.eventId, content);
    ordered.set(event.accountKey, [...(ordered.get(event.accountKey) ?? []), event]);
  }

  const lastByCard = new Map<string, TierChangedEventV1>();
  for (const [account, changes] of ordered) {
    const versions = changes.map((c) => tierChangeVersion(c));
    const expected = versions.map((_, i) => i + 1);
    if (JSON.stringify(versions) !== JSON.stringify(expected)) problems.push(`${account}: versions arrived as ${versions.join(",")}, expected ${expected.join(",")}`);
    for (const change of changes) lastByCard.set(keyOf(change), change);
  }

  const versionOf = new Map(combiner.map((s) => [s.accountKey, s.version]));
  for (const [account, changes] of ordered) {
    const stored = versionOf.get(account) ?? 0;
    if (stored !== changes.length) problems.push(`${account}: the combiner stored version ${stored}, the topic has ${changes.length} changes`);
  }
  for (const [account, version] of versionOf) if (version > 0 && !ordered.has(account)) problems.push(`${account}: the combiner stored version ${version}, the topic has no change`);

  const finalByCard = new Map(final.map((s) => [keyOf(s), s]));
  for (const key of new Set([...finalByCard.keys(), ...lastByCard.keys()])) {
    const tier = finalByCard.get(key)?.tier ?? null;
    const last = lastByCard.get(key);
    const published = last ? { id: last.tier.id, quadrant: last.quadrant } : null;
    const expected = tier ? { id: tier.id, quadrant: tier.quadrant } : null;
    if (JSON.stringify(published) !== JSON.stringify(expected)) problems.push(`${key}: last tier change says ${JSON.stringify(published)}, final state is ${JSON.stringify(expected)}`);
  }
  return { messages: log.length, changes: contentById.size, duplicates, accounts: ordered.size, problems };
}
