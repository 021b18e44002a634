import { describe, expect, it } from "vitest";
import { SIGNAL_RETENTION_MS, TOPICS, catalogTopics, deadLetterTopics, messageKeyOf, shadowCatalog, topicCatalog } from "./catalog.js";
import { tierChangeIdempotencyKey } from "./events/tier-changed.js";

describe("the topic catalog", () => {
  it("names each subject after its topic (topic-name strategy)", () => {
    for (const spec of catalogTopics(TOPICS)) expect(spec.subject).toBe(`${spec.topic}-value`);
  });

  it("keys every topic by the account key so one account stays ordered, except the current tiers kept per account and scorecard, the parked items that have no account yet and the rubric promotions written to every partition", () => {
    const exceptions = new Map<unknown, string>([
      [TOPICS.currentTier, "accountKey:scorecard"],
      [TOPICS.parked, "parkKey"],
      [TOPICS.rubricControl, "controlKey"],
    ]);
    for (const spec of catalogTopics(TOPICS)) expect(spec.key).toBe(exceptions.get(spec) ?? "accountKey");
    expect(messageKeyOf(TOPICS.parked, { parkKey: "hubspot-company:214" })).toBe("hubspot-company:214");
    expect(messageKeyOf(TOPICS.rubricControl, { controlKey: "rubric:7" })).toBe("rubric:7");
    expect(() => messageKeyOf(TOPICS.rubricControl, { accountKey: "acme.com" })).toThrow(/controlKey/);
  });

  it("compacts the current tiers so a new subscriber reads one record per account and scorecard from the start", () => {
    expect(TOPICS.currentTier).toMatchObject({ topic: "icp.current-tier", cleanupPolicy: "compact", retentionMs: -1 });
    expect(TOPICS.currentTier.schema).toBe(TOPICS.tierChanged.schema);
    expect(messageKeyOf(TOPICS.currentTier, { accountKey: "acme.com", scorecard: "plg" })).toBe("acme.com:plg");
    expect(messageKeyOf(TOPICS.tierChanged, { accountKey: "acme.com", scorecard: "plg" })).toBe("acme.com");
  });

  it("compacts profiles and retains signals", () => {
    expect(TOPICS.firmographic.cleanupPolicy).toBe("compact");
    for (const spec of [TOPICS.hiring, TOPICS.funding, TOPICS.intent]) {
      expect(spec.cleanupPolicy).toBe("delete");
      expect(spec.retentionMs).toBe(SIGNAL_RETENTION_MS);
    }
  });

  it("gives every topic its own dead-letter topic", () => {
    const names = deadLetterTopics(TOPICS).map((d) => d.topic);
    expect(new Set(names).size).toBe(catalogTopics(TOPICS).length);
    expect(names).toContain("icp.hiring.dlq");
  });

  it("gives a shadow rubric the live inputs and derived topics of its own, so its tier changes never reach the live topic", () => {
    const shadow = shadowCatalog({ prefix: "demo." });
    expect(shadow.firmographic.topic).toBe("demo.icp.firmographic");
    expect(shadow.intent.topic).toBe("demo.icp.intent");
    expect(shadow.tierChanged).toMatchObject({ topic: "demo.shadow.icp.tier-changed", subject: "demo.shadow.icp.tier-changed-value", deadLetterTopic: "demo.shadow.icp.tier-changed.dlq" });
    expect(shadow.fitScored.topic).toBe("demo.shadow.icp.fit-scored");
    expect(catalogTopics(shadow).filter((t) => t.topic.includes("shadow")).map((t) => t.topic)).toHaveLength(5);
  });

  it("prefixes topics, subjects and dead-letter topics for an isolated catalog", () => {
    const catalog = topicCatalog({ prefix: "t-abc.", partitions: 2 });
    expect(catalog.intent).toMatchObject({ topic: "t-abc.icp.intent", subject: "t-abc.icp.intent-value", deadLetterTopic: "t-abc.icp.intent.dlq", partitions: 2 });
  });
});

describe("tierChangeIdempotencyKey", () => {
  const parts = { accountKey: "acme.com", scorecard: "enterprise", rubricHash: "ab".repeat(32), previousTierId: "tier2", tierId: "tier1", causingEventIds: ["e2", "e1"] };

  it("gives the same key for the same change whatever the order of its causing events", () => {
    expect(tierChangeIdempotencyKey(parts)).toBe(tierChangeIdempotencyKey({ ...parts, causingEventIds: ["e1", "e2"] }));
  });

  it("gives different keys for a different move or a different rubric", () => {
    const key = tierChangeIdempotencyKey(parts);
    expect(tierChangeIdempotencyKey({ ...parts, tierId: "tier3" })).not.toBe(key);
    expect(tierChangeIdempotencyKey({ ...parts, rubricHash: "cd".repeat(32) })).not.toBe(key);
    expect(tierChangeIdempotencyKey({ ...parts, previousTierId: null })).not.toBe(key);
  });
});
