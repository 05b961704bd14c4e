/**
 * The checklist's "Update Template", filled in. Pure: an evaluation and times in, the text for Slack and the
 * terminal out. The template's own lines come first (Uptime, Error Rate, Approvals Processed, Operator Feedback),
 * then the other success metrics.
 */
import type { Colour, Evaluation } from "./evaluate";

export const COLOURS: Readonly<Record<Colour, string>> = { green: "🟢 Green", yellow: "🟡 Yellow", red: "🔴 Red" };

/** Operator feedback is asked for, not measured. */
export const OPERATOR_FEEDBACK = "not measured (ask the operators in #support-ops)";

export interface UpdateInput {
    readonly evaluation: Evaluation;
    /** When the numbers were read. */
    readonly at: Date;
    /** T-0: when webhooks were enabled; undefined before launch. */
    readonly launchedAt?: Date;
    /** When the next update is due. */
    readonly nextCheck: Date;
}

/** `T+2.5 hours` (one decimal), or `before T-0` when webhooks are not enabled yet. */
export function sinceLaunch(at: Date, launchedAt: Date | undefined): string {
    if (!launchedAt) return "before T-0";
    const hours = Math.max(0, at.getTime() - launchedAt.getTime()) / 3_600_000;
    return `T+${hours.toFixed(1)} hours`;
}

/** `HH:MM UTC`, with the date when it is not the day of `at`. */
export function clock(t: Date, at: Date): string {
    const hm = t.toISOString().slice(11, 16);
    return t.toISOString().slice(0, 10) === at.toISOString().slice(0, 10) ? `${hm} UTC` : `${t.toISOString().slice(0, 10)} ${hm} UTC`;
}

export function renderUpdate(u: UpdateInput): string {
    const shown = Object.fromEntries(u.evaluation.checks.map((c) => [c.key, c]));
    const line = (key: string): string => `- ${shown[key]!.label}: ${shown[key]!.shown}`;
    return [
        `🚀 HotDash Launch Update [${sinceLaunch(u.at, u.launchedAt)}]`,
        "",
        `Status: ${COLOURS[u.evaluation.colour]}`,
        "",
        "Metrics:",
        line("uptimePercent"),
        line("errorRatePercent"),
        line("approvalsProcessed"),
        `- Operator Feedback: ${OPERATOR_FEEDBACK}`,
        line("latencyP95Ms"),
        line("webhookDeliveryPercent"),
        line("draftGenerationSeconds"),
        line("approvalRatePercent"),
        line("queueDepth"),
        "",
        "Issues:",
        ...(u.evaluation.issues.length ? u.evaluation.issues.map((i) => `- ${i}`) : ["- None"]),
        "",
        `Next Check: ${clock(u.nextCheck, u.at)}`,
    ].join("\n");
}
