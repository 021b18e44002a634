import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decideRouting, type RoutingInput, type TierRef } from "./decide-routing.js";
import { parseRoutingConfig } from "./routing-config.js";

const config = parseRoutingConfig(readFileSync(new URL("../routing.example.yaml", import.meta.url), "utf8"), "routing.example.yaml");
const TIERS: TierRef[] = [
  { id: "tier1", name: "Tier 1", rank: 1 },
  { id: "tier2", name: "Tier 2", rank: 2 },
  { id: "tier3", name: "Tier 3", rank: 3 },
  { id: "excluded", name: "Excluded", rank: 4 },
  { id: "a", name: "A", rank: 1 },
  { id: "b", name: "B", rank: 2 },
  { id: "unknown", name: "Unknown", rank: 9 },
];

const tier = fc.constantFrom(...TIERS);
const input: fc.Arbitrary<RoutingInput> = fc.record({
  change: fc.record({
    eventId: fc.string({ minLength: 1, maxLength: 20 }),
    accountKey: fc.constantFrom("acme.com", "globex.io", "initech.de"),
    idempotencyKey: fc.string({ minLength: 1, maxLength: 200 }),
    scorecard: fc.constantFrom("enterprise", "plg"),
    previousTier: fc.option(tier, { nil: null }),
    tier,
    strongIntent: fc.boolean(),
    reasons: fc.array(fc.record({ text: fc.string({ minLength: 1 }), rule: fc.option(fc.constantFrom("timing.triggers.funding", "timing.intent.surge", "firmographics.industry"), { nil: undefined }), points: fc.option(fc.integer({ min: -10, max: 20 }), { nil: undefined }) }), { maxLength: 4 }),
  }),
  config: fc.constant(config),
  territory: fc.option(fc.record({ country: fc.option(fc.constantFrom("US", "DE", "BR", "ca"), { nil: undefined }), region: fc.option(fc.constantFrom("emea", "EMEA", "latam"), { nil: undefined }), employeeCount: fc.option(fc.nat({ max: 20_000 }), { nil: undefined }) }), { nil: undefined }),
  triggerActive: fc.option(fc.boolean(), { nil: undefined }),
  cursors: fc.dictionary(fc.constantFrom("emea-enterprise", "emea-commercial", "na-enterprise", "global"), fc.nat({ max: 1_000_000 })),
  now: fc.integer({ min: Date.parse("2020-01-01T00:00:00Z"), max: Date.parse("2035-01-01T00:00:00Z") }),
});

describe("routing properties", () => {
  it("the same input always gives the same decision, including action ids", () => {
    fc.assert(
      fc.property(input, (i) => {
        const copy = structuredClone(i);
        expect(decideRouting(copy)).toEqual(decideRouting(i));
      }),
    );
  });

  it("action ids are unique within a decision, derived from the change's key, and within the contract's 200 characters", () => {
    fc.assert(
      fc.property(input, (i) => {
        const { actions } = decideRouting(i);
        const ids = actions.map((a) => a.idempotencyKey);
        expect(new Set(ids).size).toBe(ids.length);
        for (const id of ids) {
          expect(id.length).toBeLessThanOrEqual(200);
          expect(id.startsWith(`${i.change.idempotencyKey}:`) || id.startsWith("ra-")).toBe(true);
        }
      }),
    );
  });

  it("a different tier change key gives different action ids", () => {
    fc.assert(
      fc.property(input, fc.string({ minLength: 1, maxLength: 50 }), (i, other) => {
        fc.pre(other !== i.change.idempotencyKey);
        const a = decideRouting(i).actions.map((x) => x.idempotencyKey);
        const b = decideRouting({ ...i, change: { ...i.change, idempotencyKey: other } }).actions.map((x) => x.idempotencyKey);
        for (const id of a) expect(b).not.toContain(id);
      }),
    );
  });

  it("an owner is picked exactly when the cursor advances, and only from the chosen team", () => {
    fc.assert(
      fc.property(input, (i) => {
        const { actions, cursorAdvance } = decideRouting(i);
        const routes = actions.filter((a) => a.type === "route_to_owner");
        expect(routes.length).toBe(cursorAdvance ? 1 : 0);
        for (const r of routes) {
          expect(r.team).toBe(cursorAdvance?.team);
          expect(i.config.teams[r.team]?.owners).toContain(r.owner);
          expect(Date.parse(r.slaDueAt)).toBeGreaterThan(i.now as number);
        }
      }),
    );
  });
});
