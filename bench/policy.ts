/**
 * The policy pack's cost: every rule over a synthetic planned stack of 5,000 and of 10,000 resources (Fly apps with
 * secrets, machine groups with full machine configs, volumes; plus LaunchFacts and the Supabase and Chatwoot
 * resources), normalization included, over 7 interleaved rounds after a warm-up. `policy.eval_5000_ms` should stay under
 * 1000 and `policy.scaling_ratio` (10,000 over 5,000) at most 2.2, i.e. linear.
 */
import { groupMachineConfig, DEFAULT_GUEST } from "../components/fly/machineSpec";
import { evaluatePack } from "../policies/framework/evaluate";
import { StackView, TYPES, type RawResource } from "../policies/framework/stack";
import { RULES } from "../policies/rules";
import type { Benchmark } from "./benchmark";

function resource(type: keyof typeof TYPES, name: string, props: Record<string, unknown>): RawResource {
    return { type: TYPES[type], name, urn: `urn:pulumi:bench::hotdash-launch::${TYPES[type]}::${name}`, props };
}

/** A planned stack of about `n` resources: five per synthetic app, plus the launch's singletons. */
export function syntheticStack(n: number): RawResource[] {
    const out: RawResource[] = [
        resource("LaunchFacts", "hotdash-launch-facts", {
            environment: "production",
            launchWindow: { start: "2025-10-13", end: "2025-10-15", minTokenValidityDays: 14 },
            tokens: { fly: { format: "fly-macaroon", expires: "2026-06-30" }, supabase: { format: "supabase-pat", expires: "2026-06-30" }, chatwoot: { format: "chatwoot-token", expires: "never" } },
            monitoring: { errorRatePercent: 0.1, p95LatencyMs: 500, webhookDeliveryPercent: 99, draftGenerationSeconds: 3, queueDepth: 50, window: "5m", alertChannel: "#launch-war-room", alertWebhookConfigured: true },
            webhooksEnabled: false,
            waivers: [{ ruleId: "HD-IMG-001", resource: "bench-app-0-machines-app", reason: "bench", approver: "bench", expires: "2099-12-31" }],
        }),
        resource("SupabaseSslEnforcement", "ssl", { apiUrl: "https://api.supabase.com", projectRef: "abcdefghijklmnopqrst", enabled: true }),
        resource("SupabaseBackups", "backups", { apiUrl: "https://api.supabase.com", projectRef: "abcdefghijklmnopqrst", scheduleFor: "04:00:00", pitr: false, maxBackupAgeHours: 26 }),
    ];
    for (let i = 0; out.length < n; i++) {
        const app = `bench-app-${i}`;
        const env = { SUPABASE_URL: "https://abcdefghijklmnopqrst.supabase.co", CHATWOOT_BASE_URL: `https://${app}.fly.dev`, FRONTEND_URL: `https://support-${i}.example.com`, NODE_ENV: "production", FLAG: `value-${i}` };
        out.push(
            resource("FlyApp", `${app}-app`, { apiUrl: "https://api.machines.dev/v1", name: app, org: "hotdash" }),
            resource("FlySecrets", `${app}-secrets`, { apiUrl: "https://api.machines.dev/v1", app, values: { API_TOKEN: `secret-${i}-abcdef`, SUPABASE_SERVICE_ROLE_KEY: `role-${i}-abcdef` } }),
            resource("FlyMachineGroup", `${app}-machines-app`, {
                apiUrl: "https://api.machines.dev/v1", app, group: "app", region: "iad", count: 2,
                config: groupMachineConfig({ image: `registry.fly.io/${app}@sha256:${"b".repeat(64)}`, region: "iad", group: "app", spec: { machines: 2, public: true }, env, internalPort: 8080, healthPath: "/health", guest: DEFAULT_GUEST }),
            }),
            resource("FlyVolumes", `${app}-volume`, { apiUrl: "https://api.machines.dev/v1", app, name: "data", region: "iad", sizeGb: 10, count: 1, snapshotRetention: 14, autoBackupEnabled: true }),
            resource("FlyCertificate", `${app}-cert`, { apiUrl: "https://api.machines.dev/v1", app, hostname: `support-${i}.example.com` }),
        );
    }
    return out.slice(0, n);
}

function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)]!;
}

/** Milliseconds to evaluate the whole pack (or `rules`) over `stack`, median of `runs`; a pack with nothing to say fails. */
export function timePack(stack: readonly RawResource[], runs = 5, rules: typeof RULES = RULES): number {
    const times: number[] = [];
    for (let r = 0; r < runs; r++) {
        const t0 = performance.now();
        const ev = evaluatePack(rules, StackView.of(stack), { now: new Date("2025-10-01T12:00:00Z"), stack: "bench" });
        if (ev.findings.length === 0) throw new Error("policy benchmark: the pack found nothing to say, so it timed no rule's work");
        times.push(performance.now() - t0);
    }
    return median(times);
}

export const policyBench: Benchmark = {
    name: "policy",
    description: "the whole policy pack over synthetic planned stacks of 5,000 and 10,000 resources",
    async run() {
        const small = syntheticStack(5000);
        const large = syntheticStack(10000);
        timePack(small, 3); // warm-up: JIT and the regular expressions, at both sizes
        timePack(large, 2);
        // interleaved rounds, so machine noise and GC hit both sizes alike
        const t5: number[] = [];
        const t10: number[] = [];
        for (let round = 0; round < 7; round++) {
            t5.push(timePack(small, 1));
            t10.push(timePack(large, 1));
        }
        // the median for the figure a user waits; the fastest round of each size for the ratio, which is what the
        // code costs without the collector's pauses (they grow with the heap, not with the pack's work)
        return { "policy.eval_5000_ms": median(t5), "policy.scaling_ratio": Math.min(...t10) / Math.min(...t5) };
    },
};
