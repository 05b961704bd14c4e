import { strict as assert } from "node:assert";
import { monitoringThresholds } from "../../../policies/rules/monitoringThresholds";
import { editing, findings, leakedCanaries, outcome, passingStack, problems, UNKNOWN_SENTINEL } from "../fixtures";

type M = { monitoring: Record<string, unknown> };
const mon = (edit: (m: Record<string, unknown>) => void) => editing(passingStack(), "hotdash-launch-facts", (p) => edit((p as unknown as M).monitoring));

describe("policies/rules/monitoringThresholds (HD-MON-001)", () => {
    it("passes the checklist's thresholds and channel", () => {
        assert.deepEqual(outcome(monitoringThresholds, passingStack()), [
            ["pass", "monitoring.thresholds: error rate (%) 0.1, p95 latency (ms) 500, webhook delivery (%) 99, draft generation (s) 3, approval queue depth 50"],
            ["pass", "monitoring.alertChannel: alerts go to #launch-war-room"],
            ["pass", "alertSlackWebhookUrl: the alerts' Slack webhook is set"],
        ]);
    });

    it("fails a missing or out-of-range threshold, with its fix", () => {
        const stack = mon((m) => { delete m["p95LatencyMs"]; m["webhookDeliveryPercent"] = 120; });
        assert.deepEqual(problems(monitoringThresholds, stack), [
            ["fail", "monitoring.p95LatencyMs: no p95 latency (ms) threshold is declared"],
            ["fail", "monitoring.webhookDeliveryPercent: the webhook delivery (%) threshold must be a number above 0 and at most 100"],
        ]);
        assert.equal(findings(monitoringThresholds, stack)[0]!.fix, "pulumi config set --path hotdash:monitoring.p95LatencyMs 500 --stack prod");
    });

    it("fails a missing channel and an unset Slack webhook", () => {
        assert.deepEqual(problems(monitoringThresholds, mon((m) => { m["alertChannel"] = ""; m["alertWebhookConfigured"] = false; })), [
            ["fail", "monitoring.alertChannel: no alert channel is declared"],
            ["fail", "alertSlackWebhookUrl: the Slack webhook the alerts are posted to is not set"],
        ]);
    });

    it("is unknown in preview", () => {
        assert.deepEqual(problems(monitoringThresholds, mon((m) => { m["queueDepth"] = UNKNOWN_SENTINEL; })), [["unknown", "monitoring.queueDepth: cannot check the approval queue depth threshold during preview (not known until apply)"]]);
    });

    it("never shows a secret's value", () => {
        assert.deepEqual(leakedCanaries(findings(monitoringThresholds, mon((m) => { m["alertWebhookConfigured"] = false; }))), []);
    });
});
