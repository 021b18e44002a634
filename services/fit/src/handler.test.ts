import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { EXAMPLE_EVENTS, TOPICS } from "@icpstream/contracts";
import type { AccountProfileEventV1, FitScoredEventV1, RubricPromotedEventV1 } from "@icpstream/contracts";
import { silentLogger, type EventContext, type PartitionReader } from "@icpstream/kafka-kit";
import { applyProfile, decodeFitState, ShardRubrics } from "@icpstream/pipeline";
import { parseRubric } from "@icpstream/scoring";
import { FIT_STATE_FIELD, fitHandler } from "./handler.js";

const file = (name: string) => fileURLToPath(new URL(`../../../rubrics/${name}`, import.meta.url));
// PLG scores no contacts, so its fit state keeps no profile content; enterprise does.
const PLG = parseRubric(readFileSync(file("plg.yaml"), "utf8"), "rubrics/plg.yaml");
const ENTERPRISE_TEXT = readFileSync(file("enterprise.yaml"), "utf8");
const ENTERPRISE = parseRubric(ENTERPRISE_TEXT, "rubrics/enterprise.yaml");
const shard = { group: "icp.fit", stream: "icp.firmographic", partition: 0 };
const profile = EXAMPLE_EVENTS.firmographic[0] as AccountProfileEventV1;
const olderProfile: AccountProfileEventV1 = { ...profile, eventId: "older", occurredAt: "2020-01-01T00:00:00Z", firmographics: { ...profile.firmographics, employeeCount: 3 } };

function context(shared: Record<string, Record<string, string>>): EventContext {
  return { shard, topic: "icp.firmographic", partition: 0, offset: "0", position: 1n, now: Date.parse("2026-11-01T00:00:00Z"), logger: silentLogger(), readShared: async (name) => shared[name] ?? {}, generation: 1 };
}

const promotion: RubricPromotedEventV1 = {
  type: "rubric_promoted",
  eventId: "promote:1:0",
  controlKey: "rubric:0",
  occurredAt: "2026-11-01T00:00:00Z",
  observedAt: "2026-11-01T00:00:00Z",
  source: "icp-rubric-promote",
  schemaVersion: 1,
  epoch: 1,
  rubricVersion: { hash: ENTERPRISE.version.hash },
  rubricText: ENTERPRISE_TEXT,
  rubricSource: "rubrics/enterprise.yaml",
};

describe("fit handler, rubric promotion", () => {
  it("re-scores an account whose state holds no profile content from the profile read back from the compacted topic, under the promotion's epoch", async () => {
    const handler = fitHandler(new ShardRubrics(PLG), TOPICS, (async (_spec, _partition, onEvent) => {
      // The partition as the compacted topic may still hold it: an older profile of the account besides the newest.
      (onEvent as (e: AccountProfileEventV1, offset: string) => void)(profile, "0");
      (onEvent as (e: AccountProfileEventV1, offset: string) => void)(olderProfile, "1");
      return 2;
    }) as PartitionReader);
    const shared: Record<string, Record<string, string>> = {};
    const applied = await handler.onEvent(profile, {}, context(shared));
    const state = applied.state?.set ?? {};
    expect(decodeFitState(state[FIT_STATE_FIELD] as string).profileBody).toBeUndefined();

    const decided = await handler.onControl?.(promotion, context(shared));
    expect(decided?.rescoreEveryAccount).toBe(true);
    shared.rubric = decided?.shared?.rubric?.set ?? {};
    const settle = await handler.rescore?.begin(shard, [profile.accountKey], { now: Date.parse("2026-11-02T00:00:00Z"), logger: silentLogger(), generation: 2, readShared: async (name) => shared[name] ?? {} });
    const result = await settle?.(profile.accountKey, state, { shard, now: Date.parse("2026-11-02T00:00:00Z"), logger: silentLogger(), position: 5n, generation: 2, readShared: async (name) => shared[name] ?? {} });
    const outputs = (result?.outputs ?? []).map((o) => o.event as FitScoredEventV1);
    const expected = applyProfile(undefined, profile, ENTERPRISE).outputs;
    expect(outputs.map((o) => [o.scorecard, o.fit, o.rubricEpoch, o.rubricVersion.hash])).toEqual(expected.map((o) => [o.scorecard, o.fit, 1, ENTERPRISE.version.hash]));
    // Enterprise scores contacts: from now on the state keeps the profile's content.
    expect(decodeFitState(result?.state?.set?.[FIT_STATE_FIELD] as string).profileBody).toBeDefined();
  });

  it("ignores a promotion the partition already runs (a record read again after a restart)", async () => {
    const handler = fitHandler(new ShardRubrics(PLG), TOPICS);
    const first = await handler.onControl?.(promotion, context({}));
    expect(await handler.onControl?.(promotion, context({ rubric: first?.shared?.rubric?.set ?? {} }))).toEqual({});
  });
});
