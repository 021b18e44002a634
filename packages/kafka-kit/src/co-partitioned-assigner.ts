import { AssignerProtocol, type PartitionAssigner } from "kafkajs";

/**
 * Plans which member gets which partitions when every subscribed topic is keyed by the
 * account and has the same partition count: partition `p` of **every** topic goes to the
 * same member. The services that join several input topics (timing: hiring, funding and
 * intent; combiner: fit-scored and timing-scored) keep one account's state in one place
 * only if one member owns all of that account's partitions — Kafka's default partitioner
 * puts a key in the same partition number of every topic with the same partition count.
 *
 * Partition numbers are dealt to members sorted by id, round-robin, so the plan depends
 * only on the member ids and partition numbers (deterministic, like Kafka's range assignor).
 */
export function planCoPartitioned(memberIds: readonly string[], partitionsByTopic: Readonly<Record<string, readonly number[]>>): Map<string, Record<string, number[]>> {
  const members = [...memberIds].sort();
  const plan = new Map<string, Record<string, number[]>>();
  if (members.length === 0) return plan;
  const partitionNumbers = [...new Set(Object.values(partitionsByTopic).flat())].sort((a, b) => a - b);
  for (const [index, partition] of partitionNumbers.entries()) {
    const member = members[index % members.length] as string;
    const assignment = plan.get(member) ?? {};
    for (const [topic, partitions] of Object.entries(partitionsByTopic)) {
      if (partitions.includes(partition)) (assignment[topic] ??= []).push(partition);
    }
    plan.set(member, assignment);
  }
  return plan;
}

export const CO_PARTITIONED_ASSIGNER_NAME = "IcpCoPartitioned";

/** The kafkajs assigner for `planCoPartitioned`; pass it as `partitionAssigners: [coPartitionedAssigner]`. */
export const coPartitionedAssigner: PartitionAssigner = ({ cluster }) => ({
  name: CO_PARTITIONED_ASSIGNER_NAME,
  version: 0,
  async assign({ members, topics }) {
    const partitionsByTopic: Record<string, number[]> = {};
    for (const topic of topics) {
      partitionsByTopic[topic] = cluster.findTopicPartitionMetadata(topic).map((m) => m.partitionId);
    }
    const plan = planCoPartitioned(
      members.map((m) => m.memberId),
      partitionsByTopic,
    );
    return [...plan.entries()].map(([memberId, assignment]) => ({
      memberId,
      memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment, userData: Buffer.alloc(0) }),
    }));
  },
  protocol({ topics }) {
    return {
      name: CO_PARTITIONED_ASSIGNER_NAME,
      metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData: Buffer.alloc(0) }),
    };
  },
});
