import { keyLayout } from "@icpstream/redis-kit";
import { describe, expect, it } from "vitest";
import { deletionOrder, formatProgress, replayProgress, serviceKeyPattern, sumProgress } from "./rebuild-plan.js";

/** SCAN MATCH semantics for the patterns we build: `*`, `?` and backslash escapes. */
function globMatches(pattern: string, key: string): boolean {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === "\\") source += (pattern[++i] as string).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    else if (c === "*") source += ".*";
    else if (c === "?") source += ".";
    else source += c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`, "s").test(key);
}

describe("which keys a rebuild deletes", () => {
  const keys = keyLayout("demo.");
  const fit = { group: "demo.icp.fit", stream: "demo.icp.firmographic", partition: 3 };
  const timing = { group: "demo.icp.timing", stream: "signals", partition: 0 };

  it("matches every key redis-kit's layout gives the service's shards: meta, state, shared, due", () => {
    const pattern = serviceKeyPattern("demo.", "demo.icp.fit");
    for (const key of [keys.meta(fit), keys.state(fit, "acme.com"), keys.shared(fit, "outbox"), keys.due(fit), keys.meta({ ...fit, partition: 11 })]) {
      expect(globMatches(pattern, key), key).toBe(true);
    }
  });

  it("matches no key of another group, another prefix or an account view", () => {
    const pattern = serviceKeyPattern("demo.", "demo.icp.fit");
    for (const key of [keys.meta(timing), keys.meta({ ...fit, group: "demo.icp.fit2" }), keyLayout("").meta({ ...fit }), keyLayout("demo.x").meta(fit), keys.account("acme.com", "fit")]) {
      expect(globMatches(pattern, key), key).toBe(false);
    }
  });

  it("escapes a group that holds glob or layout characters", () => {
    const odd = { group: "g*[x]:{y}", stream: "s", partition: 0 };
    const pattern = serviceKeyPattern("", odd.group);
    expect(globMatches(pattern, keyLayout("").meta(odd))).toBe(true);
    expect(globMatches(pattern, keyLayout("").meta({ ...odd, group: "gzzx]:{y}" }))).toBe(false);
  });

  it("deletes meta hashes first, so a straggling writer is fenced before its state goes", () => {
    expect(deletionOrder(["a:state:x", "a:meta", "b:due", "b:meta"])).toEqual(["a:meta", "b:meta", "a:state:x", "b:due"]);
  });
});

describe("replay progress", () => {
  it("counts applied messages from the log start and is caught up when every partition reached its high watermark", () => {
    expect(replayProgress([{ partition: 0, low: "0", high: "10", stored: "9" }, { partition: 1, low: "5", high: "5", stored: null }])).toEqual({ done: 10n, total: 10n, caughtUp: true });
    expect(replayProgress([{ partition: 0, low: "0", high: "10", stored: "3" }, { partition: 1, low: "2", high: "6", stored: null }])).toEqual({ done: 4n, total: 14n, caughtUp: false });
  });

  it("treats an offset stored before the log start (retention deleted it) as nothing applied", () => {
    expect(replayProgress([{ partition: 0, low: "100", high: "110", stored: "40" }])).toEqual({ done: 0n, total: 10n, caughtUp: false });
  });

  it("sums topics per service and prints one line", () => {
    const timing = sumProgress([
      { done: 5n, total: 10n, caughtUp: false },
      { done: 0n, total: 0n, caughtUp: true },
    ]);
    expect(formatProgress([{ service: "fit", progress: { done: 3n, total: 3n, caughtUp: true } }, { service: "timing", progress: timing }])).toBe("fit 3/3 caught up  timing 5/10 (50%)");
  });
});
