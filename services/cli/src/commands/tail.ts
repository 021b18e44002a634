import { Command, Option } from "commander";
import type { CliIo } from "../io.js";
import { CliError } from "../io.js";
import { addNamespaceOptions, loadLiveSettings, untilInterrupted } from "../live/connect.js";
import { followTierChanges } from "../live/follow-tier-changes.js";
import { formatTierChangeLine, formatTierChangeNdjson } from "../live/format-tier-change.js";
import type { NamespaceOptions } from "../live/settings.js";

const collect = (value: string, previous: string[] = []) => [...previous, value];

export interface TailOptions extends NamespaceOptions {
  fromBeginning?: boolean;
  scorecard?: string[];
  format: "text" | "ndjson";
  group?: string;
  maxEvents?: string;
  reasons: string;
}

/** Parses `--max-events` / `--reasons`: a whole number ≥ min, or a CliError naming the option. */
export function wholeNumber(value: string | undefined, option: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min) throw new CliError(`${option}: expected a whole number ≥ ${min}, got ${JSON.stringify(value)}`);
  return Number(value);
}

/**
 * `icp tail`: follows the tier-changed topic, the contract downstream systems subscribe to,
 * one line per change (or the decoded event as NDJSON). Ctrl-C stops it cleanly.
 */
export function tailCommand(io: CliIo): Command {
  const command = new Command("tail")
    .description("follow tier changes as they happen (the tier-changed topic, decoded through the schema registry)")
    .option("--from-beginning", "start with the oldest change Kafka still holds, not with the next one")
    .option("--scorecard <id>", "only this scorecard; repeat for several", collect)
    .addOption(new Option("--format <format>", "text: one line per change; ndjson: the event as JSON").choices(["text", "ndjson"]).default("text"))
    .option("--reasons <n>", "reasons per line in text format", "3")
    .option("--group <id>", "consume as this consumer group and commit offsets, so the next run resumes where this one stopped (default: an anonymous observer)")
    .option("--max-events <n>", "stop after this many changes")
    .addHelpText(
      "after",
      `
Connection: KAFKA_BROKERS and SCHEMA_REGISTRY_URL from the environment, else .stack/stack.env.
Subscribers should drop redeliveries by the event's idempotencyKey (--format ndjson shows it).
Ctrl-C stops.`,
    );
  return addNamespaceOptions(command).action(async (options: TailOptions) => {
    const max = wholeNumber(options.maxEvents, "--max-events", 1);
    const reasons = wholeNumber(options.reasons, "--reasons", 0) ?? 3;
    const settings = await loadLiveSettings(options);
    const scorecards = options.scorecard ? new Set(options.scorecard) : undefined;
    const interrupted = untilInterrupted();
    let seen = 0;
    try {
      await followTierChanges({
        settings,
        fromBeginning: options.fromBeginning === true,
        ...(options.group ? { groupId: options.group } : {}),
        signal: interrupted.signal,
        onUndecodable: (where, reason) => io.stderr(`icp tail: skipped ${where}: ${reason}\n`),
        onEvent: (event) => {
          if (scorecards && !scorecards.has(event.scorecard)) return;
          io.stdout(`${options.format === "ndjson" ? formatTierChangeNdjson(event) : formatTierChangeLine(event, { reasons })}\n`);
          seen++;
          return max !== undefined && seen >= max ? "stop" : undefined;
        },
      });
    } finally {
      interrupted.dispose();
    }
  });
}
