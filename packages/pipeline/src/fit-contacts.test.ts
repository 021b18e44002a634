import { describe, expect, it } from "vitest";
import { FitScoredEventV1 } from "@icpstream/contracts";
import { applyContact, applyProfile, MAX_STORED_CONTACTS } from "./fit-handler.js";
import type { FitState } from "./fit-handler.js";
import { PipelineError } from "./errors.js";
import { decodeFitState, encodeState } from "./state-codec.js";
import { NOW, RUBRIC, at, contactEvent, profileEvent } from "./testing/fixtures.js";
import { DAY_MS } from "@icpstream/scoring";

// Retail (5) + 100–5000 employees (10) = 15 of 30 firmographic points: room for the committee to move fit.
const retail = (eventId = "p1") => profileEvent({ eventId, industry: "retail", occurredAt: at(NOW - 3 * DAY_MS) });
const sales = (outputs: FitScoredEventV1[]) => outputs.find((o) => o.scorecard === "sales");
const roundTrip = (state: FitState) => decodeFitState(encodeState(state));

describe("fit handler: contacts", () => {
  it("a contact event moves the organisational score and the fit names the best contact", () => {
    const first = applyProfile(undefined, retail(), RUBRIC);
    expect(sales(first.outputs)?.fit).toBe(50);
    const next = applyContact(roundTrip(first.state), contactEvent({ eventId: "c1", contactId: "vp-1", occurredAt: at(NOW - DAY_MS) }), RUBRIC);
    const scored = sales(next.outputs);
    // VP Sales with budget authority: economic buyer 3 + user 1 = 4 organisational points → (15 + 4) / 30.
    expect(scored?.fit).toBe(63.33);
    expect(scored?.layers.find((l) => l.id === "organisational")?.points).toBe(4);
    expect(scored?.committee).toEqual({ contacts: 1, coverage: { held: 2, of: 4 }, bestContact: { contactId: "vp-1", title: "VP Sales", score: 20, roles: ["economic_buyer", "user"], why: "economic buyer, user; budget authority +20" } });
    expect(scored?.eventId).toBe("fit:acme.com:sales:p1:c1");
    expect(scored?.causingEventIds).toEqual(["p1", "c1"]);
    expect(scored?.occurredAt).toBe(at(NOW - 3 * DAY_MS));
    expect(FitScoredEventV1.parse(scored)).toEqual(scored);
  });

  it("a contact that changes nothing the fit shows publishes nothing; a repeated or older record is ignored", () => {
    const first = applyProfile(undefined, retail(), RUBRIC);
    const withVp = applyContact(first.state, contactEvent({ eventId: "c1", contactId: "vp-1", occurredAt: at(NOW - DAY_MS) }), RUBRIC);
    expect(applyContact(withVp.state, contactEvent({ eventId: "c1", contactId: "vp-1", occurredAt: at(NOW - DAY_MS) }), RUBRIC).ignored).toBe("duplicate");
    expect(applyContact(withVp.state, contactEvent({ eventId: "c0", contactId: "vp-1", occurredAt: at(NOW - 2 * DAY_MS), budgetAuthority: false }), RUBRIC).ignored).toBe("stale");
    const plgOnly = applyContact(withVp.state, contactEvent({ eventId: "c2", contactId: "vp-1", occurredAt: at(NOW - DAY_MS / 2) }), RUBRIC);
    expect(plgOnly.outputs).toEqual([]);
  });

  it("contacts that arrive before the profile wait for it, then count", () => {
    const early = applyContact(undefined, contactEvent({ eventId: "c1", contactId: "vp-1", occurredAt: at(NOW - 5 * DAY_MS) }), RUBRIC);
    expect(early.outputs).toEqual([]);
    const profiled = applyProfile(roundTrip(early.state), retail(), RUBRIC);
    expect(sales(profiled.outputs)?.fit).toBe(63.33);
  });

  it("a contact who left the account leaves the committee", () => {
    const first = applyProfile(undefined, retail(), RUBRIC);
    const withVp = applyContact(first.state, contactEvent({ eventId: "c1", contactId: "vp-1", occurredAt: at(NOW - 2 * DAY_MS) }), RUBRIC);
    const left = applyContact(roundTrip(withVp.state), contactEvent({ eventId: "c2", contactId: "vp-1", occurredAt: at(NOW - DAY_MS), status: "left" }), RUBRIC);
    expect(sales(left.outputs)?.fit).toBe(50);
    expect(sales(left.outputs)?.committee).toEqual({ contacts: 0, coverage: { held: 0, of: 4 } });
  });

  it("a state with profile content and contacts round-trips through the compact layout", () => {
    const first = applyProfile(undefined, retail(), RUBRIC);
    const withVp = applyContact(first.state, contactEvent({ eventId: "c1", contactId: "vp-1", occurredAt: at(NOW - DAY_MS), engagements: [{ kind: "meeting", occurredAt: at(NOW - 3 * DAY_MS) }] }), RUBRIC);
    expect(encodeState(withVp.state).startsWith("[2,")).toBe(true);
    expect(roundTrip(withVp.state)).toEqual(withVp.state);
  });

  it(`refuses a record of a new contact past ${MAX_STORED_CONTACTS} per account, with TOO_MANY_CONTACTS (dead-lettered), and still takes updates of known ones`, () => {
    let state: FitState = applyProfile(undefined, retail(), RUBRIC).state;
    const contacts: NonNullable<FitState["contacts"]> = {};
    for (let i = 0; i < MAX_STORED_CONTACTS; i++) contacts[`p-${i}`] = { eventId: `e-${i}`, occurredAt: at(NOW - 2 * DAY_MS), contact: { contactId: `p-${i}`, accountKey: "acme.com", engagements: [], status: "active" } };
    state = { ...state, contacts };
    expect(() => applyContact(state, contactEvent({ eventId: "x", contactId: "one-too-many" }), RUBRIC)).toThrow(expect.objectContaining({ code: "TOO_MANY_CONTACTS" }));
    expect(() => applyContact(state, contactEvent({ eventId: "x", contactId: "one-too-many" }), RUBRIC)).toThrow(PipelineError);
    expect(applyContact(state, contactEvent({ eventId: "y", contactId: "p-7", occurredAt: at(NOW - DAY_MS) }), RUBRIC).ignored).toBeUndefined();
  });
});
