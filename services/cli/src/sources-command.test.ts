import { describe, expect, it } from "vitest";
import { runCli } from "./run.js";
import { memoryIo } from "./testing-io.js";

const FIXTURES = "packages/imports/fixtures/sources";

describe("icp sources test", () => {
  it("shows the events a saved payload would become, with topics, without sending", async () => {
    const t = memoryIo();
    expect(await runCli(["sources", "test", "theirstack", `${FIXTURES}/theirstack-job-new.json`, "--received-at", "2026-11-21T00:00:00Z"], t.io)).toBe(0);
    expect(t.stdout()).toContain("item 0 (vendor event 451209887): accepted — rule \"job posting\"");
    expect(t.stdout()).toContain("→ hiring: job_posting quillfeather.example at 2026-11-18T00:00:00Z");
    expect(t.stdout()).toContain("1 item: 1 accepted, 0 rejected, 0 parked, 0 ignored. Nothing was sent.");
  });

  it("resolves ids given with --id, and says what would be parked without them", async () => {
    const file = `${FIXTURES}/hubspot-deal-propertychange-dealstage-closedwon.json`;
    const parked = memoryIo();
    expect(await runCli(["sources", "test", "hubspot", file], parked.io)).toBe(0);
    expect(parked.stdout()).toContain("parked — rule \"deal stage\"");
    expect(parked.stdout()).toContain("--id opportunity:30518846532=<domain>");
    const t = memoryIo();
    expect(await runCli(["sources", "test", "hubspot", file, "--id", "opportunity:30518846532=quillfeather.example", "-f", "json"], t.io)).toBe(0);
    const out = JSON.parse(t.stdout()) as { results: { status: string; events: { topic: string; event: Record<string, unknown> }[] }[] };
    expect(out.results[0]?.status).toBe("accepted");
    expect(out.results[0]?.events[0]).toMatchObject({ topic: "outcome", event: { type: "opportunity_closed_won", accountKey: "quillfeather.example", opportunityId: "30518846532" } });
  });

  it("exits 1 and names the reasons when an item would be rejected", async () => {
    const t = memoryIo({ "bad.json": JSON.stringify({ type: "job.new", payload: { id: 1, job_title: "Head of RevOps", company_domain: "gmail", date_posted: "2026-11-18" } }) });
    expect(await runCli(["sources", "test", "theirstack", "bad.json"], t.io)).toBe(1);
    expect(t.stdout()).toMatch(/✗ invalid_domain: bad\.json:1: payload\.company_domain: /);
    expect(t.stderr()).toContain("1 of 1 items would be rejected");
  });

  it("refuses a mapping of another source, naming it", async () => {
    const t = memoryIo();
    expect(await runCli(["sources", "test", "segment", `${FIXTURES}/segment-group.json`, "--mapping", "examples/sources/hubspot.yaml"], t.io)).toBe(1);
    expect(t.stderr()).toContain('examples/sources/hubspot.yaml: this mapping is for the source "hubspot", not "segment"');
  });

  it("reads a saved page of a pulled source with the documents its links lead to", async () => {
    const t = memoryIo();
    expect(await runCli(["sources", "test", "g2", `${FIXTURES}/g2-buyer-intent-remote-event-stream.json`, "--follow", `company=${FIXTURES}/g2-buyer-intent-company.json`, "--received-at", "2026-11-21T00:00:00Z"], t.io)).toBe(0);
    expect(t.stdout()).toContain("→ intent: category_research quillfeather.example at 2026-11-19T16:42:07Z");
    expect(t.stdout()).toContain("2 items: 2 accepted, 0 rejected, 0 parked, 0 ignored. Nothing was sent.");
    const without = memoryIo();
    expect(await runCli(["sources", "test", "g2", `${FIXTURES}/g2-buyer-intent-remote-event-stream.json`, "--received-at", "2026-11-21T00:00:00Z"], without.io)).toBe(1);
    expect(without.stdout()).toContain("no_domain");
  });
});
