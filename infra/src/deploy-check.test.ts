import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { COMMANDS, commandOf, usage } from "../../deploy/image/commands.mjs";
import { checkComposePipeline } from "./compose-check.js";
import { REPO_ROOT } from "./config.js";
import { checkDockerfile, checkManifests, imageStart } from "./deploy-check.js";

const dockerfile = readFileSync(join(REPO_ROOT, "Dockerfile"), "utf8");
const exists = (path: string) => existsSync(join(REPO_ROOT, path));
const k8sDir = join(REPO_ROOT, "deploy", "k8s");
const manifests: Record<string, string> = Object.fromEntries(readdirSync(k8sDir).filter((f) => f.endsWith(".yaml")).map((f) => [f, readFileSync(join(k8sDir, f), "utf8")]));
const compose = readFileSync(join(REPO_ROOT, "docker-compose.yml"), "utf8");

describe("the image's commands", () => {
  it("each runs the compiled twin of a composition root that exists in the sources", () => {
    for (const [name, command] of Object.entries(COMMANDS)) {
      expect(command.entry, name).toMatch(/^(packages|services)\/[a-z-]+\/dist\/.+\.js$/);
      expect(exists(command.entry.replace("/dist/", "/src/").replace(/\.js$/, ".ts")), `${name}: ${command.entry}'s source`).toBe(true);
    }
  });

  it("the health check finds the command PID 1 runs from its command line", () => {
    expect(commandOf(["node", "deploy/image/entrypoint.mjs", "fit"])).toBe("fit");
    expect(commandOf(["node", "/app/deploy/image/entrypoint.mjs", "icp", "score"])).toBe("icp");
    expect(commandOf(["/sbin/init"])).toBeUndefined();
  });

  it("an unknown command is named, with the list of commands", () => {
    expect(usage("fitt")).toMatch(/^unknown command: fitt\nusage: docker run \[options\] icpstream <command> \[args…\]\n {2}fit /);
  });
});

describe("the Dockerfile", () => {
  it("the shipped file passes the validator and builds what the image promises", () => {
    expect(checkDockerfile(dockerfile, exists)).toEqual([]);
  });

  it("says how the image starts: the entry point, its default command, the ops port on every interface, the health check", () => {
    expect(imageStart(dockerfile)).toMatchObject({
      workdir: "/app",
      entrypoint: ["node", "deploy/image/entrypoint.mjs"],
      cmd: ["--help"],
      env: { NODE_ENV: "production", ICP_OPS_PORT: "9100", ICP_OPS_HOST: "0.0.0.0" },
      healthcheck: ["node", "deploy/image/healthcheck.mjs", "/healthz"],
    });
  });

  it("a runtime stage that runs as root is reported", () => {
    expect(checkDockerfile(dockerfile.replace("USER 1000:1000", "USER root"), exists)).toEqual([expect.stringMatching(/^line \d+: the runtime stage runs as root$/)]);
    expect(checkDockerfile(dockerfile.replace("USER 1000:1000\n", ""), exists)).toEqual(["the runtime stage sets no USER: the services would run as root"]);
  });

  it("a full Node base image, sources copied into the runtime stage, or no health check are reported", () => {
    expect(checkDockerfile(dockerfile.replace("ARG NODE_IMAGE=node:22-bookworm-slim", "ARG NODE_IMAGE=node:22-bookworm"), exists)).toEqual([expect.stringMatching(/the runtime stage should start from a slim Node image \(node:<version>-slim\), found "node:22-bookworm"$/)]);
    expect(checkDockerfile(dockerfile.replace("COPY --from=build --chown=root:root /runtime /app", "COPY --from=build --chown=root:root /runtime /app\nCOPY . /app"), exists)).toEqual([expect.stringMatching(/: the runtime stage copies from the build context; it should hold only what the build stage made$/)]);
    expect(checkDockerfile(dockerfile.replace(/^HEALTHCHECK .*$/m, ""), exists)).toEqual(["the runtime stage has no HEALTHCHECK"]);
  });

  it("what the validator finds (an unknown instruction, a bad flag) is reported with its line", () => {
    const problems = checkDockerfile(dockerfile.replace("EXPOSE 8080 9100", "EXPOSE 8080 9100\nEXPOSED 9100").replace("HEALTHCHECK --interval=15s", "HEALTHCHECK --intervals=15s"), exists);
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/^line \d+: Unknown instruction: EXPOSED$/), expect.stringMatching(/^line \d+: Unknown flag: intervals$/)]));
  });

  it("an entry point that is not in the repository is reported", () => {
    expect(checkDockerfile(dockerfile.replace('"deploy/image/entrypoint.mjs"]', '"deploy/entrypoint.mjs"]'), exists)).toEqual(["the ENTRYPOINT's deploy/entrypoint.mjs is not in the repository"]);
  });
});

describe("the Kubernetes manifests", () => {
  it("the shipped manifests validate against their schemas and keep the deployment's promises", () => {
    expect(checkManifests(manifests, COMMANDS)).toEqual([]);
  });

  it("an object that breaks its API schema is reported with the schema's words", () => {
    const broken = { ...manifests, "fit.yaml": manifests["fit.yaml"]!.replace("containerPort: 9100", 'containerPort: "ops"') };
    expect(checkManifests(broken, COMMANDS)).toEqual([expect.stringMatching(/^fit\.yaml: Deployment fit: .*containerPort must be integer/)]);
  });

  it("a readiness probe on the wrong path, missing limits or a scaler on another service's lag are reported", () => {
    const broken = {
      ...manifests,
      "timing.yaml": manifests["timing.yaml"]!.replace("path: /readyz", "path: /healthz").replace("limits: { cpu: \"1\", memory: 512Mi }", "limits: { cpu: \"1\" }"),
      "router.yaml": manifests["router.yaml"]!.replace('consumer_lag{service="router"}', 'consumer_lag{service="fit"}'),
    };
    expect(checkManifests(broken, COMMANDS).sort()).toEqual([
      "router.yaml: ScaledObject router: should scale on the router service's consumer lag (a prometheus trigger on consumer_lag{service=\"router\"})",
      "timing.yaml: Deployment timing: container timing: readinessProbe should GET /readyz on the ops port",
      "timing.yaml: Deployment timing: container timing: resources.limits.memory is not set",
    ]);
  });

  it("a manifest left out of the kustomization, or the example Secret put into it, is reported", () => {
    const kustomization = manifests["kustomization.yaml"]!;
    expect(checkManifests({ ...manifests, "kustomization.yaml": kustomization.replace("- console.yaml\n", "") }, COMMANDS)).toEqual(["kustomization.yaml: does not list console.yaml"]);
    expect(checkManifests({ ...manifests, "kustomization.yaml": kustomization.replace("- config.yaml\n", "- config.yaml\n- secret.example.yaml\n") }, COMMANDS)).toEqual(["kustomization.yaml: applies secret.example.yaml, an example with placeholder secrets"]);
  });

  it("a container that runs no image command is reported", () => {
    const broken = { ...manifests, "combiner.yaml": manifests["combiner.yaml"]!.replace('args: ["combiner"]', 'args: ["combine"]') };
    expect(checkManifests(broken, COMMANDS)).toEqual([expect.stringMatching(/^combiner\.yaml: Deployment combiner: container combiner: args\[0\] should be an image command \(fit, timing, .*\), found "combine"$/)]);
  });
});

describe("the pipeline in docker-compose.yml", () => {
  it("every service built from the Dockerfile runs an image command on the compose network, with a health check", () => {
    expect(checkComposePipeline(compose, COMMANDS)).toEqual([]);
  });

  it("an unknown command or a broker address from the host is reported", () => {
    const broken = compose.replace('command: ["timing"]', 'command: ["timer"]');
    expect(checkComposePipeline(broken, COMMANDS)).toEqual([expect.stringMatching(/^services\.timing\.command: expected \[<image command>, …\] with one of fit, timing/)]);
    const fromHost = compose.replace(/(\n {2}gateway:\n[\s\S]*?KAFKA_BROKERS: )kafka:29092/, "$1127.0.0.1:19092");
    expect(checkComposePipeline(fromHost, COMMANDS)).toEqual(["services.gateway.environment.KAFKA_BROKERS: expected kafka:29092 (the broker's listener on the compose network)"]);
  });
});
