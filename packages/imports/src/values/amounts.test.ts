import { describe, expect, it } from "vitest";
import { numberToken, parseCount, parseNumber, parseUsd } from "./amounts.js";

const en = { decimalComma: false };
const de = { decimalComma: true };

describe("employee counts", () => {
  it.each([
    ["420", { kind: "exact", value: 420 }],
    ["1,200", { kind: "exact", value: 1200 }],
    ["1 200", { kind: "exact", value: 1200 }],
    ["12k", { kind: "exact", value: 12_000 }],
    ["11-50", { kind: "range", min: 11, max: 50 }],
    ["11 – 50", { kind: "range", min: 11, max: 50 }],
    ["51-200 employees", { kind: "range", min: 51, max: 200 }],
    ["1,001-5,000", { kind: "range", min: 1001, max: 5000 }],
    ["10,001+", { kind: "range", min: 10_001, max: undefined }],
    ["1000+", { kind: "range", min: 1000, max: undefined }],
    ["10000+ employees", { kind: "range", min: 10_000, max: undefined }],
    ["Large (1,000 - 4,999 Employees)", { kind: "range", min: 1000, max: 4999 }],
    ["XXLarge (10,000+ Employees)", { kind: "range", min: 10_000, max: undefined }],
    ["50 to 99", { kind: "range", min: 50, max: 99 }],
    ["less than 10", { kind: "range", min: 0, max: 10 }],
    ["more than 500", { kind: "range", min: 500, max: undefined }],
    ["100-100", { kind: "exact", value: 100 }],
  ])("reads %j", (text, expected) => {
    expect(parseCount(text, en)).toEqual({ kind: "value", value: expected });
  });

  it.each(["fifty-ish", "12.5", "50-11", "-5", "$400", "many"])("leaves %j unknown as not understood", (text) => {
    expect(parseCount(text, en)).toMatchObject({ kind: "unknown", reason: "not_understood", why: expect.stringContaining("expected a whole number or a range such as 51-200") });
  });

  it.each(["N/A", "n.a.", "-", "—", "null", "Unknown", "--None--", "#N/A", "TBD"])("leaves the placeholder %j unknown as a placeholder", (text) => {
    expect(parseCount(text, en)).toEqual({ kind: "unknown", reason: "placeholder", why: "is a placeholder" });
  });

  it("treats an empty cell as blank, without a warning", () => {
    expect(parseCount("  ", en)).toEqual({ kind: "blank" });
    expect(parseCount(undefined, en)).toEqual({ kind: "blank" });
  });
});

describe("revenue in US dollars", () => {
  it.each([
    ["48000000", { kind: "exact", value: 48_000_000 }],
    ["48000000.0", { kind: "exact", value: 48_000_000 }],
    ["$48,000,000", { kind: "exact", value: 48_000_000 }],
    ["$48,000,000.00", { kind: "exact", value: 48_000_000 }],
    ["USD 48,000,000.00", { kind: "exact", value: 48_000_000 }],
    ["48M", { kind: "exact", value: 48_000_000 }],
    ["48 million", { kind: "exact", value: 48_000_000 }],
    ["1.2B", { kind: "exact", value: 1_200_000_000 }],
    ["6.9B", { kind: "exact", value: 6_900_000_000 }],
    ["$5.5MM", { kind: "exact", value: 5_500_000 }],
    ["$10M-$50M", { kind: "range", min: 10_000_000, max: 50_000_000 }],
    ["10M-25M", { kind: "range", min: 10_000_000, max: 25_000_000 }],
    ["10-25M", { kind: "range", min: 10_000_000, max: 25_000_000 }],
    ["$10M to $50M", { kind: "range", min: 10_000_000, max: 50_000_000 }],
    ["$25M - $50M", { kind: "range", min: 25_000_000, max: 50_000_000 }],
    ["$500M to $1B", { kind: "range", min: 500_000_000, max: 1_000_000_000 }],
    ["Medium ($10M - $50M)", { kind: "range", min: 10_000_000, max: 50_000_000 }],
    ["$1B+", { kind: "range", min: 1_000_000_000, max: undefined }],
    ["$10B+", { kind: "range", min: 10_000_000_000, max: undefined }],
    ["Less than $1M", { kind: "range", min: 0, max: 1_000_000 }],
  ])("reads %j", (text, expected) => {
    expect(parseUsd(text, en)).toEqual({ kind: "value", value: expected });
  });

  it.each([
    ["€40M", "EUR"],
    ["EUR 40M", "EUR"],
    ["40M GBP", "GBP"],
    ["£12,000,000", "GBP"],
    ["CHF 3.5M", "CHF"],
  ])("leaves %j unknown, naming its currency %s", (text, currency) => {
    expect(parseUsd(text, en)).toMatchObject({ kind: "unknown", reason: "currency", why: expect.stringContaining(`is in ${currency}`) });
  });

  it("never reads a decimal comma as thousands: 12,5M is ambiguous without the option, 12.5 million with it", () => {
    expect(parseUsd("12,5M", en)).toMatchObject({ kind: "unknown", reason: "decimal_comma" });
    expect(parseUsd("12,5M", de)).toEqual({ kind: "value", value: { kind: "exact", value: 12_500_000 } });
    expect(parseUsd("1.234.567,89", de)).toEqual({ kind: "value", value: { kind: "exact", value: 1_234_567.89 } });
  });
});

describe("number tokens", () => {
  it("reads grouping commas in English files and grouping dots with decimal commas", () => {
    expect(numberToken("1,250", en)).toBe(1250);
    expect(numberToken("1,25", en)).toBe("ambiguous");
    expect(numberToken("1,25", de)).toBe(1.25);
    expect(numberToken("1.250", de)).toBe(1250);
    expect(numberToken("1.25", de)).toBe("ambiguous");
    expect(numberToken("1'250", en)).toBe(1250);
  });

  it("reads single numbers for signal fields, refusing ranges", () => {
    expect(parseNumber("72", en)).toEqual({ kind: "value", value: 72 });
    expect(parseNumber("60-80", en)).toMatchObject({ kind: "unknown", reason: "not_understood" });
    expect(parseNumber("7.5", en, true)).toMatchObject({ kind: "unknown", reason: "not_understood" });
  });
});
