import { strict as assert } from "node:assert";
import { render } from "../../../ops/policy";
import { renderMarkdown } from "../../../ops/report/markdown";
import { item, report } from "./model.test";

describe("ops/report/markdown", () => {
    it("puts the verdict, the counts, the blockers with their fixes and the waivers first", () => {
        const md = renderMarkdown(report([
            item("pass"), item("fail", { message: "web: a | b", fix: "pulumi config set x" }),
            item("waived", { resource: "api", waiver: { reason: "rebuild", approver: "alice", expires: "2025-10-09", waivedStatus: "unknown" } }),
        ]));
        const lines = md.split("\n");
        assert.equal(lines[0], "## ❌ launch policy: FAIL (stack `prod`)");
        assert.ok(lines.includes("| 1 | 1 | 0 | 1 | 0 |"));
        assert.ok(lines.includes("### Blockers (1)"));
        assert.ok(lines.includes("| HD-IMG-001 | web | fail | web: a \\| b | `pulumi config set x` |"));
        assert.ok(lines.includes("| HD-IMG-001 | api | unknown | alice | 2025-10-09 | rebuild |"));
    });

    it("redacts every secret from every rendering", () => {
        const canary = "canary-secret-in-a-message-1234";
        const r = report([item("fail", { message: `web: leaked ${canary}`, evidence: { source: "s", observed: canary, expected: "e", collectedAt: "t" } })]);
        for (const format of ["json", "sarif", "junit", "markdown"] as const) {
            const text = render(r, format, [canary]);
            assert.ok(!text.includes(canary), format);
            assert.match(text, /\[redacted\]/, format);
        }
    });
});
