import { DockerfileParser, type Copy, type Instruction } from "dockerfile-ast";
import { validate as validateDockerfileSyntax } from "dockerfile-utils";
import { parseAllDocuments } from "yaml";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { Job } from "kubernetes-models/batch/v1/Job";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler";
import { ScaledObject } from "@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject";

/** What the image's entry point accepts (deploy/image/commands.mjs): command → whether it serves /healthz and /readyz. */
export type ImageCommands = Readonly<Record<string, { entry: string; ops: boolean }>>;

/** The ops port the image sets (ICP_OPS_PORT) and every probe and scrape annotation must use. */
export const IMAGE_OPS_PORT = 9100;

/** How a container built from the Dockerfile starts: its final stage's working directory, environment, ENTRYPOINT and CMD. */
export interface ImageStart {
  workdir: string;
  env: Record<string, string>;
  entrypoint: string[];
  cmd: string[];
  /** The HEALTHCHECK's exec-form command, or null when there is none. */
  healthcheck: string[] | null;
}

function jsonArgs(instruction: Instruction): string[] | null {
  const raw = instruction.getArgumentsContent();
  if (raw === null || !raw.trim().startsWith("[")) return null;
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) && parsed.every((a) => typeof a === "string") ? parsed : null;
  } catch {
    return null;
  }
}

/** The instructions of the last stage (after the last FROM). */
function finalStage(text: string): Instruction[] {
  const instructions = DockerfileParser.parse(text).getInstructions();
  const lastFrom = instructions.map((i) => i.getKeyword()).lastIndexOf("FROM");
  return instructions.slice(lastFrom + 1);
}

/** Reads how the image starts from the Dockerfile's final stage (exec-form ENTRYPOINT and CMD). Throws when it has none. */
export function imageStart(text: string): ImageStart {
  const stage = finalStage(text);
  const env: Record<string, string> = {};
  let workdir = "/";
  let entrypoint: string[] | null = null;
  let cmd: string[] = [];
  let healthcheck: string[] | null = null;
  for (const instruction of stage) {
    const keyword = instruction.getKeyword();
    if (keyword === "ENV") {
      for (const property of (instruction as unknown as { getProperties(): { getName(): string; getValue(): string | null }[] }).getProperties()) env[property.getName()] = property.getValue() ?? "";
    } else if (keyword === "WORKDIR") workdir = instruction.getArgumentsContent() ?? workdir;
    else if (keyword === "ENTRYPOINT") entrypoint = jsonArgs(instruction);
    else if (keyword === "CMD") cmd = jsonArgs(instruction) ?? [];
    else if (keyword === "HEALTHCHECK") {
      const json = /\bCMD\s+(\[.*\])\s*$/s.exec(instruction.getArgumentsContent() ?? "")?.[1];
      healthcheck = json ? (JSON.parse(json) as string[]) : null;
    }
  }
  if (!entrypoint) throw new Error("the Dockerfile's final stage has no exec-form ENTRYPOINT");
  return { workdir, env, entrypoint, cmd, healthcheck };
}

/**
 * Checks the Dockerfile without a container engine: dockerfile-utils' validator (the one behind
 * the Dockerfile language server: syntax, instruction arguments, flags, JSON forms) reports no
 * error, and the file does what the image promises: a build stage that runs `npm ci` and the
 * build; a runtime stage from a slim Node image with production dependencies only
 * (`npm ci --omit=dev`), the compiled tree copied from the build stage and no sources copied in,
 * a user that is not root, a HEALTHCHECK on /healthz, and an exec-form ENTRYPOINT that is a file
 * of the repository (`exists`). Returns the problems found, each with its line where it has one.
 */
export function checkDockerfile(text: string, exists: (path: string) => boolean): string[] {
  const problems: string[] = [];
  for (const diagnostic of validateDockerfileSyntax(text)) {
    // LSP severities: 1 error, 2 warning.
    if (diagnostic.severity === 1) problems.push(`line ${diagnostic.range.start.line + 1}: ${diagnostic.message}`);
  }
  const dockerfile = DockerfileParser.parse(text);
  const froms = dockerfile.getFROMs();
  if (froms.length < 2) problems.push(`expected a multi-stage build (a build stage and a runtime stage), found ${froms.length} FROM`);
  const runs = dockerfile.getInstructions().filter((i) => i.getKeyword() === "RUN").map((i) => i.getArgumentsContent() ?? "");
  if (!runs.some((r) => /\bnpm ci\b/.test(r) && /scripts\/build\.mjs/.test(r))) problems.push("no RUN installs the dependencies (npm ci) and compiles (node scripts/build.mjs)");
  if (!runs.some((r) => /\bnpm ci\b[^&]*--omit=dev/.test(r))) problems.push("no RUN installs production dependencies only (npm ci --omit=dev)");

  const last = froms.at(-1);
  if (last) {
    const args = Object.fromEntries(dockerfile.getInitialARGs().flatMap((arg) => arg.getProperties().map((p) => [p.getName(), p.getValue() ?? ""])));
    const image = (last.getImage() ?? "").replace(/^\$\{?(\w+)\}?$/, (_, name: string) => args[name] ?? "");
    if (!/^node:\d+[\w.-]*-slim$/.test(image)) problems.push(`line ${last.getRange().start.line + 1}: the runtime stage should start from a slim Node image (node:<version>-slim), found ${JSON.stringify(image)}`);
  }
  const stage = finalStage(text);
  const lineOf = (i: Instruction) => `line ${i.getRange().start.line + 1}`;
  const copies = stage.filter((i) => i.getKeyword() === "COPY") as Copy[];
  const fromStage = (copy: Copy) => copy.getFlags().some((flag) => flag.getName() === "from" && Boolean(flag.getValue()));
  if (!copies.some(fromStage)) problems.push("the runtime stage copies nothing from the build stage (COPY --from=…)");
  for (const copy of copies) if (!fromStage(copy)) problems.push(`${lineOf(copy)}: the runtime stage copies from the build context; it should hold only what the build stage made`);
  if (stage.some((i) => i.getKeyword() === "RUN" && /\bnpm (ci|install)\b/.test(i.getArgumentsContent() ?? "") && !/--omit=dev/.test(i.getArgumentsContent() ?? ""))) problems.push("the runtime stage installs development dependencies");
  const users = stage.filter((i) => i.getKeyword() === "USER");
  const user = users.at(-1)?.getArgumentsContent()?.trim().split(":")[0];
  if (user === undefined) problems.push("the runtime stage sets no USER: the services would run as root");
  else if (user === "root" || user === "0") problems.push(`${lineOf(users.at(-1)!)}: the runtime stage runs as root`);
  const healthchecks = stage.filter((i) => i.getKeyword() === "HEALTHCHECK");
  if (healthchecks.length === 0) problems.push("the runtime stage has no HEALTHCHECK");
  else if (!/\/healthz/.test(healthchecks.at(-1)!.getArgumentsContent() ?? "")) problems.push(`${lineOf(healthchecks.at(-1)!)}: the HEALTHCHECK should ask /healthz`);
  try {
    const start = imageStart(text);
    const script = start.entrypoint.find((a) => /\.(m?js)$/.test(a));
    if (!script) problems.push(`the ENTRYPOINT runs no script of the repository: ${JSON.stringify(start.entrypoint)}`);
    else if (!exists(script)) problems.push(`the ENTRYPOINT's ${script} is not in the repository`);
    if (String(start.env.ICP_OPS_PORT) !== String(IMAGE_OPS_PORT)) problems.push(`the runtime stage should set ICP_OPS_PORT=${IMAGE_OPS_PORT} (the port probes and scrapes use), found ${start.env.ICP_OPS_PORT ?? "none"}`);
    if (start.env.ICP_OPS_HOST !== "0.0.0.0") problems.push("the runtime stage should set ICP_OPS_HOST=0.0.0.0, or probes from outside the container cannot reach the ops server");
  } catch (error) {
    problems.push((error as Error).message);
  }
  return problems;
}

type Doc = { apiVersion?: string; kind?: string; metadata?: { name?: string; annotations?: Record<string, string> }; spec?: unknown };

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  "v1/Namespace": Namespace,
  "v1/ConfigMap": ConfigMap,
  "v1/Secret": Secret,
  "v1/Service": Service,
  "apps/v1/Deployment": Deployment,
  "batch/v1/Job": Job,
  "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "keda.sh/v1alpha1/ScaledObject": ScaledObject,
};

interface Container {
  name: string;
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  envFrom?: { secretRef?: { name: string }; configMapRef?: { name: string } }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  readinessProbe?: { httpGet?: { path?: string; port?: string | number } };
  livenessProbe?: { httpGet?: { path?: string; port?: string | number } };
}
interface PodTemplate {
  metadata?: { annotations?: Record<string, string> };
  spec?: { containers?: Container[]; securityContext?: { runAsNonRoot?: boolean } };
}

/**
 * Checks the Kubernetes manifests (`files`: name → text of every YAML file in deploy/k8s)
 * without a cluster: each object validates against its API schema (kubernetes-models, and
 * @kubernetes-models/keda for KEDA's ScaledObject), and the set does what it promises:
 * - the kustomization lists every manifest but the example Secret, and only files that exist;
 * - a Deployment runs an image command (`commands`); one with an ops server is probed on
 *   /readyz (readiness) and /healthz (liveness) at the ops port, annotated for Prometheus on it,
 *   and every container has CPU and memory requests and limits, its secrets from a Secret
 *   (envFrom), and runs as non-root;
 * - a ScaledObject targets a Deployment of the set and scales it on that service's consumer lag;
 * - no Secret with values is part of what is applied.
 * Returns the problems found, each prefixed with the file and object.
 */
export function checkManifests(files: Readonly<Record<string, string>>, commands: ImageCommands): string[] {
  const problems: string[] = [];
  const objects: { file: string; doc: Doc }[] = [];
  for (const [file, text] of Object.entries(files)) {
    if (file === "kustomization.yaml") continue;
    for (const document of parseAllDocuments(text)) {
      if (document.errors.length > 0) {
        problems.push(`${file}: not valid YAML: ${document.errors[0]!.message}`);
        continue;
      }
      const doc = document.toJS() as Doc | null;
      if (doc) objects.push({ file, doc });
    }
  }
  const kustomization = files["kustomization.yaml"];
  if (kustomization === undefined) problems.push("kustomization.yaml: missing");
  else {
    const resources = ((parseAllDocuments(kustomization)[0]?.toJS() ?? {}) as { resources?: string[] }).resources ?? [];
    for (const resource of resources) if (!(resource in files)) problems.push(`kustomization.yaml: lists ${resource}, which does not exist`);
    for (const file of Object.keys(files)) {
      if (file === "kustomization.yaml") continue;
      const isExample = file.endsWith(".example.yaml");
      if (isExample && resources.includes(file)) problems.push(`kustomization.yaml: applies ${file}, an example with placeholder secrets`);
      if (!isExample && !resources.includes(file)) problems.push(`kustomization.yaml: does not list ${file}`);
    }
  }

  const name = (o: { file: string; doc: Doc }) => `${o.file}: ${o.doc.kind ?? "?"} ${o.doc.metadata?.name ?? "?"}`;
  const deployments = new Set(objects.filter((o) => o.doc.kind === "Deployment").map((o) => o.doc.metadata?.name));
  for (const object of objects) {
    const key = `${object.doc.apiVersion}/${object.doc.kind}`;
    const Model = MODELS[key];
    if (!Model) {
      problems.push(`${name(object)}: no schema known for ${key}`);
      continue;
    }
    try {
      new Model(object.doc as never).validate();
    } catch (error) {
      problems.push(`${name(object)}: ${(error as Error).message}`);
      continue;
    }
    if (object.doc.kind === "Secret" && !object.file.endsWith(".example.yaml")) problems.push(`${name(object)}: secrets are created by the operator (secret.example.yaml), never applied from the repository`);
    if (object.doc.kind === "Deployment") problems.push(...checkDeployment(object.doc, commands).map((p) => `${name(object)}: ${p}`));
    if (object.doc.kind === "Job") problems.push(...checkPod((object.doc.spec as { template: PodTemplate }).template, commands, false).map((p) => `${name(object)}: ${p}`));
    if (object.doc.kind === "ScaledObject") {
      const spec = object.doc.spec as { scaleTargetRef: { name: string }; triggers: { type: string; metadata: Record<string, string> }[] };
      const target = spec.scaleTargetRef.name;
      if (!deployments.has(target)) problems.push(`${name(object)}: scales ${target}, which is no Deployment here`);
      if (!spec.triggers.some((t) => t.type === "prometheus" && new RegExp(`consumer_lag\\{[^}]*service="${target}"`).test(t.metadata.query ?? ""))) {
        problems.push(`${name(object)}: should scale on the ${target} service's consumer lag (a prometheus trigger on consumer_lag{service="${target}"})`);
      }
    }
  }
  return problems;
}

function checkDeployment(doc: Doc, commands: ImageCommands): string[] {
  const template = (doc.spec as { template: PodTemplate }).template;
  return checkPod(template, commands, true);
}

function checkPod(template: PodTemplate, commands: ImageCommands, longRunning: boolean): string[] {
  const problems: string[] = [];
  if (template.spec?.securityContext?.runAsNonRoot !== true) problems.push("pod securityContext.runAsNonRoot should be true");
  for (const container of template.spec?.containers ?? []) {
    const where = `container ${container.name}`;
    const command = container.args?.[0];
    const known = command === undefined ? undefined : commands[command];
    if (!known) problems.push(`${where}: args[0] should be an image command (${Object.keys(commands).join(", ")}), found ${JSON.stringify(command ?? null)}`);
    for (const kind of ["requests", "limits"] as const) {
      for (const resource of ["cpu", "memory"]) if (!container.resources?.[kind]?.[resource]) problems.push(`${where}: resources.${kind}.${resource} is not set`);
    }
    if (!longRunning || !known?.ops) continue;
    const opsPort = container.ports?.find((p) => p.containerPort === IMAGE_OPS_PORT);
    if (!opsPort) problems.push(`${where}: no containerPort ${IMAGE_OPS_PORT} (the ops server)`);
    const probesOps = (port: string | number | undefined) => port === IMAGE_OPS_PORT || (opsPort?.name !== undefined && port === opsPort.name);
    if (container.readinessProbe?.httpGet?.path !== "/readyz" || !probesOps(container.readinessProbe.httpGet.port)) problems.push(`${where}: readinessProbe should GET /readyz on the ops port`);
    if (container.livenessProbe?.httpGet?.path !== "/healthz" || !probesOps(container.livenessProbe.httpGet.port)) problems.push(`${where}: livenessProbe should GET /healthz on the ops port`);
    if (!container.envFrom?.some((e) => e.secretRef)) problems.push(`${where}: takes no settings from a Secret (envFrom secretRef)`);
    const annotations = template.metadata?.annotations ?? {};
    if (annotations["prometheus.io/scrape"] !== "true" || annotations["prometheus.io/port"] !== String(IMAGE_OPS_PORT)) problems.push(`pod template should be annotated prometheus.io/scrape "true" and prometheus.io/port "${IMAGE_OPS_PORT}"`);
  }
  return problems;
}
