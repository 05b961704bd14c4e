import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { RULE_IDS, RULES } from "../../policies/rules";

describe("policies/rules (the rule list)", () => {
    it("gives every rule a stable, unique id and complete metadata", () => {
        assert.equal(new Set(RULE_IDS).size, RULES.length);
        for (const r of RULES) {
            assert.match(r.id, /^HD-[A-Z]{3}-\d{3}$/, r.id);
            assert.ok(r.title && r.description.length > 20, r.id);
            assert.ok(["low", "medium", "high", "critical"].includes(r.severity), r.id);
            assert.ok(r.remediation.length >= 2, r.id);
            assert.match(r.url, /^https:\/\//, r.id);
            assert.ok(r.enforcement === "mandatory" || (r.advisoryBecause ?? "").length > 10, `${r.id} is advisory without saying why`);
        }
    });

    it("keeps one rule per file under policies/rules, each with its test on the mirrored path", () => {
        const root = path.resolve(__dirname, "../..");
        const files = fs.readdirSync(path.join(root, "policies/rules")).filter((f) => f.endsWith(".ts"));
        assert.equal(files.length, RULES.length);
        for (const f of files) assert.ok(fs.existsSync(path.join(root, "test/policies/rules", f.replace(/\.ts$/, ".test.ts"))), f);
    });

    it("keeps the pack's entry point free of anything but constructing the pack", () => {
        const text = fs.readFileSync(path.resolve(__dirname, "../../policies/index.ts"), "utf8");
        assert.deepEqual(text.split("\n").filter((l) => /^(import|new) /.test(l)).length, 3);
    });
});
