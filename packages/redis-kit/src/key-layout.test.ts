import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { RedisKitError } from "./errors.js";
import { clusterHashTag, clusterSlot, escapeSegment, keyLayout } from "./key-layout.js";

const shard = { group: "timing", stream: "signals", partition: 3 };

describe("the key layout", () => {
  it("puts every key of a shard under the shard's hash tag, after the namespace", () => {
    const keys = keyLayout("prod:");
    expect(keys.meta(shard)).toBe("prod:icp:{timing:signals:3}:meta");
    expect(keys.state(shard, "acme.com")).toBe("prod:icp:{timing:signals:3}:state:acme.com");
    expect(keys.shared(shard, "router-cursors")).toBe("prod:icp:{timing:signals:3}:shared:router-cursors");
    expect(keys.due(shard)).toBe("prod:icp:{timing:signals:3}:due");
  });

  it("without a namespace the keys start at icp:", () => {
    expect(keyLayout().meta({ group: "fit", stream: "icp.firmographic", partition: 0 })).toBe("icp:{fit:icp.firmographic:0}:meta");
  });

  it("all keys of a shard land in one cluster slot, so the apply script may touch them together", () => {
    const keys = keyLayout("test:1234abcd:");
    const slots = new Set([keys.meta(shard), keys.due(shard), keys.state(shard, "acme.com"), keys.state(shard, "globex.io"), keys.shared(shard, "cursors")].map(clusterSlot));
    expect(slots.size).toBe(1);
    expect(clusterHashTag(keys.meta(shard))).toBe("timing:signals:3");
  });

  it("per-account view keys are tagged by the account, as in icp:{acme.com}:fit:enterprise", () => {
    const keys = keyLayout();
    expect(keys.account("acme.com", "fit", "enterprise")).toBe("icp:{acme.com}:fit:enterprise");
    expect(clusterSlot(keys.account("acme.com", "fit", "enterprise"))).toBe(clusterSlot(keys.account("acme.com", "timing", "plg")));
  });

  it("a brace or colon in a group id is escaped, so it cannot move the tag or collide with another shard", () => {
    const keys = keyLayout();
    expect(keys.meta({ group: "we}ird{", stream: "t", partition: 1 })).toBe("icp:{we%7Dird%7B:t:1}:meta");
    expect(keys.meta({ group: "a:b", stream: "c", partition: 1 })).not.toBe(keys.meta({ group: "a", stream: "b:c", partition: 1 }));
    expect(escapeSegment("100%")).toBe("100%25");
  });

  it("distinct shards never share keys, whatever their names", () => {
    const name = fc.string({ minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(name, name, fc.nat(64), name, name, fc.nat(64), (g1, s1, p1, g2, s2, p2) => {
        fc.pre(g1 !== g2 || s1 !== s2 || p1 !== p2);
        const keys = keyLayout("ns:");
        expect(keys.meta({ group: g1, stream: s1, partition: p1 })).not.toBe(keys.meta({ group: g2, stream: s2, partition: p2 }));
        expect(clusterHashTag(keys.meta({ group: g1, stream: s1, partition: p1 }))).toBe(clusterHashTag(keys.due({ group: g1, stream: s1, partition: p1 })));
      }),
    );
  });

  it("a namespace with a brace is refused, since it would become the hash tag", () => {
    expect(() => keyLayout("tenant{a}:")).toThrow(RedisKitError);
    expect(() => keyLayout("tenant{a}:")).toThrow(/key prefix: may not contain \{ or \}/);
  });

  it("a negative or fractional partition, or an empty group, is refused", () => {
    const keys = keyLayout();
    expect(() => keys.meta({ ...shard, partition: -1 })).toThrow(/partition: expected a whole number ≥ 0, got -1/);
    expect(() => keys.meta({ ...shard, partition: 1.5 })).toThrow(/partition/);
    expect(() => keys.meta({ ...shard, group: "" })).toThrow(/group/);
  });

  it("the shard pattern matches the shard's keys and escapes glob characters", () => {
    const keys = keyLayout("t:");
    expect(keys.shardPattern(shard)).toBe("t:icp:{timing:signals:3}:*");
    expect(keys.shardPattern({ group: "g*", stream: "s?", partition: 0 })).toBe("t:icp:{g\\*:s\\?:0}:*");
  });

  it("computes cluster slots as Redis does (CRC16/XMODEM mod 16384, hash tags honoured)", () => {
    // Values from CLUSTER KEYSLOT and the cluster specification.
    expect(clusterSlot("foo")).toBe(12182);
    expect(clusterSlot("bar")).toBe(5061);
    expect(clusterSlot("123456789")).toBe(0x31c3 % 16384);
    expect(clusterSlot("{user1000}.following")).toBe(clusterSlot("{user1000}.followers"));
    expect(clusterHashTag("foo{}{bar}")).toBe("foo{}{bar}");
    expect(clusterHashTag("foo{{bar}}zap")).toBe("{bar");
    expect(clusterHashTag("foo{bar}{zap}")).toBe("bar");
  });
});
