import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { DEFAULTS } from "../../../components/config/validate";
import { renderAlertmanagerConfig, SLACK_WEBHOOK_URL_FILE } from "../../../components/monitoring/alertmanager";
import { requireTools, run, tempDir } from "../../helpers/prometheus";

describe("monitoring Alertmanager config", () => {
    let dir: string | undefined;
    after(() => {
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it("routes every alert to the configured Slack channel, reading the webhook URL from a file", () => {
        const cfg = parse(renderAlertmanagerConfig({ ...DEFAULTS.monitoring, alertChannel: "#ops-launch" }));
        assert.deepEqual(cfg.route.group_by, ["alertname", "app"]);
        assert.equal(cfg.route.receiver, cfg.receivers[0].name);
        assert.equal(cfg.receivers.length, 1);
        const slack = cfg.receivers[0].slack_configs[0];
        assert.equal(slack.channel, "#ops-launch");
        assert.equal(slack.api_url_file, SLACK_WEBHOOK_URL_FILE);
        assert.equal(slack.api_url, undefined);
        assert.equal(slack.send_resolved, true);
    });

    it("passes amtool check-config", function () {
        const { amtool } = requireTools(this, "amtool");
        dir = tempDir("hotdash-alertmanager-");
        const file = path.join(dir, "alertmanager.yml");
        fs.writeFileSync(file, renderAlertmanagerConfig(DEFAULTS.monitoring));
        const r = run(amtool, ["check-config", file]);
        assert.equal(r.status, 0, r.output);
        assert.match(r.output, /SUCCESS/);
    });
});
