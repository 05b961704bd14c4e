import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { APPS } from "../../../components/catalog";
import { DEFAULTS } from "../../../components/config/validate";
import { renderBlackboxConfig } from "../../../components/monitoring/blackbox";
import { healthTargets, renderPrometheusConfig } from "../../../components/monitoring/prometheus";
import { renderAlertRules } from "../../../components/monitoring/rules";
import { requireTools, run, tempDir } from "../../helpers/prometheus";

const APP_URLS = {
    agentService: { name: APPS.agentService.name, publicUrl: "https://hotdash-agent-service.fly.dev" },
    llamaindexMcp: { name: APPS.llamaindexMcp.name, publicUrl: "https://hotdash-llamaindex-mcp.fly.dev" },
    chatwoot: { name: APPS.chatwoot.name, publicUrl: "https://support.hotdash.example" },
};

describe("monitoring Prometheus and blackbox exporter config", () => {
    let dir: string | undefined;
    after(() => {
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it("probes each app's public URL plus its catalog health path, labelled with the app", () => {
        assert.deepEqual(healthTargets(APP_URLS), [
            { app: "hotdash-agent-service", url: "https://hotdash-agent-service.fly.dev/health" },
            { app: "hotdash-llamaindex-mcp", url: "https://hotdash-llamaindex-mcp.fly.dev/health" },
            { app: "hotdash-chatwoot", url: "https://support.hotdash.example/health" },
        ]);
        const cfg = parse(renderPrometheusConfig(APP_URLS, {
            blackboxAddress: "127.0.0.1:9115", alertmanagerAddress: "127.0.0.1:9093", ruleFiles: ["/r.yml"], scrapeInterval: "1s",
        }));
        assert.equal(cfg.global.scrape_interval, "1s");
        assert.deepEqual(cfg.rule_files, ["/r.yml"]);
        assert.equal(cfg.scrape_configs.length, 1, "no federation unless asked for");
        assert.deepEqual(cfg.scrape_configs[0].static_configs[2], { targets: ["https://support.hotdash.example/health"], labels: { app: "hotdash-chatwoot" } });
    });

    it("federates only the rules' series of the launched apps, with the token read from a file", () => {
        const cfg = parse(renderPrometheusConfig(APP_URLS, {
            blackboxAddress: "b:1", alertmanagerAddress: "a:2", ruleFiles: [],
            flyFederation: { org: "hotdash", tokenFile: "/secrets/fly" },
        }));
        const fed = cfg.scrape_configs[1];
        assert.equal(`${fed.scheme}://${fed.static_configs[0].targets[0]}${fed.metrics_path}`, "https://api.fly.io/prometheus/hotdash/federate");
        assert.deepEqual(fed.authorization, { credentials_file: "/secrets/fly" });
        assert.equal(fed.params["match[]"][0],
            '{__name__=~"fly_edge_http_responses_count|fly_edge_http_response_time_seconds_bucket|hotdash_webhook_deliveries_total' +
            '|hotdash_draft_generation_seconds_bucket|hotdash_approval_queue_depth",app=~"hotdash-agent-service|hotdash-llamaindex-mcp|hotdash-chatwoot"}');
    });

    it("passes promtool check config (rules included) and the blackbox exporter's own check", function () {
        const tools = requireTools(this, "promtool", "prometheus-blackbox-exporter");
        dir = tempDir("hotdash-prometheus-");
        const rules = path.join(dir, "rules.yml");
        const config = path.join(dir, "prometheus.yml");
        const blackbox = path.join(dir, "blackbox.yml");
        fs.writeFileSync(rules, renderAlertRules({ monitoring: DEFAULTS.monitoring, apps: APPS, stack: "prod" }));
        fs.writeFileSync(config, renderPrometheusConfig(APP_URLS, {
            blackboxAddress: "127.0.0.1:9115", alertmanagerAddress: "127.0.0.1:9093", ruleFiles: [rules],
            flyFederation: { org: "hotdash", tokenFile: path.join(dir, "fly-token") },
        }));
        fs.writeFileSync(blackbox, renderBlackboxConfig());
        fs.writeFileSync(path.join(dir, "fly-token"), "not-a-token"); // promtool checks that secret files exist
        const p = run(tools.promtool, ["check", "config", config]);
        assert.equal(p.status, 0, p.output);
        assert.match(p.output, /SUCCESS: 6 rules found/);
        const b = run(tools["prometheus-blackbox-exporter"], ["--config.check", `--config.file=${blackbox}`]);
        assert.equal(b.status, 0, b.output);
    });
});
