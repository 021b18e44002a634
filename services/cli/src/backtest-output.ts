import { count, decimal, money, percent, times } from "@icpstream/backtest";
import type { ScorecardReport, Verdict } from "@icpstream/backtest";
import Table from "cli-table3";

/** The backtest report as text for a terminal: per scorecard, the headline, the tier table, the overall figures and the verdicts. */
const MARK: Record<Verdict["severity"], string> = { good: "✓", warning: "!", info: "·" };
const range = (i: { low: number; high: number } | null, f: (x: number) => string) => (i ? `${f(i.low)}–${f(i.high)}` : "–");

export function renderReportText(reports: readonly ScorecardReport[]): string {
  const out: string[] = [];
  for (const r of reports) {
    out.push(`${r.scorecard.name} [${r.scorecard.id}] · rubric ${r.rubric.version} · pool as of ${r.asOf}`);
    out.push(`${MARK[r.headline.severity]} ${r.headline.text}`);
    const table = new Table({
      head: ["tier", "pool", "accts", "opps", "open", "won", "lost", "win rate (95%)", "lift (95%)", `avg value`, `median value`, "median days to win", "pipeline", "won revenue"],
      style: { head: [], border: [] },
    });
    for (const t of r.tiers) {
      if (t.excluded && t.opportunities === 0 && t.poolAccounts === 0) continue;
      const closed = t.won + t.lost;
      table.push([
        `${t.name}${t.tier === r.liftBaseline ? " (base)" : ""}`,
        percent(t.poolShare),
        count(t.accounts),
        count(t.opportunities),
        count(t.open),
        count(t.won),
        count(t.lost),
        closed === 0 ? "–" : `${percent(t.winRate)} (${range(t.winRateInterval, (x) => percent(x, 0))})`,
        closed === 0 ? "–" : `${times(t.lift)} (${range(t.liftInterval, times)})`,
        money(t.averageContractValue, r.currency),
        money(t.medianContractValue, r.currency),
        decimal(t.medianDaysToClose, 0),
        percent(t.pipelineShare),
        percent(t.wonRevenueShare),
      ]);
    }
    out.push(table.toString());
    const o = r.overall;
    out.push(
      `overall: ${count(o.opportunities)} opportunities scored at creation — ${count(o.closed)} closed (${count(o.won)} won, ${count(o.lost)} lost), ${count(o.open)} open, apart · win rate ${percent(o.winRate)} (${range(o.winRateInterval, (x) => percent(x, 0))})`,
    );
    out.push(
      `ranking: ROC AUC ${o.auc ? `${decimal(o.auc.value)} (95% bootstrap ${range(o.auc.interval, (x) => decimal(x))}, ${count(o.auc.resamples)} resamples, seed ${o.auc.seed})` : "– (needs won and lost deals)"} · score-to-close rank correlation ${decimal(o.scoreToCloseCorrelation)} · Brier: n/a (${o.brierNote})`,
    );
    out.push(`pool: ${count(r.pool.accounts)} accounts; top tier ${percent(r.pool.topTierShare)} (target ${percent(r.pool.target.low, 0)}–${percent(r.pool.target.high, 0)}) · money in ${r.currency}`);
    out.push("verdicts:");
    for (const v of r.verdicts) out.push(`  ${MARK[v.severity]} ${v.text}`);
    for (const w of r.warnings) out.push(`  ! ${w}`);
    out.push("");
  }
  return `${out.join("\n")}\n`;
}
