/** The plan check's pure part: which pending steps enabling the webhook may bring, and how each is listed. */
import { strict as assert } from "node:assert";
import { changedInputs, enablesWebhook, partOfEnablingWebhook, type PlanStep, planFindings, showStep } from "../../../ops/gonogo/plan";

const AGENT = "hotdash-agent-service";
const step = (op: PlanStep["op"], type: string, name: string, diffs: string[] = []): PlanStep => ({ op, type, name, urn: `urn:pulumi:prod::hotdash-launch::${type}::${name}`, diffs });

/** What `up` does when hotdash:webhooksEnabled turns true, as the stack names its resources (run.test.ts checks the classification on the real engine). */
const ENABLING: PlanStep[] = [
    step("create", "hotdash:chatwoot:Webhook", "hotdash-chatwoot-webhook"),
    step("create", "random:index/randomPassword:RandomPassword", "hotdash-chatwoot-webhook-rotation"),
    step("create", "hotdash:ChatwootWebhook", "hotdash-chatwoot-webhook-registration"),
    step("update", "hotdash:FlySecrets", `${AGENT}-secrets`, ["values"]),
    step("update", "hotdash:MachineGroup", `${AGENT}-machines-app`, ["minSecretsVersion"]),
    step("update", "hotdash:SupabaseSecrets", "hotdash-supabase-secrets", ["values"]),
    step("update", "hotdash:LaunchFacts", "hotdash-launch-facts", ["webhooks.enabled"]),
    step("update", "pulumi:providers:pulumi-nodejs", "default", ["hotdash:webhooksEnabled"]),
];

describe("go-no-go plan check", () => {
    it("allows exactly the steps of enabling the webhook", () => {
        assert.ok(enablesWebhook(ENABLING));
        for (const s of ENABLING) assert.ok(partOfEnablingWebhook(s, ENABLING, AGENT), s.name);
        const f = planFindings({ ok: true, steps: ENABLING, violations: [], ms: 1 }, { stack: "prod", agentApp: AGENT, at: new Date(0) });
        assert.deepEqual(f.map((x) => [x.ruleId, x.status, x.message]), [
            ["GNG-POL-001", "pass", "the policy pack passes"],
            ["GNG-PLAN-001", "pass", "only enabling the webhook is pending (8 steps)"],
        ]);
    });

    it("lists any other pending change as Pulumi shows it, with its fix", () => {
        const other = [
            step("update", "hotdash:MachineGroup", "hotdash-llamaindex-mcp-machines-app", ["image"]),
            step("update", "hotdash:LaunchFacts", "hotdash-launch-facts", ["tokens"]),
            step("replace", "hotdash:FlySecrets", `${AGENT}-secrets`, ["app"]),
            step("delete", "hotdash:ChatwootWebhook", "hotdash-chatwoot-webhook-registration"),
            step("update", "pulumi:providers:pulumi-nodejs", "default", ["hotdash:readiness.onCall", "hotdash:monitoring.queueDepth"]),
        ];
        // without the webhook's creation, even the agent's secrets changing is a pending change
        assert.ok(!partOfEnablingWebhook(step("update", "hotdash:FlySecrets", `${AGENT}-secrets`, ["values"]), other, AGENT));
        const plan = [...ENABLING, ...other];
        const f = planFindings({ ok: true, steps: plan, violations: [], ms: 1 }, { stack: "prod", agentApp: AGENT, at: new Date(0) }).filter((x) => x.ruleId === "GNG-PLAN-001");
        assert.deepEqual(f.map((x) => [x.status, x.message]), [
            ["fail", "pending change: ~ hotdash:MachineGroup hotdash-llamaindex-mcp-machines-app update [diff: ~image]"],
            ["fail", "pending change: ~ hotdash:LaunchFacts hotdash-launch-facts update [diff: ~tokens]"],
            ["fail", "pending change: +- hotdash:FlySecrets hotdash-agent-service-secrets replace [diff: ~app]"],
            ["fail", "pending change: - hotdash:ChatwootWebhook hotdash-chatwoot-webhook-registration delete"],
            ["fail", "pending change: ~ pulumi:providers:pulumi-nodejs default update [diff: ~hotdash:readiness.onCall, ~hotdash:monitoring.queueDepth]"],
        ]);
        assert.ok(f.every((x) => x.fix === "npx launch up --stack prod (then run the go/no-go again), or revert the config behind it"));
        assert.equal(showStep(step("create", "hotdash:FlyApp", "x-app")), "+ hotdash:FlyApp x-app create");
    });

    it("does not count a provider picking up the human items' confirmations as a pending change", () => {
        const confirmOnly = [step("update", "pulumi:providers:pulumi-nodejs", "default", ["hotdash:readiness.onCall"])];
        const f = planFindings({ ok: true, steps: confirmOnly, violations: [], ms: 1 }, { stack: "prod", agentApp: AGENT, at: new Date(0) });
        assert.deepEqual(f.filter((x) => x.ruleId === "GNG-PLAN-001").map((x) => [x.status, x.message]), [["pass", "no pending change"]]);
        assert.deepEqual(changedInputs({ a: 1, b: { c: 1, d: { e: 1 } } }, { a: 1, b: { c: 2, d: { e: 2 } }, f: true }), ["b.c", "b.d", "f"]);
    });

    it("fails the gate on a mandatory violation, passes an advisory one, and leaves the plan unknown when the preview errs", () => {
        const at = new Date(0);
        const f = planFindings({ ok: false, steps: [], ms: 1, violations: [
            { policy: "HD-SSL-001", enforcement: "mandatory", resource: "hotdash-supabase-ssl", message: "SSL enforcement is off", unknown: false },
            { policy: "HD-MON-002", enforcement: "advisory", resource: "stack", message: "a threshold is loose", unknown: false },
        ] }, { stack: "prod", agentApp: AGENT, at });
        assert.deepEqual(f.filter((x) => x.ruleId === "GNG-POL-001").map((x) => [x.status, x.message]), [
            ["fail", "HD-SSL-001 (mandatory) hotdash-supabase-ssl: SSL enforcement is off"],
            ["pass", "HD-MON-002 (advisory) stack: a threshold is loose"],
        ]);
        const broken = planFindings({ ok: false, steps: [], violations: [], ms: 1, error: "error: program failed" }, { stack: "prod", agentApp: AGENT, at });
        assert.deepEqual(broken.map((x) => [x.ruleId, x.status]), [["GNG-POL-001", "fail"], ["GNG-PLAN-001", "unknown"]]);
    });

    it("leaves to after launch hour what only the webhook's creation can tell: the pack's unknowns on the receivers while the plan enables it", () => {
        const at = new Date(0);
        const unknownAtAgent = { policy: "HD-WHK-002", enforcement: "mandatory", resource: `${AGENT}-secrets`, message: "CHATWOOT_WEBHOOK_SECRET at every receiver", unknown: true };
        const enabling = planFindings({ ok: false, steps: ENABLING, ms: 1, violations: [unknownAtAgent] }, { stack: "prod", agentApp: AGENT, at }).filter((x) => x.ruleId === "GNG-POL-001");
        assert.deepEqual(enabling.map((x) => [x.status, x.message]), [
            ["n/a", `HD-WHK-002 ${AGENT}-secrets: known only once the pending \`up\` registers the webhook; run the go/no-go again after it`],
            ["pass", "the policy pack passes"],
        ]);
        // the same unknown without the webhook's creation pending, or a known failure, blocks
        const notEnabling = planFindings({ ok: false, steps: [], ms: 1, violations: [unknownAtAgent] }, { stack: "prod", agentApp: AGENT, at }).filter((x) => x.ruleId === "GNG-POL-001");
        assert.deepEqual(notEnabling.map((x) => x.status), ["fail"]);
        const known = planFindings({ ok: false, steps: ENABLING, ms: 1, violations: [{ ...unknownAtAgent, unknown: false }] }, { stack: "prod", agentApp: AGENT, at }).filter((x) => x.ruleId === "GNG-POL-001");
        assert.deepEqual(known.map((x) => x.status), ["fail"]);
    });
});
