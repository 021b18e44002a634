import type { AccountProfile } from "../domain/account-profile.js";
import { effectiveEmployeeCount } from "../domain/firmographic-values.js";

/**
 * What an explanation says about the profile's inputs beyond the rules that matched: each
 * attribute the source had but that could not be used (`employee count unknown (value
 * "fifty-ish" not understood)`), and the rule used when an attribute came as a range
 * (bands match a range's midpoint, an open range's floor), and the custom attributes the
 * profile carries (scored or not). One line per note, no indent.
 */
const words = (attribute: string) =>
  attribute
    .replace(/Usd$/, "")
    .replace(/([a-z])([A-Z])/g, "$1 $2")
    .toLowerCase();

export function describeProfileInputs(profile: AccountProfile): string[] {
  const lines: string[] = [];
  for (const note of profile.unknownAttributes ?? []) {
    const where = [note.column ? `column "${note.column}"` : undefined, note.at].filter((x) => x !== undefined).join(", ");
    lines.push(`${words(note.attribute)} unknown (value ${JSON.stringify(note.value)} ${note.reason})${where ? `  [${where}]` : ""}`);
  }
  const f = profile.firmographics;
  const employees = effectiveEmployeeCount(f);
  if (f.employeeCount === undefined && employees) lines.push(`employee count given as a range: ${employees.shown.replace(/^employee range /, "")}; rubric bands match that value`);
  const r = f.revenueRange;
  if (f.revenueUsd === undefined && r) {
    lines.push(
      r.maxUsd === undefined
        ? `revenue given as an open range from ${r.minUsd} USD; rubric bands match its floor`
        : `revenue given as a range ${r.minUsd}–${r.maxUsd} USD; rubric bands match its midpoint ${Math.round((r.minUsd + r.maxUsd) / 2)}`,
    );
  }
  const custom = Object.entries(profile.custom ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (custom.length > 0) lines.push(`custom attributes: ${custom.map(([name, v]) => `${name} = ${typeof v === "string" ? JSON.stringify(v) : v}`).join(", ")}`);
  return lines;
}
