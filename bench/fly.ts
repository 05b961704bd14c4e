/**
 * Fly rolling deploys in the sandbox at real time: 3 machines, 50 ms of latency on every call, a 1 s boot and the
 * first check passing 0.5 s later. `fly.rolling_deploy_ratio` is the wall time of the deploy over its lower bound,
 * 3 x (update + boot + first passing check), target <= 1.15: the overhead of leases, waits and health polls.
 * The ratio is the median of 3 rounds.
 */
import { FlyMachinesApi, flyHttp } from "../providers/fly/client";
import { converge, DEFAULT_TIMEOUTS } from "../providers/fly/rollout";
import { startSandbox } from "../sandbox";
import { SANDBOX_CREDENTIALS as C } from "../sandbox/credentials";
import { APPS } from "../components/catalog";
import type { Benchmark } from "./benchmark";

const LATENCY_MS = 50;
const BOOT_MS = 1000;
const CHECK_MS = 500;
/** An app the sandbox serves, so the machines' checks probe a real `/health`. */
const APP = APPS.llamaindexMcp.name;

/** A deploy that left any machine off the new image, or not started, timed something else: the benchmark fails. */
export function requireDeployed(machines: readonly { readonly id: string; readonly state: string; readonly config: Readonly<Record<string, unknown>> }[], image: string, count: number): void {
    const wrong = machines.filter((m) => m.config["image"] !== image || m.state !== "started");
    if (machines.length !== count || wrong.length > 0) {
        throw new Error(`fly benchmark: the deploy left ${machines.length} machines (${count} expected), ${wrong.length} not started on ${image}: ${wrong.map((m) => `${m.id} ${m.state} ${String(m.config["image"])}`).join(", ")}`);
    }
}

export const flyBench: Benchmark = {
    name: "fly",
    description: "rolling deploy of 3 machines (50 ms latency, 1 s boot) vs its lower bound",
    async run() {
        const ratios: number[] = [];
        const sandbox = await startSandbox({ timeScale: 1 });
        try {
            sandbox.fly.bootMs = BOOT_MS;
            sandbox.fly.checkMs = CHECK_MS;
            const fly = new FlyMachinesApi(flyHttp({ apiUrl: `${sandbox.urls.fly}/v1`, token: C.flyOrgToken }));
            const spec = (image: string) => ({
                app: APP, group: "app", region: "iad", count: 3,
                config: {
                    image,
                    services: [{
                        protocol: "tcp" as const, internal_port: 8080, ports: [{ port: 443, handlers: ["tls", "http"] }],
                        checks: [{ type: "http" as const, port: 8080, path: "/health", interval: "15s", timeout: "5s" }],
                    }],
                },
            });
            for (let round = 0; round < 3; round++) {
                sandbox.reset();
                sandbox.fly.seedApp(APP);
                await converge(fly, spec(`registry.fly.io/bench@sha256:${"a".repeat(64)}`), DEFAULT_TIMEOUTS, false);
                sandbox.faults.set({ seed: round, rules: [{ kind: "latency", latencyMs: LATENCY_MS, servers: ["fly"] }] });
                const image = `registry.fly.io/bench@sha256:${"b".repeat(64)}`;
                const t0 = performance.now();
                await converge(fly, spec(image), DEFAULT_TIMEOUTS, false);
                const wall = performance.now() - t0;
                requireDeployed(sandbox.fly.live(APP), image, 3);
                ratios.push(wall / (3 * (LATENCY_MS + BOOT_MS + CHECK_MS)));
            }
            return { "fly.rolling_deploy_ratio": median(ratios) };
        } finally {
            await sandbox.stop();
        }
    },
};

function median(xs: readonly number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)]!;
}
