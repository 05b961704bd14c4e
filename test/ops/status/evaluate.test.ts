import { strict as assert } from "node:assert";
import { DEFAULTS } from "../../../components/config/validate";
import { evaluate, type MetricKey, type StatusMetrics, targetsFrom } from "../../../ops/status/evaluate";

const targets = targetsFrom({ ...DEFAULTS.monitoring });

/** Every metric comfortably on target. */
export function healthyMetrics(): StatusMetrics {
    return {
        uptimePercent: { value: 100 },
        errorRatePercent: { value: 0 },
        latencyP95Ms: { value: 120 },
        webhookDeliveryPercent: { value: 100 },
        draftGenerationSeconds: { value: 1.2 },
        approvalsProcessed: { value: 12 },
        approvalRatePercent: { value: 75 },
        queueDepth: { value: 3 },
    };
}

const with_ = (changes: Partial<StatusMetrics>): StatusMetrics => ({ ...healthyMetrics(), ...changes });

describe("launch status: evaluation", () => {
    it("takes the technical targets from hotdash:monitoring and the rest from the checklist", () => {
        assert.deepEqual(targetsFrom({ ...DEFAULTS.monitoring, errorRatePercent: 0.5, p95LatencyMs: 800 }), {
            uptimePercent: 99.5, errorRatePercent: 0.5, approvalsProcessed: 10, latencyP95Ms: 800,
            webhookDeliveryPercent: 99, draftGenerationSeconds: 3, approvalRatePercent: 60, queueDepth: 50,
        });
    });

    it("is green with every metric on target, and no issue", () => {
        const e = evaluate(healthyMetrics(), targets);
        assert.equal(e.colour, "green");
        assert.deepEqual(e.issues, []);
        assert.deepEqual(e.checks.map((c) => [c.label, c.shown, c.met]), [
            ["Uptime", "100.00%", true], ["Error Rate", "0.00%", true], ["Approvals Processed", "12", true],
            ["Response Time (p95)", "120 ms", true], ["Webhook Delivery", "100.00%", true],
            ["Draft Generation (p95)", "1.20 s", true], ["Approval Rate", "75.0%", true], ["Approval Queue", "3 pending", true],
        ]);
    });

    // each technical metric at its bound misses (the checklist's targets are strict), a hair better meets
    const technical: Array<[MetricKey, number, number, string]> = [
        ["uptimePercent", 99.5, 99.51, "Uptime 99.50% on hotdash-chatwoot misses the target (> 99.50%)"],
        ["errorRatePercent", 0.1, 0.099, "Error Rate 0.10% on hotdash-chatwoot misses the target (< 0.10%)"],
        ["latencyP95Ms", 500, 499, "Response Time (p95) 500 ms on hotdash-chatwoot misses the target (< 500 ms)"],
        ["webhookDeliveryPercent", 99, 99.01, "Webhook Delivery 99.00% on hotdash-chatwoot misses the target (> 99.00%)"],
        ["draftGenerationSeconds", 3, 2.99, "Draft Generation (p95) 3.00 s on hotdash-chatwoot misses the target (< 3.00 s)"],
    ];
    for (const [key, bound, better, issue] of technical) {
        it(`${key}: red at the bound (${bound}), green just inside it (${better})`, () => {
            const at = evaluate(with_({ [key]: { value: bound, app: "hotdash-chatwoot" } }), targets);
            assert.equal(at.colour, "red");
            assert.deepEqual(at.issues, [issue]);
            assert.equal(evaluate(with_({ [key]: { value: better, app: "hotdash-chatwoot" } }), targets).colour, "green");
        });
    }

    it("is yellow, not red, when only a product metric misses, at its bound", () => {
        const few = evaluate(with_({ approvalsProcessed: { value: 10 } }), targets);
        assert.equal(few.colour, "yellow");
        assert.deepEqual(few.issues, ["Approvals Processed 10 misses the target (> 10)"]);
        assert.equal(evaluate(with_({ approvalsProcessed: { value: 11 } }), targets).colour, "green");
        const rate = evaluate(with_({ approvalRatePercent: { value: 60 } }), targets);
        assert.equal(rate.colour, "yellow");
        assert.deepEqual(rate.issues, ["Approval Rate 60.0% misses the target (> 60.0%)"]);
        assert.equal(evaluate(with_({ approvalRatePercent: { value: 60.1 } }), targets).colour, "green");
        // the queue may be as deep as the alert's threshold, which fires above it
        assert.equal(evaluate(with_({ queueDepth: { value: 50 } }), targets).colour, "green");
        const deep = evaluate(with_({ queueDepth: { value: 51 } }), targets);
        assert.equal(deep.colour, "yellow");
        assert.deepEqual(deep.issues, ["Approval Queue 51 pending misses the target (<= 50 pending)"]);
    });

    it("is yellow when a metric has no data, and says why", () => {
        const e = evaluate(with_({ webhookDeliveryPercent: { missing: "no webhook delivery since T-0" } }), targets);
        assert.equal(e.colour, "yellow");
        assert.deepEqual(e.issues, ["Webhook Delivery: no data (no webhook delivery since T-0)"]);
        assert.equal(e.checks.find((c) => c.key === "webhookDeliveryPercent")?.shown, "no data");
    });

    it("is red when a technical metric misses, whatever else is yellow; misses listed before gaps", () => {
        const e = evaluate(with_({
            errorRatePercent: { value: 2.5, app: "hotdash-llamaindex-mcp" },
            approvalsProcessed: { value: 3 },
            draftGenerationSeconds: { missing: "no draft since T-0" },
        }), targets);
        assert.equal(e.colour, "red");
        assert.deepEqual(e.issues, [
            "Error Rate 2.50% on hotdash-llamaindex-mcp misses the target (< 0.10%)",
            "Approvals Processed 3 misses the target (> 10)",
            "Draft Generation (p95): no data (no draft since T-0)",
        ]);
    });
});
