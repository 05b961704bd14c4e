/**
 * What every sandbox server shares: routing, JSON bodies, the request log, fault injection, and the order in which a
 * vendor answers (route, auth, rate limit, schema, handler). Each vendor subclass supplies its error shape, its auth
 * and its limits.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";
import { echoMessage, type FaultInjector } from "./faults";
import { type OpenApiValidator, pathPattern } from "./openapi";
import { undocumentedReason } from "./undocumented";

export interface SandboxRequest {
    readonly server: string;
    readonly method: string;
    /** Path without the query string. */
    readonly path: string;
    readonly query: URLSearchParams;
    readonly headers: http.IncomingHttpHeaders;
    readonly rawBody: Buffer;
    /** Parsed JSON body, undefined when there was none. */
    readonly body: unknown;
    /** Route parameters, decoded. */
    readonly params: Readonly<Record<string, string>>;
    /** The vendor document's operation id, when the request is a documented one. */
    readonly operationId?: string;
}

export interface SandboxResponse {
    readonly status: number;
    /** JSON body; omitted for an empty body. */
    readonly body?: unknown;
    /** Raw text body, sent instead of `body`. */
    readonly text?: string;
    readonly headers?: Readonly<Record<string, string>>;
}

export type Handler = (req: SandboxRequest) => SandboxResponse | Promise<SandboxResponse>;

/** One request as the sandbox saw it. */
export interface LoggedRequest {
    readonly server: string;
    readonly method: string;
    readonly path: string;
    readonly operationId?: string;
    /** Status sent, or "dropped". */
    readonly status: number | "dropped";
    /** An injected fault, if any: `status:503`, `drop@after`, ... */
    readonly fault?: string;
    /** True for a Fly check probing an app (forced to one machine): the platform's call, outside fault plans. */
    readonly probe?: true;
    /** How the handler's answer broke the vendor's document, when it did (it was then replaced by a 500). */
    readonly violation?: string;
    /** When the request arrived, and when its answer went out (or the connection was dropped), in epoch ms. */
    readonly at: number;
    readonly end: number;
}

/** What all servers of one sandbox share. */
export interface SandboxContext {
    readonly faults: FaultInjector;
    readonly log: LoggedRequest[];
    /** 1 is real time; tests shrink boot delays and rate-limit windows with smaller values. */
    readonly timeScale: number;
    /** Random id of this sandbox process, served at `/__sandbox`. */
    readonly instance: string;
    /** Empties the whole sandbox: what `POST /__sandbox/reset` on any server does (`launch reset`). */
    resetAll?: () => void | Promise<void>;
}

interface Route {
    readonly method: string;
    readonly regex: RegExp;
    readonly names: readonly string[];
    readonly handler: Handler;
}

export abstract class VendorServer {
    private readonly routeTable: Route[] = [];
    private server?: http.Server;
    private baseUrl?: string;

    /** The vendor's OpenAPI document, when it has one. */
    protected validator?: OpenApiValidator;

    constructor(readonly name: string, protected readonly ctx: SandboxContext) {}

    /** A body in the vendor's error shape. */
    protected abstract error(status: number, message: string, extra?: Readonly<Record<string, unknown>>): SandboxResponse;

    /** Refuses an unauthenticated request in the vendor's way; undefined lets it through. */
    protected authenticate(_req: SandboxRequest): SandboxResponse | undefined {
        return undefined;
    }

    /** Refuses a request over the vendor's limit, and adds the vendor's rate-limit headers to every answer. */
    protected rateLimit(_req: SandboxRequest): { readonly refuse?: SandboxResponse; readonly headers?: Readonly<Record<string, string>> } {
        return {};
    }

    /** The answer to a request that breaks the vendor's document. */
    protected validationFailure(errors: readonly string[]): SandboxResponse {
        return this.error(400, errors.join("; "), { errors });
    }

    /** Headers every answer of this vendor carries (request ids and the like). */
    protected commonHeaders(): Readonly<Record<string, string>> {
        return {};
    }

    /** Back to the initial state. */
    abstract reset(): void;

    /** What this server keeps across restarts, JSON-safe; undefined for a server with nothing to keep. */
    snapshot(): unknown {
        return undefined;
    }

    /** Takes back what snapshot() returned (from a sandbox state file). */
    restore(_state: unknown): void {
        return;
    }

    get url(): string {
        if (!this.baseUrl) throw new Error(`sandbox server ${this.name} is not listening`);
        return this.baseUrl;
    }

    /**
     * Registers a handler for `METHOD /path/{param}`. The route must be an operation of the vendor's document (its
     * answers are then checked against it) or be listed in sandbox/undocumented.ts with the reason it is not.
     */
    protected route(method: string, template: string, handler: Handler): void {
        const sample = template.replace(/\{[^}]+\}/g, "x");
        if (!this.validator?.match(method, sample) && !undocumentedReason(this.name, method, template)) {
            throw new Error(`sandbox ${this.name}: ${method} ${template} is not in the vendor's document; serve a documented operation, or list it with the reason in sandbox/undocumented.ts`);
        }
        this.routeTable.push({ method, ...pathPattern(template, { trailingSlash: true }), handler });
    }

    async listen(port = 0, host = "127.0.0.1"): Promise<string> {
        const server = http.createServer((req, res) => { void this.serve(req, res); });
        server.keepAliveTimeout = 5000;
        await new Promise<void>((resolve, reject) => {
            server.once("error", reject);
            server.listen(port, host, () => resolve());
        });
        this.server = server;
        const addr = server.address() as AddressInfo;
        this.baseUrl = `http://${host}:${addr.port}`;
        return this.baseUrl;
    }

    async close(): Promise<void> {
        const server = this.server;
        if (!server) return;
        this.server = undefined;
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
    }

    private async serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
        const url = new URL(req.url ?? "/", "http://sandbox");
        if (url.pathname === "/__sandbox") { // not a vendor endpoint: identifies the sandbox, outside faults and logs
            this.send(res, { status: 200, body: { sandbox: this.name, instance: this.ctx.instance } });
            return;
        }
        if (url.pathname === "/__sandbox/reset" && req.method === "POST") {
            await this.ctx.resetAll?.();
            this.send(res, { status: 204 });
            return;
        }
        const method = req.method ?? "GET";
        const rawBody = await readBody(req);
        // Fly's own checks (forced to one machine) are the platform probing an app, not a call the stack makes; fault
        // plans model the vendors' APIs as the stack calls them, so they leave probes alone (a failing app is a test's
        // explicit choice: an unhealthy service or a bad image)
        const probe = typeof req.headers["fly-force-instance-id"] === "string";
        const decision = probe ? { latencyMs: 0 } : this.ctx.faults.decide(this.name, method, url.pathname);
        const entry = { server: this.name, method, path: url.pathname, at: Date.now(), ...(probe ? { probe: true as const } : {}) };
        if (decision.latencyMs > 0) await sleep(decision.latencyMs);

        const fault = decision.before ?? decision.after;
        const faultLabel = fault ? `${fault.kind}${fault.status ? `:${fault.status}` : ""}${fault.phase === "after" ? "@after" : ""}` : undefined;
        if (decision.before?.kind === "drop") {
            this.ctx.log.push({ ...entry, end: Date.now(), status: "dropped", fault: faultLabel! });
            req.socket.destroy();
            return;
        }
        if (decision.before?.kind === "echo") {
            this.ctx.log.push({ ...entry, end: Date.now(), status: decision.before.status ?? 422, fault: faultLabel! });
            this.send(res, this.error(decision.before.status ?? 422, echoMessage(rawBody)));
            return;
        }
        if (decision.before?.kind === "status") {
            const status = decision.before.status ?? 503;
            const retry = decision.before.retryAfterSeconds;
            const refused = this.error(status, faultMessage(status));
            this.ctx.log.push({ ...entry, end: Date.now(), status, fault: faultLabel! });
            this.send(res, { ...refused, headers: { ...refused.headers, ...(retry !== undefined ? { "retry-after": String(retry) } : {}) } });
            return;
        }

        const { response, operationId, violation } = await this.handle(method, url, req.headers, rawBody);
        if (decision.after?.kind === "drop") {
            this.ctx.log.push({ ...entry, end: Date.now(), ...(operationId ? { operationId } : {}), status: "dropped", fault: faultLabel! });
            req.socket.destroy();
            return;
        }
        if (decision.after?.kind === "status") {
            const status = decision.after.status ?? 503;
            this.ctx.log.push({ ...entry, end: Date.now(), ...(operationId ? { operationId } : {}), status, fault: faultLabel! });
            this.send(res, this.error(status, faultMessage(status)));
            return;
        }
        this.ctx.log.push({ ...entry, end: Date.now(), ...(operationId ? { operationId } : {}), status: response.status, ...(violation ? { violation } : {}) });
        this.send(res, response);
    }

    /**
     * The answer, checked against the vendor's document when the operation is a documented one: an answer outside it
     * is a sandbox bug, so it becomes a 500 naming the break (and the log entry records it), never a quiet yes.
     */
    private async handle(method: string, url: URL, headers: http.IncomingHttpHeaders, rawBody: Buffer): Promise<{ response: SandboxResponse; operationId?: string; violation?: string }> {
        const answered = await this.answerRequest(method, url, headers, rawBody);
        const operation = this.validator?.match(method, url.pathname);
        if (!operation || !this.validator) return answered;
        const errors = this.validator.validateAnswer(method, operation, answered.response);
        if (!errors.length) return answered;
        const violation = errors.join("; ");
        return { ...answered, violation, response: this.error(500, `the sandbox's answer breaks the vendor's document: ${violation}`) };
    }

    /** Route, auth, rate limit, schema, handler: the order the vendors answer in. */
    private async answerRequest(method: string, url: URL, headers: http.IncomingHttpHeaders, rawBody: Buffer): Promise<{ response: SandboxResponse; operationId?: string }> {
        let body: unknown;
        if (rawBody.length > 0) {
            try {
                body = JSON.parse(rawBody.toString("utf8"));
            } catch {
                return { response: this.error(400, "request body is not valid JSON") };
            }
        }
        const found = this.findRoute(method, url.pathname);
        const documented = this.validator?.match(method, url.pathname);
        if (!found && !documented) return { response: this.error(404, "not found") };
        const operationId = documented?.operationId;
        const req: SandboxRequest = {
            server: this.name, method, path: url.pathname, query: url.searchParams, headers, rawBody, body,
            params: found?.params ?? documented?.params ?? {}, ...(operationId ? { operationId } : {}),
        };
        const refusal = this.authenticate(req);
        if (refusal) return { response: refusal, ...(operationId ? { operationId } : {}) };
        const limit = this.rateLimit(req);
        const withLimitHeaders = (r: SandboxResponse): SandboxResponse => ({ ...r, headers: { ...limit.headers, ...r.headers } });
        if (limit.refuse) return { response: withLimitHeaders(limit.refuse), ...(operationId ? { operationId } : {}) };
        if (this.validator) {
            const check = this.validator.validate(method, url.pathname, url.searchParams, body);
            if (check.ok === false) {
                return { response: withLimitHeaders(this.validationFailure(check.errors)), ...(operationId ? { operationId } : {}) };
            }
        }
        if (!found) {
            return { response: withLimitHeaders(this.error(501, `the sandbox does not implement ${operationId} (${method} ${url.pathname})`)), ...(operationId ? { operationId } : {}) };
        }
        try {
            return { response: withLimitHeaders(await found.route.handler(req)), ...(operationId ? { operationId } : {}) };
        } catch (err) {
            return { response: this.error(500, `sandbox handler failed: ${(err as Error).message}`), ...(operationId ? { operationId } : {}) };
        }
    }

    private findRoute(method: string, pathname: string): { route: Route; params: Record<string, string> } | undefined {
        for (const route of this.routeTable) {
            if (route.method !== method) continue;
            const m = route.regex.exec(pathname);
            if (!m) continue;
            const params: Record<string, string> = {};
            route.names.forEach((n, i) => { params[n] = decodeURIComponent(m[i + 1]!); });
            return { route, params };
        }
        return undefined;
    }

    private send(res: http.ServerResponse, r: SandboxResponse): void {
        const headers: Record<string, string> = { ...this.commonHeaders(), ...r.headers };
        let payload = "";
        if (r.text !== undefined) {
            payload = r.text;
            headers["content-type"] ??= "text/plain; charset=utf-8";
        } else if (r.body !== undefined) {
            payload = JSON.stringify(r.body);
            headers["content-type"] ??= "application/json; charset=utf-8";
        }
        headers["content-length"] = String(Buffer.byteLength(payload));
        res.writeHead(r.status, headers);
        res.end(payload);
    }
}

function faultMessage(status: number): string {
    return status === 429 ? "rate limit exceeded" : status === 408 ? "request timed out" : `injected fault: ${http.STATUS_CODES[status] ?? "error"}`;
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
}

export function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A random id in the style vendors use for request ids and machine ids. */
export function randomId(bytes = 7): string {
    return randomBytes(bytes).toString("hex");
}

/** The bearer token of an `Authorization` header (`Bearer x` or Fly's `FlyV1 x`). */
export function authToken(headers: http.IncomingHttpHeaders, schemes: readonly string[]): string | undefined {
    const value = headers["authorization"];
    if (typeof value !== "string") return undefined;
    const space = value.indexOf(" ");
    if (space < 0) return undefined;
    const scheme = value.slice(0, space);
    return schemes.some((s) => s.toLowerCase() === scheme.toLowerCase()) ? value.slice(space + 1).trim() : undefined;
}
