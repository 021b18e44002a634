import { describe, expect, it } from "vitest";
import { parseInstant } from "./instants.js";

const valueOf = (cell: { kind: string; value?: unknown }) => (cell.kind === "value" ? cell.value : cell.kind);

describe("instants", () => {
  it.each([
    ["2026-10-27T09:30:00Z", "2026-10-27T09:30:00Z"],
    ["2026-10-27T09:30:00+02:00", "2026-10-27T09:30:00+02:00"],
    ["2026-10-27T09:30:00.000+0000", "2026-10-27T09:30:00.000Z"],
    ["2026-10-27T09:30:00+0200", "2026-10-27T09:30:00+02:00"],
    ["2026-10-27T09:30:00-05", "2026-10-27T09:30:00-05:00"],
    ["2026-10-27 09:30", "2026-10-27T09:30:00Z"],
    ["2026-10-27", "2026-10-27T00:00:00Z"],
    ["1793093400000", "2026-10-27T09:30:00.000Z"],
    ["1793093400", "2026-10-27T09:30:00.000Z"],
    ["2026/10/27", "2026-10-27T00:00:00Z"],
    ["10/27/2026", "2026-10-27T00:00:00Z"],
    ["27/10/2026", "2026-10-27T00:00:00Z"],
    ["27.10.2026", "2026-10-27T00:00:00Z"],
  ])("reads %j as %s", (text, iso) => {
    expect(valueOf(parseInstant(text))).toBe(iso);
  });

  it("reads epoch milliseconds given as a JSON number", () => {
    expect(valueOf(parseInstant(1793093400000))).toBe("2026-10-27T09:30:00.000Z");
  });

  it("refuses a date that reads two ways unless the order is given", () => {
    expect(parseInstant("03/04/2026")).toMatchObject({ kind: "unknown", reason: "ambiguous_date" });
    expect(valueOf(parseInstant("03/04/2026", "mdy"))).toBe("2026-03-04T00:00:00Z");
    expect(valueOf(parseInstant("03/04/2026", "dmy"))).toBe("2026-04-03T00:00:00Z");
  });

  it.each(["2026-13-01", "2026-02-31", "yesterday", "2026-10-27T25:00:00Z", "20261027"])("refuses %j", (text) => {
    expect(parseInstant(text)).toMatchObject({ kind: "unknown", reason: "not_understood" });
  });
});
