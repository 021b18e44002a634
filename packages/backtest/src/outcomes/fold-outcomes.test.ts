import { OutcomeEventV1 } from "@icpstream/contracts";
import { describe, expect, it } from "vitest";
import { created, lost, won } from "../testing/builders.js";
import { foldOutcomeEvents } from "./fold-outcomes.js";
import { Opportunity } from "./opportunity.js";

const C = "2026-03-01T00:00:00Z";

describe("folding outcome events into opportunities", () => {
  it("a created and a won event make one won opportunity with its amount in USD", () => {
    const { opportunities, warnings } = foldOutcomeEvents([created("e1", "o1", "acme.com", C), won("e2", "o1", "acme.com", C, "2026-04-10T00:00:00Z", 42_000)]);
    expect(opportunities).toEqual([{ accountKey: "acme.com", opportunityId: "o1", createdAt: C, closedAt: "2026-04-10T00:00:00Z", stage: "won", amount: 42_000, currency: "USD" }]);
    expect(warnings).toEqual([]);
    expect(Opportunity.safeParse(opportunities[0]).success).toBe(true);
  });

  it("the events' order of arrival does not matter, and an event seen twice counts once", () => {
    const events = [created("e1", "o1", "acme.com", C), lost("e2", "o1", "acme.com", C, "2026-04-10T00:00:00Z")];
    const a = foldOutcomeEvents(events);
    const b = foldOutcomeEvents([events[1]!, events[0]!, events[1]!]);
    expect(b).toEqual(a);
    expect(a.opportunities[0]?.stage).toBe("lost");
  });

  it("an opportunity with only a created event is open, with no close date", () => {
    const [o] = foldOutcomeEvents([created("e1", "o1", "acme.com", C)]).opportunities;
    expect(o?.stage).toBe("open");
    expect(o?.closedAt).toBeUndefined();
  });

  it("an opportunity reopened after being lost is open again", () => {
    const events = [created("e1", "o1", "acme.com", C), lost("e2", "o1", "acme.com", C, "2026-04-10T00:00:00Z"), { ...created("e3", "o1", "acme.com", C), occurredAt: "2026-05-01T00:00:00Z" }];
    expect(foldOutcomeEvents(events).opportunities[0]?.stage).toBe("open");
  });

  it("events that disagree on the account are folded with a warning naming both", () => {
    const { opportunities, warnings } = foldOutcomeEvents([created("e1", "o1", "acme.com", C), won("e2", "o1", "acme.io", C, "2026-04-10T00:00:00Z")]);
    expect(opportunities[0]?.accountKey).toBe("acme.io");
    expect(warnings[0]).toMatch(/o1: events name 2 accounts \(acme\.com, acme\.io\)/);
  });

  it("an opportunity that closes before it was created is left out with a warning", () => {
    const { opportunities, warnings } = foldOutcomeEvents([won("e2", "o1", "acme.com", C, "2026-02-01T00:00:00Z")]);
    expect(opportunities).toEqual([]);
    expect(warnings[0]).toMatch(/closed .* before it was created/);
  });

  it("the builders make events the outcome contract accepts", () => {
    for (const e of [created("e1", "o1", "acme.com", C), won("e2", "o1", "acme.com", C, "2026-04-10T00:00:00Z"), lost("e3", "o2", "acme.com", C, "2026-04-10T00:00:00Z")]) {
      expect(OutcomeEventV1.safeParse(e).success).toBe(true);
    }
  });
});

describe("the opportunity model", () => {
  it("a won opportunity without a close date is refused, naming the field", () => {
    const result = Opportunity.safeParse({ accountKey: "acme.com", opportunityId: "o1", createdAt: C, stage: "won" });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["closedAt"]);
  });

  it("a close date before the creation date is refused", () => {
    expect(Opportunity.safeParse({ accountKey: "acme.com", opportunityId: "o1", createdAt: C, closedAt: "2026-01-01T00:00:00Z", stage: "lost" }).success).toBe(false);
  });
});
