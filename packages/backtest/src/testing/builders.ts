import { AccountProfile, rubricFromValue } from "@icpstream/scoring";
import type { AccountProfileInput, LoadedScorecard, Rubric, Signal } from "@icpstream/scoring";
import type { OutcomeEventV1 } from "@icpstream/contracts";
import type { Opportunity } from "../outcomes/opportunity.js";

/**
 * Builders for the package's tests: a small rubric of our own (never a shipped one, whose
 * numbers change with the scoring engine's semantics), profiles, signals, opportunities.
 */
export function testRubric(overrides: Record<string, unknown> = {}): Rubric {
  return rubricFromValue(
    {
      label: "test",
      scorecards: {
        test: {
          name: "Test",
          fit: { firmographics: { max: 30, industry: [{ values: ["software"], points: 30 }] } },
          timing: { layers: { intent: { max: 20, rules: [{ id: "demo", signal: "demo_request", points: 20 }] } } },
          weights: { fit: 0.5, timing: 0.5 },
          holdWithoutTiming: false,
          strongIntentLift: false,
          tiers: [
            { id: "a", name: "Tier A", min: 70, action: "call" },
            { id: "b", name: "Tier B", min: 40, action: "sequence" },
            { id: "c", name: "Tier C", min: 0, action: "nurture" },
          ],
          ...overrides,
        },
      },
    },
    "test.yaml",
  );
}

export const cardOf = (rubric: Rubric): LoadedScorecard => rubric.scorecards[0] as LoadedScorecard;

export function profileOf(accountKey: string, input: Partial<AccountProfileInput> = {}): AccountProfile {
  return AccountProfile.parse({ accountKey, ...input });
}

let counter = 0;
export function demoRequest(accountKey: string, occurredAt: string): Signal {
  counter += 1;
  return { type: "demo_request", eventId: `demo-${counter}`, accountKey, occurredAt };
}

export function opportunity(fields: Partial<Opportunity> & { accountKey: string; opportunityId: string; stage: Opportunity["stage"] }): Opportunity {
  const createdAt = fields.createdAt ?? "2026-03-01T00:00:00.000Z";
  const closedAt = fields.stage === "open" ? undefined : (fields.closedAt ?? "2026-04-01T00:00:00.000Z");
  return { createdAt, ...fields, ...(closedAt ? { closedAt } : {}) } as Opportunity;
}

const envelope = (eventId: string, accountKey: string, occurredAt: string) => ({ eventId, accountKey, occurredAt, observedAt: occurredAt, source: "crm", schemaVersion: 1 as const });
export const created = (eventId: string, opportunityId: string, accountKey: string, createdAt: string, extra: Record<string, unknown> = {}): OutcomeEventV1 =>
  ({ type: "opportunity_created", ...envelope(eventId, accountKey, createdAt), opportunityId, createdAt, ...extra }) as OutcomeEventV1;
export const won = (eventId: string, opportunityId: string, accountKey: string, createdAt: string, closedAt: string, amountUsd = 1000): OutcomeEventV1 =>
  ({ type: "opportunity_closed_won", ...envelope(eventId, accountKey, closedAt), opportunityId, createdAt, closedAt, amountUsd }) as OutcomeEventV1;
export const lost = (eventId: string, opportunityId: string, accountKey: string, createdAt: string, closedAt: string): OutcomeEventV1 =>
  ({ type: "opportunity_closed_lost", ...envelope(eventId, accountKey, closedAt), opportunityId, createdAt, closedAt }) as OutcomeEventV1;
