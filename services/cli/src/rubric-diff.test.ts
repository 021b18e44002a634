import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runCli } from "./run.js";
import { memoryIo } from "./testing-io.js";

const ENTERPRISE = readFileSync(new URL("../../../rubrics/enterprise.yaml", import.meta.url), "utf8");
const EXAMPLES = ["-a", "examples/accounts.csv", "-s", "examples/signals.csv", "--as-of", "2026-11-01"];

describe("icp rubric diff", () => {
  it("names the rule values that differ, and says accounts are needed to see who moves", async () => {
    const t = memoryIo({ "candidate.yaml": ENTERPRISE.replace("min: 75", "min: 65") });
    expect(await runCli(["rubric", "diff", "rubrics/enterprise.yaml", "candidate.yaml"], t.io)).toBe(0);
    expect(t.stdout()).toContain("1 rule value differs:\n    enterprise: tiers.0.min: 75 → 65");
    expect(t.stdout()).toContain("give --accounts and --signals");
  });

  it("lists the accounts that would change tier and why: a lower top threshold lifts those whose total now reaches it", async () => {
    const t = memoryIo({ "candidate.yaml": ENTERPRISE.replace("min: 75", "min: 55") });
    expect(await runCli(["rubric", "diff", "rubrics/enterprise.yaml", "candidate.yaml", ...EXAMPLES, "--format", "json"], t.io)).toBe(0);
    const diff = JSON.parse(t.stdout()) as { moves: { accountKey: string; direction: string; from: { total: number }; to: { name: string; total: number }; why: string[] }[]; compared: Record<string, number> };
    expect(diff.compared.enterprise).toBeGreaterThan(0);
    expect(diff.moves.length).toBeGreaterThan(0);
    for (const move of diff.moves) {
      expect(move.direction).toBe("up");
      expect(move.to.name).toBe("Tier 1");
      expect(move.from.total).toBe(move.to.total);
      expect(move.why[0]).toMatch(/unchanged: the tier thresholds moved/);
    }
  });

  it("explains a move by the contributions whose points changed", async () => {
    const t = memoryIo({ "candidate.yaml": ENTERPRISE.replace("fintech, financial technology], points: 12", "fintech, financial technology], points: 30") });
    expect(await runCli(["rubric", "diff", "rubrics/enterprise.yaml", "candidate.yaml", ...EXAMPLES], t.io)).toBe(0);
    expect(t.stdout()).toMatch(/↑ \S+ \[enterprise\] Tier \d → Tier \d\n {6}total [\d.]+ → [\d.]+\n(.*\n)*? {6}.*\+12 → \+30 \[firmographics\.industry\]/);
  });

  it("refuses signals without the accounts they belong to", async () => {
    const t = memoryIo();
    expect(await runCli(["rubric", "diff", "rubrics/enterprise.yaml", "rubrics/enterprise.yaml", "-s", "examples/signals.csv"], t.io)).toBe(1);
    expect(t.stderr()).toContain("--signals needs --accounts");
  });
});
