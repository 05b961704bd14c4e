import { strict as assert } from "node:assert";
import { webhookRegistration } from "../../../policies/rules/webhookRegistration";
import { editing, findings, leakedCanaries, outcome, passingStack, UNKNOWN_SENTINEL, without } from "../fixtures";

const HOOK = "hotdash-chatwoot-webhook-registration";
const hook = (edit: (p: Record<string, unknown>) => void) => editing(passingStack(), HOOK, edit);

describe("policies/rules/webhookRegistration (HD-WHK-001)", () => {
    it("passes an https webhook subscribed to message_created", () => {
        assert.deepEqual(outcome(webhookRegistration, passingStack()), [["pass", "hotdash-chatwoot-webhook-registration: https://hotdash-agent-service.fly.dev/webhooks/chatwoot subscribed to message_created"]]);
    });

    it("fails an http URL and a missing subscription, one finding each", () => {
        assert.deepEqual(outcome(webhookRegistration, hook((p) => { p["url"] = "http://hotdash-agent-service.fly.dev/webhooks/chatwoot"; })), [["fail", "hotdash-chatwoot-webhook-registration: url is http://hotdash-agent-service.fly.dev, not https"]]);
        assert.deepEqual(outcome(webhookRegistration, hook((p) => { p["subscriptions"] = ["conversation_created"]; })), [["fail", "hotdash-chatwoot-webhook-registration: message_created is not subscribed, so no conversation reaches the agent service"]]);
    });

    it("fails when enabled but not declared, and is n/a while webhooks are off", () => {
        const none = without(passingStack(), HOOK);
        assert.deepEqual(outcome(webhookRegistration, none), [["fail", "The Chatwoot webhook (ChatwootWebhook) is not declared in the stack"]]);
        const off = editing(none, "hotdash-launch-facts", (p) => { p["webhooksEnabled"] = false; });
        assert.deepEqual(outcome(webhookRegistration, off), [["n/a", "webhooks are off (hotdash:webhooksEnabled is false) until launch hour"]]);
    });

    it("is unknown in preview", () => {
        assert.deepEqual(outcome(webhookRegistration, hook((p) => { p["url"] = UNKNOWN_SENTINEL; })), [["unknown", "hotdash-chatwoot-webhook-registration: cannot check url during preview (not known until apply)"]]);
    });

    it("never shows a secret's value", () => {
        assert.deepEqual(leakedCanaries(findings(webhookRegistration, hook((p) => { p["url"] = "http://x.example.com"; }))), []);
    });
});
