import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { launchCaptured } from "../helpers/launch";
import { render, runPolicy, summaryLines, withUnreadableTokens } from "../../ops/policy";
import { UNKNOWN } from "../../policies/framework/unknown";
import { isBlocker } from "../../ops/report/model";
import { SANDBOX_CREDENTIALS as C } from "../../sandbox/credentials";

const ROOT = path.resolve(__dirname, "../..");
const NOW = new Date("2025-10-01T12:00:00Z");

/** Runs `launch policy` as the bin does, capturing what it prints. */
function launch(args: string[]): Promise<{ code: number; out: string; err: string }> {
    return launchCaptured(args, ROOT);
}

describe("ops/policy (launch policy)", () => {
    it("prod: exits 1 and lists exactly what the committed Pulumi.prod.yaml still lacks, each with its fix", async () => {
        const { report } = await runPolicy({ projectDir: ROOT, stack: "prod", env: {}, now: NOW });
        const blockers = report.items.filter(isBlocker).map((i) => [i.id, i.resource, i.fix]);
        assert.deepEqual(blockers, [
            ["HD-CFG-001", "hotdash:fly.org", "pulumi config set --path hotdash:fly.org '<fly-org-slug>' --stack prod"],
            ["HD-CFG-001", "hotdash:supabase.projectRef", "pulumi config set --path hotdash:supabase.projectRef '<project-ref>' --stack prod"],
            ["HD-CFG-001", "hotdash:apps.agentService.image", "pulumi config set --path hotdash:apps.agentService.image '<registry>/<repository>@sha256:<digest>' --stack prod"],
            ["HD-CFG-001", "hotdash:apps.llamaindexMcp.image", "pulumi config set --path hotdash:apps.llamaindexMcp.image '<registry>/<repository>@sha256:<digest>' --stack prod"],
            ["HD-CFG-001", "hotdash:apps.chatwoot.image", "pulumi config set --path hotdash:apps.chatwoot.image '<registry>/<repository>@sha256:<digest>' --stack prod"],
            ["HD-CFG-001", "hotdash:chatwoot.accountId", "pulumi config set --path hotdash:chatwoot.accountId '<account-id>' --stack prod"],
            ["HD-CFG-001", "hotdash:monitoring.images.prometheus", "pulumi config set --path hotdash:monitoring.images.prometheus 'prom/prometheus@sha256:<digest>' --stack prod"],
            ["HD-CFG-001", "hotdash:monitoring.images.alertmanager", "pulumi config set --path hotdash:monitoring.images.alertmanager 'prom/alertmanager@sha256:<digest>' --stack prod"],
            ["HD-CFG-001", "hotdash:monitoring.images.blackbox", "pulumi config set --path hotdash:monitoring.images.blackbox 'prom/blackbox-exporter@sha256:<digest>' --stack prod"],
            ["HD-CFG-001", "hotdash:tokenExpiry.supabase", "pulumi config set --path hotdash:tokenExpiry.supabase '<YYYY-MM-DD>' --stack prod"],
            ["HD-CFG-001", "hotdash:flyApiToken", "pulumi config set --secret hotdash:flyApiToken '<fly-api-token>' --stack prod"],
            ["HD-CFG-001", "hotdash:supabaseAccessToken", "pulumi config set --secret hotdash:supabaseAccessToken '<sbp_token>' --stack prod"],
            ["HD-CFG-001", "hotdash:chatwootApiToken", "pulumi config set --secret hotdash:chatwootApiToken '<chatwoot-token>' --stack prod"],
            ["HD-CFG-001", "hotdash:supabaseServiceRoleKey", "pulumi config set --secret hotdash:supabaseServiceRoleKey '<service-role-key>' --stack prod"],
            ["HD-CFG-001", "hotdash:alertSlackWebhookUrl", "pulumi config set --secret hotdash:alertSlackWebhookUrl '<https://hooks.slack.com/services/...>' --stack prod"],
            ["HD-CFG-001", "hotdash:databaseUrl", "pulumi config set --secret hotdash:databaseUrl '<postgresql://...>' --stack prod"],
            ["HD-CFG-001", "hotdash:chatwootDatabaseUrl", "pulumi config set --secret hotdash:chatwootDatabaseUrl '<postgresql://...>' --stack prod"],
            ["HD-CFG-001", "hotdash:chatwootRedisUrl", "pulumi config set --secret hotdash:chatwootRedisUrl '<rediss://...>' --stack prod"],
            ["HD-CFG-001", "hotdash:flyMetricsToken", "pulumi config set --secret hotdash:flyMetricsToken '<fly-readonly-token>' --stack prod"],
            ["HD-PLAN-001", "program", "run the fix commands above, then `npx launch policy --stack prod` again"],
        ]);
        assert.equal(report.verdict, "FAIL");
        assert.equal(summaryLines(report)[0], "launch policy --stack prod: FAIL (0 pass, 19 fail, 1 unknown, 0 waived, 0 n/a)");
        assert.deepEqual(report.rules.filter((r) => r.id.startsWith("HD-") && !["HD-CFG-001", "HD-PLAN-001"].includes(r.id)).map((r) => r.status).filter((s) => s !== "unknown"), []);
    });

    it("prod through the bin: exit 1, and exit 2 for an unknown stack or a bad option", async () => {
        const saved = Object.fromEntries(["FLY_API_TOKEN", "SUPABASE_ACCESS_TOKEN", "CHATWOOT_API_TOKEN"].map((k) => [k, process.env[k]]));
        for (const k of Object.keys(saved)) delete process.env[k];
        try {
            const prod = await launch(["policy", "--stack", "prod"]);
            assert.equal(prod.code, 1);
            assert.match(prod.out, /^launch policy --stack prod: FAIL/);
            assert.match(prod.out, /fix: pulumi config set --path hotdash:fly\.org '<fly-org-slug>' --stack prod/);
        } finally {
            for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v;
        }
        const missing = await launch(["policy", "--stack", "nope"]);
        assert.equal(missing.code, 2);
        assert.match(missing.err, /No config for stack "nope"/);
        assert.equal((await launch(["policy", "--stack", "prod", "--pdf", "x"])).code, 2);
    });

    it("a broken config gives one finding per fault: an http URL, an unpinned image, a missing env var, a token in plain text", async () => {
        const { report, secrets } = await runPolicy({ projectDir: ROOT, stack: "prod", stackFile: path.join(ROOT, "test/fixtures/policy/Pulumi.broken.yaml"), env: {}, now: NOW });
        assert.deepEqual(report.items.filter((i) => i.status === "fail").map((i) => [i.resource, i.message]), [
            ["hotdash:apps.agentService.publicUrl", "hotdash:apps.agentService.publicUrl: \"http://agent.example.com\" uses http://; outside the sandbox every endpoint must be https://"],
            ["hotdash:apps.chatwoot.image", "hotdash:apps.chatwoot.image: image \"chatwoot/chatwoot:v4.15.1\" is not pinned by digest; rollback redeploys a previous digest, so a tag is not enough. Use <repository>@sha256:<digest> (`docker buildx imagetools inspect chatwoot/chatwoot:v4.15.1` prints the digest)"],
            ["hotdash:flyApiToken", "hotdash:flyApiToken: stored in plain text outside the sandbox; set it again with --secret (the Fly.io API token (`fly tokens create org`))"],
            ["hotdash:chatwootRedisUrl", "hotdash:chatwootRedisUrl: missing: the Redis URL of Chatwoot's queues and cache. Set it as a secret, or export CHATWOOT_REDIS_URL"],
        ]);
        for (const format of ["json", "sarif", "junit", "markdown"] as const) {
            assert.ok(!render(report, format, secrets).includes("canary-plain-fly-token"), format);
        }
    });

    it("sandbox: runs the program in-process; all it can decide passes, and what only apply reports stays unknown", async () => {
        const { report, secrets } = await runPolicy({ projectDir: ROOT, stack: "sandbox", env: {}, now: NOW });
        // planned inputs only: the webhook's secret (Chatwoot makes it), Supabase's SSL and backup state (Supabase
        // reports them) are not known before apply, and an unknown blocks (the gate passes after `up`: gate.test.ts)
        assert.deepEqual(report.items.filter(isBlocker).map((i) => `${i.status} ${i.id} ${i.resource}`), [
            "unknown HD-SSL-004 hotdash-supabase-ssl",
            "unknown HD-BAK-002 hotdash-supabase-backups",
            "unknown HD-BAK-002 hotdash-supabase-backups",
            "unknown HD-WHK-002 hotdash-agent-service-secrets",
            "unknown HD-WHK-002 hotdash-supabase-secrets",
        ]);
        assert.equal(report.verdict, "FAIL");
        // every other rule really ran over the planned resources: each has at least one item that is not n/a
        const decided = new Set(report.items.filter((i) => i.status === "pass").map((i) => i.id));
        for (const id of ["HD-ENV-001", "HD-SSL-001", "HD-SSL-002", "HD-TOK-001", "HD-TOK-002", "HD-IMG-001", "HD-HLT-001",
            "HD-BAK-001", "HD-SEC-001", "HD-WHK-001", "HD-MON-001", "HD-MON-002"]) {
            assert.ok(decided.has(id), `${id} passed nothing`);
        }
        // the sandbox's plain config secrets never reach a report
        const sandboxSecrets = [C.flyOrgToken, C.chatwootAdminToken, "sandbox-service-role-key", "sandbox-db-password", "sandboxwebhooksecret"];
        for (const format of ["json", "sarif", "junit", "markdown"] as const) {
            const text = render(report, format, secrets);
            assert.deepEqual(sandboxSecrets.filter((s) => text.includes(s)), [], format);
        }
    });

    it("writes the reports it is asked for, and keeps stdout for a report written to `-`", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-"));
        const r = await launch(["policy", "--stack", "prod", "--json", path.join(dir, "p.json"), "--sarif", path.join(dir, "p.sarif"), "--junit", path.join(dir, "p.xml"), "--markdown", path.join(dir, "p.md")]);
        assert.equal(r.code, 1);
        assert.deepEqual(fs.readdirSync(dir).sort(), ["p.json", "p.md", "p.sarif", "p.xml"]);
        assert.equal(JSON.parse(fs.readFileSync(path.join(dir, "p.json"), "utf8")).verdict, "FAIL");
        const piped = await launch(["policy", "--stack", "prod", "--json", "-"]);
        assert.equal(JSON.parse(piped.out).stack, "prod");
        assert.match(piped.err, /^launch policy --stack prod: FAIL/);
    });

    it("an unreadable token is unknown, and so is a Fly token's expiry, which is read from the token", () => {
        const facts = { environment: "production", tokens: { fly: { format: "malformed", expires: "" }, supabase: { format: "malformed", expires: "2027-01-31" }, chatwoot: { format: "chatwoot-token", expires: "never" } } };
        assert.deepEqual(withUnreadableTokens(facts, ["fly", "supabase"]), {
            environment: "production",
            tokens: { fly: { format: UNKNOWN, expires: UNKNOWN }, supabase: { format: UNKNOWN, expires: "2027-01-31" }, chatwoot: { format: "chatwoot-token", expires: "never" } },
        });
    });
});
