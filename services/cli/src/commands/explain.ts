import { describeProfileInputs, findScorecard, formatExplanation, normalizeAccountKey, scoreAccountOnScorecard } from "@icpstream/scoring";
import { Command } from "commander";
import { CliError } from "../io.js";
import type { CliIo } from "../io.js";
import { addNamespaceOptions } from "../live/connect.js";
import type { NamespaceOptions } from "../live/settings.js";
import { datedContacts, loadInputs, loadRubric, parseAsOf } from "../load.js";
import { addInputOptions } from "./input-options.js";
import { explainLive } from "./explain-live.js";

const collect = (value: string, previous: string[] = []) => [...previous, value];

interface ExplainOptions extends NamespaceOptions {
  live?: boolean;
  accounts?: string;
  signals?: string[];
  rubric?: string;
  scorecard?: string[];
  asOf?: string;
  accountsFormat?: string;
  signalsFormat?: string;
  accountsMapping?: string;
  signalsMapping?: string[];
  delimiter?: string;
  decimalComma?: boolean;
  encoding?: string;
  futureToleranceHours?: number;
  contacts?: string;
  contactsFormat?: string;
  contactsMapping?: string;
  json?: boolean;
}

/**
 * `icp explain DOMAIN`: from files (accounts, signals, rubric, as-of), or with `--live`
 * from the running pipeline's state in Redis (see explain-live.ts).
 */
export function explainCommand(io: CliIo): Command {
  const command = new Command("explain")
    .description("explain one account's score, rule by rule: from files, or with --live from the running pipeline")
    .argument("<domain>", "the account (any spelling of its domain or URL)")
    .option("--live", "read the account's live state (fit, timing, combiner) from Redis instead of files")
    .option("-a, --accounts <file>", "accounts file (required without --live)")
    .option("-s, --signals <file>", "signals file; repeat for several", collect)
    .option("-r, --rubric <file>", "rubric file (required without --live; with --live default $ICP_RUBRIC or rubrics/enterprise.yaml)")
    .option("--scorecard <id>", "only this scorecard; repeat for several", collect)
    .option("--as-of <instant>", "explain as of this instant; default now")
    .option("--json", "print the full score (with --live: the decoded state) as JSON instead of text")
    .addHelpText(
      "after",
      `
With --live: connection from REDIS_URL (else .stack/stack.env); the namespace options must
match the services' ICP_* settings (npm start's demo prints them). Fit shows the largest
contributions the combiner keeps; timing is recomputed from the signals the timing service
holds, at the instant it last evaluated them.`,
    );
  addInputOptions(command);
  return addNamespaceOptions(command).action(async (domain: string, options: ExplainOptions) => {
      if (options.live) {
        const ignored = (["accounts", "signals", "asOf", "accountsFormat", "signalsFormat", "accountsMapping", "signalsMapping", "delimiter", "decimalComma", "encoding", "futureToleranceHours", "contacts", "contactsFormat", "contactsMapping"] as const).filter((o) => options[o] !== undefined);
        if (ignored.length > 0) throw new CliError(`--live reads the pipeline's state; it takes no ${ignored.map((o) => `--${o.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(", ")}`);
        await explainLive(io, domain, options);
        return;
      }
      if (!options.accounts || !options.rubric) throw new CliError("explain needs --accounts and --rubric (or --live to read the running pipeline)");
      const { accounts, rubric: rubricFile } = options;
      const key = normalizeAccountKey(domain);
      const asOf = parseAsOf(options.asOf, io);
      const rubric = await loadRubric(io, rubricFile);
      const cards = options.scorecard ? options.scorecard.map((id) => findScorecard(rubric, id)) : rubric.scorecards;
      const inputs = await loadInputs(io, { ...options, accounts }, asOf);
      const profile = inputs.accounts.items.find((a) => a.accountKey === key);
      if (!profile) {
        const own = inputs.accounts.rejects.filter((r) => r.value === key || (typeof r.value === "string" && r.value.toLowerCase().includes(key)));
        const why = own[0] ? ` (line ${own[0].line} was rejected: ${own[0].message})` : inputs.accounts.rejects.length > 0 ? ` (${inputs.accounts.rejects.length} rows were rejected; run icp score --rejects FILE to see why)` : "";
        throw new CliError(`${key}: not in ${accounts}${why}`);
      }
      const signals = inputs.signals.flatMap((s) => s.items).filter((s) => s.accountKey === key);
      const contacts = datedContacts(inputs.contacts, asOf)?.filter((c) => c.accountKey === key);
      const scores = cards.map((card) => ({ card, score: scoreAccountOnScorecard(profile, signals, card, rubric.version, asOf, contacts) }));
      if (options.json) io.stdout(`${JSON.stringify(scores.map((s) => s.score), null, 2)}\n`);
      else {
        const inputsNotes = describeProfileInputs(profile);
        const notes = inputsNotes.length > 0 ? `\n  Inputs (${accounts}:${inputs.accounts.lines[inputs.accounts.items.indexOf(profile)] ?? "?"})\n${inputsNotes.map((l) => `    ${l}`).join("\n")}` : "";
        io.stdout(`${scores.map(({ card, score }) => `${formatExplanation(score, card.weights)}${notes}`).join("\n\n")}\n`);
      }
    });
}
