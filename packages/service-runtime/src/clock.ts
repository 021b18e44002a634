import { readFileSync, statSync } from "node:fs";

/** The service clock: epoch milliseconds. Services read time only through it. */
export type Clock = () => number;

/**
 * Clocks, chosen with ICP_CLOCK:
 * - `system` — wall time;
 * - `fixed:<ISO>` — always that instant (tests comparing with a batch recompute);
 * - `accelerated:<ISO>@<anchor epoch ms>x<factor>` — starts at <ISO> when the wall clock
 *   reads <anchor> and runs <factor> times faster; services given the same value agree on
 *   the time, so a demo can show 90 days of decay in minutes;
 * - `file:<path>` — the ISO instant written in that file, re-read when the file changes
 *   (tests move time forward by rewriting it).
 */
export function parseClock(spec: string, wallClock: () => number = () => Date.now()): Clock {
  if (spec === "system") return wallClock;
  const [kind, ...rest] = spec.split(":");
  const value = rest.join(":");
  switch (kind) {
    case "fixed": {
      const at = instant(value, spec);
      return () => at;
    }
    case "accelerated": {
      const match = /^(.+)@(\d+)x(\d+(?:\.\d+)?)$/.exec(value);
      if (!match) throw new Error(`ICP_CLOCK=${spec}: expected accelerated:<ISO>@<anchor epoch ms>x<factor>`);
      const start = instant(match[1] as string, spec);
      const anchor = Number(match[2]);
      const factor = Number(match[3]);
      if (!(factor > 0)) throw new Error(`ICP_CLOCK=${spec}: the factor must be positive`);
      return () => start + Math.floor((wallClock() - anchor) * factor);
    }
    case "file": {
      if (!value) throw new Error(`ICP_CLOCK=${spec}: expected file:<path>`);
      let mtime = -1;
      let current = NaN;
      return () => {
        const stat = statSync(value);
        if (stat.mtimeMs !== mtime) {
          current = instant(readFileSync(value, "utf8").trim(), `ICP_CLOCK file ${value}`);
          mtime = stat.mtimeMs;
        }
        return current;
      };
    }
    default:
      throw new Error(`ICP_CLOCK=${spec}: expected system, fixed:<ISO>, accelerated:<ISO>@<anchor>x<factor> or file:<path>`);
  }
}

function instant(text: string, where: string): number {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new Error(`${where}: "${text}" is not an ISO instant`);
  return ms;
}
