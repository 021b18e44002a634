import { describe, expect, it } from "vitest";
import { planCoPartitioned } from "./co-partitioned-assigner.js";

describe("co-partitioned assignment", () => {
  it("gives the same partition number of every topic to the same member", () => {
    const plan = planCoPartitioned(["m-b", "m-a"], { hiring: [0, 1, 2, 3], intent: [0, 1, 2, 3] });
    expect(plan.get("m-a")).toEqual({ hiring: [0, 2], intent: [0, 2] });
    expect(plan.get("m-b")).toEqual({ hiring: [1, 3], intent: [1, 3] });
  });

  it("depends only on member ids, not on their order", () => {
    const topics = { a: [0, 1, 2, 3, 4, 5], b: [0, 1, 2, 3, 4, 5] };
    expect([...planCoPartitioned(["x", "y", "z"], topics)]).toEqual([...planCoPartitioned(["z", "x", "y"], topics)]);
  });

  it("assigns every partition of every topic exactly once", () => {
    const topics = { a: [0, 1, 2, 3, 4, 5], b: [0, 1, 2, 3, 4, 5], c: [0, 1, 2, 3, 4, 5] };
    const plan = planCoPartitioned(["1", "2", "3", "4"], topics);
    for (const [topic, partitions] of Object.entries(topics)) {
      const assigned = [...plan.values()].flatMap((a) => a[topic] ?? []).sort();
      expect(assigned).toEqual(partitions);
    }
  });

  it("leaves extra members idle when there are more members than partitions", () => {
    const plan = planCoPartitioned(["1", "2", "3"], { a: [0, 1] });
    expect(plan.size).toBe(2);
  });
});
