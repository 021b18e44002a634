import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { runCli } from "./run.js";
import { memoryIo } from "./testing-io.js";

const EXAMPLES = ["-a", "examples/accounts.csv", "-s", "examples/signals.csv", "--as-of", "2026-11-01"];

describe("icp rubric check", () => {
  it("prints a summary of a valid rubric", async () => {
    const t = memoryIo();
    expect(await runCli(["rubric", "check", "rubrics/enterprise.yaml"], t.io)).toBe(0);
    expect(t.stdout()).toMatch(/^rubrics\/enterprise\.yaml: valid — version enterprise 2026-Q4 @ [0-9a-f]{12}/);
    expect(t.stdout()).toContain("tiers: Tier 1 ≥75, Tier 2 ≥50, Tier 3 ≥0");
    expect(t.stdout()).toContain("demo-request: strong intent while fresh (≤ 14 d)");
    expect(t.stdout()).toContain("tier caps: entrenchedCompetitor → at most tier2");
  });

  it("prints the problems and exits 1 for an invalid rubric", async () => {
    const t = memoryIo({ "bad.yaml": "scorecards:\n  x:\n    name: X\n" });
    expect(await runCli(["rubric", "check", "bad.yaml"], t.io)).toBe(1);
    expect(t.stderr()).toContain("bad.yaml: scorecards.x.fit: expected an object, but it is missing");
  });

  it("says which file is missing", async () => {
    const t = memoryIo();
    expect(await runCli(["rubric", "check", "nope.yaml"], t.io)).toBe(1);
    expect(t.stderr()).toBe("icp: nope.yaml: no such file\n");
  });
});

describe("icp score", () => {
  it("writes a ranked CSV with tier, quadrant and reasons, and reports rejected rows", async () => {
    const t = memoryIo();
    expect(await runCli(["score", ...EXAMPLES, "-r", "rubrics/enterprise.yaml", "-f", "csv"], t.io)).toBe(0);
    const rows = parse(t.stdout(), { columns: true }) as Record<string, string>[];
    expect(rows[0]).toMatchObject({ rank: "1", domain: "northwind-analytics.com", tier: "tier1", quadrant: "top_priority" });
    expect(rows.map((r) => Number(r.rank))).toEqual(rows.map((_, i) => i + 1));
    expect(rows.filter((r) => r.tier === "excluded").map((r) => r.domain).sort()).toEqual(["acorn-labs.dev", "tailspin-health.com"]);
    expect(t.stderr()).toContain("examples/accounts.csv:19: employee_count: expected a whole number, got \"lots\"");
    expect(t.stderr()).toContain("read 18 rows, rejected 2 (examples/accounts.csv)");
    expect(t.stderr()).toMatch(/Enterprise sales-led \[enterprise\] as of 2026-11-01T00:00:00.000Z: Tier 1 \d+/);
  });

  it("scores every scorecard of every rubric given", async () => {
    const t = memoryIo();
    await runCli(["score", ...EXAMPLES, "-r", "rubrics/enterprise.yaml", "-r", "rubrics/plg.yaml", "-f", "ndjson"], t.io);
    const rows = t.stdout().trim().split("\n").map((l) => JSON.parse(l) as { scorecard: string });
    expect(new Set(rows.map((r) => r.scorecard))).toEqual(new Set(["enterprise", "plg"]));
  });

  it("warns when the top tier holds more than 15% of the pool", async () => {
    const accounts = ["domain,industry,employee_count", ...Array.from({ length: 5 }, (_, i) => `a${i}.com,software,300`)].join("\n");
    const rubric = "scorecards:\n  x:\n    name: Generous\n    fit: { firmographics: { max: 10, industry: [{ values: [software], points: 10 }] } }\n    timing: { layers: { t: { max: 10, rules: [{ id: d, signal: demo_request, points: 10 }] } } }\n    weights: { fit: 1 }\n    holdWithoutTiming: false\n    tiers: [{ id: top, name: Top, min: 50, action: call }, { id: rest, name: Rest, min: 0, action: wait }]\n";
    const t = memoryIo({ "a.csv": accounts, "r.yaml": rubric });
    await runCli(["score", "-a", "a.csv", "-r", "r.yaml", "--as-of", "2026-11-01", "-f", "csv"], t.io);
    expect(t.stderr()).toContain("warning: Generous: Top holds 100% of 5 accounts, above the healthy 10%–15%; raise Top's min (50): the thresholds are too generous");
  });

  it("warns when the top tier holds less than its healthy share, and says which way to move the threshold", async () => {
    const accounts = ["domain,industry,employee_count", ...Array.from({ length: 10 }, (_, i) => `a${i}.com,${i < 5 ? "software" : "retail"},300`)].join("\n");
    const rubric = "scorecards:\n  x:\n    name: Strict\n    fit: { firmographics: { max: 10, industry: [{ values: [software], points: 6 }] } }\n    timing: { layers: { t: { max: 10, rules: [{ id: d, signal: demo_request, points: 10 }] } } }\n    weights: { fit: 1 }\n    holdWithoutTiming: false\n    tiers: [{ id: top, name: Top, min: 90, action: call }, { id: rest, name: Rest, min: 0, action: wait }]\n";
    const t = memoryIo({ "a.csv": accounts, "r.yaml": rubric });
    await runCli(["score", "-a", "a.csv", "-r", "r.yaml", "--as-of", "2026-11-01", "-f", "csv"], t.io);
    expect(t.stderr()).toContain("warning: Strict: Top holds 0% of 10 accounts, below the healthy 10%–15%; lower Top's min (90) or widen what earns it: the thresholds are too strict; a min of 60 would put about 12.5% there by total alone");
  });

  it("prints a table on a terminal", async () => {
    const t = memoryIo({}, { tty: true });
    await runCli(["score", ...EXAMPLES, "-r", "rubrics/enterprise.yaml", "--limit", "3"], t.io);
    expect(t.stdout()).toContain("northwind-analytics");
    expect(t.stderr()).toContain("showing the top 3 of 16 rows");
  });

  it("gives the same output for the same inputs and as-of time", async () => {
    const a = memoryIo();
    const b = memoryIo({}, { now: "2030-01-01T00:00:00Z" });
    await runCli(["score", ...EXAMPLES, "-r", "rubrics/plg.yaml", "-f", "csv"], a.io);
    await runCli(["score", ...EXAMPLES, "-r", "rubrics/plg.yaml", "-f", "csv"], b.io);
    expect(b.stdout()).toBe(a.stdout());
  });

  it("rejects an as-of time without a zone", async () => {
    const t = memoryIo();
    expect(await runCli(["score", "-a", "examples/accounts.csv", "-r", "rubrics/plg.yaml", "--as-of", "2026-11-01T10:00"], t.io)).toBe(1);
    expect(t.stderr()).toContain("--as-of: expected a date");
  });
});

describe("icp explain", () => {
  it("lists every rule that contributed with its points and the event behind it", async () => {
    const t = memoryIo();
    expect(await runCli(["explain", "https://www.Northwind-Analytics.com/pricing", ...EXAMPLES, "-r", "rubrics/enterprise.yaml"], t.io)).toBe(0);
    const text = t.stdout();
    expect(text).toContain("northwind-analytics.com — scorecard enterprise, rubric enterprise 2026-Q4 @ ");
    expect(text).toContain("+20     new funding round  [timing.triggers.funding]");
    expect(text).toContain("event sig-001, 17.67 d old");
    expect(text).toMatch(/firmographics: 30 of max 30, capped from 33/);
    expect(text).toMatch(/strong intent: pricing page visits, 3 × pricing_page_visit within 7 days \(sig-003, sig-004, sig-005\), event sig-003, [\d.]+ d old, strong until 2026-11-0/);
  });

  it("says when the account is not in the file", async () => {
    const t = memoryIo();
    expect(await runCli(["explain", "nobody.com", ...EXAMPLES, "-r", "rubrics/enterprise.yaml"], t.io)).toBe(1);
    expect(t.stderr()).toContain("nobody.com: not in examples/accounts.csv");
  });
});
