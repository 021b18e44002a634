/**
 * The demo's simulated time, as the view drives it: held at day 0 (`startMs`) until
 * `release`, then `factor` simulated ms per wall ms from the wall instant of the release.
 * Pure: the caller gives the wall time and writes `now` to the clock file the services read.
 */
export class DemoClockDriver {
  private releasedAtWallMs: number | undefined;

  constructor(
    readonly startMs: number,
    readonly factor: number,
  ) {}

  /** Starts the clock at `wallMs` (a second release changes nothing). */
  release(wallMs: number): void {
    this.releasedAtWallMs ??= wallMs;
  }

  get released(): boolean {
    return this.releasedAtWallMs !== undefined;
  }

  /** Simulated epoch ms at wall instant `wallMs`. */
  now(wallMs: number): number {
    return this.releasedAtWallMs === undefined ? this.startMs : this.startMs + Math.max(0, Math.floor((wallMs - this.releasedAtWallMs) * this.factor));
  }
}

/**
 * Whether the market's history is scored: every account placed on every scorecard, and no
 * tier change for `quietMs` (the timing scores of the backfill arrive after the fit ones).
 */
export function historyScored(input: { placed: number; expected: number; lastChangeWallMs: number; wallMs: number; quietMs: number }): boolean {
  return input.placed >= input.expected && input.wallMs - input.lastChangeWallMs >= input.quietMs;
}
