import type { z } from "zod";
import { ContactsEventV1 } from "./events/contact.js";
import { EnrichmentRequestsEventV1 } from "./events/enrichment.js";
import { FirmographicEventV1 } from "./events/firmographic.js";
import { OutcomeEventV1 } from "./events/outcome.js";
import { OutcomeScoredFamilyV1 } from "./events/outcome-scored.js";
import { ParkedEventV1 } from "./events/parked.js";
import { RoutingActionV1 } from "./events/routing-action.js";
import { RubricControlEventV1 } from "./events/rubric-control.js";
import { FitScoredFamilyV1, TimingScoredFamilyV1 } from "./events/scores.js";
import { FundingEventV1, HiringEventV1, IntentEventV1 } from "./events/signals.js";
import { TierChangedFamilyV1 } from "./events/tier-changed.js";

/**
 * The topic catalog: every topic, the contract it carries, its registry subject
 * (topic-name strategy: `<topic>-value`), its key, and how Kafka keeps it. Producer and
 * consumer helpers take their types from here, so a payload that does not match its
 * topic's contract does not compile.
 *
 * Every message is keyed by the account key, so one account's events stay ordered on one
 * partition. Profiles are compacted (the newest profile per account is the truth); signals,
 * contacts (several per account, so not compacted by the account key) and outcomes are retained, because state in Redis is derived and rebuilt from Kafka.
 * The one exception is `icp.current-tier`: compacted, one record per account *and
 * scorecard*, so its key is `<accountKey>:<scorecard>` (see `MessageKey`).
 * Every topic has a dead-letter topic: what its consumers could not decode or validate
 * goes there as the original bytes, with the reason in headers.
 */
export type CleanupPolicy = "compact" | "delete";

/**
 * How a topic's message key is made from its event:
 * - `accountKey` — the account key (`acme.com`): one account's events on one partition, in order;
 * - `accountKey:scorecard` — `acme.com:enterprise`, for a compacted topic that keeps one record
 *   per account and scorecard. Account keys are domains and scorecard ids are `[a-z0-9_-]`,
 *   so neither holds a `:` and the key splits back unambiguously. Such a topic is not
 *   co-partitioned with the account-keyed ones (its consumers need no join).
 * - `parkKey` — `hubspot-company:21468920117`: parked third-party items, whose account is
 *   not known yet, keyed by the id that will name it.
 * - `controlKey` — `rubric:7`: rubric promotions, one per partition, each under a key the
 *   partitioner maps to the partition it is meant for (see `controlKeyFor`).
 */
export type MessageKey = "accountKey" | "accountKey:scorecard" | "parkKey" | "controlKey";

export interface TopicSpec<S extends z.ZodType = z.ZodType> {
  /** The Kafka topic name. */
  readonly topic: string;
  readonly schema: S;
  /** The registry subject (topic-name strategy). */
  readonly subject: string;
  /** Which event field(s) make the message key (see `MessageKey`). */
  readonly key: MessageKey;
  readonly partitions: number;
  readonly cleanupPolicy: CleanupPolicy;
  /** How long Kafka keeps messages; -1 = forever (compacted topics keep the newest per key). */
  readonly retentionMs: number;
  readonly deadLetterTopic: string;
  readonly description: string;
  /**
   * Written only by icpstream's own services, each event validated against this contract
   * before it was encoded (fit-scored, timing-scored, tier-changed, current-tier,
   * routing-actions). A consumer may trust such a message without validating it again when
   * it carries the schema id of the contract the consumer itself holds (see
   * `RegistryCodec.decode`); topics producers feed from outside are always validated.
   */
  readonly internal: boolean;
}

/** What a topic carries after decoding (defaults filled). */
export type EventOf<T extends TopicSpec> = z.output<T["schema"]>;
/** What a producer may send to a topic (defaulted fields may be left out). */
export type EventInputOf<T extends TopicSpec> = z.input<T["schema"]>;

export const DAY_MS = 86_400_000;
export const FOREVER = -1;
/** Signals decay to nothing after 90 days; a year leaves room for rebuilds and calibration. */
export const SIGNAL_RETENTION_MS = 365 * DAY_MS;
/** Dead letters wait a month for someone to look at them or replay them. */
export const DEAD_LETTER_RETENTION_MS = 30 * DAY_MS;
export const DEFAULT_PARTITIONS = 6;

export interface CatalogOptions {
  /** Prepended to every topic (tests isolate themselves with a random prefix). */
  prefix?: string;
  /** Partitions per topic (default 6); dead-letter topics get one. */
  partitions?: number;
}

function spec<S extends z.ZodType>(
  prefix: string,
  name: string,
  schema: S,
  keep: { cleanupPolicy: CleanupPolicy; retentionMs: number; partitions: number; description: string; key?: MessageKey; internal?: boolean },
): TopicSpec<S> {
  const topic = `${prefix}${name}`;
  return { topic, schema, subject: `${topic}-value`, deadLetterTopic: `${topic}.dlq`, ...keep, key: keep.key ?? "accountKey", internal: keep.internal ?? false };
}

/** The message key of an event on a topic (see `MessageKey`); the codec writes it and checks it on read. */
export function messageKeyOf(spec: Pick<TopicSpec, "key">, event: { accountKey?: string; scorecard?: string; parkKey?: string; controlKey?: string }): string {
  if (spec.key === "controlKey") {
    if (typeof event.controlKey !== "string") throw new TypeError("a topic keyed by controlKey needs events with a controlKey");
    return event.controlKey;
  }
  if (spec.key === "parkKey") {
    if (typeof event.parkKey !== "string") throw new TypeError("a topic keyed by parkKey needs events with a parkKey");
    return event.parkKey;
  }
  if (typeof event.accountKey !== "string") throw new TypeError(`a topic keyed by ${spec.key} needs events with an accountKey`);
  if (spec.key === "accountKey") return event.accountKey;
  if (typeof event.scorecard !== "string") throw new TypeError(`a topic keyed by ${spec.key} needs events with a scorecard`);
  return `${event.accountKey}:${event.scorecard}`;
}

export function topicCatalog(options: CatalogOptions = {}) {
  const p = options.prefix ?? "";
  const partitions = options.partitions ?? DEFAULT_PARTITIONS;
  return {
    firmographic: spec(p, "icp.firmographic", FirmographicEventV1, {
      cleanupPolicy: "compact",
      retentionMs: FOREVER,
      partitions,
      description: "account profiles (firmographics, technographics, organisational, anti-ICP facts); newest per account kept",
    }),
    hiring: spec(p, "icp.hiring", HiringEventV1, {
      cleanupPolicy: "delete",
      retentionMs: SIGNAL_RETENTION_MS,
      partitions,
      description: "job postings, hiring spikes, leadership changes, layoffs",
    }),
    funding: spec(p, "icp.funding", FundingEventV1, {
      cleanupPolicy: "delete",
      retentionMs: SIGNAL_RETENTION_MS,
      partitions,
      description: "funding rounds, acquisitions, strategic announcements",
    }),
    intent: spec(p, "icp.intent", IntentEventV1, {
      cleanupPolicy: "delete",
      retentionMs: SIGNAL_RETENTION_MS,
      partitions,
      description: "third-party topic surges and category research, first-party engagement, negative behaviour",
    }),
    contacts: spec(p, "icp.contacts", ContactsEventV1, {
      cleanupPolicy: "delete",
      retentionMs: FOREVER,
      partitions,
      description: "contacts inside accounts (title, seniority, department, budget authority, technical background, referral, engagement); newest record per contact id",
    }),
    outcome: spec(p, "icp.outcome", OutcomeEventV1, {
      cleanupPolicy: "delete",
      retentionMs: FOREVER,
      partitions,
      description: "opportunities created, closed-won, closed-lost (calibration)",
    }),
    fitScored: spec(p, "icp.fit-scored", FitScoredFamilyV1, {
      cleanupPolicy: "delete",
      retentionMs: SIGNAL_RETENTION_MS,
      partitions,
      description: "fit score per account and scorecard, when it changes",
      internal: true,
    }),
    timingScored: spec(p, "icp.timing-scored", TimingScoredFamilyV1, {
      cleanupPolicy: "delete",
      retentionMs: SIGNAL_RETENTION_MS,
      partitions,
      description: "timing score per account and scorecard, when a signal arrives or ages out",
      internal: true,
    }),
    tierChanged: spec(p, "icp.tier-changed", TierChangedFamilyV1, {
      cleanupPolicy: "delete",
      retentionMs: SIGNAL_RETENTION_MS,
      partitions,
      description: "public contract: an account's tier moved (subscribers dedupe by idempotency key)",
      internal: true,
    }),
    currentTier: spec(p, "icp.current-tier", TierChangedFamilyV1, {
      cleanupPolicy: "compact",
      retentionMs: FOREVER,
      partitions,
      key: "accountKey:scorecard",
      description: "the latest tier change per account and scorecard (compacted, keyed <accountKey>:<scorecard>): a new subscriber reads it from the start to learn every current tier",
      internal: true,
    }),
    outcomeScored: spec(p, "icp.outcome-scored", OutcomeScoredFamilyV1, {
      cleanupPolicy: "delete",
      retentionMs: FOREVER,
      partitions,
      description: "per opportunity and scorecard: the account's tier, total and rubric version when the opportunity was created and when it closed (newest revision wins)",
    }),
    parked: spec(p, "icp.parked", ParkedEventV1, {
      cleanupPolicy: "delete",
      retentionMs: 30 * DAY_MS,
      partitions,
      key: "parkKey",
      description: "third-party items waiting for their account's id to appear in the id → account index (keyed <system>:<id>); released by the resolver, dead-lettered past its bound",
    }),
    enrichmentRequests: spec(p, "icp.enrichment-requests", EnrichmentRequestsEventV1, {
      cleanupPolicy: "delete",
      retentionMs: DEAD_LETTER_RETENTION_MS,
      partitions,
      description: "the enrichment waterfall's requests: the next layer to enrich for an account (technographic, organisational), answered by an enrichment worker with a profile update",
    }),
    rubricControl: spec(p, "icp.rubric-control", RubricControlEventV1, {
      cleanupPolicy: "compact",
      retentionMs: FOREVER,
      partitions,
      key: "controlKey",
      description: "rubric promotions and rollbacks (`icp rubric promote`): one record per partition, read in order by fit and timing, which re-score every account they hold with it; the newest per partition kept",
    }),
    routingActions: spec(p, "icp.routing-actions", RoutingActionV1, {
      cleanupPolicy: "delete",
      retentionMs: 90 * DAY_MS,
      partitions,
      description: "what the router decided per tier change: owner + SLA, sequence, nurture, monitor",
      internal: true,
    }),
  } as const;
}

export type TopicCatalog = ReturnType<typeof topicCatalog>;

/** The topics the pipeline derives from its inputs: a shadow rubric writes its own copies of these. */
export const DERIVED_TOPIC_IDS = ["fitScored", "timingScored", "tierChanged", "currentTier", "outcomeScored"] as const;

/**
 * The catalog of a pipeline scoring with a shadow (candidate) rubric beside the live one: the
 * same input topics, and its own derived topics — `<prefix>shadow.icp.fit-scored`, … — so a
 * shadow tier change never reaches the live tier-changed topic, the router or its subscribers.
 */
export function shadowCatalog(options: CatalogOptions = {}): TopicCatalog {
  const live = topicCatalog(options);
  const shadow = topicCatalog({ ...options, prefix: `${options.prefix ?? ""}shadow.` });
  const out: Record<string, TopicSpec> = { ...live };
  for (const id of DERIVED_TOPIC_IDS) out[id] = shadow[id];
  return out as TopicCatalog;
}
export type TopicId = keyof TopicCatalog;

/** The production catalog (no prefix). */
export const TOPICS: TopicCatalog = topicCatalog();

/** The topics producers feed from outside the pipeline. */
export const INPUT_TOPIC_IDS = ["firmographic", "hiring", "funding", "intent", "contacts", "outcome"] as const satisfies readonly TopicId[];

export interface DeadLetterTopicSpec {
  readonly topic: string;
  /** The topic whose failures it holds. */
  readonly sourceTopic: string;
  readonly partitions: number;
  readonly cleanupPolicy: "delete";
  readonly retentionMs: number;
}

/** Every topic of a catalog, for listing and creation. */
export function catalogTopics(catalog: TopicCatalog): TopicSpec[] {
  return Object.values(catalog);
}

/** The dead-letter topics of a catalog: one partition each (low volume; order across partitions is not needed). */
export function deadLetterTopics(catalog: TopicCatalog): DeadLetterTopicSpec[] {
  return catalogTopics(catalog).map((t) => ({ topic: t.deadLetterTopic, sourceTopic: t.topic, partitions: 1, cleanupPolicy: "delete", retentionMs: DEAD_LETTER_RETENTION_MS }));
}

/** The event types a topic carries (its union's `type` values), in declaration order. */
export function eventTypesOf(spec: TopicSpec): string[] {
  const options = (spec.schema as unknown as { options: { shape: { type: { value: string } } }[] }).options;
  return options.map((o) => o.shape.type.value);
}
