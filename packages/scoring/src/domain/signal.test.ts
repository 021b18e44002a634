import { describe, expect, it } from "vitest";
import { AccountProfile } from "./account-profile.js";
import { SIGNAL_TYPES, Signal, compareSignals, signalSchemaFor } from "./signal.js";

const base = { eventId: "e1", accountKey: "acme.com", occurredAt: "2026-03-01T09:30:00Z" };

describe("the Signal schema", () => {
  it("accepts a Bombora-style topic surge with its strength", () => {
    const parsed = Signal.parse({ ...base, type: "intent_topic_surge", topic: "Sales Engagement", score: 72, source: "bombora" });
    expect(parsed.type).toBe("intent_topic_surge");
  });

  it("rejects a topic surge whose score is above 100", () => {
    expect(Signal.safeParse({ ...base, type: "intent_topic_surge", topic: "x", score: 101, source: "bombora" }).success).toBe(false);
  });

  it("rejects an unknown signal type", () => {
    expect(Signal.safeParse({ ...base, type: "tweet" }).success).toBe(false);
  });

  it("rejects an occurredAt without an offset, because an instant without a zone is ambiguous", () => {
    expect(Signal.safeParse({ ...base, type: "demo_request", occurredAt: "2026-03-01T09:30:00" }).success).toBe(false);
  });

  it("rejects a signal whose account key is not normalized", () => {
    expect(Signal.safeParse({ ...base, type: "demo_request", accountKey: "https://acme.com" }).success).toBe(false);
  });

  it("lists all seventeen signal types and finds the schema of each", () => {
    expect(SIGNAL_TYPES).toHaveLength(17);
    for (const type of SIGNAL_TYPES) expect(signalSchemaFor(type).shape.type.value).toBe(type);
  });

  it("orders signals by instant across offsets, then by event id", () => {
    const a = { eventId: "b", occurredAt: "2026-03-01T10:30:00+01:00" };
    const b = { eventId: "a", occurredAt: "2026-03-01T09:30:00Z" };
    expect(compareSignals(b, a)).toBeLessThan(0);
    expect(compareSignals({ ...a, occurredAt: "2026-03-01T09:00:00Z" }, b)).toBeLessThan(0);
  });
});

describe("the AccountProfile schema", () => {
  it("fills the layers an enrichment has not reached yet with empty values", () => {
    const profile = AccountProfile.parse({ accountKey: "acme.com" });
    expect(profile.technographics.technologies).toEqual([]);
    expect(profile.organisational.budgetHolderIdentified).toBeUndefined();
  });

  it("rejects a lower-case country code", () => {
    expect(AccountProfile.safeParse({ accountKey: "acme.com", firmographics: { country: "us" } }).success).toBe(false);
  });
});
