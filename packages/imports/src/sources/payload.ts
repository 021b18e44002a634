import { TreeInterpreter } from "@jmespath-community/jmespath";
import type { JSONValue } from "@jmespath-community/jmespath";
import { derivedEventId } from "@icpstream/scoring";
import type { AccountProfile, Signal } from "@icpstream/scoring";
import type { RowContext } from "../accounts.js";
import { accountFromView, accountKeyOf } from "../accounts.js";
import { KEY_COLUMNS, headerKey } from "../columns.js";
import type { ImportIssue, RejectReason } from "../issues.js";
import { shownValue } from "../issues.js";
import type { RowCell, RowView } from "../rows.js";
import { signalFromView } from "../signals.js";
import { parseCurrency, parseMoney } from "../values/amounts.js";
import { textOf } from "../values/cell.js";
import { parseInstant } from "../values/instants.js";
import { departmentOfTitle, parseOpportunityStage, parseSignalType } from "../values/vocabulary.js";
import { emailDomain, isFreeMailDomain } from "./free-mail.js";
import type { CompiledPath, SourceMapping, SourceRule } from "./source-mapping.js";
import { inTimeZone } from "./time-zone.js";

/**
 * A vendor's JSON payload → icpstream records, through its source mapping. Pure (the id
 * index is a port). The payload is split into items (`items`), each item gets its vendor
 * event id (`id`, or the content's hash when the vendor sends none), and every rule whose
 * `when` holds makes one record of it, read by the same rules as a file's rows (the same
 * vocabularies, ranges, placeholders, instants, rejects and warnings). An item is all or
 * nothing: it is `mapped` when every rule that matched made its record, `rejected` (with
 * the reasons) when one could not, `unresolved` when its account is known only by an id the
 * index does not hold yet (the caller parks it), `ignored` when no rule matched (a payload
 * type the mapping does not subscribe to, reported, never silently dropped).
 *
 * Event ids: `derivedEventId({ source, vendorEventId, rule })` — the same vendor event is
 * the same icpstream event however often and in whatever batch it is delivered.
 */
export interface IdIndex {
  /** The account key an id in a system (a CRM's company id, a deal id, a CDP group id) belongs to, if known. */
  lookup(system: string, id: string): Promise<string | undefined> | string | undefined;
}

export interface PayloadOptions {
  /** The index ids are resolved through (none: only domains and e-mail addresses identify accounts). */
  index?: IdIndex | undefined;
  /** When a profile or outcome happened if its mapping gives no `occurred_at`: the signature's instant, else the receipt's. ISO. */
  defaultOccurredAt: string;
  /** Names the payload in issues (`segment request`, a file name). */
  label?: string | undefined;
  /** The payload is one item already (a parked item released), not a body to split with `items`. */
  asItem?: boolean | undefined;
  /** The payload is the list of items already split (a pulled page's items, enriched), not a body to split with `items`. */
  presplit?: boolean | undefined;
}

/** One record a rule made; `eventId` is already the stable id. */
export type MappedRecord =
  | { family: "signals"; rule: string; eventId: string; signal: Signal }
  | { family: "profiles"; rule: string; eventId: string; occurredAt: string; profile: AccountProfile }
  | { family: "outcomes"; rule: string; eventId: string; outcome: SourceOutcome };

/** An outcome as the outcome topic carries it, without the envelope's `source`, `observedAt`, `schemaVersion`. */
export interface SourceOutcome {
  type: "opportunity_created" | "opportunity_closed_won" | "opportunity_closed_lost";
  accountKey: string;
  occurredAt: string;
  opportunityId: string;
  name?: string;
  amountUsd?: number;
  createdAt?: string;
  closedAt?: string;
}

export interface ItemResult {
  /** 0-based position of the item in the payload. */
  index: number;
  /** The vendor's event id as sent, or `derived-…` from the item's content. */
  vendorEventId: string;
  status: "mapped" | "rejected" | "unresolved" | "ignored";
  records: MappedRecord[];
  rejects: ImportIssue[];
  warnings: ImportIssue[];
  /** The ids that could not be resolved yet (status `unresolved`). */
  unresolved: { system: string; id: string }[];
  /** The rules that matched. */
  rules: string[];
  /** The item as the payload holds it (what a parked item keeps, to be mapped again once its account is known). */
  item: unknown;
}

export interface MappedPayload {
  items: ItemResult[];
  /** The problem with the payload as a whole (not an array where items are expected…), if any. */
  problem?: string;
}

const isBlank = (raw: unknown) => raw === undefined || raw === null || (typeof raw === "string" && raw.trim() === "");

/** A path that fails on this item (a function given the wrong type): what the item's result says. */
export class PathError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

/** A compiled path on a JSON value; throws PathError naming the path when a function is given the wrong type. */
export function evaluatePath(path: CompiledPath, data: unknown): unknown {
  return evaluate(path, data);
}

function evaluate(path: CompiledPath, data: unknown): unknown {
  try {
    return TreeInterpreter.search(path.node, data as JSONValue);
  } catch (error) {
    throw new PathError(path.text, `the mapping's path ${JSON.stringify(path.text)} failed on this item: ${(error as Error).message}`);
  }
}

/** Key columns that name the account in a rule of this kind: a signal's `url` is the page it was seen on, not the account's website. */
const keyFields = (kind: SourceRule["kind"]) => (kind === "signals" ? KEY_COLUMNS.filter((k) => k !== "url") : KEY_COLUMNS);

function truthy(value: unknown): boolean {
  // JMESPath's truthiness: false, null, "", [], {} are false.
  if (value === null || value === undefined || value === false || value === "") return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === "object") return Object.keys(value).length > 0;
  return true;
}

/** A view over one item through one rule: the same interface CSV rows are read through. */
class ItemView implements RowView {
  private readonly cache = new Map<string, readonly RowCell[]>();
  constructor(
    readonly line: number,
    private readonly rule: SourceRule,
    private readonly item: unknown,
    private readonly timeZone: string,
    private readonly overrides: ReadonlyMap<string, readonly RowCell[]>,
  ) {}

  columns(): readonly string[] {
    return [...new Set([...this.rule.fields.keys(), ...this.rule.constants.keys(), ...this.overrides.keys()])];
  }

  cells(ours: string): readonly RowCell[] {
    const override = this.overrides.get(ours);
    if (override) return override;
    let cells = this.cache.get(ours);
    if (cells) return cells;
    const out: RowCell[] = [];
    for (const path of this.rule.fields.get(ours) ?? []) {
      const raw = evaluate(path, this.item);
      if (!isBlank(raw)) out.push({ header: path.text, raw: this.transform(ours, raw) });
    }
    if (out.length === 0) {
      const constant = this.rule.constants.get(ours);
      if (constant !== undefined) out.push({ header: "(constant)", raw: this.transform(ours, constant) });
    }
    cells = out;
    this.cache.set(ours, cells);
    return cells;
  }

  private transform(ours: string, raw: unknown): unknown {
    const table = this.rule.values.get(ours);
    let value = raw;
    if (table && (typeof raw === "string" || typeof raw === "number")) value = table.get(headerKey(String(raw))) ?? raw;
    return ours.endsWith("_at") ? inTimeZone(value, this.timeZone) : value;
  }
}

/** The payload's items: `items` evaluated, else the payload itself when it is an array, else [payload]. */
function itemsOf(mapping: SourceMapping, payload: unknown): { items: unknown[] } | { problem: string } {
  const found = mapping.items ? evaluate(mapping.items, payload) : payload;
  if (Array.isArray(found)) return { items: found };
  if (found !== null && typeof found === "object") return { items: [found] };
  return { problem: mapping.items ? `items (${mapping.items.text}) gives ${found === null || found === undefined ? "nothing" : typeof found}, not a list or an object` : "expected a JSON object or array" };
}

function vendorIdOf(mapping: SourceMapping, item: unknown): { id: string; derived: boolean } {
  const raw = mapping.id ? evaluate(mapping.id, item) : undefined;
  if ((typeof raw === "string" && raw.trim() !== "") || typeof raw === "number") return { id: String(raw).slice(0, 200), derived: false };
  // No id from the vendor (Clearbit's audience webhooks carry none): the same content is the same event.
  return { id: derivedEventId({ source: mapping.source, item }), derived: true };
}

/** Maps a parsed payload. Never throws for the payload's content: every item gets a result. */
export async function mapPayload(mapping: SourceMapping, payload: unknown, options: PayloadOptions): Promise<MappedPayload> {
  const split = options.asItem ? { items: [payload] } : options.presplit && Array.isArray(payload) ? { items: payload as unknown[] } : itemsOf(mapping, payload);
  if ("problem" in split) return { items: [], problem: split.problem };
  const label = options.label ?? `${mapping.source} payload`;
  // Ids learned from profiles earlier in the same payload (HubSpot sends a company's domain
  // and its headcount as two events of one batch).
  const learned = new Map<string, string>();
  const results: ItemResult[] = [];
  for (const [index, item] of split.items.entries()) {
    try {
      results.push(await mapItem(mapping, item, index, label, learned, options));
    } catch (error) {
      if (!(error instanceof PathError)) throw error;
      const vendorEventId = (() => {
        try {
          return vendorIdOf(mapping, item).id;
        } catch {
          return derivedEventId({ source: mapping.source, item });
        }
      })();
      results.push({ index, vendorEventId, status: "rejected", records: [], rejects: [{ source: label, line: index + 1, column: error.path, value: undefined, reason: "invalid_field", message: `${error.message}; skipped` }], warnings: [], unresolved: [], rules: [], item });
    }
  }
  return { items: results };
}

async function mapItem(mapping: SourceMapping, item: unknown, index: number, label: string, learned: Map<string, string>, options: PayloadOptions): Promise<ItemResult> {
  const { id: vendorEventId } = vendorIdOf(mapping, item);
  const result: ItemResult = { index, vendorEventId, status: "ignored", records: [], rejects: [], warnings: [], unresolved: [], rules: [], item };
  const line = index + 1;
  const context: RowContext = { source: label, numbers: { decimalComma: false }, dateOrder: mapping.dateOrder };
  const reject = (reason: RejectReason, column: string | undefined, raw: unknown, message: string) => result.rejects.push({ source: label, line, column, value: shownValue(raw), reason, message: `${message}; skipped` });

  for (const rule of mapping.rules) {
    if (rule.when && !truthy(evaluate(rule.when, item))) continue;
    result.rules.push(rule.name);
    const eventId = derivedEventId({ source: mapping.source, vendorEventId, rule: rule.name });

    // The account: a domain, else an e-mail address's domain (not free mail), else an id through the index.
    const domainCells: RowCell[] = [];
    for (const key of keyFields(rule.kind)) for (const path of rule.fields.get(key) ?? []) {
      const raw = evaluate(path, item);
      if (!isBlank(raw)) domainCells.push({ header: path.text, raw });
    }
    for (const path of rule.fields.get("email") ?? []) {
      const raw = evaluate(path, item);
      if (isBlank(raw)) continue;
      const domain = emailDomain(raw);
      if (domain === undefined) result.warnings.push({ source: label, line, column: path.text, value: shownValue(raw), reason: "not_understood", message: `value ${JSON.stringify(shownValue(raw))} is not an e-mail address; not used to find the account` });
      else if (isFreeMailDomain(domain)) result.warnings.push({ source: label, line, column: path.text, value: shownValue(raw), reason: "free_mail", message: `${domain} is a free-mail provider: it names no company; not used to find the account` });
      else domainCells.push({ header: path.text, raw: domain });
    }
    const ids: { system: string; id: string }[] = [];
    for (const [system, path] of rule.accountIds) {
      const raw = evaluate(path, item);
      if ((typeof raw === "string" && raw.trim() !== "") || typeof raw === "number") ids.push({ system, id: String(raw).trim() });
    }
    const unresolved: { system: string; id: string }[] = [];
    if (domainCells.length === 0) {
      for (const { system, id } of ids) {
        const key = learned.get(`${system}\u0000${id}`) ?? (await options.index?.lookup(system, id));
        if (key !== undefined) {
          domainCells.push({ header: `accountIds.${system}`, raw: key });
          break;
        }
        unresolved.push({ system, id });
      }
      if (domainCells.length === 0 && unresolved.length > 0) {
        result.unresolved.push(...unresolved);
        continue;
      }
    }
    const overrides = new Map<string, readonly RowCell[]>([["domain", domainCells]]);
    for (const k of keyFields(rule.kind)) if (k !== "domain") overrides.set(k, []);

    if (rule.kind === "signals") {
      overrides.set("event_id", [{ header: "(vendor event id)", raw: eventId }]);
      const probe = new ItemView(line, rule, item, mapping.timeZone, new Map());
      // A vendor that sends no time: the event happened when it was sent (signed, else received).
      if (probe.cells("occurred_at").length === 0) overrides.set("occurred_at", [{ header: "(received)", raw: options.defaultOccurredAt }]);
      if (!rule.fields.has("source") && !rule.constants.has("source")) overrides.set("source", [{ header: "(source)", raw: mapping.source }]);
      // A job posting whose feed sends no department (TheirStack): the one its title names, if any.
      const typeCell = probe.cells("type")[0];
      const type = typeCell ? parseSignalType(typeCell.raw) : undefined;
      const title = probe.cells("title")[0];
      if (type?.kind === "value" && type.value === "job_posting" && probe.cells("department").length === 0 && typeof title?.raw === "string") {
        const department = departmentOfTitle(title.raw);
        if (department !== undefined) overrides.set("department", [{ header: `${title.header} (the title's department)`, raw: department }]);
      }
      const view = new ItemView(line, rule, item, mapping.timeZone, overrides);
      const outcome = signalFromView(view, context);
      result.warnings.push(...outcome.warnings);
      if (outcome.ok) result.records.push({ family: "signals", rule: rule.name, eventId, signal: outcome.value });
      else result.rejects.push(outcome.reject);
      continue;
    }

    const view = new ItemView(line, rule, item, mapping.timeZone, overrides);
    const when = occurredAt(view, options.defaultOccurredAt);
    if (!when.ok) {
      reject("invalid_field", when.column, when.raw, when.message);
      continue;
    }
    if (rule.kind === "profiles") {
      const outcome = accountFromView(view, context);
      result.warnings.push(...outcome.warnings);
      if (!outcome.ok) {
        result.rejects.push(outcome.reject);
        continue;
      }
      const known = new Set((outcome.value.externalIds ?? []).map((e) => `${e.system}\u0000${e.id}`));
      const externalIds = [...(outcome.value.externalIds ?? []), ...ids.filter((e) => !known.has(`${e.system}\u0000${e.id}`))];
      const profile: AccountProfile = externalIds.length > 0 ? { ...outcome.value, externalIds } : outcome.value;
      for (const { system, id } of externalIds) learned.set(`${system}\u0000${id}`, profile.accountKey);
      result.records.push({ family: "profiles", rule: rule.name, eventId, occurredAt: when.value, profile });
      continue;
    }
    const outcome = outcomeFromView(view, when.value, context, result.warnings);
    if (!outcome.ok) result.rejects.push(outcome.reject);
    else result.records.push({ family: "outcomes", rule: rule.name, eventId, outcome: outcome.value });
  }
  result.status = result.rejects.length > 0 ? "rejected" : result.unresolved.length > 0 ? "unresolved" : result.rules.length === 0 ? "ignored" : "mapped";
  if (result.status !== "mapped") result.records = [];
  return result;
}

function occurredAt(view: RowView, fallback: string): { ok: true; value: string } | { ok: false; column: string; raw: unknown; message: string } {
  const cell = view.cells("occurred_at")[0];
  if (!cell) return { ok: true, value: fallback };
  const at = parseInstant(cell.raw);
  if (at.kind === "value") return { ok: true, value: at.value };
  return { ok: false, column: cell.header, raw: cell.raw, message: `occurred_at ${JSON.stringify(shownValue(cell.raw))} ${at.kind === "unknown" ? at.why : "is empty"}` };
}

/**
 * An item read as an outcome: the deal's stage in CRM wording (a stage id mapped in the
 * rule's `values`; won, lost or open — an unknown stage is open with a warning, never lost),
 * its id, and the dates it has. A notification of a stage change rarely carries the deal's
 * creation date or amount: they are left out, and the outcome fold takes them from the
 * deal's other events (its creation, a CRM export).
 */
function outcomeFromView(view: RowView, occurred: string, context: RowContext, warnings: ImportIssue[]): { ok: true; value: SourceOutcome } | { ok: false; reject: ImportIssue } {
  const line = view.line;
  const label = context.source;
  const fail = (reason: RejectReason, column: string | undefined, raw: unknown, message: string) => ({ ok: false as const, reject: { source: label, line, column, value: shownValue(raw), reason, message: `${message}; skipped` } });
  const key = accountKeyOf(view.cells("domain"), line, context, warnings);
  if (!key.ok) return key;
  const idCell = view.cells("opportunity_id")[0];
  const id = idCell ? textOf(typeof idCell.raw === "number" ? String(idCell.raw) : idCell.raw) : undefined;
  if (!idCell || id?.kind !== "value") return fail("missing_field", idCell?.header ?? "opportunity_id", idCell?.raw, "no opportunity (deal) id");
  const stageCell = view.cells("stage")[0];
  let stage: "won" | "lost" | "open" = "open";
  if (stageCell) {
    const read = parseOpportunityStage(stageCell.raw);
    if (read.kind === "value") stage = read.value;
    else warnings.push({ source: label, line, column: stageCell.header, value: shownValue(stageCell.raw), reason: "unknown_value", message: `stage ${JSON.stringify(shownValue(stageCell.raw))} is not won, lost or a known open stage; read as open (never as lost) — map the pipeline's stage ids in the rule's values` });
  }
  const instant = (ours: string): { ok: true; value: string | undefined } | { ok: false; reject: ImportIssue } => {
    const cell = view.cells(ours)[0];
    if (!cell) return { ok: true, value: undefined };
    const at = parseInstant(cell.raw);
    return at.kind === "value" ? { ok: true, value: at.value } : fail("invalid_field", cell.header, cell.raw, `${ours} ${JSON.stringify(shownValue(cell.raw))} ${at.kind === "unknown" ? at.why : "is empty"}`);
  };
  const created = instant("created_at");
  if (!created.ok) return created;
  const closed = instant("closed_at");
  if (!closed.ok) return closed;
  let amountUsd: number | undefined;
  const amountCell = view.cells("amount")[0];
  if (amountCell) {
    const money = parseMoney(amountCell.raw, { decimalComma: false });
    const currencyCell = view.cells("currency")[0];
    const currency = currencyCell ? parseCurrency(currencyCell.raw) : undefined;
    const code = currency?.kind === "value" ? currency.value : money.kind === "value" ? money.value.currency : undefined;
    if (money.kind === "value" && (code === undefined || code === "USD")) amountUsd = money.value.value;
    else warnings.push({ source: label, line, column: amountCell.header, value: shownValue(amountCell.raw), reason: money.kind === "value" ? "currency" : "not_understood", message: money.kind === "value" ? `an amount in ${code}: the outcome topic carries US dollars, no exchange rate is applied; amount left unknown` : `value ${JSON.stringify(shownValue(amountCell.raw))} not understood; amount left unknown` });
  }
  const nameCell = view.cells("name")[0];
  const name = nameCell ? textOf(nameCell.raw) : undefined;
  const type = stage === "won" ? "opportunity_closed_won" : stage === "lost" ? "opportunity_closed_lost" : "opportunity_created";
  return {
    ok: true,
    value: {
      type,
      accountKey: key.key,
      occurredAt: occurred,
      opportunityId: id.value.slice(0, 200),
      ...(name?.kind === "value" ? { name: name.value.slice(0, 500) } : {}),
      ...(amountUsd !== undefined ? { amountUsd } : {}),
      ...(created.value !== undefined ? { createdAt: created.value } : type === "opportunity_created" ? { createdAt: occurred } : {}),
      ...(type !== "opportunity_created" ? { closedAt: closed.value ?? occurred } : {}),
    },
  };
}
