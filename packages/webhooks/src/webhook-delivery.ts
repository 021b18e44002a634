import type { RoutingActionV1 } from "@icpstream/contracts";
import type { Logger } from "@icpstream/observability";
import { SIGNATURE_HEADER, signWebhook } from "@icpstream/routing";
import type { ResolvedWebhookEndpoint, WebhookBackoff } from "./webhook-config.js";

/**
 * Delivers routing actions to the subscribers' webhooks, off the consumer's path.
 *
 * - `enqueue` returns at once: it only puts the action on each matching endpoint's queue.
 *   A slow or failing webhook never stalls the Kafka consumer, and one endpoint never
 *   delays another (each has its own bounded queue and its own request slots).
 * - A full queue dead-letters the action (`QUEUE_FULL`) instead of blocking.
 * - Up to `concurrency` requests per endpoint, but one account at a time: a later action
 *   for an account waits until the earlier one is delivered or dead-lettered, retries
 *   included. A request in backoff gives its slot to other accounts meanwhile.
 * - Each request: POST of the action's JSON, `icp-signature` (HMAC-SHA256, signed afresh
 *   per attempt so a late retry is still inside the receiver's tolerance window),
 *   `icp-delivery-id` (the action's idempotency key — stable across redeliveries, so the
 *   receiver dedupes on it), `icp-attempt`, a timeout, redirects not followed.
 * - 2xx: delivered. 408, 429, 5xx, network error, timeout: retried with exponential backoff
 *   and jitter (Retry-After honoured, capped at `backoff.maxMs`). Any other status
 *   (3xx, 4xx): the receiver refuses this request and will refuse it again, so it is
 *   dead-lettered at once. After `maxAttempts`: dead-lettered.
 * - Log lines name the endpoint by id, never by URL (hook URLs often carry a token in
 *   the path) and never show a secret.
 * - `onSettled` (per `enqueue`) says when every endpoint's delivery of the action has ended:
 *   delivered, dead-lettered (once the dead-letter callback resolved, so the action is on
 *   record somewhere), or unrecorded (the dead-letter callback failed). The caller moves
 *   its Kafka offset on it: until then a crash must bring the action back.
 */

export type DeadLetterCode =
  /** The endpoint's queue was full when the action arrived. */
  | "QUEUE_FULL"
  /** The receiver answered with a status that retrying will not change (3xx, 4xx but 408/429). */
  | "HTTP_REJECTED"
  /** Every attempt failed with a retryable outcome. */
  | "ATTEMPTS_EXHAUSTED"
  /** The router shut down (drain timed out, or the action came after `drain`) before delivering it. */
  | "SHUTDOWN";

export interface DeadLetterReason {
  code: DeadLetterCode;
  /** For people: what the last attempt saw (`HTTP 400: unknown sequence`, `timed out after 5000 ms`). */
  message: string;
  /** Requests made, 0 when it never left the queue. */
  attempts: number;
  /** The last HTTP status received, if any request got one. */
  lastStatus?: number;
}

/** Publishes an undeliverable action (the service sends it to the dead-letter topic). */
export type DeadLetterFn = (action: RoutingActionV1, endpointId: string, reason: DeadLetterReason) => Promise<void>;

/** Hooks for counters and histograms; all optional (see `createWebhookMetrics` for Prometheus). */
export interface WebhookDeliveryMetrics {
  /** Accepted with a 2xx; `latencyMs` from enqueue to the answer, backoff included. */
  delivered?(endpointId: string, info: { attempts: number; latencyMs: number }): void;
  /** One HTTP request finished (or failed); `latencyMs` of the request alone. */
  attempted?(endpointId: string, info: { outcome: AttemptOutcome; status?: number; latencyMs: number }): void;
  /** A retry is scheduled after `delayMs`. */
  retried?(endpointId: string, info: { attempt: number; status?: number; delayMs: number }): void;
  deadLettered?(endpointId: string, code: DeadLetterCode): void;
  /** Actions waiting in the endpoint's queue (not yet sending), after each change. */
  queueDepth?(endpointId: string, depth: number): void;
}

export type AttemptOutcome = "delivered" | "retryable" | "rejected" | "stopped";

/** How one endpoint's delivery of an action ended. */
export type EndpointOutcome =
  /** The receiver answered 2xx. */
  | "delivered"
  /** Given up on, and the dead-letter callback resolved: the action is on record. */
  | "dead_lettered"
  /** Given up on, and the dead-letter callback failed (or delivery failed unexpectedly): the action is nowhere. */
  | "unrecorded";

/** Every matching endpoint's outcome for one action, by endpoint id. */
export interface Settlement {
  delivered: string[];
  deadLettered: string[];
  unrecorded: string[];
}

export interface EnqueueOptions {
  /**
   * Called once, when every endpoint the action matched has an outcome; at once (before
   * `enqueue` returns) when it matches none. Must not throw (a throw is logged and dropped).
   */
  onSettled?: (settlement: Settlement) => void;
}

export interface WebhookDelivererOptions {
  /** From `resolveWebhookSecrets`. */
  endpoints: readonly ResolvedWebhookEndpoint[];
  deadLetter: DeadLetterFn;
  logger: Logger;
  metrics?: WebhookDeliveryMetrics;
  /** Epoch ms; signs requests and reads Retry-After dates. Default `Date.now`. */
  now?: () => number;
  /** Waits `ms`, or less when `signal` aborts (then resolves, never rejects). Default: a timer. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** [0, 1): jitter. Default `Math.random`. */
  random?: () => number;
}

export interface EnqueueResult {
  /** Endpoints whose queue took the action. */
  queued: string[];
  /** Endpoints that dead-letter it at once (queue full, shutting down). */
  deadLettered: string[];
}

export interface LeftDelivery {
  endpointId: string;
  deliveryId: string;
  accountKey: string;
  state: JobState;
}

export interface DrainReport {
  /** True when everything was delivered or dead-lettered before the timeout. */
  drained: boolean;
  /** What the timeout cut short; each was dead-lettered with `SHUTDOWN`. */
  left: LeftDelivery[];
}

export interface EndpointStats {
  endpointId: string;
  queued: number;
  /** Sending, or waiting to retry. */
  started: number;
}

type JobState = "queued" | "sending" | "waiting_to_retry";

/** Reports this endpoint's outcome for the action; only the first call counts. */
type SettleFn = (outcome: EndpointOutcome) => void;

interface Job {
  readonly action: RoutingActionV1;
  readonly body: string;
  readonly enqueuedAt: number;
  readonly settle: SettleFn;
  state: JobState;
}

type AttemptResult =
  | { kind: "delivered"; status: number }
  | { kind: "retryable"; status?: number; retryAfterMs?: number; message: string }
  | { kind: "rejected"; status: number; message: string }
  | { kind: "stopped"; message: string };

const USER_AGENT = "icpstream-router";
/** Enough of a refusal's body to say why (`unknown sequence`), little enough to keep DLQ records small. */
const RESPONSE_SNIPPET_CHARS = 200;

export function defaultSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

/**
 * The wait before attempt `failedAttempt + 1`: `initialMs · factor^(failedAttempt−1)`, capped
 * at `maxMs`; with jitter, uniform in [½·d, d] ("equal jitter": spread out, never near zero).
 */
export function backoffDelayMs(backoff: WebhookBackoff, failedAttempt: number, random: () => number): number {
  const base = Math.min(backoff.maxMs, backoff.initialMs * backoff.factor ** (failedAttempt - 1));
  return backoff.jitter ? Math.round(base / 2 + (random() * base) / 2) : Math.round(base);
}

/** `Retry-After` as ms from `nowMs`: delta seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfterMs(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return `${error.message}: ${typeof code === "string" ? `${code} ` : ""}${cause.message}`;
  }
  return error.message;
}

function matches(endpoint: ResolvedWebhookEndpoint, action: RoutingActionV1): boolean {
  if (endpoint.actionTypes && !endpoint.actionTypes.includes(action.type)) return false;
  if (endpoint.scorecards && !endpoint.scorecards.includes(action.scorecard)) return false;
  return true;
}

export class WebhookDeliverer {
  private readonly lanes: EndpointLane[];
  private readonly stopController = new AbortController();
  private readonly outstandingDeadLetters = new Set<Promise<void>>();
  private readonly idleListeners: Array<() => void> = [];
  private accepting = true;
  readonly now: () => number;
  readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly random: () => number;

  constructor(private readonly options: WebhookDelivererOptions) {
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
    this.lanes = options.endpoints.map((endpoint) => new EndpointLane(endpoint, this, options.logger.child({ webhookEndpoint: endpoint.id })));
  }

  /** Aborted when a drain times out: in-flight requests and backoff waits end at once. */
  get stopSignal(): AbortSignal {
    return this.stopController.signal;
  }

  get metrics(): WebhookDeliveryMetrics {
    return this.options.metrics ?? {};
  }

  /**
   * Queues `action` for every endpoint whose filters it passes and returns without waiting
   * for any request. Never throws for a full queue: that endpoint dead-letters it.
   */
  enqueue(action: RoutingActionV1, options: EnqueueOptions = {}): EnqueueResult {
    const result: EnqueueResult = { queued: [], deadLettered: [] };
    const lanes = this.lanes.filter((lane) => matches(lane.endpoint, action));
    const settleFor = this.settlement(action, lanes.length, options.onSettled);
    let body: string | undefined;
    for (const lane of lanes) {
      body ??= JSON.stringify(action);
      if (lane.offer(action, body, this.accepting, settleFor(lane.endpoint.id))) result.queued.push(lane.endpoint.id);
      else result.deadLettered.push(lane.endpoint.id);
    }
    return result;
  }

  /** One settle function per endpoint; `onSettled` runs when all `expected` have reported. */
  private settlement(action: RoutingActionV1, expected: number, onSettled: EnqueueOptions["onSettled"]): (endpointId: string) => SettleFn {
    const settlement: Settlement = { delivered: [], deadLettered: [], unrecorded: [] };
    let remaining = expected;
    const finish = () => {
      if (!onSettled) return;
      try {
        onSettled(settlement);
      } catch (error) {
        this.options.logger.error({ err: error, deliveryId: action.idempotencyKey }, "a webhook settlement callback failed");
      }
    };
    if (expected === 0) finish();
    return (endpointId) => {
      let settled = false;
      return (outcome) => {
        if (settled) return;
        settled = true;
        (outcome === "delivered" ? settlement.delivered : outcome === "dead_lettered" ? settlement.deadLettered : settlement.unrecorded).push(endpointId);
        if (--remaining === 0) finish();
      };
    };
  }

  /** Queue and in-flight counts per endpoint (for readiness and gauges). */
  stats(): EndpointStats[] {
    return this.lanes.map((lane) => lane.stats());
  }

  /**
   * Graceful shutdown: refuses new actions (they are dead-lettered `SHUTDOWN`), then waits up
   * to `timeoutMs` for queued and in-flight deliveries, retries included. What is left when
   * time is up is aborted, dead-lettered `SHUTDOWN` and reported. Call it after the consumer
   * stopped and before the dead-letter producer disconnects.
   */
  async drain(timeoutMs: number): Promise<DrainReport> {
    this.accepting = false;
    const timer = new AbortController();
    const drained = await Promise.race([this.whenIdle().then(() => true), this.sleep(timeoutMs, timer.signal).then(() => false)]);
    timer.abort();
    if (drained) return { drained: true, left: [] };
    const left = this.lanes.flatMap((lane) => lane.leftovers());
    this.options.logger.warn({ left: left.length, timeoutMs }, "webhook drain timed out; dead-lettering what is left");
    this.stopController.abort();
    for (const lane of this.lanes) lane.abandonQueued();
    await this.whenIdle();
    return { drained: false, left };
  }

  /**
   * @internal Sends an action to the dead-letter callback, then settles the endpoint's
   * delivery (`dead_lettered`, or `unrecorded` when the callback failed) before `drain` can
   * see the deliverer idle. Never rejects (a failing callback is logged).
   */
  deadLetter(lane: EndpointLane, action: RoutingActionV1, reason: DeadLetterReason, settle: SettleFn): Promise<void> {
    const endpointId = lane.endpoint.id;
    this.metrics.deadLettered?.(endpointId, reason.code);
    lane.logger.warn({ deliveryId: action.idempotencyKey, accountKey: action.accountKey, code: reason.code, attempts: reason.attempts, lastStatus: reason.lastStatus, reason: reason.message }, "webhook delivery dead-lettered");
    const pending: Promise<void> = Promise.resolve()
      .then(() => this.options.deadLetter(action, endpointId, reason))
      .then(
        () => settle("dead_lettered"),
        (error: unknown) => {
          lane.logger.error({ err: error, deliveryId: action.idempotencyKey, code: reason.code }, "could not dead-letter a webhook delivery");
          settle("unrecorded");
        },
      )
      .finally(() => {
        this.outstandingDeadLetters.delete(pending);
        this.checkIdle();
      });
    this.outstandingDeadLetters.add(pending);
    return pending;
  }

  /** @internal Wakes `drain` once nothing is queued, started or being dead-lettered. */
  checkIdle(): void {
    if (this.outstandingDeadLetters.size > 0 || this.lanes.some((lane) => !lane.idle())) return;
    for (const listener of this.idleListeners.splice(0)) listener();
  }

  private whenIdle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleListeners.push(resolve);
      this.checkIdle();
    });
  }
}

/** One endpoint: its queue (per account, FIFO), its request slots, its retries. */
class EndpointLane {
  /** Waiting actions per account, oldest first. */
  private readonly pending = new Map<string, Job[]>();
  /** Accounts with waiting actions and none started: the next to send, in turn. */
  private readonly ready: string[] = [];
  /** Accounts with an action sending or waiting to retry. */
  private readonly busy = new Map<string, Job>();
  private queued = 0;
  private slotsInUse = 0;
  /** Retries back from their backoff, waiting for a slot; served before new actions. */
  private readonly slotWaiters: Array<() => void> = [];

  constructor(
    readonly endpoint: ResolvedWebhookEndpoint,
    private readonly deliverer: WebhookDeliverer,
    readonly logger: Logger,
  ) {}

  offer(action: RoutingActionV1, body: string, accepting: boolean, settle: SettleFn): boolean {
    if (!accepting || this.deliverer.stopSignal.aborted) {
      void this.deliverer.deadLetter(this, action, { code: "SHUTDOWN", message: "the router is shutting down and takes no new deliveries", attempts: 0 }, settle);
      return false;
    }
    if (this.queued >= this.endpoint.queueCapacity) {
      void this.deliverer.deadLetter(this, action, { code: "QUEUE_FULL", message: `webhook queue full (${this.endpoint.queueCapacity} waiting)`, attempts: 0 }, settle);
      return false;
    }
    const account = action.accountKey;
    const job: Job = { action, body, enqueuedAt: performance.now(), settle, state: "queued" };
    const list = this.pending.get(account);
    if (list) list.push(job);
    else {
      this.pending.set(account, [job]);
      if (!this.busy.has(account)) this.ready.push(account);
    }
    this.queued++;
    this.deliverer.metrics.queueDepth?.(this.endpoint.id, this.queued);
    this.pump();
    return true;
  }

  stats(): EndpointStats {
    return { endpointId: this.endpoint.id, queued: this.queued, started: this.busy.size };
  }

  idle(): boolean {
    return this.queued === 0 && this.busy.size === 0;
  }

  leftovers(): LeftDelivery[] {
    const left: LeftDelivery[] = [];
    const add = (job: Job) => left.push({ endpointId: this.endpoint.id, deliveryId: job.action.idempotencyKey, accountKey: job.action.accountKey, state: job.state });
    for (const job of this.busy.values()) add(job);
    for (const jobs of this.pending.values()) jobs.forEach(add);
    return left;
  }

  /** After a drain timeout: everything still queued is dead-lettered; waiting retries wake up and stop. */
  abandonQueued(): void {
    for (const jobs of this.pending.values()) {
      for (const job of jobs) void this.deliverer.deadLetter(this, job.action, { code: "SHUTDOWN", message: "the router shut down before this delivery was attempted", attempts: 0 }, job.settle);
    }
    this.pending.clear();
    this.ready.length = 0;
    this.queued = 0;
    this.deliverer.metrics.queueDepth?.(this.endpoint.id, 0);
    for (const wake of this.slotWaiters.splice(0)) {
      this.slotsInUse++;
      wake();
    }
    this.deliverer.checkIdle();
  }

  /** Starts actions while slots are free, one per account. */
  private pump(): void {
    while (!this.deliverer.stopSignal.aborted && this.slotsInUse < this.endpoint.concurrency && this.slotWaiters.length === 0) {
      const account = this.ready.shift();
      if (account === undefined) return;
      const jobs = this.pending.get(account);
      const job = jobs?.shift();
      if (!jobs || !job) continue;
      if (jobs.length === 0) this.pending.delete(account);
      this.queued--;
      this.deliverer.metrics.queueDepth?.(this.endpoint.id, this.queued);
      this.busy.set(account, job);
      this.slotsInUse++;
      void this.run(job);
    }
  }

  private acquireSlot(): Promise<void> {
    if (this.slotsInUse < this.endpoint.concurrency || this.deliverer.stopSignal.aborted) {
      this.slotsInUse++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.slotWaiters.push(resolve));
  }

  private releaseSlot(): void {
    const next = this.slotWaiters.shift();
    if (next) next(); // the slot passes straight to a waiting retry
    else {
      this.slotsInUse--;
      this.pump();
    }
  }

  /** One action to this endpoint, retries included; holds the account until it ends. Never rejects. */
  private async run(job: Job): Promise<void> {
    const { action } = job;
    const endpoint = this.endpoint;
    const log = this.logger.child({ accountKey: action.accountKey, deliveryId: action.idempotencyKey });
    let holdsSlot = true;
    let attempts = 0;
    let lastStatus: number | undefined;
    try {
      for (;;) {
        attempts++;
        job.state = "sending";
        const result = await this.attempt(job, attempts);
        if (result.kind === "delivered") {
          this.deliverer.metrics.delivered?.(endpoint.id, { attempts, latencyMs: performance.now() - job.enqueuedAt });
          log.debug({ attempts, status: result.status }, "webhook delivered");
          job.settle("delivered");
          return;
        }
        if (result.kind !== "stopped" && result.status !== undefined) lastStatus = result.status;
        const withStatus = (reason: DeadLetterReason): DeadLetterReason => (lastStatus === undefined ? reason : { ...reason, lastStatus });
        if (result.kind === "stopped") {
          await this.deliverer.deadLetter(this, action, withStatus({ code: "SHUTDOWN", message: result.message, attempts }), job.settle);
          return;
        }
        if (result.kind === "rejected") {
          await this.deliverer.deadLetter(this, action, withStatus({ code: "HTTP_REJECTED", message: result.message, attempts }), job.settle);
          return;
        }
        if (attempts >= endpoint.maxAttempts) {
          await this.deliverer.deadLetter(this, action, withStatus({ code: "ATTEMPTS_EXHAUSTED", message: `${attempts} attempts failed; last: ${result.message}`, attempts }), job.settle);
          return;
        }
        const delayMs =
          result.retryAfterMs !== undefined ? Math.min(endpoint.backoff.maxMs, result.retryAfterMs) : backoffDelayMs(endpoint.backoff, attempts, this.deliverer.random);
        this.deliverer.metrics.retried?.(endpoint.id, { attempt: attempts, status: result.status, delayMs });
        log.info({ attempt: attempts, status: result.status, delayMs, reason: result.message }, "webhook attempt failed; retrying");
        // Other accounts may use the slot while this one waits; this account stays held.
        job.state = "waiting_to_retry";
        this.releaseSlot();
        holdsSlot = false;
        await this.deliverer.sleep(delayMs, this.deliverer.stopSignal);
        await this.acquireSlot();
        holdsSlot = true;
        if (this.deliverer.stopSignal.aborted) {
          await this.deliverer.deadLetter(this, action, withStatus({ code: "SHUTDOWN", message: `the router shut down while waiting to retry; last: ${result.message}`, attempts }), job.settle);
          return;
        }
      }
    } catch (error) {
      // Not expected (attempt() classifies every failure); logged so it cannot vanish.
      log.error({ err: error }, "webhook delivery failed unexpectedly");
    } finally {
      // A no-op when an outcome was reported; otherwise the delivery ended without one.
      job.settle("unrecorded");
      this.busy.delete(action.accountKey);
      if (this.pending.has(action.accountKey)) this.ready.push(action.accountKey);
      if (holdsSlot) this.releaseSlot();
      else this.pump();
      this.deliverer.checkIdle();
    }
  }

  /** One POST; every outcome classified, never throws. */
  private async attempt(job: Job, attempt: number): Promise<AttemptResult> {
    const endpoint = this.endpoint;
    const stop = this.deliverer.stopSignal;
    // One controller per request, its own timer, and a listener on the shared stop signal
    // removed afterwards: AbortSignal.any over a long-lived signal leaks on Node 20/22
    // (nodejs/node#55351), and this process sends millions of requests.
    const request = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      request.abort();
    }, endpoint.timeoutMs);
    const onStop = () => request.abort();
    if (stop.aborted) request.abort();
    else stop.addEventListener("abort", onStop, { once: true });
    const started = performance.now();
    const result = await (async (): Promise<AttemptResult> => {
      try {
        const response = await fetch(endpoint.url, {
          method: "POST",
          body: job.body,
          redirect: "manual",
          signal: request.signal,
          headers: {
            "content-type": "application/json",
            [SIGNATURE_HEADER]: signWebhook({ secret: endpoint.secrets, body: job.body, now: this.deliverer.now() }),
            "icp-delivery-id": job.action.idempotencyKey,
            "icp-attempt": String(attempt),
            "user-agent": USER_AGENT,
          },
        });
        const status = response.status;
        if (status >= 200 && status < 300) {
          await response.body?.cancel().catch(() => undefined);
          return { kind: "delivered", status };
        }
        const snippet = await readSnippet(response);
        const message = `HTTP ${status}${snippet === "" ? "" : `: ${snippet}`}`;
        if (!isRetryableStatus(status)) return { kind: "rejected", status, message };
        const retryAfterMs = parseRetryAfterMs(response.headers.get("retry-after"), this.deliverer.now());
        return retryAfterMs === undefined ? { kind: "retryable", status, message } : { kind: "retryable", status, message, retryAfterMs };
      } catch (error) {
        if (stop.aborted) return { kind: "stopped", message: "the router shut down during the request" };
        if (timedOut) return { kind: "retryable", message: `timed out after ${endpoint.timeoutMs} ms` };
        return { kind: "retryable", message: `network error: ${describeError(error)}` };
      } finally {
        clearTimeout(timer);
        stop.removeEventListener("abort", onStop);
      }
    })();
    const status = result.kind === "stopped" ? undefined : result.status;
    this.deliverer.metrics.attempted?.(endpoint.id, { outcome: result.kind, status, latencyMs: performance.now() - started });
    return result;
  }
}

async function readSnippet(response: Response): Promise<string> {
  try {
    const text = await response.text();
    const flat = text.replace(/\s+/g, " ").trim();
    return flat.length > RESPONSE_SNIPPET_CHARS ? `${flat.slice(0, RESPONSE_SNIPPET_CHARS - 1)}…` : flat;
  } catch {
    return "";
  }
}
