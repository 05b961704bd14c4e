/**
 * The whole stack under faults, on Pulumi's real engine: with a fifth of all Fly, Supabase and Chatwoot calls failing
 * (429, 5xx, 408 on wait, connections dropped before and after the server acted), every seeded run still converges to
 * the declared state: no duplicate machine, no lease left held, one webhook for the agent's URL whose secret every
 * receiver has, and a clean run afterwards makes no mutating call. A failing seed can be replayed alone:
 * FAULT_SEED=<n>.
 */
import { createHash } from "node:crypto";
import { strict as assert } from "node:assert";
import { randomFaults } from "../../sandbox/faults";
import { useSandbox } from "../helpers/sandbox";
import { stackHarness } from "../helpers/stack";

const RUNS = 5;
const VENDORS = ["fly", "supabase", "chatwoot"];
// 22 % planned, so the measured share stays above the 20 % the acceptance asks for whatever the seeds draw
const RATE = 0.22;
const AGENT = "hotdash-agent-service";
const DECLARED: Record<string, Record<string, number>> = {
    "hotdash-agent-service": { app: 2 },
    "hotdash-llamaindex-mcp": { app: 2 },
    "hotdash-chatwoot": { web: 1, worker: 1 },
};

describe("the stack under injected faults (real engine)", function () {
    this.timeout(1200000);
    const sandbox = useSandbox({ timeScale: 0.01 });

    it(`${RUNS} seeded runs with over 20 % of calls failing all converge, without duplicates or held leases`, async () => {
        const seeds = process.env["FAULT_SEED"] ? [Number(process.env["FAULT_SEED"])] : Array.from({ length: RUNS }, (_, i) => 1000 + i);
        let calls = 0;
        let faults = 0;
        for (const seed of seeds) {
            sandbox().reset();
            const h = stackHarness(sandbox());
            sandbox().faults.set(randomFaults(seed, RATE, { servers: VENDORS }));
            const first = await h.up();
            // a new image for one app, under the same faults
            const apps = structuredClone(h.config["hotdash:apps"]) as Record<string, Record<string, unknown>>;
            const next = `registry.fly.io/${AGENT}@sha256:${(seed % 16).toString(16).repeat(64)}`;
            apps["agentService"]!["image"] = next;
            h.config["hotdash:apps"] = apps;
            const second = await h.up();
            calls += sandbox().log.filter((r) => VENDORS.includes(r.server)).length;
            faults += sandbox().faults.total;
            sandbox().faults.clear();
            assert.deepEqual([...first.errors, ...second.errors], [], `seed ${seed}`);

            const fly = sandbox().fly;
            for (const [app, groups] of Object.entries(DECLARED)) {
                for (const [group, count] of Object.entries(groups)) {
                    const machines = fly.live(app).filter((m) => (m.config["metadata"] as Record<string, string>)["fly_process_group"] === group);
                    assert.equal(machines.length, count, `seed ${seed}: ${app}/${group} has ${machines.length} machines, declared ${count}`);
                    assert.ok(machines.every((m) => m.state === "started"), `seed ${seed}: ${app}/${group} not all started`);
                }
            }
            assert.deepEqual(fly.live(AGENT).map((m) => m.config["image"]), [next, next], `seed ${seed}: agent image`);
            assert.equal(fly.apps["hotdash-chatwoot"]!.volumes.filter((v) => v.state !== "destroyed").length, 1, `seed ${seed}: one volume`);
            assert.deepEqual(fly.heldLeases().map((m) => m.id), [], `seed ${seed}: leases left held`);
            const hooks = sandbox().chatwoot.webhooks;
            assert.deepEqual(hooks.map((w) => w.url), [`${sandbox().urls["hotdash-agent-service"]}/webhooks/chatwoot`], `seed ${seed}: webhooks`);
            const secret = hooks[0]!.secret!;
            assert.deepEqual(fly.live(AGENT).map((m) => fly.machineEnv(m.id)["CHATWOOT_WEBHOOK_SECRET"]), [secret, secret], `seed ${seed}: agent secret`);
            assert.equal(sandbox().supabase.project.secrets["CHATWOOT_WEBHOOK_SECRET"]?.digest, createHash("sha256").update(secret).digest("hex"), `seed ${seed}: Supabase secret`);

            // converged means converged: a clean run changes nothing
            sandbox().log.length = 0;
            const third = await h.up();
            assert.deepEqual(third.errors, []);
            assert.deepEqual(sandbox().mutatingRequests(), [], `seed ${seed}: a clean run after the faults still had work to do`);
            h.dispose();
        }
        assert.ok(faults / calls >= 0.2, `only ${faults} of ${calls} calls failed`);
        console.log(`      ${seeds.length} runs, ${calls} vendor calls, ${faults} injected faults (${((100 * faults) / calls).toFixed(1)} %)`);
    });
});
