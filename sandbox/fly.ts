/**
 * The Fly.io Machines API (`https://api.machines.dev/v1`) as ../notes/fly-api.md describes it: `Bearer` and `FlyV1`
 * tokens scoped to an org or an app, `{"error": ...}` bodies with a `fly-request-id` on every answer, token buckets
 * per action and machine (1 req/s burst 3; Get Machine 5 req/s burst 10), machines that boot (with a configurable
 * delay) and run HTTP checks that pass or, for an image a test marks bad, go critical; leases with nonces, `wait`,
 * versioned app secrets that reach a machine only through `min_secrets_version`, IPs, volumes and certificates.
 */
import { createHash } from "node:crypto";
import { STATUS_CODES } from "node:http";
import { OpenApiValidator } from "./openapi";
import { TokenBuckets, type BucketSpec } from "./ratelimit";
import { authToken, randomId, type SandboxContext, type SandboxRequest, type SandboxResponse, sleep, VendorServer } from "./server";
import { flyTokenExpiry, parseFlyToken } from "../providers/fly/macaroon";
import { SANDBOX_CREDENTIALS } from "./credentials";

export interface FlyApp {
    readonly id: string;
    readonly name: string;
    readonly org: string;
    readonly createdAt: number;
    network: string;
    /** Secrets by name: value and digest, and the version that last changed them. */
    secrets: Record<string, { value: string; digest: string; createdAt: string }>;
    secretsVersion: number;
    /** Secret values by version, so a machine sees the secrets of the version it booted with. */
    secretsHistory: Record<number, Record<string, string>>;
    ips: FlyIp[];
    volumes: FlyVolume[];
    certificates: Record<string, FlyCertificate>;
}

export interface FlyIp {
    readonly ip: string;
    readonly type: string;
    readonly region: string;
    readonly shared: boolean;
    readonly createdAt: string;
}

export interface FlyVolume {
    readonly id: string;
    readonly name: string;
    readonly region: string;
    readonly sizeGb: number;
    readonly encrypted: boolean;
    snapshotRetention: number;
    autoBackupEnabled: boolean;
    state: "created" | "destroyed";
    attachedMachineId: string | null;
    readonly createdAt: string;
}

export interface FlyCertificate {
    readonly hostname: string;
    readonly requestedAt: number;
}

export type MachineState =
    | "created" | "starting" | "started" | "stopping" | "stopped" | "replacing" | "destroying" | "destroyed" | "failed";

export interface FlyCheck {
    readonly name: string;
    status: "passing" | "warning" | "critical";
    output: string;
    updatedAt: string;
}

export interface FlyMachine {
    readonly id: string;
    readonly app: string;
    readonly name: string;
    readonly region: string;
    state: MachineState;
    instanceId: string;
    config: Record<string, unknown>;
    /** The app secrets version the machine booted (or was last updated) with. */
    secretsVersion: number;
    checks: FlyCheck[];
    lease?: { nonce: string; expiresAt: number; owner: string; description: string };
    events: { id: string; type: string; status: string; source: string; timestamp: number }[];
    readonly createdAt: string;
    updatedAt: string;
    /** Bumped on every transition so stale timers know to stand down. */
    generation: number;
}

/** A machine as an app server sees it when a request is forced to it. */
export interface MachineServing {
    readonly app: string;
    readonly started: boolean;
    readonly image: ImageBehaviour;
}

/** One HTTP check of a machine, as its config declares it. */
interface CheckSpec {
    readonly name: string;
    readonly path: string;
    readonly intervalMs: number;
    readonly timeoutMs: number;
}

/**
 * What an image does when it boots: serve healthily, answer 500 on its health endpoint, exit, or pass its health
 * checks while failing the work itself (a bad release the deploy cannot catch: every other request answers 500).
 */
export type ImageBehaviour = "healthy" | "unhealthy" | "crash" | "errors";

/** Who a token speaks for: a whole org, or one app (a deploy token). */
export type FlyTokenScope = { readonly org: string } | { readonly app: string };

const DEFAULT_BUCKET: BucketSpec = { perSecond: 1, burst: 3 };
const GET_MACHINE_BUCKET: BucketSpec = { perSecond: 5, burst: 10 };
const WAITABLE = ["started", "stopped", "suspended", "destroyed", "failed", "settled"];

export class FlyServer extends VendorServer {
    protected override validator = new OpenApiValidator(require("./specs/fly-machines-openapi.json"), "/v1", {
        overrides: [{
            pointer: "/components/schemas/fly.MachineService/properties/autostop",
            value: { anyOf: [{ type: "string", enum: ["off", "stop", "suspend"] }, { type: "boolean" }] },
            reason: "autostop accepts the old boolean form too, and responses still use booleans for off/stop",
        }, {
            pointer: "/paths/~1apps~1{app_name}~1machines~1{machine_id}~1wait/get/parameters/6/schema",
            value: { type: "array", items: { type: "string", enum: WAITABLE } },
            reason: "the parameter's own description: `state` supports repeated or comma-separated values, which a string enum cannot say",
        }, {
            pointer: "/components/schemas/AppSecretsUpdateRequest/properties/values/additionalProperties",
            value: { type: "string", nullable: true },
            reason: "the request body's own description: values to set, \"or nil to unset\"",
        }, {
            pointer: "/paths/~1apps/post/responses/201",
            value: { description: "Created", content: { "application/json": { schema: { $ref: "#/components/schemas/App" } } } },
            reason: "the API answers the created app (fly-go decodes it as an App); the document lists no body",
        }, {
            pointer: "/components/schemas/main.statusCode/enum",
            value: ["unknown", "insufficient_capacity", "name_taken", "error"],
            reason: "a taken app name answers status name_taken, and lease conflicts {\"status\": \"error\", \"message\": ...} (notes/fly-api.md, fly-go flaps_error.go); the document's main.statusCode has neither",
        }, ...["CertificateDetail", "CertificateCheckResponse"].map((schema) => ({
            pointer: `/components/schemas/${schema}/properties/rate_limited_until`,
            value: { type: "string", nullable: true },
            reason: "a certificate that is not rate limited answers rate_limited_until: null (notes/fly-api.md, the recorded answer)",
        })), ...["attached_machine_id", "attached_alloc_id"].map((field) => ({
            pointer: `/components/schemas/Volume/properties/${field}`,
            value: { type: "string", nullable: true },
            reason: `a volume no machine uses answers ${field}: null (notes/fly-api.md, the recorded answer)`,
        })), ...["get", "post"].map((method) => ({
            pointer: `/paths/~1apps~1{app_name}~1machines~1{machine_id}~1lease/${method}/responses/${method === "get" ? 200 : 201}/content/application~1json/schema`,
            value: { type: "object", required: ["status", "data"], properties: { status: { type: "string" }, data: { $ref: "#/components/schemas/Lease" } } },
            reason: "lease answers are wrapped in {\"status\": \"success\", \"data\": <Lease>} (notes/fly-api.md); the document shows the bare Lease",
        })), {
            pointer: "/paths/~1apps~1{app_name}~1machines~1{machine_id}~1start/post/responses/200/content",
            value: { "application/json": { schema: { type: "object", properties: { previous_state: { type: "string" }, migrated: { type: "boolean" }, new_host: { type: "string" } } } } },
            reason: "start answers {previous_state, migrated, new_host} (notes/fly-api.md); the document lists no body",
        }, {
            pointer: "/paths/~1apps~1{app_name}~1machines~1{machine_id}~1stop/post/responses/200/content",
            value: { "application/json": { schema: { type: "object", properties: { ok: { type: "boolean" } } } } },
            reason: "stop answers {\"ok\": true} (notes/fly-api.md); the document lists no body",
        }],
        errorSchema: "#/components/schemas/ErrorResponse",
    });
    private readonly buckets: TokenBuckets;
    readonly tokens: Record<string, FlyTokenScope> = {};
    apps: Record<string, FlyApp> = {};
    machines: Record<string, FlyMachine> = {};
    /** Names taken by other organizations: creating them fails with `name_taken`. */
    takenElsewhere: string[] = ["hotdash-taken-elsewhere"];
    /** Image reference → behaviour; any image not listed is healthy. */
    images: Record<string, ImageBehaviour> = {};
    /** Real milliseconds (before time scaling) a machine takes to boot, and then to pass its first check. */
    bootMs = 1000;
    checkMs = 500;
    /** Base URL each app is served at (its `<app>.fly.dev`), where machine checks probe; an app not listed refuses connections. */
    appUrls: Record<string, string> = {};
    /** Real milliseconds before an ACME certificate is issued. */
    certificateMs = 2000;
    /** Fly's managed Prometheus query API (`/api/v1/<endpoint>`), served in monitoring mode; absent otherwise. */
    prometheus?: (req: SandboxRequest) => Promise<SandboxResponse>;

    constructor(ctx: SandboxContext) {
        super("fly", ctx);
        this.buckets = new TokenBuckets(ctx.timeScale);
        this.tokens[SANDBOX_CREDENTIALS.flyOrgToken] = { org: SANDBOX_CREDENTIALS.flyOrg };
        this.routes();
    }

    override reset(): void {
        this.buckets.reset();
        for (const m of Object.values(this.machines)) m.generation++; // cancels pending timers
        this.apps = {};
        this.machines = {};
        this.images = {};
    }

    override snapshot(): unknown {
        return { apps: this.apps, machines: this.machines, images: this.images };
    }

    override restore(state: unknown): void {
        const s = state as Pick<FlyServer, "apps" | "machines" | "images">;
        this.apps = s.apps;
        this.machines = s.machines;
        this.images = s.images;
        // a machine caught booting when the sandbox stopped boots again; a lease outlives no restart
        for (const m of Object.values(this.machines)) {
            delete m.lease;
            if (m.state === "starting" || m.state === "created" || m.state === "replacing") this.boot(m, "starting");
            if (m.state === "stopping") this.stop(m);
            if (m.state === "destroying") m.state = "destroyed";
            if (m.state === "started" && m.checks.length) this.later(() => void this.runChecks(m, m.generation, false), this.checkMs * this.ctx.timeScale);
        }
    }

    // ---- helpers for tests -------------------------------------------------------------------------------------

    /** Creates an app directly, as if it had been deployed before the stack existed. */
    seedApp(name: string, org: string = SANDBOX_CREDENTIALS.flyOrg): FlyApp {
        const app: FlyApp = {
            id: randomId(8), name, org, createdAt: Date.now(), network: "default",
            secrets: {}, secretsVersion: 0, secretsHistory: { 0: {} }, ips: [], volumes: [], certificates: {},
        };
        this.apps[name] = app;
        return app;
    }

    /** Creates a started, healthy machine directly, as an earlier `fly deploy` would have left it. */
    seedMachine(app: string, group: string, config: Record<string, unknown>): FlyMachine {
        const id = randomId(7);
        const now = new Date().toISOString();
        const m: FlyMachine = {
            id, app, name: `${app}-${group}-${id.slice(0, 4)}`, region: "iad", state: "started", instanceId: randomId(13).toUpperCase(),
            config: { ...config, metadata: { ...(config["metadata"] as Record<string, string> | undefined), fly_process_group: group, fly_platform_version: "v2" } },
            secretsVersion: this.apps[app]?.secretsVersion ?? 0, checks: [], events: [], createdAt: now, updatedAt: now, generation: 0,
        };
        m.checks = this.checkSpecs(m).map((c) => ({ name: c.name, status: "passing", output: "Success", updatedAt: now }));
        this.machines[id] = m;
        if (m.checks.length) this.later(() => void this.runChecks(m, m.generation, false), this.checkMs * this.ctx.timeScale);
        return m;
    }

    /** What a machine serves, for the app servers it answers on: whether it runs, and what its image does. */
    serving(id: string): MachineServing | undefined {
        const m = this.machines[id];
        if (!m) return undefined;
        return { app: m.app, started: m.state === "started", image: this.images[String(m.config["image"])] ?? "healthy" };
    }

    /** Machines of an app that are not destroyed. */
    live(app: string): FlyMachine[] {
        return Object.values(this.machines).filter((m) => m.app === app && m.state !== "destroyed");
    }

    /** The environment a machine's processes see: its config env plus the app secrets of the version it booted with. */
    machineEnv(id: string): Record<string, string> {
        const m = this.machines[id]!;
        return { ...this.apps[m.app]!.secretsHistory[m.secretsVersion], ...(m.config["env"] as Record<string, string> | undefined) };
    }

    /** Leases currently held (not expired), for "no lease left behind" assertions. */
    heldLeases(): FlyMachine[] {
        return Object.values(this.machines).filter((m) => m.lease && m.lease.expiresAt > Date.now());
    }

    // ---- vendor plumbing -------------------------------------------------------------------------------------

    protected override error(status: number, message: string, extra?: Readonly<Record<string, unknown>>): SandboxResponse {
        return { status, body: { error: message, ...(extra?.["status"] ? { status: extra["status"] } : {}) } };
    }

    protected override commonHeaders(): Record<string, string> {
        return { "fly-request-id": `${randomId(13)}-iad` };
    }

    protected override authenticate(req: SandboxRequest): SandboxResponse | undefined {
        return this.scope(req) ? undefined : { status: 401, body: { error: "Authenticate: token validation error" } };
    }

    /** Per action, per machine (or per app when the call names no machine). */
    protected override rateLimit(req: SandboxRequest): { refuse?: SandboxResponse } {
        if (req.path.startsWith("/prometheus/")) return {}; // api.fly.io, not the Machines API and its buckets
        const action = req.operationId ?? `${req.method} ${req.path}`;
        const target = req.params["machine_id"] ?? req.params["app_name"] ?? "";
        const spec = action === "Machines_show" ? GET_MACHINE_BUCKET : DEFAULT_BUCKET;
        return this.buckets.take(`${action}|${target}`, spec) === undefined ? {} : { refuse: { status: 429, body: { error: "rate limit exceeded" } } };
    }

    /** The scope of the request's token; FlyV1 may carry several comma-joined macaroons. */
    private scope(req: SandboxRequest): FlyTokenScope | undefined {
        const raw = authToken(req.headers, ["Bearer", "FlyV1"]);
        if (!raw) return undefined;
        for (const t of raw.split(",").map((s) => s.trim())) if (this.tokens[t] && !lapsed(t)) return this.tokens[t];
        return undefined;
    }

    private canSee(req: SandboxRequest, app: FlyApp): boolean {
        const scope = this.scope(req)!;
        return "app" in scope ? scope.app === app.name : scope.org === app.org;
    }

    /** Resolves `{app_name}` the way Fly does: unknown is 404, another org's is 403. */
    private app(req: SandboxRequest): FlyApp | SandboxResponse {
        const app = this.apps[req.params["app_name"]!];
        if (!app) return { status: 404, body: { error: "app not found" } };
        if (!this.canSee(req, app)) return { status: 403, body: { error: "unauthorized" } };
        return app;
    }

    private machine(req: SandboxRequest): FlyMachine | SandboxResponse {
        const app = this.app(req);
        if (isResponse(app)) return app;
        const m = this.machines[req.params["machine_id"]!];
        if (!m || m.app !== app.name) return { status: 404, body: { error: "machine not found" } };
        return m;
    }

    /** A mutation on a leased machine needs the lease's nonce. */
    private leaseRefusal(m: FlyMachine, req: SandboxRequest): SandboxResponse | undefined {
        if (!m.lease || m.lease.expiresAt <= Date.now()) return undefined;
        if (req.headers["fly-machine-lease-nonce"] === m.lease.nonce) return undefined;
        return { status: 409, body: { status: "error", message: `machine ID ${m.id} lease currently held by ${m.lease.owner}, expires at ${new Date(m.lease.expiresAt).toISOString()}` } };
    }

    // ---- machine lifecycle -------------------------------------------------------------------------------------

    private event(m: FlyMachine, type: string, status: string): void {
        m.events.unshift({ id: randomId(13), type, status, source: "user", timestamp: Date.now() });
    }

    /**
     * Boots a machine: `starting`, then after the boot delay `started` (or `stopped` for a crashing image); then its
     * checks run as Fly runs them, for real: an HTTP GET of the check's path on the app that serves it, forced to this
     * machine (`fly-force-instance-id`), first after `checkMs` and then at each check's interval. A check passes only
     * when that endpoint answers 2xx, so a bad image fails because its health endpoint fails.
     */
    private boot(m: FlyMachine, from: MachineState): void {
        const gen = ++m.generation;
        m.state = from;
        m.checks = [];
        const behaviour = this.images[String(m.config["image"])] ?? "healthy";
        this.later(() => {
            if (m.generation !== gen) return;
            if (behaviour === "crash") {
                m.state = "stopped";
                this.event(m, "exit", "stopped");
                return;
            }
            m.state = "started";
            this.event(m, "start", "started");
            if (this.checkSpecs(m).length) this.later(() => void this.runChecks(m, gen, true), this.checkMs * this.ctx.timeScale);
        }, this.bootMs * this.ctx.timeScale);
    }

    /** A timer that never keeps the process alive (a stopped sandbox's machines must not). */
    private later(fn: () => void, ms: number): void {
        setTimeout(fn, ms).unref();
    }

    /** Probes every check of a started machine once, records the results, and schedules the next round. */
    private async runChecks(m: FlyMachine, gen: number, first: boolean): Promise<void> {
        const specs = this.checkSpecs(m);
        const results = await Promise.all(specs.map((c) => this.probe(m, c)));
        if (m.generation !== gen || m.state !== "started") return;
        const now = new Date().toISOString();
        m.checks = specs.map((c, i) => ({ name: c.name, status: results[i]!.ok ? "passing" : "critical", output: results[i]!.output, updatedAt: now }));
        if (m.checks.every((c) => c.status === "passing") && (first || !m.events.some((e) => e.type === "health" && e.status === "passing"))) {
            this.event(m, "health", "passing");
        }
        const interval = Math.min(...specs.map((c) => c.intervalMs)) * this.ctx.timeScale;
        this.later(() => void this.runChecks(m, gen, false), Math.max(interval, 20));
    }

    /** One HTTP check of one machine, as Fly's proxy runs it against the machine's app. */
    private async probe(m: FlyMachine, check: CheckSpec): Promise<{ ok: boolean; output: string }> {
        const base = this.appUrls[m.app];
        const what = `GET ${check.path}`;
        if (!base) return { ok: false, output: `${what}: connection refused (nothing serves ${m.app} in the sandbox)` };
        try {
            const { request } = await import("undici");
            const res = await request(`${base}${check.path}`, {
                method: "GET", headers: { "fly-force-instance-id": m.id },
                headersTimeout: Math.max(check.timeoutMs * this.ctx.timeScale, 1000), bodyTimeout: Math.max(check.timeoutMs * this.ctx.timeScale, 1000),
            });
            const text = (await res.body.text()).slice(0, 200);
            if (res.statusCode >= 200 && res.statusCode < 300) return { ok: true, output: "Success" };
            return { ok: false, output: `${what}: ${res.statusCode} ${STATUS_CODES[res.statusCode] ?? ""} (${JSON.stringify(text)})` };
        } catch (err) {
            return { ok: false, output: `${what}: ${(err as Error).message}` };
        }
    }

    /** The machine's HTTP checks: the top-level `checks` and each service's, with Fly's names for the latter. */
    private checkSpecs(m: FlyMachine): CheckSpec[] {
        type RawCheck = { path?: string; interval?: string; timeout?: string };
        const top = Object.entries((m.config["checks"] as Record<string, RawCheck> | undefined) ?? {}).map(([name, c]) => ({ name, c }));
        const services = (m.config["services"] as { checks?: RawCheck[] }[] | undefined) ?? [];
        const svc = services.flatMap((s, i) => (s.checks ?? []).map((c, j) => ({ name: `servicecheck-${String(i).padStart(2, "0")}-http-${j}`, c })));
        return [...top, ...svc].map(({ name, c }) => ({ name, path: c.path ?? "/", intervalMs: durationMs(c.interval, 15000), timeoutMs: durationMs(c.timeout, 5000) }));
    }

    private stop(m: FlyMachine): void {
        m.generation++;
        m.state = "stopped";
        m.checks = [];
        this.event(m, "stop", "stopped");
    }

    private view(m: FlyMachine): Record<string, unknown> {
        const image = String(m.config["image"] ?? "");
        const at = image.indexOf("@");
        const repo = at >= 0 ? image.slice(0, at) : image;
        const slash = repo.indexOf("/");
        return {
            id: m.id, name: m.name, state: m.state, region: m.region, instance_id: m.instanceId,
            private_ip: `fdaa:0:1::${m.id.slice(0, 4)}`, config: m.config,
            image_ref: { registry: slash > 0 ? repo.slice(0, slash) : "docker.io", repository: slash > 0 ? repo.slice(slash + 1) : repo, tag: "", digest: at >= 0 ? image.slice(at + 1) : "", labels: {} },
            checks: m.checks.map((c) => ({ name: c.name, status: c.status, output: c.output, updated_at: c.updatedAt })),
            events: m.events.slice(0, 10), host_status: "ok", cordoned: false, created_at: m.createdAt, updated_at: m.updatedAt,
        };
    }

    private appView(app: FlyApp): Record<string, unknown> {
        const count = this.live(app.name).length;
        return {
            id: app.id, name: app.name, status: count > 0 ? "deployed" : "pending", network: app.network, created_at: app.createdAt,
            machine_count: count, volume_count: app.volumes.filter((v) => v.state !== "destroyed").length,
            organization: { name: app.org, slug: app.org },
        };
    }

    /** `min_secrets_version` must name a version that exists; the real API's answer is undocumented, so refuse it. */
    private secretsVersionFor(app: FlyApp, requested: unknown): number | SandboxResponse {
        if (requested === undefined) return app.secretsVersion;
        const v = Number(requested);
        if (v > app.secretsVersion) return { status: 400, body: { error: `min_secrets_version ${v} is newer than the app's secrets (version ${app.secretsVersion})` } };
        return app.secretsVersion;
    }

    // ---- routes ----------------------------------------------------------------------------------------------

    private routes(): void {
        this.appRoutes();
        this.machineRoutes();
        this.leaseAndWaitRoutes();
        this.secretRoutes();
        this.networkRoutes();
        this.volumeRoutes();
        this.prometheusRoutes();
    }

    /** `https://api.fly.io/prometheus/<org>/api/v1/...`: an org's token reads that org's metrics. */
    private prometheusRoutes(): void {
        const handler = (req: SandboxRequest): SandboxResponse | Promise<SandboxResponse> => {
            const scope = this.scope(req)!;
            if (!("org" in scope) || scope.org !== req.params["org"]) return { status: 403, body: { error: "unauthorized" } };
            if (!this.prometheus) return { status: 404, body: { error: "the sandbox runs without monitoring: start it with startSandbox({ monitoring: true })" } };
            return this.prometheus(req);
        };
        this.route("GET", "/prometheus/{org}/api/v1/{endpoint}", handler); // GET only: the server parses bodies as JSON, not forms
    }

    private appRoutes(): void {
        this.route("GET", "/v1/apps", (req) => {
            const org = req.query.get("org_slug");
            const apps = Object.values(this.apps).filter((a) => (!org || a.org === org) && this.canSee(req, a));
            return { status: 200, body: { total_apps: apps.length, apps: apps.map((a) => ({ id: a.id, name: a.name, machine_count: this.live(a.name).length, network: a.network })) } };
        });
        this.route("POST", "/v1/apps", (req) => {
            const body = req.body as { name?: string; app_name?: string; org_slug?: string; network?: string };
            const name = body.name ?? body.app_name; // older docs call it app_name; both are accepted
            const scope = this.scope(req)!;
            if (!name || !body.org_slug) return { status: 400, body: { error: "name and org_slug are required" } };
            if ("app" in scope || scope.org !== body.org_slug) return { status: 403, body: { error: "unauthorized" } };
            if (this.apps[name] || this.takenElsewhere.includes(name)) {
                return { status: 422, body: { error: "Validation failed: Name has already been taken", status: "name_taken" } };
            }
            const app = this.seedApp(name, body.org_slug);
            app.network = body.network || "default";
            return { status: 201, body: this.appView(app) };
        });
        this.route("GET", "/v1/apps/{app_name}", (req) => {
            const app = this.app(req);
            return isResponse(app) ? app : { status: 200, body: this.appView(app) };
        });
        this.route("DELETE", "/v1/apps/{app_name}", (req) => {
            const app = this.app(req);
            if (isResponse(app)) return app;
            for (const m of this.live(app.name)) { m.generation++; m.state = "destroyed"; }
            delete this.apps[app.name];
            return { status: 202 };
        });
    }

    private machineRoutes(): void {
        const base = "/v1/apps/{app_name}/machines";
        this.route("GET", base, (req) => {
            const app = this.app(req);
            if (isResponse(app)) return app;
            const all = Object.values(this.machines).filter((m) => m.app === app.name);
            const include = req.query.get("include_deleted") === "true";
            return { status: 200, body: all.filter((m) => include || m.state !== "destroyed").map((m) => this.view(m)) };
        });
        this.route("POST", base, (req) => {
            const app = this.app(req);
            if (isResponse(app)) return app;
            const body = req.body as { name?: string; region?: string; config?: Record<string, unknown>; skip_launch?: boolean; min_secrets_version?: number; lease_ttl?: number };
            if (!body.config?.["image"]) return { status: 400, body: { error: "config.image is required" } };
            const version = this.secretsVersionFor(app, body.min_secrets_version);
            if (isResponse(version)) return version;
            const id = randomId(7);
            const now = new Date().toISOString();
            const m: FlyMachine = {
                id, app: app.name, name: body.name ?? `machine-${id}`, region: body.region ?? "iad", state: "created",
                instanceId: randomId(13).toUpperCase(), config: body.config, secretsVersion: version, checks: [], events: [],
                createdAt: now, updatedAt: now, generation: 0,
            };
            const mounts = (body.config["mounts"] as { volume: string }[] | undefined) ?? [];
            for (const mount of mounts) {
                const vol = app.volumes.find((v) => v.id === mount.volume && v.state !== "destroyed");
                if (!vol) return { status: 404, body: { error: `volume ${mount.volume} not found` } };
                if (vol.attachedMachineId && this.machines[vol.attachedMachineId]?.state !== "destroyed") {
                    return { status: 412, body: { error: `volume ${vol.id} is already in use by machine ${vol.attachedMachineId}` } };
                }
                vol.attachedMachineId = id;
            }
            this.machines[id] = m;
            this.event(m, "launch", "created");
            let nonce: string | undefined;
            if (body.lease_ttl) {
                nonce = randomId(6);
                m.lease = { nonce, expiresAt: Date.now() + body.lease_ttl * 1000, owner: "hotdash@sandbox", description: "" };
            }
            if (!body.skip_launch) this.boot(m, "starting");
            return { status: 200, body: { ...this.view(m), ...(nonce ? { nonce } : {}) } };
        });
        this.route("GET", `${base}/{machine_id}`, (req) => {
            const m = this.machine(req);
            return isResponse(m) ? m : { status: 200, body: this.view(m) };
        });
        this.route("POST", `${base}/{machine_id}`, (req) => {
            const m = this.machine(req);
            if (isResponse(m)) return m;
            const refused = this.leaseRefusal(m, req);
            if (refused) return refused;
            const body = req.body as { config?: Record<string, unknown>; current_version?: string; skip_launch?: boolean; min_secrets_version?: number; region?: string; name?: string };
            if (!body.config?.["image"]) return { status: 400, body: { error: "config.image is required: an update replaces the whole config" } };
            if (body.current_version && body.current_version !== m.instanceId) {
                return { status: 409, body: { error: `current_version ${body.current_version} does not match machine version ${m.instanceId}` } };
            }
            if ((body.region && body.region !== m.region) || (body.name && body.name !== m.name)) {
                return { status: 400, body: { error: "region and name cannot be changed by an update" } };
            }
            const version = this.secretsVersionFor(this.apps[m.app]!, body.min_secrets_version);
            if (isResponse(version)) return version;
            m.config = body.config;
            m.secretsVersion = version;
            m.instanceId = randomId(13).toUpperCase();
            m.updatedAt = new Date().toISOString();
            this.event(m, "update", "replacing");
            if (body.skip_launch || m.state === "stopped") {
                m.generation++;
                m.checks = [];
            } else {
                this.boot(m, "replacing");
            }
            return { status: 200, body: this.view(m) };
        });
        this.route("DELETE", `${base}/{machine_id}`, (req) => {
            const m = this.machine(req);
            if (isResponse(m)) return m;
            const refused = this.leaseRefusal(m, req);
            if (refused) return refused;
            const force = req.query.get("force") === "true" || req.query.get("kill") === "true";
            if (!force && ["started", "starting", "replacing"].includes(m.state)) {
                return { status: 412, body: { error: "failed_precondition: unable to destroy machine, not currently stopped, suspended or destroyed" } };
            }
            m.generation++;
            m.state = "destroyed";
            m.lease = undefined;
            this.event(m, "destroy", "destroyed");
            for (const v of this.apps[m.app]?.volumes ?? []) if (v.attachedMachineId === m.id) v.attachedMachineId = null;
            return { status: 200 }; // the document lists no body for a destroyed machine
        });
        this.route("POST", `${base}/{machine_id}/start`, (req) => {
            const m = this.machine(req);
            if (isResponse(m)) return m;
            const refused = this.leaseRefusal(m, req);
            if (refused) return refused;
            const previous = m.state;
            if (previous === "stopped" || previous === "created" || previous === "failed") this.boot(m, "starting");
            return { status: 200, body: { previous_state: previous, migrated: false, new_host: "" } };
        });
        this.route("POST", `${base}/{machine_id}/stop`, (req) => {
            const m = this.machine(req);
            if (isResponse(m)) return m;
            const refused = this.leaseRefusal(m, req);
            if (refused) return refused;
            this.stop(m);
            return { status: 200, body: { ok: true } };
        });
    }

    private leaseAndWaitRoutes(): void {
        const one = "/v1/apps/{app_name}/machines/{machine_id}";
        this.route("GET", `${one}/lease`, (req) => {
            const m = this.machine(req);
            if (isResponse(m)) return m;
            if (!m.lease || m.lease.expiresAt <= Date.now()) return { status: 404, body: { error: "lease not found" } };
            return { status: 200, body: { status: "success", data: leaseView(m) } };
        });
        this.route("POST", `${one}/lease`, (req) => {
            const m = this.machine(req);
            if (isResponse(m)) return m;
            const body = (req.body ?? {}) as { ttl?: number; description?: string };
            const ttl = Number(req.query.get("ttl") ?? body.ttl ?? 30);
            const held = m.lease && m.lease.expiresAt > Date.now();
            if (held && req.headers["fly-machine-lease-nonce"] !== m.lease!.nonce) {
                return { status: 409, body: { status: "error", message: `machine ID ${m.id} lease currently held by ${m.lease!.owner}, expires at ${new Date(m.lease!.expiresAt).toISOString()}` } };
            }
            m.lease = {
                nonce: held ? m.lease!.nonce : randomId(6),
                expiresAt: Date.now() + ttl * 1000,
                owner: "hotdash@sandbox",
                description: body.description ?? m.lease?.description ?? "",
            };
            return { status: 201, body: { status: "success", data: leaseView(m) } };
        });
        this.route("DELETE", `${one}/lease`, (req) => {
            const m = this.machine(req);
            if (isResponse(m)) return m;
            if (m.lease && m.lease.expiresAt > Date.now() && req.headers["fly-machine-lease-nonce"] !== m.lease.nonce) {
                return { status: 409, body: { status: "error", message: `machine ID ${m.id} lease currently held by ${m.lease.owner}; the nonce does not match` } };
            }
            m.lease = undefined;
            return { status: 200 }; // the document lists no body for a released lease
        });
        this.route("GET", `${one}/wait`, async (req) => {
            const first = this.machine(req);
            if (isResponse(first)) return first;
            const states = req.query.getAll("state").flatMap((s) => s.split(",")).filter(Boolean);
            const wanted = states.length ? states : ["started"];
            const bad = wanted.find((s) => !WAITABLE.includes(s));
            if (bad) return { status: 400, body: { error: `invalid state "${bad}"` } };
            const version = req.query.get("version") ?? req.query.get("instance_id");
            if (wanted.includes("stopped") && !version) return { status: 400, body: { error: "waiting for stopped requires the machine version" } };
            const timeoutS = Math.min(60, Math.max(1, Number(req.query.get("timeout") ?? 60)));
            const deadline = Date.now() + timeoutS * 1000 * Math.max(this.ctx.timeScale, 0.001);
            for (;;) {
                const m = this.machines[first.id]!;
                const settled = wanted.includes("settled") && ["started", "stopped", "failed", "destroyed"].includes(m.state);
                const versionOk = !version || m.instanceId === version || m.state === "destroyed";
                if ((wanted.includes(m.state) || settled) && versionOk) {
                    return { status: 200, body: { ok: true, state: m.state, version: m.instanceId } };
                }
                if (m.state === "destroyed") return { status: 404, body: { error: "machine destroyed" } };
                if (Date.now() >= deadline) return { status: 408, body: { error: `deadline_exceeded: machine did not reach ${wanted.join("|")} in time` } };
                await sleep(5);
            }
        });
    }

    private secretRoutes(): void {
        const base = "/v1/apps/{app_name}/secrets";
        const list = (app: FlyApp): Record<string, unknown>[] => Object.entries(app.secrets)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([name, s]) => ({ name, digest: s.digest, created_at: s.createdAt, updated_at: s.createdAt }));
        this.route("GET", base, (req) => {
            const app = this.app(req);
            return isResponse(app) ? app : { status: 200, body: { secrets: list(app) } };
        });
        this.route("POST", base, (req) => {
            const app = this.app(req);
            if (isResponse(app)) return app;
            const values = ((req.body ?? {}) as { values?: Record<string, string | null> }).values ?? {};
            const now = new Date().toISOString();
            for (const [name, value] of Object.entries(values)) {
                if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return { status: 400, body: { error: `invalid secret name "${name}"` } };
                if (value === null) delete app.secrets[name];
                else app.secrets[name] = { value, digest: flySecretDigest(value), createdAt: now };
            }
            app.secretsVersion++;
            app.secretsHistory[app.secretsVersion] = Object.fromEntries(Object.entries(app.secrets).map(([n, s]) => [n, s.value]));
            return { status: 200, body: { secrets: list(app), version: app.secretsVersion, Version: app.secretsVersion } };
        });
    }

    private networkRoutes(): void {
        const ips = "/v1/apps/{app_name}/ip_assignments";
        this.route("GET", ips, (req) => {
            const app = this.app(req);
            return isResponse(app) ? app : { status: 200, body: { ips: app.ips.map(ipView) } };
        });
        this.route("POST", ips, (req) => {
            const app = this.app(req);
            if (isResponse(app)) return app;
            const type = (req.body as { type?: string }).type ?? "";
            if (!["v4", "v6", "shared_v4", "private_v6"].includes(type)) return { status: 400, body: { error: `invalid ip type "${type}"` } };
            const n = app.ips.length + 10;
            const ip: FlyIp = {
                ip: type === "shared_v4" ? "66.241.124.10" : type.endsWith("v6") ? `2a09:8280:1::${n.toString(16)}` : `137.66.${n}.1`,
                type, region: "global", shared: type === "shared_v4", createdAt: new Date().toISOString(),
            };
            app.ips.push(ip);
            return { status: 200, body: ipView(ip) };
        });
        this.route("DELETE", `${ips}/{ip}`, (req) => {
            const app = this.app(req);
            if (isResponse(app)) return app;
            const before = app.ips.length;
            app.ips = app.ips.filter((i) => i.ip !== req.params["ip"]);
            return before === app.ips.length ? { status: 404, body: { error: "ip not found" } } : { status: 204 };
        });

        const certs = "/v1/apps/{app_name}/certificates";
        this.route("POST", `${certs}/acme`, (req) => {
            const app = this.app(req);
            if (isResponse(app)) return app;
            const hostname = (req.body as { hostname?: string }).hostname ?? "";
            const invalid = hostnameProblem(hostname, app.name);
            if (invalid) return { status: 422, body: { error: invalid } };
            app.certificates[hostname] ??= { hostname, requestedAt: Date.now() };
            return { status: 201, body: this.certView(app, app.certificates[hostname]!) };
        });
        this.route("GET", `${certs}/{hostname}`, (req) => {
            const app = this.app(req);
            if (isResponse(app)) return app;
            const cert = app.certificates[req.params["hostname"]!];
            return cert ? { status: 200, body: this.certView(app, cert) } : { status: 404, body: { error: "certificate not found" } };
        });
        this.route("POST", `${certs}/{hostname}/check`, (req) => {
            const app = this.app(req);
            if (isResponse(app)) return app;
            const cert = app.certificates[req.params["hostname"]!];
            return cert ? { status: 200, body: { ...this.certView(app, cert), dns_records: {} } } : { status: 404, body: { error: "certificate not found" } };
        });
        this.route("DELETE", `${certs}/{hostname}`, (req) => {
            const app = this.app(req);
            if (isResponse(app)) return app;
            if (!app.certificates[req.params["hostname"]!]) return { status: 404, body: { error: "certificate not found" } };
            delete app.certificates[req.params["hostname"]!];
            return { status: 204 };
        });
    }

    private certView(app: FlyApp, cert: FlyCertificate): Record<string, unknown> {
        const issued = Date.now() - cert.requestedAt >= this.certificateMs * this.ctx.timeScale;
        const expires = new Date(cert.requestedAt + 90 * 86400_000).toISOString();
        return {
            hostname: cert.hostname, configured: issued, acme_requested: true, status: issued ? "active" : "pending_validation",
            dns_provider: "sandbox", rate_limited_until: null,
            certificates: issued ? [{ source: "fly", status: "active", expires_at: expires, issued: [{ type: "ecdsa", expires_at: expires, certificate_authority: "lets_encrypt" }] }] : [],
            validation: { dns_configured: issued, alpn_configured: issued, http_configured: issued, ownership_txt_configured: false },
            dns_requirements: {
                a: ["66.241.124.10"], aaaa: ["2a09:8280:1::a"], cname: `${app.name}.fly.dev`,
                acme_challenge: { name: `_acme-challenge.${cert.hostname}`, target: `${cert.hostname}.sandbox.flydns.net` },
            },
            validation_errors: [],
        };
    }

    private volumeRoutes(): void {
        const base = "/v1/apps/{app_name}/volumes";
        this.route("GET", base, (req) => {
            const app = this.app(req);
            return isResponse(app) ? app : { status: 200, body: app.volumes.filter((v) => v.state !== "destroyed").map(volumeView) };
        });
        this.route("POST", base, (req) => {
            const app = this.app(req);
            if (isResponse(app)) return app;
            const b = req.body as { name?: string; region?: string; size_gb?: number; encrypted?: boolean; snapshot_retention?: number; auto_backup_enabled?: boolean };
            if (!b.name || !/^[a-z0-9_]{1,30}$/.test(b.name)) return { status: 400, body: { error: "name must be 1-30 lowercase letters, digits or underscores" } };
            const retention = b.snapshot_retention ?? 5;
            if (retention < 1 || retention > 60) return { status: 400, body: { error: "snapshot_retention must be between 1 and 60 days" } };
            const vol: FlyVolume = {
                id: `vol_${randomId(8)}`, name: b.name, region: b.region ?? "iad", sizeGb: b.size_gb ?? 1, encrypted: b.encrypted ?? true,
                snapshotRetention: retention, autoBackupEnabled: b.auto_backup_enabled ?? true, state: "created", attachedMachineId: null,
                createdAt: new Date().toISOString(),
            };
            app.volumes.push(vol);
            return { status: 200, body: volumeView(vol) };
        });
        const find = (req: SandboxRequest): FlyVolume | SandboxResponse => {
            const app = this.app(req);
            if (isResponse(app)) return app;
            const vol = app.volumes.find((v) => v.id === req.params["volume_id"] && v.state !== "destroyed");
            return vol ?? { status: 404, body: { error: "volume not found" } };
        };
        this.route("GET", `${base}/{volume_id}`, (req) => {
            const vol = find(req);
            return isResponse(vol) ? vol : { status: 200, body: volumeView(vol) };
        });
        this.route("PUT", `${base}/{volume_id}`, (req) => {
            const vol = find(req);
            if (isResponse(vol)) return vol;
            const b = req.body as { snapshot_retention?: number; auto_backup_enabled?: boolean };
            if (b.snapshot_retention !== undefined && (b.snapshot_retention < 1 || b.snapshot_retention > 60)) {
                return { status: 400, body: { error: "snapshot_retention must be between 1 and 60 days" } };
            }
            if (b.snapshot_retention !== undefined) vol.snapshotRetention = b.snapshot_retention;
            if (b.auto_backup_enabled !== undefined) vol.autoBackupEnabled = b.auto_backup_enabled;
            return { status: 200, body: volumeView(vol) };
        });
        this.route("DELETE", `${base}/{volume_id}`, (req) => {
            const vol = find(req);
            if (isResponse(vol)) return vol;
            if (vol.attachedMachineId && this.machines[vol.attachedMachineId]?.state !== "destroyed") {
                return { status: 412, body: { error: `volume ${vol.id} is attached to machine ${vol.attachedMachineId}` } };
            }
            vol.state = "destroyed";
            return { status: 200, body: volumeView(vol) };
        });
    }
}

/**
 * Why Fly refuses a certificate for `hostname` (422, as the document lists for this operation), or undefined: it must
 * be a DNS name of at least two labels (letters, digits, inner dashes, 63 characters each, 253 in all), and not under
 * `fly.dev`, whose certificate Fly serves by itself.
 */
export function hostnameProblem(hostname: string, app: string): string | undefined {
    if (hostname.trim() === "") return "hostname can't be blank";
    const name = hostname.toLowerCase();
    const label = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
    const labels = name.split(".");
    if (name.length > 253 || labels.length < 2 || !labels.every((l) => label.test(l)) || /^\d+$/.test(labels[labels.length - 1]!)) {
        return `hostname "${hostname}" is not a valid domain name`;
    }
    if (name === "fly.dev" || name.endsWith(".fly.dev")) return `${app}.fly.dev is covered by Fly's own certificate; add a certificate only for a custom domain`;
    return undefined;
}

/** A Go duration as Fly's config spells it (`15s`, `500ms`, `1m`), in milliseconds. */
function durationMs(value: string | undefined, fallback: number): number {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(value ?? "");
    if (!m) return fallback;
    return Number(m[1]) * (m[2] === "ms" ? 1 : m[2] === "s" ? 1000 : 60000);
}

function isResponse(x: unknown): x is SandboxResponse {
    // domain objects (apps, machines, volumes) never carry a numeric `status`; answers always do
    return typeof x === "object" && x !== null && typeof (x as { status?: unknown }).status === "number";
}

function leaseView(m: FlyMachine): Record<string, unknown> {
    return { nonce: m.lease!.nonce, expires_at: Math.floor(m.lease!.expiresAt / 1000), owner: m.lease!.owner, description: m.lease!.description, version: m.instanceId };
}

function ipView(ip: FlyIp): Record<string, unknown> {
    return { ip: ip.ip, type: ip.type, region: ip.region, service_name: "", shared: ip.shared, created_at: ip.createdAt };
}

function volumeView(v: FlyVolume): Record<string, unknown> {
    return {
        id: v.id, name: v.name, state: v.state, size_gb: v.sizeGb, region: v.region, zone: "84d3", encrypted: v.encrypted,
        attached_machine_id: v.attachedMachineId, attached_alloc_id: null, created_at: v.createdAt, fstype: "ext4",
        snapshot_retention: v.snapshotRetention, auto_backup_enabled: v.autoBackupEnabled,
    };
}

/** Fly shows a short digest per secret; its algorithm is Fly's own, so clients must compare digests Fly returned. */
export function flySecretDigest(value: string): string {
    return createHash("sha256").update(`fly-sandbox:${value}`).digest("hex").slice(0, 16);
}

/** Whether a macaroon's validity window has passed: Fly refuses such a token like a wrong one. */
function lapsed(token: string): boolean {
    const parsed = parseFlyToken(token);
    const expiry = "macaroons" in parsed ? flyTokenExpiry(parsed.macaroons) : undefined;
    return expiry !== undefined && expiry.getTime() < Date.now();
}
