/**
 * Prometheus alerting rules for the launch checklist's success metrics. Thresholds and the `for:` window come only
 * from `hotdash:monitoring`; metric names only from `METRICS`. Pure: config in, YAML out.
 */
import { stringify } from "yaml";
import type { AppKey } from "../catalog";
import type { MonitoringThresholds } from "../config/types";
import { METRICS, seriesName } from "./metrics";

/** Stable alert names: Alertmanager routes and silences, and the war room, refer to them. */
export const ALERT_NAMES = {
    errorRate: "HotDashErrorRateHigh",
    latencyP95: "HotDashLatencyP95High",
    webhookDelivery: "HotDashWebhookDeliveryLow",
    draftGeneration: "HotDashDraftGenerationSlow",
    queueDepth: "HotDashApprovalQueueDeep",
    healthCheck: "HotDashHealthCheckFailing",
} as const;
export type AlertKey = keyof typeof ALERT_NAMES;

/** Name of the single rule group (and of the rules file's only group). */
export const RULE_GROUP = "hotdash-launch";

/** Range of `rate()`: long enough for several samples at a 15-30 s scrape interval. */
export const DEFAULT_RATE_RANGE = "2m";

/** A down service is an outage, not a statistic: its alert waits at most this long, even when the window is longer. */
export const MAX_HEALTH_WINDOW = "1m";

export interface AlertRule {
    readonly alert: string;
    readonly expr: string;
    readonly for: string;
    readonly labels: { readonly severity: "critical" | "warning" };
    readonly annotations: { readonly summary: string; readonly description: string; readonly runbook: string };
}

export interface RulesInput {
    readonly monitoring: MonitoringThresholds;
    /** The launched apps (`LaunchConfig.apps`); edge metrics are scoped to their names. */
    readonly apps: Readonly<Record<AppKey, { readonly name: string }>>;
    /** Stack the runbooks' commands name. */
    readonly stack: string;
    /** Range of `rate()`. Defaults to DEFAULT_RATE_RANGE. */
    readonly rateRange?: string;
}

/** The `for:` of the health alert: the config window, capped at MAX_HEALTH_WINDOW. */
export function healthWindow(window: string): string {
    return seconds(window) <= seconds(MAX_HEALTH_WINDOW) ? window : MAX_HEALTH_WINDOW;
}

/**
 * The PromQL of each success metric, per `app`, over a range: the alert rules compare these with the thresholds, and
 * `launch status` reads the same expressions over the time since launch. Percentages are 0-100, times in seconds.
 */
export interface SloQueries {
    readonly errorRatePercent: string;
    readonly latencyP95Seconds: string;
    readonly webhookDeliveryPercent: string;
    readonly draftGenerationSeconds: string;
    readonly queueDepth: string;
    /** Per app and probed URL; 0 when the last probe failed. */
    readonly healthProbe: string;
    /** Share of successful health probes over the range (the worst URL of the app). */
    readonly uptimePercent: string;
}

export function sloQueries(apps: RulesInput["apps"], range: string): SloQueries {
    const names = Object.values(apps).map((a) => a.name);
    for (const n of names) if (!/^[a-z0-9-]+$/.test(n)) throw new Error(`app name "${n}" is not a Fly app name`);
    const ours = `app=~"${names.join("|")}"`; // other apps of the Fly org must not page the launch channel
    const responses = METRICS.edgeResponses.name;
    const delivered = METRICS.webhookDeliveries.name;
    const verified = `${delivered}{result="${METRICS.webhookDeliveries.results.verified}"}`;
    const probe = `${METRICS.probeSuccess.name}{job="${METRICS.probeSuccess.job}"}`;
    const p95 = (bucket: string): string => `histogram_quantile(0.95, sum by (app, le) (rate(${bucket}[${range}])))`;
    return {
        errorRatePercent: `100 * sum by (app) (rate(${responses}{${ours},status=~"5.."}[${range}]))` +
            ` / sum by (app) (rate(${responses}{${ours}}[${range}]))`,
        latencyP95Seconds: p95(`${seriesName(METRICS.edgeResponseTime)}{${ours}}`),
        // `or 0 * ...` keeps the ratio defined (at 0 %) when not a single delivery verified
        webhookDeliveryPercent: `100 * (sum by (app) (rate(${verified}[${range}])) or 0 * sum by (app) (rate(${delivered}[${range}])))` +
            ` / sum by (app) (rate(${delivered}[${range}]))`,
        draftGenerationSeconds: p95(seriesName(METRICS.draftGeneration)),
        // max, not sum: each agent machine reports the same table count
        queueDepth: `max by (app) (${METRICS.approvalQueueDepth.name})`,
        healthProbe: `min by (app, instance) (${probe})`,
        uptimePercent: `100 * min by (app) (avg_over_time(${probe}[${range}]))`,
    };
}

export function alertRules(input: RulesInput): AlertRule[] {
    const { monitoring: m, apps, stack } = input;
    const q = sloQueries(apps, input.rateRange ?? DEFAULT_RATE_RANGE);
    const app = "{{ $labels.app }}";
    const logs = `\`fly logs -a ${app}\``;
    const rollback = `\`launch rollback --stack ${stack} --app ${app}\``;

    return [
        {
            alert: ALERT_NAMES.errorRate,
            expr: `${q.errorRatePercent} > ${m.errorRatePercent}`,
            for: m.window,
            labels: { severity: "critical" },
            annotations: {
                summary: `${app}: more than ${m.errorRatePercent} % of responses are 5xx`,
                description: `The share of 5xx responses at Fly's edge for ${app} has stayed above ${m.errorRatePercent} % for ${m.window} (launch target: below ${m.errorRatePercent} %).`,
                runbook: `Read ${logs} and \`launch monitor --stack ${stack}\`; if the errors began with a deploy, roll back: ${rollback}.`,
            },
        },
        {
            alert: ALERT_NAMES.latencyP95,
            expr: `${q.latencyP95Seconds} > ${m.p95LatencyMs / 1000}`,
            for: m.window,
            labels: { severity: "warning" },
            annotations: {
                summary: `${app}: p95 response time above ${m.p95LatencyMs} ms`,
                description: `The 95th percentile of response time at Fly's edge for ${app} has stayed above ${m.p95LatencyMs} ms for ${m.window}.`,
                runbook: `Compare with \`launch monitor --stack ${stack}\` and ${logs}; add machines if load grew, roll back if it began with a deploy: ${rollback}.`,
            },
        },
        {
            alert: ALERT_NAMES.webhookDelivery,
            expr: `${q.webhookDeliveryPercent} < ${m.webhookDeliveryPercent}`,
            for: m.window,
            labels: { severity: "critical" },
            annotations: {
                summary: `${app}: fewer than ${m.webhookDeliveryPercent} % of Chatwoot webhooks verify`,
                description: `Less than ${m.webhookDeliveryPercent} % of the webhook deliveries to ${app} have passed signature verification for ${m.window}; customers' messages go unanswered.`,
                runbook: `Rejections usually mean the HMAC secret differs between Chatwoot and ${app}: run \`pulumi up --stack ${stack}\` to redistribute it, then read ${logs}.`,
            },
        },
        {
            alert: ALERT_NAMES.draftGeneration,
            expr: `${q.draftGenerationSeconds} > ${m.draftGenerationSeconds}`,
            for: m.window,
            labels: { severity: "warning" },
            annotations: {
                summary: `${app}: p95 draft generation above ${m.draftGenerationSeconds} s`,
                description: `The 95th percentile of the time from webhook to stored draft on ${app} has stayed above ${m.draftGenerationSeconds} s for ${m.window}.`,
                runbook: `Check that ${apps.llamaindexMcp.name} is healthy and fast (\`launch monitor --stack ${stack}\`), then read ${logs}.`,
            },
        },
        {
            alert: ALERT_NAMES.queueDepth,
            expr: `${q.queueDepth} > ${m.queueDepth}`,
            for: m.window,
            labels: { severity: "warning" },
            annotations: {
                summary: `${app}: more than ${m.queueDepth} drafts wait for approval`,
                description: `More than ${m.queueDepth} drafts have waited in agent_approvals for ${m.window}; operators are falling behind.`,
                runbook: `Ask the war room for more approvers; check the drafts are sound before approving in bulk (\`launch monitor --stack ${stack}\`).`,
            },
        },
        {
            alert: ALERT_NAMES.healthCheck,
            expr: `${q.healthProbe} == 0`,
            for: healthWindow(m.window),
            labels: { severity: "critical" },
            annotations: {
                summary: `${app}: health check failing`,
                description: `{{ $labels.instance }} has not answered 2xx for ${healthWindow(m.window)}.`,
                // Fly only takes a failing machine out of routing; nothing restarts it
                runbook: `\`fly status -a ${app}\` and ${logs}; restart the failing machine (\`fly machine restart -a ${app} <id>\`) or roll back: ${rollback}.`,
            },
        },
    ];
}

/** The rules file Prometheus loads (`rule_files`). */
export function renderAlertRules(input: RulesInput): string {
    return stringify({ groups: [{ name: RULE_GROUP, rules: alertRules(input) }] }, { lineWidth: 0 });
}

/** Seconds in a Prometheus duration such as `30s`, `5m` or `1h` (the forms config validation accepts). */
export function seconds(duration: string): number {
    const match = /^(\d+)([smh])$/.exec(duration);
    if (!match) throw new Error(`"${duration}" is not a duration such as 30s, 5m or 1h`);
    return Number(match[1]) * { s: 1, m: 60, h: 3600 }[match[2] as "s" | "m" | "h"];
}
