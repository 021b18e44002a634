import type { Kafka } from "kafkajs";

/**
 * Deletes a throw-away consumer group (an observer's: `icp tail`, the combiner's tier census)
 * once it is done, so observers leave no trace in the cluster. Best effort: the broker
 * expires an empty group by itself, so a failure is ignored.
 */
export async function forgetGroup(kafka: Pick<Kafka, "admin">, groupId: string): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.deleteGroups([groupId]);
  } catch {
    // Left to the broker's expiry of empty groups.
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
