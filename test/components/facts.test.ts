import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { validateConfig } from "../../components/config/validate";
import { rawFromStackFile } from "../../components/config/load";
import type { LaunchConfig } from "../../components/config/types";
import { alertWebhookConfigured, launchFactsArgs } from "../../components/facts";
import { outputValue, useMocks } from "../helpers/mocks";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../..");
const SLACK = "https://hooks.slack.com/services/T0/B0/canary-slack-secret";

/** The sandbox config with the Slack webhook URL taken from the environment (as `SLACK_WEBHOOK_URL`) at validation. */
function configWithSlackFromEnv(): LaunchConfig {
    const raw = rawFromStackFile(fs.readFileSync(path.join(ROOT, "Pulumi.sandbox.yaml"), "utf8"));
    const values = Object.fromEntries(Object.entries(raw.values).filter(([k]) => k !== "hotdash:alertSlackWebhookUrl"));
    const config = validateConfig({ ...raw, values }, { stack: "sandbox", env: { SLACK_WEBHOOK_URL: SLACK } });
    assert.deepEqual(config.secrets.alertSlackWebhookUrl, { from: "env", variable: "SLACK_WEBHOOK_URL" });
    return config;
}

describe("components/facts", () => {
    useMocks();
    let saved: string | undefined;
    beforeEach(() => { saved = process.env["SLACK_WEBHOOK_URL"]; });
    afterEach(() => {
        if (saved === undefined) delete process.env["SLACK_WEBHOOK_URL"];
        else process.env["SLACK_WEBHOOK_URL"] = saved;
    });

    it("alertWebhookConfigured: true only when the Slack webhook URL really has a value where validation found it", async () => {
        const config = configWithSlackFromEnv();
        process.env["SLACK_WEBHOOK_URL"] = SLACK;
        assert.equal(await outputValue(alertWebhookConfigured(config)), true);
        delete process.env["SLACK_WEBHOOK_URL"]; // gone by the time the program runs
        assert.equal(await outputValue(alertWebhookConfigured(config)), false);
        process.env["SLACK_WEBHOOK_URL"] = "  ";
        assert.equal(await outputValue(alertWebhookConfigured(config)), false);
        const noSource: LaunchConfig = { ...config, secrets: Object.fromEntries(Object.entries(config.secrets).filter(([k]) => k !== "alertSlackWebhookUrl")) };
        assert.equal(await outputValue(alertWebhookConfigured(noSource)), false);
    });

    it("LaunchFacts carry that answer, never the URL", async () => {
        const config = configWithSlackFromEnv();
        // the tokens LaunchFacts classify, as `pulumi config set --secret` would give them to the program
        for (const k of ["flyApiToken", "supabaseAccessToken", "chatwootApiToken"]) pulumi.runtime.setConfig(`hotdash:${k}`, "a-token");
        delete process.env["SLACK_WEBHOOK_URL"];
        const monitoring = await outputValue(pulumi.output(launchFactsArgs(config).monitoring));
        assert.equal(monitoring.alertWebhookConfigured, false);
        process.env["SLACK_WEBHOOK_URL"] = SLACK;
        const set = pulumi.output(launchFactsArgs(config).monitoring);
        assert.equal((await outputValue(set)).alertWebhookConfigured, true);
        assert.equal(await pulumi.isSecret(set), false, "a plain boolean, not a secret");
        assert.ok(!JSON.stringify(await outputValue(set)).includes("canary-slack-secret"));
    });
});
