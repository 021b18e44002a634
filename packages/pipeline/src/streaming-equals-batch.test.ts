import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FitScoredEventV1, TierChangedEventV1, TimingScoredEventV1 } from "@icpstream/contracts";
import type { AccountProfileEventV1, ContactEventV1, SignalEventV1 } from "@icpstream/contracts";
import { DAY_MS, scoreBatch } from "@icpstream/scoring";
import { applyFitScored, applyTimingScored, foldPublishedTier, reconcileWithPublished, tierChangeVersion } from "./combiner-handler.js";
import type { CombinerState, PublishedTiers } from "./combiner-handler.js";
import { applyContact, applyProfile } from "./fit-handler.js";
import { finalScoresOf, recomputeFinalState } from "./recompute.js";
import { decodeCombinerState, decodeFitState, decodeTimingState, encodeState } from "./state-codec.js";
import { applySignal, reevaluate } from "./timing-handler.js";
import type { TimingState } from "./timing-handler.js";
import { HOUR_MS, NOW, RUBRIC, SIGNAL_TYPES, at, contactEvent, profileEvent, signalEvent } from "./testing/fixtures.js";

const ACCOUNTS = ["a.com", "b.com"];

type Input = { kind: "profile"; event: AccountProfileEventV1 } | { kind: "signal"; event: SignalEventV1 } | { kind: "contact"; event: ContactEventV1 };

/** Contact records: a few people per account, updated, some leaving, with engagement of various ages and few distinct instants (ties happen). */
const CONTACT_KINDS = [
  { title: "VP Sales", budgetAuthority: true },
  { title: "RevOps Manager" },
  { title: "Staff Engineer", technicalBackground: true },
  { title: "Account Executive", referredByCustomer: true },
  { title: "Head of RevOps", status: "left" as const },
] as const;

/** Profiles with few distinct instants (ties on occurredAt happen); signals from 130 days ago to 2 days ahead, most within the 45 days where decay boundaries sit. */
const world = fc
  .record({
    profiles: fc.array(
      fc.record({ account: fc.nat(ACCOUNTS.length - 1), day: fc.nat(3), industry: fc.constantFrom("software", "retail", "mining"), employees: fc.constantFrom(5, 100, 1000) }),
      { maxLength: 6 },
    ),
    contacts: fc.array(fc.record({ account: fc.nat(ACCOUNTS.length - 1), person: fc.nat(3), kind: fc.nat(CONTACT_KINDS.length - 1), day: fc.nat(4), engagedDaysBefore: fc.option(fc.nat(80)) }), { maxLength: 8 }),
    signals: fc.array(fc.record({ account: fc.nat(ACCOUNTS.length - 1), type: fc.constantFrom(...SIGNAL_TYPES), hoursAgo: fc.oneof(fc.integer({ min: -48, max: 10 * 24 }), fc.integer({ min: -48, max: 45 * 24 }), fc.integer({ min: -48, max: 130 * 24 })) }), { minLength: 4, maxLength: 30 }),
    /** Input positions to deliver twice (Kafka's at-least-once). */
    redeliver: fc.array(fc.nat(50), { maxLength: 5 }),
    /** The delivery order: one sort key per input. */
    order: fc.array(fc.integer(), { minLength: 50, maxLength: 50 }),
    /** Processing instants, as hours before the final `now` (sorted, so the clock only moves forward). */
    clock: fc.array(fc.nat(60 * 24), { minLength: 50, maxLength: 50 }),
    /** How the combiner interleaves the fit-scored and timing-scored topics. */
    interleave: fc.array(fc.boolean(), { minLength: 200, maxLength: 200 }),
  })
  .map((w) => {
    const inputs: Input[] = [
      ...w.profiles.map((p, i): Input => ({
        kind: "profile",
        event: profileEvent({ accountKey: ACCOUNTS[p.account], eventId: `p${i}`, occurredAt: at(NOW - 200 * DAY_MS + p.day * DAY_MS), industry: p.industry, employeeCount: p.employees }),
      })),
      ...w.contacts.map((c, i): Input => {
        const occurredAt = at(NOW - 200 * DAY_MS + c.day * DAY_MS);
        const engagements = c.engagedDaysBefore === null ? [] : [{ kind: "meeting" as const, occurredAt: at(NOW - 200 * DAY_MS + c.day * DAY_MS - c.engagedDaysBefore * DAY_MS) }];
        return { kind: "contact", event: contactEvent({ accountKey: ACCOUNTS[c.account], eventId: `c${i}`, contactId: `person-${c.person}`, occurredAt, budgetAuthority: false, ...CONTACT_KINDS[c.kind], engagements }) };
      }),
      // Half the pricing visits come from one visitor: visits of the same hour are then another
      // sighting of one visit, which the engine counts once and the timing state must keep so.
      ...w.signals.map((s, i): Input => ({
        kind: "signal",
        event: signalEvent(s.type, { accountKey: ACCOUNTS[s.account], eventId: `s${i}`, occurredAt: at(NOW - s.hoursAgo * HOUR_MS), ...(s.type === "pricing_page_visit" && i % 2 === 0 ? { extra: { visitorId: "v-1" } } : {}) }),
      })),
    ];
    const delivered = [...inputs, ...w.redeliver.flatMap((i) => (inputs[i] ? [inputs[i]] : []))];
    const ordered = delivered.map((input, i) => ({ input, key: w.order[i] ?? i, i })).sort((a, b) => a.key - b.key || a.i - b.i);
    const clock = w.clock.slice(0, ordered.length).sort((a, b) => b - a).map((hoursBefore) => NOW - hoursBefore * HOUR_MS);
    return { inputs, deliveries: ordered.map((o, i) => ({ input: o.input, now: clock[i] ?? NOW })), interleave: w.interleave };
  });

/** Runs the three handlers like the services would, persisting every state as JSON in between. */
function runStreaming(deliveries: readonly { input: Input; now: number }[], interleave: readonly boolean[]) {
  const fitStates = new Map<string, string>();
  const timingStates = new Map<string, string>();
  const fitTopic: FitScoredEventV1[] = [];
  const timingTopic: TimingScoredEventV1[] = [];

  for (const { input, now } of deliveries) {
    const key = input.event.accountKey;
    if (input.kind === "profile") {
      const stored = fitStates.get(key);
      const t = applyProfile(stored === undefined ? undefined : decodeFitState(stored), input.event, RUBRIC);
      fitStates.set(key, encodeState(t.state));
      fitTopic.push(...t.outputs);
    } else if (input.kind === "contact") {
      const stored = fitStates.get(key);
      const t = applyContact(stored === undefined ? undefined : decodeFitState(stored), input.event, RUBRIC);
      fitStates.set(key, encodeState(t.state));
      fitTopic.push(...t.outputs);
    } else {
      const stored = timingStates.get(key);
      const t = applySignal(stored === undefined ? undefined : decodeTimingState(stored), input.event, RUBRIC, now);
      timingStates.set(key, encodeState(t.state));
      timingTopic.push(...t.outputs);
    }
  }
  for (const [key, stored] of timingStates) {
    const t = reevaluate(decodeTimingState(stored), RUBRIC, NOW);
    timingStates.set(key, encodeState(t.state));
    timingTopic.push(...t.outputs);
  }

  // The combiner reads both topics; each keeps its order, their interleaving is arbitrary.
  const combiner = new Map<string, CombinerState>();
  const tierChanges: TierChangedEventV1[] = [];
  let f = 0;
  let t = 0;
  for (let step = 0; f < fitTopic.length || t < timingTopic.length; step++) {
    const takeFit = t >= timingTopic.length || (f < fitTopic.length && (interleave[step % interleave.length] ?? true));
    const event = takeFit ? fitTopic[f++] : timingTopic[t++];
    if (!event) continue;
    const state = combiner.get(event.accountKey);
    const result = event.type === "fit_scored" ? applyFitScored(state, event, RUBRIC) : applyTimingScored(state, event, RUBRIC);
    combiner.set(event.accountKey, decodeCombinerState(encodeState(result.state)));
    tierChanges.push(...result.outputs);
  }
  return { fitTopic, timingTopic, tierChanges, combiner, fitStates, timingStates };
}

describe("streaming equals batch", () => {
  it("any delivery order of profiles, contacts and signals, at any clock, ends where the batch recompute ends", () => {
    fc.assert(
      fc.property(world, ({ inputs, deliveries, interleave }) => {
        const run = runStreaming(deliveries, interleave);
        const expected = recomputeFinalState({
          profiles: inputs.flatMap((i) => (i.kind === "profile" ? [i.event] : [])),
          signals: inputs.flatMap((i) => (i.kind === "signal" ? [i.event] : [])),
          contacts: inputs.flatMap((i) => (i.kind === "contact" ? [i.event] : [])),
          rubric: RUBRIC,
          now: NOW,
        });
        expect(finalScoresOf(run.combiner.values(), RUBRIC)).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  }, 60_000);

  it("tier change versions per account run 1, 2, 3… without gaps, and every output is a valid contract event", () => {
    fc.assert(
      fc.property(world, ({ deliveries, interleave }) => {
        const run = runStreaming(deliveries, interleave);
        const versions = new Map<string, number[]>();
        for (const change of run.tierChanges) versions.set(change.accountKey, [...(versions.get(change.accountKey) ?? []), tierChangeVersion(change)]);
        for (const [account, list] of versions) {
          expect(list).toEqual(list.map((_, i) => i + 1));
          expect(run.combiner.get(account)?.version).toBe(list.length);
        }
        for (const e of run.fitTopic) expect(FitScoredEventV1.parse(e)).toEqual(e);
        for (const e of run.timingTopic) expect(TimingScoredEventV1.parse(e)).toEqual(e);
        for (const e of run.tierChanges) expect(TierChangedEventV1.parse(e)).toEqual(e);
        const ids = [...run.fitTopic, ...run.timingTopic, ...run.tierChanges].map((e) => e.eventId);
        expect(new Set(ids).size).toBe(ids.length);
      }),
      { numRuns: 200 },
    );
  }, 60_000);

  it("a combiner that lost its state, replayed its two topics in another interleaving and settled against what it had published tells one gap-free story that ends at the final tier", () => {
    fc.assert(
      fc.property(world, fc.array(fc.boolean(), { minLength: 200, maxLength: 200 }), ({ inputs, deliveries, interleave }, replayInterleave) => {
        const run = runStreaming(deliveries, interleave);
        const published = new Map<string, PublishedTiers>();
        for (const change of run.tierChanges) foldPublishedTier(published, change);
        // The quiet replay: same topics, another interleaving, outputs withheld.
        const replayed = new Map<string, CombinerState>();
        let f = 0;
        let t = 0;
        for (let step = 0; f < run.fitTopic.length || t < run.timingTopic.length; step++) {
          const takeFit = t >= run.timingTopic.length || (f < run.fitTopic.length && (replayInterleave[step % replayInterleave.length] ?? true));
          const event = takeFit ? run.fitTopic[f++] : run.timingTopic[t++];
          if (!event) continue;
          const state = replayed.get(event.accountKey);
          replayed.set(event.accountKey, (event.type === "fit_scored" ? applyFitScored(state, event, RUBRIC) : applyTimingScored(state, event, RUBRIC)).state);
        }
        const told = [...run.tierChanges];
        const settled: CombinerState[] = [];
        for (const state of replayed.values()) {
          const result = reconcileWithPublished(state, published.get(state.accountKey), RUBRIC);
          told.push(...result.outputs);
          settled.push(result.state);
        }
        const versions = new Map<string, number[]>();
        for (const change of told) versions.set(change.accountKey, [...(versions.get(change.accountKey) ?? []), tierChangeVersion(change)]);
        for (const [account, list] of versions) {
          expect(list).toEqual(list.map((_, i) => i + 1));
          expect(settled.find((s) => s.accountKey === account)?.version).toBe(list.length);
        }
        const expected = recomputeFinalState({
          profiles: inputs.flatMap((i) => (i.kind === "profile" ? [i.event] : [])),
          signals: inputs.flatMap((i) => (i.kind === "signal" ? [i.event] : [])),
          contacts: inputs.flatMap((i) => (i.kind === "contact" ? [i.event] : [])),
          rubric: RUBRIC,
          now: NOW,
        });
        expect(finalScoresOf(settled, RUBRIC)).toEqual(expected);
        const last = new Map<string, TierChangedEventV1>();
        for (const change of told) last.set(`${change.accountKey}/${change.scorecard}`, change);
        for (const score of expected) {
          const change = last.get(`${score.accountKey}/${score.scorecard}`);
          expect(change ? { id: change.tier.id, quadrant: change.quadrant } : null).toEqual(score.tier ? { id: score.tier.id, quadrant: score.tier.quadrant } : null);
        }
      }),
      { numRuns: 150 },
    );
  }, 60_000);

  it("the last tier change per account and scorecard names the final tier", () => {
    fc.assert(
      fc.property(world, ({ inputs, deliveries, interleave }) => {
        const run = runStreaming(deliveries, interleave);
        const last = new Map<string, TierChangedEventV1>();
        for (const change of run.tierChanges) last.set(`${change.accountKey}/${change.scorecard}`, change);
        const expected = recomputeFinalState({
          profiles: inputs.flatMap((i) => (i.kind === "profile" ? [i.event] : [])),
          signals: inputs.flatMap((i) => (i.kind === "signal" ? [i.event] : [])),
          contacts: inputs.flatMap((i) => (i.kind === "contact" ? [i.event] : [])),
          rubric: RUBRIC,
          now: NOW,
        });
        for (const score of expected) {
          const change = last.get(`${score.accountKey}/${score.scorecard}`);
          expect(change ? { id: change.tier.id, quadrant: change.quadrant } : null).toEqual(score.tier ? { id: score.tier.id, quadrant: score.tier.quadrant } : null);
        }
      }),
      { numRuns: 100 },
    );
  });

  it("the timing state only holds signals that can still count, however many arrive", () => {
    const signals = Array.from({ length: 200 }, (_, i) => signalEvent(i % 2 === 0 ? "content_download" : "careers_page_visit", { eventId: `old-${i}`, occurredAt: at(NOW - (200 - i) * DAY_MS) }));
    let state: TimingState | undefined;
    for (const s of signals) state = applySignal(state, s, RUBRIC, NOW).state;
    // Content downloads end at 10 days but keep their layer awake for 30; careers visits end at 28 days.
    expect(state?.signals.length).toBeLessThanOrEqual(31);
    expect(state?.signals.every((s) => Date.parse(s.occurredAt) >= NOW - 30 * DAY_MS)).toBe(true);
  });

  it("signals of a rule that never decays are kept, because a new signal in their layer makes them count again", () => {
    let state: TimingState | undefined;
    for (let i = 0; i < 5; i++) state = applySignal(state, signalEvent("pricing_page_visit", { eventId: `visit-${i}`, occurredAt: at(NOW - (100 + i) * DAY_MS) }), RUBRIC, NOW).state;
    expect(state?.signals).toHaveLength(5);
  });
});

describe("the batch recompute", () => {
  it("tiers every account like the scoring engine's batch when each account has one profile", () => {
    const profiles = ACCOUNTS.map((accountKey, i) => profileEvent({ accountKey, eventId: `p${i}`, industry: ["software", "retail", "mining"][i], employeeCount: [1000, 100, 5][i] }));
    const signals = [
      signalEvent("funding_round", { accountKey: "a.com", eventId: "s1", occurredAt: at(NOW - 40 * DAY_MS) }),
      signalEvent("pricing_page_visit", { accountKey: "b.com", eventId: "s2", occurredAt: at(NOW - 2 * DAY_MS) }),
      signalEvent("pricing_page_visit", { accountKey: "b.com", eventId: "s3", occurredAt: at(NOW - DAY_MS) }),
      signalEvent("pricing_page_visit", { accountKey: "b.com", eventId: "s4", occurredAt: at(NOW - HOUR_MS) }),
    ];
    const ours = recomputeFinalState({ profiles, signals, rubric: RUBRIC, now: NOW });
    const engine = scoreBatch({ profiles, signals, rubric: RUBRIC, asOf: NOW });
    for (const ranking of engine.rankings) {
      for (const score of ranking.ranked) {
        const mine = ours.find((o) => o.accountKey === score.accountKey && o.scorecard === ranking.scorecard);
        expect(mine?.tier).toEqual({ id: score.result.tier.id, name: score.result.tier.name, rank: score.result.tier.rank, quadrant: score.result.quadrant });
        expect(mine?.fit?.score).toBe(score.fit.score);
        expect(mine?.timing?.score ?? 0).toBe(score.timing.score);
      }
    }
  });

  it("keeps the newest profile of an account by instant, then event id", () => {
    const older = profileEvent({ eventId: "p-z", occurredAt: at(NOW - 2 * DAY_MS), industry: "software" });
    const newer = profileEvent({ eventId: "p-a", occurredAt: at(NOW - DAY_MS), industry: "retail" });
    const tieWinner = profileEvent({ eventId: "p-b", occurredAt: at(NOW - DAY_MS), industry: "mining" });
    const fitOf = (profiles: AccountProfileEventV1[]) => recomputeFinalState({ profiles, signals: [], rubric: RUBRIC, now: NOW })[0]?.fit?.score;
    expect(fitOf([newer, older])).toBe(fitOf([older, newer]));
    expect(fitOf([tieWinner, newer, older])).toBe(fitOf([tieWinner]));
    expect(fitOf([older, newer])).toBe(fitOf([newer]));
  });
});
