/**
 * `launch rehearse --stack sandbox`: the whole launch day on a fresh sandbox, through the same functions the launch
 * team's commands run: `up` with webhooks off → go-no-go (GO) → webhooks on → the first test message → its draft in
 * the queue → approved, and the reply in the Chatwoot conversation → a status update in Slack → a bad release (it
 * passes its health checks and fails the work) → the error-rate alert in Slack, through the real Prometheus and
 * Alertmanager → rollback → every service healthy. Each step's time and evidence go into the report; the first step
 * that does not hold ends it. The sandbox runs at a hundredth of real time, so the day takes minutes.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { AGENT_APPROVE_PATH, APPS } from "../../components/catalog";
import { loadStackFile } from "../../components/config/load";
import { SECRET_NAMES_AS_KEYS } from "../../components/config/validate";
import { ALERT_NAMES } from "../../components/monitoring/rules";
import { FlyMachinesApi, flyHttp } from "../../providers/fly/client";
import { imageDigest } from "../../providers/fly/machineConfig";
import { HttpClient } from "../../providers/http";
import { type Sandbox, startSandbox } from "../../sandbox";
import { SANDBOX_CREDENTIALS as C, SANDBOX_PASSPHRASE } from "../../sandbox/credentials";
import { waitFor } from "../../sandbox/daemons";
import { decisionsDir, postDecision, recordDecision } from "../gonogo/decision";
import { runGoNoGo } from "../gonogo/run";
import { rollback, serviceProblems } from "../rollback";
import { postStatus, prepareStatus, readStatus } from "../status/status";
import { throwawayStack } from "../throwawayStack";
import type { LocatedPulumi } from "../toolchain/locate";
import { RUN_OPTIONS } from "../workspace";
import { Rehearsal, type RehearsalReport, type RehearsalStep, stepLine } from "./steps";

/** The sandbox's clocks (boots, checks, scrape intervals, alert windows) at a hundredth of real time. */
export const REHEARSAL_TIME_SCALE = 0.01;
/** The conversations the rehearsal's customer writes in: the first message, and the traffic the bad release fails. */
const FIRST_CONVERSATION = 2;
const TRAFFIC_CONVERSATION = 3;

export interface RehearseOptions {
    readonly projectDir: string;
    readonly pulumi: LocatedPulumi;
    /** Each step's line as it finishes. */
    readonly out: (line: string) => void;
    /** Where the report and Pulumi's full output go. */
    readonly reportDir: string;
    /** Seconds to wait for the alert to reach Slack. Defaults to 120. */
    readonly alertTimeoutSeconds?: number;
}

function badReleaseImage(): string {
    return `registry.fly.io/${APPS.agentService.name}@sha256:${createHash("sha256").update(`${APPS.agentService.name}:rehearsal-bad-release`).digest("hex")}`;
}

export async function rehearse(opts: RehearseOptions): Promise<RehearsalReport> {
    fs.mkdirSync(opts.reportDir, { recursive: true });
    const log = fs.createWriteStream(path.join(opts.reportDir, "pulumi.log"));
    const learnt: string[] = [];
    let index = 0;
    const rehearsal = new Rehearsal(() => learnt, (s: RehearsalStep) => opts.out(stepLine(s, index++)));
    let sandbox: Sandbox | undefined;
    const staged = throwawayStack({ projectDir: opts.projectDir, stack: "sandbox", passphrase: SANDBOX_PASSPHRASE, pulumi: async () => opts.pulumi, prefix: "hotdash-rehearsal-" });
    let config: Record<string, unknown> = {};
    let stack: Stack | undefined;
    const up = async (): Promise<string> => {
        stack = await staged.configure(config);
        const r = await stack.up({ ...RUN_OPTIONS, onOutput: (t) => log.write(t) });
        const changes = Object.entries(r.summary.resourceChanges ?? {}).map(([k, n]) => `${n} ${k}`).join(", ");
        return `pulumi up: ${r.summary.result}, ${changes}`;
    };
    const agentMachines = async (): Promise<string[]> => sandbox!.fly.live(APPS.agentService.name).filter((m) => m.state === "started").map((m) => imageDigest(String(m.config["image"])));

    try {
        await rehearsal.step("a fresh sandbox, with the real Prometheus, blackbox exporter and Alertmanager", async () => {
            sandbox = await startSandbox({ timeScale: REHEARSAL_TIME_SCALE, monitoring: true });
            const base = sandbox.stackConfig();
            config = {
                ...base,
                "hotdash:fly": { ...(base["hotdash:fly"] as object), deployTimeoutSeconds: 5, checkGraceSeconds: 0.2 },
                "hotdash:webhooksEnabled": false,
            };
            learnt.push(...SECRET_NAMES_AS_KEYS.map((k) => config[k]).filter((v): v is string => typeof v === "string"), new URL(String(config["hotdash:alertSlackWebhookUrl"])).pathname);
            return [`sandbox at ${REHEARSAL_TIME_SCALE}x real time; Fly ${sandbox.urls.fly}, Chatwoot ${sandbox.urls.chatwoot}`, `stack in ${staged.workDir}`];
        });

        await rehearsal.step("up with webhooks off", async () => {
            const result = await up();
            if (sandbox!.chatwoot.webhooks.length) throw new Error(`a webhook is registered already: ${sandbox!.chatwoot.webhooks.map((w) => w.url).join(", ")}`);
            return [result, `agent service machines on ${(await agentMachines()).join(", ")}`, "no webhook registered in Chatwoot"];
        });

        await rehearsal.step("go-no-go: GO, with enabling the webhook the only pending change", async () => {
            config = { ...config, "hotdash:webhooksEnabled": true };
            await staged.configure(config);
            const run = await runGoNoGo({ projectDir: opts.projectDir, stack: "sandbox", target: staged.target, approver: "launch rehearse", pulumi: opts.pulumi });
            learnt.push(...run.secrets);
            const r = run.report;
            const counts = ["pass", "fail", "unknown", "n/a"].map((s) => `${r.items.filter((i) => i.status === s).length} ${s}`).join(", ");
            if (r.decision.verdict !== "GO") {
                const failing = r.items.filter((i) => i.status === "fail" || i.status === "unknown").map((i) => `${i.id} ${i.resource}: ${i.message}${i.fix ? ` (fix: ${i.fix})` : ""}`);
                throw new Error([`verdict NO-GO (${counts})`, ...failing].join("\n"));
            }
            recordDecision(r, run.secrets, decisionsDir(staged.target, opts.projectDir));
            await postDecision(r, run.secrets, String(config["hotdash:alertSlackWebhookUrl"]));
            return [`verdict GO (${counts}), evidence digest ${r.decision.evidenceDigest.slice(0, 12)}`, "decision recorded and posted to Slack"];
        });

        await rehearsal.step("T-0: webhooks enabled (up)", async () => {
            const result = await up();
            const agentUrl = String((config["hotdash:apps"] as { agentService: { publicUrl: string } }).agentService.publicUrl);
            const registered = sandbox!.chatwoot.webhooks.filter((w) => w.url.startsWith(agentUrl));
            if (registered.length !== 1) throw new Error(`expected one webhook for ${agentUrl}, Chatwoot has ${registered.length}`);
            learnt.push(...registered.map((w) => w.secret ?? "").filter(Boolean));
            return [result, `webhook ${registered[0]!.id} registered for ${registered[0]!.url}, events: ${registered[0]!.subscriptions.join(", ")}`];
        });

        let messageId = 0;
        await rehearsal.step("first test message from a customer", async () => {
            messageId = await customerMessage(sandbox!, FIRST_CONVERSATION, "Hello, is my order on its way? (launch rehearsal)");
            return [`message ${messageId} in conversation ${FIRST_CONVERSATION}`];
        });

        let approvalId = "";
        let draft = "";
        await rehearsal.step("its draft in the approval queue", async () => {
            const row = await waitFor("the draft in agent_approvals", async () =>
                (await sandbox!.database.pool.query<{ id: string; status: string; draft: string }>("SELECT id, status, draft FROM agent_approvals WHERE message_id = $1", [messageId])).rows[0], 15_000);
            if (row.status !== "pending") throw new Error(`the draft is ${row.status}, not pending`);
            approvalId = row.id;
            draft = row.draft;
            const pending = (await sandbox!.database.pool.query<{ n: number }>("SELECT COUNT(*)::int AS n FROM agent_approvals WHERE status = 'pending'")).rows[0]!.n;
            return [`draft ${row.id} pending: "${row.draft}"`, `pending drafts in the queue: ${pending}`];
        });

        await rehearsal.step("approved, and the reply in the Chatwoot conversation", async () => {
            const agent = String((config["hotdash:apps"] as { agentService: { publicUrl: string } }).agentService.publicUrl);
            const res = await new HttpClient({ vendor: "agent service", baseUrl: agent, retry: { attempts: 1 } })
                .send<{ replyMessageId: number }>({ method: "POST", path: AGENT_APPROVE_PATH.replace("{id}", approvalId), body: {} });
            const reply = (sandbox!.chatwoot.messages[FIRST_CONVERSATION] ?? []).find((m) => m.id === res.replyMessageId);
            if (!reply || reply.message_type !== 1 || reply.content !== draft) throw new Error(`the conversation has no outgoing reply with the draft (reply ${res.replyMessageId})`);
            const status = (await sandbox!.database.pool.query<{ status: string }>("SELECT status FROM agent_approvals WHERE id = $1", [approvalId])).rows[0]?.status;
            if (status !== "approved") throw new Error(`the draft is ${status ?? "gone"}, not approved`);
            return [`draft ${approvalId} approved`, `reply ${reply.id} in conversation ${FIRST_CONVERSATION}: "${reply.content}"`];
        });

        await rehearsal.step("status update posted to Slack", async () => {
            const cfg = loadStackFile(staged.workDir, "sandbox");
            const ctx = await prepareStatus(cfg, staged.target, opts.pulumi);
            learnt.push(...ctx.secrets);
            const update = await readStatus(ctx);
            const before = sandbox!.slack.messages.length;
            await postStatus(ctx, update);
            if (sandbox!.slack.messages.length !== before + 1) throw new Error("Slack received no status update");
            return [`${update.colour}: ${update.text.split("\n")[0]}`, ...update.text.split("\n").filter((l) => l.startsWith("- "))];
        });

        const bad = badReleaseImage();
        let good = "";
        await rehearsal.step("a bad release deployed: it passes its health checks and fails the work", async () => {
            good = String((config["hotdash:apps"] as { agentService: { image: string } }).agentService.image);
            sandbox!.fly.images[bad] = "errors";
            const apps = config["hotdash:apps"] as Record<string, Record<string, unknown>>;
            config = { ...config, "hotdash:apps": { ...apps, agentService: { ...apps["agentService"], image: bad } } };
            const result = await up();
            const running = await agentMachines();
            if (!running.length || running.some((d) => d !== imageDigest(bad))) throw new Error(`the agent service runs ${running.join(", ")}, not the release`);
            return [result, `agent service machines on ${running.join(", ")} (checks passing)`];
        });

        await rehearsal.step("the error-rate alert reaches Slack (Prometheus → Alertmanager)", async () => {
            const t0 = Date.now();
            let sent = 0;
            const traffic = setInterval(() => { sent++; void customerMessage(sandbox!, TRAFFIC_CONVERSATION, `Where is my refund? (${sent})`).catch(() => undefined); }, 100);
            try {
                await waitFor(`the ${ALERT_NAMES.errorRate} alert in Slack`, async () =>
                    sandbox!.slack.messages.map((m) => JSON.stringify(m)).find((m) => m.includes(ALERT_NAMES.errorRate) && m.includes("FIRING")), 1000 * (opts.alertTimeoutSeconds ?? 120));
                const failed = sandbox!.chatwoot.deliveries.filter((d) => d.status === 500).length;
                return [`${ALERT_NAMES.errorRate} in Slack after ${((Date.now() - t0) / 1000).toFixed(1)} s`, `${sent} customer messages sent meanwhile, ${failed} deliveries answered 500`];
            } finally {
                clearInterval(traffic);
            }
        });

        await rehearsal.step("rollback: webhooks off, the previous digest redeployed, Slack told", async () => {
            const cfg = loadStackFile(staged.workDir, "sandbox");
            const lines: string[] = [];
            const io = { out: (l: string) => { log.write(`${l}\n`); lines.push(l); }, err: (l: string) => { log.write(`${l}\n`); lines.push(l); } };
            const code = await rollback(staged.target, cfg, { app: APPS.agentService.name, reason: `rehearsal: ${ALERT_NAMES.errorRate} after ${imageDigest(bad).slice(0, 19)}` }, io, opts.pulumi);
            if (code !== 0) throw new Error([`launch rollback exited ${code}`, ...lines.filter((l) => l.startsWith("launch rollback"))].join("\n"));
            const posted = sandbox!.slack.messages.map((m) => JSON.stringify(m)).some((m) => m.includes("Rollback complete. Investigating issue."));
            if (!posted) throw new Error("Slack has no \"Rollback complete. Investigating issue.\"");
            return lines.filter((l) => /^(\s+\S+: sha256:\S+ -> sha256:\S+$|Every service|Posted to Slack|Recorded)/.test(l));
        });

        await rehearsal.step("every service healthy, on the previous digest, webhooks off", async () => {
            const cfg = loadStackFile(staged.workDir, "sandbox");
            const fly = new FlyMachinesApi(flyHttp({ apiUrl: cfg.fly.apiUrl, token: C.flyOrgToken }));
            const problems = await serviceProblems(cfg, fly, { [APPS.agentService.name]: { app: imageDigest(good) } });
            if (problems.length) throw new Error(problems.join("\n"));
            if (sandbox!.chatwoot.webhooks.length) throw new Error("a webhook is still registered");
            return [`agent service machines on ${(await agentMachines()).join(", ")}`, `every app's machines started with checks passing and /health answering: ${Object.values(cfg.apps).map((a) => a.name).join(", ")}`, "no webhook registered"];
        });
    } finally {
        await sandbox?.stop();
        await new Promise((r) => log.end(r));
        staged.dispose();
    }
    return rehearsal.report();
}

/** A customer's message in a conversation, as Chatwoot's API creates one: Chatwoot delivers it to the webhooks. */
async function customerMessage(sandbox: Sandbox, conversation: number, content: string): Promise<number> {
    const res = await new HttpClient({ vendor: "Chatwoot", baseUrl: sandbox.urls.chatwoot, authHeaders: () => ({ api_access_token: C.chatwootAdminToken }), retry: { attempts: 1 } })
        .send<{ id: number }>({ method: "POST", path: `/api/v1/accounts/${C.chatwootAccountId}/conversations/${conversation}/messages`, body: { content, message_type: "incoming" } });
    return res.id;
}
