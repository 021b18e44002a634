import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { ScoringError } from "../errors.js";
import { formatIssues, issueMessage } from "../rubric/issue-format.js";

/**
 * A mapping file turns a foreign export (Apollo, Clay, a HubSpot company export, …)
 * into our documented columns: which of their headers feeds each of our columns, how
 * their values translate to ours, which separator their lists use, and constants to
 * add to every row. Unmapped columns of theirs are ignored.
 */
export const MappingDocument = z.strictObject({
  name: z.string().min(1),
  kind: z.enum(["accounts", "signals"]),
  /** our column → their header */
  columns: z.record(z.string().min(1), z.string().min(1)),
  /** our column → constant value for every row */
  constants: z.record(z.string().min(1), z.string()).default({}),
  /** our column → { their value → our value }, matched case-insensitively; unmatched values pass through */
  values: z.record(z.string().min(1), z.record(z.string(), z.string())).default({}),
  /** our list column → the separator their export uses (ours is ";") */
  split: z.record(z.string().min(1), z.string().min(1)).default({}),
});
export type MappingDocument = z.infer<typeof MappingDocument>;

export interface Mapping extends MappingDocument {
  apply(fields: Record<string, unknown>): Record<string, unknown>;
}

export function parseMapping(text: string, source: string): Mapping {
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new ScoringError("MAPPING_INVALID", `${source}: not valid YAML: ${(error as Error).message.split("\n")[0]}`);
  }
  const result = MappingDocument.safeParse(value, { error: issueMessage, reportInput: true });
  if (!result.success) {
    const problems = formatIssues(source, result.error.issues);
    throw new ScoringError("MAPPING_INVALID", problems.join("\n"), problems);
  }
  const doc = result.data;
  const lookups = Object.fromEntries(Object.entries(doc.values).map(([col, table]) => [col, new Map(Object.entries(table).map(([k, v]) => [k.trim().toLowerCase(), v]))]));
  return {
    ...doc,
    apply(fields) {
      const out: Record<string, unknown> = { ...doc.constants };
      for (const [ours, theirs] of Object.entries(doc.columns)) {
        let cell = fields[theirs];
        if (cell === undefined || cell === null || cell === "") continue;
        const separator = doc.split[ours];
        const table = lookups[ours];
        const translate = (v: string) => table?.get(v.trim().toLowerCase()) ?? v.trim();
        if (typeof cell === "string" && separator) cell = cell.split(separator).map(translate).filter((v) => v !== "").join(";");
        else if (typeof cell === "string") cell = translate(cell);
        out[ours] = cell;
      }
      return out;
    },
  };
}
