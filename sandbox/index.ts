/**
 * The local sandbox: one process, one loopback server per vendor API and per app, sharing a fault injector and a
 * request log. Tests start it on free ports and reset it between cases; `npm run sandbox` starts it on the fixed
 * ports that `Pulumi.sandbox.yaml` names.
 */
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { AppServer } from "./apps";
import { AgentServiceServer } from "./agentService";
import { ChatwootServer } from "./chatwoot";
import { FaultInjector, type FaultPlan } from "./faults";
import { FlyServer } from "./fly";
import { openSandboxDatabase, type SandboxDatabase, sandboxDataDir } from "./database";
import { type SandboxMonitoring, startMonitoring } from "./monitoring";
import { PostgrestServer } from "./postgrest";
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
    /**
     * File the sandbox keeps its state in across restarts (read at start, written as it changes and at stop); its
     * database cluster is kept beside it, in `postgres/`. Defaults to none: memory only, and a fresh database in the
     * process's shared cluster, dropped at stop.
     */
    readonly stateFile?: string;
    /** Run the real Prometheus, blackbox exporter and Alertmanager against the apps, and Fly's metrics API on the Fly server (sandbox/monitoring.ts). Defaults to false: boot stays fast. */
    readonly monitoring?: boolean;
    /** Port of the database of a sandbox with a state file; 0 or absent picks a free one. */
    readonly databasePort?: number;
}

export interface Sandbox {
    readonly fly: FlyServer;
    readonly supabase: SupabaseServer;
    readonly supabaseRest: PostgrestServer;
    readonly chatwoot: ChatwootServer;
    readonly agentService: AgentServiceServer;
    readonly llamaindexMcp: AppServer;
    readonly slack: SlackServer;
    /** The monitoring daemons, in monitoring mode. */
    readonly monitoring?: SandboxMonitoring;
    /** The project's PostgreSQL database: its URL (`hotdash:databaseUrl`), and a pool for tests. */
    readonly database: SandboxDatabase;
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
    /** Back to the initial state: data (the database's tables too), faults, log and rate limits (and the state file, if it has one). */
    reset(): Promise<void>;
    stop(): Promise<void>;
}

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
    const faults = new FaultInjector();
    if (opts.faults) faults.set(opts.faults);
    const log: LoggedRequest[] = [];
    const ctx: SandboxContext = { faults, log, timeScale: opts.timeScale ?? 1, instance: randomUUID() };
    // the database first: the Supabase servers serve it; a state file that is gone (reset) empties it too
    const stateDir = opts.stateFile ? path.dirname(opts.stateFile) : undefined;
    const database = await openSandboxDatabase(stateDir
        ? { dataDir: sandboxDataDir(stateDir), port: opts.databasePort ?? 0, empty: !fs.existsSync(opts.stateFile!) }
        : {});
    // where the stack's pre-launch dumps go: beside the state, or a temporary directory removed at stop
    const dumpDir = stateDir ? path.join(stateDir, "backups") : fs.mkdtempSync(path.join(os.tmpdir(), "hotdash-sandbox-dumps-"));
    const fly = new FlyServer(ctx);
    const supabase = new SupabaseServer(ctx, { databaseUrl: database.url });
    const supabaseRest = new PostgrestServer(ctx, database);
    const chatwoot = new ChatwootServer(ctx);
    // the agent service answers with the environment its machines in the sandbox's Fly run with
    const agentService = new AgentServiceServer(ctx, APPS.agentService.name, AGENT_WEBHOOK_PATH, () =>
        fly.live(APPS.agentService.name).filter((m) => m.state === "started").map((m) => ({ ...fly.machineEnv(m.id), FLY_MACHINE_ID: m.id })));
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
        await database.stop();
        const e = err as NodeJS.ErrnoException;
        if (e.code === "EADDRINUSE") {
            throw new Error(`sandbox: a port is already in use (${e.message}); stop the other sandbox (Ctrl-C in its terminal) or pick other ports`);
        }
        throw err;
    }
    fly.appUrls = { [APPS.agentService.name]: agentService.url, [APPS.llamaindexMcp.name]: llamaindexMcp.url, [APPS.chatwoot.name]: chatwoot.url };
    let monitoring: SandboxMonitoring | undefined;
    if (opts.monitoring) {
        try {
            monitoring = await startMonitoring({ urls: serverUrls(servers), log, timeScale: ctx.timeScale, stackConfig: sandboxStackConfig(serverUrls(servers), database.url, dumpDir) });
        } catch (err) {
            await Promise.all(started.map((s) => s.close()));
            await database.stop();
            throw err;
        }
        fly.prometheus = monitoring.query;
    }
    const persistence = opts.stateFile ? persist(opts.stateFile, servers) : undefined;
    const urls = serverUrls(servers);

    const reset = async (): Promise<void> => {
        for (const s of Object.values(servers)) s.reset();
        faults.clear();
        log.length = 0;
        persistence?.save();
        await supabaseRest.settled();
    };
    ctx.resetAll = reset;
    return {
        fly, supabase, supabaseRest, chatwoot, agentService, llamaindexMcp, slack, ...(monitoring ? { monitoring } : {}), database, urls, faults, log, instance: ctx.instance,
        mutatingRequests: (server) => log.filter((r) => r.method !== "GET" && r.method !== "HEAD" && (!server || r.server === server)),
        stackConfig: () => sandboxStackConfig(urls, database.url, dumpDir),
        reset,
        stop: async () => {
            await Promise.all([...Object.values(servers).map((s) => s.close()), monitoring?.stop()]);
            persistence?.stop();
            await database.stop();
            if (!stateDir) fs.rmSync(dumpDir, { recursive: true, force: true });
        },
    };
}

function serverUrls(servers: Readonly<Record<SandboxServerName, VendorServer>>): Record<SandboxServerName | "hotdash-chatwoot", string> {
    return {
        ...Object.fromEntries(Object.entries(servers).map(([name, s]) => [name, s.url])),
        "hotdash-chatwoot": servers.chatwoot.url, // Chatwoot is the hotdash-chatwoot app
    } as Record<SandboxServerName | "hotdash-chatwoot", string>;
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

/** The sandbox project's database URL at a port: Supabase's `postgres` user and database, on this machine. */
export function sandboxDatabaseUrl(port: number): string {
    return `postgresql://postgres:${SANDBOX_CREDENTIALS.supabaseDbPassword}@127.0.0.1:${port}/postgres`;
}

/**
 * The hotdash config of a stack whose endpoints are these sandbox URLs and this database (the pre-launch dump's);
 * `dumpDir` where the dumps go (defaults to the config's default, `backups`).
 */
export function sandboxStackConfig(urls: Readonly<Record<SandboxServerName | "hotdash-chatwoot", string>>, databaseUrl: string, dumpDir?: string): Record<string, unknown> {
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
        ...(dumpDir ? { "hotdash:backups": { dumpDir } } : {}),
        "hotdash:launch": { windowStart: "2025-10-13", windowEnd: "2025-10-15" },
        "hotdash:tokenExpiry": { supabase: "2099-12-31" },
        "hotdash:readiness": SANDBOX_READINESS,
        "hotdash:flyApiToken": c.flyOrgToken,
        "hotdash:supabaseAccessToken": c.supabaseAccessToken,
        "hotdash:chatwootApiToken": c.chatwootAdminToken,
        "hotdash:supabaseServiceRoleKey": c.supabaseServiceRoleKey,
        "hotdash:alertSlackWebhookUrl": `${urls.slack}${SLACK_WEBHOOK_PATH}`,
        "hotdash:databaseUrl": databaseUrl,
        "hotdash:chatwootDatabaseUrl": SANDBOX_CHATWOOT_DATABASE_URL,
        "hotdash:chatwootRedisUrl": SANDBOX_CHATWOOT_REDIS_URL,
    };
}

/** The checklist's human items in the sandbox: each with a stand-in owner, confirmed, so a healthy sandbox is GO. */
export const SANDBOX_READINESS = {
    teamAssembled: { owner: "sandbox-launch-commander", confirmed: true },
    onCall: { owner: "sandbox-on-call", confirmed: true },
    operatorsTrained: { owner: "sandbox-support-lead", confirmed: true },
    communicationPlan: { owner: "sandbox-launch-commander", confirmed: true },
    rollbackRehearsed: { owner: "sandbox-engineering-lead", confirmed: true },
    migrationsApplied: { owner: "sandbox-engineering-lead", confirmed: true },
    errorHandlingTested: { owner: "sandbox-engineering-lead", confirmed: true },
    uiTested: { owner: "sandbox-product-lead", confirmed: true },
    docsReady: { owner: "sandbox-support-lead", confirmed: true },
} as const;

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
