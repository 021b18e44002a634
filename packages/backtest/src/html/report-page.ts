import { count, decimal, money, percent, times } from "../report/format.js";
import type { ScorecardReport, TierRow } from "../report/report-types.js";

/**
 * The backtest as one self-contained HTML page: the verdicts, the tier table and three
 * charts per scorecard — win rate by tier with its 95% interval, the ROC curve, and the
 * score distribution of won versus lost deals. Charts are drawn by Chart.js, whose UMD
 * build the caller passes in as text (the CLI reads it from node_modules): the page loads
 * nothing from the network and opens from a file, a mail attachment or an archive.
 * Pure: text in, text out.
 */
export interface HtmlPageInput {
  title: string;
  reports: readonly ScorecardReport[];
  /** The charting library's browser build (chart.js/dist/chart.umd.min.js), inlined as is. */
  chartLibrary: string;
  /** Where the data came from, one line each (shown at the bottom). */
  sources?: readonly string[];
}

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
/** Text inside a <script> element must not close it: `</script` becomes `<\/script` (same meaning in JavaScript and JSON strings). */
const inScript = (s: string) => s.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
const jsonInScript = (value: unknown) => JSON.stringify(value).replace(/</g, "\\u003c").replace(/>/g, "\\u003e").replace(/&/g, "\\u0026");

const interval = (i: { low: number; high: number } | null, f: (x: number) => string) => (i ? `${f(i.low)}–${f(i.high)}` : "–");

function tierRows(report: ScorecardReport): string {
  return report.tiers
    .filter((t) => !t.excluded || t.opportunities > 0 || t.poolAccounts > 0)
    .map(
      (t: TierRow) => `<tr>
  <th scope="row">${escapeHtml(t.name)}${t.tier === report.liftBaseline ? " <small>(baseline)</small>" : ""}</th>
  <td>${percent(t.poolShare)}</td><td>${count(t.accounts)}</td><td>${count(t.opportunities)}</td><td>${count(t.open)}</td><td>${count(t.won)}</td><td>${count(t.lost)}</td>
  <td>${percent(t.winRate)} <small>${interval(t.winRateInterval, (x) => percent(x, 0))}</small></td>
  <td>${t.won + t.lost === 0 ? "–" : times(t.lift)} <small>${interval(t.liftInterval, times)}</small></td>
  <td>${money(t.averageContractValue, report.currency)}</td><td>${money(t.medianContractValue, report.currency)}</td><td>${decimal(t.medianDaysToClose, 0)}</td>
  <td>${percent(t.pipelineShare)}</td><td>${percent(t.wonRevenueShare)}</td>
</tr>`,
    )
    .join("\n");
}

function section(report: ScorecardReport, index: number): string {
  const o = report.overall;
  const verdicts = report.verdicts.map((v) => `<li class="${v.severity}">${escapeHtml(v.text)}</li>`).join("\n");
  return `<section>
<h2>${escapeHtml(report.scorecard.name)} <small>[${escapeHtml(report.scorecard.id)}] · rubric ${escapeHtml(report.rubric.version)}</small></h2>
<p class="headline ${report.headline.severity}">${escapeHtml(report.headline.text)}</p>
<ul class="verdicts">
${verdicts}
</ul>
<table>
<thead><tr><th>tier</th><th>pool</th><th>accounts</th><th>opps</th><th>open</th><th>won</th><th>lost</th><th>win rate <small>95%</small></th><th>lift <small>95%</small></th><th>avg value</th><th>median value</th><th>median days to win</th><th>pipeline</th><th>won revenue</th></tr></thead>
<tbody>
${tierRows(report)}
</tbody>
</table>
<p class="figures">${count(o.opportunities)} opportunities scored as of their creation: ${count(o.won)} won, ${count(o.lost)} lost, ${count(o.open)} open (apart).
Win rate ${percent(o.winRate)} (${interval(o.winRateInterval, (x) => percent(x, 0))}).
ROC AUC ${o.auc ? `${decimal(o.auc.value)} (95% bootstrap interval ${interval(o.auc.interval, (x) => decimal(x))}, ${count(o.auc.resamples)} resamples, seed ${o.auc.seed})` : "–"}.
Score-to-close rank correlation ${decimal(o.scoreToCloseCorrelation)}. Brier score: ${escapeHtml(o.brierNote)}.
Pool: ${count(report.pool.accounts)} accounts as of ${escapeHtml(report.asOf)}; money in ${escapeHtml(report.currency)}.</p>
<div class="charts">
<figure><canvas id="winrate-${index}" aria-label="win rate by tier with 95% intervals"></canvas><figcaption>Win rate by tier, with the 95% Wilson interval</figcaption></figure>
<figure><canvas id="roc-${index}" aria-label="ROC curve"></canvas><figcaption>ROC curve of the total score (closed deals)</figcaption></figure>
<figure><canvas id="distribution-${index}" aria-label="score distribution of won and lost deals"></canvas><figcaption>Total score at creation: won vs lost deals</figcaption></figure>
</div>
</section>`;
}

/** The page's own drawing code; it reads the report from the JSON block. */
const DRAW = `
(function () {
  var data = JSON.parse(document.getElementById("icp-backtest-data").textContent);
  if (typeof Chart === "undefined") return;
  Chart.defaults.animation = false;
  data.forEach(function (r, i) {
    var tiers = r.tiers.filter(function (t) { return t.won + t.lost > 0; });
    new Chart(document.getElementById("winrate-" + i), {
      type: "bar",
      data: {
        labels: tiers.map(function (t) { return t.name; }),
        datasets: [
          { label: "95% interval", data: tiers.map(function (t) { return [t.winRateInterval.low * 100, t.winRateInterval.high * 100]; }), backgroundColor: "rgba(40,40,40,0.55)", barPercentage: 0.12, grouped: false, order: 1 },
          { label: "win rate %", data: tiers.map(function (t) { return t.winRate * 100; }), backgroundColor: "#4e79a7", grouped: false, order: 2 }
        ]
      },
      options: { scales: { y: { min: 0, max: 100, title: { display: true, text: "win rate %" } } } }
    });
    var auc = r.overall.auc ? " (AUC " + r.overall.auc.value.toFixed(2) + ")" : "";
    new Chart(document.getElementById("roc-" + i), {
      type: "scatter",
      data: { datasets: [
        { label: "total score" + auc, data: r.overall.roc.map(function (p) { return { x: p.fpr, y: p.tpr }; }), showLine: true, pointRadius: 0, borderColor: "#e15759", backgroundColor: "#e15759" },
        { label: "chance", data: [{ x: 0, y: 0 }, { x: 1, y: 1 }], showLine: true, pointRadius: 0, borderDash: [4, 4], borderColor: "#999", backgroundColor: "#999" }
      ] },
      options: { scales: { x: { min: 0, max: 1, title: { display: true, text: "false positive rate (lost deals above the threshold)" } }, y: { min: 0, max: 1, title: { display: true, text: "true positive rate (won deals above)" } } } }
    });
    var bins = r.overall.scoreDistribution;
    var won = bins.reduce(function (s, b) { return s + b.won; }, 0) || 1;
    var lost = bins.reduce(function (s, b) { return s + b.lost; }, 0) || 1;
    new Chart(document.getElementById("distribution-" + i), {
      type: "bar",
      data: {
        labels: bins.map(function (b) { return b.from + "–" + b.to; }),
        datasets: [
          { label: "won (% of won deals)", data: bins.map(function (b) { return (b.won / won) * 100; }), backgroundColor: "#59a14f" },
          { label: "lost (% of lost deals)", data: bins.map(function (b) { return (b.lost / lost) * 100; }), backgroundColor: "#e15759" }
        ]
      },
      options: { scales: { x: { title: { display: true, text: "total score at creation" } }, y: { min: 0, title: { display: true, text: "% of deals" } } } }
    });
  });
})();
`;

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1200px; color: #222; padding: 0 1rem; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2.5rem; } small { color: #666; font-weight: normal; }
.headline { font-size: 1.05rem; padding: .75rem 1rem; border-left: 6px solid #999; background: #f6f6f6; }
.verdicts { list-style: none; padding: 0; } .verdicts li { border-left: 4px solid #999; padding: .25rem .75rem; margin: .35rem 0; }
.headline.good, .verdicts li.good { border-left-color: #59a14f; } .headline.warning, .verdicts li.warning { border-left-color: #e8a33d; } .headline.info, .verdicts li.info { border-left-color: #4e79a7; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; } th, td { padding: .3rem .5rem; border-bottom: 1px solid #ddd; text-align: right; }
th[scope=row], thead th:first-child { text-align: left; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(340px, 1fr)); gap: 1.5rem; } figure { margin: 0; } figcaption { color: #555; font-size: .9rem; text-align: center; }
footer { margin-top: 3rem; color: #666; font-size: .85rem; }
`;

export function renderReportPage(input: HtmlPageInput): string {
  const sources = (input.sources ?? []).map((s) => `<li>${escapeHtml(s)}</li>`).join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(input.title)}</h1>
<p>Each opportunity is scored as of its creation, with only the signals and profile known then. Intervals are 95%: a claim is made only when its interval allows it.</p>
${input.reports.map(section).join("\n")}
<footer><ul>
${sources}
</ul>Charts: Chart.js, inlined in this page.</footer>
<script type="application/json" id="icp-backtest-data">${jsonInScript(input.reports)}</script>
<script>${inScript(input.chartLibrary)}</script>
<script>${DRAW}</script>
</body>
</html>
`;
}
