import { describe, expect, it } from "vitest";
import { EXAMPLE_EVENTS } from "@icpstream/contracts";
import { DLQ_HEADERS } from "@icpstream/kafka-kit";
import { commitsPast, WEBHOOK_DLQ_HEADERS, webhookDeadLetterHeaders } from "./webhook-dispatch.js";

const action = EXAMPLE_EVENTS.routingActions[0]!;
const base = { action, endpointId: "crm", sourceTopic: "icp.routing-actions", group: "icp.router-webhooks", failedAt: "2026-10-20T09:00:00.000Z" };

describe("webhook dead letters", () => {
  it("say which endpoint gave up, why, after how many attempts and with which last status", () => {
    const headers = webhookDeadLetterHeaders({ ...base, reason: { code: "ATTEMPTS_EXHAUSTED", message: "6 attempts failed; last: HTTP 503", attempts: 6, lastStatus: 503 } });
    expect(headers).toMatchObject({
      [DLQ_HEADERS.code]: "WEBHOOK_ATTEMPTS_EXHAUSTED",
      [DLQ_HEADERS.reason]: "6 attempts failed; last: HTTP 503",
      [DLQ_HEADERS.retryable]: "true",
      [DLQ_HEADERS.topic]: "icp.routing-actions",
      [WEBHOOK_DLQ_HEADERS.endpoint]: "crm",
      [WEBHOOK_DLQ_HEADERS.attempts]: "6",
      [WEBHOOK_DLQ_HEADERS.lastStatus]: "503",
      [WEBHOOK_DLQ_HEADERS.deliveryId]: action.idempotencyKey,
    });
  });

  it("mark a refusal as not worth replaying as is, and leave out a status that never came", () => {
    expect(webhookDeadLetterHeaders({ ...base, reason: { code: "HTTP_REJECTED", message: "HTTP 400", attempts: 1, lastStatus: 400 } })[DLQ_HEADERS.retryable]).toBe("false");
    expect(webhookDeadLetterHeaders({ ...base, reason: { code: "QUEUE_FULL", message: "full", attempts: 0 } })).not.toHaveProperty(WEBHOOK_DLQ_HEADERS.lastStatus);
  });
});

describe("committing an action's offset", () => {
  it("is allowed once every endpoint delivered the action or has it on record as a dead letter", () => {
    expect(commitsPast({ delivered: ["crm"], deadLettered: ["sequencer"], unrecorded: [] })).toBe(true);
    expect(commitsPast({ delivered: [], deadLettered: [], unrecorded: [] })).toBe(true);
  });

  it("is held while an endpoint's dead letter could not be written, so that a restart sends the action again", () => {
    expect(commitsPast({ delivered: ["crm"], deadLettered: [], unrecorded: ["sequencer"] })).toBe(false);
  });
});
