/**
 * Every metric the launch alerts read, in one place: the rules, the Prometheus config and the agent service that
 * exposes the `hotdash_*` metrics all take the names from here.
 */

export const METRICS = {
    /** Fly edge (built in): responses per `app` and `status`. Counter. */
    edgeResponses: { name: "fly_edge_http_responses_count", type: "counter" },
    /** Fly edge (built in): response time per `app`. Histogram, read through its `_bucket` series. */
    edgeResponseTime: { name: "fly_edge_http_response_time_seconds", type: "histogram" },
    /** Agent service: Chatwoot webhook deliveries by `result`. Expose every result at 0 from start-up. */
    webhookDeliveries: {
        name: "hotdash_webhook_deliveries_total",
        type: "counter",
        help: "Chatwoot webhook deliveries received, by signature verification result.",
        results: { verified: "verified", rejected: "rejected" },
    },
    /** Agent service: time from webhook to draft in `agent_approvals`. */
    draftGeneration: {
        name: "hotdash_draft_generation_seconds",
        type: "histogram",
        help: "Seconds from a verified webhook to its draft reply stored for approval.",
        // the alert threshold (3 s by default) must be a bucket bound, or the p95 is an interpolation across it
        buckets: [0.25, 0.5, 1, 2, 3, 5, 10, 30],
    },
    /** Agent service: drafts waiting for an operator. Every machine reports the same table count. */
    approvalQueueDepth: {
        name: "hotdash_approval_queue_depth",
        type: "gauge",
        help: "Drafts in agent_approvals waiting for an operator's decision.",
    },
    /** Blackbox exporter: 1 when the app's health endpoint answered 2xx, per `app` (a target label we add). */
    probeSuccess: { name: "probe_success", type: "gauge", job: "hotdash-health" },
} as const;

/** Where each app serves its own metrics; Fly's managed Prometheus scrapes it (machine `config.metrics`). */
export const METRICS_ENDPOINT = { port: 9091, path: "/metrics" } as const;

/** The series names Prometheus stores for a metric: a histogram is queried through its `_bucket` series. */
export function seriesName(metric: { readonly name: string; readonly type: string }): string {
    return metric.type === "histogram" ? `${metric.name}_bucket` : metric.name;
}
