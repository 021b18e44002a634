import { mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseClock } from "./clock.js";

describe("service clocks", () => {
  it("a fixed clock always reads the same instant", () => {
    const clock = parseClock("fixed:2026-11-01T00:00:00Z");
    expect(clock()).toBe(Date.parse("2026-11-01T00:00:00Z"));
  });

  it("an accelerated clock runs <factor> times faster from its anchor, so services given the same value agree", () => {
    let wall = 1_000_000;
    const clock = parseClock("accelerated:2026-01-01T00:00:00Z@1000000x86400", () => wall);
    expect(new Date(clock()).toISOString()).toBe("2026-01-01T00:00:00.000Z");
    wall += 1_000; // one wall second is one day
    expect(new Date(clock()).toISOString()).toBe("2026-01-02T00:00:00.000Z");
  });

  it("a file clock follows the instant written in its file", () => {
    const file = join(mkdtempSync(join(tmpdir(), "icp-clock-")), "now");
    writeFileSync(file, "2026-11-01T00:00:00Z\n");
    const clock = parseClock(`file:${file}`);
    expect(clock()).toBe(Date.parse("2026-11-01T00:00:00Z"));
    writeFileSync(file, "2027-01-01T00:00:00Z\n");
    utimesSync(file, new Date(), new Date(Date.now() + 5_000)); // a new mtime even within the same millisecond
    expect(clock()).toBe(Date.parse("2027-01-01T00:00:00Z"));
  });

  it("an unknown clock is refused with the forms it could have been", () => {
    expect(() => parseClock("tomorrow")).toThrow(/expected system, fixed:<ISO>/);
    expect(() => parseClock("fixed:soon")).toThrow(/"soon" is not an ISO instant/);
  });
});
