#!/usr/bin/env node
// The image's ENTRYPOINT: `docker run icpstream <command> [args…]` runs that command's compiled
// entry point in this process (see commands.mjs); the arguments after the command are its own.
import { COMMANDS, usage } from "./commands.mjs";

const [name, ...args] = process.argv.slice(2);
if (name === "--help" || name === "help") {
  console.log(usage(undefined).split("\n").slice(1).join("\n"));
  process.exit(0);
}
const command = name === undefined ? undefined : COMMANDS[name];
if (!command) {
  console.error(usage(name));
  process.exit(2);
}
const entry = new URL(`../../${command.entry}`, import.meta.url);
// The entry point reads its own arguments from process.argv.slice(2), as when run directly.
process.argv = [process.argv[0], entry.pathname, ...args];
await import(entry.href);
