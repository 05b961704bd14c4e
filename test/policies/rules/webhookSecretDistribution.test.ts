import { strict as assert } from "node:assert";
import { webhookSecretDistribution } from "../../../policies/rules/webhookSecretDistribution";
import { editing, findings, leakedCanaries, outcome, passingStack, problems, UNKNOWN_SENTINEL, without } from "../fixtures";

type Values = { values: Record<string, unknown> };
const AGENT = "hotdash-agent-service-secrets";
const SUPA = "hotdash-supabase-secrets";

describe("policies/rules/webhookSecretDistribution (HD-WHK-002)", () => {
    it("passes the secret at both receivers with one value", () => {
        assert.deepEqual(outcome(webhookSecretDistribution, passingStack()), [
            ["pass", "hotdash-agent-service-secrets: CHATWOOT_WEBHOOK_SECRET is among the Fly secrets"],
            ["pass", "hotdash-supabase-secrets: CHATWOOT_WEBHOOK_SECRET is among the Supabase secrets"],
        ]);
    });

    it("blocks on a value known only after apply: it cannot be compared (README: unknown blocks)", () => {
        const stack = editing(passingStack(), SUPA, (p) => { (p as unknown as Values).values["CHATWOOT_WEBHOOK_SECRET"] = UNKNOWN_SENTINEL; });
        assert.deepEqual(problems(webhookSecretDistribution, stack), [["unknown", "hotdash-supabase-secrets: cannot check the value of CHATWOOT_WEBHOOK_SECRET in the Supabase secrets during preview (not known until apply)"]]);
        const unregistered = editing(passingStack(), "hotdash-chatwoot-webhook-registration", (p) => { p["secret"] = UNKNOWN_SENTINEL; });
        assert.deepEqual(problems(webhookSecretDistribution, unregistered), [["unknown", "hotdash-chatwoot-webhook-registration: cannot check the webhook's secret during preview (not known until apply)"]]);
    });

    it("fails a receiver without it, and receivers holding different values", () => {
        assert.deepEqual(outcome(webhookSecretDistribution, editing(passingStack(), AGENT, (p) => { delete (p as unknown as Values).values["CHATWOOT_WEBHOOK_SECRET"]; }))[0],
            ["fail", "hotdash-agent-service-secrets: CHATWOOT_WEBHOOK_SECRET is missing from the Fly secrets"]);
        const stale = editing(passingStack(), SUPA, (p) => { (p as unknown as Values).values["CHATWOOT_WEBHOOK_SECRET"] = "an-older-secret-value"; });
        assert.deepEqual(outcome(webhookSecretDistribution, stale)[2], ["fail", "CHATWOOT_WEBHOOK_SECRET: the receivers do not all hold the webhook's current secret"]);
        assert.deepEqual(outcome(webhookSecretDistribution, without(passingStack(), SUPA))[1], ["fail", "The Supabase Edge Function secrets (SupabaseSecrets) is not declared in the stack"]);
    });

    it("is n/a while webhooks are off", () => {
        const off = editing(without(passingStack(), "hotdash-chatwoot-webhook-registration"), "hotdash-launch-facts", (p) => { p["webhooksEnabled"] = false; });
        assert.deepEqual(outcome(webhookSecretDistribution, off), [["n/a", "webhooks are off: no webhook secret to distribute"]]);
    });

    it("is unknown in preview when a receiver's names are not known", () => {
        const stack = editing(passingStack(), AGENT, (p) => { p["values"] = { __pulumiUnknown: true }; });
        assert.deepEqual(outcome(webhookSecretDistribution, stack)[0], ["unknown", "hotdash-agent-service-secrets: cannot check the set of Fly secret names during preview (not known until apply)"]);
    });

    it("never shows a secret's value", () => {
        const stale = editing(passingStack(), SUPA, (p) => { (p as unknown as Values).values["CHATWOOT_WEBHOOK_SECRET"] = "an-older-secret-value"; });
        assert.deepEqual(leakedCanaries(findings(webhookSecretDistribution, stale)), []);
        assert.ok(!JSON.stringify(findings(webhookSecretDistribution, stale)).includes("an-older-secret-value"));
    });
});
