/**
 * The launch checklist's success metrics against their targets: one colour and the issues, from numbers already
 * gathered. Pure. The colour rule:
 *
 * - 🔴 red: a technical metric (uptime, error rate, p95, webhook delivery, draft generation) misses its target;
 * - 🟡 yellow: otherwise, a product metric (approvals processed, approval rate, the approval queue's depth) misses
 *   its target, or any metric has no data;
 * - 🟢 green: every metric has data and meets its target.
 *
 * A target is met only when strictly better than the checklist's bound ("Uptime > 99.5 %": 99.5 % misses); the queue
 * may be as deep as its alert's threshold (the alert fires above it).
 * Operator feedback has no data source and takes no part in the colour.
 */
import type { MonitoringThresholds } from "../../components/config/types";

export type Colour = "green" | "yellow" | "red";

/** A value and the app it was worst on, or why there is none. */
export type Reading = { readonly value: number; readonly app?: string } | { readonly missing: string };

export interface StatusMetrics {
    /** Share of successful health probes since T-0, the worst app's. */
    readonly uptimePercent: Reading;
    /** Share of 5xx responses at Fly's edge since T-0, the worst app's. */
    readonly errorRatePercent: Reading;
    /** p95 of response time at Fly's edge since T-0, the worst app's, in ms. */
    readonly latencyP95Ms: Reading;
    /** Share of webhook deliveries that verified since T-0. */
    readonly webhookDeliveryPercent: Reading;
    /** p95 of draft generation since T-0, in seconds. */
    readonly draftGenerationSeconds: Reading;
    /** Drafts an operator decided (approved, rejected or otherwise, not pending). */
    readonly approvalsProcessed: Reading;
    /** Approved drafts among the processed ones. */
    readonly approvalRatePercent: Reading;
    /** Drafts waiting for an operator (`pending`). */
    readonly queueDepth: Reading;
}
export type MetricKey = keyof StatusMetrics;

/** The checklist's targets that are not alert thresholds in config ("Success Metrics", first 24 hours). */
export const CHECKLIST_TARGETS = {
    uptimePercent: 99.5,
    approvalsProcessed: 10,
    approvalRatePercent: 60,
} as const;

export interface MetricSpec {
    readonly label: string;
    readonly kind: "technical" | "product";
    /** The value must be above (`>`), below (`<`) or at most (`<=`) the target. */
    readonly op: ">" | "<" | "<=";
    readonly format: (v: number) => string;
}

const percent = (digits: number) => (v: number): string => `${v.toFixed(digits)}%`;

/** In the order the update lists them: the template's own lines first. */
export const METRIC_SPECS: Readonly<Record<MetricKey, MetricSpec>> = {
    uptimePercent: { label: "Uptime", kind: "technical", op: ">", format: percent(2) },
    errorRatePercent: { label: "Error Rate", kind: "technical", op: "<", format: percent(2) },
    approvalsProcessed: { label: "Approvals Processed", kind: "product", op: ">", format: (v) => String(v) },
    latencyP95Ms: { label: "Response Time (p95)", kind: "technical", op: "<", format: (v) => `${Math.round(v)} ms` },
    webhookDeliveryPercent: { label: "Webhook Delivery", kind: "technical", op: ">", format: percent(2) },
    draftGenerationSeconds: { label: "Draft Generation (p95)", kind: "technical", op: "<", format: (v) => `${v.toFixed(2)} s` },
    approvalRatePercent: { label: "Approval Rate", kind: "product", op: ">", format: percent(1) },
    queueDepth: { label: "Approval Queue", kind: "product", op: "<=", format: (v) => `${v} pending` },
};

export type Targets = Readonly<Record<MetricKey, number>>;

/** The targets: the technical ones from `hotdash:monitoring` (the alerts' thresholds), the rest from the checklist. */
export function targetsFrom(m: MonitoringThresholds): Targets {
    return {
        uptimePercent: CHECKLIST_TARGETS.uptimePercent,
        errorRatePercent: m.errorRatePercent,
        approvalsProcessed: CHECKLIST_TARGETS.approvalsProcessed,
        latencyP95Ms: m.p95LatencyMs,
        webhookDeliveryPercent: m.webhookDeliveryPercent,
        draftGenerationSeconds: m.draftGenerationSeconds,
        approvalRatePercent: CHECKLIST_TARGETS.approvalRatePercent,
        queueDepth: m.queueDepth,
    };
}

export interface CheckResult {
    readonly key: MetricKey;
    readonly label: string;
    /** The value as the update shows it, or "no data". */
    readonly shown: string;
    /** Undefined when there is no data. */
    readonly met: boolean | undefined;
}

export interface Evaluation {
    readonly colour: Colour;
    readonly checks: readonly CheckResult[];
    /** One line per missed target, then one per metric without data. */
    readonly issues: readonly string[];
}

export function evaluate(metrics: StatusMetrics, targets: Targets): Evaluation {
    const checks: CheckResult[] = [];
    const misses: string[] = [];
    const gaps: string[] = [];
    let red = false;
    let yellow = false;
    for (const key of Object.keys(METRIC_SPECS) as MetricKey[]) {
        const spec = METRIC_SPECS[key];
        const reading = metrics[key];
        if ("missing" in reading) {
            checks.push({ key, label: spec.label, shown: "no data", met: undefined });
            gaps.push(`${spec.label}: no data (${reading.missing})`);
            yellow = true;
            continue;
        }
        const target = targets[key];
        const met = spec.op === ">" ? reading.value > target : spec.op === "<" ? reading.value < target : reading.value <= target;
        checks.push({ key, label: spec.label, shown: spec.format(reading.value), met });
        if (met) continue;
        misses.push(`${spec.label} ${spec.format(reading.value)}${reading.app ? ` on ${reading.app}` : ""} misses the target (${spec.op} ${spec.format(target)})`);
        if (spec.kind === "technical") red = true;
        else yellow = true;
    }
    return { colour: red ? "red" : yellow ? "yellow" : "green", checks, issues: [...misses, ...gaps] };
}
