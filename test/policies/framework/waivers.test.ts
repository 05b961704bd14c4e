import { strict as assert } from "node:assert";
import type { Finding } from "../../../policies/framework/finding";
import { applyWaivers, isUtcDate, parseWaivers } from "../../../policies/framework/waivers";

const RULES = { ruleIds: ["HD-IMG-001", "HD-WVR-001"], unwaivable: ["HD-WVR-001"], today: "2025-10-01", stack: "prod" };
const GOOD = { ruleId: "HD-IMG-001", resource: "web", reason: "rebuilt tonight", approver: "alice", expires: "2025-10-01" };

function finding(status: Finding["status"], resource = "web"): Finding {
    return { ruleId: "HD-IMG-001", resource, status, message: `${resource}: image "x" is not pinned by digest`, evidence: { source: "s", observed: "o", expected: "e", collectedAt: "t" } };
}

describe("policies/framework/waivers", () => {
    it("accepts a waiver through the last day it names (UTC)", () => {
        assert.deepEqual(parseWaivers([GOOD], RULES), { active: [{ index: 0, ...GOOD }], problems: [] });
        assert.deepEqual(parseWaivers([{ ...GOOD, expires: new Date("2025-10-02T00:00:00Z") }], RULES).active[0]?.expires, "2025-10-02");
    });

    it("reports an expired waiver with the command that renews it", () => {
        assert.deepEqual(parseWaivers([{ ...GOOD, expires: "2025-09-30" }], RULES), {
            active: [],
            problems: [{ index: 0, message: "waivers[0]: expired on 2025-09-30, so HD-IMG-001 on web counts again (approved by alice)", fix: "pulumi config set --path 'hotdash:waivers[0].expires' '<YYYY-MM-DD>' --stack prod", expired: true }],
        });
    });

    it("reports every fault of a malformed waiver in one message, and fixes the first", () => {
        assert.deepEqual(parseWaivers([{ ruleId: 7, resource: " ", approver: "bob", expires: "2025-10-01T00:00:00Z" }], RULES).problems, [{
            index: 0,
            message: "waivers[0]: ruleId must be a string; resource is missing; reason is missing; expires \"2025-10-01T00:00:00Z\" is not a UTC date (YYYY-MM-DD)",
            fix: "pulumi config set --path 'hotdash:waivers[0].ruleId' '<rule-id>' --stack prod",
            expired: false,
        }]);
        assert.deepEqual(parseWaivers([{ ...GOOD, ruleId: "HD-NOPE-001" }], RULES).problems.map((p) => p.message), ["waivers[0]: ruleId \"HD-NOPE-001\" names no rule of this pack"]);
        assert.deepEqual(parseWaivers([{ ...GOOD, ruleId: "HD-WVR-001" }], RULES).problems.map((p) => p.message), ["waivers[0]: HD-WVR-001 cannot be waived"]);
        assert.deepEqual(parseWaivers(["just a reason"], RULES).problems.map((p) => p.message), ["waivers[0]: must be an object {ruleId, resource, reason, approver, expires}"]);
        assert.deepEqual(parseWaivers({ ruleId: "x" }, RULES).problems.map((p) => p.message), ["waivers: must be a list of {ruleId, resource, reason, approver, expires}"]);
        assert.deepEqual(parseWaivers(undefined, RULES), { active: [], problems: [] });
    });

    it("turns a matching fail or unknown into waived, shown with who and until when; passes stay", () => {
        const [w] = parseWaivers([GOOD], RULES).active;
        const out = applyWaivers([finding("fail"), finding("unknown"), finding("pass"), finding("fail", "other")], [w!]);
        assert.deepEqual(out.map((f) => [f.status, f.message]), [
            ["waived", "web: image \"x\" is not pinned by digest (waived until 2025-10-01 by alice: rebuilt tonight)"],
            ["waived", "web: image \"x\" is not pinned by digest (waived until 2025-10-01 by alice: rebuilt tonight)"],
            ["pass", "web: image \"x\" is not pinned by digest"],
            ["fail", "other: image \"x\" is not pinned by digest"],
        ]);
        assert.deepEqual(out[1]!.waiver, { reason: "rebuilt tonight", approver: "alice", expires: "2025-10-01", waivedStatus: "unknown" });
    });

    it("knows a real calendar date", () => {
        assert.deepEqual(["2025-02-28", "2024-02-29", "2025-02-29", "2025-13-01", "25-01-01"].map(isUtcDate), [true, true, false, false, false]);
    });
});
