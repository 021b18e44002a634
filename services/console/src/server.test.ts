import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { EXAMPLE_EVENTS } from "@icpstream/contracts";
import { createLogger } from "@icpstream/observability";
import { TierBoard } from "@icpstream/pipeline";
import type { TierChangeSummary } from "@icpstream/pipeline";
import { loadRubricFile } from "@icpstream/service-runtime";
import { SESSION_COOKIE, sessionValue } from "./auth.js";
import type { PartitionPromotion } from "@icpstream/cli";
import { buildConsole, shadowComparison } from "./server.js";

const TOKEN = "unit-test-console-token-42";
const rubric = loadRubricFile(fileURLToPath(new URL("../../../rubrics/enterprise.yaml", import.meta.url)));

function consoleApp(options: { modelHealth?: () => Promise<unknown>; promotions?: () => Promise<readonly PartitionPromotion[]> } = {}) {
  const board = new TierBoard();
  board.apply({ ...EXAMPLE_EVENTS.tierChanged[0]!, eventId: "tc-x:v1", rubricVersion: { hash: rubric.version.hash } });
  const listeners = new Set<(c: TierChangeSummary) => void>();
  const app = buildConsole({
    board,
    feed: { subscribe: (l) => (listeners.add(l), () => listeners.delete(l)) },
    readAccount: (accountKey) => Promise.resolve({ accountKey }),
    rubric,
    modelHealth: options.modelHealth ?? (() => Promise.resolve({ models: [] })),
    ...(options.promotions ? { promotions: options.promotions } : {}),
    token: TOKEN,
    logger: createLogger({ service: "console-test", level: "silent" }),
    maxStreams: 1,
  });
  return { app, board, listeners };
}
const bearer = { authorization: `Bearer ${TOKEN}` };

describe("the console server", () => {
  it("sends a browser without the token to the sign-in page and refuses API calls with 401", async () => {
    const { app } = consoleApp();
    const page = await app.inject({ method: "GET", url: "/feed" });
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe("/login");
    const api = await app.inject({ method: "GET", url: "/api/board", headers: { authorization: "Bearer nope" } });
    expect(api.statusCode).toBe(401);
    expect(api.json()).toMatchObject({ error: "UNAUTHENTICATED" });
  });

  it("signs a browser in with the token: a session cookie made from it, never the token itself", async () => {
    const { app } = consoleApp();
    const wrong = await app.inject({ method: "POST", url: "/login", payload: "token=guess", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(wrong.statusCode).toBe(401);
    const right = await app.inject({ method: "POST", url: "/login", payload: `token=${TOKEN}`, headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(right.statusCode).toBe(303);
    const cookie = String(right.headers["set-cookie"]);
    expect(cookie).toContain(`${SESSION_COOKIE}=${sessionValue(TOKEN)}`);
    expect(cookie).toMatch(/HttpOnly; SameSite=Strict/);
    expect(cookie).not.toContain(TOKEN);
    const board = await app.inject({ method: "GET", url: "/api/board", headers: { cookie: `${SESSION_COOKIE}=${sessionValue(TOKEN)}` } });
    expect(board.statusCode).toBe(200);
  });

  it("serves pages with a policy that allows scripts from its own origin only, and the libraries from node_modules", async () => {
    const { app } = consoleApp();
    const page = await app.inject({ method: "GET", url: "/", headers: bearer });
    expect(page.headers["content-security-policy"]).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/=]+'; style-src 'self'/);
    expect(page.body).toContain('<script type="importmap">');
    expect(page.body).not.toMatch(/https?:\/\//);
    for (const asset of ["app.js", "preact.mjs", "preact-hooks.mjs", "htm.mjs", "htm-preact.mjs", "chart.umd.js"]) {
      const response = await app.inject({ method: "GET", url: `/assets/${asset}`, headers: bearer });
      expect(response.statusCode, asset).toBe(200);
      expect(response.body.length, asset).toBeGreaterThan(100);
    }
    expect((await app.inject({ method: "GET", url: "/assets/../../package.json", headers: bearer })).statusCode).toBe(404);
  });

  it("answers the board, an account's page and its refusals as JSON", async () => {
    const { app } = consoleApp();
    const board = (await app.inject({ method: "GET", url: "/api/board", headers: bearer })).json() as { scorecards: { id: string; now: { tier: string; accounts: number }[] }[] };
    expect(board.scorecards[0]?.now).toEqual([expect.objectContaining({ tier: "tier1", accounts: 1 })]);
    const account = await app.inject({ method: "GET", url: "/api/accounts/northwind-analytics.com", headers: bearer });
    expect(account.statusCode).toBe(200);
    expect(account.json()).toMatchObject({ accountKey: "northwind-analytics.com", history: [expect.objectContaining({ eventId: "tc-x:v1" })] });
    expect((await app.inject({ method: "GET", url: "/api/accounts/nobody.example", headers: bearer })).statusCode).toBe(404);
    expect((await app.inject({ method: "GET", url: "/api/accounts/not%20a%20domain", headers: bearer })).json()).toMatchObject({ error: "INVALID_ACCOUNT_KEY" });
  });

  it("says why model health is unavailable instead of failing the page", async () => {
    const { app } = consoleApp({ modelHealth: () => Promise.reject(new Error("the outcome stage at http://127.0.0.1:1 did not answer")) });
    const response = await app.inject({ method: "GET", url: "/api/model-health", headers: bearer });
    expect(response.statusCode).toBe(502);
    expect(response.json()).toMatchObject({ error: "MODEL_HEALTH_UNAVAILABLE", message: expect.stringContaining("did not answer") });
  });
});

describe("the rubrics page's promotions", () => {
  it("lists which promotion each fit and timing partition runs, and says why when the partitions cannot be read", async () => {
    const rows: PartitionPromotion[] = [
      { service: "fit", partition: 0, epoch: 2, source: "candidate.yaml", hash: "ab".repeat(32), left: 0, unpublished: 0 },
      { service: "timing", partition: 0, epoch: 2, source: "candidate.yaml", hash: "ab".repeat(32), left: 120, unpublished: 3 },
    ];
    const { app } = consoleApp({ promotions: () => Promise.resolve(rows) });
    expect((await app.inject({ method: "GET", url: "/api/rubrics", headers: bearer })).json().promotions).toEqual({ rows });
    const down = consoleApp({ promotions: () => Promise.reject(new Error("Redis is not answering")) });
    expect((await down.app.inject({ method: "GET", url: "/api/rubrics", headers: bearer })).json().promotions).toEqual({ rows: [], error: "Redis is not answering" });
  });
});

describe("the shadow comparison", () => {
  it("lists the accounts whose shadow tier differs from their live one, with the shadow's reasons", () => {
    const base = EXAMPLE_EVENTS.tierChanged[0]!;
    const tier = (rank: number) => ({ id: `tier${rank}`, name: `Tier ${rank}`, rank });
    const live = new TierBoard();
    const shadow = new TierBoard();
    for (const [account, liveRank, shadowRank] of [["a.com", 2, 1], ["b.com", 2, 2], ["c.com", 1, 3]] as const) {
      live.apply({ ...base, eventId: `l-${account}:v1`, accountKey: account, tier: tier(liveRank) });
      shadow.apply({ ...base, eventId: `s-${account}:v1`, accountKey: account, tier: tier(shadowRank), reasons: [{ text: `shadow reason for ${account}` }] });
    }
    const comparison = shadowComparison(live, { board: shadow, following: () => true }, rubric);
    expect(comparison.running).toBe(true);
    const card = comparison.scorecards[0]!;
    expect(card.differing).toBe(2);
    expect(card.moves.map((m) => [m.accountKey, m.live.tier.id, m.shadow.tier.id, m.direction, m.shadow.reasons[0]])).toEqual([
      ["c.com", "tier1", "tier3", "down", "shadow reason for c.com"],
      ["a.com", "tier2", "tier1", "up", "shadow reason for a.com"],
    ]);
    expect(shadowComparison(live, undefined, rubric)).toEqual({ running: false, scorecards: [] });
  });
});
