/**
 * The monitoring app's config, generated from one `LaunchConfig`: Prometheus with its rules, the blackbox exporter
 * and Alertmanager run as process groups of the `hotdash-monitor` Fly app and reach each other over Fly's private
 * network (`<group>.process.<app>.internal`). Secrets (the Slack webhook URL, the Fly metrics token) appear only as
 * the paths of files a Fly secret fills in.
 */
import type { LaunchConfig } from "../config/types";
import { renderAlertmanagerConfig, SLACK_WEBHOOK_URL_FILE } from "./alertmanager";
import { renderBlackboxConfig } from "./blackbox";
import { renderPrometheusConfig } from "./prometheus";
import { renderAlertRules } from "./rules";

export const MONITORING_PATHS = {
    prometheusConfig: "/etc/prometheus/prometheus.yml",
    rules: "/etc/prometheus/rules/hotdash.yml",
    blackboxConfig: "/etc/prometheus/blackbox.yml",
    alertmanagerConfig: "/etc/alertmanager/alertmanager.yml",
    /** Secret files: filled from Fly secrets, never generated. */
    slackWebhookUrl: SLACK_WEBHOOK_URL_FILE,
    flyMetricsToken: "/etc/prometheus/secrets/fly-metrics-token",
} as const;

/** The Fly app the monitoring runs as. */
export const MONITOR_APP = "hotdash-monitor";

/** Where Prometheus reaches the other process groups: Fly's private DNS name per process group, default ports. */
export const INTERNAL_ADDRESSES = {
    blackbox: `blackbox.process.${MONITOR_APP}.internal:9115`,
    alertmanager: `alertmanager.process.${MONITOR_APP}.internal:9093`,
} as const;

/** Generated files by absolute path. */
export function monitoringFiles(config: LaunchConfig): Record<string, string> {
    const p = MONITORING_PATHS;
    return {
        [p.prometheusConfig]: renderPrometheusConfig(config.apps, {
            blackboxAddress: INTERNAL_ADDRESSES.blackbox,
            alertmanagerAddress: INTERNAL_ADDRESSES.alertmanager,
            ruleFiles: [p.rules],
            // the sandbox has no managed Prometheus to federate from
            ...(config.environment === "production" ? { flyFederation: { org: config.fly.org, tokenFile: p.flyMetricsToken } } : {}),
        }),
        [p.rules]: renderAlertRules({ monitoring: config.monitoring, apps: config.apps, stack: config.stack }),
        [p.blackboxConfig]: renderBlackboxConfig(),
        [p.alertmanagerConfig]: renderAlertmanagerConfig(config.monitoring, { slackWebhookUrlFile: p.slackWebhookUrl }),
    };
}
