import { createHash } from "node:crypto";
import type { PartitionPromotion } from "@icpstream/cli";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { fastify, LogController } from "fastify";
import type { FastifyBaseLogger, FastifyInstance, FastifyReply } from "fastify";
import type { Logger } from "pino";
import { explainLiveAccount } from "@icpstream/pipeline";
import type { LiveAccountStates, TierBoard, TierChangeSummary } from "@icpstream/pipeline";
import { AccountKey, formatRubricVersion } from "@icpstream/scoring";
import type { Rubric } from "@icpstream/scoring";
import { isAuthorized, SESSION_COOKIE, sessionValue, tokenMatches } from "./auth.js";

/**
 * The web console: read-only pages over what the pipeline holds, served to a browser.
 *
 * Pages (one HTML shell; the app in web/app.js renders by path): `/` tier board, `/feed` live
 * feed, `/accounts` and `/accounts/<domain>` account pages, `/health` model health,
 * `/rubrics` rubric versions. JSON under `/api/…`: `board`, `feed` (recent changes),
 * `feed/stream` (server-sent events, one `tier_changed` per change, a comment every 15 s to
 * keep proxies from closing it), `accounts?q=&scorecard=`, `accounts/<domain>`,
 * `model-health` (the outcome stage's, passed through), `rubrics`.
 *
 * Access: everything but `/login` needs the bearer token or the session cookie made from it
 * (auth.ts); a page without it is sent to /login, an API call gets 401. Nothing is written
 * anywhere: GET only, apart from the sign-in form. The browser libraries (Preact, htm,
 * Chart.js) are served from node_modules — installed with the console, never fetched from a
 * CDN — and a Content-Security-Policy allows scripts from this origin only (the import map by
 * its hash). Responses carry what the topics and the services' state hold, no more.
 */
export interface LiveFeed {
  /** Calls `listener` with every tier change from now on; returns the unsubscribe. */
  subscribe(listener: (change: TierChangeSummary) => void): () => void;
}

export interface ConsoleOptions {
  board: TierBoard;
  /** The shadow rubric's tiers, when its pipeline runs (the rubrics page compares them with the live ones). */
  shadow?: { board: TierBoard; following(): boolean };
  feed: LiveFeed;
  /** Reads the account's fit, timing and combiner states. */
  readAccount(accountKey: string): Promise<LiveAccountStates>;
  rubric: Rubric;
  /** The outcome stage's /model-health body; a throw says why it is unavailable. */
  modelHealth(): Promise<unknown>;
  /** The promoted rubric of a version hash (`icp rubric promote`), for an account tiered under it; undefined when unknown. */
  promotedRubric?(hash: string): Promise<Rubric | undefined>;
  /** Which rubric promotion each fit and timing partition runs (`icp rubric promote`), and what it has left to re-score. */
  promotions?(): Promise<readonly PartitionPromotion[]>;
  token: string;
  logger: Logger;
  maxStreams: number;
  /** How often the live feed sends a keep-alive comment (default 15 s). */
  keepAliveMs?: number;
}

const require = createRequire(import.meta.url);
const WEB_DIR = fileURLToPath(new URL("../web/", import.meta.url));
const htmPreact = require.resolve("htm/preact");

/** What /assets/<name> serves: the app and the browser builds of its libraries, read once. */
const ASSETS: Record<string, { path: string; type: string }> = {
  "app.js": { path: join(WEB_DIR, "app.js"), type: "text/javascript; charset=utf-8" },
  "console.css": { path: join(WEB_DIR, "console.css"), type: "text/css; charset=utf-8" },
  "preact.mjs": { path: require.resolve("preact"), type: "text/javascript; charset=utf-8" },
  "preact-hooks.mjs": { path: require.resolve("preact/hooks"), type: "text/javascript; charset=utf-8" },
  "htm.mjs": { path: join(dirname(htmPreact), "..", "dist", "htm.mjs"), type: "text/javascript; charset=utf-8" },
  "htm-preact.mjs": { path: join(dirname(htmPreact), "index.mjs"), type: "text/javascript; charset=utf-8" },
  // Chart.js's exports do not list its UMD build: it sits beside the main entry (as for icp backtest --html).
  "chart.umd.js": { path: join(dirname(require.resolve("chart.js")), "chart.umd.min.js"), type: "text/javascript; charset=utf-8" },
};

const IMPORT_MAP = JSON.stringify({ imports: { preact: "/assets/preact.mjs", "preact/hooks": "/assets/preact-hooks.mjs", htm: "/assets/htm.mjs", "htm/preact": "/assets/htm-preact.mjs" } });
const IMPORT_MAP_HASH = createHash("sha256").update(IMPORT_MAP).digest("base64");
const CSP = `default-src 'none'; script-src 'self' 'sha256-${IMPORT_MAP_HASH}'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`;

const PAGES = ["/", "/feed", "/accounts", "/health", "/rubrics"];

function shell(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>icpstream console</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/assets/console.css">
<script type="importmap">${IMPORT_MAP}</script>
<script src="/assets/chart.umd.js"></script>
<script type="module" src="/assets/app.js"></script>
</head><body><div id="app"></div></body></html>`;
}

function loginPage(failed: boolean): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>icpstream console: sign in</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/assets/console.css"></head>
<body><main class="login"><h1>icpstream console</h1>
${failed ? '<p class="error" role="alert">That token does not open this console.</p>' : ""}
<form method="post" action="/login"><label>Console token <input type="password" name="token" autocomplete="current-password" required autofocus></label>
<button type="submit">Sign in</button></form>
<p class="hint">The token is the console's <code>ICP_CONSOLE_TOKEN</code>.</p></main></body></html>`;
}

/**
 * Live against shadow, per scorecard: accounts per tier under each, and the accounts whose
 * shadow tier differs from their live one (at most `limit`, largest moves first).
 */
export function shadowComparison(live: TierBoard, shadow: ConsoleOptions["shadow"], rubric: Rubric, limit = 200) {
  if (!shadow) return { running: false, scorecards: [] };
  const cardOf = (id: string) => rubric.scorecards.find((c) => c.id === id);
  const scorecards = shadow.board.scorecards().map((scorecard) => {
    const shadowTiers = new Map(shadow.board.search(scorecard, "", Number.MAX_SAFE_INTEGER).map((c) => [c.accountKey, c]));
    const moves = live.search(scorecard, "", Number.MAX_SAFE_INTEGER).flatMap((l) => {
      const s = shadowTiers.get(l.accountKey);
      return s && s.tier.id !== l.tier.id ? [{ accountKey: l.accountKey, live: { tier: l.tier, total: l.total }, shadow: { tier: s.tier, total: s.total, reasons: s.reasons.slice(0, 3).map((r) => r.text) }, direction: s.tier.rank < l.tier.rank ? "up" : "down" }] : [];
    });
    moves.sort((a, b) => Math.abs(b.live.tier.rank - b.shadow.tier.rank) - Math.abs(a.live.tier.rank - a.shadow.tier.rank) || (a.accountKey < b.accountKey ? -1 : 1));
    const card = cardOf(scorecard);
    return { scorecard, band: card?.topTierShare ?? null, topTier: card?.tiers[0]?.id ?? null, live: live.distribution(scorecard), shadow: shadow.board.distribution(scorecard), rubricVersions: shadow.board.rubricVersions().filter((r) => r.scorecard === scorecard), differing: moves.length, moves: moves.slice(0, limit) };
  });
  return { running: shadow.following(), scorecards };
}

export function buildConsole(options: ConsoleOptions): FastifyInstance {
  const { board, rubric, token, logger } = options;
  const assets = new Map(Object.entries(ASSETS).map(([name, a]) => [name, { body: readFileSync(a.path), type: a.type }]));
  const app = fastify({
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 4096,
    requestTimeout: 30_000,
    // Live feeds stay open until the client leaves: close them with the server.
    forceCloseConnections: true,
  });
  let streams = 0;

  // The sign-in form is the only body the console reads: a urlencoded token, 4 KiB at most.
  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string", bodyLimit: 4096 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  app.addHook("onRequest", async (request, reply) => {
    reply.header("content-security-policy", CSP).header("x-content-type-options", "nosniff").header("referrer-policy", "no-referrer").header("cache-control", "no-store");
    const path = request.url.split("?")[0] ?? "/";
    if (path === "/login" || path === "/assets/console.css") return;
    if (isAuthorized({ authorization: request.headers.authorization, cookie: request.headers.cookie }, token)) return;
    if (path.startsWith("/api/") || request.method !== "GET") return reply.code(401).send({ error: "UNAUTHENTICATED", message: "send Authorization: Bearer <ICP_CONSOLE_TOKEN>, or sign in at /login" });
    return reply.redirect("/login", 303);
  });
  app.addHook("onResponse", async (request, reply) => {
    logger.info({ method: request.method, route: request.routeOptions.url ?? "(none)", status: reply.statusCode, durationMs: Math.round(reply.elapsedTime) }, "request");
  });

  app.get("/login", async (_request, reply) => reply.type("text/html; charset=utf-8").send(loginPage(false)));
  app.post("/login", async (request, reply) => {
    const given = (request.body as Record<string, unknown> | undefined)?.token;
    if (typeof given !== "string" || !tokenMatches(given, token)) return reply.code(401).type("text/html; charset=utf-8").send(loginPage(true));
    const secure = request.protocol === "https" ? "; Secure" : "";
    return reply.header("set-cookie", `${SESSION_COOKIE}=${sessionValue(token)}; HttpOnly; SameSite=Strict; Path=/${secure}`).redirect("/", 303);
  });

  for (const page of PAGES) app.get(page, async (_request, reply) => reply.type("text/html; charset=utf-8").send(shell()));
  app.get("/accounts/:domain", async (_request, reply) => reply.type("text/html; charset=utf-8").send(shell()));
  app.get("/assets/:name", async (request, reply) => {
    const asset = assets.get((request.params as { name: string }).name);
    if (!asset) return reply.code(404).send({ error: "NOT_FOUND" });
    return reply.type(asset.type).header("cache-control", "private, max-age=300").send(asset.body);
  });

  app.get("/api/board", async () => ({
    scorecards: rubric.scorecards.map((card) => ({
      id: card.id,
      name: card.name,
      band: card.topTierShare,
      topTier: card.tiers[0]?.id ?? null,
      tiers: [...card.tiers.map((t) => ({ id: t.id, name: t.name })), { id: card.excluded.id, name: card.excluded.name }],
      now: board.distribution(card.id),
      overTime: board.overTime(card.id),
    })),
    applied: board.applied,
  }));
  app.get("/api/feed", async () => ({ changes: board.recent(100) }));
  app.get("/api/accounts", async (request) => {
    const query = request.query as { q?: string; scorecard?: string };
    const scorecard = query.scorecard ?? rubric.scorecards[0]?.id ?? "";
    return { scorecard, accounts: board.search(scorecard, String(query.q ?? "").slice(0, 200), 50) };
  });
  app.get("/api/accounts/:domain", async (request, reply: FastifyReply) => {
    const parsed = AccountKey.safeParse((request.params as { domain: string }).domain);
    if (!parsed.success) return reply.code(400).send({ error: "INVALID_ACCOUNT_KEY", message: parsed.error.issues[0]?.message ?? "not an account key" });
    const accountKey = parsed.data;
    const states = await options.readAccount(accountKey);
    const known = states.fit !== undefined || states.timing !== undefined || states.combiner !== undefined || board.history(accountKey).length > 0;
    if (!known) return reply.code(404).send({ error: "UNKNOWN_ACCOUNT", message: `the pipeline holds nothing for ${accountKey}` });
    // An account tiered under a promoted rubric is explained with that rubric.
    const hash = states.combiner?.rubricHash;
    const tieredUnder = hash && hash !== rubric.version.hash ? ((await options.promotedRubric?.(hash).catch(() => undefined)) ?? rubric) : rubric;
    return { accountKey, current: board.currentOf(accountKey), explanation: explainLiveAccount(states, tieredUnder), history: board.history(accountKey), shadow: options.shadow?.board.currentOf(accountKey) ?? [] };
  });
  app.get("/api/model-health", async (_request, reply) => {
    try {
      return await options.modelHealth();
    } catch (error) {
      return reply.code(502).send({ error: "MODEL_HEALTH_UNAVAILABLE", message: (error as Error).message });
    }
  });
  app.get("/api/rubrics", async () => ({
    live: { hash: rubric.version.hash, version: formatRubricVersion(rubric.version), label: rubric.version.label ?? null },
    promotions: options.promotions ? await options.promotions().then((rows) => ({ rows }), (error: unknown) => ({ rows: [], error: (error as Error).message })) : { rows: [] },
    scorecards: rubric.scorecards.map((card) => ({ id: card.id, name: card.name, weights: card.weights, band: card.topTierShare, tiers: card.tiers.map((t) => ({ id: t.id, name: t.name, min: t.min, action: t.action })) })),
    inPool: board.rubricVersions(),
    shadow: shadowComparison(board, options.shadow, rubric),
  }));

  app.get("/api/feed/stream", (request, reply) => {
    if (streams >= options.maxStreams) {
      void reply.code(503).header("retry-after", "5").send({ error: "TOO_MANY_STREAMS", message: `at most ${options.maxStreams} live feeds at once` });
      return;
    }
    streams++;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", connection: "keep-alive", "x-accel-buffering": "no", "content-security-policy": CSP });
    res.write("retry: 2000\n: connected\n\n");
    const unsubscribe = options.feed.subscribe((change) => {
      res.write(`id: ${change.eventId}\nevent: tier_changed\ndata: ${JSON.stringify(change)}\n\n`);
    });
    const keepAlive = setInterval(() => res.write(": keep-alive\n\n"), options.keepAliveMs ?? 15_000);
    const close = () => {
      clearInterval(keepAlive);
      unsubscribe();
      streams--;
    };
    request.raw.once("close", close);
  });

  return app;
}
