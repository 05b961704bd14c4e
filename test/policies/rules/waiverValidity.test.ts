import { strict as assert } from "node:assert";
import { waiverValidity } from "../../../policies/rules/waiverValidity";
import { editing, findings, leakedCanaries, outcome, passingStack, UNKNOWN_SENTINEL } from "../fixtures";

const waivers = (list: unknown) => editing(passingStack(), "hotdash-launch-facts", (p) => { p["waivers"] = list; });
const GOOD = { ruleId: "HD-IMG-001", resource: "hotdash-chatwoot-machines-web", reason: "vendor image rebuilt tonight", approver: "alice", expires: "2025-10-05" };

describe("policies/rules/waiverValidity (HD-WVR-001)", () => {
    it("is n/a without waivers and passes a current one", () => {
        assert.deepEqual(outcome(waiverValidity, passingStack()), [["n/a", "no waivers"]]);
        assert.deepEqual(outcome(waiverValidity, waivers([GOOD])), [["pass", "waivers[0]: HD-IMG-001 on hotdash-chatwoot-machines-web waived until 2025-10-05 by alice"]]);
    });

    it("fails an expired waiver, with the command that renews it", () => {
        const stack = waivers([{ ...GOOD, expires: "2025-09-30" }]);
        assert.deepEqual(outcome(waiverValidity, stack), [["fail", "waivers[0]: expired on 2025-09-30, so HD-IMG-001 on hotdash-chatwoot-machines-web counts again (approved by alice)"]]);
        const f = findings(waiverValidity, stack)[0]!;
        assert.equal(f.fix, "pulumi config set --path 'hotdash:waivers[0].expires' '<YYYY-MM-DD>' --stack prod");
        assert.equal(f.expiredWaiver, true);
    });

    it("fails a malformed waiver, one finding per waiver", () => {
        assert.deepEqual(outcome(waiverValidity, waivers([{ ...GOOD, ruleId: "HD-WVR-001" }, { resource: "x", expires: "soon" }])), [
            ["fail", "waivers[0]: HD-WVR-001 cannot be waived"],
            ["fail", "waivers[1]: ruleId is missing; reason is missing; approver is missing; expires \"soon\" is not a UTC date (YYYY-MM-DD)"],
        ]);
    });

    it("cannot itself be waived", () => {
        const stack = waivers([{ ...GOOD, expires: "2025-09-30" }, { ...GOOD, ruleId: "HD-WVR-001", resource: "waivers[0]" }]);
        assert.deepEqual(outcome(waiverValidity, stack).map(([s]) => s), ["fail", "fail"]);
    });

    it("is unknown in preview", () => {
        assert.deepEqual(outcome(waiverValidity, waivers(UNKNOWN_SENTINEL)), [["unknown", "waivers: cannot check the waivers during preview (not known until apply)"]]);
    });

    it("never shows a secret's value", () => {
        assert.deepEqual(leakedCanaries(findings(waiverValidity, waivers([{ ...GOOD, expires: "2025-09-30" }]))), []);
    });
});
