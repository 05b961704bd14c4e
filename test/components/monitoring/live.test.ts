/**
 * The generated configs in the real daemons (Debian's prometheus, blackbox exporter and Alertmanager) against the
 * sandbox's apps, at second scale: an app whose /health fails raises the health alert for that app only, and the
 * alert reaches the sandbox's Slack through the URL file, the only place the URL is written.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { validateConfig } from "../../../components/config/validate";
import type { LaunchConfig } from "../../../components/config/types";
import { renderAlertmanagerConfig } from "../../../components/monitoring/alertmanager";
import { renderBlackboxConfig } from "../../../components/monitoring/blackbox";
import { METRICS } from "../../../components/monitoring/metrics";
import { renderPrometheusConfig } from "../../../components/monitoring/prometheus";
import { ALERT_NAMES, RULE_GROUP, renderAlertRules } from "../../../components/monitoring/rules";
import { type Sandbox, startSandbox } from "../../../sandbox";
import { SLACK_WEBHOOK_PATH } from "../../../sandbox/slack";
import { type Daemon, get, requireTools, startDaemon, tempDir, waitFor } from "../../helpers/prometheus";

interface PromAlert { labels: Record<string, string>; state: string }

describe("monitoring with real Prometheus, blackbox exporter and Alertmanager", function () {
    this.timeout(60_000);
    let sandbox: Sandbox | undefined;
    let dir: string | undefined;
    const daemons: Daemon[] = [];
    let prometheus: Daemon;
    let config: LaunchConfig;

    before(async function () {
        const tools = requireTools(this, "prometheus", "prometheus-blackbox-exporter", "prometheus-alertmanager");
        sandbox = await startSandbox({ timeScale: 0.01 });
        const base = sandbox.stackConfig();
        const values = { ...base, "hotdash:monitoring": { ...(base["hotdash:monitoring"] as object), window: "3s" } };
        config = validateConfig({ values, secretKeys: [] }, { stack: "sandbox", env: {} });
        dir = tempDir("hotdash-monitoring-");
        const file = (name: string, content: string): string => {
            fs.writeFileSync(path.join(dir!, name), content);
            return path.join(dir!, name);
        };
        // what the Fly secret puts on the monitoring machine
        const slackUrlFile = file("slack-webhook-url", `${sandbox.urls.slack}${SLACK_WEBHOOK_PATH}`);
        const rules = file("rules.yml", renderAlertRules({ monitoring: config.monitoring, apps: config.apps, stack: config.stack }));
        const blackboxConfig = file("blackbox.yml", renderBlackboxConfig());
        const amConfig = file("alertmanager.yml", renderAlertmanagerConfig(config.monitoring, {
            slackWebhookUrlFile: slackUrlFile, groupWait: "1s", groupInterval: "1s",
        }));
        fs.mkdirSync(path.join(dir, "am"));
        fs.mkdirSync(path.join(dir, "tsdb"));

        const [blackbox, alertmanager] = await Promise.all([
            startDaemon(tools["prometheus-blackbox-exporter"], (port) => [`--config.file=${blackboxConfig}`, `--web.listen-address=127.0.0.1:${port}`], "/-/healthy"),
            startDaemon(tools["prometheus-alertmanager"], (port) => [
                `--config.file=${amConfig}`, `--storage.path=${path.join(dir!, "am")}`, `--web.listen-address=127.0.0.1:${port}`,
                "--cluster.listen-address=", // no gossip port: one instance
            ], "/-/ready"),
        ]);
        daemons.push(blackbox, alertmanager);
        const promConfig = file("prometheus.yml", renderPrometheusConfig(config.apps, {
            blackboxAddress: blackbox.address, alertmanagerAddress: alertmanager.address, ruleFiles: [rules],
            scrapeInterval: "1s", evaluationInterval: "1s",
        }));
        prometheus = await startDaemon(tools.prometheus, (port) => [
            `--config.file=${promConfig}`, `--storage.tsdb.path=${path.join(dir!, "tsdb")}`, `--web.listen-address=127.0.0.1:${port}`,
        ], "/-/ready");
        daemons.push(prometheus);
    });

    after(async () => {
        await Promise.all(daemons.map((d) => d.stop()));
        await sandbox?.stop();
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    async function api<T>(query: string): Promise<T> {
        const res = await get(`${prometheus.url}/api/v1/${query}`);
        assert.equal(res?.status, 200, `GET /api/v1/${query}: ${JSON.stringify(res?.body)}`);
        return (res!.body as { data: T }).data;
    }

    it("loads the six rules, probes every app, and alerts on the one whose /health fails", async () => {
        const { groups } = await api<{ groups: Array<{ name: string; rules: unknown[] }> }>("rules");
        assert.deepEqual(groups.map((g) => [g.name, g.rules.length]), [[RULE_GROUP, 6]]);

        const apps = Object.values(config.apps).map((a) => a.name);
        const probe = `${METRICS.probeSuccess.name}{job="${METRICS.probeSuccess.job}"}`;
        await waitFor("every app probed healthy", async () => {
            const { result } = await api<{ result: Array<{ metric: { app: string }; value: [number, string] }> }>(`query?query=${encodeURIComponent(probe)}`);
            const healthy = result.filter((r) => r.value[1] === "1").map((r) => r.metric.app).sort();
            return JSON.stringify(healthy) === JSON.stringify([...apps].sort()) || undefined;
        }, 20_000);

        sandbox!.agentService.healthy = false;
        const sick = config.apps.agentService.name;
        const alerts = await waitFor(`${ALERT_NAMES.healthCheck} firing for ${sick}`, async () => {
            const { alerts } = await api<{ alerts: PromAlert[] }>("alerts");
            return alerts.some((a) => a.labels["alertname"] === ALERT_NAMES.healthCheck && a.labels["app"] === sick && a.state === "firing")
                ? alerts : undefined;
        }, 20_000);
        assert.deepEqual(alerts.map((a) => [a.labels["alertname"], a.labels["app"], a.labels["severity"]]),
            [[ALERT_NAMES.healthCheck, sick, "critical"]], "only the failing app alerts, pending or firing");

        const message = await waitFor("the alert in Slack", async () => sandbox!.slack.messages.find((m) =>
            JSON.stringify(m).includes(ALERT_NAMES.healthCheck)) as { channel?: string; attachments?: Array<{ title?: string }> } | undefined, 15_000);
        assert.equal(message.channel, config.monitoring.alertChannel);
        assert.equal(message.attachments?.[0]?.title, `[FIRING] ${ALERT_NAMES.healthCheck} ${sick}`);
    });
});
