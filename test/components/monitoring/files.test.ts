import { strict as assert } from "node:assert";
import { parse } from "yaml";
import { validateConfig } from "../../../components/config/validate";
import type { LaunchConfig } from "../../../components/config/types";
import { MONITORING_PATHS, monitoringFiles } from "../../../components/monitoring/files";
import { sandboxStackConfig } from "../../../sandbox";

/** A Slack URL no generated file may contain, not even in part. */
const CANARY = "https://hooks.slack.com/services/TCANARY0/BCANARY0/canaryslacksecret0123456789";
const CANARY_PARTS = ["TCANARY0", "BCANARY0", "canaryslacksecret0123456789"];

/**
 * A valid config holding the canary, from a secret in config or from the environment. It starts from the sandbox's
 * stack config (kept valid by its owners) and is then marked production, which adds Fly federation to the files.
 */
function config(slack: "config" | "env"): LaunchConfig {
    const values: Record<string, unknown> = sandboxStackConfig({
        fly: "http://127.0.0.1:1", supabase: "http://127.0.0.1:2", "supabase-rest": "http://127.0.0.1:3", chatwoot: "http://127.0.0.1:4",
        "hotdash-agent-service": "http://127.0.0.1:5", "hotdash-llamaindex-mcp": "http://127.0.0.1:6", slack: "http://127.0.0.1:7",
        "hotdash-chatwoot": "http://127.0.0.1:4",
    }, "postgresql://postgres:pw@127.0.0.1:8/postgres");
    if (slack === "config") values["hotdash:alertSlackWebhookUrl"] = CANARY;
    else delete values["hotdash:alertSlackWebhookUrl"];
    const env = slack === "env" ? { SLACK_WEBHOOK_URL: CANARY } : {};
    const cfg = validateConfig({ values, secretKeys: ["hotdash:alertSlackWebhookUrl"] }, { stack: "prod", env });
    return { ...cfg, environment: "production" };
}

describe("monitoring files", () => {
    for (const source of ["config", "env"] as const) {
        it(`never contain the Slack webhook URL (set through ${source})`, () => {
            const files = monitoringFiles(config(source));
            assert.deepEqual(Object.keys(files).sort(), [
                MONITORING_PATHS.alertmanagerConfig, MONITORING_PATHS.blackboxConfig, MONITORING_PATHS.prometheusConfig, MONITORING_PATHS.rules,
            ].sort());
            for (const [file, content] of Object.entries(files)) {
                for (const part of [CANARY, ...CANARY_PARTS]) assert.ok(!content.includes(part), `${file} contains the Slack URL`);
                assert.ok(!content.includes("hooks.slack.com"), `${file} names Slack's webhook host`);
            }
            const slack = parse(files[MONITORING_PATHS.alertmanagerConfig]!).receivers[0].slack_configs[0];
            assert.equal(slack.api_url_file, MONITORING_PATHS.slackWebhookUrl);
            assert.equal(slack.channel, "#launch-war-room");
        });
    }

    it("federates Fly's metrics in production with the token from a secret file", () => {
        const prom = parse(monitoringFiles(config("config"))[MONITORING_PATHS.prometheusConfig]!);
        assert.deepEqual(prom.rule_files, [MONITORING_PATHS.rules]);
        assert.equal(prom.scrape_configs[1].authorization.credentials_file, MONITORING_PATHS.flyMetricsToken);
    });
});
