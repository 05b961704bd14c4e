/**
 * Monitoring: the monitor's machines (Prometheus, Alertmanager, blackbox) run with passing checks, and every target
 * Prometheus scrapes answers: each app's /health (through the blackbox exporter) and the agent's /metrics.
 * Prometheus itself is on Fly's private network, out of reach from here. Alertmanager's route ends at the Slack
 * incoming webhook: an empty post is answered `400 no_text` by a live hook and posts nothing; a revoked or
 * deleted one answers 403/404/410.
 */
import { APPS } from "../../../components/catalog";
import { METRICS } from "../../../components/monitoring/metrics";
import { MONITOR_APP } from "../../../components/monitoring/files";
import type { Finding } from "../../../policies/framework/finding";
import { ALERT_ITEM, MONITORING_ITEM } from "../checklist";
import { finding, type Probe, reason } from "../probe";
import { rawClient } from "./clients";
import { machinesFinding } from "./fly";

export const monitoringProbe: Probe = {
    name: "monitoring targets",
    async run(ctx) {
        const agent = ctx.config.apps.agentService;
        const targets = [
            ...Object.values(ctx.config.apps).map((a) => ({ name: `${a.name} /health`, base: a.publicUrl, path: APPS[a.key].healthPath, expect: undefined as string | undefined })),
            { name: `${agent.name} /metrics`, base: agent.publicUrl, path: "/metrics", expect: METRICS.webhookDeliveries.name },
        ];
        const [machines, ...answers] = await Promise.all([
            machinesFinding(ctx, MONITOR_APP),
            ...targets.map(async (t) => {
                try {
                    const res = await rawClient(t.name, t.base).sendOnce({ method: "GET", path: t.path });
                    const text = typeof res.body === "string" ? res.body : JSON.stringify(res.body ?? "");
                    return res.status === 200 && (!t.expect || text.includes(t.expect)) ? undefined : `${t.name}: ${res.status}${t.expect && res.status === 200 ? ` without ${t.expect}` : ""}`;
                } catch (err) {
                    return `${t.name}: ${reason(err)}`;
                }
            }),
        ]);
        const down = answers.filter((a): a is string => !!a);
        const expected = "monitor machines passing; every target up";
        const source = `Fly machines of ${MONITOR_APP}; GET each scrape target`;
        const out: Finding[] = [];
        if (machines.status !== "pass") out.push(finding(MONITORING_ITEM, MONITOR_APP, "fail", machines.message, { observed: machines.evidence.observed, expected, source, fix: `npx launch up --stack ${ctx.config.stack}` }, ctx.now));
        else out.push(finding(MONITORING_ITEM, MONITOR_APP, "pass", machines.message, { observed: machines.evidence.observed, expected, source }, ctx.now));
        out.push(down.length
            ? finding(MONITORING_ITEM, "scrape targets", "fail", `${down.length} of ${targets.length} targets down: ${down.join("; ")}`, { observed: down.join("; "), expected, source, fix: "fix the target (see GNG-HLT-001 for the apps)" }, ctx.now)
            : finding(MONITORING_ITEM, "scrape targets", "pass", `all ${targets.length} scrape targets up`, { observed: targets.map((t) => t.name).join(", "), expected, source }, ctx.now));
        return out;
    },
};

export const alertRouteProbe: Probe = {
    name: "alert route to Slack",
    async run(ctx) {
        const url = ctx.secret("alertSlackWebhookUrl");
        const source = "POST {} to the Slack incoming webhook (hotdash:alertSlackWebhookUrl)";
        const expected = "400 no_text: the hook is live (an empty post posts nothing)";
        const fix = `pulumi config set --secret hotdash:alertSlackWebhookUrl <new-webhook-url> --stack ${ctx.config.stack} && npx launch up --stack ${ctx.config.stack}`;
        if (!url) return [finding(ALERT_ITEM, "alertSlackWebhookUrl", "fail", "no Slack webhook URL is configured", { observed: "none", expected, source, fix }, ctx.now)];
        try {
            const u = new URL(url);
            const res = await rawClient("Slack", u.origin, { secrets: [url, u.pathname] }).sendOnce({ method: "POST", path: u.pathname, body: {} });
            const text = typeof res.body === "string" ? res.body : JSON.stringify(res.body ?? "");
            if (res.status === 400 && /no_text|invalid_payload|missing_text/.test(text)) {
                return [finding(ALERT_ITEM, "alertSlackWebhookUrl", "pass", `Alertmanager's Slack route answers (${res.status} ${text.trim()})`, { observed: `${res.status} ${text.trim()}`, expected, source }, ctx.now)];
            }
            return [finding(ALERT_ITEM, "alertSlackWebhookUrl", "fail", `the Slack webhook answered ${res.status} ${text.trim().slice(0, 60)}: it is revoked or its channel is gone`, { observed: `${res.status}`, expected, source, fix }, ctx.now)];
        } catch (err) {
            return [finding(ALERT_ITEM, "alertSlackWebhookUrl", "fail", `the Slack webhook did not answer: ${reason(err)}`, { observed: "no answer", expected, source, fix }, ctx.now)];
        }
    },
};
