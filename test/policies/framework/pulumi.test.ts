import { strict as assert } from "node:assert";
import { unknownCheckingProxy } from "@pulumi/policy";
import type { PolicyResource, StackValidationArgs } from "@pulumi/policy";
import { toPolicy, unproxied } from "../../../policies/framework/pulumi";
import { RULE_IDS } from "../../../policies/rules";
import { imageDigest } from "../../../policies/rules/imageDigest";
import { CANARIES, editing, NOW, passingStack, UNKNOWN_SENTINEL } from "../fixtures";

/** StackValidationArgs as the SDK's server builds them: props behind its unknown-checking proxy (pulumi-policy#445). */
function args(stack: ReturnType<typeof passingStack>): StackValidationArgs {
    const resources = stack.map((r) => ({ type: r.type, name: r.name, urn: r.urn, props: unknownCheckingProxy(structuredClone(r.props)) }) as unknown as PolicyResource);
    return { resources, stackTags: new Map(), getConfig: <T>() => ({}) as T, notApplicable: () => { throw new Error("n/a"); } } as unknown as StackValidationArgs;
}

function violations(stack: ReturnType<typeof passingStack>): unknown[] {
    const out: unknown[] = [];
    const policy = toPolicy(imageDigest, { ruleIds: RULE_IDS, unwaivable: ["HD-WVR-001"], now: () => NOW });
    void policy.validateStack(args(stack), (message: unknown, urn?: string) => { out.push(urn === undefined ? message : [message, urn]); });
    return out;
}

describe("policies/framework/pulumi", () => {
    it("carries the rule's metadata onto the policy", () => {
        const p = toPolicy(imageDigest, { ruleIds: RULE_IDS, unwaivable: [] });
        assert.deepEqual([p.name, p.displayName, p.enforcementLevel, p.severity, p.url, p.tags], ["HD-IMG-001", "Images are pinned by digest", "mandatory", "critical", imageDigest.url, ["hotdash", "launch", "img"]]);
        assert.match(p.remediationSteps ?? "", /^1\. Pin the image by digest/);
    });

    it("reads through the SDK's proxy without tripping on unknowns", () => {
        const proxied = unknownCheckingProxy({ a: UNKNOWN_SENTINEL });
        assert.throws(() => (proxied as Record<string, unknown>)["a"], /can't be known during preview/);
        assert.deepEqual(unproxied(proxied), { a: UNKNOWN_SENTINEL });
    });

    it("reports nothing on a passing stack, a violation per fail or unknown, and a waived finding at advisory level", () => {
        assert.deepEqual(violations(passingStack()), []);
        let stack = editing(passingStack(), "hotdash-chatwoot-machines-web", (p) => { (p["config"] as Record<string, unknown>)["image"] = "chatwoot/chatwoot:v4"; });
        stack = editing(stack, "hotdash-chatwoot-machines-worker", (p) => { (p["config"] as Record<string, unknown>)["image"] = UNKNOWN_SENTINEL; });
        const web = stack.find((r) => r.name === "hotdash-chatwoot-machines-web")!.urn;
        const worker = stack.find((r) => r.name === "hotdash-chatwoot-machines-worker")!.urn;
        assert.deepEqual(violations(stack), [
            ["[fail] hotdash-chatwoot-machines-web: hotdash-chatwoot-machines-web: image \"chatwoot/chatwoot:v4\" is not pinned by digest\nfix: pulumi config set --path hotdash:apps.chatwoot.image '<registry>/<repository>@sha256:<digest>' --stack '<stack>'", web],
            ["[unknown] hotdash-chatwoot-machines-worker: hotdash-chatwoot-machines-worker: cannot check the image during preview (not known until apply)", worker],
        ]);
        const waived = editing(stack, "hotdash-launch-facts", (p) => { p["waivers"] = [{ ruleId: "HD-IMG-001", resource: "hotdash-chatwoot-machines-web", reason: "rebuild", approver: "alice", expires: "2025-10-09" }]; });
        assert.deepEqual(violations(waived)[0], {
            message: "[waived] hotdash-chatwoot-machines-web: hotdash-chatwoot-machines-web: image \"chatwoot/chatwoot:v4\" is not pinned by digest (waived until 2025-10-09 by alice: rebuild)\nfix: pulumi config set --path hotdash:apps.chatwoot.image '<registry>/<repository>@sha256:<digest>' --stack '<stack>'",
            urn: web, enforcementLevel: "advisory",
        });
    });

    it("redacts the stack's secret values from violations", () => {
        const stack = editing(passingStack(), "hotdash-chatwoot-machines-web", (p) => { (p["config"] as Record<string, unknown>)["image"] = `chatwoot/${CANARIES[0]}`; });
        assert.ok(!JSON.stringify(violations(stack)).includes(CANARIES[0]!));
        assert.match(JSON.stringify(violations(stack)), /\[redacted\]/);
    });
});
