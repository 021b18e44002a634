import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadRouterSettings } from "./config.js";

const file = (name: string, text: string) => {
  const path = join(mkdtempSync(join(tmpdir(), "icp-router-")), name);
  writeFileSync(path, text);
  return path;
};

describe("router settings", () => {
  it("default to the shipped routing rules and no webhooks", () => {
    const settings = loadRouterSettings({});
    expect(settings.routing.fallbackTeam).toBe("global");
    expect(settings.endpoints).toEqual([]);
    expect(settings.env.ICP_WEBHOOK_DRAIN_TIMEOUT_MS).toBe(10_000);
  });

  it("read webhook subscriptions from the file named by ICP_WEBHOOKS_CONFIG and their secrets from the variables it names", () => {
    const path = file("webhooks.yaml", "endpoints:\n  - { id: crm, url: 'http://127.0.0.1:9/hook', secretEnv: ICP_WEBHOOK_CRM_SECRET }\n");
    const settings = loadRouterSettings({ ICP_WEBHOOKS_CONFIG: path, ICP_WEBHOOK_CRM_SECRET: "s3cret" });
    expect(settings.endpoints.map((e) => [e.id, e.secrets])).toEqual([["crm", ["s3cret"]]]);
    expect(JSON.stringify(settings.endpoints)).not.toContain("s3cret");
  });

  it("fail on start naming the missing secret variable, the unreadable file or the bad routing rule", () => {
    const hooks = file("webhooks.yaml", "endpoints:\n  - { id: crm, url: 'http://127.0.0.1:9/hook', secretEnv: ICP_WEBHOOK_CRM_SECRET }\n");
    expect(() => loadRouterSettings({ ICP_WEBHOOKS_CONFIG: hooks })).toThrow(/ICP_WEBHOOK_CRM_SECRET: is not set/);
    expect(() => loadRouterSettings({ ICP_ROUTING_CONFIG: "/nonexistent/routing.yaml" })).toThrow(/ICP_ROUTING_CONFIG=\/nonexistent\/routing.yaml: cannot read the file \(ENOENT\)/);
    const routing = file("routing.yaml", "tiers:\n  tier1:\n    actions: [{ type: teleport }]\n");
    expect(() => loadRouterSettings({ ICP_ROUTING_CONFIG: routing })).toThrow(/routing.yaml: tiers.tier1.actions\[0\]/);
  });
});
