/**
 * The local sandbox: one process, one loopback server per vendor API and per app, sharing a fault injector and a
 * request log. Tests start it on free ports and reset it between cases; `npm run sandbox` starts it on the fixed
 * ports that `Pulumi.sandbox.yaml` names.
 */
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { AppServer } from "./apps";
import { AgentServiceServer } from "./agentService";
import { ChatwootServer } from "./chatwoot";
import { FaultInjector, type FaultPlan } from "./faults";
import { FlyServer } from "./fly";
import { PostgrestServer, Tables } from "./postgrest";
import type { LoggedRequest, SandboxContext, VendorServer } from "./server";
import { SlackServer, SLACK_WEBHOOK_PATH } from "./slack";
import { SupabaseServer } from "./supabase";
import { SANDBOX_CREDENTIALS, type SandboxServerName } from "./credentials";
import { AGENT_WEBHOOK_PATH, APPS } from "../components/catalog";

export interface SandboxOptions {
    /** Port per server; 0 or absent picks a free one. */
    readonly ports?: Partial<Record<SandboxServerName, number>>;
    /** 1 is real time; smaller values shrink boot delays and rate-limit windows for tests. Defaults to 1. */
    readonly timeScale?: number;
    /** Faults to inject from the start. Defaults to none. */
    readonly faults?: FaultPlan;
    /** File the sandbox keeps its state in across restarts (read at start, written as it changes and at stop). Defaults to none: memory only. */
    readonly stateFile?: string;
}

export interface Sandbox {
    readonly fly: FlyServer;
    readonly supabase: SupabaseServer;
    readonly supabaseRest: PostgrestServer;
    readonly chatwoot: ChatwootServer;
    readonly agentService: AgentServiceServer;
    readonly llamaindexMcp: AppServer;
    readonly slack: SlackServer;
    /** Base URL of every server, by name. */
    readonly urls: Readonly<Record<SandboxServerName | "hotdash-chatwoot", string>>;
    readonly faults: FaultInjector;
    /** Random id of this sandbox process (also at `<any server>/__sandbox`). */
    readonly instance: string;
    /** Every request every server saw, in order. */
    readonly log: LoggedRequest[];
    /** Requests that could change state (anything but GET and HEAD), optionally for one server. */
    mutatingRequests(server?: string): LoggedRequest[];
    /** The `hotdash` config of a stack pointed at this sandbox, as `Pulumi.sandbox.yaml` is at the default ports. */
    stackConfig(): Record<string, unknown>;
    /** Back to the initial state: data, faults, log and rate limits (and the state file, if it has one). */
    reset(): void;
    stop(): Promise<void>;
}

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
    const faults = new FaultInjector();
    if (opts.faults) faults.set(opts.faults);
    const log: LoggedRequest[] = [];
    const ctx: SandboxContext = { faults, log, timeScale: opts.timeScale ?? 1, instance: randomUUID() };
    const tables = new Tables();
    const fly = new FlyServer(ctx);
    const supabase = new SupabaseServer(ctx);
    const supabaseRest = new PostgrestServer(ctx, tables);
    const chatwoot = new ChatwootServer(ctx);
    // the agent service answers with the environment its machines in the sandbox's Fly run with
    const agentService = new AgentServiceServer(ctx, APPS.agentService.name, AGENT_WEBHOOK_PATH, () =>
        fly.live(APPS.agentService.name).filter((m) => m.state === "started").map((m) => fly.machineEnv(m.id)));
    const llamaindexMcp = new AppServer(ctx, APPS.llamaindexMcp.name);
    const slack = new SlackServer(ctx);
    // Fly's checks probe the app each machine serves, forced to that machine, which answers as its image does
    const serving = (id: string) => fly.serving(id);
    agentService.servedBy = serving;
    llamaindexMcp.servedBy = serving;
    chatwoot.servedBy = serving;
    const servers: Record<SandboxServerName, VendorServer> = {
        fly, supabase, "supabase-rest": supabaseRest, chatwoot,
        "hotdash-agent-service": agentService, "hotdash-llamaindex-mcp": llamaindexMcp, slack,
    };
    const started: VendorServer[] = [];
    try {
        for (const [name, server] of Object.entries(servers) as [SandboxServerName, VendorServer][]) {
            await server.listen(opts.ports?.[name] ?? 0);
            started.push(server);
        }
    } catch (err) {
        await Promise.all(started.map((s) => s.close()));
        const e = err as NodeJS.ErrnoException;
        if (e.code === "EADDRINUSE") {
            throw new Error(`sandbox: a port is already in use (${e.message}); stop the other sandbox (Ctrl-C in its terminal) or pick other ports`);
        }
        throw err;
    }
    fly.appUrls = { [APPS.agentService.name]: agentService.url, [APPS.llamaindexMcp.name]: llamaindexMcp.url, [APPS.chatwoot.name]: chatwoot.url };
    const persistence = opts.stateFile ? persist(opts.stateFile, servers) : undefined;
    const urls = {
        ...Object.fromEntries(Object.entries(servers).map(([name, s]) => [name, s.url])),
        "hotdash-chatwoot": chatwoot.url, // Chatwoot is the hotdash-chatwoot app
    } as Record<SandboxServerName | "hotdash-chatwoot", string>;

    const reset = (): void => {
        for (const s of Object.values(servers)) s.reset();
        faults.clear();
        log.length = 0;
        persistence?.save();
    };
    ctx.resetAll = reset;
    return {
        fly, supabase, supabaseRest, chatwoot, agentService, llamaindexMcp, slack, urls, faults, log, instance: ctx.instance,
        mutatingRequests: (server) => log.filter((r) => r.method !== "GET" && r.method !== "HEAD" && (!server || r.server === server)),
        stackConfig: () => sandboxStackConfig(urls),
        reset,
        stop: async () => {
            await Promise.all(Object.values(servers).map((s) => s.close()));
            persistence?.stop();
        },
    };
}

/** Where the sandbox of a project keeps its state, relative to the project directory. */
export const SANDBOX_STATE_FILE = path.join(".sandbox", "sandbox.json");

/** The state file's shape: each server's snapshot by name. */
interface StateFile {
    readonly version: 1;
    readonly servers: Readonly<Record<string, unknown>>;
}

/**
 * Restores the servers from the state file, then writes it whenever their state changed (checked every 250 ms, so
 * what timers change, such as a machine finishing its boot, is kept too) and once more at stop.
 */
function persist(file: string, servers: Readonly<Record<string, VendorServer>>): { save(): void; stop(): void } {
    if (fs.existsSync(file)) {
        let saved: StateFile;
        try {
            saved = JSON.parse(fs.readFileSync(file, "utf8")) as StateFile;
        } catch (e) {
            throw new Error(`sandbox: the state file ${file} is unreadable (${(e as Error).message}); remove it to start from an empty sandbox (npx launch reset --stack sandbox)`);
        }
        for (const [name, state] of Object.entries(saved.servers)) if (state !== undefined) servers[name]?.restore(state);
    }
    let last = "";
    const save = (): void => {
        const text = JSON.stringify({ version: 1, servers: Object.fromEntries(Object.entries(servers).map(([n, s]) => [n, s.snapshot()])) } satisfies StateFile);
        if (text === last) return;
        fs.mkdirSync(path.dirname(file), { recursive: true });
        const tmp = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, text, { mode: 0o600 });
        fs.renameSync(tmp, file); // whole or not at all
        last = text;
    };
    save();
    const timer = setInterval(save, 250);
    timer.unref();
    return { save, stop: () => { clearInterval(timer); save(); } };
}

/** The hotdash config of a stack whose endpoints are these sandbox URLs. */
export function sandboxStackConfig(urls: Readonly<Record<SandboxServerName | "hotdash-chatwoot", string>>): Record<string, unknown> {
    const c = SANDBOX_CREDENTIALS;
    const image = (app: string, digest: string): string => `registry.fly.io/${app}@sha256:${digest}`;
    return {
        "hotdash:environment": "sandbox",
        "hotdash:fly": { apiUrl: `${urls.fly}/v1`, org: c.flyOrg, primaryRegion: "iad" },
        "hotdash:supabase": { apiUrl: urls.supabase, projectRef: c.supabaseProjectRef, url: urls["supabase-rest"] },
        "hotdash:chatwoot": { accountId: c.chatwootAccountId },
        "hotdash:apps": {
            agentService: { image: image(APPS.agentService.name, SANDBOX_IMAGE_DIGESTS.agentService), publicUrl: urls["hotdash-agent-service"] },
            llamaindexMcp: { image: image(APPS.llamaindexMcp.name, SANDBOX_IMAGE_DIGESTS.llamaindexMcp), publicUrl: urls["hotdash-llamaindex-mcp"] },
            chatwoot: {
                image: `chatwoot/chatwoot:v4.15.1@sha256:${SANDBOX_IMAGE_DIGESTS.chatwoot}`,
                publicUrl: urls["hotdash-chatwoot"],
                machines: { web: 1, worker: 1 },
            },
        },
        "hotdash:monitoring": { images: SANDBOX_MONITOR_IMAGES },
        "hotdash:webhooksEnabled": true,
        "hotdash:backups": { preLaunchDump: false },
        "hotdash:launch": { windowStart: "2025-10-13", windowEnd: "2025-10-15" },
        "hotdash:tokenExpiry": { fly: "2099-12-31", supabase: "2099-12-31" },
        "hotdash:flyApiToken": c.flyOrgToken,
        "hotdash:supabaseAccessToken": c.supabaseAccessToken,
        "hotdash:chatwootApiToken": c.chatwootAdminToken,
        "hotdash:supabaseServiceRoleKey": c.supabaseServiceRoleKey,
        "hotdash:alertSlackWebhookUrl": `${urls.slack}${SLACK_WEBHOOK_PATH}`,
        "hotdash:chatwootDatabaseUrl": SANDBOX_CHATWOOT_DATABASE_URL,
        "hotdash:chatwootRedisUrl": SANDBOX_CHATWOOT_REDIS_URL,
    };
}

/** Chatwoot's own database and Redis in the sandbox: names only, as no sandbox machine really connects. */
export const SANDBOX_CHATWOOT_DATABASE_URL = "postgresql://chatwoot:sandbox-db-password@127.0.0.1:5432/chatwoot_production";
export const SANDBOX_CHATWOOT_REDIS_URL = "redis://:sandbox-redis-password@127.0.0.1:6379/0";

/** The monitoring app's images in the sandbox (sha256 of `prom/<image>:sandbox`). */
export const SANDBOX_MONITOR_IMAGES = {
    prometheus: "prom/prometheus@sha256:71b543ac0103f5253bcf53138e71a859072693cb42c5a0cd459370c4a077c0ca",
    alertmanager: "prom/alertmanager@sha256:32a7da85dc08fa7a02559e2243a1c4856c24f63fd9cc7d62326819d421c69615",
    blackbox: "prom/blackbox-exporter@sha256:fde55d53f444c5b021d7894e084a677f3cbd2fb6c4707dc74d3cf67971edde1c",
} as const;

/** Digests of the sandbox's first images (sha256 of `<app>:sandbox-v1`). */
export const SANDBOX_IMAGE_DIGESTS = {
    agentService: "6cda3465c11130becedd1dd2fddf611294077ac559b293db526ed26813ae787c",
    llamaindexMcp: "67d72d732517fe3d67b4600acb996d554e42ffa48546e58f46dcea720d1c6c29",
    chatwoot: "6ec1d3c7be92580f656470b61b48b8a00f5641a7aec847d8f1806aa5a899bd32",
} as const;
