/**
 * Backups and monitoring through the whole stack on the real engine: Supabase's backup schedule, PITR and SSL
 * enforcement as the sandbox reports them, and the monitoring deployed as the `hotdash-monitor` Fly app with its
 * generated files and no secret in them.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import { parse } from "yaml";
import { ALERT_NAMES } from "../../components/monitoring/rules";
import { MONITORING_PATHS } from "../../components/monitoring/files";
import type { FlyMachine } from "../../sandbox/fly";
import { startSandbox } from "../../sandbox";
import { useSharedSandbox } from "../helpers/sandbox";
import { stackHarness, useStack } from "../helpers/stack";

const MONITOR = "hotdash-monitor";

describe("backups and monitoring through the whole stack (real engine)", function () {
    this.timeout(300000);
    const sandbox = useSharedSandbox();
    before(() => {
        sandbox().supabase.sslApplyMs = 40000; // 400 ms at the test's time scale: the database "restarts"
    });
    const stack = useStack(sandbox);

    it("keeps an unchanged backup schedule without a call, reports the newest backup and PITR, and SSL applied only once applied", async () => {
        const run = await stack().up();
        assert.deepEqual(run.errors, []);
        assert.deepEqual(sandbox().mutatingRequests("supabase").filter((r) => r.path.includes("/backups")), [], "the schedule already matched");
        const backups = run.outputs["backups"] as { newestBackupAgeHours: number; pitrEnabled: boolean; preLaunchDump: string };
        assert.ok(backups.newestBackupAgeHours >= 5.9 && backups.newestBackupAgeHours <= 6.1, String(backups.newestBackupAgeHours));
        assert.equal(backups.pitrEnabled, false);
        // the pre-launch dump ran against the sandbox's PostgreSQL and left its verified file
        assert.match(backups.preLaunchDump, /^hotdash-\d{8}T\d{6}Z\.dump$/);
        const dumpDir = (sandbox().stackConfig()["hotdash:backups"] as { dumpDir: string }).dumpDir;
        assert.deepEqual(fs.readdirSync(dumpDir), [backups.preLaunchDump]);

        const state = (await stack().exportState()) as { deployment: { resources: { urn: string; outputs?: Record<string, unknown> }[] } };
        const ssl = state.deployment.resources.find((r) => r.urn.endsWith("::hotdash-supabase-ssl"))!;
        assert.equal(ssl.outputs?.["applied"], true);
        assert.equal(ssl.outputs?.["enforced"], true, "what Supabase reported, which HD-SSL-004 judges");
        const bak = state.deployment.resources.find((r) => r.urn.endsWith("::hotdash-supabase-backups"))!;
        assert.equal(typeof bak.outputs?.["newestBackupAt"], "string", "what HD-BAK-002 ages against maxBackupAgeHours");
        assert.ok(Date.now() >= sandbox().supabase.project.ssl.appliesAt, "up returned before the change applied");
        const polls = sandbox().log.filter((r) => r.server === "supabase" && r.method === "GET" && r.path.endsWith("/ssl-enforcement"));
        assert.ok(polls.length >= 3, `polled ${polls.length} times`);
        assert.deepEqual(sandbox().mutatingRequests("supabase").filter((r) => r.path.endsWith("/ssl-enforcement")).map((r) => r.method), ["PUT"]);
    });

    it("deploys the monitoring as hotdash-monitor: Prometheus, Alertmanager, blackbox, generated files, no secret in them", async () => {
        const fly = sandbox().fly;
        const byGroup: Record<string, FlyMachine> = Object.fromEntries(fly.live(MONITOR).map((m) => [(m.config["metadata"] as Record<string, string>)["fly_process_group"], m]));
        assert.deepEqual(Object.keys(byGroup).sort(), ["alertmanager", "blackbox", "prometheus"]);
        assert.match(String(byGroup["prometheus"]!.config["image"]), /^prom\/prometheus@sha256:/);
        assert.match(String(byGroup["alertmanager"]!.config["image"]), /^prom\/alertmanager@sha256:/);
        for (const m of Object.values(byGroup)) assert.equal(m.config["services"], undefined, "nothing of the monitoring is public");

        const files = (m: FlyMachine | undefined) => m!.config["files"] as { guest_path: string; raw_value?: string; secret_name?: string }[];
        const content = (m: FlyMachine | undefined, path: string): string => Buffer.from(files(m).find((f) => f.guest_path === path)!.raw_value!, "base64").toString("utf8");
        const rules = parse(content(byGroup["prometheus"], MONITORING_PATHS.rules)) as { groups: { rules: { alert: string }[] }[] };
        assert.deepEqual(rules.groups.flatMap((g) => g.rules.map((r) => r.alert)).sort(), Object.values(ALERT_NAMES).sort());
        const prometheus = parse(content(byGroup["prometheus"], MONITORING_PATHS.prometheusConfig)) as { alerting: unknown };
        assert.match(JSON.stringify(prometheus.alerting), /alertmanager\.process\.hotdash-monitor\.internal:9093/);
        assert.deepEqual(files(byGroup["alertmanager"]).find((f) => f.guest_path === MONITORING_PATHS.slackWebhookUrl), {
            guest_path: MONITORING_PATHS.slackWebhookUrl, secret_name: "ALERT_SLACK_WEBHOOK_URL",
        });
        const slackUrl = String(stack().config["hotdash:alertSlackWebhookUrl"]);
        for (const m of fly.live(MONITOR)) {
            const text = JSON.stringify(m.config) + files(m).map((f) => (f.raw_value ? Buffer.from(f.raw_value, "base64").toString("utf8") : "")).join("");
            assert.ok(!text.includes(slackUrl), `the Slack URL is in ${m.name}'s config`);
        }
        assert.equal(fly.machineEnv(byGroup["alertmanager"]!.id)["ALERT_SLACK_WEBHOOK_URL"], slackUrl, "it arrives as a Fly secret");
    });

    it("changes the backup schedule with one call when config changes it", async () => {
        stack().config["hotdash:backups"] = { ...(stack().config["hotdash:backups"] as object), scheduleFor: "02:30:00" };
        sandbox().log.length = 0;
        assert.deepEqual((await stack().up()).errors, []);
        assert.deepEqual(sandbox().mutatingRequests("supabase").map((r) => `${r.method} ${r.path.split("/").slice(4).join("/")}`), ["PATCH database/backups/schedule"]);
        assert.equal(sandbox().supabase.project.schedule.scheduleFor, "02:30:00");
    });

    it("names the plan when Supabase refuses SSL enforcement", async () => {
        const other = await startSandbox({ timeScale: 0.01 });
        other.supabase.project.sslConfigurable = false;
        const fresh = stackHarness(other);
        try {
            const run = await fresh.up();
            assert.ok(run.errors.some((e) => e.includes("Supabase project sandboxhotdashlaunch does not allow configuring SSL enforcement")), run.errors.join("\n"));
        } finally {
            fresh.dispose();
            await other.stop();
        }
    });
});
