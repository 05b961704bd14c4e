/**
 * `launch go-no-go` against the sandbox on the real engine: one stack, one `up`, then the healthy verdict (GO, with
 * the real gate `pulumi preview --policy-pack`), and each fault the checklist guards against flipping it to NO-GO on
 * the right item with its fix. Probe faults reuse the healthy run's plan (they change nothing the plan sees); the
 * pending change runs a real preview again. Every output of every run goes through the leak scan.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import { decisionsDir, postDecision, recordDecision } from "../../../ops/gonogo/decision";
import type { PlanResult } from "../../../ops/gonogo/plan";
import { renderGoNoGo } from "../../../ops/gonogo/render";
import { type GoNoGoOptions, type GoNoGoRun, runGoNoGo } from "../../../ops/gonogo/run";
import { isBlocker } from "../../../ops/report/model";
import { SANDBOX_CREDENTIALS as C } from "../../../sandbox/credentials";
import { useSharedSandbox } from "../../helpers/sandbox";
import { ROOT, testPulumi, useStack } from "../../helpers/stack";
import { ALL_CONFIRMED, assertNoSecret, sandboxSecrets, setStackConfig, targetOf } from "./helpers";

const AGENT = "hotdash-agent-service";

describe("launch go-no-go on the sandbox (real engine)", function () {
    this.timeout(300_000);
    const sandbox = useSharedSandbox();
    const stack = useStack(sandbox, { "hotdash:readiness": ALL_CONFIRMED });
    let healthyPlan: PlanResult;

    async function goNoGo(opts: Partial<GoNoGoOptions> = {}): Promise<GoNoGoRun> {
        const run = await runGoNoGo({ projectDir: ROOT, stack: "sandbox", target: targetOf(stack()), pulumi: await testPulumi(), draftTimeoutSeconds: 5, approver: "Launch Commander", ...opts });
        const texts = Object.fromEntries((["table", "markdown", "json", "junit", "html"] as const).map((f) => [f, renderGoNoGo(run.report, f, run.secrets)]));
        assertNoSecret(texts, sandboxSecrets(sandbox()));
        return run;
    }

    /** The blocking items as `id subject`, and each one's fix. */
    function blockers(run: GoNoGoRun): { id: string; resource: string; fix?: string; message: string }[] {
        return run.report.items.filter(isBlocker).map((i) => ({ id: i.id, resource: i.resource, message: i.message, ...(i.fix ? { fix: i.fix } : {}) }));
    }

    before(async () => {
        const up = await stack().up();
        assert.ok(up.ok, up.errors.join("\n"));
    });

    it("is GO on the healthy stack, with evidence for every item, recorded and posted without a secret", async () => {
        const run = await goNoGo();
        assert.deepEqual(blockers(run), []);
        assert.equal(run.report.verdict, "GO");
        assert.ok(run.plan?.ok);
        healthyPlan = run.plan!;
        const ids = new Set(run.report.items.map((i) => i.id));
        for (const id of ["GNG-CFG-001", "GNG-POL-001", "GNG-PLAN-001", "GNG-HLT-001", "GNG-FLY-001", "GNG-DB-001", "GNG-BAK-001", "GNG-TOK-001", "GNG-TOK-002", "GNG-TLS-001", "GNG-WHK-001", "GNG-E2E-001", "GNG-QUE-001", "GNG-MON-001", "GNG-MON-002", "GNG-TEAM-001", "GNG-TEAM-005"]) assert.ok(ids.has(id), id);
        const e2e = run.report.items.find((i) => i.id === "GNG-E2E-001")!;
        assert.equal(e2e.status, "pass", e2e.message);
        assert.equal(run.report.items.filter((i) => i.id === "GNG-WHK-001" && i.resource.startsWith(`${AGENT} `)).length, sandbox().fly.live(AGENT).length);
        assert.equal(run.report.decision.verdict, "GO");
        assert.equal(run.report.decision.authorizedBy, "Launch Commander");
        assert.match(run.report.decision.evidenceDigest, /^sha256:[0-9a-f]{64}$/);

        const dir = decisionsDir(targetOf(stack()), ROOT);
        assert.ok(dir.startsWith(stack().backendDir), "kept beside the stack's state");
        const file = recordDecision(run.report, run.secrets, dir);
        await postDecision(run.report, run.secrets, `${sandbox().urls.slack}/services/T0HOTDASH/B0LAUNCH/sandboxwebhooksecret`);
        const posted = sandbox().slack.messages.map((m) => JSON.stringify(m));
        assert.ok(posted.some((m) => m.includes("go/no-go (sandbox): GO")), posted.join("\n"));
        assertNoSecret({ record: fs.readFileSync(file, "utf8"), history: fs.readFileSync(`${dir}/decisions.jsonl`, "utf8"), slack: posted.join("\n") }, sandboxSecrets(sandbox()));
    });

    const cases: { name: string; inject(): () => void; id: string; resource: RegExp; fix: RegExp }[] = [
        {
            name: "an app unhealthy", id: "GNG-HLT-001", resource: /^hotdash-llamaindex-mcp$/, fix: /fly logs -a hotdash-llamaindex-mcp/,
            inject() { sandbox().llamaindexMcp.healthy = false; return () => { sandbox().llamaindexMcp.healthy = true; }; },
        },
        {
            name: "a token revoked", id: "GNG-TOK-001", resource: /^flyApiToken$/, fix: /pulumi config set --secret hotdash:flyApiToken <new-token> --stack sandbox/,
            inject() {
                const scope = sandbox().fly.tokens[C.flyOrgToken]!;
                delete sandbox().fly.tokens[C.flyOrgToken];
                return () => { sandbox().fly.tokens[C.flyOrgToken] = scope; };
            },
        },
        {
            name: "a backup too old", id: "GNG-BAK-001", resource: /^sandboxhotdashlaunch$/, fix: /take a backup/,
            inject() {
                const p = sandbox().supabase.project;
                const before = p.backups;
                p.backups = [{ id: 9, status: "COMPLETED", insertedAt: new Date(Date.now() - 30 * 3600_000).toISOString() }];
                return () => { p.backups = before; };
            },
        },
        {
            name: "SSL enforcement off", id: "GNG-DB-001", resource: /^sandboxhotdashlaunch$/, fix: /npx launch up --stack sandbox/,
            inject() {
                const p = sandbox().supabase.project;
                const before = { ...p.ssl };
                p.ssl = { requested: false, current: false, appliesAt: 0 };
                return () => { p.ssl = before; };
            },
        },
        {
            name: "the webhook secret differing on one machine", id: "GNG-WHK-001", resource: new RegExp(`^${AGENT} `), fix: /npx launch up --stack sandbox/,
            inject() {
                const fly = sandbox().fly;
                const app = fly.apps[AGENT]!;
                const m = fly.live(AGENT).find((x) => x.state === "started")!;
                const was = m.secretsVersion;
                // both names a receiver verifies with (outside a rotation PREVIOUS holds the current secret too)
                app.secretsHistory[9999] = { ...app.secretsHistory[was], CHATWOOT_WEBHOOK_SECRET: "an-older-webhook-secret", CHATWOOT_WEBHOOK_SECRET_PREVIOUS: "an-older-webhook-secret" };
                m.secretsVersion = 9999;
                return () => { m.secretsVersion = was; delete app.secretsHistory[9999]; };
            },
        },
        {
            name: "a token expiring inside the launch window", id: "GNG-TOK-002", resource: /^supabase token$/, fix: /pulumi config set --path hotdash:tokenExpiry\.supabase <YYYY-MM-DD> --stack sandbox/,
            inject() {
                const before = stack().config["hotdash:tokenExpiry"];
                setStackConfig(stack(), "hotdash:tokenExpiry", { supabase: "2025-10-14" });
                return () => setStackConfig(stack(), "hotdash:tokenExpiry", before);
            },
        },
        {
            name: "a human item unconfirmed", id: "GNG-TEAM-002", resource: /^onCall$/, fix: /npx launch go-no-go --stack sandbox --confirm onCall/,
            inject() {
                setStackConfig(stack(), "hotdash:readiness", { ...ALL_CONFIRMED, onCall: { owner: "dana", confirmed: false } });
                return () => setStackConfig(stack(), "hotdash:readiness", ALL_CONFIRMED);
            },
        },
    ];

    /** Fly's checks probe the apps for real, at their interval: an app made unhealthy needs a round to pass again. */
    async function checksPassingAgain(): Promise<void> {
        const until = Date.now() + 30_000;
        const passing = (): boolean => Object.keys(sandbox().fly.apps).every((a) => sandbox().fly.live(a).every((m) => m.state !== "started" || m.checks.every((x) => x.status === "passing")));
        while (!passing()) {
            if (Date.now() > until) throw new Error("Fly's checks did not pass again within 30 s");
            await new Promise((r) => setTimeout(r, 100));
        }
    }

    for (const c of cases) {
        it(`is NO-GO on ${c.id} with its fix when ${c.name}, and GO again once undone`, async () => {
            const undo = c.inject();
            let run: GoNoGoRun;
            try {
                run = await goNoGo({ plan: healthyPlan });
            } finally {
                undo();
            }
            assert.equal(run.report.verdict, "NO-GO");
            const hit = blockers(run).filter((b) => b.id === c.id && c.resource.test(b.resource));
            assert.equal(hit.length, 1, JSON.stringify(blockers(run), null, 1));
            assert.match(hit[0]!.fix ?? "", c.fix);
            await checksPassingAgain();
            const again = await goNoGo({ plan: healthyPlan });
            assert.deepEqual(blockers(again), []);
        });
    }

    it("confirms a human item from the command line (--confirm)", async () => {
        setStackConfig(stack(), "hotdash:readiness", { ...ALL_CONFIRMED, onCall: { owner: "dana", confirmed: false } });
        try {
            const run = await goNoGo({ plan: healthyPlan, confirm: ["onCall"] });
            assert.equal(run.report.verdict, "GO");
            assert.match(run.report.items.find((i) => i.id === "GNG-TEAM-002")!.message, /confirmed \(owner dana, by --confirm\)/);
        } finally {
            setStackConfig(stack(), "hotdash:readiness", ALL_CONFIRMED);
        }
    });

    it("is NO-GO on an unrelated pending change, listed as Pulumi shows it (a real preview)", async () => {
        const monitoring = stack().config["hotdash:monitoring"] as Record<string, unknown>;
        setStackConfig(stack(), "hotdash:monitoring", { ...monitoring, queueDepth: 75 });
        let run: GoNoGoRun;
        try {
            run = await goNoGo();
        } finally {
            setStackConfig(stack(), "hotdash:monitoring", monitoring);
        }
        assert.equal(run.report.verdict, "NO-GO");
        const pending = blockers(run).filter((b) => b.id === "GNG-PLAN-001");
        assert.ok(pending.length >= 1, JSON.stringify(blockers(run), null, 1));
        for (const p of pending) {
            assert.match(p.message, /^pending change: (~|\+|-|\+-|\+\+|--) \S+ \S+ (update|create|replace|delete)/);
            assert.match(p.fix ?? "", /npx launch up --stack sandbox/);
        }
        assert.ok(pending.some((p) => p.resource.startsWith("hotdash-monitor")), pending.map((p) => p.message).join("\n"));
        assert.deepEqual(blockers(run).filter((b) => b.id !== "GNG-PLAN-001"), []);
    });

    it("is GO while enabling the webhook is the one change pending, the webhook's items n/a until launch hour's up", async () => {
        setStackConfig(stack(), "hotdash:webhooksEnabled", false);
        const off = await stack().up();
        assert.ok(off.ok, off.errors.join("\n"));
        const before = await goNoGo();
        assert.deepEqual(blockers(before), []);
        assert.equal(before.report.items.find((i) => i.id === "GNG-WHK-001")!.status, "n/a");
        assert.equal(before.report.items.find((i) => i.id === "GNG-PLAN-001")!.message, "no pending change");

        setStackConfig(stack(), "hotdash:webhooksEnabled", true);
        const run = await goNoGo();
        assert.deepEqual(blockers(run), []);
        assert.equal(run.report.verdict, "GO");
        assert.match(run.report.items.find((i) => i.id === "GNG-PLAN-001")!.message, /^only enabling the webhook is pending \(\d+ steps\)$/);
        assert.ok(run.plan!.steps.some((s) => s.op === "create" && /ChatwootWebhook/.test(s.type)), run.plan!.steps.map((s) => s.name).join(", "));
        for (const id of ["GNG-WHK-001", "GNG-E2E-001"]) assert.equal(run.report.items.find((i) => i.id === id)!.status, "n/a");
    });
});
