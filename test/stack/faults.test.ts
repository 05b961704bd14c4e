/**
 * The whole stack under faults, on Pulumi's real engine: with a fifth of all Fly, Supabase and Chatwoot calls failing
 * (429, 5xx, 408 on wait, connections dropped before and after the server acted), every seeded run still converges to
 * the declared state, read from the sandbox's own lists, not from Pulumi's state: exactly the declared apps, and for
 * each of the four (the monitoring app included) exactly its machines, IPs, certificates, volumes and secret names,
 * every machine known to the state (no orphan), no lease left held, one webhook for the agent's URL whose secret every
 * receiver has; the pre-launch dump taken once per image set; and a clean run afterwards makes no mutating call and no
 * new dump. Then Chatwoot's deliveries go out under faults on the agent service and PostgREST: every one that reaches
 * a machine verifies. A failing seed can be replayed alone: FAULT_SEED=<n>.
 */
import { createHash } from "node:crypto";
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REQUIRED_ENV } from "../../components/appEnv";
import { PREVIOUS_WEBHOOK_SECRET_ENV } from "../../providers/chatwoot/signature";
import { SANDBOX_CREDENTIALS as C } from "../../sandbox/credentials";
import { randomFaults } from "../../sandbox/faults";
import { call, useSandbox } from "../helpers/sandbox";
import { usePostgres } from "../helpers/postgres";
import { stackHarness } from "../helpers/stack";

const RUNS = 5;
const VENDORS = ["fly", "supabase", "chatwoot"];
/** Where a Chatwoot delivery goes: the agent service, which stores its draft through PostgREST. */
const DELIVERY_PATH = ["hotdash-agent-service", "supabase-rest"];
const DELIVERIES = 40;
// 22 % planned, so the measured share stays above the 20 % the acceptance asks for whatever the seeds draw
const RATE = 0.22;
const AGENT = "hotdash-agent-service";
const LLAMA = "hotdash-llamaindex-mcp";
const CHATWOOT = "hotdash-chatwoot";
const MONITOR = "hotdash-monitor";
const HOSTNAME = "support.hotdash.example";
const PASSWORD = "faults-canary-password";

/** What the stack declares for the sandbox config below, app by app. */
const DECLARED: Record<string, { groups: Record<string, number>; ips: string[]; certificates: string[]; volumes: string[]; secrets: readonly string[] }> = {
    // the webhook's receiver holds the previous secret's name too, equal to the current one outside a rotation
    [AGENT]: { groups: { app: 2 }, ips: ["shared_v4", "v6"], certificates: [], volumes: [], secrets: [...REQUIRED_ENV.agentService.secrets, PREVIOUS_WEBHOOK_SECRET_ENV].sort() },
    [LLAMA]: { groups: { app: 2 }, ips: ["shared_v4", "v6"], certificates: [], volumes: [], secrets: REQUIRED_ENV.llamaindexMcp.secrets },
    [CHATWOOT]: { groups: { web: 1, worker: 1 }, ips: ["shared_v4", "v6"], certificates: [HOSTNAME], volumes: ["chatwoot_storage"], secrets: REQUIRED_ENV.chatwoot.secrets },
    [MONITOR]: { groups: { prometheus: 1, alertmanager: 1, blackbox: 1 }, ips: [], certificates: [], volumes: [], secrets: ["ALERT_SLACK_WEBHOOK_URL"] },
};

describe("the stack under injected faults (real engine)", function () {
    this.timeout(1800000);
    const sandbox = useSandbox({ timeScale: 0.01 });
    const pg = usePostgres();
    let dumpDir: string;
    let savedPath: string | undefined;

    before(async () => {
        await pg().sql(`CREATE ROLE launch LOGIN PASSWORD '${PASSWORD}'; CREATE DATABASE launch OWNER launch;`);
        await pg().sql("SET ROLE launch; CREATE TABLE agent_approvals (id serial PRIMARY KEY, status text NOT NULL);", "launch");
        dumpDir = fs.mkdtempSync(path.join(os.tmpdir(), "hotdash-faults-dump-"));
        savedPath = process.env["PATH"];
        process.env["PATH"] = [pg().binDir, savedPath].join(path.delimiter); // the operator's pg_dump
    });
    after(() => {
        process.env["PATH"] = savedPath;
        fs.rmSync(dumpDir, { recursive: true, force: true });
    });

    /** The sandbox's own lists, per app: live machines by group, IP types, certificate hostnames, volume names, secret names. */
    function held(app: string): { groups: Record<string, number>; ips: string[]; certificates: string[]; volumes: string[]; secrets: string[] } {
        const fly = sandbox().fly;
        const a = fly.apps[app]!;
        const groups: Record<string, number> = {};
        for (const m of fly.live(app)) {
            const g = (m.config["metadata"] as Record<string, string>)["fly_process_group"]!;
            groups[g] = (groups[g] ?? 0) + 1;
        }
        return {
            groups,
            ips: a.ips.map((i) => i.type).sort(),
            certificates: Object.keys(a.certificates).sort(),
            volumes: a.volumes.filter((v) => v.state !== "destroyed").map((v) => v.name).sort(),
            secrets: Object.keys(a.secrets).sort(),
        };
    }

    it(`${RUNS} seeded runs with over 20 % of calls failing all converge to exactly what is declared, deliveries included`, async () => {
        const seeds = process.env["FAULT_SEED"] ? [Number(process.env["FAULT_SEED"])] : Array.from({ length: RUNS }, (_, i) => 1000 + i);
        let calls = 0;
        let faults = 0;
        let deliveryFaults = 0;
        let delivered = 0;
        for (const seed of seeds) {
            const at = `seed ${seed}`;
            sandbox().reset();
            for (const f of fs.readdirSync(dumpDir)) fs.rmSync(path.join(dumpDir, f));
            const h = stackHarness(sandbox(), {
                "hotdash:backups": { preLaunchDump: true, dumpDir },
                "hotdash:databaseUrl": `postgresql://launch:${PASSWORD}@127.0.0.1:${pg().port}/launch?sslmode=disable`,
            });
            const apps = (): Record<string, Record<string, unknown>> => structuredClone(h.config["hotdash:apps"]) as Record<string, Record<string, unknown>>;
            const withHost = apps();
            withHost["chatwoot"]!["hostname"] = HOSTNAME;
            h.config["hotdash:apps"] = withHost;
            sandbox().faults.set(randomFaults(seed, RATE, { servers: VENDORS }));
            const first = await h.up();
            // a new image for one app, under the same faults
            const next = `registry.fly.io/${AGENT}@sha256:${(seed % 16).toString(16).repeat(64)}`;
            const newImage = apps();
            newImage["agentService"]!["image"] = next;
            h.config["hotdash:apps"] = newImage;
            const second = await h.up();
            calls += sandbox().log.filter((r) => VENDORS.includes(r.server) && !r.probe).length;
            faults += sandbox().faults.total;
            sandbox().faults.clear();
            assert.deepEqual([...first.errors, ...second.errors], [], at);
            assert.deepEqual(sandbox().log.filter((r) => r.violation).map((r) => `${r.method} ${r.path}: ${r.violation}`), [], `${at}: answers outside the vendors' documents`);

            // what the vendors hold, from the sandbox's own lists
            const fly = sandbox().fly;
            assert.deepEqual(Object.keys(fly.apps).sort(), Object.keys(DECLARED).sort(), `${at}: apps`);
            for (const [app, declared] of Object.entries(DECLARED)) {
                const { secrets, ...rest } = declared;
                assert.deepEqual(held(app), { ...rest, secrets: [...secrets].sort() }, `${at}: ${app}`);
                assert.ok(fly.live(app).every((m) => m.state === "started"), `${at}: ${app} machines not all started`);
            }
            // every live machine is one the state knows: a machine created under a lost answer and then forgotten is an orphan
            const images = second.outputs["images"] as Record<string, Record<string, { machineIds: string[] }>>;
            const known = Object.values(images).flatMap((groups) => Object.values(groups).flatMap((g) => g.machineIds)).sort();
            const live = Object.values(fly.machines).filter((m) => m.state !== "destroyed").map((m) => m.id).sort();
            assert.deepEqual(live, known, `${at}: machines the state does not know of (orphans), or known ones gone`);
            assert.deepEqual(fly.live(AGENT).map((m) => m.config["image"]), [next, next], `${at}: agent image`);
            assert.deepEqual(fly.heldLeases().map((m) => m.id), [], `${at}: leases left held`);
            const hooks = sandbox().chatwoot.webhooks;
            assert.deepEqual(hooks.map((w) => w.url), [`${sandbox().urls[AGENT]}/webhooks/chatwoot`], `${at}: webhooks`);
            const secret = hooks[0]!.secret!;
            assert.deepEqual(fly.live(AGENT).map((m) => fly.machineEnv(m.id)["CHATWOOT_WEBHOOK_SECRET"]), [secret, secret], `${at}: agent secret`);
            assert.equal(sandbox().supabase.project.secrets["CHATWOOT_WEBHOOK_SECRET"]?.digest, createHash("sha256").update(secret).digest("hex"), `${at}: Supabase secret`);
            // the pre-launch dump: one before the first deploy, one for the new image, each a real archive
            const dumps = fs.readdirSync(dumpDir).sort();
            assert.equal(dumps.length, 2, `${at}: dumps ${dumps.join(", ")}`);
            assert.equal((second.outputs["backups"] as { preLaunchDump: string }).preLaunchDump, dumps[1], `${at}: the newest dump is the output`);
            for (const d of dumps) assert.equal(fs.readFileSync(path.join(dumpDir, d)).subarray(0, 5).toString(), "PGDMP", `${at}: ${d} is a pg_dump archive`);

            // converged means converged: a clean run changes nothing, dumps nothing, and every answer kept to the documents
            sandbox().log.length = 0;
            const third = await h.up();
            assert.deepEqual(third.errors, [], at);
            assert.deepEqual(sandbox().mutatingRequests(), [], `${at}: a clean run after the faults still had work to do`);
            assert.equal(fs.readdirSync(dumpDir).length, 2, `${at}: a clean run dumped again`);

            // Chatwoot's deliveries under faults on the receiving side: Chatwoot does not retry account webhooks, so a
            // faulted delivery is lost; every one that reaches a machine verifies with the secret the stack distributed
            sandbox().faults.set(randomFaults(seed, RATE, { servers: DELIVERY_PATH }));
            const before = sandbox().chatwoot.deliveries.length;
            for (let i = 0; i < DELIVERIES; i++) {
                sandbox().chatwoot.emit("message_created", { id: 1000 + i, content: `question ${i}`, message_type: "incoming", conversation: { id: 42 } });
            }
            await sandbox().chatwoot.settled();
            const injected = sandbox().faults.total;
            deliveryFaults += injected;
            sandbox().faults.clear();
            const outcomes = sandbox().chatwoot.deliveries.slice(before);
            assert.equal(outcomes.length, DELIVERIES, `${at}: one delivery per event`);
            const drafted = outcomes.filter((d) => d.status === 202).length;
            delivered += drafted;
            assert.deepEqual(sandbox().agentService.rejections, [], `${at}: deliveries refused by a machine's signature check`);
            // each failure is an injected fault (a 429 or 5xx from the agent, its 502 when PostgREST failed, a dropped connection)
            const failed = outcomes.filter((d) => d.status !== 202);
            assert.ok(failed.every((d) => d.error !== undefined || [429, 500, 502, 503].includes(d.status!)), `${at}: ${JSON.stringify(failed)}`);
            assert.ok(failed.length <= injected && (injected === 0) === (failed.length === 0), `${at}: ${failed.length} deliveries failed, ${injected} faults were injected`);
            const rows = await call(`${sandbox().urls["supabase-rest"]}/rest/v1/agent_approvals?select=id`, { method: "HEAD", headers: { apikey: C.supabaseServiceRoleKey, prefer: "count=exact" } });
            assert.ok(Number(rows.headers["content-range"]?.split("/")[1]) >= drafted, `${at}: ${drafted} drafts acknowledged, table holds ${rows.headers["content-range"]}`);
            h.dispose();
        }
        assert.ok(faults / calls >= 0.2, `only ${faults} of ${calls} calls failed`);
        console.log(`      ${seeds.length} runs, ${calls} vendor calls, ${faults} injected faults (${((100 * faults) / calls).toFixed(1)} %); ${seeds.length * DELIVERIES} deliveries, ${deliveryFaults} faults on their way, ${delivered} drafted`);
    });
});
