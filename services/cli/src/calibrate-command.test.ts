import { datasetFiles, generateOutcomeDataset } from "@icpstream/backtest";
import { parseRubric } from "@icpstream/scoring";
import { describe, expect, it } from "vitest";
import { runCli } from "./run.js";
import { memoryIo } from "./testing-io.js";

const files = datasetFiles(generateOutcomeDataset({ seed: 9, accounts: 800, opportunities: 500, effect: "planted" }));
const ARGS = ["-r", "rubric.yaml", "-a", "accounts.csv", "--profile-history", "account-history.csv", "-s", "signals.csv", "--outcomes", "outcomes.csv", "--as-of", "2026-09-01"];

describe("icp calibrate", () => {
  it("shows the before/after table and writes the calibrated rubric to a new file with a new version", async () => {
    const t = memoryIo({ ...files });
    expect(await runCli(["calibrate", ...ARGS, "-o", "rubric.calibrated.yaml"], t.io)).toBe(0);
    expect(t.stdout()).toMatch(/Synthetic \[synthetic\] · \d+ closed deals/);
    expect(t.stdout()).toMatch(/Tier A │ 55 → \d+/);
    const written = t.written["rubric.calibrated.yaml"] ?? "";
    const before = parseRubric(files["rubric.yaml"], "rubric.yaml");
    const after = parseRubric(written, "rubric.calibrated.yaml");
    expect(after.version.hash).not.toBe(before.version.hash);
    expect(t.stdout()).toContain(`wrote rubric.calibrated.yaml: version synthetic ground truth (calibrated 2026-09-01) @ ${after.version.hash.slice(0, 12)}`);
    expect(t.written["rubric.yaml"]).toBeUndefined();
  });

  it("never writes silently: without --output it asks for one, and it refuses to overwrite the source rubric", async () => {
    const t = memoryIo({ ...files });
    expect(await runCli(["calibrate", ...ARGS], t.io)).toBe(1);
    expect(t.stderr()).toContain("--output: name the file for the calibrated rubric");
    expect(await runCli(["calibrate", ...ARGS, "-o", "./rubric.yaml"], t.io)).toBe(1);
    expect(t.stderr()).toContain("is the source rubric");
    expect(t.written).toEqual({});
  });

  it("refuses to replace an existing file without --force", async () => {
    const t = memoryIo({ ...files, "taken.yaml": "label: x\n" });
    expect(await runCli(["calibrate", ...ARGS, "-o", "taken.yaml"], t.io)).toBe(1);
    expect(t.stderr()).toContain("taken.yaml exists; pass --force to replace it");
    expect(await runCli(["calibrate", ...ARGS, "-o", "taken.yaml", "--force"], t.io)).toBe(0);
    expect(t.written["taken.yaml"]).toMatch(/Calibrated by icp calibrate/);
  });

  it("with --dry-run shows the proposal and writes nothing", async () => {
    const t = memoryIo({ ...files });
    expect(await runCli(["calibrate", ...ARGS, "--dry-run"], t.io)).toBe(0);
    expect(t.stdout()).toMatch(/dry run: the calibrated rubric would be version/);
    expect(t.written).toEqual({});
  });
});
