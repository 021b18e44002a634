import type { Consumer } from "kafkajs";
import type { Logger } from "pino";
import type { SettledOffsets } from "./settled-offsets.js";

/**
 * Commits what `offsets` says is due, one request at a time: a request made while one is
 * out is folded into a follow-up that reads the newest commit points. Never rejects; a
 * failed commit stays due (the next request tries again).
 */
export function offsetCommits(consumer: Pick<Consumer, "commitOffsets">, topic: string, offsets: SettledOffsets, logger: Logger): { request(): Promise<void> } {
  let running: Promise<void> | undefined;
  let again = false;
  const commitDue = async () => {
    const epoch = offsets.epoch;
    const due = offsets.due();
    if (due.length === 0) return;
    try {
      await consumer.commitOffsets(due.map((commit) => ({ topic, partition: commit.partition, offset: commit.offset })));
      offsets.committed(due, epoch);
    } catch (error) {
      logger.warn({ err: error, commits: due }, "could not commit offsets; the next settlement or the stop tries again");
    }
  };
  const loop = async () => {
    try {
      while (again) {
        again = false;
        await commitDue();
      }
    } finally {
      running = undefined;
    }
  };
  return {
    request() {
      again = true;
      running ??= loop();
      return running;
    },
  };
}
