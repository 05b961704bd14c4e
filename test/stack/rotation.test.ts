/**
 * Webhook secret rotation on Pulumi's real engine, with customers writing in all the while: a steady stream of
 * incoming messages (25 a second) through sandbox Chatwoot for the whole rotation, counted end to end. Each run must
 * have no delivery refused, no message without a draft and no message with two drafts, and end with exactly one
 * webhook whose secret is the only one accepted. Three rotations of one stack: a clean one, one with over 20 % of
 * the vendor calls failing, and one killed (the Pulumi CLI and its plugins, SIGKILL, at the first request of the
 * next phase, which is dropped) after each phase in turn, each time resumed by `up` as `launch up` runs it
 * (ops/rotation.ts: stale lock removed with `pulumi cancel`, pending operations cleared by stack export/import).
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import type { Sandbox } from "../../sandbox";
import { randomFaults } from "../../sandbox/faults";
import { cliStateAccess, recoverInterrupted, rotationStatus, type RotationPhase, upThroughRotation } from "../../ops/rotation";
import { call, useSharedSandbox } from "../helpers/sandbox";
import { type RunResult, type StackHarness, testPulumi, useStack } from "../helpers/stack";
import { SANDBOX_CREDENTIALS as C } from "../../sandbox/credentials";

const AGENT = "hotdash-agent-service";
const PER_SECOND = 25;

interface StreamResult {
    readonly sent: number;
    readonly deliveries: number;
    readonly refused: number;
    readonly missing: number;
    readonly duplicated: number;
    readonly duplicatesDropped: number;
}

/** Incoming messages at `perSecond` until stopped; then what became of each, from Chatwoot's and Postgres's records. */
function stream(sb: Sandbox, perSecond: number): { stop(): Promise<StreamResult> } {
    const ids: number[] = [];
    const posts: Promise<void>[] = [];
    const firstDelivery = sb.chatwoot.deliveries.length;
    const duplicatesBefore = sb.agentService.counts.duplicates;
    let n = 0;
    const timer = setInterval(() => {
        const text = `Where is my order #${++n}?`;
        posts.push(call(`${sb.urls.chatwoot}/api/v1/accounts/1/conversations/42/messages`, {
            method: "POST", headers: { api_access_token: C.chatwootAdminToken }, body: { content: text, message_type: "incoming" },
        }).then((r) => {
            assert.equal(r.status, 200, r.text);
            ids.push((r.body as { id: number }).id);
        }));
    }, 1000 / perSecond);
    return {
        async stop() {
            clearInterval(timer);
            await Promise.all(posts);
            await sb.chatwoot.settled();
            const deliveries = sb.chatwoot.deliveries.slice(firstDelivery).filter((d) => d.event === "message_created");
            const drafts = new Map<number, number>();
            for (const row of (await sb.database.pool.query<{ message_id: string | null }>("SELECT message_id FROM agent_approvals")).rows) {
                const id = Number(row.message_id);
                drafts.set(id, (drafts.get(id) ?? 0) + 1);
            }
            return {
                sent: ids.length,
                deliveries: deliveries.length,
                refused: deliveries.filter((d) => d.status === undefined || d.status >= 300).length,
                missing: ids.filter((id) => !drafts.has(id)).length,
                duplicated: ids.filter((id) => (drafts.get(id) ?? 0) > 1).length,
                duplicatesDropped: sb.agentService.counts.duplicates - duplicatesBefore,
            };
        },
    };
}

/**
 * SIGKILL the Pulumi runs this test process started: each `pulumi` CLI the Automation API spawned, with everything
 * under it (language host, program, plugins). Nothing else: the sandbox's PostgreSQL is a child of this process too.
 */
function killPulumi(): number {
    const table = execFileSync("ps", ["-e", "-o", "pid=,ppid=,comm="], { encoding: "utf8" }).trim().split("\n").map((l) => {
        const [pid, ppid, comm] = l.trim().split(/\s+/);
        return { pid: Number(pid), ppid: Number(ppid), comm: comm ?? "" };
    });
    const doomed: number[] = [];
    const walk = (parent: number): void => {
        for (const p of table) if (p.ppid === parent) { doomed.push(p.pid); walk(p.pid); }
    };
    for (const p of table) {
        if (p.ppid === process.pid && p.comm === "pulumi") {
            doomed.push(p.pid);
            walk(p.pid);
        }
    }
    for (const pid of doomed) {
        try { process.kill(pid, "SIGKILL"); } catch { /* already gone */ }
    }
    return doomed.length;
}

describe("webhook secret rotation under a steady stream of messages (real engine)", function () {
    this.timeout(1800000);
    const sandbox = useSharedSandbox();
    const stack = useStack(sandbox, { "hotdash:webhooksEnabled": true });
    const log: string[] = [];
    const say = (l: string): void => { log.push(l); };

    const access = async (h: StackHarness): Promise<ReturnType<typeof cliStateAccess>> =>
        cliStateAccess({ workDir: h.workDir, stack: "sandbox", backendUrl: `file://${h.backendDir}`, passphrase: "hotdash-test" }, await testPulumi());

    /** `launch up`'s loop on the test's stack: resume, up, up again while the rotation is unfinished. */
    async function rotateTo(generation: number): Promise<RunResult[]> {
        stack().config["hotdash:webhookRotation"] = generation;
        const { runs, status } = await upThroughRotation(() => stack().up(), await access(stack()), generation, say);
        assert.deepEqual(runs.flatMap((r) => r.errors), []);
        assert.equal(status.phase, "steady", log.join("\n"));
        return runs;
    }

    /** After a rotation: one webhook, at this generation's URL, whose secret is the only one the agent service accepts. */
    async function assertRotated(generation: number, oldSecret: string): Promise<void> {
        const hooks = sandbox().chatwoot.webhooks;
        assert.deepEqual(hooks.map((w) => w.url), [`${sandbox().urls[AGENT]}/webhooks/chatwoot?generation=${generation}`]);
        assert.ok(hooks[0]!.subscriptions.includes("message_created"));
        const fresh = hooks[0]!.secret!;
        for (const m of sandbox().fly.live(AGENT)) {
            const env = sandbox().fly.machineEnv(m.id);
            assert.deepEqual([env["CHATWOOT_WEBHOOK_SECRET"], env["CHATWOOT_WEBHOOK_SECRET_PREVIOUS"]], [fresh, fresh]);
        }
        const from = sandbox().chatwoot.deliveries.length;
        const rejected = sandbox().agentService.rejections.length;
        sandbox().chatwoot.emit("message_created", { id: 1_000_000 + generation, content: "forged", message_type: "incoming", conversation: { id: 42 } }, { secretOverride: oldSecret });
        await sandbox().chatwoot.settled();
        assert.deepEqual(sandbox().chatwoot.deliveries.slice(from).map((d) => d.status), [401], "the old secret is refused");
        assert.deepEqual(sandbox().agentService.rejections.slice(rejected), ["bad_signature"]);
    }

    function assertClean(label: string, r: StreamResult): void {
        console.log(`      ${label}: ${r.sent} messages sent, ${r.deliveries} deliveries, ${r.refused} refused, ${r.missing} drafts missing, ${r.duplicated} stored twice (${r.duplicatesDropped} second copies dropped)`);
        assert.ok(r.sent >= 20, `only ${r.sent} messages`);
        assert.deepEqual({ refused: r.refused, missing: r.missing, duplicated: r.duplicated }, { refused: 0, missing: 0, duplicated: 0 }, label);
        assert.ok(r.duplicatesDropped > 0, "the overlap delivered second copies, and they were dropped");
    }

    it("launch hour: the webhook is registered and every receiver has its secret", async () => {
        assert.deepEqual((await stack().up()).errors, []);
        assert.equal(sandbox().chatwoot.webhooks.length, 1);
        assert.equal(rotationStatus(await (await access(stack())).exportCheckpoint(), 0).phase, "steady");
    });

    it("rotates with messages streaming in: none refused, none missing, none stored twice", async () => {
        const old = sandbox().chatwoot.webhooks[0]!.secret!;
        const s = stream(sandbox(), PER_SECOND);
        const runs = await rotateTo(1);
        const result = await s.stop();
        assert.equal(runs.length, 2, "the rotation, then the update that drops the old secret");
        assertClean("clean rotation", result);
        await assertRotated(1, old);
    });

    it("rotates with over 20 % of the Fly, Supabase and Chatwoot webhook-API calls failing", async () => {
        const old = sandbox().chatwoot.webhooks[0]!.secret!;
        const chatwootApi = /^\/api(\/v1\/profile|\/v1\/accounts\/\d+\/webhooks.*)?$/;
        // 30 % planned: a rotation makes only a few dozen vendor calls, so the measured share must clear 20 % with margin
        const fly = randomFaults(4201, 0.3, { servers: ["fly", "supabase"] });
        const cw = randomFaults(4202, 0.3, { servers: ["chatwoot"] }).rules.filter((r) => !r.path).map((r) => ({ ...r, path: chatwootApi }));
        const logFrom = sandbox().log.length;
        sandbox().faults.set({ seed: 4201, rules: [...fly.rules, ...cw] });
        const s = stream(sandbox(), PER_SECOND);
        try {
            await rotateTo(2);
        } finally {
            sandbox().faults.clear();
        }
        const result = await s.stop();
        const calls = sandbox().log.slice(logFrom).filter((r) => r.server === "fly" || r.server === "supabase" || (r.server === "chatwoot" && chatwootApi.test(r.path)));
        const faults = calls.filter((r) => r.fault).length;
        console.log(`      faults: ${faults} of ${calls.length} Fly, Supabase and Chatwoot webhook-API calls (${((100 * faults) / calls.length).toFixed(1)} %)`);
        assert.ok(faults / calls.length >= 0.2, `only ${faults} of ${calls.length} calls failed`);
        assertClean("rotation under faults", result);
        await assertRotated(2, old);
    });

    it("killed after each phase in turn and resumed by up, converges with nothing refused, missing or doubled", async () => {
        const old = sandbox().chatwoot.webhooks[0]!.secret!;
        stack().config["hotdash:webhookRotation"] = 3;
        const a = await access(stack());
        const receiverWrite = (server: string, method: string): boolean => (server === "fly" || server === "supabase") && method !== "GET" && method !== "HEAD";
        const webhookApi = (verb: string) => (server: string, method: string, path: string): boolean => server === "chatwoot" && method === verb && /\/webhooks\/\d+$/.test(path);
        // each run is killed at the first request of the next phase (dropped unanswered, so that phase has not begun):
        // the phase the checkpoint must then show, and the request that stops the run (none: the run completes)
        const walk: readonly [RotationPhase, ((server: string, method: string, path: string) => boolean) | undefined][] = [
            ["registered", receiverWrite], // the new webhook exists, dormant; the receivers are next
            ["receivers-updated", webhookApi("PATCH")], // both secrets everywhere, agent rolled; subscribing the new webhook is next
            ["activated", webhookApi("DELETE")], // both webhooks deliver; deleting the old one is next
            ["old-deleted", undefined], // this run finishes: the old webhook is gone, its secret still accepted
            ["old-deleted", receiverWrite], // dropping the old secret is next
        ];
        const decide = sandbox().faults.decide.bind(sandbox().faults);
        let trigger: ((server: string, method: string, path: string) => boolean) | undefined;
        let killed = 0;
        sandbox().faults.decide = (server, method, path) => {
            if (trigger?.(server, method, path)) {
                trigger = undefined;
                killed = killPulumi();
                return { latencyMs: 0, before: { kind: "drop" } };
            }
            return decide(server, method, path);
        };
        const s = stream(sandbox(), PER_SECOND);
        const seen: string[] = [];
        try {
            for (const [phase, stop] of walk) {
                await recoverInterrupted(a, say);
                trigger = stop;
                killed = 0;
                const run = await stack().up();
                trigger = undefined;
                if (stop) assert.ok(killed > 0 && !run.ok, `the run was to be killed: ${run.errors.join("\n")}`);
                else assert.deepEqual(run.errors, []);
                const status = rotationStatus(await a.exportCheckpoint(), 3);
                seen.push(`${stop ? `killed (${killed} processes)` : "completed"} in ${status.phase}${status.pendingOperations.length ? ` with ${status.pendingOperations.join(", ")} pending` : ""}`);
                assert.equal(status.phase, phase, seen.join("\n"));
            }
            // resumed by up: the last phase's work, dropping the old secret
            const { runs, status } = await upThroughRotation(() => stack().up(), a, 3, say);
            assert.deepEqual(runs.flatMap((r) => r.errors), []);
            assert.equal(status.phase, "steady");
        } finally {
            sandbox().faults.decide = decide;
        }
        const result = await s.stop();
        console.log(`      runs: ${seen.join("; ")}`);
        const recovered = log.filter((l) => l.startsWith("an earlier update"));
        console.log(`      resume steps: ${recovered.join(" | ")}`);
        assert.ok(recovered.some((l) => l.includes("pulumi cancel")) && recovered.some((l) => l.includes("pending operations")), "the killed runs left a lock and pending operations, and up cleared them");
        assertClean("rotation killed at each phase", result);
        await assertRotated(3, old);
    });
});
