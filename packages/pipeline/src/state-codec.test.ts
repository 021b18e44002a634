import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { QuadrantV1 } from "@icpstream/contracts";
import { DAY_MS } from "@icpstream/scoring";
import { applyFitScored, applyTimingScored, CombinerState } from "./combiner-handler.js";
import { applyProfile, FitState } from "./fit-handler.js";
import { decodeCombinerState, decodeFitState, decodeTimingState, encodeState } from "./state-codec.js";
import { applySignal, reevaluate, TimingState } from "./timing-handler.js";
import { PipelineError } from "./errors.js";
import { HOUR_MS, NOW, RUBRIC, SIGNAL_TYPES, at, profileEvent, signalEvent } from "./testing/fixtures.js";
import { toSignal } from "./signal-event.js";

/** An account's three states after a profile, signals and the clock, through the handlers. */
function history(options: { accountKey?: string; employees?: number; signals: { type: (typeof SIGNAL_TYPES)[number]; hoursAgo: number }[]; clockHours?: number }) {
  const accountKey = options.accountKey ?? "acme.com";
  const fit = applyProfile(undefined, profileEvent({ accountKey, eventId: "p1", employeeCount: options.employees ?? 500 }), RUBRIC);
  let combiner: CombinerState | undefined;
  for (const scored of fit.outputs) combiner = applyFitScored(combiner, scored, RUBRIC).state;
  let timing: TimingState | undefined;
  const states: (FitState | TimingState | CombinerState)[] = [fit.state];
  options.signals.forEach((s, i) => {
    const step = applySignal(timing, signalEvent(s.type, { accountKey, eventId: `s${i}`, occurredAt: at(NOW - s.hoursAgo * HOUR_MS) }), RUBRIC, NOW);
    timing = step.state;
    for (const scored of step.outputs) combiner = applyTimingScored(combiner, scored, RUBRIC).state;
    states.push(timing, ...(combiner ? [combiner] : []));
  });
  if (timing && options.clockHours !== undefined) {
    const step = reevaluate(timing, RUBRIC, NOW + options.clockHours * HOUR_MS);
    timing = step.state;
    for (const scored of step.outputs) combiner = applyTimingScored(combiner, scored, RUBRIC).state;
    states.push(timing, ...(combiner ? [combiner] : []));
  }
  if (!combiner) throw new Error("no fit_scored from the profile");
  return { fit: fit.state, timing, combiner, states };
}

const decodeAny = (state: FitState | TimingState | CombinerState, text: string) =>
  "profile" in state ? decodeFitState(text) : "signals" in state ? decodeTimingState(text) : decodeCombinerState(text);

/** decode(encode(state)) is the state, and so is what the plain-JSON layout written before gives. */
function expectRoundTrip(state: FitState | TimingState | CombinerState) {
  const decoded = decodeAny(state, encodeState(state));
  expect(decoded).toEqual(state);
  expect(decoded).toStrictEqual(decodeAny(state, JSON.stringify(state)));
}

describe("state codec", () => {
  it("every state the handlers write survives the round trip to Redis unchanged", () => {
    const run = history({ employees: 5, signals: [{ type: "funding_round", hoursAgo: 72 }, { type: "webinar_attended", hoursAgo: 30 }, { type: "pricing_page_visit", hoursAgo: 2 }], clockHours: 24 * 20 });
    for (const state of run.states) expectRoundTrip(state);
    expect(run.combiner.scorecards.sales?.fit?.exclusions).not.toEqual([]);
    expect(run.combiner.scorecards.sales?.timing?.eventId).toMatch(/^timing:acme\.com:sales@/);
  });

  it("the handlers' states are written compact: a field added to a state needs a position in compact-state.ts, or it is stored as plain JSON again", () => {
    const run = history({ employees: 5, signals: [{ type: "funding_round", hoursAgo: 72 }, { type: "careers_page_visit", hoursAgo: 3 }], clockHours: 24 * 40 });
    for (const state of run.states) expect(encodeState(state).startsWith("[2,")).toBe(true);
  });

  it("a scored account's states take under 60% of plain JSON's bytes", () => {
    const run = history({ signals: [{ type: "funding_round", hoursAgo: 72 }, { type: "job_posting", hoursAgo: 30 }, { type: "pricing_page_visit", hoursAgo: 2 }] });
    const states = [run.fit, run.timing, run.combiner].flatMap((s) => (s ? [s] : []));
    const compact = states.reduce((n, s) => n + encodeState(s).length, 0);
    const json = states.reduce((n, s) => n + JSON.stringify(s).length, 0);
    expect(compact).toBeLessThan(json * 0.6);
    // Without the profile's content (kept only when the rubric scores contacts) a fit state is a line.
    const { profileBody: _body, ...withoutBody } = run.fit;
    expect(encodeState(withoutBody).length).toBeLessThan(120);
  });

  it("states stored as plain JSON before the compact layout are still read", () => {
    const run = history({ signals: [{ type: "content_download", hoursAgo: 5 }] });
    for (const state of run.states) expect(decodeAny(state, JSON.stringify(state))).toEqual(state);
    const legacy = { ...run.combiner, scorecards: { sales: { ...run.combiner.scorecards.sales, timing: { ...run.combiner.scorecards.sales?.timing, triggerActive: undefined } } } };
    expect(decodeCombinerState(JSON.stringify(legacy)).scorecards.sales?.timing?.triggerActive).toBeUndefined();
  });

  it("a state with a field the compact layout has no position for is stored as plain JSON, field included", () => {
    const run = history({ signals: [] });
    const grown = { ...run.combiner, scorecards: { sales: { ...run.combiner.scorecards.sales, fit: { ...run.combiner.scorecards.sales?.fit, confidence: 0.9 } } } } as unknown as CombinerState;
    expect(encodeState(grown)).toMatch(/^\{.*"confidence":0\.9/);
    expect(encodeState({ ...run.fit, v: 2 } as unknown as FitState).startsWith("{")).toBe(true);
  });

  it("any history of profiles, signals and clock ticks round-trips exactly, in both layouts", () => {
    const signal = fc.record({ type: fc.constantFrom(...SIGNAL_TYPES), hoursAgo: fc.integer({ min: -48, max: 130 * 24 }) });
    fc.assert(
      fc.property(
        fc.record({
          accountKey: fc.constantFrom("acme.com", "a-1.co.uk", "xn--bcher-kva.example"),
          employees: fc.constantFrom(5, 100, 1000),
          signals: fc.array(signal, { maxLength: 12 }),
          clockHours: fc.option(fc.nat(60 * 24), { nil: undefined }),
        }),
        (options) => {
          for (const state of history(options).states) expectRoundTrip(state);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("states of any shape the schemas allow round-trip exactly: instants with offsets, foreign ids, hand-written reasons, non-hex digests", () => {
    const instant = fc.oneof(
      fc.integer({ min: 0, max: 4_102_444_800_000 }).map((ms) => new Date(ms).toISOString()),
      // Years 0000–9999: the schema's ISO form (no ±YYYYYY years).
      fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }).map((ms) => new Date(ms).toISOString()),
      fc.constantFrom("2026-03-01T09:30:00Z", "2026-03-01T10:30:00+01:00", "2026-03-01T09:30:00.5Z", "2026-03-01T09:30:00.000+00:00"),
    );
    const text = fc.string({ unit: "grapheme", minLength: 1, maxLength: 30 });
    const hex = (bytes: number) => fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => [...b].map((x) => x.toString(16).padStart(2, "0")).join(""));
    const digest = fc.oneof(hex(16), hex(16), hex(1), hex(32), text);
    const account = fc.constantFrom("acme.com", "b.io");
    // JSON has no -0 (either layout reads it back as 0).
    const points = fc.oneof(fc.integer({ min: -20, max: 20 }), fc.double({ min: -50, max: 50, noNaN: true }).filter((x) => !Object.is(x, -0)));
    const reason = fc.oneof(
      fc.record({ label: text, rule: text, points }).map((r) => ({ text: `${r.label} ${r.points > 0 ? "+" : ""}${r.points}`, rule: r.rule, points: r.points })),
      fc.record({ text, rule: text, points }, { requiredKeys: ["text"] }),
    );
    const eventId = (prefix: fc.Arbitrary<string>) => fc.oneof(text, fc.tuple(prefix, text).map(([p, t]) => `${p}${t}`));
    const fitSide = (key: string, card: string) =>
      fc.record(
        {
          eventId: eventId(fc.constant(`fit:${key}:${card}:`)),
          occurredAt: instant,
          profileEventId: text,
          score: points,
          excluded: fc.boolean(),
          exclusions: fc.array(fc.record({ rule: text, reason: text }), { maxLength: 2 }),
          reasons: fc.array(reason, { maxLength: 5 }),
          digest,
        },
        { requiredKeys: ["eventId", "occurredAt", "score", "excluded", "exclusions", "reasons", "digest"] },
      );
    const timingSide = (key: string, card: string) =>
      fc
        .record(
          {
            cause: fc.option(text, { nil: undefined }),
            occurredAt: instant,
            foreignId: fc.option(text, { nil: undefined }),
            score: points,
            strongIntent: fc.boolean(),
            hasTimingSignal: fc.boolean(),
            triggerActive: fc.boolean(),
            layers: fc.dictionary(text, points, { maxKeys: 4 }),
            reasons: fc.array(reason, { maxLength: 5 }),
            digest,
          },
          { requiredKeys: ["occurredAt", "score", "strongIntent", "hasTimingSignal", "layers", "reasons", "digest"] },
        )
        .map(({ cause, foreignId, ...side }) => ({ ...side, eventId: foreignId ?? `timing:${key}:${card}${cause === undefined ? "" : `:${cause}`}@${side.occurredAt}` }));
    const tier = fc.record({ id: text, name: text, rank: fc.integer({ min: 1, max: 9 }), quadrant: fc.constantFrom(...QuadrantV1.options) });

    const fit = fc.record({ accountKey: account, eventId: text, occurredAt: instant, published: fc.dictionary(text, digest, { maxKeys: 3 }) }).map((s) => FitState.parse({ v: 1, accountKey: s.accountKey, profile: { eventId: s.eventId, occurredAt: s.occurredAt }, published: s.published }));
    const timing = fc
      .record({
        accountKey: account,
        asOf: fc.option(instant, { nil: null }),
        nextChangeAt: fc.option(instant, { nil: null }),
        signals: fc.array(fc.record({ type: fc.constantFrom(...SIGNAL_TYPES), eventId: text, occurredAt: instant, otherAccount: fc.boolean() }), { maxLength: 5 }),
        published: fc.dictionary(text, digest, { maxKeys: 3 }),
      })
      .map((s) =>
        TimingState.parse({
          v: 1,
          accountKey: s.accountKey,
          asOf: s.asOf,
          nextChangeAt: s.nextChangeAt,
          signals: s.signals.map((x) => toSignal(signalEvent(x.type, { accountKey: x.otherAccount ? "other.org" : s.accountKey, eventId: x.eventId, occurredAt: x.occurredAt }))),
          published: s.published,
        }),
      );
    const combiner = account.chain((accountKey) =>
      fc
        .record({
          rubricHash: fc.option(fc.oneof(hex(32), text), { nil: null }),
          version: fc.nat(1000),
          cards: fc.array(
            fc.constantFrom("sales", "plg", "x:y").chain((card) => fc.record({ card: fc.constant(card), fit: fitSide(accountKey, card), timing: timingSide(accountKey, card), tier }, { requiredKeys: ["card"] })),
            { maxLength: 3 },
          ),
        })
        .map((s) => CombinerState.parse({ v: 1, accountKey, rubricHash: s.rubricHash, version: s.version, scorecards: Object.fromEntries(s.cards.map(({ card, ...sides }) => [card, sides])) })),
    );

    fc.assert(fc.property(fc.oneof(fit, timing, combiner), (state) => expectRoundTrip(state)), { numRuns: 500 });
  });

  it("an instant as toISOString writes it is stored as its epoch ms, any other form as its text", () => {
    const stored = (occurredAt: string) => JSON.parse(encodeState(FitState.parse({ v: 1, accountKey: "acme.com", profile: { eventId: "p1", occurredAt }, published: {} })))[3];
    fc.assert(
      fc.property(fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 }), (ms) => {
        expect(stored(new Date(ms).toISOString())).toBe(ms);
      }),
      { numRuns: 2000 },
    );
    for (const text of ["2026-03-01T10:30:00+01:00", "2026-03-01T09:30:00Z", "2026-03-01T09:30:00.5Z", "2024-02-29T00:00:00.000Z", "2000-03-01T00:00:00.000Z"]) {
      expect(stored(text)).toBe(text.length === 24 && text.endsWith("Z") ? Date.parse(text) : text);
    }
  });

  it("a value that is not a state this version can read is refused with STATE_INVALID and the path", () => {
    expect(() => decodeFitState("{not json")).toThrow(PipelineError);
    expect(() => decodeTimingState(JSON.stringify({ v: 1, accountKey: "acme.com", asOf: null, nextChangeAt: null, signals: [{ type: "nope" }], published: {} }))).toThrow(/timing state: signals\.0/);
    expect(() => decodeCombinerState(JSON.stringify({ v: 2 }))).toThrow(expect.objectContaining({ code: "STATE_INVALID" }));
    expect(() => decodeFitState("[9,\"acme.com\"]")).toThrow(/fit state \(compact\): unknown layout 9/);
    expect(() => decodeFitState('[2,"acme.com","p1",1,{"sales":"not base64!"}]')).toThrow(expect.objectContaining({ code: "STATE_INVALID" }));
    expect(() => decodeCombinerState('[2,"acme.com",null,1,{"sales":[[]]}]')).toThrow(expect.objectContaining({ code: "STATE_INVALID" }));
    expect(() => decodeTimingState('[2,"acme.com",null,null,[["funding_round"]],{}]')).toThrow(/timing state \(compact\): an instant/);
    expect(() => decodeTimingState('[2,"acme.com",null,null,[["nope","e1",1,null]],{}]')).toThrow(/timing state: signals\.0/);
    expect(decodeFitState(encodeState(history({ signals: [] }).fit)).profile?.occurredAt).toBe(at(NOW - DAY_MS));
  });
});
