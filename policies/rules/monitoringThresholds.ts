/**
 * HD-MON-001: the launch-day thresholds and where alerts go are declared: every success metric of the checklist
 * has a positive threshold, an alert channel is named, and the Slack webhook the alerts are posted to is set.
 */
import { DEFAULTS, SECRET_SPECS, fixCommand } from "../../components/config/validate";
import type { Check } from "../framework/finding";
import { checks, type Rule } from "../framework/rule";
import { asRecord, at, isUnknown } from "../framework/unknown";

/** Each threshold, how reports name it, and its upper bound when it is a percentage. */
export const THRESHOLDS: readonly { readonly key: keyof typeof DEFAULTS.monitoring; readonly label: string; readonly max?: number }[] = [
    { key: "errorRatePercent", label: "error rate (%)", max: 100 },
    { key: "p95LatencyMs", label: "p95 latency (ms)" },
    { key: "webhookDeliveryPercent", label: "webhook delivery (%)", max: 100 },
    { key: "draftGenerationSeconds", label: "draft generation (s)" },
    { key: "queueDepth", label: "approval queue depth" },
];

export const monitoringThresholds: Rule = {
    id: "HD-MON-001",
    title: "Monitoring thresholds and alert channel declared",
    description: "Every launch-day threshold (error rate, p95 latency, webhook delivery, draft generation, queue depth) is a positive number, an alert channel is named and the alerts' Slack webhook is set.",
    severity: "high",
    enforcement: "mandatory",
    remediation: [
        "Set each threshold under hotdash:monitoring (`pulumi config set --path hotdash:monitoring.<name> <value> --stack <stack>`).",
        "Name the channel (`hotdash:monitoring.alertChannel`) and set the Slack webhook as a secret (`hotdash:alertSlackWebhookUrl`).",
        "Run `npx launch policy --stack <stack>` again.",
    ],
    url: "https://prometheus.io/docs/alerting/latest/alertmanager/",
    check(view, ctx) {
        const facts = view.launchFacts();
        if (!facts) return [checks.notDeclared("LaunchFacts", "LaunchFacts (the launch's own facts)", "monitoring thresholds recorded")];
        const monitoring = at(facts.props, "monitoring");
        if (isUnknown(monitoring)) return [checks.unknown("monitoring", "the monitoring config", "thresholds and an alert channel", facts.urn)];
        const m = asRecord(monitoring) ?? {};
        const out: Check[] = [];
        const good: string[] = [];
        for (const t of THRESHOLDS) {
            const v = m[t.key];
            const subject = `monitoring.${t.key}`;
            const fix = fixCommand(ctx.stack, subject, String(DEFAULTS.monitoring[t.key]));
            if (isUnknown(v)) out.push(checks.unknown(subject, `the ${t.label} threshold`, "a number above 0", facts.urn));
            else if (v === undefined || v === null) out.push(checks.fail(subject, `${subject}: no ${t.label} threshold is declared`, "undeclared", "a number above 0", { urn: facts.urn, fix }));
            else if (typeof v !== "number" || !Number.isFinite(v) || v <= 0 || (t.max !== undefined && v > t.max)) {
                out.push(checks.fail(subject, `${subject}: the ${t.label} threshold must be a number above 0${t.max !== undefined ? ` and at most ${t.max}` : ""}`, JSON.stringify(v), "a number above 0", { urn: facts.urn, fix }));
            } else good.push(`${t.label} ${v}`);
        }
        if (good.length === THRESHOLDS.length) out.push(checks.pass("monitoring.thresholds", `monitoring.thresholds: ${good.join(", ")}`, good.join(", "), "every threshold declared", facts.urn));
        const channel = m["alertChannel"];
        if (isUnknown(channel)) out.push(checks.unknown("monitoring.alertChannel", "the alert channel", "a Slack channel", facts.urn));
        else if (typeof channel === "string" && /^#[a-z0-9_-]{1,80}$/.test(channel)) out.push(checks.pass("monitoring.alertChannel", `monitoring.alertChannel: alerts go to ${channel}`, channel, "a Slack channel", facts.urn));
        else out.push(checks.fail("monitoring.alertChannel", "monitoring.alertChannel: no alert channel is declared", JSON.stringify(channel ?? null), "a Slack channel such as #launch-war-room", { urn: facts.urn, fix: fixCommand(ctx.stack, "monitoring.alertChannel", DEFAULTS.monitoring.alertChannel) }));
        const webhook = m["alertWebhookConfigured"];
        if (isUnknown(webhook)) out.push(checks.unknown("alertSlackWebhookUrl", "whether the alerts' Slack webhook is set", "set", facts.urn));
        else if (webhook === true) out.push(checks.pass("alertSlackWebhookUrl", "alertSlackWebhookUrl: the alerts' Slack webhook is set", "set", "set", facts.urn));
        else out.push(checks.fail("alertSlackWebhookUrl", "alertSlackWebhookUrl: the Slack webhook the alerts are posted to is not set", "not set", "set", { urn: facts.urn, fix: fixCommand(ctx.stack, "alertSlackWebhookUrl", SECRET_SPECS.alertSlackWebhookUrl.placeholder, { secret: true }) }));
        return out;
    },
};
