/**
 * The Supabase Management API (`https://api.supabase.com`), as its document and the recorded real responses
 * describe it: Bearer PATs, `{"message": ...}` errors, 120 requests a minute per token and project with the
 * `x-ratelimit-*` headers on every answer, secrets listed as SHA-256 digests, SSL enforcement applied asynchronously.
 */
import { createHash, randomUUID } from "node:crypto";
import { OpenApiValidator } from "./openapi";
import { FixedWindows, secondsHeader } from "./ratelimit";
import { authToken, type SandboxContext, type SandboxRequest, type SandboxResponse, VendorServer } from "./server";
import { SANDBOX_CREDENTIALS } from "./credentials";

/** Secrets the platform injects into every project; they cannot be created, changed or deleted. */
export const PLATFORM_SECRETS = ["SUPABASE_URL", "SUPABASE_DB_URL", "SUPABASE_ANON_KEY", "SUPABASE_SERVICE_ROLE_KEY"];

interface Secret {
    readonly digest: string;
    readonly updatedAt: string;
}

interface Backup {
    readonly id: number;
    readonly status: "COMPLETED" | "FAILED" | "PENDING" | "REMOVED" | "ARCHIVED" | "CANCELLED";
    readonly insertedAt: string;
}

interface ProjectState {
    readonly ref: string;
    secrets: Record<string, Secret>;
    ssl: { requested: boolean; current: boolean; appliesAt: number };
    sslConfigurable: boolean;
    pitrEnabled: boolean;
    backups: Backup[];
    schedule: { scheduleFor: string; updatedAt: string; changes: number[] };
    network: { v4: string[]; v6: string[]; appliedAt: string };
}

export interface SupabaseOptions {
    readonly projectRef?: string;
    readonly accessToken?: string;
    /** How long an SSL-enforcement change takes to apply, in real milliseconds (scaled). Defaults to 0. */
    readonly sslApplyMs?: number;
    /** The project database's URL, which the platform injects as SUPABASE_DB_URL. Defaults to none (a placeholder's digest). */
    readonly databaseUrl?: string;
}

export class SupabaseServer extends VendorServer {
    protected override validator = new OpenApiValidator(require("./specs/supabase-management-openapi.json"), "");
    private readonly limiter: FixedWindows;
    private readonly userId = randomUUID();
    private readonly ref: string;
    private readonly token: string;
    private readonly databaseUrl: string | undefined;
    sslApplyMs: number;
    project!: ProjectState;
    /** Each service's health as `/health` reports it; a test may make one unhealthy or still coming up. */
    services!: Record<SupabaseService, ServiceStatus>;

    constructor(ctx: SandboxContext, opts: SupabaseOptions = {}) {
        super("supabase", ctx);
        this.ref = opts.projectRef ?? SANDBOX_CREDENTIALS.supabaseProjectRef;
        this.token = opts.accessToken ?? SANDBOX_CREDENTIALS.supabaseAccessToken;
        this.sslApplyMs = opts.sslApplyMs ?? 0;
        this.databaseUrl = opts.databaseUrl;
        this.limiter = new FixedWindows(120, 60, ctx.timeScale);
        this.reset();
        this.routes();
    }

    override snapshot(): unknown {
        return this.project;
    }

    override restore(state: unknown): void {
        this.project = state as typeof this.project;
    }

    override reset(): void {
        const now = Date.now();
        this.limiter.reset();
        this.services = Object.fromEntries(SUPABASE_SERVICES.map((n) => [n, "ACTIVE_HEALTHY"])) as Record<SupabaseService, ServiceStatus>;
        this.project = {
            ref: this.ref,
            secrets: Object.fromEntries(PLATFORM_SECRETS.map((n) => [n, {
                digest: sha256(n === "SUPABASE_DB_URL" && this.databaseUrl ? this.databaseUrl : `platform:${n}`), updatedAt: iso(now),
            }])),
            ssl: { requested: false, current: false, appliesAt: 0 },
            sslConfigurable: true,
            pitrEnabled: false,
            backups: [{ id: 1, status: "COMPLETED", insertedAt: iso(now - 6 * 3600_000) }],
            schedule: { scheduleFor: "04:00:00", updatedAt: iso(now - 86400_000), changes: [] },
            network: { v4: ["0.0.0.0/0"], v6: ["::/0"], appliedAt: "2025-09-01T00:00:00Z" },
        };
    }

    protected override error(status: number, message: string): SandboxResponse {
        return { status, body: { message } };
    }

    protected override commonHeaders(): Record<string, string> {
        return { "x-gotrue-id": this.userId };
    }

    protected override authenticate(req: SandboxRequest): SandboxResponse | undefined {
        return authToken(req.headers, ["Bearer"]) === this.token ? undefined : { status: 401, body: { message: "Unauthorized" } };
    }

    /** 120 requests a minute per token and scope (the project, else the account); refused for the rest of the minute. */
    protected override rateLimit(req: SandboxRequest): { refuse?: SandboxResponse; headers: Record<string, string> } {
        const scope = req.params["ref"] ?? "account";
        const w = this.limiter.hit(`${authToken(req.headers, ["Bearer"])}|${scope}`);
        const headers = {
            "x-ratelimit-limit": String(w.limit),
            "x-ratelimit-remaining": String(w.remaining),
            "x-ratelimit-reset": secondsHeader(w.resetSeconds, this.ctx.timeScale),
        };
        return w.allowed ? { headers } : { headers, refuse: { status: 429, body: { message: "ThrottlerException: Too Many Requests" } } };
    }

    private withProject(handler: (p: ProjectState, req: SandboxRequest) => SandboxResponse): (req: SandboxRequest) => SandboxResponse {
        return (req) => (req.params["ref"] === this.project.ref ? handler(this.project, req) : { status: 404, body: { message: "Project not found" } });
    }

    private sslState(p: ProjectState): { currentConfig: { database: boolean }; appliedSuccessfully: boolean } {
        const applied = Date.now() >= p.ssl.appliesAt;
        if (applied) p.ssl.current = p.ssl.requested;
        return { currentConfig: { database: p.ssl.current }, appliedSuccessfully: applied };
    }

    private routes(): void {
        const base = "/v1/projects/{ref}";
        this.route("GET", "/v1/profile", () => ({ status: 200, body: { gotrue_id: this.userId, primary_email: "launch@hotdash.example", username: "hotdash-launch" } }));
        this.route("GET", base, this.withProject((p) => ({
            status: 200,
            body: {
                id: p.ref, ref: p.ref, organization_id: "hotdashorganization", organization_slug: "hotdashorganization",
                name: "hotdash", region: "us-east-1", status: "ACTIVE_HEALTHY", created_at: "2025-09-01T00:00:00Z",
                database: { host: `db.${p.ref}.supabase.co`, version: "17.6.1.111", postgres_engine: "17", release_channel: "ga" },
            },
        })));
        this.route("GET", `${base}/health`, this.withProject((_p, req) => {
            const names = [...new Set(req.query.getAll("services").flatMap((s) => s.split(",")))];
            // names outside the document's enum never get here: the request validation refuses them with 400
            return { status: 200, body: names.map((name) => serviceHealth(name as SupabaseService, this.services[name as SupabaseService])) };
        }));

        this.route("GET", `${base}/secrets`, this.withProject((p) => ({
            status: 200,
            body: Object.entries(p.secrets).sort(([a], [b]) => a.localeCompare(b)).map(([name, s]) => ({ name, value: s.digest, updated_at: s.updatedAt })),
        })));
        this.route("POST", `${base}/secrets`, this.withProject((p, req) => {
            const items = req.body as { name: string; value: string }[];
            const now = iso(Date.now());
            for (const { name, value } of items) p.secrets[name] = { digest: sha256(value), updatedAt: now };
            return { status: 201 };
        }));
        this.route("DELETE", `${base}/secrets`, this.withProject((p, req) => {
            const names = req.body as string[];
            const reserved = names.filter((n) => PLATFORM_SECRETS.includes(n));
            if (reserved.length) return { status: 400, body: { message: `Cannot delete reserved secrets: ${reserved.join(", ")}` } };
            for (const n of names) delete p.secrets[n];
            return { status: 200 };
        }));

        this.route("GET", `${base}/ssl-enforcement`, this.withProject((p) => ({ status: 200, body: this.sslState(p) })));
        this.route("PUT", `${base}/ssl-enforcement`, this.withProject((p, req) => {
            if (!p.sslConfigurable) return { status: 400, body: { message: "This project is not allowed to configure SSL enforcements" } };
            const wanted = (req.body as { requestedConfig: { database: boolean } }).requestedConfig.database;
            const current = this.sslState(p).currentConfig.database;
            p.ssl.requested = wanted;
            if (wanted !== current) p.ssl.appliesAt = Date.now() + this.sslApplyMs * this.ctx.timeScale;
            return { status: 200, body: this.sslState(p) };
        }));

        this.route("GET", `${base}/database/backups`, this.withProject((p) => {
            const completed = p.backups.filter((b) => b.status === "COMPLETED").map((b) => Date.parse(b.insertedAt) / 1000);
            return {
                status: 200,
                body: {
                    region: "us-east-1", walg_enabled: true, pitr_enabled: p.pitrEnabled,
                    backups: p.backups.map((b) => ({ id: b.id, is_physical_backup: true, status: b.status, inserted_at: b.insertedAt })),
                    physical_backup_data: completed.length
                        ? { earliest_physical_backup_date_unix: Math.floor(Math.min(...completed)), latest_physical_backup_date_unix: Math.floor(Math.max(...completed)) }
                        : {},
                },
            };
        }));
        this.route("GET", `${base}/database/backups/schedule`, this.withProject((p) => ({
            status: 200, body: { schedule_for: p.schedule.scheduleFor, updated_at: p.schedule.updatedAt },
        })));
        this.route("PATCH", `${base}/database/backups/schedule`, this.withProject((p, req) => {
            const scheduleFor = (req.body as { schedule_for: string }).schedule_for;
            if (!/^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/.test(scheduleFor)) return { status: 400, body: { message: "schedule_for must be a UTC time of day, HH:MM:SS" } };
            const day = 86400_000 * this.ctx.timeScale;
            p.schedule.changes = p.schedule.changes.filter((t) => Date.now() - t < day);
            if (p.schedule.changes.length >= 3) return { status: 400, body: { message: "The backup schedule can be changed at most 3 times in 24 hours" } };
            p.schedule.changes.push(Date.now());
            p.schedule = { ...p.schedule, scheduleFor, updatedAt: iso(Date.now()) };
            return { status: 200, body: { schedule_for: scheduleFor, updated_at: p.schedule.updatedAt } };
        }));
        this.route("POST", `${base}/database/backups/restore-pitr`, this.withProject((p) => (
            p.pitrEnabled ? { status: 201 } : { status: 400, body: { message: "PITR is not enabled for this project." } }
        )));

        this.route("GET", `${base}/api-keys`, this.withProject((_p, req) => {
            const reveal = req.query.get("reveal") === "true";
            const key = (name: string, value: string): Record<string, unknown> => ({
                name, api_key: reveal ? value : `${value.slice(0, 5)}...`, id: name, type: "legacy",
                hash: createHash("sha256").update(value).digest("base64url"), prefix: value.slice(0, 5), description: `Legacy ${name} API key`,
            });
            return { status: 200, body: [key("anon", SANDBOX_CREDENTIALS.supabaseAnonKey), key("service_role", SANDBOX_CREDENTIALS.supabaseServiceRoleKey)] };
        }));
        this.route("GET", `${base}/billing/addons`, this.withProject((p) => ({
            status: 200,
            body: {
                selected_addons: p.pitrEnabled ? [{ type: "pitr", variant: { id: "pitr_7", name: "7 days", price: { description: "$100/month", type: "fixed", interval: "monthly", amount: 100 } } }] : [],
                available_addons: [],
            },
        })));
        this.route("GET", `${base}/network-restrictions`, this.withProject((p) => ({
            status: 200, body: { entitlement: "allowed", config: { dbAllowedCidrs: p.network.v4, dbAllowedCidrsV6: p.network.v6 }, status: "applied", applied_at: p.network.appliedAt },
        })));
        this.route("POST", `${base}/network-restrictions/apply`, this.withProject((p, req) => {
            const b = req.body as { dbAllowedCidrs?: string[]; dbAllowedCidrsV6?: string[] };
            p.network = { v4: b.dbAllowedCidrs ?? [], v6: b.dbAllowedCidrsV6 ?? [], appliedAt: iso(Date.now()) };
            return { status: 201, body: { config: { dbAllowedCidrs: p.network.v4, dbAllowedCidrsV6: p.network.v6 }, entitlement: "allowed", status: "applied" } };
        }));
        this.route("PATCH", `${base}/network-restrictions`, this.withProject((p, req) => {
            const b = req.body as { add?: { dbAllowedCidrs?: string[]; dbAllowedCidrsV6?: string[] }; remove?: { dbAllowedCidrs?: string[]; dbAllowedCidrsV6?: string[] } };
            const old = { dbAllowedCidrs: p.network.v4.map((address) => ({ address, type: "v4" })) };
            const v4 = [...p.network.v4, ...(b.add?.dbAllowedCidrs ?? [])].filter((c) => !(b.remove?.dbAllowedCidrs ?? []).includes(c));
            const v6 = [...p.network.v6, ...(b.add?.dbAllowedCidrsV6 ?? [])].filter((c) => !(b.remove?.dbAllowedCidrsV6 ?? []).includes(c));
            p.network = { ...p.network, v4: [...new Set(v4)], v6: [...new Set(v6)] };
            return {
                status: 200,
                body: {
                    config: { dbAllowedCidrs: [...p.network.v4.map((address) => ({ address, type: "v4" })), ...p.network.v6.map((address) => ({ address, type: "v6" }))] },
                    status: "stored", old_config: old, updated_at: iso(Date.now()), entitlement: "allowed",
                },
            };
        }));
    }
}

/** The services `GET /v1/projects/{ref}/health` reports on (the document's enum for `services`). */
export const SUPABASE_SERVICES = ["auth", "db", "db_postgres_user", "pooler", "realtime", "rest", "storage", "pg_bouncer"] as const;
export type SupabaseService = (typeof SUPABASE_SERVICES)[number];
export type ServiceStatus = "COMING_UP" | "ACTIVE_HEALTHY" | "UNHEALTHY";

/** One service's entry, with the `info` the real API adds for auth, realtime and rest, and an `error` when it is not healthy. */
function serviceHealth(name: SupabaseService, status: ServiceStatus): Record<string, unknown> {
    const healthy = status === "ACTIVE_HEALTHY";
    const info: Record<string, unknown> | undefined = !healthy ? undefined
        : name === "auth" ? { name: "GoTrue", version: "v2.180.0", description: "GoTrue is a user registration and authentication API" }
            : name === "realtime" ? { healthy: true, db_connected: true, replication_connected: true, connected_cluster: 1 }
                : name === "rest" ? { db_schema: "public,graphql_public" }
                    : undefined;
    return {
        name, healthy, status,
        ...(info ? { info } : {}),
        ...(status === "UNHEALTHY" ? { error: `${name} is not responding` } : {}),
    };
}

export function sha256(value: string): string {
    return createHash("sha256").update(value).digest("hex");
}

function iso(ms: number): string {
    return new Date(ms).toISOString();
}
