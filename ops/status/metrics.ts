/**
 * The numbers of a status update, each from its one source: Prometheus' query API (the success metrics' PromQL from
 * components/monitoring/rules.ts, over the time since T-0) and the `agent_approvals` table through PostgREST. A
 * source that fails or has nothing yet gives "no data" with the reason, never a made-up number.
 */
import { sloQueries } from "../../components/monitoring/rules";
import type { AppKey } from "../../components/catalog";
import { flyAuthorization } from "../../providers/fly/client";
import { HttpClient } from "../../providers/http";
import type { Reading, StatusMetrics } from "./evaluate";

export interface MetricSources {
    /** Base of a Prometheus HTTP API (`<base>/api/v1/query`): Fly's managed Prometheus for the org, or the stack's own. */
    readonly prometheusUrl: string;
    /** Fly token that may read the org's metrics (secret), for Fly's managed Prometheus; none for the stack's own. */
    readonly prometheusToken?: string;
    /** Supabase project URL (PostgREST at `<url>/rest/v1`). */
    readonly supabaseUrl: string;
    /** Service role key (secret). */
    readonly serviceRoleKey: string;
}

interface Sample {
    readonly metric: Readonly<Record<string, string>>;
    readonly value: readonly [number, string];
}

/** The worst app's value of a per-app result (`max` for what must stay low, `min` for what must stay high); NaN counts as absent. */
export function worst(result: readonly Sample[], direction: "max" | "min", scale = 1): Reading | undefined {
    let best: Reading | undefined;
    for (const s of result) {
        const value = Number(s.value[1]) * scale;
        if (!Number.isFinite(value)) continue;
        const app = s.metric["app"];
        if (!best || ("value" in best && (direction === "max" ? value > best.value : value < best.value))) best = { value, ...(app ? { app } : {}) };
    }
    return best;
}

/** Range covering `since` to `now`, in whole seconds (at least 1): the window every rate is taken over. */
export function rangeSince(since: Date, now: Date): string {
    return `${Math.max(1, Math.ceil((now.getTime() - since.getTime()) / 1000))}s`;
}

/** The count in a PostgREST `Content-Range` answer to `Prefer: count=exact` (`0-24/3573` or `*\/0`). */
export function contentRangeCount(header: string | undefined): number | undefined {
    const m = /\/(\d+)$/.exec(header ?? "");
    return m ? Number(m[1]) : undefined;
}

export async function readMetrics(sources: MetricSources, apps: Readonly<Record<AppKey, { readonly name: string }>>, since: Date, now: Date): Promise<StatusMetrics> {
    const [prom, approvals] = await Promise.all([readPrometheus(sources, apps, rangeSince(since, now), now), readApprovals(sources)]);
    return { ...prom, ...approvals };
}

async function readPrometheus(sources: MetricSources, apps: Readonly<Record<AppKey, { readonly name: string }>>, range: string, now: Date): Promise<Pick<StatusMetrics, "uptimePercent" | "errorRatePercent" | "latencyP95Ms" | "webhookDeliveryPercent" | "draftGenerationSeconds">> {
    const token = sources.prometheusToken;
    const authorization = token ? flyAuthorization(token) : undefined;
    const http = new HttpClient({
        vendor: "Prometheus API", baseUrl: `${sources.prometheusUrl.replace(/\/+$/, "")}/api/v1`,
        authHeaders: (): Record<string, string> => (authorization ? { authorization } : {}), retry: { attempts: 3 }, timeoutMs: 20_000,
        errorMessage: (b) => (b as { error?: string } | undefined)?.error,
    });
    const q = sloQueries(apps, range);
    const read = async (expr: string, direction: "max" | "min", none: string, scale = 1): Promise<Reading> => {
        try {
            const body = await http.send<{ data: { result: Sample[] } }>({ method: "GET", path: "/query", query: { query: expr, time: now.getTime() / 1000 } }); // one instant for every number
            return worst(body.data.result, direction, scale) ?? { missing: none };
        } catch (err) {
            return { missing: (err as Error).message };
        }
    };
    const [uptimePercent, errorRatePercent, latencyP95Ms, webhookDeliveryPercent, draftGenerationSeconds] = await Promise.all([
        // Fly's managed Prometheus has the edge's and the apps' metrics, the probes are the stack's own Prometheus'
        read(q.uptimePercent, "min", token ? "no health probe in Fly's metrics: the probes are in hotdash-monitor's Prometheus; `fly proxy 9090 -a hotdash-monitor` and add --prometheus http://127.0.0.1:9090" : "no health probe since T-0"),
        read(q.errorRatePercent, "max", "no response at Fly's edge since T-0"),
        read(q.latencyP95Seconds, "max", "no response at Fly's edge since T-0", 1000),
        read(q.webhookDeliveryPercent, "min", "no webhook delivery since T-0"),
        read(q.draftGenerationSeconds, "max", "no draft generated since T-0"),
    ]);
    return { uptimePercent, errorRatePercent, latencyP95Ms, webhookDeliveryPercent, draftGenerationSeconds };
}

/**
 * Drafts processed (any status but `pending`), the share approved and the drafts still pending, over the whole table: it is empty at launch
 * (the checklist's "Approval Queue: Verify empty and ready").
 */
async function readApprovals(sources: MetricSources): Promise<Pick<StatusMetrics, "approvalsProcessed" | "approvalRatePercent" | "queueDepth">> {
    const key = sources.serviceRoleKey;
    const http = new HttpClient({
        vendor: "Supabase PostgREST", baseUrl: `${sources.supabaseUrl.replace(/\/+$/, "")}/rest/v1`,
        authHeaders: () => ({ apikey: key, authorization: `Bearer ${key}` }), timeoutMs: 20_000,
    });
    const count = async (status?: string): Promise<number> => {
        const res = await http.sendOnce({
            method: "HEAD", path: "/agent_approvals", query: { select: "id", ...(status ? { status: `eq.${status}` } : {}) },
            headers: { prefer: "count=exact" },
        });
        const n = res.status < 300 ? contentRangeCount(res.headers["content-range"]) : undefined;
        if (n === undefined) throw new Error(`PostgREST answered ${res.status} without a count to HEAD /agent_approvals`);
        return n;
    };
    try {
        const [all, pending, approved] = await Promise.all([count(), count("pending"), count("approved")]);
        const processed = all - pending;
        return {
            approvalsProcessed: { value: processed },
            approvalRatePercent: processed > 0 ? { value: (100 * approved) / processed } : { missing: "no draft processed yet" },
            queueDepth: { value: pending },
        };
    } catch (err) {
        const missing = `could not count agent_approvals: ${(err as Error).message}`;
        return { approvalsProcessed: { missing }, approvalRatePercent: { missing }, queueDepth: { missing } };
    }
}
