/**
 * What an import says about rows it could not take whole: a **reject** (the row is not
 * imported: its account cannot be identified, or a signal lacks what makes it a signal)
 * or a **warning** (the row is imported, one value is left unknown). Each names the file,
 * the line the row starts on, the column, the value as written and a stable reason code,
 * so a summary can group them and a program can read the rejects and warnings files.
 */

/** Why a row was rejected. */
export const REJECT_REASONS = {
  no_domain: "no domain to identify the account",
  invalid_domain: "the domain is not a usable company domain",
  profile_url: "a social or data-provider profile URL, not the company's website",
  several_domains: "several domains in one cell",
  duplicate_account: "an account already imported from an earlier row",
  unreadable_row: "the row is not readable in the file's format",
  row_too_large: "the row is larger than the row limit",
  unknown_signal_type: "a signal type that is not known",
  missing_field: "a field every signal of its type needs is empty",
  invalid_field: "a field every signal of its type needs is not understood",
  event_too_large: "the event is larger than a Kafka message may be",
  wrong_topic: "a signal of another type than the file was ingested as",
  future_dated: "a signal dated further ahead than the tolerance allows",
  duplicate_opportunity: "an opportunity already imported from an earlier row",
  invalid_outcome: "an outcome event or opportunity that contradicts itself",
  duplicate_contact: "a contact already imported from an earlier row",
  personal_email_domain: "a contact known only by a personal e-mail address (gmail.com…), which names no company",
  invalid_contact: "a contact that breaks the contact contract",
} as const;

/** Why a value was left unknown (the row itself was imported). */
export const WARNING_REASONS = {
  placeholder: "a placeholder (N/A, -, null, unknown…)",
  not_understood: "a value not understood",
  decimal_comma: "a decimal comma, ambiguous without --decimal-comma or a locale",
  currency: "an amount in a currency other than US dollars",
  ambiguous_date: "a date that reads two ways (day/month or month/day)",
  unknown_value: "a value outside the vocabulary, kept as unknown or other",
  domain_fallback: "the first website column was not usable; another one was",
  missing_column: "a column the mapping reads (optional) is not in the file",
  default_currency: "amounts with no currency, read in the default currency",
  outcome_events: "outcome events of one opportunity that disagree",
  free_mail: "an e-mail address at a free-mail provider, which names no company",
} as const;

export type RejectReason = keyof typeof REJECT_REASONS;
export type WarningReason = keyof typeof WARNING_REASONS;
export type IssueReason = RejectReason | WarningReason;

export interface ImportIssue {
  /** The file (or stream) name. */
  source: string;
  /** 1-based line the row starts on; 0 when the issue is about the file. */
  line: number;
  /** The column as the file names it, when one column is at fault. */
  column: string | undefined;
  /** The value as written (cut to 200 characters). */
  value: string | undefined;
  reason: IssueReason;
  /** One sentence for people: what was found and what happens. */
  message: string;
}

/** `file:line: column: message` — the form every issue is printed in. */
export function formatIssue(issue: ImportIssue): string {
  return `${issue.source}:${issue.line}: ${issue.column !== undefined ? `${issue.column}: ` : ""}${issue.message}`;
}

export function shownValue(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}

export interface ReasonCount {
  reason: IssueReason;
  count: number;
  /** Columns involved, most frequent first, with their counts. */
  columns: { column: string; count: number }[];
  /** The first issue of this reason, as an example. */
  example: ImportIssue;
}

/** Issues grouped by reason, largest group first (ties by reason code), for summaries. */
export function countByReason(issues: readonly ImportIssue[]): ReasonCount[] {
  const groups = new Map<IssueReason, { count: number; columns: Map<string, number>; example: ImportIssue }>();
  for (const issue of issues) {
    let group = groups.get(issue.reason);
    if (!group) {
      group = { count: 0, columns: new Map(), example: issue };
      groups.set(issue.reason, group);
    }
    group.count++;
    if (issue.column !== undefined) group.columns.set(issue.column, (group.columns.get(issue.column) ?? 0) + 1);
  }
  return [...groups.entries()]
    .map(([reason, g]) => ({
      reason,
      count: g.count,
      columns: [...g.columns.entries()].map(([column, count]) => ({ column, count })).sort((a, b) => b.count - a.count || a.column.localeCompare(b.column)),
      example: g.example,
    }))
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}

/** The summary lines for one file: counts, then rejects and warnings grouped by reason with one example each. */
export function summaryLines(source: string, counts: { rows: number; imported: number; rejected: readonly ImportIssue[]; warnings: readonly ImportIssue[] }, noun: string, verb = "imported"): string[] {
  const lines = [`${source}: ${counts.rows} rows read, ${counts.imported} ${noun} ${verb}, ${counts.rejected.length} rejected, ${counts.warnings.length} warnings`];
  const describe = (title: string, issues: readonly ImportIssue[]) => {
    if (issues.length === 0) return;
    lines.push(`  ${title}:`);
    for (const group of countByReason(issues)) {
      const columns = group.columns.length > 0 ? ` (${group.columns.slice(0, 4).map((c) => `${c.column} ×${c.count}`).join(", ")}${group.columns.length > 4 ? ", …" : ""})` : "";
      lines.push(`    ${String(group.count).padStart(6)}  ${group.reason}${columns}`);
      lines.push(`            e.g. ${formatIssue(group.example)}`);
    }
  };
  describe("rejected rows by reason", counts.rejected);
  describe("values left unknown by reason", counts.warnings);
  return lines;
}

/** The columns of a rejects or warnings file, in order. */
export const ISSUE_FILE_COLUMNS = ["kind", "file", "line", "column", "value", "reason", "message"] as const;

/** A rejects or warnings file: NDJSON (one object per issue) or CSV (header row; cells escaped against spreadsheet formulas). */
export function renderIssues(issues: readonly { kind: "reject" | "warning"; issue: ImportIssue }[], format: "csv" | "ndjson"): string {
  const records = issues.map(({ kind, issue }) => ({ kind, file: issue.source, line: issue.line, column: issue.column ?? null, value: issue.value ?? null, reason: issue.reason, message: issue.message }));
  if (format === "ndjson") return records.map((r) => JSON.stringify(r)).join("\n") + (records.length > 0 ? "\n" : "");
  const cell = (v: unknown) => {
    const text = escapeFormula(v === null || v === undefined ? "" : String(v));
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [ISSUE_FILE_COLUMNS.join(","), ...records.map((r) => ISSUE_FILE_COLUMNS.map((c) => cell(r[c])).join(","))].join("\n") + "\n";
}

/**
 * OWASP's CSV injection rule: a cell that starts with `=`, `+`, `-`, `@`, a tab or a
 * carriage return is run as a formula by spreadsheets; prefix it with a single quote so
 * it is shown as text. Numbers written by a program (`-3.5`) are left alone.
 */
export function escapeFormula(text: string): string {
  if (text === "" || !/^[=+\-@\t\r]/.test(text)) return text;
  if (/^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text)) return text;
  return `'${text}`;
}

/**
 * `--max-rejected N` or `P%`: how many rejected rows a run tolerates before it exits
 * non-zero. Returns a predicate over (rejected, rows).
 */
export function parseMaxRejected(text: string): (rejected: number, rows: number) => boolean {
  const percent = /^(\d+(?:\.\d+)?)%$/.exec(text.trim());
  if (percent) {
    const share = Number(percent[1]) / 100;
    if (share > 1) throw new RangeError(`expected a share between 0% and 100%, got "${text}"`);
    return (rejected, rows) => rows > 0 && rejected / rows > share;
  }
  if (/^\d+$/.test(text.trim())) {
    const limit = Number(text.trim());
    return (rejected) => rejected > limit;
  }
  throw new RangeError(`expected a count such as 10 or a share such as 5%, got "${text}"`);
}
