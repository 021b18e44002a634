import { describe, expect, it } from "vitest";
import { runCli } from "./run.js";
import { memoryIo } from "./testing-io.js";

const SAMPLE = ["-r", "rubrics/enterprise.yaml", "-a", "examples/accounts.csv", "-s", "examples/signals.csv", "--outcomes", "examples/outcomes.csv", "--as-of", "2026-12-01", "--resamples", "200"];

describe("icp backtest", () => {
  it("prints the tier table and the verdicts for the sample files, with too few deals to judge", async () => {
    const t = memoryIo();
    expect(await runCli(["backtest", ...SAMPLE], t.io)).toBe(0);
    expect(t.stdout()).toMatch(/^Enterprise sales-led \[enterprise\] · rubric enterprise 2026-Q4 @ [0-9a-f]{12} · pool as of 2026-12-01/);
    expect(t.stdout()).toContain("win rate (95%)");
    expect(t.stdout()).toMatch(/too few to judge the model with confidence/);
    expect(t.stdout()).toMatch(/open opportunities reported apart/);
    expect(t.stderr()).toContain("examples/outcomes.csv: 24 rows read, 23 opportunities imported, 1 rejected");
    expect(t.stderr()).toContain("examples/outcomes.csv:25: closed_at: expected a close date at or after the creation date (2026-11-10T00:00:00Z); skipped");
  });

  it("writes the report as JSON with every tier's win rate interval", async () => {
    const t = memoryIo();
    expect(await runCli(["backtest", ...SAMPLE, "--format", "json"], t.io)).toBe(0);
    const json = JSON.parse(t.stdout());
    expect(json.reports[0].scorecard.id).toBe("enterprise");
    expect(json.reports[0].tiers[0]).toHaveProperty("winRateInterval");
    expect(json.reports[0].overall.auc.resamples).toBe(200);
  });

  it("gives the same report on every run", async () => {
    const a = memoryIo();
    const b = memoryIo();
    await runCli(["backtest", ...SAMPLE, "--format", "json"], a.io);
    await runCli(["backtest", ...SAMPLE, "--format", "json"], b.io);
    expect(a.stdout()).toBe(b.stdout());
  });

  it("writes a self-contained HTML page with Chart.js inlined from node_modules", async () => {
    const t = memoryIo();
    expect(await runCli(["backtest", ...SAMPLE, "--html", "report.html"], t.io)).toBe(0);
    const page = t.written["report.html"] ?? "";
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toMatch(/Chart\.js v4/);
    expect(page).not.toMatch(/<script[^>]+src=/i);
  });

  it("refuses a target share that is not a range", async () => {
    const t = memoryIo();
    expect(await runCli(["backtest", ...SAMPLE, "--target-share", "lots"], t.io)).toBe(1);
    expect(t.stderr()).toContain('--target-share: expected a range such as 10-15');
  });
});
