import { Command, Option } from "commander";
import { evaluatePath, formatIssue, mapPayload, parseSourceMapping, parseXmlPayload } from "@icpstream/imports";
import { contractEvents } from "@icpstream/ingest";
import { CliError } from "../io.js";
import type { CliIo } from "../io.js";

/**
 * `icp sources test SOURCE FILE`: what a saved vendor payload (a webhook body copied from
 * the vendor's delivery log) would become through the source's mapping, without sending
 * anything: per item, the events with their topics — validated with the contracts the
 * gateway uses — or why the item would be rejected, parked or ignored. Ids the pipeline's
 * index would resolve are given with `--id system:id=domain`. Exit 1 when an item would be
 * rejected.
 */
const collect = (value: string, previous: string[] = []) => [...previous, value];

export function sourcesCommand(io: CliIo): Command {
  const sources = new Command("sources").description("third-party sources: vendors' webhook payloads through source mappings");
  sources
    .command("test")
    .description("show what a saved payload would become through the source's mapping, without sending it")
    .argument("<source>", "the source (segment, hubspot, theirstack, clearbit, 6sense, rudderstack, or your own)")
    .argument("<file>", "the payload, as the vendor sends it (JSON, or XML for an XML source)")
    .option("--mapping <file>", "the source mapping (default: <sources-dir>/<source>.yaml)")
    .option("--sources-dir <dir>", "where source mappings are", "examples/sources")
    .option("--id <system:id=domain>", "an id the index knows (repeatable), e.g. --id hubspot-company:21468920117=quillfeather.example", collect, [])
    .option("--follow <name=file>", "pulled sources: the document an item's `follow` link would fetch, given for every item (repeatable), e.g. --follow company=g2-company.json", collect, [])
    .option("--received-at <iso>", "when the payload is taken as received (default: now)")
    .addOption(new Option("-f, --format <format>", "output").choices(["text", "json"]).default("text"))
    .action(async (source: string, file: string, options: { mapping?: string; sourcesDir: string; id: string[]; follow: string[]; receivedAt?: string; format: "text" | "json" }) => {
      const mappingPath = options.mapping ?? `${options.sourcesDir.replace(/\/$/, "")}/${source}.yaml`;
      const mapping = parseSourceMapping(await io.readText(mappingPath), mappingPath);
      if (mapping.source !== source) throw new CliError(`${mappingPath}: this mapping is for the source "${mapping.source}", not "${source}"`);
      const ids = new Map<string, string>();
      for (const entry of options.id) {
        const m = /^([^:=]+):([^=]+)=(.+)$/.exec(entry);
        if (!m?.[1] || !m[2] || !m[3]) throw new CliError(`--id ${entry}: expected system:id=domain, e.g. hubspot-company:21468920117=quillfeather.example`);
        ids.set(`${m[1]}\u0000${m[2]}`, m[3]);
      }
      const receivedAt = options.receivedAt === undefined ? io.now() : new Date(options.receivedAt);
      if (Number.isNaN(receivedAt.getTime())) throw new CliError(`--received-at ${options.receivedAt}: expected an ISO date-time`);
      let payload: unknown;
      try {
        const text = await io.readText(file);
        payload = mapping.format === "xml" ? parseXmlPayload(text, mapping.xmlArrays) : JSON.parse(text);
      } catch (error) {
        if (error instanceof CliError) throw error;
        throw new CliError(`${file}: not ${mapping.format === "xml" ? "XML" : "JSON"} (${(error as Error).message})`);
      }
      const follow: Record<string, unknown> = {};
      for (const entry of options.follow) {
        const m = /^([^=]+)=(.+)$/.exec(entry);
        if (!m?.[1] || !m[2]) throw new CliError(`--follow ${entry}: expected name=file, e.g. company=g2-company.json`);
        if (!mapping.pull?.follow.has(m[1])) throw new CliError(`--follow ${m[1]}: ${mappingPath} follows no link named ${m[1]}${mapping.pull ? ` (it follows: ${[...mapping.pull.follow.keys()].join(", ") || "none"})` : " (it is not a pulled source)"}`);
        try {
          follow[m[1]] = JSON.parse(await io.readText(m[2]));
        } catch (error) {
          if (error instanceof CliError) throw error;
          throw new CliError(`${m[2]}: not JSON (${(error as Error).message})`);
        }
      }
      // A pulled page: its items, each with the followed documents, as the puller enriches them.
      const listed = mapping.pull && mapping.items ? evaluatePath(mapping.items, payload) : undefined;
      const input = Array.isArray(listed) ? listed.map((item: unknown) => (item !== null && typeof item === "object" ? { ...(item as object), _follow: follow } : item)) : payload;
      const mapped = await mapPayload(mapping, input, { defaultOccurredAt: receivedAt.toISOString(), label: file, index: { lookup: (system, id) => ids.get(`${system}\u0000${id}`) }, presplit: Array.isArray(listed) });
      if (mapped.problem !== undefined) throw new CliError(`${file}: ${mapped.problem}`);
      const results = mapped.items.map((item) => {
        const checked = item.status === "mapped" ? contractEvents(item, mapping.source, receivedAt, 24) : { events: [], problems: [] };
        const status = item.status === "mapped" ? (checked.problems.length > 0 ? "rejected" : "accepted") : item.status === "unresolved" ? "parked" : item.status;
        const problems = [...item.rejects.map((r) => ({ field: r.column, reason: r.reason, message: formatIssue(r) })), ...checked.problems, ...item.unresolved.map((u) => ({ field: `accountIds.${u.system}`, reason: "unresolved_account", message: `${u.system} id ${u.id} is not linked to an account yet: the gateway parks the item until the index learns the id (a profile carrying it, an outcome naming its deal; here: give it with --id ${u.system}:${u.id}=<domain>)` }))];
        return { index: item.index, vendorEventId: item.vendorEventId, status, rules: item.rules, events: checked.events, problems, warnings: item.warnings.map((w) => formatIssue(w)) };
      });
      const count = (status: string) => results.filter((r) => r.status === status).length;
      if (options.format === "json") io.stdout(`${JSON.stringify({ source, mapping: mappingPath, results }, null, 2)}\n`);
      else {
        const lines = [`${file} through ${mappingPath} (${mapping.name}):`];
        for (const r of results) {
          lines.push(`item ${r.index} (vendor event ${r.vendorEventId}): ${r.status}${r.rules.length > 0 ? ` — ${r.rules.map((n) => `rule "${n}"`).join(", ")}` : " — no rule reads it"}`);
          for (const { topic, event } of r.events) lines.push(`  → ${topic}: ${String(event.type)} ${String(event.accountKey)} at ${String(event.occurredAt)} (event ${String(event.eventId)})`, `    ${JSON.stringify(event)}`);
          for (const p of r.problems) lines.push(`  ✗ ${p.reason}: ${p.message}`);
          for (const w of r.warnings) lines.push(`  ! ${w}`);
        }
        lines.push(`${results.length} item${results.length === 1 ? "" : "s"}: ${count("accepted")} accepted, ${count("rejected")} rejected, ${count("parked")} parked, ${count("ignored")} ignored. Nothing was sent.`);
        io.stdout(`${lines.join("\n")}\n`);
      }
      if (count("rejected") > 0) throw new CliError(`${count("rejected")} of ${results.length} items would be rejected (see above)`);
    });
  return sources;
}
