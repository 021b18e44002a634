import type { TopicCatalog, TopicSpec } from "@icpstream/contracts";
import { COMBINER_STATE_FIELD } from "@icpstream/combiner";
import { FIT_STATE_FIELD } from "@icpstream/fit";
import { TIMING_STATE_FIELD } from "@icpstream/timing";
import type { ShardRef } from "@icpstream/redis-kit";

/**
 * Where each scoring service keeps its state, as its composition root sets it up
 * (services/<name>/src/main.ts): consumer group `<group prefix><name>`, the shard's stream
 * (the topic for a single input, the set's name for co-partitioned inputs), the input
 * topics whose offsets the shard records, and the field of the account's state hash.
 * Keep in step with the services' main.ts.
 */
export const STATEFUL_SERVICES = ["fit", "timing", "combiner"] as const;
export type StatefulService = (typeof STATEFUL_SERVICES)[number];

export interface ServiceLayout {
  service: StatefulService;
  group: string;
  stream: string;
  inputs: TopicSpec[];
  field: string;
}

export function serviceLayout(service: StatefulService, catalog: TopicCatalog, groupPrefix: string): ServiceLayout {
  const group = `${groupPrefix}${service}`;
  switch (service) {
    case "fit":
      return { service, group, stream: catalog.firmographic.topic, inputs: [catalog.firmographic, catalog.contacts, catalog.rubricControl], field: FIT_STATE_FIELD };
    case "timing":
      return { service, group, stream: "signals", inputs: [catalog.hiring, catalog.funding, catalog.intent, catalog.rubricControl], field: TIMING_STATE_FIELD };
    case "combiner":
      return { service, group, stream: "scores", inputs: [catalog.fitScored, catalog.timingScored], field: COMBINER_STATE_FIELD };
  }
}

export function shardOf(layout: ServiceLayout, partition: number): ShardRef {
  return { group: layout.group, stream: layout.stream, partition };
}
