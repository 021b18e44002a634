import { parse } from "yaml";
import { z } from "zod";

const Healthcheck = z.object({
  test: z.union([z.array(z.string()).min(2), z.string().min(1)]),
  interval: z.string().regex(/^\d+(ms|s|m)$/),
  timeout: z.string().regex(/^\d+(ms|s|m)$/),
  retries: z.number().int().positive(),
  start_period: z.string().regex(/^\d+(ms|s|m)$/).optional(),
});

const Service = z.object({
  image: z.string().regex(/^[\w./-]+:[\w.-]+$/, "expected image:tag with a pinned tag"),
  ports: z.array(z.string().regex(/^\d+:\d+$/, "expected HOST:CONTAINER")).optional(),
  environment: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  healthcheck: Healthcheck,
});

const Compose = z.object({
  name: z.string().optional(),
  services: z.object({ kafka: Service, registry: Service, redis: Service }).catchall(Service.partial({ healthcheck: true })),
  volumes: z.record(z.string(), z.unknown()).optional(),
});

/**
 * Checks docker-compose.yml without a Docker engine: valid YAML, the three services with pinned
 * images and healthchecks, host ports that match the local stack's defaults, BACKWARD
 * compatibility in the registry, and named volumes that exist. Returns the problems found.
 */
export function checkCompose(text: string, expectedHostPorts: { kafka: number; registry: number; redis: number }): string[] {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    return [`not valid YAML: ${(error as Error).message}`];
  }
  const parsed = Compose.safeParse(doc);
  if (!parsed.success) return parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  const problems: string[] = [];
  const { services, volumes = {} } = parsed.data;
  for (const [name, port] of Object.entries(expectedHostPorts)) {
    const service = services[name as keyof typeof expectedHostPorts];
    if (!service.ports?.some((p) => p.startsWith(`${port}:`))) problems.push(`services.${name}.ports: expected host port ${port}`);
  }
  if (services.registry.environment?.APICURIO_RULES_GLOBAL_COMPATIBILITY !== "BACKWARD") {
    problems.push("services.registry.environment.APICURIO_RULES_GLOBAL_COMPATIBILITY: expected BACKWARD");
  }
  const advertised = String(services.kafka.environment?.KAFKA_ADVERTISED_LISTENERS ?? "");
  if (!advertised.includes(`:${expectedHostPorts.kafka}`)) {
    problems.push(`services.kafka.environment.KAFKA_ADVERTISED_LISTENERS: expected a listener advertised on host port ${expectedHostPorts.kafka}`);
  }
  for (const [name, service] of Object.entries(doc && typeof doc === "object" ? ((doc as { services: Record<string, { volumes?: string[] }> }).services ?? {}) : {})) {
    for (const mount of service.volumes ?? []) {
      const source = mount.split(":")[0] ?? "";
      if (!source.startsWith(".") && !source.startsWith("/") && !(source in volumes)) problems.push(`services.${name}.volumes: named volume ${source} is not declared`);
    }
  }
  return problems;
}

/**
 * Checks the pipeline's services in docker-compose.yml: each one built from the repository's
 * Dockerfile runs an image command (`commands`, deploy/image/commands.mjs), reaches Kafka at
 * the compose network's `kafka:29092`, and one with an ops server has a healthcheck; a service
 * that needs the registry and Redis names them. Returns the problems found.
 */
export function checkComposePipeline(text: string, commands: Readonly<Record<string, { ops: boolean }>>): string[] {
  let doc: { services?: Record<string, { build?: unknown; image?: string; command?: unknown; environment?: Record<string, unknown>; healthcheck?: unknown }> };
  try {
    doc = parse(text) as typeof doc;
  } catch (error) {
    return [`not valid YAML: ${(error as Error).message}`];
  }
  const problems: string[] = [];
  const pipeline = Object.entries(doc.services ?? {}).filter(([, service]) => service.build !== undefined);
  if (pipeline.length === 0) problems.push("no service is built from the Dockerfile");
  const images = new Set(pipeline.map(([, service]) => service.image));
  if (images.size > 1) problems.push(`the pipeline's services should share one image, found ${[...images].join(", ")}`);
  for (const [name, service] of pipeline) {
    const command = Array.isArray(service.command) ? (service.command[0] as unknown) : undefined;
    const known = typeof command === "string" ? commands[command] : undefined;
    if (!known) {
      problems.push(`services.${name}.command: expected [<image command>, …] with one of ${Object.keys(commands).join(", ")}`);
      continue;
    }
    const env = service.environment ?? {};
    if (env.KAFKA_BROKERS !== "kafka:29092") problems.push(`services.${name}.environment.KAFKA_BROKERS: expected kafka:29092 (the broker's listener on the compose network)`);
    if (known.ops) {
      if (!service.healthcheck) problems.push(`services.${name}.healthcheck: missing (the ${command} command serves /healthz)`);
      if (env.SCHEMA_REGISTRY_URL !== "http://registry:8080/apis/ccompat/v7") problems.push(`services.${name}.environment.SCHEMA_REGISTRY_URL: expected http://registry:8080/apis/ccompat/v7`);
      if (typeof env.REDIS_URL !== "string" || !env.REDIS_URL.startsWith("redis://redis:6379")) problems.push(`services.${name}.environment.REDIS_URL: expected redis://redis:6379`);
    }
  }
  return problems;
}
