import { AccountProfileEventV1, ContactEventV1, FundingEventV1, HiringEventV1, IntentEventV1 } from "@icpstream/contracts";
import type { SignalEventV1 } from "@icpstream/contracts";
import { DAY_MS, rubricFromValue } from "@icpstream/scoring";
import type { Rubric } from "@icpstream/scoring";

/** Builders for the pipeline's tests: one two-scorecard rubric that exercises every timing path, and events. */
export const NOW = Date.parse("2026-11-01T00:00:00.000Z");
export const HOUR_MS = 3_600_000;
export const at = (ms: number) => new Date(ms).toISOString();
export const daysBefore = (days: number, from = NOW) => at(from - days * DAY_MS);

/**
 * `sales`: fit out of 30 with a hard floor; timing with a step-decaying strong trigger, an
 * intent layer whose pricing visits never decay but reset after 30 quiet days (kept awake
 * by short-lived content downloads), a short-lived burst of webinars that is strong intent, and a half-life negative layer.
 * `plg`: a formula over fit and the intent layer's 0–100 score, with its own decay.
 */
export const RUBRIC_VALUE = {
  label: "pipeline test",
  scorecards: {
    sales: {
      name: "Sales-led",
      fit: {
        firmographics: {
          max: 30,
          industry: [
            { values: ["software"], points: 20 },
            { values: ["retail"], points: 5 },
          ],
          employeeCount: [{ min: 50, max: 5000, points: 10 }],
        },
        // The committee moves fit only for accounts below the firmographic maximum (outOf stays 30).
        organisational: { max: 10, committee: { roles: { economic_buyer: 3, champion: 3, technical_evaluator: 2, user: 1 }, bestContact: { minScore: 30, points: 2 } } },
        outOf: 30,
        antiIcp: { hard: [{ when: "employeeCountBelow", value: 10, reason: "below minimum viable size" }] },
      },
      contacts: {
        budgetAuthority: 20,
        technicalBackground: 15,
        referredByCustomer: 25,
        engaged: { points: 15, decay: { kind: "step", steps: [{ upToDays: 30, factor: 1 }, { upToDays: 60, factor: 0.5 }] } },
        roles: { economic_buyer: { budgetAuthority: true }, champion: { titles: ["revops"], referredByCustomer: true }, technical_evaluator: { technicalBackground: true }, user: { departments: ["sales"] } },
      },
      timing: {
        layers: {
          triggers: { max: 20, rules: [{ id: "funding", signal: "funding_round", points: 20, strong: true, label: "fresh funding" }] },
          intent: {
            max: 20,
            resetAfterInactiveDays: 30,
            decay: { kind: "none" },
            rules: [
              { id: "pricing", signal: "pricing_page_visit", points: 5, label: "pricing visits" },
              { id: "content", signal: "content_download", points: 4, combine: "sum", cap: 10, decay: { kind: "step", steps: [{ upToDays: 10, factor: 1 }] }, label: "content" },
            ],
          },
          surge: {
            max: 15,
            decay: { kind: "step", steps: [{ upToDays: 3, factor: 1 }, { upToDays: 6, factor: 0.5 }] },
            rules: [{ id: "webinar-burst", signal: "webinar_attended", points: 1, burst: { count: 3, withinDays: 7, points: 15 }, strong: "burst", label: "3 webinars in a week" }],
          },
          negative: { min: -10, rules: [{ id: "careers", signal: "careers_page_visit", points: -5, decay: { kind: "half_life", halfLifeDays: 7, maxAgeDays: 28 }, label: "careers page" }] },
        },
      },
      tiers: [
        { id: "tier1", name: "Tier 1", min: 75, action: "route" },
        { id: "tier2", name: "Tier 2", min: 50, action: "sequence" },
        { id: "tier3", name: "Tier 3", min: 0, action: "nurture" },
      ],
    },
    plg: {
      name: "PLG",
      fit: { firmographics: { max: 20, industry: [{ values: ["software", "retail"], points: 20 }] } },
      timing: {
        layers: {
          intent: { max: 20, rules: [{ id: "pricing", signal: "pricing_page_visit", points: 10, decay: { kind: "half_life", halfLifeDays: 3, maxAgeDays: 20 }, label: "pricing visit" }] },
        },
      },
      weights: { fit: 0.5, intent: 0.5 },
      tiers: [
        { id: "a", name: "A", min: 60, action: "reach out" },
        { id: "b", name: "B", min: 30, action: "sequence" },
        { id: "c", name: "C", min: 0, action: "monitor" },
      ],
      holdWithoutTiming: false,
    },
  },
};

export const RUBRIC: Rubric = rubricFromValue(RUBRIC_VALUE, "pipeline-test.yaml");

export function profileEvent(fields: { accountKey?: string; eventId: string; occurredAt?: string; industry?: string; employeeCount?: number }): AccountProfileEventV1 {
  const occurredAt = fields.occurredAt ?? daysBefore(1);
  return AccountProfileEventV1.parse({
    type: "account_profile",
    eventId: fields.eventId,
    accountKey: fields.accountKey ?? "acme.com",
    occurredAt,
    observedAt: occurredAt,
    source: "test",
    schemaVersion: 1,
    firmographics: { industry: fields.industry ?? "software", employeeCount: fields.employeeCount ?? 500 },
  });
}

/** A contact record event; `fields` override the defaults (an active VP Sales with budget authority). */
export function contactEvent(fields: { accountKey?: string; eventId: string; contactId: string; occurredAt?: string } & Partial<Omit<ContactEventV1, "type" | "schemaVersion">>): ContactEventV1 {
  const occurredAt = fields.occurredAt ?? daysBefore(1);
  return ContactEventV1.parse({ type: "contact", accountKey: "acme.com", title: "VP Sales", budgetAuthority: true, observedAt: occurredAt, source: "test", schemaVersion: 1, ...fields, occurredAt });
}

export type TestSignalType = "funding_round" | "pricing_page_visit" | "content_download" | "webinar_attended" | "careers_page_visit" | "job_posting";
export const SIGNAL_TYPES: readonly TestSignalType[] = ["funding_round", "pricing_page_visit", "content_download", "webinar_attended", "careers_page_visit", "job_posting"];

const EXTRA: Record<TestSignalType, Record<string, unknown>> = {
  funding_round: { round: "series_b" },
  pricing_page_visit: {},
  content_download: { asset: "roi calculator", assetType: "roi_calculator" },
  webinar_attended: { webinarId: "w-1" },
  careers_page_visit: {},
  job_posting: { title: "Office manager" },
};

export function signalEvent(type: TestSignalType, fields: { accountKey?: string; eventId: string; occurredAt?: string; observedAt?: string; extra?: Record<string, unknown> }): SignalEventV1 {
  const occurredAt = fields.occurredAt ?? daysBefore(1);
  const value = { type, eventId: fields.eventId, accountKey: fields.accountKey ?? "acme.com", occurredAt, observedAt: fields.observedAt ?? occurredAt, source: "test", schemaVersion: 1, ...EXTRA[type], ...fields.extra };
  if (type === "funding_round") return FundingEventV1.parse(value);
  if (type === "job_posting") return HiringEventV1.parse(value);
  return IntentEventV1.parse(value);
}
