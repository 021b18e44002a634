import { findScorecard, formatExplanation, normalizeAccountKey, scoreAccountOnScorecard } from "@icpstream/scoring";
import { Command } from "commander";
import { CliError } from "../io.js";
import type { CliIo } from "../io.js";
import { loadInputs, loadRubric, parseAsOf } from "../load.js";

const collect = (value: string, previous: string[] = []) => [...previous, value];

interface ExplainOptions {
  accounts: string;
  signals?: string[];
  rubric: string;
  scorecard?: string[];
  asOf?: string;
  accountsFormat?: string;
  signalsFormat?: string;
  accountsMapping?: string;
  signalsMapping?: string;
  json?: boolean;
}

/** `icp explain DOMAIN` from files. A live variant (state from Redis) can add an option later. */
export function explainCommand(io: CliIo): Command {
  return new Command("explain")
    .description("explain one account's score, rule by rule")
    .argument("<domain>", "the account (any spelling of its domain or URL)")
    .requiredOption("-a, --accounts <file>", "accounts file")
    .option("-s, --signals <file>", "signals file; repeat for several", collect)
    .requiredOption("-r, --rubric <file>", "rubric file")
    .option("--scorecard <id>", "only this scorecard; repeat for several", collect)
    .option("--as-of <instant>", "explain as of this instant; default now")
    .option("--accounts-format <format>", "csv or ndjson")
    .option("--signals-format <format>", "csv or ndjson")
    .option("--accounts-mapping <file>", "mapping file for a foreign accounts export")
    .option("--signals-mapping <file>", "mapping file for a foreign signals export")
    .option("--json", "print the full score as JSON instead of text")
    .action(async (domain: string, options: ExplainOptions) => {
      const key = normalizeAccountKey(domain);
      const asOf = parseAsOf(options.asOf, io);
      const rubric = await loadRubric(io, options.rubric);
      const cards = options.scorecard ? options.scorecard.map((id) => findScorecard(rubric, id)) : rubric.scorecards;
      const inputs = await loadInputs(io, options);
      const profile = inputs.accounts.items.find((a) => a.accountKey === key);
      if (!profile) {
        const rejected = inputs.accounts.rejected.length > 0 ? ` (${inputs.accounts.rejected.length} rows were rejected; run icp score to see why)` : "";
        throw new CliError(`${key}: not in ${options.accounts}${rejected}`);
      }
      const signals = inputs.signals.flatMap((s) => s.items).filter((s) => s.accountKey === key);
      const scores = cards.map((card) => ({ card, score: scoreAccountOnScorecard(profile, signals, card, rubric.version, asOf) }));
      if (options.json) io.stdout(`${JSON.stringify(scores.map((s) => s.score), null, 2)}\n`);
      else io.stdout(`${scores.map(({ card, score }) => formatExplanation(score, card.weights)).join("\n\n")}\n`);
    });
}
