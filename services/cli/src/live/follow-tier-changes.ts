import { randomUUID } from "node:crypto";
import type { TierChangedEventV1 } from "@icpstream/contracts";
import { topicCatalog } from "@icpstream/contracts";
import { confluentRegistry, createKafka, forgetGroup, RegistryCodec } from "@icpstream/kafka-kit";
import type { LiveSettings } from "./settings.js";

/**
 * Follows the tier-changed topic: every message decoded through the registry and checked
 * against the contract, handed over in partition order. Stops when `signal` aborts (or
 * `onEvent` returns "stop") and disconnects cleanly.
 *
 * With no `groupId` it reads as an anonymous observer: a throw-away consumer group that
 * commits nothing, starting at the end of the topic (or its beginning with `fromBeginning`).
 * With a `groupId` it commits what it has handed over, so a subscriber resumes where it
 * stopped.
 */
export interface FollowOptions {
  settings: Pick<LiveSettings, "kafka" | "registryUrl" | "topicPrefix" | "groupPrefix">;
  fromBeginning: boolean;
  groupId?: string;
  signal: AbortSignal;
  onEvent(event: TierChangedEventV1): void | "stop";
  /** A message that does not decode: reported, then skipped. */
  onUndecodable?(where: string, reason: string): void;
  /** Called once the consumer has joined and is fetching. */
  onReady?(): void;
}

export async function followTierChanges(options: FollowOptions): Promise<void> {
  const { settings, signal } = options;
  const catalog = topicCatalog({ prefix: settings.topicPrefix });
  const spec = catalog.tierChanged;
  const kafka = createKafka({ ...settings.kafka, clientId: "icp-tail" });
  const codec = new RegistryCodec(confluentRegistry({ url: settings.registryUrl }), { mode: "verify" });
  const anonymous = options.groupId === undefined;
  const groupId = options.groupId ?? `${settings.groupPrefix}tail-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId });
  if (signal.aborted) return;
  await consumer.connect();
  let stopped = false;
  let finished: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finished = () => ((stopped = true), resolve())));
  const onAbort = () => finished();
  signal.addEventListener("abort", onAbort, { once: true });
  consumer.on(consumer.events.GROUP_JOIN, () => options.onReady?.());
  try {
    await consumer.subscribe({ topic: spec.topic, fromBeginning: options.fromBeginning });
    await consumer.run({
      autoCommit: !anonymous,
      eachMessage: async ({ partition, message }) => {
        if (stopped) return;
        let event: TierChangedEventV1;
        try {
          event = (await codec.decode(spec, message.value, message.key)) as TierChangedEventV1;
        } catch (error) {
          options.onUndecodable?.(`${spec.topic}/${partition}@${message.offset}`, (error as Error).message);
          return;
        }
        if (options.onEvent(event) === "stop") finished();
      },
    });
    await done;
  } finally {
    signal.removeEventListener("abort", onAbort);
    await consumer.disconnect();
    if (anonymous) await forgetGroup(kafka, groupId);
  }
}

