import { randomUUID } from "node:crypto";
import { SchemaRegistry } from "@kafkajs/confluent-schema-registry";
import type { Redis } from "ioredis";
import type { Admin, ITopicConfig, Kafka } from "kafkajs";
import { inject, test as base } from "vitest";
import { createKafka, kafkaConnectionFromEnv } from "@icpstream/kafka-kit";
import { createRedisClient, redisConnectionFromEnv, scanKeys, unlinkKeys, type RedisClient } from "@icpstream/redis-kit";
import { connectionEnv, type StackSettings } from "./settings.js";

/** The stack the global setup provided to this test run. */
export function stackSettings(): StackSettings {
  return inject("stack");
}

/** A name no other test uses: `<prefix>-<8 hex>`; topics, groups, subjects and key prefixes all take one. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

export interface TopicRequest {
  prefix: string;
  partitions?: number;
  configEntries?: ITopicConfig["configEntries"];
}

/**
 * One test's private slice of the stack. Everything made through it is removed by `cleanup`:
 * topics deleted, subjects deleted (soft, then permanently), Redis keys under the prefix
 * removed, clients disconnected.
 */
export class StackFixture {
  readonly settings: StackSettings;
  readonly kafka: Kafka;
  readonly registry: SchemaRegistry;
  /** A Redis key prefix of this test's own; every key under it is removed at cleanup. */
  readonly keyPrefix = `test:${randomUUID().slice(0, 8)}:`;
  private readonly topics: string[] = [];
  private readonly subjects: string[] = [];
  private readonly redisClients: RedisClient[] = [];
  private readonly cleanups: Array<() => Promise<unknown>> = [];
  private adminClient: Admin | undefined;

  constructor(settings: StackSettings = stackSettings()) {
    this.settings = settings;
    // The same env → connection functions as the services: a secured stack's settings work as they are.
    this.kafka = createKafka({ ...kafkaConnectionFromEnv(connectionEnv(settings)), clientId: uniqueName("icpstream-test") });
    this.registry = new SchemaRegistry({ host: settings.SCHEMA_REGISTRY_URL });
  }

  async admin(): Promise<Admin> {
    if (!this.adminClient) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.adminClient = admin;
    }
    return this.adminClient;
  }

  /** Creates a fresh topic and waits for its leaders; deleted at cleanup. */
  async topic(request: TopicRequest | string): Promise<string> {
    const { prefix, partitions = 3, configEntries } = typeof request === "string" ? { prefix: request } : request;
    const name = uniqueName(prefix);
    const admin = await this.admin();
    await admin.createTopics({
      topics: [{ topic: name, numPartitions: partitions, ...(configEntries ? { configEntries } : {}) }],
      waitForLeaders: true,
    });
    this.topics.push(name);
    return name;
  }

  /** A consumer group id of its own. Groups expire by themselves; nothing to clean. */
  groupId(prefix = "group"): string {
    return uniqueName(prefix);
  }

  /** A registry subject name of its own; deleted at cleanup. */
  subject(prefix = "subject"): string {
    const name = uniqueName(prefix);
    this.subjects.push(name);
    return name;
  }

  /**
   * A connection to the stack's single Redis (its password and CA applied on a secured
   * stack); disconnected, and the test's keys removed, at cleanup. On a Redis Cluster use
   * `redisClient()`.
   */
  redis(): Redis {
    const client = createRedisClient(redisConnectionFromEnv(connectionEnv(this.settings)), { name: "test", maxRetriesPerRequest: 3, cluster: false }) as Redis;
    this.redisClients.push(client);
    return client;
  }

  /** A connection as the services make it: a Cluster client when REDIS_URL names several nodes. Cleaned up like `redis()`. */
  redisClient(): RedisClient {
    const client = createRedisClient(redisConnectionFromEnv(connectionEnv(this.settings)), { name: "test", maxRetriesPerRequest: 3 });
    this.redisClients.push(client);
    return client;
  }

  /** Runs `fn` at cleanup, before the fixture's own resources go (consumers before topics). */
  onCleanup(fn: () => Promise<unknown>): void {
    this.cleanups.push(fn);
  }

  async cleanup(): Promise<void> {
    for (const fn of this.cleanups.reverse()) await fn().catch(() => undefined);
    const client = this.redisClients[0];
    if (client) await unlinkKeys(client, await scanKeys(client, `${this.keyPrefix}*`));
    for (const c of this.redisClients) c.disconnect();
    if (this.topics.length > 0) await (await this.admin()).deleteTopics({ topics: this.topics }).catch(() => undefined);
    await this.adminClient?.disconnect();
    for (const subject of this.subjects) {
      const base = `${this.settings.SCHEMA_REGISTRY_URL}/subjects/${encodeURIComponent(subject)}`;
      await fetch(base, { method: "DELETE" }).catch(() => undefined);
      await fetch(`${base}?permanent=true`, { method: "DELETE" }).catch(() => undefined);
    }
  }
}

/** `test` with a `stack` fixture: a fresh StackFixture per test, cleaned up after it. */
export const stackTest = base.extend<{ stack: StackFixture }>({
  // eslint-disable-next-line no-empty-pattern -- vitest reads the fixture's dependencies from this pattern
  stack: async ({}, use) => {
    const fixture = new StackFixture();
    await use(fixture);
    await fixture.cleanup();
  },
});

/**
 * Waits until `predicate` holds, polling; throws with `what` after `timeoutMs`. Use this
 * instead of fixed sleeps: it returns as soon as the condition is met.
 */
export async function waitFor<T>(
  predicate: () => T | undefined | false | Promise<T | undefined | false>,
  options: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const { timeoutMs = 20_000, intervalMs = 50, what = "condition" } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await predicate();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
