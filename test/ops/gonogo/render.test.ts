/** The go/no-go's renderings of one report: each shows the verdict, the decision block and every blocker with its fix. */
import { strict as assert } from "node:assert";
import { GO_NO_GO_ITEMS, HEALTH_ITEM, MANUAL_ITEMS, QUEUE_ITEM } from "../../../ops/gonogo/checklist";
import { evidenceDigest, slackText } from "../../../ops/gonogo/decision";
import { finding } from "../../../ops/gonogo/probe";
import { outcome, renderGoNoGo } from "../../../ops/gonogo/render";
import type { GoNoGoReport } from "../../../ops/gonogo/report";
import { buildReport, itemOf } from "../../../ops/report/model";

const AT = new Date("2025-10-13T09:30:00Z");
const SECRET = "sbp_0123456789abcdef0123456789abcdef01234567";

function report(): GoNoGoReport {
    const items = [
        itemOf(HEALTH_ITEM, finding(HEALTH_ITEM, "hotdash-agent-service", "fail", "hotdash-agent-service: /health answered 503", { observed: "503 in 12 ms", expected: "200", source: "GET /health", fix: "fly logs -a hotdash-agent-service" }, AT)),
        itemOf(QUEUE_ITEM, finding(QUEUE_ITEM, "agent_approvals", "pass", `approval queue empty (token ${SECRET} was used)`, { observed: "0 pending", expected: "0", source: "PostgREST" }, AT)),
        itemOf(MANUAL_ITEMS.onCall, finding(MANUAL_ITEMS.onCall, "onCall", "unknown", "manual: On-call schedule assigned, not confirmed yet (owner dana)", { observed: "unconfirmed", expected: "confirmed", source: "hotdash:readiness", fix: "npx launch go-no-go --stack prod --confirm onCall" }, AT)),
    ];
    const base = buildReport({ title: "launch go-no-go", stack: "prod", generatedAt: AT.toISOString(), tool: { name: "t", version: "1" }, rules: GO_NO_GO_ITEMS, items, labels: { pass: "GO", fail: "NO-GO" } });
    return { ...base, decision: { date: "2025-10-13", time: "09:30 UTC", verdict: "NO-GO", authorizedBy: "Alice", evidenceDigest: evidenceDigest(items) }, timings: [{ probe: "apps /health", ms: 12 }], wallMs: 20 };
}

describe("go-no-go renderings", () => {
    it("show the verdict, the decision block, the blockers with their fixes, and manual items as manual", () => {
        const r = report();
        assert.deepEqual(r.items.map(outcome), ["fail", "pass", "manual"]);
        const table = renderGoNoGo(r, "table", [SECRET]);
        assert.match(table, /^launch go-no-go --stack prod: NO-GO\n {2}Date: 2025-10-13\n {2}Time: 09:30 UTC\n {2}Decision: NO-GO\n {2}Authorized By: Alice\n {2}Evidence digest: sha256:[0-9a-f]{64}\n/);
        assert.match(table, /FAIL {4}GNG-HLT-001 {3}hotdash-agent-service: \/health answered 503\n {10}\s+fix: fly logs -a hotdash-agent-service/);
        assert.match(table, /MANUAL {2}GNG-TEAM-002 {2}manual: On-call schedule assigned, not confirmed yet \(owner dana\)\n\s+fix: npx launch go-no-go --stack prod --confirm onCall/);
        const md = renderGoNoGo(r, "markdown", [SECRET]);
        assert.match(md, /^# HotDash launch decision: ❌ NO-GO\n\n\| Date \| Time \| Decision \| Authorized By \| Evidence digest \|/);
        assert.match(md, /\| GNG-TEAM-002 On-call schedule assigned \| On-call schedule assigned, not confirmed yet \(owner dana\) \| `npx launch go-no-go --stack prod --confirm onCall` \|/);
        const junit = renderGoNoGo(r, "junit", [SECRET]);
        assert.match(junit, /<testsuites name="launch go-no-go \(stack prod\)" tests="3" failures="2"/);
        const json = JSON.parse(renderGoNoGo(r, "json", [SECRET])) as GoNoGoReport;
        assert.equal(json.decision.verdict, "NO-GO");
        for (const text of [table, md, junit, JSON.stringify(json), renderGoNoGo(r, "html", [SECRET])]) {
            assert.ok(!text.includes(SECRET), "redacted");
            assert.ok(text.includes("[redacted]"));
        }
        assert.match(slackText(r), /^:no_entry: \*HotDash go\/no-go \(prod\): NO-GO\*\nDate: 2025-10-13 {2}Time: 09:30 UTC {2}Authorized by: Alice\n/);
        assert.match(slackText(r), /• GNG-HLT-001 hotdash-agent-service: \/health answered 503 — fix: `fly logs -a hotdash-agent-service`/);
    });

    it("digests the evidence so a changed item changes the digest", () => {
        const r = report();
        const changed = [{ ...r.items[0]!, status: "pass" as const }, ...r.items.slice(1)];
        assert.notEqual(evidenceDigest(r.items), evidenceDigest(changed));
        assert.equal(evidenceDigest(r.items), evidenceDigest([...r.items]));
    });
});
