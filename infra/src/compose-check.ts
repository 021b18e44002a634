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
