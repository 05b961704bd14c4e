/**
 * `gonogo.wall_vs_slowest_probe`: the go/no-go's wall time over its slowest probe, both measured in the same run,
 * with every sandbox route the probes call slowed to its own latency between 300 ms and 2 s (seeded, one latency
 * per route, so each probe takes 300 ms to a few seconds). Probes run concurrently, so the target is <= 1.2: the
 * whole go/no-go costs little more than its slowest probe. The plan (`pulumi preview --policy-pack`, which calls no
 * vendor and is not slowed) is made once on the healthy stack and supplied, as the probes-only runs of the tests
 * do; its own time is printed beside. Median of 3 rounds (seeds).
 */
import { runGoNoGo } from "../ops/gonogo/run";
import { isBlocker } from "../ops/report/model";
import { startSandbox } from "../sandbox";
import { seededRandom, type FaultRule } from "../sandbox/faults";
import { ROOT, stackHarness, testPulumi } from "../test/helpers/stack";
import { ALL_CONFIRMED, targetOf } from "../test/ops/gonogo/helpers";
import type { Benchmark } from "./benchmark";

/** Every route the probes call, each matched by exactly one rule. */
const ROUTES: readonly [string, RegExp][] = [
    ["fly", /^\/v1\/apps\/[^/]+$/], ["fly", /\/machines$/], ["fly", /\/certificates\//],
    ["supabase", /^\/v1\/profile$/], ["supabase", /^\/v1\/projects\/[^/]+$/], ["supabase", /\/ssl-enforcement$/],
    ["supabase", /\/database\/backups$/], ["supabase", /\/secrets$/],
    ["chatwoot", /^\/api\/v1\/profile$/], ["chatwoot", /\/webhooks$/], ["chatwoot", /\/messages$/], ["chatwoot", /^\/health$/],
    ["supabase-rest", /^\/rest\/v1\/agent_approvals$/],
    ["hotdash-agent-service", /^\/health$/], ["hotdash-agent-service", /^\/metrics$/], ["hotdash-agent-service", /^\/webhooks\/chatwoot$/],
    ["hotdash-llamaindex-mcp", /^\/health$/], ["slack", /^\/services\//],
];

export function routeLatencies(seed: number): FaultRule[] {
    const random = seededRandom(seed);
    return ROUTES.map(([server, path]) => ({ kind: "latency", servers: [server], path, latencyMs: Math.round(300 + random() * 1700) }));
}

export const goNoGoBench: Benchmark = {
    name: "gonogo",
    description: "go-no-go's wall time vs its slowest probe, every sandbox route slowed to 300 ms-2 s",
    async run() {
        const sandbox = await startSandbox({ timeScale: 0.01 });
        const h = stackHarness(sandbox, { "hotdash:readiness": ALL_CONFIRMED });
        try {
            const up = await h.up();
            if (!up.ok) throw new Error(`up failed: ${up.errors.join("; ")}`);
            const pulumi = await testPulumi();
            const healthy = await runGoNoGo({ projectDir: ROOT, stack: "sandbox", target: targetOf(h), pulumi });
            const plan = healthy.plan;
            if (!plan?.ok || plan.steps.length) throw new Error(`the healthy stack's plan is not clean: ${healthy.report.items.filter((i) => isBlocker(i) && i.id.startsWith("GNG-P")).map((i) => i.message).join("; ")}`);
            console.log(`# gonogo: the healthy stack is ${healthy.report.verdict}${healthy.report.passed ? "" : ` (${healthy.report.items.filter(isBlocker).map((i) => i.message).join("; ")})`}`);
            console.log(`# gonogo: the plan (pulumi preview --policy-pack) took ${(plan.ms / 1000).toFixed(1)} s on the healthy stack`);
            const ratios: number[] = [];
            for (let seed = 1; seed <= 3; seed++) {
                sandbox.faults.set({ seed, rules: routeLatencies(seed) });
                const run = await runGoNoGo({ projectDir: ROOT, stack: "sandbox", target: targetOf(h), pulumi, plan, draftTimeoutSeconds: 30 });
                sandbox.faults.clear();
                const slowest = run.report.timings[0]!;
                const ratio = run.report.wallMs / slowest.ms;
                ratios.push(ratio);
                console.log(`# gonogo round ${seed}: wall ${(run.report.wallMs / 1000).toFixed(2)} s, slowest probe ${slowest.probe} ${(slowest.ms / 1000).toFixed(2)} s, ${run.report.timings.length} probes summing ${(run.report.timings.reduce((a, t) => a + t.ms, 0) / 1000).toFixed(1)} s; ratio ${ratio.toFixed(3)}`);
            }
            return { "gonogo.wall_vs_slowest_probe": [...ratios].sort((a, b) => a - b)[1]! };
        } finally {
            h.dispose();
            await sandbox.stop();
        }
    },
};
