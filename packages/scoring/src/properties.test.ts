import fc from "fast-check";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { AccountProfile } from "./domain/account-profile.js";
import { Signal } from "./domain/signal.js";
import type { SignalInput } from "./domain/signal.js";
import { DAY_MS } from "./domain/time.js";
import { scoreBatch } from "./batch/score-batch.js";
import { parseRubric } from "./rubric/load-rubric.js";
import type { Rubric } from "./rubric/load-rubric.js";
import { scoreAccountOnScorecard } from "./score-account.js";
import { canonicalTimedSignals } from "./timing/canonical-signals.js";
import { findDuplicates } from "./timing/duplicates.js";
import { scoreTiming } from "./timing/timing-score.js";

/**
 * Properties of the engine on the shipped rubrics and on generated accounts and signals.
 */
const rubrics: Rubric[] = ["enterprise.yaml", "plg.yaml"].map((name) => parseRubric(readFileSync(new URL(`../../../rubrics/${name}`, import.meta.url), "utf8"), name));
const cards = rubrics.flatMap((r) => r.scorecards.map((card) => ({ card, rubric: r })));
const AS_OF = Date.parse("2026-11-01T00:00:00Z");

const domains = ["acme.com", "globex.io", "initech.net"] as const;
const profileArb = fc
  .record({
    accountKey: fc.constantFrom(...domains),
    firmographics: fc.record(
      {
        industry: fc.constantFrom("software", "SaaS", "fintech", "retail", "gambling"),
        employeeCount: fc.integer({ min: 0, max: 20_000 }),
        revenueUsd: fc.integer({ min: 0, max: 1_000_000_000 }),
        country: fc.constantFrom("US", "GB", "DE"),
        region: fc.constantFrom("NA", "EMEA", "APAC"),
        businessModel: fc.constantFrom("b2b", "b2c", "b2b2c"),
        deliveryModel: fc.constantFrom("saas", "services"),
        fundingStage: fc.constantFrom("seed", "series_a", "series_b", "public"),
      },
      { requiredKeys: [] },
    ),
    technographics: fc.record({
      technologies: fc.uniqueArray(fc.constantFrom("Salesforce", "HubSpot", "Outreach", "Gong", "Slack", "Zapier", "Apollo"), { maxLength: 5 }).map((names) => names.map((name) => ({ name }))),
      competitorContracts: fc.array(fc.record({ vendor: fc.constantFrom("legacyscore", "rankly"), strength: fc.constantFrom("weak" as const, "entrenched" as const) }), { maxLength: 2 }),
    }),
    organisational: fc.record(
      { buyingRolesPresent: fc.subarray(["Head of RevOps", "VP Demand Gen", "Growth Lead"]), championIdentified: fc.boolean(), budgetHolderIdentified: fc.boolean(), hasTechnicalTeam: fc.boolean() },
      { requiredKeys: ["buyingRolesPresent"] },
    ),
    antiIcp: fc.record({ recentLayoffs: fc.boolean(), hiringFreeze: fc.boolean(), regulatoryBlocker: fc.boolean() }, { requiredKeys: [] }),
  })
  .map((p) => AccountProfile.parse(p));

const fieldsArb: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({ type: fc.constant("funding_round"), round: fc.constantFrom("seed", "series_a", "series_b", "series_c") }),
  fc.record({ type: fc.constant("leadership_change"), title: fc.constantFrom("Chief Revenue Officer", "VP Sales", "CFO") }),
  fc.record({ type: fc.constant("hiring_spike"), department: fc.constantFrom("sales", "marketing", "engineering"), openRoles: fc.integer({ min: 0, max: 30 }) }),
  fc.record({ type: fc.constant("job_posting"), title: fc.constantFrom("RevOps Manager", "Head of Outbound", "SDR Team Lead", "Accountant") }),
  fc.record({ type: fc.constant("intent_topic_surge"), topic: fc.constantFrom("Lead Scoring", "Sales Engagement", "Payroll"), score: fc.integer({ min: 0, max: 100 }), source: fc.constant("bombora") }),
  fc.record({ type: fc.constant("category_research"), category: fc.constantFrom("Lead Scoring", "Sales Engagement"), activity: fc.constantFrom("comparison", "category_page"), source: fc.constant("g2") }),
  fc.record({ type: fc.constantFrom("pricing_page_visit", "demo_request", "webinar_attended", "email_reply") }).map((r) => (r.type === "webinar_attended" ? { ...r, webinarId: "w1" } : r)),
  fc.record({ type: fc.constant("content_download"), asset: fc.constant("ROI calculator"), assetType: fc.constantFrom("roi_calculator", "case_study", "ebook") }),
);
const negativeArb = fc.record({ type: fc.constantFrom("careers_page_visit", "unsubscribe", "competitor_visitor") });
const ageArb = fc.integer({ min: -5 * DAY_MS, max: 200 * DAY_MS });

const toSignal = (fields: Record<string, unknown>, ageMs: number, id: string, accountKey: string) =>
  Signal.parse({ ...fields, eventId: id, accountKey, occurredAt: new Date(AS_OF - ageMs).toISOString() } as SignalInput);
const signalsArb = (accountKey: string, negative = true) =>
  fc.uniqueArray(fc.tuple(fc.string({ minLength: 1, maxLength: 8 }), negative ? fc.oneof(fieldsArb, negativeArb) : fieldsArb, ageArb), { selector: ([id]) => id, maxLength: 12 }).map((list) => list.map(([id, fields, age]) => toSignal(fields, age, `e-${id}`, accountKey)));

const cardArb = fc.constantFrom(...cards);

describe("properties of the engine", () => {
  it("keeps the total within 0–100 and fit, timing and every component within −100–100", () => {
    const accountArb = profileArb.chain((p) => fc.tuple(fc.constant(p), signalsArb(p.accountKey)));
    fc.assert(
      fc.property(cardArb, accountArb, fc.integer({ min: -10 * DAY_MS, max: 400 * DAY_MS }), (c, [p, signals], shift) => {
        const s = scoreAccountOnScorecard(p, signals, c.card, c.rubric.version, AS_OF + shift);
        expect(s.result.total >= 0 && s.result.total <= 100).toBe(true);
        for (const v of [s.fit.score, s.timing.score, ...Object.values(s.result.components)]) expect(v >= -100 && v <= 100).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it("never lowers a score or a tier when a positive signal is added (one that is not another sighting of a signal already there)", () => {
    fc.assert(
      fc.property(cardArb, profileArb, signalsArb("acme.com"), fieldsArb, ageArb, (c, p0, signals, fields, age) => {
        const p = { ...p0, accountKey: "acme.com" };
        const added = toSignal(fields, age, "added-one", "acme.com");
        const duplicates = findDuplicates(canonicalTimedSignals([...signals, added]));
        fc.pre(![...duplicates].some(([id, of]) => id === added.eventId || of === added.eventId) && findDuplicates(canonicalTimedSignals(signals)).size === [...duplicates].filter(([id]) => id !== added.eventId).length);
        const before = scoreAccountOnScorecard(p, signals, c.card, c.rubric.version, AS_OF);
        const after = scoreAccountOnScorecard(p, [...signals, added], c.card, c.rubric.version, AS_OF);
        expect(after.timing.score).toBeGreaterThanOrEqual(before.timing.score);
        expect(after.result.total).toBeGreaterThanOrEqual(before.result.total);
        expect(after.result.tier.rank).toBeLessThanOrEqual(before.result.tier.rank);
      }),
      { numRuns: 300 },
    );
  });

  it("never raises a total when a negative signal is added", () => {
    fc.assert(
      fc.property(cardArb, profileArb, signalsArb("acme.com"), negativeArb, ageArb, (c, p0, signals, fields, age) => {
        const p = { ...p0, accountKey: "acme.com" };
        const before = scoreAccountOnScorecard(p, signals, c.card, c.rubric.version, AS_OF);
        const after = scoreAccountOnScorecard(p, [...signals, toSignal(fields, age, "added-negative", "acme.com")], c.card, c.rubric.version, AS_OF);
        expect(after.result.total).toBeLessThanOrEqual(before.result.total);
        expect(after.timing.score).toBeLessThanOrEqual(before.timing.score);
      }),
      { numRuns: 300 },
    );
  });

  it("lifts a tier only for a strong-intent signal that is fresh: never for one older than its strong window", () => {
    fc.assert(
      fc.property(cardArb, profileArb, signalsArb("acme.com"), fc.integer({ min: 0, max: 120 * DAY_MS }), (c, p0, signals, shift) => {
        const p = { ...p0, accountKey: "acme.com" };
        const now = AS_OF + shift;
        const s = scoreAccountOnScorecard(p, signals, c.card, c.rubric.version, now);
        for (const a of s.result.adjustments) {
          if (a.kind !== "strong_intent_lift") continue;
          expect(Date.parse(a.signal.strongUntil)).toBeGreaterThanOrEqual(now);
          expect(Date.parse(a.signal.occurredAt)).toBeLessThanOrEqual(now);
        }
        // With every strong signal past its window, nothing is lifted.
        const stale = scoreAccountOnScorecard(p, signals, c.card, c.rubric.version, now + 400 * DAY_MS);
        expect(stale.result.adjustments.some((a) => a.kind === "strong_intent_lift")).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it("never moves a strong-fit account below the second tier, with or without timing signals", () => {
    // Accounts near the top of both shipped rubrics' fit, with some attributes left to chance.
    const strongFitArb = fc
      .record({
        employeeCount: fc.integer({ min: 60, max: 900 }),
        fundingStage: fc.constantFrom("seed", "series_a", "series_b"),
        technologies: fc.subarray(["Salesforce", "HubSpot", "Outreach", "Gong", "Slack", "Zapier", "Apollo", "Pipedrive"], { minLength: 5 }),
        roles: fc.subarray(["Head of RevOps", "VP Demand Gen", "Growth Lead", "Sales Operations Manager"], { minLength: 2 }),
        champion: fc.boolean(),
        layoffs: fc.boolean(),
      })
      .map((r) =>
        AccountProfile.parse({
          accountKey: "acme.com",
          firmographics: { industry: "SaaS", employeeCount: r.employeeCount, revenueUsd: 60_000_000, country: "US", region: "NA", businessModel: "b2b", deliveryModel: "saas", fundingStage: r.fundingStage },
          technographics: { technologies: r.technologies.map((name) => ({ name })), competitorContracts: [{ vendor: "legacyscore", strength: "weak" }] },
          organisational: { buyingRolesPresent: r.roles, championIdentified: r.champion, budgetHolderIdentified: true, hasTechnicalTeam: true },
          antiIcp: r.layoffs ? { recentLayoffs: true } : {},
        }),
      );
    fc.assert(
      fc.property(cardArb, strongFitArb, signalsArb("acme.com"), (c, p, signals) => {
        const hold = c.card.holdWithoutTiming;
        const withSignals = scoreAccountOnScorecard(p, signals, c.card, c.rubric.version, AS_OF);
        fc.pre(hold !== false && withSignals.fit.score >= hold.minFit && !withSignals.fit.excluded && withSignals.fit.tierCaps.length === 0);
        const without = scoreAccountOnScorecard(p, [], c.card, c.rubric.version, AS_OF);
        expect(without.result.tier.rank).toBe(2);
        expect(withSignals.result.tier.rank).toBeLessThanOrEqual(2);
      }),
      { numRuns: 300 },
    );
  });

  it("never raises a timing score as positive signals age", () => {
    fc.assert(
      fc.property(cardArb, signalsArb("acme.com", false), fc.integer({ min: 0, max: 120 * DAY_MS }), (c, signals, later) => {
        // Signals dated after the as-of instant start counting when they happen; only those already live must not rise.
        const live = signals.filter((s) => Date.parse(s.occurredAt) <= AS_OF);
        expect(scoreTiming(live, c.card, AS_OF + later).score).toBeLessThanOrEqual(scoreTiming(live, c.card, AS_OF).score);
      }),
      { numRuns: 300 },
    );
  });

  it("keeps the timing score constant until nextChangeAt", () => {
    fc.assert(
      fc.property(cardArb, signalsArb("acme.com"), (c, signals) => {
        const now = scoreTiming(signals, c.card, AS_OF);
        if (now.nextChangeAt === null) {
          expect(scoreTiming(signals, c.card, AS_OF + 400 * DAY_MS).points).toBe(now.points);
          return;
        }
        const next = Date.parse(now.nextChangeAt);
        expect(next).toBeGreaterThan(AS_OF);
        for (const t of [AS_OF + Math.floor((next - AS_OF) / 2), next - 1]) expect(scoreTiming(signals, c.card, t).points).toBe(now.points);
      }),
      { numRuns: 300 },
    );
  });

  it("gives the same ranking whatever the order of accounts and signals, and with duplicated events", () => {
    const poolArb = fc.tuple(profileArb, profileArb, profileArb).chain(([a, b, c]) => {
      const profiles = [a, b, c].map((p, i) => ({ ...p, accountKey: domains[i]! }));
      return fc.tuple(fc.constant(profiles), signalsArb(domains[0]), signalsArb(domains[1]), signalsArb(domains[2]));
    });
    fc.assert(
      fc.property(poolArb, fc.integer(), (pool, seed) => {
        const [profiles, ...signalLists] = pool;
        const signals = signalLists.flat();
        const rubric = rubrics[0]!;
        const shuffled = <T>(list: readonly T[]) => fc.sample(fc.shuffledSubarray([...list], { minLength: list.length, maxLength: list.length }), { seed, numRuns: 1 })[0]!;
        const a = scoreBatch({ profiles, signals, rubric, asOf: AS_OF });
        const b = scoreBatch({ profiles: shuffled(profiles), signals: shuffled([...signals, ...signals.slice(0, 3)]), rubric, asOf: AS_OF });
        expect(JSON.stringify(b)).toBe(JSON.stringify(a));
      }),
      { numRuns: 150 },
    );
  });
});
