import { compile } from "@jmespath-community/jmespath";
import { closest, distance } from "fastest-levenshtein";
import { ScoringError, parseConfigYaml } from "@icpstream/scoring";
import { ACCOUNT_COLUMNS, KEY_COLUMNS, OUTCOME_COLUMNS, SIGNAL_COLUMNS, headerKey } from "../columns.js";
import type { DateOrder } from "../values/instants.js";

/**
 * A source mapping: what one vendor's JSON payloads (webhooks, CDP events, CRM
 * notifications) become — the JSON counterpart of a CSV mapping file, read by
 * `POST /v1/sources/{source}` and `icp sources test`.
 *
 * ```yaml
 * name: Segment (track, page, identify, group)
 * source: segment                  # the route (/v1/sources/segment) and the events' `source`
 * auth:                            # the vendor's own scheme, checked before the body is parsed
 *   scheme: hmac-sha1              # hubspot-v3 | hmac-sha1 | hmac-sha256 | bearer | basic
 *   header: X-Signature            # body signatures: where the signature is
 *   prefix: "sha1="                # body signatures: text before the digest, if any
 *   encoding: hex                  # hex (default) | base64
 *   secretEnv: ICP_SOURCE_SEGMENT_SECRET   # the variable holding the secret(s), comma-separated
 *   optional: true                 # the vendor may send no signature (then nothing else proves it: refused unless true)
 * format: json                     # or xml (SOAP; namespace prefixes dropped, attributes as @_name)
 * xmlArrays: [Notification]        # xml: elements that are lists even when they occur once
 * ack: json                        # or salesforce: answer a stored request with SOAP <Ack>true</Ack>
 * pull:                            # a pulled source (the puller polls it; see PullSpec)
 *   url: "https://api.example/events?since={cursor}"
 *   auth: { header: Authorization, prefix: "Bearer ", secretEnv: ICP_SOURCE_X_TOKEN }
 *   startCursor: "2026-01-01T00:00:00Z"
 *   next: links.next               # the next page within one poll
 *   cursorField: attributes.created_at
 *   follow: { company: relationships.company.links.related }   # fetched, at _follow.company
 * items: "batch || @"              # JMESPath to the payload's items (default: the array itself, or [the object])
 * id: messageId                    # JMESPath to the vendor's event id within an item (the dedupe key)
 * timeZone: America/New_York       # how date-times without an offset are read (default UTC)
 * dateOrder: mdy                   # how 03/04/2026 is read
 * rules:                           # every rule whose `when` holds makes one event of the item
 *   - name: pricing page viewed    # part of the event id: one item, several rules, several events
 *     when: "type == 'track' && event == 'Pricing Page Viewed'"   # JMESPath, truthy
 *     kind: signals                # signals | profiles | outcomes
 *     fields:                      # ours → JMESPath (or a list tried in order)
 *       email: context.traits.email
 *       occurred_at: timestamp
 *     accountIds: { segment-group: context.groupId }   # system → JMESPath: resolved through the id index
 *     constants: { type: pricing_page_visit }
 *     values: { stage: { "12345": closedwon } }        # their value → ours, before our vocabularies
 * ```
 *
 * Paths are JMESPath (the community specification, `@jmespath-community/jmespath`): nested
 * objects, arrays, filters (`[?propertyName=='domain'].propertyValue | [0]`) and functions.
 * The account comes from `domain` (any spelling of a domain or URL; the account columns'
 * names work too), else from `email` (its domain, never a free-mail provider's), else from
 * an `accountIds` id resolved through the index the pipeline keeps from profiles. A profile
 * rule's `accountIds` are recorded on the profile (`externalIds`), which is how the index
 * learns them.
 *
 * Every problem is collected and thrown together as ScoringError `MAPPING_INVALID`, each
 * naming the file and the path within it (`sources/hubspot.yaml: rules[1].fields.stage: …`).
 */
export type SourceEventKind = "signals" | "profiles" | "outcomes";
export type AuthScheme = "hubspot-v3" | "hmac-sha1" | "hmac-sha256" | "bearer" | "basic" | "salesforce-org";

export interface SourceAuth {
  scheme: AuthScheme;
  /** Lower-case header name (body signatures). */
  header: string | undefined;
  prefix: string;
  encoding: "hex" | "base64";
  /** The environment variable holding the secret(s); read by the gateway, never by this package. */
  secretEnv: string;
  /** The vendor may leave the request unsigned (Segment's and TheirStack's signatures are opt-in). */
  optional: boolean;
}

/** A compiled JMESPath expression (the library does not export the node type by name). */
export type ExpressionNode = ReturnType<typeof compile>;

export interface CompiledPath {
  /** As written in the file, for messages and warnings. */
  text: string;
  node: ExpressionNode;
}

export interface SourceRule {
  name: string;
  kind: SourceEventKind;
  when: CompiledPath | undefined;
  /** ours → paths in order of preference. */
  fields: ReadonlyMap<string, readonly CompiledPath[]>;
  /** system → path of the item's id in that system. */
  accountIds: ReadonlyMap<string, CompiledPath>;
  constants: ReadonlyMap<string, string>;
  /** ours → (header key of their value → ours). */
  values: ReadonlyMap<string, ReadonlyMap<string, string>>;
}

/**
 * A pulled source (a vendor that only serves an API: G2 Buyer Intent): where its pages are,
 * how to authenticate, how to page and where to resume. `{cursor}` in the URL is replaced by
 * the stored cursor (URL-encoded), or `startCursor` on the first run.
 */
export interface PullSpec {
  url: string;
  /** GET, or POST with `body` (Crunchbase's searches take a JSON query). */
  method: "GET" | "POST";
  /** POST body, JSON text with `{cursor}` where the cursor goes (inserted JSON-escaped). */
  body: string | undefined;
  /** Header carrying the token, its prefix, and the variable holding it. */
  auth: { header: string; prefix: string; secretEnv: string };
  startCursor: string;
  /** JMESPath to the next page's URL within one poll (JSON:API `links.next`); without it the same request is sent again from the moved cursor while pages bring new items. */
  next: CompiledPath | undefined;
  /** JMESPath, per item, to the value the cursor advances to (the largest seen). */
  cursorField: CompiledPath;
  /** name → JMESPath to a URL per item: fetched (once per poll per URL) and put at `_follow.<name>` for the rules. */
  follow: ReadonlyMap<string, CompiledPath>;
  intervalSeconds: number;
  /** Pages at most per poll: the rest waits for the next one. */
  maxPages: number;
}

export interface SourceMapping {
  name: string;
  /** The route segment and the events' `source`. */
  source: string;
  /** The file it was read from, for messages. */
  file: string;
  auth: SourceAuth | undefined;
  /** How the body is written: JSON, or XML (SOAP: Salesforce outbound messages), read into the same tree JMESPath walks. */
  format: "json" | "xml";
  /** XML elements that are lists even when they occur once (`Notification`). */
  xmlArrays: readonly string[];
  /** How a stored request is acknowledged: the gateway's JSON, or Salesforce's SOAP `<Ack>true</Ack>`. */
  ack: "json" | "salesforce";
  items: CompiledPath | undefined;
  id: CompiledPath | undefined;
  /** Set for a pulled source (polled by the puller, never posted to the gateway). */
  pull: PullSpec | undefined;
  timeZone: string;
  dateOrder: DateOrder | undefined;
  rules: readonly SourceRule[];
}

/** The largest source mapping text accepted (the shipped ones are a few KiB). */
export const MAX_SOURCE_MAPPING_CHARS = 256 * 1024;
const KEYS = ["name", "source", "auth", "format", "xmlArrays", "ack", "pull", "items", "id", "timeZone", "dateOrder", "rules"];
const PULL_KEYS = ["url", "method", "body", "auth", "startCursor", "next", "cursorField", "follow", "intervalSeconds", "maxPages"];
const AUTH_KEYS = ["scheme", "header", "prefix", "encoding", "secretEnv", "optional"];
const RULE_KEYS = ["name", "when", "kind", "fields", "accountIds", "constants", "values"];
const SCHEMES: readonly AuthScheme[] = ["hubspot-v3", "hmac-sha1", "hmac-sha256", "bearer", "basic", "salesforce-org"];
/** Identity fields every kind reads besides our columns. */
const IDENTITY = ["email"];

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** Our field names per kind: the file columns of the same kind, the identity fields, and when it happened. */
export function sourceFields(kind: SourceEventKind): ReadonlySet<string> {
  if (kind === "signals") return new Set([...KEY_COLUMNS, ...IDENTITY, ...SIGNAL_COLUMNS]);
  if (kind === "profiles") return new Set([...KEY_COLUMNS, ...IDENTITY, ...ACCOUNT_COLUMNS.keys(), "occurred_at"]);
  return new Set([...KEY_COLUMNS, ...IDENTITY, ...OUTCOME_COLUMNS, "occurred_at"]);
}

function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function parseSourceMapping(text: string, file: string): SourceMapping {
  const doc = parseConfigYaml(text, file, { code: "MAPPING_INVALID", what: "source mapping", maxChars: MAX_SOURCE_MAPPING_CHARS });
  const problems: string[] = [];
  const problem = (path: string, message: string) => problems.push(`${file}: ${path}: ${message}`);
  if (!isObject(doc)) throw new ScoringError("MAPPING_INVALID", `${file}: expected a mapping with name, source and rules`);
  const unknownKeys = (path: string, object: Record<string, unknown>, allowed: readonly string[]) => {
    for (const key of Object.keys(object)) {
      if (allowed.includes(key)) continue;
      const near = closest(key, [...allowed]);
      problem(path === "" ? key : `${path}.${key}`, `unknown key${near && distance(near, key) <= 3 ? ` (did you mean ${near}?)` : ` (expected ${allowed.join(", ")})`}`);
    }
  };
  const path = (where: string, raw: unknown): CompiledPath | undefined => {
    if (typeof raw !== "string" || raw.trim() === "") {
      problem(where, "expected a JMESPath expression such as payload.company_domain");
      return undefined;
    }
    try {
      return { text: raw, node: compile(raw) };
    } catch (error) {
      problem(where, `not a JMESPath expression: ${(error as Error).message}`);
      return undefined;
    }
  };
  unknownKeys("", doc, KEYS);
  const name = typeof doc.name === "string" && doc.name.trim() !== "" ? doc.name.trim() : (problem("name", "expected a non-empty text"), "");
  const source = typeof doc.source === "string" && /^[a-z0-9][a-z0-9_-]{0,62}$/.test(doc.source) ? doc.source : (problem("source", `expected a lower-case name of letters, digits, - and _ (it is the route /v1/sources/<source>), got ${JSON.stringify(doc.source)}`), "");

  let auth: SourceAuth | undefined;
  if (doc.auth !== undefined) {
    if (!isObject(doc.auth)) problem("auth", "expected { scheme, secretEnv, … }");
    else {
      const a = doc.auth;
      unknownKeys("auth", a, AUTH_KEYS);
      const scheme = SCHEMES.includes(a.scheme as AuthScheme) ? (a.scheme as AuthScheme) : (problem("auth.scheme", `expected one of ${SCHEMES.join(", ")}, got ${JSON.stringify(a.scheme)}`), "bearer");
      const body = scheme === "hmac-sha1" || scheme === "hmac-sha256";
      const header = a.header === undefined ? undefined : typeof a.header === "string" && /^[A-Za-z0-9-]+$/.test(a.header) ? a.header.toLowerCase() : (problem("auth.header", "expected a header name such as X-Signature"), undefined);
      if (body && header === undefined && a.header === undefined) problem("auth.header", `${scheme} needs the header that carries the signature`);
      const secretEnv = typeof a.secretEnv === "string" && /^[A-Z][A-Z0-9_]*$/.test(a.secretEnv) ? a.secretEnv : (problem("auth.secretEnv", "expected the name of an environment variable such as ICP_SOURCE_SEGMENT_SECRET (secrets are never written in a mapping)"), "");
      const encoding = a.encoding === undefined ? "hex" : a.encoding === "hex" || a.encoding === "base64" ? a.encoding : (problem("auth.encoding", `expected hex or base64, got ${JSON.stringify(a.encoding)}`), "hex");
      const prefix = a.prefix === undefined ? "" : typeof a.prefix === "string" ? a.prefix : (problem("auth.prefix", "expected text such as sha256="), "");
      const optional = a.optional === undefined ? false : typeof a.optional === "boolean" ? a.optional : (problem("auth.optional", "expected true or false"), false);
      auth = { scheme, header, prefix, encoding, secretEnv, optional };
    }
  }
  const format = doc.format === undefined ? "json" : doc.format === "json" || doc.format === "xml" ? doc.format : (problem("format", `expected json or xml, got ${JSON.stringify(doc.format)}`), "json");
  const xmlArrays = doc.xmlArrays === undefined ? [] : Array.isArray(doc.xmlArrays) && doc.xmlArrays.every((e) => typeof e === "string" && e !== "") ? (doc.xmlArrays as string[]) : (problem("xmlArrays", "expected a list of element names such as [Notification]"), []);
  if (doc.xmlArrays !== undefined && format !== "xml") problem("xmlArrays", "only for format: xml");
  const ack = doc.ack === undefined ? "json" : doc.ack === "json" || doc.ack === "salesforce" ? doc.ack : (problem("ack", `expected json or salesforce, got ${JSON.stringify(doc.ack)}`), "json");
  if (auth?.scheme === "salesforce-org" && format !== "xml") problem("auth.scheme", "salesforce-org reads the OrganizationId of a SOAP outbound message: set format: xml");
  const items = doc.items === undefined ? undefined : path("items", doc.items);
  let pull: PullSpec | undefined;
  if (doc.pull !== undefined) {
    if (!isObject(doc.pull)) problem("pull", "expected { url, auth, startCursor, cursorField, … }");
    else {
      const p = doc.pull;
      unknownKeys("pull", p, PULL_KEYS);
      const url = typeof p.url === "string" && /^https?:\/\//.test(p.url) ? p.url : (problem("pull.url", "expected an http(s) URL, with {cursor} where the cursor goes"), "");
      const a = isObject(p.auth) ? p.auth : (problem("pull.auth", "expected { header, prefix, secretEnv }"), {});
      const header = typeof a.header === "string" && /^[A-Za-z0-9-]+$/.test(a.header) ? a.header : (problem("pull.auth.header", "expected a header name such as Authorization"), "authorization");
      const prefix = a.prefix === undefined ? "" : typeof a.prefix === "string" ? a.prefix : (problem("pull.auth.prefix", "expected text such as \"Bearer \""), "");
      const secretEnv = typeof a.secretEnv === "string" && /^[A-Z][A-Z0-9_]*$/.test(a.secretEnv) ? a.secretEnv : (problem("pull.auth.secretEnv", "expected the name of an environment variable"), "");
      const startCursor = typeof p.startCursor === "string" && p.startCursor !== "" ? p.startCursor : (problem("pull.startCursor", "expected where the first poll starts, such as 2026-01-01T00:00:00Z"), "");
      const next = p.next === undefined ? undefined : path("pull.next", p.next);
      const cursorField = path("pull.cursorField", p.cursorField);
      const follow = new Map<string, CompiledPath>();
      if (p.follow !== undefined) {
        if (!isObject(p.follow)) problem("pull.follow", "expected a mapping of name → JMESPath to a URL");
        else for (const [n, f] of Object.entries(p.follow)) {
          const compiled = path(`pull.follow.${n}`, f);
          if (compiled) follow.set(n, compiled);
        }
      }
      const intervalSeconds = p.intervalSeconds === undefined ? 300 : typeof p.intervalSeconds === "number" && p.intervalSeconds >= 1 ? p.intervalSeconds : (problem("pull.intervalSeconds", "expected seconds ≥ 1"), 300);
      const maxPages = p.maxPages === undefined ? 20 : typeof p.maxPages === "number" && Number.isInteger(p.maxPages) && p.maxPages >= 1 ? p.maxPages : (problem("pull.maxPages", "expected a whole number ≥ 1"), 20);
      const method = p.method === undefined ? "GET" : p.method === "GET" || p.method === "POST" ? p.method : (problem("pull.method", `expected GET or POST, got ${JSON.stringify(p.method)}`), "GET");
      let body: string | undefined;
      if (p.body !== undefined) {
        if (typeof p.body !== "string") problem("pull.body", "expected JSON text with {cursor} where the cursor goes");
        else {
          try {
            JSON.parse(p.body.replaceAll("{cursor}", "x"));
            body = p.body;
          } catch (error) {
            problem("pull.body", `not JSON once {cursor} is filled in: ${(error as Error).message}`);
          }
        }
      }
      if (method === "POST" && p.body === undefined) problem("pull.body", "a POST needs a body");
      if (cursorField) pull = { url, method, body, auth: { header, prefix, secretEnv }, startCursor, next, cursorField, follow, intervalSeconds, maxPages };
    }
  }
  const id = doc.id === undefined ? undefined : path("id", doc.id);
  const timeZone = doc.timeZone === undefined ? "UTC" : typeof doc.timeZone === "string" && validTimeZone(doc.timeZone) ? doc.timeZone : (problem("timeZone", `expected an IANA time zone such as UTC or America/Chicago, got ${JSON.stringify(doc.timeZone)}`), "UTC");
  const dateOrder = doc.dateOrder === undefined ? undefined : doc.dateOrder === "mdy" || doc.dateOrder === "dmy" ? doc.dateOrder : (problem("dateOrder", `expected mdy or dmy, got ${JSON.stringify(doc.dateOrder)}`), undefined);

  const rules: SourceRule[] = [];
  if (!Array.isArray(doc.rules) || doc.rules.length === 0) problem("rules", "expected a list of rules (when, kind, fields)");
  else {
    const names = new Set<string>();
    doc.rules.forEach((raw: unknown, i: number) => {
      const at = `rules[${i}]`;
      if (!isObject(raw)) return problem(at, "expected { name, when, kind, fields }");
      unknownKeys(at, raw, RULE_KEYS);
      const ruleName = typeof raw.name === "string" && raw.name.trim() !== "" ? raw.name.trim() : (problem(`${at}.name`, "expected a non-empty text (it is part of the event ids: never rename a rule in use)"), `rule ${i}`);
      if (names.has(ruleName)) problem(`${at}.name`, `"${ruleName}" names an earlier rule too`);
      names.add(ruleName);
      const kind: SourceEventKind = raw.kind === "signals" || raw.kind === "profiles" || raw.kind === "outcomes" ? raw.kind : (problem(`${at}.kind`, `expected signals, profiles or outcomes, got ${JSON.stringify(raw.kind)}`), "signals");
      const when = raw.when === undefined ? undefined : path(`${at}.when`, raw.when);
      const ours = sourceFields(kind);
      const checkOurs = (where: string, field: string) => {
        if (ours.has(field)) return true;
        const near = closest(field, [...ours]);
        problem(where, `"${field}" is not a field icpstream reads for ${kind}${near && distance(near, field) <= 3 ? ` (did you mean ${near}?)` : ""}`);
        return false;
      };
      const fields = new Map<string, CompiledPath[]>();
      if (!isObject(raw.fields)) problem(`${at}.fields`, "expected a mapping of our field → JMESPath (or a list tried in order)");
      else
        for (const [field, theirs] of Object.entries(raw.fields)) {
          if (!checkOurs(`${at}.fields.${field}`, field)) continue;
          const list = Array.isArray(theirs) ? theirs : [theirs];
          const compiled = list.map((t, j) => path(Array.isArray(theirs) ? `${at}.fields.${field}[${j}]` : `${at}.fields.${field}`, t)).filter((c): c is CompiledPath => c !== undefined);
          if (compiled.length === list.length && compiled.length > 0) fields.set(field, compiled);
        }
      const accountIds = new Map<string, CompiledPath>();
      if (raw.accountIds !== undefined) {
        if (!isObject(raw.accountIds)) problem(`${at}.accountIds`, "expected a mapping of id system → JMESPath");
        else
          for (const [system, p] of Object.entries(raw.accountIds)) {
            if (!/^[a-z0-9][a-z0-9_.:-]{0,62}$/.test(system)) problem(`${at}.accountIds.${system}`, "expected a lower-case system name such as hubspot-company");
            const compiled = path(`${at}.accountIds.${system}`, p);
            if (compiled) accountIds.set(system, compiled);
          }
      }
      const hasIdentity = [...KEY_COLUMNS, ...IDENTITY].some((k) => fields.has(k)) || accountIds.size > 0;
      if (isObject(raw.fields) && !hasIdentity) problem(`${at}.fields`, `expected a way to the account: a domain field (${KEY_COLUMNS.slice(0, 3).join(", ")} …), email, or accountIds`);
      const constants = new Map<string, string>();
      if (raw.constants !== undefined) {
        if (!isObject(raw.constants)) problem(`${at}.constants`, "expected a mapping of our field → value");
        else for (const [c, v] of Object.entries(raw.constants)) if (checkOurs(`${at}.constants.${c}`, c)) constants.set(c, String(v));
      }
      const values = new Map<string, Map<string, string>>();
      if (raw.values !== undefined) {
        if (!isObject(raw.values)) problem(`${at}.values`, "expected a mapping of our field → { their value: ours }");
        else
          for (const [c, table] of Object.entries(raw.values)) {
            if (!checkOurs(`${at}.values.${c}`, c)) continue;
            if (!isObject(table)) problem(`${at}.values.${c}`, "expected a mapping of their value → ours");
            else values.set(c, new Map(Object.entries(table).map(([k, v]) => [headerKey(k), String(v)])));
          }
      }
      if (kind === "signals" && !fields.has("type") && !constants.has("type")) problem(`${at}`, "a signals rule needs the signal type: constants.type or fields.type");
      if (kind === "outcomes" && !fields.has("opportunity_id")) problem(`${at}.fields`, "an outcomes rule needs opportunity_id");
      rules.push({ name: ruleName, kind, when, fields, accountIds, constants, values });
    });
  }
  if (problems.length > 0) throw new ScoringError("MAPPING_INVALID", problems.join("\n"), problems);
  return { name, source, file, auth, format, xmlArrays, ack, items, id, pull, timeZone, dateOrder, rules };
}

/**
 * Several source mappings, as a gateway loads them at start: each parsed, and two files
 * claiming one source refused. Every file's problems are reported together.
 */
export function parseSourceMappings(files: readonly { file: string; text: string }[]): Map<string, SourceMapping> {
  const problems: string[] = [];
  const bySource = new Map<string, SourceMapping>();
  for (const { file, text } of files) {
    try {
      const mapping = parseSourceMapping(text, file);
      const earlier = bySource.get(mapping.source);
      if (earlier) problems.push(`${file}: source: "${mapping.source}" is also the source of ${earlier.file}`);
      else bySource.set(mapping.source, mapping);
    } catch (error) {
      if (!(error instanceof ScoringError)) throw error;
      problems.push(error.message);
    }
  }
  if (problems.length > 0) throw new ScoringError("MAPPING_INVALID", problems.join("\n"), problems);
  return bySource;
}
