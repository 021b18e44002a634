import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { EXAMPLE_EVENTS, type RoutingActionV1 } from "@icpstream/contracts";
import { createLogger, silentLogger, type Logger } from "@icpstream/observability";
import { verifyWebhook, type VerifyResult } from "@icpstream/routing";
import { waitFor } from "@icpstream/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { parseWebhookConfig, resolveWebhookSecrets } from "./webhook-config.js";
import { WebhookDeliverer, defaultSleep, type DeadLetterReason, type Settlement, type WebhookDelivererOptions } from "./webhook-delivery.js";

const SECRET = "whsec-test-7f3a9c1e5b";
const NOW = Date.parse("2026-10-20T09:31:12Z");

// ---------------------------------------------------------------- a real receiver on 127.0.0.1

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  deliveryId: string;
  attempt: number;
  accountKey: string;
  signature: VerifyResult;
}
type Reply = { status: number; headers?: Record<string, string>; body?: string } | "hang";

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startReceiver(respond: (request: Received) => Reply | Promise<Reply> = () => ({ status: 200 })) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const header = req.headers["icp-signature"];
      const request: Received = {
        path: req.url ?? "",
        headers: req.headers,
        body,
        deliveryId: String(req.headers["icp-delivery-id"]),
        attempt: Number(req.headers["icp-attempt"]),
        accountKey: (JSON.parse(body) as RoutingActionV1).accountKey,
        signature: verifyWebhook({ secret: SECRET, body, header: typeof header === "string" ? header : undefined, now: NOW }),
      };
      received.push(request);
      void Promise.resolve(respond(request)).then((reply) => {
        if (reply === "hang" || res.destroyed) return;
        res.writeHead(reply.status, reply.headers);
        res.end(reply.body ?? "");
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  cleanups.push(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  );
  return { url: `http://127.0.0.1:${port}`, received };
}

/** A latch a receiver waits on; `open()` lets every waiting response go. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
}

// ---------------------------------------------------------------- the deliverer under test

const template = EXAMPLE_EVENTS.routingActions[1] as RoutingActionV1; // enroll_in_sequence, enterprise

function action(n: number, accountKey = "northwind-analytics.com", overrides: Partial<RoutingActionV1> = {}): RoutingActionV1 {
  return { ...template, eventId: `ra-${n}`, idempotencyKey: `tc-${accountKey}-${n}:enroll_in_sequence`, accountKey, ...overrides } as RoutingActionV1;
}

interface DeadLetter {
  deliveryId: string;
  endpointId: string;
  reason: DeadLetterReason;
}

function deliverer(endpoints: Array<Record<string, unknown>>, options: Partial<WebhookDelivererOptions> = {}) {
  const config = parseWebhookConfig({ endpoints: endpoints.map((e) => ({ secretEnv: "ICP_TEST_WEBHOOK_SECRET", ...e })) });
  const deadLetters: DeadLetter[] = [];
  const delays: number[] = [];
  const delivered: Array<{ endpointId: string; attempts: number }> = [];
  const retried: Array<{ endpointId: string; delayMs: number }> = [];
  const instance = new WebhookDeliverer({
    endpoints: resolveWebhookSecrets(config, { ICP_TEST_WEBHOOK_SECRET: SECRET }),
    deadLetter: async (a, endpointId, reason) => void deadLetters.push({ deliveryId: a.idempotencyKey, endpointId, reason }),
    logger: silentLogger(),
    now: () => NOW,
    // Backoff waits are recorded and skipped: retry tests run instantly.
    sleep: async (ms) => void delays.push(ms),
    random: () => 0.5,
    metrics: {
      delivered: (endpointId, { attempts }) => delivered.push({ endpointId, attempts }),
      retried: (endpointId, { delayMs }) => retried.push({ endpointId, delayMs }),
    },
    ...options,
  });
  // Whatever a test leaves hanging is aborted before its receiver closes.
  cleanups.push(() => instance.drain(0));
  return { instance, deadLetters, delays, delivered, retried };
}

// ---------------------------------------------------------------- tests

describe("WebhookDeliverer", () => {
  it("a receiver gets the action's JSON with a signature it verifies, the delivery id to dedupe on and the attempt number", async () => {
    const receiver = await startReceiver();
    const { instance, delivered, deadLetters } = deliverer([{ id: "crm", url: `${receiver.url}/icp/actions` }]);
    const sent = action(1);

    expect(instance.enqueue(sent)).toEqual({ queued: ["crm"], deadLettered: [] });
    await waitFor(() => delivered.length === 1, { what: "the delivery", intervalMs: 5 });

    const [request] = receiver.received;
    expect(request?.signature).toEqual({ ok: true, timestamp: NOW / 1000 });
    expect(JSON.parse(request?.body ?? "")).toEqual(sent);
    expect(request?.path).toBe("/icp/actions");
    expect(request?.headers).toMatchObject({ "content-type": "application/json", "icp-delivery-id": sent.idempotencyKey, "icp-attempt": "1", "user-agent": "icpstream-router" });
    expect(deadLetters).toEqual([]);
  });

  it("a 500 then a 200 is retried after a jittered backoff and delivered once", async () => {
    const receiver = await startReceiver(({ attempt }) => ({ status: attempt === 1 ? 500 : 200 }));
    const { instance, delivered, delays, deadLetters } = deliverer([{ id: "crm", url: receiver.url }]);

    instance.enqueue(action(1));
    await waitFor(() => delivered.length === 1, { what: "the delivery", intervalMs: 5 });

    expect(receiver.received.map((r) => [r.deliveryId, r.attempt])).toEqual([
      [action(1).idempotencyKey, 1],
      [action(1).idempotencyKey, 2],
    ]);
    expect(receiver.received.every((r) => r.signature.ok)).toBe(true);
    expect(delays).toEqual([375]); // 500 ms, equal jitter at random 0.5 → ½·500 + 0.5·½·500
    expect(delivered).toEqual([{ endpointId: "crm", attempts: 2 }]);
    expect(deadLetters).toEqual([]);
  });

  it("a 400 is dead-lettered at once, without a retry, with the receiver's reason", async () => {
    const receiver = await startReceiver(() => ({ status: 400, body: "unknown sequence seq-tier2-revops" }));
    const { instance, deadLetters, delays } = deliverer([{ id: "crm", url: receiver.url }]);

    instance.enqueue(action(1));
    await waitFor(() => deadLetters.length === 1, { what: "the dead letter", intervalMs: 5 });

    expect(receiver.received).toHaveLength(1);
    expect(delays).toEqual([]);
    expect(deadLetters[0]).toEqual({
      deliveryId: action(1).idempotencyKey,
      endpointId: "crm",
      reason: { code: "HTTP_REJECTED", message: "HTTP 400: unknown sequence seq-tier2-revops", attempts: 1, lastStatus: 400 },
    });
  });

  it("every 503 backs off exponentially up to maxMs and is dead-lettered after maxAttempts with the last status", async () => {
    const receiver = await startReceiver(() => ({ status: 503 }));
    const { instance, deadLetters, delays, retried } = deliverer([{ id: "crm", url: receiver.url, maxAttempts: 4, backoff: { initialMs: 100, factor: 2, maxMs: 300, jitter: false } }]);

    instance.enqueue(action(1));
    await waitFor(() => deadLetters.length === 1, { what: "the dead letter", intervalMs: 5 });

    expect(receiver.received.map((r) => r.attempt)).toEqual([1, 2, 3, 4]);
    expect(delays).toEqual([100, 200, 300]);
    expect(retried).toHaveLength(3);
    expect(deadLetters[0]?.reason).toEqual({ code: "ATTEMPTS_EXHAUSTED", message: "4 attempts failed; last: HTTP 503", attempts: 4, lastStatus: 503 });
  });

  it("a receiver that never answers times out, is retried, and is dead-lettered with every attempt counted", async () => {
    const receiver = await startReceiver(() => "hang");
    const { instance, deadLetters, delays } = deliverer([{ id: "crm", url: receiver.url, timeoutMs: 50, maxAttempts: 3 }]);

    instance.enqueue(action(1));
    await waitFor(() => deadLetters.length === 1, { what: "the dead letter", intervalMs: 5 });

    expect(receiver.received.map((r) => r.attempt)).toEqual([1, 2, 3]);
    expect(delays).toHaveLength(2);
    expect(deadLetters[0]?.reason).toEqual({ code: "ATTEMPTS_EXHAUSTED", message: "3 attempts failed; last: timed out after 50 ms", attempts: 3 });
  });

  it("an endpoint that refuses connections is retried as a network error", async () => {
    const receiver = await startReceiver();
    const { url } = receiver;
    await cleanups.pop()?.(); // close it: the port now refuses
    const { instance, deadLetters } = deliverer([{ id: "crm", url, maxAttempts: 2 }]);

    instance.enqueue(action(1));
    await waitFor(() => deadLetters.length === 1, { what: "the dead letter", intervalMs: 5 });

    expect(deadLetters[0]?.reason).toMatchObject({ code: "ATTEMPTS_EXHAUSTED", attempts: 2 });
    expect(deadLetters[0]?.reason.message).toContain("network error");
  });

  it("Retry-After is honoured, in seconds or as a date, and capped at backoff.maxMs", async () => {
    const replies: Reply[] = [
      { status: 429, headers: { "retry-after": "7" } },
      { status: 503, headers: { "retry-after": new Date(NOW + 20_000).toUTCString() } },
      { status: 503, headers: { "retry-after": "3600" } },
      { status: 200 },
    ];
    const receiver = await startReceiver(({ attempt }) => replies[attempt - 1] ?? { status: 200 });
    const { instance, delivered, delays } = deliverer([{ id: "crm", url: receiver.url, backoff: { maxMs: 60_000 } }]);

    instance.enqueue(action(1));
    await waitFor(() => delivered.length === 1, { what: "the delivery", intervalMs: 5 });

    expect(delays).toEqual([7000, 20_000, 60_000]);
  });

  it("a slow endpoint delays neither enqueue nor another endpoint", async () => {
    const release = gate();
    const slow = await startReceiver(async () => {
      await release.opened;
      return { status: 200 };
    });
    const fast = await startReceiver();
    const { instance, delivered } = deliverer([
      { id: "slow", url: slow.url },
      { id: "fast", url: fast.url },
    ]);

    const results = [1, 2, 3].map((n) => instance.enqueue(action(n, `account-${n}.com`)));
    expect(results.every((r) => !(r instanceof Promise) && r.queued.length === 2)).toBe(true);

    await waitFor(() => fast.received.length === 3 && delivered.filter((d) => d.endpointId === "fast").length === 3, { what: "the fast endpoint's deliveries", intervalMs: 5 });
    expect(slow.received.length).toBeLessThanOrEqual(3);
    expect(delivered.filter((d) => d.endpointId === "slow")).toEqual([]);

    release.open();
    await waitFor(() => delivered.filter((d) => d.endpointId === "slow").length === 3, { what: "the slow endpoint's deliveries", intervalMs: 5 });
  });

  it("one account's actions arrive in order and one at a time, retries included, while other accounts use the other slots", async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const inFlightByAccount = new Map<string, number>();
    let maxPerAccount = 0;
    const accepted: Received[] = [];
    const receiver = await startReceiver(async (request) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const mine = (inFlightByAccount.get(request.accountKey) ?? 0) + 1;
      inFlightByAccount.set(request.accountKey, mine);
      maxPerAccount = Math.max(maxPerAccount, mine);
      // Answers in a different order than requests came: each account's first action is the slowest.
      const index = Number(request.deliveryId.split("-").at(-1)?.split(":")[0]);
      await new Promise((resolve) => setTimeout(resolve, index === 1 ? 20 : 2));
      inFlight--;
      inFlightByAccount.set(request.accountKey, mine - 1);
      // a.com's second action fails once: a.com's third must still wait for it.
      if (request.accountKey === "a.com" && index === 2 && request.attempt === 1) return { status: 502 };
      accepted.push(request);
      return { status: 200 };
    });
    const { instance, delivered } = deliverer([{ id: "crm", url: receiver.url, concurrency: 4 }]);

    for (let n = 1; n <= 5; n++) for (const account of ["a.com", "b.com", "c.com"]) instance.enqueue(action(n, account));
    await waitFor(() => delivered.length === 15, { what: "15 deliveries", intervalMs: 5 });

    for (const account of ["a.com", "b.com", "c.com"]) {
      expect(accepted.filter((r) => r.accountKey === account).map((r) => r.deliveryId)).toEqual([1, 2, 3, 4, 5].map((n) => action(n, account).idempotencyKey));
    }
    expect(maxPerAccount).toBe(1);
    expect(maxInFlight).toBeGreaterThan(1);
  });

  it("a full queue dead-letters the overflow with QUEUE_FULL instead of blocking", async () => {
    const release = gate();
    const receiver = await startReceiver(async () => {
      await release.opened;
      return { status: 200 };
    });
    const { instance, deadLetters, delivered } = deliverer([{ id: "crm", url: receiver.url, concurrency: 1, queueCapacity: 2 }]);

    const results = [1, 2, 3, 4].map((n) => instance.enqueue(action(n, `account-${n}.com`)));

    // The first is sending (it left the queue), the next two wait, the fourth finds the queue full.
    expect(results.map((r) => r.queued.length)).toEqual([1, 1, 1, 0]);
    expect(results[3]).toEqual({ queued: [], deadLettered: ["crm"] });
    expect(instance.stats()).toEqual([{ endpointId: "crm", queued: 2, started: 1 }]);
    await waitFor(() => deadLetters.length === 1, { what: "the dead letter", intervalMs: 5 });
    expect(deadLetters[0]).toEqual({ deliveryId: action(4, "account-4.com").idempotencyKey, endpointId: "crm", reason: { code: "QUEUE_FULL", message: "webhook queue full (2 waiting)", attempts: 0 } });

    release.open();
    await waitFor(() => delivered.length === 3, { what: "the three queued deliveries", intervalMs: 5 });
  });

  it("actions go only to the endpoints whose action types and scorecards they match", async () => {
    const receiver = await startReceiver();
    const { instance, delivered } = deliverer([
      { id: "sequencer", url: `${receiver.url}/seq`, actionTypes: ["enroll_in_sequence"] },
      { id: "plg-crm", url: `${receiver.url}/crm`, scorecards: ["plg"] },
      { id: "everything", url: `${receiver.url}/all` },
    ]);

    expect(instance.enqueue(action(1)).queued).toEqual(["sequencer", "everything"]);
    expect(instance.enqueue(action(2, "northwind-analytics.com", { type: "monitor", scorecard: "plg" } as Partial<RoutingActionV1>)).queued).toEqual(["plg-crm", "everything"]);
    await waitFor(() => delivered.length === 4, { what: "four deliveries", intervalMs: 5 });
    expect(receiver.received.map((r) => r.path).sort()).toEqual(["/all", "/all", "/crm", "/seq"]);
  });

  it("drain waits for an in-flight delivery, then refuses new actions", async () => {
    const release = gate();
    const receiver = await startReceiver(async () => {
      await release.opened;
      return { status: 204 };
    });
    // A real timer for the drain's timeout, long enough never to fire here.
    const { instance, delivered, deadLetters } = deliverer([{ id: "crm", url: receiver.url }], { sleep: defaultSleep });

    instance.enqueue(action(1));
    await waitFor(() => receiver.received.length === 1, { what: "the request to arrive", intervalMs: 5 });
    let settled = false;
    const draining = instance.drain(30_000).then((report) => {
      settled = true;
      return report;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);

    release.open();
    expect(await draining).toEqual({ drained: true, left: [] });
    expect(delivered).toHaveLength(1);

    expect(instance.enqueue(action(2))).toEqual({ queued: [], deadLettered: ["crm"] });
    await waitFor(() => deadLetters.length === 1, { what: "the dead letter", intervalMs: 5 });
    expect(deadLetters[0]?.reason).toMatchObject({ code: "SHUTDOWN", attempts: 0 });
  });

  it("a drain that times out aborts what is left, dead-letters it SHUTDOWN and reports it", async () => {
    const receiver = await startReceiver(() => "hang");
    const { instance, deadLetters } = deliverer([{ id: "crm", url: receiver.url, concurrency: 1 }]);

    instance.enqueue(action(1, "a.com"));
    instance.enqueue(action(2, "b.com"));
    await waitFor(() => receiver.received.length === 1, { what: "the first request to arrive", intervalMs: 5 });
    const report = await instance.drain(1000); // the injected sleep ends the wait at once

    expect(report).toEqual({
      drained: false,
      left: [
        { endpointId: "crm", deliveryId: action(1, "a.com").idempotencyKey, accountKey: "a.com", state: "sending" },
        { endpointId: "crm", deliveryId: action(2, "b.com").idempotencyKey, accountKey: "b.com", state: "queued" },
      ],
    });
    expect(deadLetters.map((d) => [d.deliveryId, d.reason.code, d.reason.attempts]).sort()).toEqual([
      [action(1, "a.com").idempotencyKey, "SHUTDOWN", 1],
      [action(2, "b.com").idempotencyKey, "SHUTDOWN", 0],
    ]);
  });

  it("a failing dead-letter callback is logged and does not break delivery", async () => {
    const receiver = await startReceiver(({ accountKey }) => ({ status: accountKey === "bad.com" ? 410 : 200 }));
    const { logger, lines } = captureLogger();
    const { instance, delivered } = deliverer([{ id: "crm", url: receiver.url }], {
      logger,
      deadLetter: () => Promise.reject(new Error("dead-letter topic unavailable")),
    });

    instance.enqueue(action(1, "bad.com"));
    instance.enqueue(action(2, "good.com"));
    await waitFor(() => delivered.length === 1 && lines.some((l) => l.includes("could not dead-letter")), { what: "the delivery and the logged failure", intervalMs: 5 });
    expect(await instance.drain(1000)).toEqual({ drained: true, left: [] });
  });

  it("the secret and the hook URL's path never appear in the log output", async () => {
    const token = "T0KEN-in-hook-path";
    const receiver = await startReceiver(({ attempt }) => (attempt === 1 ? { status: 500, body: "try again" } : { status: 400, body: "bad" }));
    const { logger, lines } = captureLogger();
    const { instance, deadLetters } = deliverer([{ id: "crm", url: `${receiver.url}/hooks/${token}` }], { logger });

    instance.enqueue(action(1));
    await waitFor(() => deadLetters.length === 1, { what: "the dead letter", intervalMs: 5 });
    logger.info({ endpoints: instance.stats() }, "stats");

    const output = lines.join("");
    expect(output).toContain("webhook attempt failed; retrying");
    expect(output).toContain("webhook delivery dead-lettered");
    expect(output).not.toContain(SECRET);
    expect(output).not.toContain(token);
  });
});

describe("WebhookDeliverer settlement (when the caller may commit the action's offset)", () => {
  /** Enqueues `sent` and records each settlement it gets. */
  function enqueueRecording(instance: WebhookDeliverer, sent: RoutingActionV1): Settlement[] {
    const settlements: Settlement[] = [];
    instance.enqueue(sent, { onSettled: (settlement) => settlements.push(settlement) });
    return settlements;
  }

  it("an action is settled once, after its last endpoint ends: one delivered, one dead-lettered only once the dead letter is written", async () => {
    const writeDeadLetter = gate();
    const receiver = await startReceiver(({ path }) => ({ status: path === "/crm" ? 200 : 400 }));
    const deadLetterStarted: string[] = [];
    const { instance, delivered } = deliverer(
      [
        { id: "crm", url: `${receiver.url}/crm` },
        { id: "sequencer", url: `${receiver.url}/seq` },
      ],
      {
        deadLetter: async (a, endpointId) => {
          deadLetterStarted.push(endpointId);
          await writeDeadLetter.opened;
        },
      },
    );

    const settlements = enqueueRecording(instance, action(1));
    await waitFor(() => delivered.length === 1 && deadLetterStarted.length === 1, { what: "the delivery and the dead letter under way", intervalMs: 5 });
    expect(settlements).toEqual([]);

    writeDeadLetter.open();
    await waitFor(() => settlements.length === 1, { what: "the settlement", intervalMs: 5 });
    expect(settlements).toEqual([{ delivered: ["crm"], deadLettered: ["sequencer"], unrecorded: [] }]);
  });

  it("a delivery waiting for its receiver's answer, or retrying, is not settled until it gets a 2xx", async () => {
    const answer = gate();
    const receiver = await startReceiver(async ({ attempt }) => {
      if (attempt === 1) return { status: 503 };
      await answer.opened;
      return { status: 200 };
    });
    const { instance } = deliverer([{ id: "crm", url: receiver.url }]);

    const settlements = enqueueRecording(instance, action(1));
    await waitFor(() => receiver.received.length === 2, { what: "the retry to arrive", intervalMs: 5 });
    expect(settlements).toEqual([]);

    answer.open();
    await waitFor(() => settlements.length === 1, { what: "the settlement", intervalMs: 5 });
    expect(settlements[0]).toEqual({ delivered: ["crm"], deadLettered: [], unrecorded: [] });
  });

  it("a dead letter that could not be written settles as unrecorded, so the caller keeps the action's offset", async () => {
    const receiver = await startReceiver(() => ({ status: 410 }));
    const { instance } = deliverer([{ id: "crm", url: receiver.url }], { deadLetter: () => Promise.reject(new Error("dead-letter topic unavailable")) });

    const settlements = enqueueRecording(instance, action(1));
    await waitFor(() => settlements.length === 1, { what: "the settlement", intervalMs: 5 });
    expect(settlements[0]).toEqual({ delivered: [], deadLettered: [], unrecorded: ["crm"] });
  });

  it("an action no endpoint subscribes to is settled before enqueue returns", async () => {
    const receiver = await startReceiver();
    const { instance } = deliverer([{ id: "plg-crm", url: receiver.url, scorecards: ["plg"] }]);

    const settlements = enqueueRecording(instance, action(1));
    expect(settlements).toEqual([{ delivered: [], deadLettered: [], unrecorded: [] }]);
  });

  it("an action refused by a full queue is settled as dead-lettered", async () => {
    const release = gate();
    const receiver = await startReceiver(async () => {
      await release.opened;
      return { status: 200 };
    });
    const { instance } = deliverer([{ id: "crm", url: receiver.url, concurrency: 1, queueCapacity: 1 }]);

    const first = enqueueRecording(instance, action(1, "a.com"));
    enqueueRecording(instance, action(2, "b.com"));
    const overflow = enqueueRecording(instance, action(3, "c.com"));
    await waitFor(() => overflow.length === 1, { what: "the overflow's settlement", intervalMs: 5 });
    expect(overflow[0]).toEqual({ delivered: [], deadLettered: ["crm"], unrecorded: [] });
    expect(first).toEqual([]);
    release.open();
  });

  it("every action a timed-out drain cuts short is settled by the time drain returns", async () => {
    const receiver = await startReceiver(() => "hang");
    const { instance } = deliverer([{ id: "crm", url: receiver.url, concurrency: 1 }]);

    const sending = enqueueRecording(instance, action(1, "a.com"));
    const queued = enqueueRecording(instance, action(2, "b.com"));
    await waitFor(() => receiver.received.length === 1, { what: "the first request to arrive", intervalMs: 5 });
    await instance.drain(1000); // the injected sleep ends the wait at once

    expect([...sending, ...queued]).toEqual([
      { delivered: [], deadLettered: ["crm"], unrecorded: [] },
      { delivered: [], deadLettered: ["crm"], unrecorded: [] },
    ]);
  });
});

function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger({ service: "router", level: "debug", destination: { write: (line: string) => void lines.push(line) } });
  return { logger, lines };
}
