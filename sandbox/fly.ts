/**
 * The Fly.io Machines API (`https://api.machines.dev/v1`) as ../notes/fly-api.md describes it: `Bearer` and `FlyV1`
 * tokens scoped to an org or an app, `{"error": ...}` bodies with a `fly-request-id` on every answer, and token
 * buckets per action and machine (1 req/s burst 3; Get Machine 5 req/s burst 10).
 */
import { OpenApiValidator } from "./openapi";
import { TokenBuckets, type BucketSpec } from "./ratelimit";
import { authToken, randomId, type SandboxContext, type SandboxRequest, type SandboxResponse, VendorServer } from "./server";
import { SANDBOX_CREDENTIALS } from "./credentials";

export interface FlyApp {
    readonly id: string;
    readonly name: string;
    readonly org: string;
    readonly createdAt: number;
    network: string;
}

/** Who a token speaks for: a whole org, or one app (a deploy token). */
export type FlyTokenScope = { readonly org: string } | { readonly app: string };

const DEFAULT_BUCKET: BucketSpec = { perSecond: 1, burst: 3 };
const GET_MACHINE_BUCKET: BucketSpec = { perSecond: 5, burst: 10 };

export class FlyServer extends VendorServer {
    protected override validator = new OpenApiValidator(require("./specs/fly-machines-openapi.json"), "/v1", {
        overrides: [{
            pointer: "/components/schemas/fly.MachineService/properties/autostop",
            value: { anyOf: [{ type: "string", enum: ["off", "stop", "suspend"] }, { type: "boolean" }] },
            reason: "autostop accepts the old boolean form too, and responses still use booleans for off/stop",
        }],
    });
    private readonly buckets: TokenBuckets;
    readonly tokens: Record<string, FlyTokenScope> = {};
    apps: Record<string, FlyApp> = {};
    /** Names taken by other organizations: creating them fails with `name_taken`. */
    takenElsewhere: string[] = ["hotdash-taken-elsewhere"];

    constructor(ctx: SandboxContext) {
        super("fly", ctx);
        this.buckets = new TokenBuckets(ctx.timeScale);
        this.tokens[SANDBOX_CREDENTIALS.flyOrgToken] = { org: SANDBOX_CREDENTIALS.flyOrg };
        this.routes();
    }

    override reset(): void {
        this.buckets.reset();
        this.apps = {};
    }

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
        const action = req.operationId ?? `${req.method} ${req.path}`;
        const target = req.params["machine_id"] ?? req.params["app_name"] ?? "";
        const spec = action === "Machines_show" ? GET_MACHINE_BUCKET : DEFAULT_BUCKET;
        return this.buckets.take(`${action}|${target}`, spec) === undefined ? {} : { refuse: { status: 429, body: { error: "rate limit exceeded" } } };
    }

    /** The scope of the request's token; FlyV1 may carry several comma-joined macaroons. */
    private scope(req: SandboxRequest): FlyTokenScope | undefined {
        const raw = authToken(req.headers, ["Bearer", "FlyV1"]);
        if (!raw) return undefined;
        for (const t of raw.split(",").map((s) => s.trim())) if (this.tokens[t]) return this.tokens[t];
        return undefined;
    }

    private canSee(req: SandboxRequest, app: FlyApp): boolean {
        const scope = this.scope(req)!;
        return "app" in scope ? scope.app === app.name : scope.org === app.org;
    }

    /** Resolves `{app_name}` the way Fly does: unknown is 404, another org's is 403. */
    protected app(req: SandboxRequest): FlyApp | SandboxResponse {
        const app = this.apps[req.params["app_name"]!];
        if (!app) return { status: 404, body: { error: "app not found" } };
        if (!this.canSee(req, app)) return { status: 403, body: { error: "unauthorized" } };
        return app;
    }

    private view(app: FlyApp): Record<string, unknown> {
        return {
            id: app.id, name: app.name, status: "pending", network: app.network, created_at: app.createdAt,
            machine_count: 0, volume_count: 0, organization: { name: app.org, slug: app.org },
        };
    }

    private routes(): void {
        this.route("GET", "/v1/apps", (req) => {
            const org = req.query.get("org_slug");
            const apps = Object.values(this.apps).filter((a) => (!org || a.org === org) && this.canSee(req, a));
            return { status: 200, body: { total_apps: apps.length, apps: apps.map((a) => ({ id: a.id, name: a.name, machine_count: 0, network: a.network })) } };
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
            const app: FlyApp = { id: randomId(8), name, org: body.org_slug, createdAt: Date.now(), network: body.network || "default" };
            this.apps[name] = app;
            return { status: 201, body: this.view(app) };
        });
        this.route("GET", "/v1/apps/{app_name}", (req) => {
            const app = this.app(req);
            return "status" in app ? app : { status: 200, body: this.view(app) };
        });
        this.route("DELETE", "/v1/apps/{app_name}", (req) => {
            const app = this.app(req);
            if ("status" in app) return app;
            delete this.apps[app.name];
            return { status: 202 };
        });
    }
}
