import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";
import { renderSarif } from "../../../ops/report/sarif";
import { item, report } from "./model.test";

const schema = JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../fixtures/sarif/sarif-schema-2.1.0.json"), "utf8"));

function validate(text: string): string[] {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const ok = ajv.validate(schema, JSON.parse(text));
    return ok ? [] : (ajv.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

describe("ops/report/sarif", () => {
    const r = report([
        item("pass"), item("n/a"),
        item("fail", { resource: "web", urn: "urn:pulumi:prod::hotdash-launch::x::web", fix: "pulumi config set ..." }),
        item("unknown", { resource: "worker" }),
        item("waived", { resource: "api", waiver: { reason: "rebuild", approver: "alice", expires: "2025-10-09", waivedStatus: "fail" } }),
    ]);

    it("validates against the SARIF 2.1.0 schema", () => {
        assert.deepEqual(validate(renderSarif(r, { artifact: "Pulumi.prod.yaml" })), []);
        assert.deepEqual(validate(renderSarif(report([]), { artifact: "Pulumi.prod.yaml" })), []);
    });

    it("carries fail, unknown (as a blocking fail) and waived (suppressed) results, not passes", () => {
        const run = JSON.parse(renderSarif(r, { artifact: "Pulumi.prod.yaml" })).runs[0];
        assert.deepEqual(run.results.map((x: { ruleId: string; level: string; message: { text: string }; suppressions?: unknown[] }) => [x.ruleId, x.level, x.message.text, x.suppressions?.length ?? 0]), [
            ["HD-IMG-001", "error", "web: fail\nFix: pulumi config set ...", 0],
            ["HD-IMG-001", "error", "Undecided in preview, which blocks like a failure. web: unknown", 0],
            ["HD-IMG-001", "error", "web: waived", 1],
        ]);
        assert.deepEqual(run.tool.driver.rules[0].id, "HD-IMG-001");
        assert.equal(run.results[0].locations[0].logicalLocations[0].fullyQualifiedName, "urn:pulumi:prod::hotdash-launch::x::web");
    });
});
