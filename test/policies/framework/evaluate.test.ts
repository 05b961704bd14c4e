import { strict as assert } from "node:assert";
import { evaluatePack, ruleStatus } from "../../../policies/framework/evaluate";
import type { Rule } from "../../../policies/framework/rule";
import { StackView } from "../../../policies/framework/stack";
import { RULES } from "../../../policies/rules";
import { imageDigest } from "../../../policies/rules/imageDigest";
import { editing, leakedCanaries, NOW, passingStack } from "../fixtures";

const broken: Rule = { ...imageDigest, id: "HD-TST-001", check: () => { throw new Error("boom"); } };
const empty: Rule = { ...imageDigest, id: "HD-TST-002", check: () => [] };

describe("policies/framework/evaluate", () => {
    it("passes the whole pack on the fixture, with evidence stamped and no canary anywhere", () => {
        const ev = evaluatePack(RULES, StackView.of(passingStack()), { now: NOW, stack: "prod" });
        assert.deepEqual([...ev.byRule.entries()].map(([id, f]) => [id, ruleStatus(f)]).filter(([, s]) => s !== "pass" && s !== "n/a"), []);
        const f = ev.findings[0]!;
        assert.deepEqual(f.evidence, { source: "planned inputs of hotdash:FlyMachineGroup hotdash-agent-service-machines-app", observed: "CHATWOOT_BASE_URL, LLAMAINDEX_SERVICE_URL, SUPABASE_URL", expected: "all set", collectedAt: "2025-10-01T12:00:00.000Z" });
        assert.deepEqual(leakedCanaries(ev.findings), []);
    });

    it("shows a waived finding as waived, never hides it, and applies no expired waiver", () => {
        const stack = editing(editing(passingStack(), "hotdash-chatwoot-machines-web", (p) => { (p["config"] as Record<string, unknown>)["image"] = "chatwoot/chatwoot:v4"; }), "hotdash-launch-facts", (p) => {
            p["waivers"] = [
                { ruleId: "HD-IMG-001", resource: "hotdash-chatwoot-machines-web", reason: "vendor rebuild", approver: "alice", expires: "2025-10-02" },
                { ruleId: "HD-IMG-001", resource: "hotdash-chatwoot-machines-worker", reason: "old", approver: "bob", expires: "2025-09-01" },
            ];
        });
        const ev = evaluatePack(RULES, StackView.of(stack), { now: NOW, stack: "prod" });
        assert.deepEqual(ev.byRule.get("HD-IMG-001")!.filter((f) => f.status !== "pass").map((f) => [f.status, f.message]), [
            ["waived", "hotdash-chatwoot-machines-web: image \"chatwoot/chatwoot:v4\" is not pinned by digest (waived until 2025-10-02 by alice: vendor rebuild)"],
        ]);
        assert.deepEqual(ev.byRule.get("HD-WVR-001")!.map((f) => [f.status, f.message]), [
            ["fail", "waivers[1]: expired on 2025-09-01, so HD-IMG-001 on hotdash-chatwoot-machines-worker counts again (approved by bob)"],
            ["pass", "waivers[0]: HD-IMG-001 on hotdash-chatwoot-machines-web waived until 2025-10-02 by alice"],
        ]);
    });

    it("reports a rule that throws as unknown and one with nothing to check as n/a", () => {
        const ev = evaluatePack([broken, empty], StackView.of([]), { now: NOW });
        assert.deepEqual(ev.findings.map((f) => [f.ruleId, f.status, f.message]), [
            ["HD-TST-001", "unknown", "HD-TST-001 could not run: boom"],
            ["HD-TST-002", "n/a", "nothing in the stack for this rule to check"],
        ]);
    });
});
