import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { classifyRedisError, RedisKitError } from "./errors.js";
import { createRedisClient, isClusterSetting, reconnectDelayMs, redactRedisUrl, redisConnectionFromEnv, redisNodeUrls } from "./create-redis.js";

describe("the Redis client's settings", () => {
  it("URLs in logs and errors never carry the password", () => {
    expect(redactRedisUrl("redis://:s3cret@cache.internal:6380/2")).toBe("redis://cache.internal:6380/2");
    expect(redactRedisUrl("rediss://svc:s3cret@cache.internal:6380")).toBe("rediss://svc@cache.internal:6380");
    expect(redactRedisUrl("redis://127.0.0.1:16379")).toBe("redis://127.0.0.1:16379");
    expect(redactRedisUrl("not a url")).toBe("<unparseable redis url>");
  });

  it("reconnects back off from 100 ms, doubling to a 3 s ceiling, with at most 20% jitter", () => {
    expect([1, 2, 3, 4, 5, 6, 10].map((n) => reconnectDelayMs(n, () => 0))).toEqual([100, 200, 400, 800, 1600, 3000, 3000]);
    expect(reconnectDelayMs(10, () => 0.999)).toBeLessThanOrEqual(3600);
  });
});

describe("classifying Redis errors", () => {
  it("a connection that is down or failing over is retryable, and the message says where", () => {
    const error = classifyRedisError(new Error("connect ECONNREFUSED 127.0.0.1:1"), 'redis "timing-state" apply t/s/0');
    expect(error).toMatchObject({ code: "REDIS_UNAVAILABLE", retryable: true, message: 'redis "timing-state" apply t/s/0: connect ECONNREFUSED 127.0.0.1:1' });
    expect(classifyRedisError(new Error("READONLY You can't write against a read only replica."), "x").retryable).toBe(true);
    expect(classifyRedisError(new Error("LOADING Redis is loading the dataset in memory"), "x").retryable).toBe(true);
  });

  it("an error reply about the command itself is not retryable", () => {
    expect(classifyRedisError(new Error("WRONGTYPE Operation against a key holding the wrong kind of value"), "x")).toMatchObject({ code: "REDIS_COMMAND_FAILED", retryable: false });
  });

  it("an error already classified passes through unchanged", () => {
    const original = new RedisKitError("REDIS_INVALID_ARGUMENT", "partition: bad");
    expect(classifyRedisError(original, "x")).toBe(original);
  });
});

describe("REDIS_URL for one Redis or a Redis Cluster", () => {
  it("reads one URL, or several separated by commas as the seed nodes of a cluster", () => {
    expect(redisNodeUrls("redis://127.0.0.1:6379")).toEqual(["redis://127.0.0.1:6379"]);
    expect(redisNodeUrls(" redis://:pw@10.0.0.1:7000, rediss://10.0.0.2:7000 ")).toEqual(["redis://:pw@10.0.0.1:7000", "rediss://10.0.0.2:7000"]);
    expect(isClusterSetting("redis://a:7000,redis://b:7000")).toBe(true);
    expect(isClusterSetting("redis://a:7000?cluster=true")).toBe(true);
    expect(isClusterSetting("redis://a:6379")).toBe(false);
  });

  it("names the entry that is not a Redis URL, without its password", () => {
    expect(() => redisNodeUrls("redis://:pw@a:7000,http://:secret@b:7000")).toThrow(/REDIS_URL: entry 2 \(http:\/\/b:7000\) is not redis:\/\/host:port/);
    expect(() => redisNodeUrls(" , ")).toThrow(/expected redis:\/\/host:port/);
  });

  it("refuses a cluster URL that names a database other than 0", () => {
    expect(() => createRedisClient("redis://a:7000/2,redis://b:7000", { ioredis: { lazyConnect: true } })).toThrow(/names database 2; Redis Cluster has only database 0/);
  });
});

describe("the Redis connection from the environment", () => {
  const dir = mkdtempSync(join(tmpdir(), "redis-connection-"));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it("a plain URL is taken as it is", () => {
    expect(redisConnectionFromEnv({ REDIS_URL: "redis://127.0.0.1:16379" })).toEqual({ url: "redis://127.0.0.1:16379" });
  });

  it("rediss:// with a private CA, a servername and the ACL user's password from a file", () => {
    const connection = redisConnectionFromEnv({
      REDIS_URL: "rediss://icpstream@127.0.0.1:35700,rediss://icpstream@127.0.0.1:35701",
      REDIS_PASSWORD_FILE: file("pw", "s3cret\n"),
      REDIS_TLS_CA_FILE: file("ca.pem", "CA"),
      REDIS_TLS_SERVERNAME: "redis.internal",
    });
    expect(connection).toEqual({ url: "rediss://icpstream@127.0.0.1:35700,rediss://icpstream@127.0.0.1:35701", password: "s3cret", tls: { ca: "CA", servername: "redis.internal" } });
  });

  it("refuses TLS settings without rediss://, two passwords, and unreadable files, naming the variable", () => {
    expect(() => redisConnectionFromEnv({ REDIS_URL: "redis://h:1", REDIS_TLS_CA_FILE: "ca.pem" })).toThrow(/REDIS_TLS_CA_FILE: is set, but REDIS_URL does not use rediss:\/\//);
    expect(() => redisConnectionFromEnv({ REDIS_URL: "redis://:pw@h:1", REDIS_PASSWORD_FILE: file("pw2", "x") })).toThrow(/REDIS_PASSWORD_FILE: is set, but REDIS_URL carries a password too/);
    expect(() => redisConnectionFromEnv({ REDIS_URL: "rediss://h:1", REDIS_TLS_CA_FILE: join(dir, "nope.pem") })).toThrow(/REDIS_TLS_CA_FILE: cannot read .*nope\.pem \(ENOENT\)/);
    expect(() => redisConnectionFromEnv({})).toThrow(/REDIS_URL: is required/);
  });

  it("a cluster client made from the connection carries its password and CA to every node", () => {
    const client = createRedisClient({ url: "rediss://icpstream@127.0.0.1:1,rediss://icpstream@127.0.0.1:2", password: "s3cret", tls: { ca: "CA" } }, { ioredis: { lazyConnect: true } });
    const options = (client as unknown as { options: { redisOptions: { username?: string; password?: string; tls?: { ca?: string } } } }).options.redisOptions;
    expect(options).toMatchObject({ username: "icpstream", password: "s3cret", tls: { ca: "CA" } });
    client.disconnect();
  });
});

describe("a user in the URL and the password from a file", () => {
  it("logs in as that user with that password (ioredis alone would send the URL's empty password)", () => {
    const client = createRedisClient({ url: "rediss://icpstream@127.0.0.1:1", password: "s3cret", tls: { ca: "CA" } }, { ioredis: { lazyConnect: true } });
    expect((client as unknown as { options: object }).options).toMatchObject({ host: "127.0.0.1", port: 1, username: "icpstream", password: "s3cret", tls: { ca: "CA" } });
    client.disconnect();
  });
});
