import type { RubricPromotedEventV1 } from "@icpstream/contracts";
import { parseRubric, type Rubric } from "@icpstream/scoring";
import { PipelineError } from "./errors.js";

/**
 * Rubric promotion without a restart: `icp rubric promote` writes a `rubric_promoted` record
 * to every partition of the rubric-control topic; fit and timing read it in order with their
 * inputs, switch the partition's rubric, and re-score every account they hold; the combiner
 * tiers each account under the newest promotion it has a score of (see
 * `combiner-handler.ts`, `enterEpoch`). A rollback is a promotion of the older file, under a
 * new epoch.
 */

/** The shard-wide state (`HandlerResult.shared`) that holds a partition's promoted rubric: epoch, hash, source, text. */
export const PROMOTED_RUBRIC = "rubric";

/** The rubric a partition scores with, and which promotion it came from (0: the rubric the service started with). */
export interface ActiveRubric {
  rubric: Rubric;
  epoch: number;
  source: string;
}

/** What `ShardRubrics` needs of the consumer's context: the shard, its generation and its shard-wide state. */
export interface ShardRubricContext {
  shard: { partition: number };
  generation: number;
  readShared(name: string): Promise<Record<string, string>>;
}

/**
 * Parses a promotion's rubric text and checks it is the rubric the record names (the hash
 * covers the scoring semantics too, so a service of another engine version refuses it).
 * @throws PipelineError RUBRIC_INVALID — the text does not parse, or hashes to another version
 */
export function promotedRubric(event: Pick<RubricPromotedEventV1, "rubricText" | "rubricSource" | "rubricVersion" | "epoch">): Rubric {
  let rubric: Rubric;
  try {
    rubric = parseRubric(event.rubricText, event.rubricSource);
  } catch (error) {
    throw new PipelineError("RUBRIC_INVALID", `promotion ${event.epoch} (${event.rubricSource}): the rubric does not load: ${(error as Error).message}`);
  }
  if (rubric.version.hash !== event.rubricVersion.hash) {
    throw new PipelineError("RUBRIC_INVALID", `promotion ${event.epoch} (${event.rubricSource}) names rubric ${event.rubricVersion.hash.slice(0, 12)}, and its text is ${rubric.version.hash.slice(0, 12)} here: promoted by another version of the scoring engine?`);
  }
  return rubric;
}

/**
 * The rubric each partition scores with, for fit and timing: the one the service started
 * with until a promotion reaches the partition, then the promoted one, kept in the shard's
 * state (`PROMOTED_RUBRIC`) so a restart or another member goes on with it. Looked up once
 * per claim of the shard (its generation), then from memory.
 */
export class ShardRubrics {
  private readonly byPartition = new Map<number, { generation: number; active: ActiveRubric }>();
  private readonly parsed = new Map<string, Rubric>();

  constructor(readonly base: Rubric, private readonly baseSource = "ICP_RUBRIC") {}

  /** The partition's rubric now. */
  async active(context: ShardRubricContext): Promise<ActiveRubric> {
    const cached = this.byPartition.get(context.shard.partition);
    if (cached && cached.generation === context.generation) return cached.active;
    const stored = await context.readShared(PROMOTED_RUBRIC);
    let active: ActiveRubric = { rubric: this.base, epoch: 0, source: this.baseSource };
    if (stored.epoch && stored.text && stored.hash && stored.source) {
      const epoch = Number(stored.epoch);
      active = { rubric: this.parse(stored.hash, stored.text, stored.source, epoch), epoch, source: stored.source };
    }
    this.byPartition.set(context.shard.partition, { generation: context.generation, active });
    return active;
  }

  /**
   * A promotion read on the partition: the partition's rubric from now on, and the
   * shard-wide state that keeps it — or null when the partition already runs this promotion
   * or a later one (a record read again).
   * @throws PipelineError RUBRIC_INVALID (see `promotedRubric`)
   */
  async promote(event: RubricPromotedEventV1, context: ShardRubricContext): Promise<{ active: ActiveRubric; shared: Record<string, string> } | null> {
    const current = await this.active(context);
    if (event.epoch <= current.epoch) return null;
    const rubric = this.parse(event.rubricVersion.hash, event.rubricText, event.rubricSource, event.epoch, event);
    const active: ActiveRubric = { rubric, epoch: event.epoch, source: event.rubricSource };
    this.byPartition.set(context.shard.partition, { generation: context.generation, active });
    return { active, shared: { epoch: String(event.epoch), hash: rubric.version.hash, source: event.rubricSource, text: event.rubricText, promotedAt: event.occurredAt } };
  }

  private parse(hash: string, text: string, source: string, epoch: number, event?: RubricPromotedEventV1): Rubric {
    const key = `${epoch}:${hash}`;
    let rubric = this.parsed.get(key);
    if (!rubric) {
      rubric = promotedRubric(event ?? { rubricText: text, rubricSource: source, rubricVersion: { hash }, epoch });
      this.parsed.set(key, rubric);
    }
    return rubric;
  }
}

/**
 * The combiner's view of promotions: the rubric of an epoch, looked up on the partition of
 * the rubric-control topic the first time a score of that epoch arrives (`readControl` reads
 * the partition to its end), and kept. The topic is compacted to the newest promotion per
 * partition, so an older epoch may be gone: a score of it is then superseded (null) — the
 * promotion that replaced it re-scores every account. Epoch 0 is the rubric the service started with.
 */
export class RubricEpochs {
  private readonly byPartition = new Map<number, { records: Map<number, RubricPromotedEventV1 | Rubric>; newest: number }>();

  constructor(
    readonly base: Rubric,
    private readonly readControl: (partition: number, onEvent: (event: RubricPromotedEventV1) => void) => Promise<unknown>,
  ) {}

  /**
   * The rubric of `epoch` on `partition`, or null when a later promotion replaced it and its
   * record is gone.
   * @throws PipelineError RUBRIC_UNKNOWN — no promotion of that epoch or later on the partition
   * @throws PipelineError RUBRIC_INVALID (see `promotedRubric`)
   */
  async rubricOf(partition: number, epoch: number): Promise<Rubric | null> {
    if (epoch === 0) return this.base;
    let known = this.byPartition.get(partition);
    if (!known || (!known.records.has(epoch) && epoch > known.newest)) {
      const next = { records: known?.records ?? new Map<number, RubricPromotedEventV1 | Rubric>(), newest: known?.newest ?? 0 };
      await this.readControl(partition, (event) => {
        if (!next.records.has(event.epoch)) next.records.set(event.epoch, event);
        next.newest = Math.max(next.newest, event.epoch);
      });
      this.byPartition.set(partition, next);
      known = next;
    }
    const record = known.records.get(epoch);
    if (record) {
      if ("scorecards" in record) return record;
      // Parsed when first asked for: a record that does not load fails only the scores of its epoch.
      const rubric = promotedRubric(record);
      known.records.set(epoch, rubric);
      return rubric;
    }
    if (epoch < known.newest) return null;
    throw new PipelineError("RUBRIC_UNKNOWN", `a score of rubric promotion ${epoch} arrived, and partition ${partition} of the rubric-control topic holds no promotion ${epoch} or later`);
  }
}
