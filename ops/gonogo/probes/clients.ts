/**
 * The vendors' clients for the probes: the providers' own, on the one HTTP layer (its retries ride out a vendor's
 * passing 429 or 5xx; a refused token is not retried, so it fails at once).
 */
import { ChatwootClient } from "../../../providers/chatwoot/client";
import { type FlyApi, flyHttp } from "../../../providers/fly/client";
import { HttpClient } from "../../../providers/http";
import { SupabaseClient } from "../../../providers/supabase/client";
import type { ProbeContext } from "../probe";

export function flyApi<A>(ctx: ProbeContext, Api: FlyApi<A>): A {
    return new Api(flyHttp({ apiUrl: ctx.config.fly.apiUrl, token: ctx.secret("flyApiToken") ?? "" }));
}

export function supabaseClient(ctx: ProbeContext): SupabaseClient {
    return new SupabaseClient({ apiUrl: ctx.config.supabase.apiUrl, token: ctx.secret("supabaseAccessToken") ?? "" });
}

export function chatwootClient(ctx: ProbeContext): ChatwootClient {
    return new ChatwootClient({ baseUrl: ctx.config.chatwoot.baseUrl, token: ctx.secret("chatwootApiToken") ?? "" });
}

/** A plain client for one URL's origin (health endpoints, PostgREST, Slack), with no retry: one attempt is the evidence. */
export function rawClient(vendor: string, baseUrl: string, opts: { headers?: Record<string, string>; timeoutMs?: number; secrets?: readonly string[] } = {}): HttpClient {
    return new HttpClient({
        vendor, baseUrl,
        ...(opts.headers ? { authHeaders: () => opts.headers! } : {}),
        timeoutMs: opts.timeoutMs ?? 10_000,
        retry: { attempts: 1 },
        ...(opts.secrets ? { secrets: () => opts.secrets! } : {}),
    });
}
