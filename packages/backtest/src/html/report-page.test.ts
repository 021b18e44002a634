import { describe, expect, it } from "vitest";
import { ProfileHistory } from "../outcomes/profile-history.js";
import { runBacktest } from "../report/run-backtest.js";
import { generateOutcomeDataset } from "../testing/synthetic-outcomes.js";
import { renderReportPage } from "./report-page.js";

const data = generateOutcomeDataset({ seed: 2, accounts: 300, opportunities: 200, effect: "planted" });
const reports = runBacktest({ rubrics: [data.rubric], history: ProfileHistory.from({ snapshots: data.snapshots }), signals: data.signals, opportunities: data.opportunities, asOf: data.asOf, options: { resamples: 50 } }).runs.map((r) => r.report);
const library = "/* chart library */ window.Chart = function () {}; var s = '</script><script>alert(1)</script>';";

describe("the backtest's HTML page", () => {
  const page = renderReportPage({ title: "Backtest <test>", reports, chartLibrary: library, sources: ["outcomes.csv"] });

  it("inlines the charting library and loads nothing from elsewhere", () => {
    expect(page).toContain("/* chart library */");
    expect(page).not.toMatch(/<script[^>]+src=/i);
    expect(page).not.toMatch(/<link[^>]+href=/i);
    expect(page).not.toMatch(/@import|url\(/i);
  });

  it("keeps a library's or a label's '</script>' from closing its script element", () => {
    expect(page.match(/<\/script>/gi)).toHaveLength(3);
    const labelled = renderReportPage({ title: "t", reports: [{ ...reports[0]!, scorecard: { id: "x", name: "</script><b>x" } }], chartLibrary: "" });
    expect(labelled).not.toContain("</script><b>x");
    expect(labelled).toContain("&lt;/script&gt;&lt;b&gt;x");
  });

  it("has a canvas for each of the three charts and the report's data for them", () => {
    for (const id of ["winrate-0", "roc-0", "distribution-0"]) expect(page).toContain(`id="${id}"`);
    const json = /<script type="application\/json" id="icp-backtest-data">(.*?)<\/script>/s.exec(page)?.[1];
    expect(JSON.parse(json ?? "null")[0].overall.auc.value).toBe(reports[0]!.overall.auc!.value);
  });

  it("shows the headline verdict and the tier table", () => {
    expect(page).toContain(reports[0]!.headline.text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;"));
    expect(page).toContain("Tier A");
    expect(page).toContain("Backtest &lt;test&gt;");
  });
});
