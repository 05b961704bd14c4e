/**
 * The project's one HTTP layer: every vendor client (Fly, Supabase, Chatwoot) and every probe sends through it.
 *
 * - a timeout on every attempt;
 * - retries with jittered exponential backoff on 408/429/5xx and dropped connections, for idempotent requests only,
 *   never sooner than the server's `Retry-After` or `x-ratelimit-reset` asks;
 * - a non-idempotent request (POST, PATCH) is sent again only after the caller's "did it happen?" check says it did
 *   not: without a check it is sent exactly once;
 * - errors carry method, path, status, the vendor's message and request id; every credential is redacted.
 *
 * Dynamic providers serialize this module by value into the Pulumi state, so it holds no module-level mutable state
 * and requires undici inside the functions that use it.
 */
import type { Dispatcher } from "undici";

export type HttpMethod = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE";

/** How a client retries. Every delay is in milliseconds. */
export interface RetryPolicy {
    /** Attempts in all, the first included. Defaults to 12. */
    readonly attempts: number;
    /** Backoff before the first retry; doubles with each retry. Defaults to 250. */
    readonly baseDelayMs: number;
    /** Ceiling of the computed backoff (not of a server's own `Retry-After`). Defaults to 8000. */
    readonly maxDelayMs: number;
    /** A server that asks for a longer wait than this fails the request instead. Defaults to 60000. */
    readonly maxServerDelayMs: number;
}

/** One retry, as reported to `onRetry`. Never carries headers or bodies. */
export interface RetryEvent {
    readonly vendor: string;
    readonly method: HttpMethod;
    readonly path: string;
    /** The attempt that failed, counting from 1. */
    readonly attempt: number;
    readonly status?: number;
    readonly code?: string;
    readonly delayMs: number;
}

export interface HttpClientOptions {
    /** The vendor's API as users know it, used in every error, e.g. "Fly Machines API". */
    readonly vendor: string;
    /** Base URL that request paths are appended to, e.g. `https://api.machines.dev/v1`. */
    readonly baseUrl: string;
    /** Headers that authenticate each request. Their values are redacted from every message. Defaults to none. */
    readonly authHeaders?: () => Record<string, string>;
    /** Timeout of one attempt, headers and body included. Defaults to 30000 ms. */
    readonly timeoutMs?: number;
    /** Overrides of the default retry policy. */
    readonly retry?: Partial<RetryPolicy>;
    /** Extracts the vendor's message from an error body. Defaults to `message`, then `error`, then the text. */
    readonly errorMessage?: (body: unknown) => string | undefined;
    /** Response headers that carry the vendor's request id, first match wins. Defaults to common names. */
    readonly requestIdHeaders?: readonly string[];
    /** Told about each retry (for logs and tests). Defaults to nothing. */
    readonly onRetry?: (event: RetryEvent) => void;
    /** Waits between attempts; injectable for tests. Defaults to a timer. */
    readonly sleep?: (ms: number) => Promise<void>;
    /** Source of jitter in [0, 1). Defaults to Math.random. */
    readonly random?: () => number;
    /** undici dispatcher to send through. Defaults to undici's global dispatcher. */
    readonly dispatcher?: Dispatcher;
}

export interface RequestSpec<T> {
    readonly method: HttpMethod;
    /** Path below the base URL, starting with `/`. Path segments must already be encoded (see `encodePath`). */
    readonly path: string;
    readonly query?: Readonly<Record<string, string | number | boolean | readonly string[] | undefined>>;
    /** JSON body. */
    readonly body?: unknown;
    readonly headers?: Readonly<Record<string, string>>;
    /** Marks a POST or PATCH the vendor treats as an idempotent upsert, so it may be retried blindly. */
    readonly idempotent?: boolean;
    /**
     * For a non-idempotent request: after an ambiguous failure (timeout, dropped connection, 408/429/5xx), looks for
     * the request's effect. Returning a value ends the request with it; returning undefined sends the request again.
     */
    readonly didItHappen?: () => Promise<T | undefined>;
    /** A 404 resolves to undefined instead of failing. */
    readonly allow404?: boolean;
    /** Timeout of one attempt, overriding the client's. */
    readonly timeoutMs?: number;
    /** Secret values the request carries (in its body or query), redacted from its errors like a token. Defaults to none. */
    readonly secrets?: readonly string[];
}

export interface HttpResponse {
    readonly status: number;
    readonly headers: Readonly<Record<string, string>>;
    readonly body: unknown;
    readonly requestId?: string;
}

// 12 attempts, about 45 s at worst: a vendor failing one call in five still gets every call of a deploy through
// (0.2^12 < 5e-9 a call), while a vendor that is down fails the run within the minute
const DEFAULT_RETRY: RetryPolicy = { attempts: 12, baseDelayMs: 250, maxDelayMs: 8000, maxServerDelayMs: 60000 };
const DEFAULT_REQUEST_ID_HEADERS = ["fly-request-id", "x-request-id", "sb-request-id", "cf-ray"];
// Arrays, not Sets: Pulumi's closure serializer cannot rebuild a Set or Map captured from module scope.
const RETRYABLE_STATUS: readonly number[] = [408, 425, 429, 500, 502, 503, 504];
const RETRYABLE_CODES: readonly string[] = [
    "ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "EAI_AGAIN", "ENETUNREACH", "EHOSTUNREACH",
    "UND_ERR_SOCKET", "UND_ERR_CLOSED", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT",
    "UND_ERR_BODY_TIMEOUT", "UND_ERR_ABORTED", "ABORT_ERR", "TIMEOUT_ERR",
];
const REDACTED = "[redacted]";

/**
 * A failed vendor call. Its message names the call and the vendor's reason, never a credential.
 * (A plain Error with fields, not a subclass: Pulumi's closure serializer loses `super(message)` for Error.)
 */
export interface ApiError extends Error {
    readonly name: "ApiError";
    readonly vendor: string;
    readonly method: HttpMethod;
    readonly path: string;
    /** HTTP status, absent when no response arrived. */
    readonly status: number | undefined;
    readonly vendorMessage: string | undefined;
    readonly requestId: string | undefined;
    readonly attempts: number;
    /** Network error code (ECONNRESET, UND_ERR_SOCKET, ...), absent when a response arrived. */
    readonly code: string | undefined;
}

export function isApiError(err: unknown): err is ApiError {
    return err instanceof Error && err.name === "ApiError";
}

/** A failed call that received a response with this status. */
export function isApiStatus(err: unknown, status: number): err is ApiError {
    return isApiError(err) && err.status === status;
}

/** Percent-encodes each value into a path template: `encodePath\`/apps/${name}\``. */
export function encodePath(strings: TemplateStringsArray, ...values: readonly (string | number)[]): string {
    return strings.reduce((out, s, i) => out + s + (i < values.length ? encodeURIComponent(String(values[i])) : ""), "");
}

/** Replaces every occurrence of each secret (4 characters or more) in `text`. */
export function redact(text: string, secrets: readonly string[]): string {
    let out = text;
    for (const s of secrets) {
        if (s.length >= 4) out = out.split(s).join(REDACTED);
    }
    return out;
}

/** The vendor's message in an error body: `message` (string or list), else `error`, else `errors`, else the text. */
export function defaultErrorMessage(body: unknown): string | undefined {
    if (typeof body === "string") return body.trim().slice(0, 300) || undefined;
    if (body === null || typeof body !== "object") return undefined;
    const b = body as Record<string, unknown>;
    for (const key of ["message", "error", "errors", "msg"]) {
        const v = b[key];
        if (typeof v === "string" && v) return v;
        if (Array.isArray(v) && v.length) return v.map(String).join("; ");
    }
    return JSON.stringify(body).slice(0, 300);
}

/**
 * Milliseconds the server asks us to wait, from `Retry-After` (seconds or an HTTP date) or, on a 429 or an exhausted
 * quota, Supabase's `x-ratelimit-reset` (seconds until the window resets). Undefined when it asks nothing.
 */
export function serverDelayMs(status: number, headers: Readonly<Record<string, string>>, now: number = Date.now()): number | undefined {
    const retryAfter = headers["retry-after"];
    if (retryAfter !== undefined && retryAfter.trim() !== "") {
        const seconds = Number(retryAfter);
        if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
        const at = Date.parse(retryAfter);
        if (!Number.isNaN(at)) return Math.max(0, at - now);
    }
    const reset = headers["x-ratelimit-reset"];
    if (reset !== undefined && (status === 429 || headers["x-ratelimit-remaining"] === "0")) {
        const seconds = Number(reset);
        if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    }
    return undefined;
}

/** Equal-jitter exponential backoff for the retry after `attempt` (1-based) failed attempts. */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number): number {
    const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
    return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Scale applied to the default backoff delays, from HOTDASH_RETRY_SCALE (tests run at millisecond scale). */
function retryScale(): number {
    const raw = process.env["HOTDASH_RETRY_SCALE"];
    const n = raw === undefined ? 1 : Number(raw);
    return Number.isFinite(n) && n >= 0 ? n : 1;
}

interface Attempt {
    readonly response?: HttpResponse;
    readonly code?: string;
    readonly cause?: string;
}

/** A JSON-over-HTTP client for one vendor API. */
export class HttpClient {
    private readonly policy: RetryPolicy;

    constructor(private readonly options: HttpClientOptions) {
        const scale = retryScale();
        this.policy = {
            ...DEFAULT_RETRY,
            baseDelayMs: DEFAULT_RETRY.baseDelayMs * scale,
            maxDelayMs: DEFAULT_RETRY.maxDelayMs * scale,
            ...options.retry,
        };
    }

    /** Sends a request and returns its parsed JSON body (undefined when empty). */
    async send<T>(spec: RequestSpec<T> & { readonly allow404: true }): Promise<T | undefined>;
    async send<T>(spec: RequestSpec<T>): Promise<T>;
    async send<T>(spec: RequestSpec<T>): Promise<T | undefined> {
        const idempotent = spec.idempotent ?? !(spec.method === "POST" || spec.method === "PATCH");
        const { attempts } = this.policy;
        for (let attempt = 1; ; attempt++) {
            const result = await this.attemptOnce(spec);
            const res = result.response;
            if (res && res.status === 404 && spec.allow404) return undefined;
            if (res && res.status >= 200 && res.status < 300) return res.body as T;

            const retryable = res ? RETRYABLE_STATUS.includes(res.status) : RETRYABLE_CODES.includes(result.code ?? "");
            if (!retryable) throw this.error(spec, result, attempt, "");
            if (!idempotent && !spec.didItHappen) {
                throw this.error(spec, result, attempt, "; not retried: the request is not idempotent");
            }
            if (attempt >= attempts) throw this.error(spec, result, attempt, "; gave up after the retry limit");

            const asked = res ? serverDelayMs(res.status, res.headers) : undefined;
            if (asked !== undefined && asked > this.policy.maxServerDelayMs) {
                throw this.error(spec, result, attempt, `; the server asks to wait ${Math.ceil(asked / 1000)} s, more than the ${Math.ceil(this.policy.maxServerDelayMs / 1000)} s allowed`);
            }
            const delayMs = Math.max(backoffMs(attempt, this.policy, this.options.random ?? Math.random), asked ?? 0);
            this.options.onRetry?.({
                vendor: this.options.vendor, method: spec.method, path: spec.path, attempt,
                ...(res ? { status: res.status } : {}), ...(result.code ? { code: result.code } : {}), delayMs,
            });
            await (this.options.sleep ?? defaultSleep)(delayMs);
            if (!idempotent && spec.didItHappen) {
                const found = await spec.didItHappen();
                if (found !== undefined) return found;
            }
        }
    }

    /** Sends one request with no retry and returns the whole response, whatever its status. */
    async sendOnce(spec: Omit<RequestSpec<never>, "didItHappen" | "allow404" | "idempotent">): Promise<HttpResponse> {
        const result = await this.attemptOnce(spec);
        if (result.response) return result.response;
        throw this.error(spec, result, 1, "");
    }

    private url(spec: Pick<RequestSpec<unknown>, "path" | "query">): string {
        const params = new URLSearchParams();
        for (const [k, v] of Object.entries(spec.query ?? {})) {
            if (v === undefined) continue;
            if (Array.isArray(v)) for (const item of v) params.append(k, item);
            else params.append(k, String(v));
        }
        const qs = params.toString();
        return this.options.baseUrl.replace(/\/+$/, "") + spec.path + (qs ? `?${qs}` : "");
    }

    private async attemptOnce(spec: Omit<RequestSpec<unknown>, "didItHappen">): Promise<Attempt> {
        const { request } = require("undici") as typeof import("undici");
        const timeoutMs = spec.timeoutMs ?? this.options.timeoutMs ?? 30000;
        const headers: Record<string, string> = {
            accept: "application/json",
            "user-agent": "hotdash-launch",
            ...this.options.authHeaders?.(),
            ...spec.headers,
        };
        let body: string | undefined;
        if (spec.body !== undefined) {
            body = JSON.stringify(spec.body);
            headers["content-type"] = "application/json";
        }
        try {
            const res = await request(this.url(spec), {
                method: spec.method,
                headers,
                ...(body !== undefined ? { body } : {}),
                signal: AbortSignal.timeout(timeoutMs),
                headersTimeout: timeoutMs,
                bodyTimeout: timeoutMs,
                ...(this.options.dispatcher ? { dispatcher: this.options.dispatcher } : {}),
            });
            const text = await res.body.text();
            const resHeaders: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers)) {
                if (v !== undefined) resHeaders[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
            }
            return { response: { status: res.statusCode, headers: resHeaders, body: parseBody(text, resHeaders), requestId: this.requestId(resHeaders) } };
        } catch (err) {
            const e = err as { code?: unknown; name?: string; message?: string; cause?: { code?: unknown } };
            // DOMExceptions (our timeout signal) carry a numeric legacy `code`: name them by their `name` instead.
            const code = e.name === "TimeoutError" ? "TIMEOUT_ERR" : e.name === "AbortError" ? "ABORT_ERR"
                : typeof e.code === "string" ? e.code : typeof e.cause?.code === "string" ? e.cause.code : undefined;
            return { ...(code ? { code } : {}), cause: e.message ?? String(err) };
        }
    }

    private requestId(headers: Readonly<Record<string, string>>): string | undefined {
        for (const name of this.options.requestIdHeaders ?? DEFAULT_REQUEST_ID_HEADERS) {
            if (headers[name]) return headers[name];
        }
        return undefined;
    }

    private error(spec: Pick<RequestSpec<unknown>, "method" | "path" | "secrets">, result: Attempt, attempts: number, suffix: string): ApiError {
        // a value sent in a JSON body comes back escaped when a vendor quotes the body: redact both spellings
        const carried = (spec.secrets ?? []).flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]);
        const secrets = [...Object.values(this.options.authHeaders?.() ?? {}).flatMap(tokenParts), ...carried];
        const clean = (s: string): string => redact(s, secrets);
        const res = result.response;
        const tries = `${attempts} attempt${attempts === 1 ? "" : "s"}`;
        if (!res) {
            const what = result.code === "TIMEOUT_ERR" || result.code?.endsWith("TIMEOUT") ? "timed out" : "lost its connection";
            return makeApiError({
                vendor: this.options.vendor, method: spec.method, path: clean(spec.path), status: undefined, vendorMessage: undefined,
                requestId: undefined, attempts, code: result.code,
            }, clean(`${what} (${result.code ?? result.cause ?? "unknown error"}) after ${tries}${suffix}`));
        }
        // redacted before the message is picked and cut short, so a cut never leaves part of a secret behind
        const vendorMessage = (this.options.errorMessage ?? defaultErrorMessage)(redactDeep(res.body, secrets));
        const message = vendorMessage === undefined ? undefined : clean(vendorMessage);
        const rid = res.requestId ? `, request id ${res.requestId}` : "";
        return makeApiError({
            vendor: this.options.vendor, method: spec.method, path: clean(spec.path), status: res.status, vendorMessage: message,
            requestId: res.requestId, attempts, code: undefined,
        }, clean(`failed with ${res.status}${message ? `: ${message}` : ""} (${tries}${rid})${suffix}`));
    }
}

function makeApiError(fields: Omit<ApiError, "name" | "message" | "stack" | "cause">, detail: string): ApiError {
    const err = new Error(`${fields.vendor} ${fields.method} ${fields.path} ${detail}`);
    return Object.assign(err, { name: "ApiError" as const }, fields);
}

/** A parsed body with every secret replaced in each string inside it. */
function redactDeep(body: unknown, secrets: readonly string[]): unknown {
    if (typeof body === "string") return redact(body, secrets);
    if (Array.isArray(body)) return body.map((v) => redactDeep(v, secrets));
    if (body !== null && typeof body === "object") {
        return Object.fromEntries(Object.entries(body).map(([k, v]) => [redact(k, secrets), redactDeep(v, secrets)]));
    }
    return body;
}

/** An auth header value and the token inside it (`Bearer x`, `FlyV1 x`), so either form is redacted. */
function tokenParts(headerValue: string): string[] {
    const parts = [headerValue];
    const space = headerValue.indexOf(" ");
    if (space > 0) parts.push(headerValue.slice(space + 1));
    return parts;
}

function parseBody(text: string, headers: Readonly<Record<string, string>>): unknown {
    if (text === "") return undefined;
    if ((headers["content-type"] ?? "").includes("json") || /^[[{]/.test(text.trimStart())) {
        try {
            return JSON.parse(text);
        } catch {
            return text;
        }
    }
    return text;
}

function defaultSleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}
