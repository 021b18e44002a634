import { datasetFiles, generateOutcomeDataset } from "@icpstream/backtest";
import { parseRubric } from "@icpstream/scoring";
import { describe, expect, it } from "vitest";
import { runCli } from "./run.js";
import { memoryIo } from "./testing-io.js";

const files = datasetFiles(generateOutcomeDataset({ seed: 4, accounts: 1500, opportunities: 1200, effect: "planted" }));
const ARGS = ["-r", "rubric.yaml", "-a", "accounts.csv", "--profile-history", "account-history.csv", "-s", "signals.csv", "--outcomes", "outcomes.csv", "--as-of", "2026-09-01", "--resamples", "100"];

describe("icp learn", () => {
  it("refuses under 100 closed deals with a message that says what to do instead", async () => {
    const t = memoryIo();
    const sample = ["-r", "rubrics/enterprise.yaml", "-a", "examples/accounts.csv", "-s", "examples/signals.csv", "--outcomes", "examples/outcomes.csv", "--as-of", "2026-12-01", "-o", "learned.yaml"];
    expect(await runCli(["learn", ...sample], t.io)).toBe(1);
    expect(t.stderr()).toMatch(/icp: learn: not enough closed deals to learn weights: 19 \(9 won, 10 lost\) where at least 100 are needed/);
    expect(t.stderr()).toMatch(/keep the hand rubric, check it with icp backtest/);
    expect(t.written).toEqual({});
  });

  it("prints each rule's coefficient, interval and points, the test comparison, and writes the learned rubric", async () => {
    const t = memoryIo({ ...files });
    expect(await runCli(["learn", ...ARGS, "-o", "learned.yaml"], t.io)).toBe(0);
    const out = t.stdout();
    expect(out).toMatch(/time-ordered split at \S+: trained on \d+ deals created and closed before it/);
    expect(out).toMatch(/timing\.intent\.demo\s+│ \d+\s+│ [\d.]+ \([\d.]+ to [\d.]+\)/);
    expect(out).toMatch(/learned rubric [\d.]+ \([\d.]+–[\d.]+\) · fitted model .* · hand rubric .* · naive Bayes/);
    expect(out).toMatch(/no signal \(95% interval includes 0\): /);
    const learned = parseRubric(t.written["learned.yaml"] ?? "", "learned.yaml");
    expect(learned.version.label).toBe("synthetic ground truth (learned 2026-09-01)");
    expect(t.stderr()).toContain(`wrote learned.yaml: version synthetic ground truth (learned 2026-09-01) @ ${learned.version.hash.slice(0, 12)}`);
  });

  it("reports as JSON", async () => {
    const t = memoryIo({ ...files });
    expect(await runCli(["learn", ...ARGS, "--dry-run", "--format", "json"], t.io)).toBe(0);
    const json = JSON.parse(t.stdout());
    expect(json.weights.find((w: { feature: { id: string } }) => w.feature.id === "timing.intent.demo").interval.low).toBeGreaterThan(0);
    expect(json.written.file).toBeNull();
    expect(t.written).toEqual({});
  });

  it("weighs the custom attributes the accounts mapping declares, and writes them back as a fit.attributes layer", async () => {
    const t = memoryIo({ ...files });
    const mapped = [...ARGS, "--accounts-mapping", "accounts-mapping.yaml", "--profile-history-mapping", "history-mapping.yaml"];
    expect(await runCli(["learn", ...mapped, "-o", "learned.yaml", "--format", "json"], t.io)).toBe(0);
    const json = JSON.parse(t.stdout());
    const partner = json.weights.find((w: { feature: { id: string } }) => w.feature.id === "attributes.lead_source=partner");
    expect(partner.interval.low).toBeGreaterThan(0);
    const learned = parseRubric(t.written["learned.yaml"] ?? "", "learned.yaml");
    expect(learned.scorecards[0]?.fit.attributes?.rules.lead_source).toEqual(expect.arrayContaining([expect.objectContaining({ values: ["partner"] })]));
  });

  it("refuses a history mapping without the history file", async () => {
    const t = memoryIo({ ...files });
    expect(await runCli(["learn", ...ARGS.filter((a, i) => a !== "--profile-history" && ARGS[i - 1] !== "--profile-history"), "--profile-history-mapping", "history-mapping.yaml", "--dry-run"], t.io)).toBe(1);
    expect(t.stderr()).toContain("--profile-history-mapping: give the history file with --profile-history");
  });

  it("asks which scorecard to learn when the rubric has several", async () => {
    const t = memoryIo({ ...files });
    expect(await runCli(["learn", ...ARGS.slice(2), "-r", "rubrics/enterprise.yaml", "-r", "rubrics/plg.yaml", "--dry-run"], t.io)).toBe(1);
    expect(t.stderr()).toContain("learn works on one rubric file at a time");
  });
});
