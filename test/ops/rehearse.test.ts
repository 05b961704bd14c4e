/**
 * `npx launch rehearse --stack sandbox` as the README gives it: the bin in a process of its own, on a fresh sandbox
 * with the real monitoring daemons. Every step must hold, the report must say so step by step, and no secret may be in
 * what it printed or wrote.
 */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { RehearsalReport } from "../../ops/rehearse/steps";
import { SANDBOX_CREDENTIALS as C } from "../../sandbox/credentials";
import { requireTools } from "../helpers/prometheus";
import { ROOT } from "../helpers/stack";

const STEPS = [
    "a fresh sandbox, with the real Prometheus, blackbox exporter and Alertmanager",
    "up with webhooks off",
    "go-no-go: GO, with enabling the webhook the only pending change",
    "T-0: webhooks enabled (up)",
    "first test message from a customer",
    "its draft in the approval queue",
    "approved, and the reply in the Chatwoot conversation",
    "status update posted to Slack",
    "a bad release deployed: it passes its health checks and fails the work",
    "the error-rate alert reaches Slack (Prometheus → Alertmanager)",
    "rollback: webhooks off, the previous digest redeployed, Slack told",
    "every service healthy, on the previous digest, webhooks off",
];

describe("launch rehearse --stack sandbox (real engine, real monitoring daemons)", function () {
    this.timeout(20 * 60_000);
    let reportDir: string | undefined;
    after(() => { if (reportDir) fs.rmSync(reportDir, { recursive: true, force: true }); });

    it("runs the whole launch day and every step holds, with its time and evidence in the report", async function () {
        requireTools(this, "prometheus", "prometheus-blackbox-exporter", "prometheus-alertmanager");
        const child = spawn(process.execPath, [path.join(ROOT, "ops/bin/launch.js"), "rehearse", "--stack", "sandbox"], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        child.stdout.on("data", (d: Buffer) => { out += d.toString(); });
        child.stderr.on("data", (d: Buffer) => { out += d.toString(); });
        const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
        const m = /Report: (\S+)\/rehearsal\.md/.exec(out);
        if (m) reportDir = path.join(ROOT, m[1]!);
        assert.equal(code, 0, out);
        assert.ok(reportDir && fs.existsSync(path.join(reportDir, "rehearsal.md")), out);
        const report = JSON.parse(fs.readFileSync(path.join(reportDir, "rehearsal.json"), "utf8")) as RehearsalReport;
        assert.equal(report.ok, true);
        assert.deepEqual(report.steps.map((s) => [s.name, s.status]), STEPS.map((s) => [s, "held"]));
        for (const s of report.steps) assert.ok(s.evidence.length > 0 && s.ms >= 0, `${s.name} has no evidence`);
        assert.match(report.steps[9]!.evidence[0]!, /^HotDashErrorRateHigh in Slack after [\d.]+ s$/);
        assert.match(out, /Every step held: 12 of 12 steps/);

        // nothing secret in what it printed, the report, or Pulumi's output it kept
        const written = [out, ...["rehearsal.md", "rehearsal.json", "pulumi.log"].map((f) => fs.readFileSync(path.join(reportDir!, f), "utf8"))].join("\n");
        for (const secret of [C.flyOrgToken, C.supabaseAccessToken, C.chatwootAdminToken, C.supabaseServiceRoleKey, "sandboxwebhooksecret"]) {
            assert.ok(!written.includes(secret), `a secret (${secret.slice(0, 4)}…) is in the rehearsal's output`);
        }
    });
});
