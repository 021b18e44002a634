import { readFileSync } from "node:fs";
import { parseRubric } from "@icpstream/scoring";
import { ContactEventV1, AccountProfileEventV1 } from "@icpstream/contracts";
import { applyContact, applyFitScored, applyProfile } from "@icpstream/pipeline";
import { describe, expect, it } from "vitest";
import { explainFromState } from "./live/explain-state.js";
import { runCli } from "./run.js";
import { memoryIo } from "./testing-io.js";

describe("the live commands' arguments", () => {
  it("explain without --live still needs its files, and says how to read the live pipeline instead", async () => {
    const t = memoryIo();
    expect(await runCli(["explain", "acme.com"], t.io)).toBe(1);
    expect(t.stderr()).toBe("icp: explain needs --accounts and --rubric (or --live to read the running pipeline)\n");
  });

  it("explain --live refuses the file options instead of ignoring them", async () => {
    const t = memoryIo();
    expect(await runCli(["explain", "acme.com", "--live", "--accounts", "a.csv", "--as-of", "2026-01-01"], t.io)).toBe(1);
    expect(t.stderr()).toBe("icp: --live reads the pipeline's state; it takes no --accounts, --as-of\n");
  });

  it("tail refuses a --max-events that is not a whole number ≥ 1 before connecting", async () => {
    const t = memoryIo();
    expect(await runCli(["tail", "--max-events", "0"], t.io)).toBe(1);
    expect(t.stderr()).toBe('icp: --max-events: expected a whole number ≥ 1, got "0"\n');
  });

  it("rebuild offers only the stateful services", async () => {
    const t = memoryIo();
    expect(await runCli(["rebuild", "--service", "gateway"], t.io)).toBe(1);
    expect(t.stderr()).toMatch(/Allowed choices are fit, timing, combiner, all/);
  });
});

describe("explaining from live state", () => {
  const rubric = parseRubric(readFileSync(new URL("../../../rubrics/enterprise.yaml", import.meta.url), "utf8"), "enterprise.yaml");

  it("says an account with no fit score yet is not tiered, and that timing has nothing", () => {
    const text = explainFromState({ accountKey: "acme.com" }, rubric);
    expect(text).toContain("acme.com — scorecard enterprise");
    expect(text).toContain("not tiered yet: the combiner holds no fit score for this account");
    expect(text).toContain("Timing 0 / 100: no signals in the timing service's state");
  });

  it("shows the buying committee from the contact records the fit service holds", () => {
    const profile = AccountProfileEventV1.parse({ type: "account_profile", eventId: "p1", accountKey: "acme.com", occurredAt: "2026-10-01T00:00:00Z", observedAt: "2026-10-01T00:00:00Z", source: "t", schemaVersion: 1, firmographics: { industry: "Computer Software", employeeCount: 400 } });
    const cfo = ContactEventV1.parse({ type: "contact", eventId: "c1", accountKey: "acme.com", occurredAt: "2026-10-02T00:00:00Z", observedAt: "2026-10-02T00:00:00Z", source: "t", schemaVersion: 1, contactId: "003-cfo", title: "CFO", budgetAuthority: true });
    const first = applyProfile(undefined, profile, rubric);
    const fit = applyContact(first.state, cfo, rubric);
    let combiner = undefined as ReturnType<typeof applyFitScored>["state"] | undefined;
    for (const e of [...first.outputs, ...fit.outputs]) combiner = applyFitScored(combiner, e, rubric).state;
    const text = explainFromState({ accountKey: "acme.com", fit: fit.state, ...(combiner ? { combiner } : {}) }, rubric);
    expect(text).toContain("; 1 contacts");
    expect(text).toContain("Buying committee: 1 contact, 1/4 roles held");
    expect(text).toContain("best contact: 003-cfo (CFO), 20 points: economic buyer; budget authority +20");
  });
});
