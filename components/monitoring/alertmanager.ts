/**
 * Alertmanager config: every launch alert goes to the Slack channel in `hotdash:monitoring.alertChannel`. The
 * incoming-webhook URL is a secret, so the config only names the file it is read from (`api_url_file`); on Fly that
 * file comes from a Fly secret (machine config `files[].secret_name`).
 */
import { stringify } from "yaml";
import type { MonitoringThresholds } from "../config/types";
import { ALERT_NAMES } from "./rules";

/** Where Alertmanager reads the Slack incoming-webhook URL. */
export const SLACK_WEBHOOK_URL_FILE = "/etc/alertmanager/secrets/slack-webhook-url";

export interface AlertmanagerOptions {
    /** Defaults to SLACK_WEBHOOK_URL_FILE. */
    readonly slackWebhookUrlFile?: string;
    /** Wait for more alerts of a new group before the first message. Defaults to 30s. */
    readonly groupWait?: string;
    /** Wait before telling a group's changes. Defaults to 5m. */
    readonly groupInterval?: string;
    /** Repeat a still-firing group this often. Defaults to 1h, the checklist's cadence of status updates. */
    readonly repeatInterval?: string;
}

export function alertmanagerConfig(monitoring: MonitoringThresholds, opts: AlertmanagerOptions = {}): object {
    const receiver = `slack-${monitoring.alertChannel.replace(/^#/, "")}`;
    return {
        route: {
            receiver,
            // one message per alert and app: two apps failing are two incidents to hand out
            group_by: ["alertname", "app"],
            group_wait: opts.groupWait ?? "30s",
            group_interval: opts.groupInterval ?? "5m",
            repeat_interval: opts.repeatInterval ?? "1h",
        },
        // an app that is down also breaches its latency and queue alerts: only the outage is worth a message
        inhibit_rules: [{
            source_matchers: [`alertname="${ALERT_NAMES.healthCheck}"`],
            target_matchers: ['severity="warning"'],
            equal: ["app"],
        }],
        receivers: [{
            name: receiver,
            slack_configs: [{
                api_url_file: opts.slackWebhookUrlFile ?? SLACK_WEBHOOK_URL_FILE,
                channel: monitoring.alertChannel,
                send_resolved: true,
                title: "[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} {{ .CommonLabels.app }}",
                text: "{{ range .Alerts }}*{{ .Annotations.summary }}*\n{{ .Annotations.description }}\n" +
                    "Runbook: {{ .Annotations.runbook }}\n{{ end }}",
            }],
        }],
    };
}

export function renderAlertmanagerConfig(monitoring: MonitoringThresholds, opts: AlertmanagerOptions = {}): string {
    return stringify(alertmanagerConfig(monitoring, opts), { lineWidth: 0 });
}
