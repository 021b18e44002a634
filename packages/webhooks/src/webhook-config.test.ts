import { describe, expect, it } from "vitest";
import { WebhookConfigError, parseWebhookConfig, resolveWebhookSecrets } from "./webhook-config.js";

const minimal = { endpoints: [{ id: "smartlead", url: "https://hooks.smartlead.example/icp", secretEnv: "ICP_WEBHOOK_SMARTLEAD_SECRET" }] };

function configError(run: () => unknown): WebhookConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof WebhookConfigError) return error;
    throw error;
  }
  throw new Error("expected a WebhookConfigError");
}

describe("webhook subscriptions", () => {
  it("an endpoint with only id, url and secretEnv gets a 5 s timeout, 6 attempts and 500 ms × 2 backoff capped at a minute", () => {
    const [endpoint] = parseWebhookConfig(minimal).endpoints;
    expect(endpoint).toMatchObject({ timeoutMs: 5000, maxAttempts: 6, concurrency: 4, backoff: { initialMs: 500, factor: 2, maxMs: 60_000, jitter: true } });
    expect(endpoint?.actionTypes).toBeUndefined();
    expect(endpoint?.scorecards).toBeUndefined();
  });

  it("refuses a non-http URL, credentials in the URL and an unknown action type, naming each path and never the password", () => {
    const error = configError(() =>
      parseWebhookConfig(
        {
          endpoints: [
            { id: "a", url: "ftp://x.example/", secretEnv: "A_SECRET" },
            { id: "b", url: "https://user:pw@x.example/", secretEnv: "B_SECRET", actionTypes: ["send_fax"] },
          ],
        },
        "router.yaml",
      ),
    );
    expect(error.code).toBe("WEBHOOK_CONFIG_INVALID");
    const text = error.problems.join("\n");
    expect(text).toContain("router.yaml: endpoints[0].url: expected an http:// or https:// URL");
    expect(text).toContain("endpoints[1].url: expected no user:password");
    expect(text).toContain("endpoints[1].actionTypes[0]");
    expect(text).not.toContain("pw@");
  });

  it("refuses two endpoints with one id", () => {
    const endpoint = { id: "crm", url: "https://x.example/", secretEnv: "CRM_SECRET" };
    const error = configError(() => parseWebhookConfig({ endpoints: [endpoint, endpoint] }, "router.yaml"));
    expect(error.problems).toEqual(['router.yaml: endpoints[1].id: expected a unique id, but endpoints[0] is also "crm", got "crm"']);
  });

  it("a secret pasted into secretEnv is refused without being echoed", () => {
    const error = configError(() => parseWebhookConfig({ endpoints: [{ id: "a", url: "https://x.example/", secretEnv: "whsec_live_9f8e7d6c" }] }));
    expect(error.message).toContain("endpoints[0].secretEnv: expected the NAME of an environment variable");
    expect(error.message).not.toContain("whsec_live_9f8e7d6c");
  });

  it("resolving secrets names every missing or empty variable and the endpoint that needs it", () => {
    const config = parseWebhookConfig({
      endpoints: [
        { id: "smartlead", url: "https://a.example/", secretEnv: "SMARTLEAD_SECRET" },
        { id: "crm", url: "https://b.example/", secretEnv: ["CRM_SECRET_OLD", "CRM_SECRET"] },
      ],
    });
    const error = configError(() => resolveWebhookSecrets(config, { SMARTLEAD_SECRET: "s1", CRM_SECRET_OLD: "  " }));
    expect(error.code).toBe("WEBHOOK_SECRET_MISSING");
    expect(error.problems).toEqual([
      'CRM_SECRET_OLD: is not set; webhook endpoint "crm" signs its deliveries with it',
      'CRM_SECRET: is not set; webhook endpoint "crm" signs its deliveries with it',
    ]);
    expect(error.message).not.toContain("s1");
  });

  it("resolved secrets are usable but never serialized with the endpoint", () => {
    const [endpoint] = resolveWebhookSecrets(parseWebhookConfig(minimal), { ICP_WEBHOOK_SMARTLEAD_SECRET: "whsec-top-secret" });
    expect(endpoint?.secrets).toEqual(["whsec-top-secret"]);
    expect(JSON.stringify(endpoint)).not.toContain("whsec-top-secret");
    expect(Object.keys(endpoint ?? {})).not.toContain("secrets");
  });
});
