import type { Logger } from "pino";
import type { EventInputOf, EventOf, TopicSpec } from "@icpstream/contracts";
import type { ShardRef } from "@icpstream/redis-kit";
import type { ClassifiedError } from "../errors.js";

/**
 * The port a stateful service implements (what it decides), and the hooks it may watch
 * (what happened). The consumer (`runStatefulConsumer`) does the rest.
 */
export interface Output {
  spec: TopicSpec;
  event: unknown;
  /**
   * Outputs of one topic with the same coalesce key are states of one thing (an account's fit
   * score for a scorecard; its current tier): within one batch slice only the last of them is
   * published, as Kafka Streams' record cache forwards only the latest value per key. Leave
   * it out for outputs that are each told (tier changes with their gap-free versions, routing
   * actions). See `apply-batch.ts`.
   */
  coalesceKey?: string;
}

/** Typed helper to build an output: `output(TOPICS.tierChanged, event)` checks the event against the topic. */
export function output<T extends TopicSpec>(spec: T, event: EventInputOf<T>, options: { coalesceKey?: string } = {}): Output {
  return options.coalesceKey === undefined ? { spec, event } : { spec, event, coalesceKey: options.coalesceKey };
}

export interface HandlerResult {
  /** Fields to set / remove in the account's state hash. */
  state?: { set?: Record<string, string>; del?: string[] };
  outputs?: readonly Output[];
  /** When the account next needs a clock-driven re-evaluation (epoch ms); null unschedules; undefined leaves it. */
  scheduleAt?: number | null;
  /**
   * Shard-wide state by name (e.g. the router's round-robin cursors), written in the same
   * atomic step. The names `outbox`, `catchup` and `catchup-accounts` are reserved.
   */
  shared?: Readonly<Record<string, { set?: Record<string, string>; del?: string[] }>>;
}

export interface EventContext {
  shard: ShardRef;
  topic: string;
  partition: number;
  offset: string;
  /**
   * How far the shard has read its inputs, this message included: the sum over its topics
   * of (applied offset + 1). It grows with every message, and a replay of the same log
   * reaches the same value at the same point, so outputs can carry it to order themselves
   * where their instants are equal (a late duplicate from a fenced member then loses).
   */
  position: bigint;
  /** The service clock (epoch ms), read once per batch slice: its messages are decided at the instant it starts. */
  now: number;
  logger: Logger;
  /** Reads shard-wide state by name (see `HandlerResult.shared`). */
  readShared(name: string): Promise<Record<string, string>>;
  /**
   * The fencing generation this member holds the shard with: a new claim (here or after
   * another member) has a new one, so what a handler cached about a shard under an older
   * generation must be read again from the shard's state.
   */
  generation: number;
}

export interface AccountContext {
  shard: ShardRef;
  now: number;
  logger: Logger;
  /** The shard's position: see `EventContext.position`. */
  position: bigint;
  /** See `EventContext.readShared`. */
  readShared(name: string): Promise<Record<string, string>>;
  /** See `EventContext.generation`. */
  generation: number;
}

/**
 * What a control record (a topic keyed by `controlKey`: a rubric promotion) decided for the
 * whole shard: shard-wide state to write with its offset, and whether every account the
 * shard holds must be decided again (`StatefulHandler.rescore`).
 */
export interface ControlResult {
  shared?: HandlerResult["shared"];
  rescoreEveryAccount?: boolean;
}

/** Settles one account after a quiet replay: its effects are written and its outputs published. */
export type CatchUpSettler = (accountKey: string, state: Record<string, string>, context: AccountContext) => HandlerResult | Promise<HandlerResult>;

export interface StatefulHandler<S extends TopicSpec> {
  /** Computes the effects of one event from the account's current state. Pure apart from `logger`. */
  onEvent(event: EventOf<S>, state: Record<string, string>, context: EventContext): HandlerResult | Promise<HandlerResult>;
  /** Clock-driven re-evaluation of an account whose scheduled time has come. */
  onDue?(accountKey: string, state: Record<string, string>, context: AccountContext): HandlerResult | Promise<HandlerResult>;
  /**
   * Opt-in quiet replay after lost state (see `replay-quietly.ts`). `begin` is called once
   * per shard when its replay reached the target, with every account the replay touched;
   * the settler it returns is called once per account, in slices.
   */
  catchUp?: {
    begin(shard: ShardRef, accountKeys: readonly string[], context: { now: number; logger: Logger }): CatchUpSettler | Promise<CatchUpSettler>;
  };
  /**
   * A control record among the inputs (see `ControlResult`), decided in order with the
   * shard's other messages. A handler without it dead-letters control records.
   */
  onControl?(event: EventOf<S>, context: EventContext): ControlResult | Promise<ControlResult>;
  /**
   * Re-decides every account of a shard after a control record asked for it (see
   * `rescore-shard.ts`): `begin` once per run with the accounts to go through, the settler
   * it returns once per account, in slices, interleaved with the shard's messages.
   */
  rescore?: {
    begin(shard: ShardRef, accountKeys: readonly string[], context: { now: number; logger: Logger; generation: number; readShared(name: string): Promise<Record<string, string>> }): CatchUpSettler | Promise<CatchUpSettler>;
  };
}

export interface StatefulConsumerHooks {
  onEventIn?(topic: string): void;
  onEventOut?(topic: string, count: number): void;
  onDeadLetter?(topic: string, failure: ClassifiedError): void;
  onProcessed?(topic: string, seconds: number): void;
  onLag?(topic: string, partition: number, lag: number): void;
  /** The group's new assignment for this member: topic → partitions. */
  onAssignment?(assignment: Readonly<Record<string, readonly number[]>>): void;
  /** A shard claimed in a quiet replay (detail: its topics with a target) or done with one (detail: accounts settled). */
  onCatchUp?(partition: number, phase: "started" | "settled", detail: number): void;
  /** A shard began re-deciding every account (detail: how many) or finished (detail: how many were re-decided). */
  onRescore?(partition: number, phase: "started" | "finished", detail: number): void;
}
