import { strict as assert } from "node:assert";
import { DEFAULTS } from "../../../components/config/validate";
import { evaluate, targetsFrom } from "../../../ops/status/evaluate";
import { clock, renderUpdate, sinceLaunch } from "../../../ops/status/render";
import { healthyMetrics } from "./evaluate.test";

const targets = targetsFrom({ ...DEFAULTS.monitoring });

describe("launch status: the update template", () => {
    it("fills the checklist's template: header, status, the template's metrics then the others, issues, next check", () => {
        const text = renderUpdate({
            evaluation: evaluate({ ...healthyMetrics(), errorRatePercent: { value: 1.25, app: "hotdash-llamaindex-mcp" } }, targets),
            at: new Date("2025-10-14T10:00:00Z"), launchedAt: new Date("2025-10-14T07:30:00Z"), nextCheck: new Date("2025-10-14T10:30:00Z"),
        });
        assert.equal(text, [
            "🚀 HotDash Launch Update [T+2.5 hours]",
            "",
            "Status: 🔴 Red",
            "",
            "Metrics:",
            "- Uptime: 100.00%",
            "- Error Rate: 1.25%",
            "- Approvals Processed: 12",
            "- Operator Feedback: not measured (ask the operators in #support-ops)",
            "- Response Time (p95): 120 ms",
            "- Webhook Delivery: 100.00%",
            "- Draft Generation (p95): 1.20 s",
            "- Approval Rate: 75.0%",
            "- Approval Queue: 3 pending",
            "",
            "Issues:",
            "- Error Rate 1.25% on hotdash-llamaindex-mcp misses the target (< 0.10%)",
            "",
            "Next Check: 10:30 UTC",
        ].join("\n"));
    });

    it("says None when there is no issue, and shows each colour", () => {
        const text = renderUpdate({ evaluation: evaluate(healthyMetrics(), targets), at: new Date(0), launchedAt: new Date(0), nextCheck: new Date(1_800_000) });
        assert.ok(text.includes("Status: 🟢 Green\n"), text);
        assert.ok(text.includes("Issues:\n- None\n"), text);
        const yellow = renderUpdate({ evaluation: evaluate({ ...healthyMetrics(), approvalsProcessed: { missing: "x" } }, targets), at: new Date(0), nextCheck: new Date(0) });
        assert.ok(yellow.includes("Status: 🟡 Yellow\n") && yellow.includes("- Approvals Processed: no data\n"), yellow);
    });

    it("counts hours from T-0, and says so before it", () => {
        assert.equal(sinceLaunch(new Date("2025-10-14T08:00:00Z"), new Date("2025-10-14T07:00:00Z")), "T+1.0 hours");
        assert.equal(sinceLaunch(new Date("2025-10-15T07:00:00Z"), new Date("2025-10-14T07:00:00Z")), "T+24.0 hours");
        assert.equal(sinceLaunch(new Date("2025-10-14T08:00:00Z"), undefined), "before T-0");
    });

    it("gives the next check's time, with its date when it falls on another day", () => {
        assert.equal(clock(new Date("2025-10-14T10:30:00Z"), new Date("2025-10-14T10:00:00Z")), "10:30 UTC");
        assert.equal(clock(new Date("2025-10-15T00:10:00Z"), new Date("2025-10-14T23:40:00Z")), "2025-10-15 00:10 UTC");
    });
});
