import { describe, expect, it } from "vitest";
import { TierChangedEventV1 } from "@icpstream/contracts";
import type { FitScoredEventV1, TimingScoredEventV1 } from "@icpstream/contracts";
import { applyFitScored, applyTimingScored } from "./combiner-handler.js";
import type { CombinerState } from "./combiner-handler.js";
import { applyContact, applyProfile } from "./fit-handler.js";
import type { FitState } from "./fit-handler.js";
import { applySignal } from "./timing-handler.js";
import { decodeCombinerState, encodeState } from "./state-codec.js";
import { NOW, RUBRIC, at, contactEvent, profileEvent, signalEvent } from "./testing/fixtures.js";
import { DAY_MS } from "@icpstream/scoring";

/** Fit, timing and combiner handlers in a row for one account, the combiner's state through its codec. */
class Account {
  fit: FitState | undefined;
  combiner: CombinerState | undefined;
  told: TierChangedEventV1[] = [];
  private combine(events: (FitScoredEventV1 | TimingScoredEventV1)[]) {
    for (const e of events) {
      const t = e.type === "fit_scored" ? applyFitScored(this.combiner, e, RUBRIC) : applyTimingScored(this.combiner, e, RUBRIC);
      this.combiner = decodeCombinerState(encodeState(t.state));
      this.told.push(...t.outputs.filter((o) => o.scorecard === "sales"));
    }
  }
  profile() {
    const t = applyProfile(this.fit, profileEvent({ eventId: "p1", occurredAt: at(NOW - 10 * DAY_MS) }), RUBRIC);
    this.fit = t.state;
    this.combine(t.outputs);
  }
  contact(fields: Parameters<typeof contactEvent>[0]) {
    const t = applyContact(this.fit, contactEvent(fields), RUBRIC);
    this.fit = t.state;
    this.combine(t.outputs);
  }
  funding() {
    this.combine(applySignal(undefined, signalEvent("funding_round", { eventId: "s1", occurredAt: at(NOW - DAY_MS) }), RUBRIC, NOW).outputs);
  }
}

describe("combiner: the best contact", () => {
  it("a tier change names the account's best contact; a new best contact inside Tier 1 is told as a change of its own", () => {
    const account = new Account();
    account.profile();
    account.contact({ eventId: "c1", contactId: "cfo", title: "CFO", occurredAt: at(NOW - 5 * DAY_MS) });
    account.funding();
    const entered = account.told.at(-1);
    expect(entered?.tier.id).toBe("tier1");
    expect(entered?.bestContact).toMatchObject({ contactId: "cfo", title: "CFO", score: 20 });
    expect(entered?.bestContactChanged).toBeUndefined();

    // A referred, engaged RevOps head joins: 25 + 15 = 40 beats the CFO's 20.
    account.contact({ eventId: "c2", contactId: "revops", title: "Head of RevOps", budgetAuthority: false, referredByCustomer: true, engagements: [{ kind: "meeting", occurredAt: at(NOW - 6 * DAY_MS) }], occurredAt: at(NOW - 2 * DAY_MS) });
    const switched = account.told.at(-1);
    expect(switched).toMatchObject({ previousTier: { id: "tier1" }, tier: { id: "tier1" }, bestContactChanged: true, previousBestContactId: "cfo", bestContact: { contactId: "revops", title: "Head of RevOps", score: 40, why: "champion; referred by a customer +25, engaged with content +15" } });
    expect(TierChangedEventV1.parse(switched)).toEqual(switched);
    // One version counter per account over its scorecards: the sales changes' versions only go up.
    const versions = account.told.map((t) => Number(t.eventId.split(":v")[1]));
    expect(versions).toEqual([...versions].sort((a, b) => a - b));
  });

  it("an account already in Tier 1 whose first contact arrives tells it as a change of best contact (no previous one)", () => {
    const account = new Account();
    account.profile();
    account.funding();
    expect(account.told.at(-1)?.tier.id).toBe("tier1");
    expect(account.told.at(-1)?.bestContact).toBeUndefined();
    account.contact({ eventId: "c1", contactId: "cfo", title: "CFO", occurredAt: at(NOW - 5 * DAY_MS) });
    const first = account.told.at(-1);
    expect(first).toMatchObject({ tier: { id: "tier1" }, bestContactChanged: true, bestContact: { contactId: "cfo" } });
    expect(first?.previousBestContactId).toBeUndefined();
  });

  it("a contact update that keeps the same best contact tells nothing", () => {
    const account = new Account();
    account.profile();
    account.contact({ eventId: "c1", contactId: "cfo", title: "CFO", occurredAt: at(NOW - 5 * DAY_MS) });
    account.funding();
    const before = account.told.length;
    account.contact({ eventId: "c2", contactId: "ae", title: "Account Executive", budgetAuthority: false, occurredAt: at(NOW - 2 * DAY_MS) });
    expect(account.told.length).toBe(before);
  });
});
