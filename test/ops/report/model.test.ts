import { strict as assert } from "node:assert";
import { buildReport, isBlocker, type ReportItem } from "../../../ops/report/model";
import { imageDigest } from "../../../policies/rules/imageDigest";

export function item(status: ReportItem["status"], over: Partial<ReportItem> = {}): ReportItem {
    return {
        id: imageDigest.id, title: imageDigest.title, severity: "critical", enforcement: "mandatory", status, resource: "web",
        message: `web: ${status}`, evidence: { source: "planned stack", observed: "o", expected: "e", collectedAt: "2025-10-01T12:00:00.000Z" },
        remediation: imageDigest.remediation, links: [imageDigest.url], ...over,
    };
}

export function report(items: ReportItem[]) {
    return buildReport({ title: "launch policy", stack: "prod", generatedAt: "2025-10-01T12:00:00.000Z", tool: { name: "hotdash-launch-policy", version: "0.1.0" }, rules: [imageDigest], items, labels: { pass: "PASS", fail: "FAIL" } });
}

describe("ops/report/model", () => {
    it("passes only without a mandatory fail or unknown and without an expired waiver", () => {
        assert.equal(report([item("pass"), item("waived"), item("n/a"), item("fail", { enforcement: "advisory" })]).verdict, "PASS");
        assert.equal(report([item("unknown")]).verdict, "FAIL");
        assert.equal(report([item("pass", { expiredWaiver: true })]).verdict, "FAIL");
        assert.equal(report([]).verdictRule, "PASS only when no mandatory item is fail or unknown and no waiver has expired; otherwise FAIL.");
        assert.deepEqual([item("fail"), item("unknown"), item("waived")].map(isBlocker), [true, true, false]);
    });

    it("counts items by status and gives each rule its worst status", () => {
        const r = report([item("pass"), item("fail"), item("waived")]);
        assert.deepEqual(r.counts, { pass: 1, fail: 1, unknown: 0, waived: 1, "n/a": 0 });
        assert.deepEqual([r.blockers, r.rules[0]!.status], [1, "fail"]);
    });
});
