// The icpstream console in the browser: Preact + htm (no build step), Chart.js (window.Chart).
// Pages by path: / tier board, /feed live feed, /accounts[/domain] account page, /health model
// health, /rubrics rubric versions. Every number comes from the console's /api, read-only.
import { html, render } from "htm/preact";
import { useEffect, useRef, useState } from "preact/hooks";

// One colour per tier everywhere (badges, bars, charts): by rank, the excluded tier grey.
const RANK_COLORS = ["#1b7f3b", "#3b82c4", "#b08d1a", "#8e5bb5", "#c2410c"];
const EXCLUDED_COLOR = "#8a8f98";
const tierColor = (tier, excluded) => (excluded ? EXCLUDED_COLOR : RANK_COLORS[Math.max(0, Math.min(tier.rank - 1, RANK_COLORS.length - 1))]);
/** `2026-09-01 14:05` (UTC) from an ISO instant. */
const when = (iso) => `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
const pct = (x, digits = 1) => (x === null || x === undefined ? "–" : `${(x * 100).toFixed(digits)}%`);
const num = (x, digits = 2) => (x === null || x === undefined ? "–" : Number(x).toFixed(digits));

async function api(path) {
  const response = await fetch(path, { headers: { accept: "application/json" } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.message ?? `${response.status} ${response.statusText}`);
  return body;
}

function useApi(path, refreshMs) {
  const [state, setState] = useState({ data: null, error: null });
  useEffect(() => {
    let live = true;
    const load = () =>
      api(path).then(
        (data) => live && setState({ data, error: null }),
        (error) => live && setState((s) => ({ data: s.data, error: error.message })),
      );
    load();
    const timer = refreshMs ? setInterval(load, refreshMs) : undefined;
    return () => {
      live = false;
      if (timer) clearInterval(timer);
    };
  }, [path]);
  return state;
}

/** A Chart.js chart owned by a canvas: rebuilt when its config changes. */
function ChartCanvas({ config, label, height = 260 }) {
  const canvas = useRef(null);
  useEffect(() => {
    if (!canvas.current || !window.Chart) return undefined;
    const chart = new window.Chart(canvas.current, config);
    return () => chart.destroy();
  }, [JSON.stringify(config.data), JSON.stringify(config.options ?? {})]);
  return html`<div class="chart" style=${{ height: `${height}px` }}><canvas ref=${canvas} role="img" aria-label=${label}></canvas></div>`;
}

function Nav({ path }) {
  const links = [
    ["/", "Tier board"],
    ["/feed", "Live feed"],
    ["/accounts", "Accounts"],
    ["/health", "Model health"],
    ["/rubrics", "Rubrics"],
  ];
  const active = (href) => (href === "/" ? path === "/" : path.startsWith(href));
  return html`<header class="top"><span class="brand">icpstream</span><nav>${links.map(([href, text]) => html`<a href=${href} class=${active(href) ? "active" : ""}>${text}</a>`)}</nav></header>`;
}

const QUADRANTS = { top_priority: "top priority", nurture_for_timing: "nurture for timing", qualify_carefully: "qualify carefully", deprioritize: "deprioritize" };

/** Old → new tier; when the tier stayed, the quadrant moved: say which. */
function Move({ c }) {
  const same = c.previousTier && c.previousTier.id === c.tier.id;
  return html`<${TierBadge} tier=${c.previousTier} /> → <${TierBadge} tier=${c.tier} />${same ? html`<div class="muted small">now ${QUADRANTS[c.quadrant] ?? c.quadrant}</div>` : null}`;
}

function TierBadge({ tier }) {
  if (!tier) return html`<span class="badge none">–</span>`;
  return html`<span class=${`badge rank-${Math.min(tier.rank, 5)}`}>${tier.name}</span>`;
}

function Problem({ error }) {
  return error ? html`<p class="error" role="alert">${error}</p>` : null;
}

// ── Tier board ──────────────────────────────────────────────────────────────
function BoardPage() {
  const { data, error } = useApi("/api/board", 5000);
  if (!data) return html`<${Problem} error=${error} /><p class="muted">Loading the tier board…</p>`;
  return html`<${Problem} error=${error} />${data.scorecards.map((card) => html`<${ScorecardBoard} card=${card} />`)}`;
}

function ScorecardBoard({ card }) {
  const pool = card.now.reduce((n, t) => n + t.accounts, 0);
  const top = card.now.find((t) => t.tier === card.topTier);
  const share = top && pool > 0 ? top.accounts / pool : 0;
  const status = pool === 0 ? "empty" : share < card.band.min ? "below" : share > card.band.max ? "above" : "healthy";
  const advice = { below: "too few accounts in the top tier: lower its threshold", above: "too many accounts in the top tier: raise its threshold", healthy: "within the healthy band", empty: "no account tiered yet" }[status];
  const tiers = card.tiers;
  const overTime = {
    type: "bar",
    data: {
      labels: card.overTime.map((d) => d.day),
      datasets: tiers.map((t, i) => ({ label: t.name, data: card.overTime.map((d) => d.tiers[t.id] ?? 0), backgroundColor: tierColor({ rank: i + 1 }, i === tiers.length - 1), stack: "pool" })),
    },
    options: { animation: false, maintainAspectRatio: false, categoryPercentage: 1, barPercentage: 0.9, scales: { x: { stacked: true, ticks: { maxTicksLimit: 16 } }, y: { stacked: true, title: { display: true, text: "accounts" } } }, plugins: { legend: { position: "bottom" } } },
  };
  return html`<section class="card">
    <h2>${card.name} <small>(${card.id})</small></h2>
    <p class=${`health ${status}`} data-testid="band-status">Top tier ${pct(share)} of ${pool} accounts, healthy band ${pct(card.band.min, 0)}–${pct(card.band.max, 0)}: ${advice}.</p>
    <div class="distribution" role="list" aria-label="tier distribution now">
      ${tiers.map((t, i) => {
        const row = card.now.find((n) => n.tier === t.id);
        const s = row && pool > 0 ? row.accounts / pool : 0;
        return html`<div class="tier-row" role="listitem" data-tier=${t.id}>
          <span class="tier-name">${t.name}</span>
          <span class="bar"><span class="fill" style=${{ width: `${(s * 100).toFixed(1)}%`, background: tierColor({ rank: i + 1 }, i === tiers.length - 1) }}></span>${i === 0 ? html`<span class="band" style=${{ left: `${card.band.min * 100}%`, width: `${(card.band.max - card.band.min) * 100}%` }} title="healthy band"></span>` : null}</span>
          <span class="tier-count" data-testid=${`count-${t.id}`}>${row?.accounts ?? 0}</span>
          <span class="tier-share">${pct(s)}</span>
        </div>`;
      })}
    </div>
    <h3>Over time: accounts per tier at the end of each day</h3>
    ${card.overTime.length === 0 ? html`<p class="muted">No tier change yet.</p>` : html`<${ChartCanvas} config=${overTime} label="tier distribution over time" />`}
  </section>`;
}

// ── Live feed ───────────────────────────────────────────────────────────────
function FeedPage() {
  const [changes, setChanges] = useState([]);
  const [status, setStatus] = useState("connecting");
  useEffect(() => {
    let live = true;
    api("/api/feed").then((d) => live && setChanges((c) => (c.length === 0 ? d.changes : c)));
    const source = new EventSource("/api/feed/stream");
    source.onopen = () => setStatus("live");
    source.onerror = () => setStatus("reconnecting");
    source.addEventListener("tier_changed", (message) => {
      const change = JSON.parse(message.data);
      change.receivedAt = Date.now();
      setChanges((c) => [change, ...c.filter((x) => x.eventId !== change.eventId)].slice(0, 200));
    });
    return () => {
      live = false;
      source.close();
    };
  }, []);
  return html`<section class="card">
    <h2>Live feed <span class=${`status ${status}`} data-testid="feed-status">${status}</span></h2>
    <p class="muted">Each tier change as the combiner publishes it (server-sent events from the tier-changed topic), newest first.</p>
    <table class="feed"><thead><tr><th>when</th><th>account</th><th>scorecard</th><th>move</th><th>total</th><th>fit</th><th>timing</th><th>top reason</th></tr></thead>
    <tbody>${changes.map((c) => html`<tr key=${c.eventId} data-account=${c.accountKey} class=${c.receivedAt ? "fresh" : ""}>
      <td class="when">${when(c.occurredAt)}</td>
      <td><a href=${`/accounts/${encodeURIComponent(c.accountKey)}`}>${c.accountKey}</a></td>
      <td>${c.scorecard}</td>
      <td class="move"><${Move} c=${c} /></td>
      <td>${num(c.total)}</td><td>${num(c.fit)}</td><td>${num(c.timing)}</td>
      <td class="reason">${c.reasons[0]?.text ?? ""}</td>
    </tr>`)}</tbody></table>
    ${changes.length === 0 ? html`<p class="muted">No tier change yet.</p>` : null}
  </section>`;
}

// ── Accounts ────────────────────────────────────────────────────────────────
function AccountsPage({ domain }) {
  return domain ? html`<${AccountPage} domain=${domain} />` : html`<${AccountSearch} />`;
}

function AccountSearch() {
  const [query, setQuery] = useState("");
  const { data, error } = useApi(`/api/accounts?q=${encodeURIComponent(query)}`);
  return html`<section class="card">
    <h2>Accounts</h2>
    <label class="search">Find an account <input type="search" value=${query} onInput=${(e) => setQuery(e.currentTarget.value)} placeholder="domain" /></label>
    <${Problem} error=${error} />
    <table><thead><tr><th>account</th><th>tier</th><th>total at the last tier change</th><th>since</th></tr></thead>
    <tbody>${(data?.accounts ?? []).map((a) => html`<tr><td><a href=${`/accounts/${encodeURIComponent(a.accountKey)}`}>${a.accountKey}</a></td><td><${TierBadge} tier=${a.tier} /></td><td>${num(a.total)}</td><td>${when(a.occurredAt)}</td></tr>`)}</tbody></table>
  </section>`;
}

function Evidence({ e }) {
  const age = e.ageDays !== undefined ? `${e.ageDays} d old` : "";
  const factor = e.factor !== undefined && e.factor !== 1 ? `, decay ×${e.factor}` : e.factor === 1 ? ", full points" : "";
  return html`<li class="evidence">${e.description}${e.eventId ? html` <span class="muted">(${age}${factor}; event ${e.eventId})</span>` : null} <b>${num(e.points)}</b></li>`;
}

function CardExplanation({ x }) {
  return html`<section class="card explanation" data-scorecard=${x.scorecard.id}>
    <h2>${x.scorecard.name} <small>rubric ${x.rubric.version}</small></h2>
    ${x.rubricMismatch ? html`<p class="error">The combiner's state comes from another rubric (${x.rubricMismatch.slice(0, 12)}).</p>` : null}
    ${x.tier
      ? html`<p class="verdict-line"><span data-testid=${`tier-${x.scorecard.id}`}><${TierBadge} tier=${x.tier} /></span> ${x.tier.action} · total <b>${num(x.total)}</b> = ${x.components.map((c) => `${c.key} ${num(c.value)} × ${c.weight}`).join(" + ")} · ${x.quadrant.label}</p>`
      : html`<p class="muted">Not tiered yet: ${x.notTiered}.</p>`}
    ${x.adjustments.length > 0 ? html`<ul>${x.adjustments.map((a) => html`<li>${a.kind.replaceAll("_", " ")} ${a.from} → ${a.to}: ${a.reason}</li>`)}</ul>` : null}
    ${x.publishedTier ? html`<p class="muted">The last published tier change said ${x.publishedTier.name}.</p>` : null}
    <div class="columns">
      <div><h3>Fit ${x.fit ? html`<b>${num(x.fit.score)}</b> / 100` : ""}</h3>
        ${x.fit
          ? html`<p class="muted">scored ${when(x.fit.scoredAt)}${x.fit.profile ? `, profile ${x.fit.profile.eventId}` : ""}</p>
            <ul>${x.fit.exclusions.map((e) => html`<li class="excluded">EXCLUDED: ${e.reason} <span class="muted">[${e.rule}]</span></li>`)}
            ${x.fit.tierCaps.map((c) => html`<li>never above ${c.tierId}: ${c.reason} <span class="muted">[${c.rule}]</span></li>`)}
            ${x.fit.reasons.map((r) => html`<li>${r.text} <span class="muted">${r.rule ? `[${r.rule}]` : ""}</span></li>`)}</ul>`
          : html`<p class="muted">No fit score (no profile seen).</p>`}
      </div>
      <div><h3>Timing ${x.timing ? html`<b>${num(x.timing.score)}</b> / 100` : ""}</h3>
        ${x.timing
          ? html`<p class="muted">${num(x.timing.points)} of ${x.timing.outOf} points as of ${when(x.timing.asOf)}; ${x.timing.nextChangeAt ? `next change on its own at ${when(x.timing.nextChangeAt)}` : "will not change on its own"}</p>
            ${x.timing.strongSignals.map((s) => html`<p class="strong">strong intent: ${s.label}, ${s.description}, ${s.ageDays} d old, strong until ${when(s.strongUntil)}</p>`)}
            ${x.timing.layers.map((l) => html`<div class="layer"><h4>${l.id}: ${num(l.points)}${l.max !== undefined ? ` of max ${l.max}` : ""}${l.points !== l.uncappedPoints ? ` (capped from ${num(l.uncappedPoints)})` : ""}</h4>
              ${l.contributions.length === 0 ? html`<p class="muted">nothing live</p>` : html`<ul>${l.contributions.map((c) => html`<li><b>${num(c.points)}</b> ${c.label} <span class="muted">[${c.rule}]</span><ul>${c.evidence.map((e) => html`<${Evidence} e=${e} />`)}</ul></li>`)}</ul>`}</div>`)}`
          : html`<p class="muted">No signal in the timing service's state.</p>`}
      </div>
    </div>
  </section>`;
}

function AccountPage({ domain }) {
  const { data, error } = useApi(`/api/accounts/${encodeURIComponent(domain)}`, 10_000);
  if (!data) return html`<${Problem} error=${error} />${error ? null : html`<p class="muted">Loading ${domain}…</p>`}`;
  return html`<h1 class="account">${data.accountKey}</h1>
    ${data.shadow.map((sh) => {
      const live = data.current.find((c) => c.scorecard === sh.scorecard);
      const moves = live && live.tier.id !== sh.tier.id;
      return html`<p class=${`shadow-note ${moves ? "moves" : ""}`} data-testid="shadow-tier">Under the shadow rubric (${sh.rubricVersion.label ?? sh.rubricVersion.hash.slice(0, 12)}) this account is <${TierBadge} tier=${sh.tier} />${moves ? html`, not <${TierBadge} tier=${live.tier} />: ${sh.reasons.slice(0, 3).map((r) => r.text).join("; ")}` : " as now"}.</p>`;
    })}
    ${data.explanation.map((x) => html`<${CardExplanation} x=${x} />`)}
    <section class="card"><h2>Tier history</h2>
      <table><thead><tr><th>when</th><th>scorecard</th><th>move</th><th>total</th><th>reasons</th><th>causing events</th></tr></thead>
      <tbody>${data.history.map((h) => html`<tr><td class="when">${when(h.occurredAt)}</td><td>${h.scorecard}</td><td class="move"><${Move} c=${h} /></td><td>${num(h.total)}</td><td>${h.reasons.map((r) => r.text).join("; ")}</td><td class="ids">${h.causingEventIds.join(", ")}</td></tr>`)}</tbody></table>
    </section>`;
}

// ── Model health ────────────────────────────────────────────────────────────
function HealthPage() {
  const { data, error } = useApi("/api/model-health", 10_000);
  if (!data) return html`<${Problem} error=${error} /><p class="muted">${error ? "" : "Loading model health…"}</p>`;
  if (data.models.length === 0) return html`<section class="card"><h2>Model health</h2><p class="muted">No opportunity scored yet: outcomes come from the outcome topic.</p></section>`;
  return html`<${Problem} error=${error} />${data.models.map((m) => html`<${ModelCard} m=${m} />`)}`;
}

function ModelCard({ m }) {
  const ranked = m.tiers.filter((t) => t.opportunities > 0 || t.poolAccounts > 0);
  const winRate = {
    type: "bar",
    data: {
      labels: ranked.map((t) => t.name),
      datasets: [
        // The interval drawn over its bar (not beside it): a narrow floating bar from low to high.
        { label: "95% interval", data: ranked.map((t) => (t.winRateInterval ? [t.winRateInterval.low * 100, t.winRateInterval.high * 100] : null)), backgroundColor: "rgba(29,35,48,0.55)", grouped: false, barPercentage: 0.12, order: 0 },
        { label: "win rate", data: ranked.map((t) => (t.winRate === null ? null : t.winRate * 100)), backgroundColor: ranked.map((t) => tierColor(t, t.excluded)), grouped: false, barPercentage: 0.6, order: 1 },
      ],
    },
    options: { animation: false, maintainAspectRatio: false, scales: { y: { min: 0, max: 100, title: { display: true, text: "% of closed deals won" } } }, plugins: { legend: { position: "bottom" } } },
  };
  const poolChart = {
    type: "bar",
    data: { labels: ranked.map((t) => t.name), datasets: [{ label: "share of the pool now", data: ranked.map((t) => t.poolShare * 100), backgroundColor: ranked.map((t) => tierColor(t, t.excluded)) }] },
    options: { animation: false, maintainAspectRatio: false, indexAxis: "y", scales: { x: { min: 0, max: 100, title: { display: true, text: "% of accounts" } } }, plugins: { legend: { display: false } } },
  };
  return html`<section class="card" data-testid="model">
    <h2>${m.scorecard} <small>${m.rubricVersion ? `rubric ${m.rubricVersion.label ?? ""} ${m.rubricVersion.hash.slice(0, 12)}` : "no opportunity yet"}</small></h2>
    <p class=${`headline ${m.headline.severity}`} data-testid="headline">${m.headline.text}</p>
    <div class="columns">
      <div><h3>Win rate by tier at creation</h3>${m.overall.closed === 0
        ? html`<p class="muted empty-chart">No closed deal yet. Opportunities reach the outcome stage on the outcome topic (icp ingest, or the gateway's /v1/outcomes); each is counted in the tier its account had when it was created.</p>`
        : html`<${ChartCanvas} config=${winRate} label="win rate by tier with 95% intervals" />`}</div>
      <div><h3>Pool by tier (healthy top tier ${pct(m.pool.target.low, 0)}–${pct(m.pool.target.high, 0)})</h3><${ChartCanvas} config=${poolChart} label="share of the pool by tier" /></div>
    </div>
    <table><thead><tr><th>tier</th><th>opportunities</th><th>open</th><th>won</th><th>lost</th><th>win rate (95%)</th><th>lift</th><th>avg won USD</th><th>mean days to win</th><th>pool</th></tr></thead>
    <tbody>${m.tiers.map((t) => html`<tr><td>${t.name}</td><td>${t.opportunities}</td><td>${t.open}</td><td>${t.won}</td><td>${t.lost}</td>
      <td>${pct(t.winRate)} ${t.winRateInterval ? html`<span class="muted">(${pct(t.winRateInterval.low)}–${pct(t.winRateInterval.high)})</span>` : ""}</td>
      <td>${t.lift === null ? "–" : `${num(t.lift, 1)}×`}</td><td>${t.averageContractValue === null ? "–" : Math.round(t.averageContractValue).toLocaleString("en-US")}</td><td>${num(t.meanDaysToClose, 1)}</td><td>${pct(t.poolShare)}</td></tr>`)}</tbody></table>
    <h3>Verdicts</h3>
    <ul class="verdicts">${m.verdicts.map((v) => html`<li class=${v.severity} data-kind=${v.kind}>${v.text}</li>`)}</ul>
  </section>`;
}

// ── Rubrics ─────────────────────────────────────────────────────────────────
function RubricsPage() {
  const { data, error } = useApi("/api/rubrics", 10_000);
  if (!data) return html`<${Problem} error=${error} />`;
  return html`<section class="card"><h2>Live rubric <small>${data.live.version}</small></h2>
    <p class="muted">hash ${data.live.hash}</p>
    ${data.scorecards.map((c) => html`<h3>${c.name} (${c.id})</h3><p>weights ${Object.entries(c.weights).map(([k, w]) => `${k} ${w}`).join(", ")}; healthy top tier ${pct(c.band.min, 0)}–${pct(c.band.max, 0)}</p>
      <table><thead><tr><th>tier</th><th>from total</th><th>action</th></tr></thead><tbody>${c.tiers.map((t) => html`<tr><td>${t.name}</td><td>${t.min}</td><td>${t.action}</td></tr>`)}</tbody></table>`)}
  </section>
  <section class="card"><h2>Rubric versions in the pool</h2>
    <p class="muted">The rubric version of each account's current tier, as the tier-changed topic tells it.</p>
    <table><thead><tr><th>scorecard</th><th>rubric</th><th>accounts</th></tr></thead><tbody>${data.inPool.map((r) => html`<tr><td>${r.scorecard}</td><td>${r.label ?? ""} <span class="muted">${r.hash.slice(0, 12)}</span>${r.hash === data.live.hash ? " (live)" : ""}</td><td>${r.accounts}</td></tr>`)}</tbody></table>
  </section>
  <${PromotionsSection} promotions=${data.promotions} started=${data.live} />
  <${ShadowSection} shadow=${data.shadow} />`;
}

function PromotionsSection({ promotions, started }) {
  const rows = promotions.rows;
  const promoted = rows.filter((r) => r.epoch > 0);
  return html`<section class="card" data-testid="promotions"><h2>Promotions</h2>
    ${promotions.error ? html`<p class="warn">Cannot read the partitions' rubrics: ${promotions.error}</p>` : null}
    ${promoted.length === 0
      ? html`<p class="muted">Every partition scores with the rubric the services started with (${started.version}). <code>icp rubric promote candidate.yaml</code> makes another one live without stopping the pipeline; <code>icp rubric rollback</code> goes back.</p>`
      : html`<p class="muted">The rubric each fit and timing partition scores with; the combiner tiers each account under the newest promotion it has a score of.</p>
        <table><thead><tr><th>service</th><th>partition</th><th>promotion</th><th>rubric</th><th>accounts left to re-score</th></tr></thead><tbody>${rows.map((r) => html`<tr><td>${r.service}</td><td>${r.partition}</td><td data-testid="promotion-epoch">${r.epoch}</td><td>${r.epoch === 0 ? html`started with <span class="muted">${started.hash.slice(0, 12)}</span>` : html`${r.source} <span class="muted">${(r.hash ?? "").slice(0, 12)}</span>`}</td><td>${r.left}</td></tr>`)}</tbody></table>`}
  </section>`;
}

function ShadowSection({ shadow }) {
  if (!shadow.running && shadow.scorecards.length === 0) {
    return html`<section class="card" data-testid="shadow"><h2>Shadow rubric</h2><p class="muted">No shadow rubric is running. Start fit, timing and combiner a second time with <code>ICP_SHADOW_RUBRIC=candidate.yaml</code>: they score the same events into their own topics, and this page compares their tiers with the live ones. <code>icp rubric diff</code> does the same on files.</p></section>`;
  }
  return html`${shadow.scorecards.map((c) => html`<section class="card" data-testid="shadow">
    <h2>Shadow rubric: ${c.scorecard} <small>${c.rubricVersions.map((r) => `${r.label ?? ""} ${r.hash.slice(0, 12)}`).join(", ")}</small></h2>
    <p><b data-testid="shadow-differing">${c.differing}</b> accounts would change tier if the shadow rubric were promoted.</p>
    ${c.band && c.topTier ? html`<p class="muted">Top tier: live ${pct(c.live.find((t) => t.tier === c.topTier)?.share ?? 0)}, shadow ${pct(c.shadow.find((t) => t.tier === c.topTier)?.share ?? 0)}; healthy band ${pct(c.band.min, 0)}–${pct(c.band.max, 0)}.</p>` : null}
    <table><thead><tr><th>tier</th><th>live</th><th>shadow</th></tr></thead><tbody>${c.live.map((t) => html`<tr><td>${t.name}</td><td>${t.accounts} (${pct(t.share)})</td><td>${c.shadow.find((s) => s.tier === t.tier)?.accounts ?? 0} (${pct(c.shadow.find((s) => s.tier === t.tier)?.share ?? 0)})</td></tr>`)}</tbody></table>
    <h3>Accounts that would move</h3>
    <p class="muted">Totals are those each pipeline published with the account's last tier change.</p>
    <table><thead><tr><th>account</th><th>live</th><th>shadow</th><th>why, under the shadow rubric</th></tr></thead><tbody>${c.moves.map((m) => html`<tr><td><a href=${`/accounts/${encodeURIComponent(m.accountKey)}`}>${m.accountKey}</a></td><td class="move"><${TierBadge} tier=${m.live.tier} /> ${num(m.live.total)}</td><td class="move"><${TierBadge} tier=${m.shadow.tier} /> ${num(m.shadow.total)} ${m.direction === "up" ? "↑" : "↓"}</td><td class="reason">${m.shadow.reasons.join("; ")}</td></tr>`)}</tbody></table>
  </section>`)}`;
}

function App() {
  const path = location.pathname;
  let page;
  if (path === "/") page = html`<${BoardPage} />`;
  else if (path === "/feed") page = html`<${FeedPage} />`;
  else if (path.startsWith("/accounts")) page = html`<${AccountsPage} domain=${decodeURIComponent(path.slice("/accounts/".length))} />`;
  else if (path === "/health") page = html`<${HealthPage} />`;
  else if (path === "/rubrics") page = html`<${RubricsPage} />`;
  else page = html`<p>Nothing here.</p>`;
  return html`<${Nav} path=${path} /><main>${page}</main>`;
}

render(html`<${App} />`, document.getElementById("app"));
