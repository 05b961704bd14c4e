import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { ConfigError, fixCommand, imageProblem, urlProblem, validateConfig } from "../../../components/config/validate";
import { rawFromStackFile } from "../../../components/config/load";
import { ENCRYPTED, type RawConfig } from "../../../components/config/types";

const DIGEST = "a".repeat(64);
const ROOT = path.resolve(__dirname, "../../..");

/** A complete, valid production config; each case below breaks exactly one field. */
function happy(): Record<string, unknown> {
    return {
        "hotdash:fly": { org: "hotdash", primaryRegion: "iad" },
        "hotdash:supabase": { projectRef: "abcdefghijklmnopqrst" },
        "hotdash:chatwoot": { accountId: 1 },
        "hotdash:apps": {
            agentService: { image: `registry.fly.io/hotdash-agent-service@sha256:${DIGEST}` },
            llamaindexMcp: { image: `registry.fly.io/hotdash-llamaindex-mcp@sha256:${DIGEST}` },
            chatwoot: { image: `chatwoot/chatwoot:v4.15.1@sha256:${DIGEST}`, machines: { web: 2, worker: 1 } },
        },
        "hotdash:flyApiToken": "fm2_x",
        "hotdash:supabaseAccessToken": `sbp_${"0".repeat(40)}`,
        "hotdash:chatwootApiToken": "cw",
        "hotdash:supabaseServiceRoleKey": "srk",
        "hotdash:alertSlackWebhookUrl": "https://hooks.slack.com/services/T/B/x",
        "hotdash:databaseUrl": "postgresql://u:p@db.example:5432/postgres",
        "hotdash:chatwootDatabaseUrl": "postgresql://cw:p@cw-db.example:5432/chatwoot",
        "hotdash:chatwootRedisUrl": "rediss://default:p@cw-redis.example:6379",
        "hotdash:flyMetricsToken": "fm2_metrics",
        "hotdash:monitoring": {
            images: {
                prometheus: `prom/prometheus@sha256:${DIGEST}`, alertmanager: `prom/alertmanager@sha256:${DIGEST}`,
                blackbox: `prom/blackbox-exporter@sha256:${DIGEST}`,
            },
        },
    };
}
const SECRETS = [
    "hotdash:flyApiToken", "hotdash:supabaseAccessToken", "hotdash:chatwootApiToken", "hotdash:supabaseServiceRoleKey",
    "hotdash:alertSlackWebhookUrl", "hotdash:databaseUrl", "hotdash:chatwootDatabaseUrl", "hotdash:chatwootRedisUrl", "hotdash:flyMetricsToken",
];

function raw(values: Record<string, unknown>, secretKeys: string[] = SECRETS): RawConfig {
    return { values, secretKeys };
}

function problemsOf(values: Record<string, unknown>, env: Record<string, string> = {}, secretKeys?: string[]): ConfigError["problems"] {
    try {
        validateConfig(raw(values, secretKeys), { stack: "prod", env });
    } catch (err) {
        assert.ok(err instanceof ConfigError, String(err));
        return err.problems;
    }
    return [];
}

function withApp(app: string, field: string, value: unknown): Record<string, unknown> {
    const v = happy();
    const apps = v["hotdash:apps"] as Record<string, Record<string, unknown>>;
    apps[app] = { ...apps[app], [field]: value };
    return v;
}

describe("config validation", () => {
    it("accepts the happy config and fills in defaults", () => {
        const cfg = validateConfig(raw(happy()), { stack: "prod", env: {} });
        assert.equal(cfg.environment, "production");
        assert.equal(cfg.fly.apiUrl, "https://api.machines.dev/v1");
        assert.equal(cfg.supabase.url, "https://abcdefghijklmnopqrst.supabase.co");
        assert.equal(cfg.chatwoot.baseUrl, "https://hotdash-chatwoot.fly.dev");
        assert.equal(cfg.apps.agentService.name, "hotdash-agent-service");
        assert.equal(cfg.apps.agentService.publicUrl, "https://hotdash-agent-service.fly.dev");
        assert.deepEqual(cfg.apps.agentService.machines, { app: 2 });
        assert.deepEqual(cfg.apps.chatwoot.machines, { web: 2, worker: 1 });
        assert.equal(cfg.webhooks.enabled, false);
        assert.deepEqual(cfg.secrets.flyApiToken, { from: "config", key: "hotdash:flyApiToken" });
    });

    it("reports every missing required key at once, each with its fix command", () => {
        let error: ConfigError | undefined;
        try {
            validateConfig(raw({}, []), { stack: "prod", env: {} });
        } catch (err) {
            error = err as ConfigError;
        }
        assert.ok(error instanceof ConfigError);
        assert.deepEqual(error.problems.map((p) => p.key), [
            "hotdash:fly.org",
            "hotdash:supabase.projectRef",
            "hotdash:apps.agentService.image",
            "hotdash:apps.llamaindexMcp.image",
            "hotdash:apps.chatwoot.image",
            "hotdash:chatwoot.accountId",
            "hotdash:monitoring.images.prometheus",
            "hotdash:monitoring.images.alertmanager",
            "hotdash:monitoring.images.blackbox",
            "hotdash:flyApiToken",
            "hotdash:supabaseAccessToken",
            "hotdash:chatwootApiToken",
            "hotdash:supabaseServiceRoleKey",
            "hotdash:alertSlackWebhookUrl",
            "hotdash:databaseUrl",
            "hotdash:chatwootDatabaseUrl",
            "hotdash:chatwootRedisUrl",
            "hotdash:flyMetricsToken",
        ]);
        assert.equal(error.problems[0]!.fix, "pulumi config set --path hotdash:fly.org '<fly-org-slug>' --stack prod");
        assert.equal(error.problems[2]!.fix,
            "pulumi config set --path hotdash:apps.agentService.image '<registry>/<repository>@sha256:<digest>' --stack prod");
        assert.equal(error.problems[6]!.fix, "pulumi config set --path hotdash:monitoring.images.prometheus 'prom/prometheus@sha256:<digest>' --stack prod");
        assert.equal(error.problems[9]!.message,
            "missing: the Fly.io API token (`fly tokens create org`). Set it as a secret, or export FLY_API_TOKEN");
        assert.equal(error.problems[9]!.fix, "pulumi config set --secret hotdash:flyApiToken '<fly-api-token>' --stack prod");
        assert.match(error.message, /^hotdash config for stack "prod" has 18 problems:\n/);
        for (const p of error.problems) assert.ok(error.message.includes(`  - ${p.key}: ${p.message}\n      fix: ${p.fix}`));
    });

    it("takes tokens from the vendors' environment variables", () => {
        const v = happy();
        for (const k of SECRETS) delete v[k];
        const cfg = validateConfig(raw(v, []), {
            stack: "prod",
            env: {
                FLY_API_TOKEN: "x", SUPABASE_ACCESS_TOKEN: "y", CHATWOOT_API_TOKEN: "z", SUPABASE_SERVICE_ROLE_KEY: "w",
                SLACK_WEBHOOK_URL: "https://hooks.slack.com/services/T/B/x", DATABASE_URL: "postgresql://db",
                CHATWOOT_DATABASE_URL: "postgresql://cw", CHATWOOT_REDIS_URL: "rediss://cw", FLY_METRICS_TOKEN: "fm2_m",
            },
        });
        assert.deepEqual(cfg.secrets.supabaseAccessToken, { from: "env", variable: "SUPABASE_ACCESS_TOKEN" });
    });

    it("refuses a token stored in plain text outside the sandbox", () => {
        const problems = problemsOf(happy(), {}, SECRETS.filter((k) => k !== "hotdash:chatwootApiToken"));
        assert.deepEqual(problems, [{
            key: "hotdash:chatwootApiToken",
            message: "stored in plain text outside the sandbox; set it again with --secret (the access token of a Chatwoot administrator (Profile settings))",
            fix: "pulumi config set --secret hotdash:chatwootApiToken '<chatwoot-token>' --stack prod",
        }]);
    });

    it("names an image without a digest", () => {
        const problems = problemsOf(withApp("chatwoot", "image", "chatwoot/chatwoot:v4.15.1"));
        assert.equal(problems.length, 1);
        assert.equal(problems[0]!.key, "hotdash:apps.chatwoot.image");
        assert.equal(problems[0]!.message,
            'image "chatwoot/chatwoot:v4.15.1" is not pinned by digest; rollback redeploys a previous digest, so a tag is not enough. ' +
            "Use <repository>@sha256:<digest> (`docker buildx imagetools inspect chatwoot/chatwoot:v4.15.1` prints the digest)");
    });

    it("names a malformed digest", () => {
        assert.equal(imageProblem("chatwoot/chatwoot@sha256:abc"),
            'image "chatwoot/chatwoot@sha256:abc" has a malformed digest: expected "sha256:" and 64 lowercase hex characters');
        assert.equal(imageProblem(`registry.fly.io:443/team/app:v1@sha256:${DIGEST}`), undefined);
    });

    it("names an http:// URL outside the sandbox", () => {
        const problems = problemsOf(withApp("agentService", "publicUrl", "http://hotdash-agent-service.fly.dev"));
        assert.deepEqual(problems.map((p) => [p.key, p.message]), [[
            "hotdash:apps.agentService.publicUrl",
            '"http://hotdash-agent-service.fly.dev" uses http://; outside the sandbox every endpoint must be https://',
        ]]);
    });

    it("allows http:// on loopback in the sandbox only", () => {
        assert.equal(urlProblem("http://127.0.0.1:4280/v1", "sandbox"), undefined);
        assert.equal(urlProblem("http://example.com", "sandbox"),
            '"http://example.com" uses http:// off the loopback interface; the sandbox allows plain http only on 127.0.0.1');
        assert.equal(urlProblem("http://127.0.0.1:4280/v1", "production"),
            '"http://127.0.0.1:4280/v1" uses http://; outside the sandbox every endpoint must be https://');
        assert.equal(urlProblem("not a url", "production"), '"not a url" is not a URL');
    });

    it("names a Supabase project ref that is not 20 lowercase letters", () => {
        const v = happy();
        v["hotdash:supabase"] = { projectRef: "ABC123" };
        const problems = problemsOf(v);
        assert.deepEqual(problems.map((p) => [p.key, p.message, p.fix]), [[
            "hotdash:supabase.projectRef",
            '"ABC123" is not a Supabase project ref: expected 20 lowercase letters',
            "pulumi config set --path hotdash:supabase.projectRef '<project-ref>' --stack prod",
        ]]);
    });

    it("names an unknown region", () => {
        const problems = problemsOf(withApp("llamaindexMcp", "region", "bos"));
        assert.equal(problems.length, 1);
        assert.equal(problems[0]!.key, "hotdash:apps.llamaindexMcp.region");
        assert.match(problems[0]!.message, /^unknown Fly region "bos"; use one of ams, arn, bom, cdg, /);
    });

    it("reports a placeholder as not set yet", () => {
        const v = happy();
        v["hotdash:supabase"] = { projectRef: "<supabase-project-ref>" };
        const problems = problemsOf(v);
        assert.equal(problems[0]!.message,
            "still the placeholder <supabase-project-ref>: the Supabase project ref, 20 lowercase letters (Project Settings > General)");
    });

    it("reports unknown keys with a suggestion", () => {
        const v = happy();
        v["hotdash:webhookEnabled"] = "true";
        const problems = problemsOf(v);
        assert.deepEqual(problems, [{
            key: "hotdash:webhookEnabled",
            message: "unknown key; did you mean hotdash:webhooksEnabled?",
            fix: "pulumi config rm hotdash:webhookEnabled --stack prod",
        }]);
    });

    it("parses structured values that Pulumi hands over as JSON text", () => {
        const v = happy();
        v["hotdash:fly"] = JSON.stringify({ org: "hotdash" });
        v["hotdash:webhooksEnabled"] = "true";
        const cfg = validateConfig(raw(v), { stack: "prod", env: {} });
        assert.equal(cfg.fly.org, "hotdash");
        assert.equal(cfg.webhooks.enabled, true);
    });

    it("names malformed scalars and unknown process groups", () => {
        const v = withApp("chatwoot", "machines", { web: 1, sidekiq: 2 });
        v["hotdash:webhooksEnabled"] = "yes";
        assert.deepEqual(problemsOf(v).map((p) => [p.key, p.message]), [
            ["hotdash:apps.chatwoot.machines.sidekiq", "unknown process group; hotdash-chatwoot has web, worker"],
            ["hotdash:webhooksEnabled", 'must be true or false, not "yes"'],
        ]);
    });

    it("fills monitoring thresholds and backup settings from the checklist, and names bad ones", () => {
        const cfg = validateConfig(raw(happy()), { stack: "prod", env: {} });
        const { images, ...thresholds } = cfg.monitoring;
        assert.deepEqual(thresholds, {
            errorRatePercent: 0.1, p95LatencyMs: 500, webhookDeliveryPercent: 99, draftGenerationSeconds: 3,
            queueDepth: 50, window: "5m", alertChannel: "#launch-war-room",
        });
        assert.equal(images.blackbox, `prom/blackbox-exporter@sha256:${DIGEST}`);
        assert.equal(cfg.backups.scheduleFor, "04:00:00");
        const v = happy();
        v["hotdash:monitoring"] = { ...(v["hotdash:monitoring"] as object), p95LatencyMs: -5, window: "five minutes", alertChannel: "war-room" };
        v["hotdash:backups"] = { scheduleFor: "4am", volumeSnapshotRetentionDays: 90 };
        assert.deepEqual(problemsOf(v).map((p) => [p.key, p.message]), [
            ["hotdash:monitoring.window", '"five minutes" is not a duration such as 30s, 5m or 1h'],
            ["hotdash:monitoring.alertChannel", '"war-room" is not a Slack channel such as #launch-war-room'],
            ["hotdash:monitoring.p95LatencyMs", "must be a number above 0, not -5"],
            ["hotdash:backups.scheduleFor", '"4am" is not a UTC time of day such as 04:00:00'],
            ["hotdash:backups.volumeSnapshotRetentionDays", "must be an integer between 1 and 60, not 90"],
        ]);
    });

    it("needs the database URL only when a pre-launch dump is wanted", () => {
        const v = happy();
        delete v["hotdash:databaseUrl"];
        assert.deepEqual(problemsOf(v).map((p) => p.key), ["hotdash:databaseUrl"]);
        v["hotdash:backups"] = { preLaunchDump: false };
        assert.equal(validateConfig(raw(v), { stack: "prod", env: {} }).secrets.databaseUrl, undefined);
    });

    it("reads the launch window, declared token expiries and waivers", () => {
        const v = happy();
        v["hotdash:launch"] = { windowStart: "2025-10-13", windowEnd: "2025-10-15" };
        v["hotdash:tokenExpiry"] = { supabase: "2027-01-31" };
        v["hotdash:waivers"] = [{ ruleId: "HD-SSL-001", resource: "x", reason: "r", approver: "a", expires: "2026-12-31" }];
        const cfg = validateConfig(raw(v), { stack: "prod", env: {} });
        assert.deepEqual(cfg.launch, { start: "2025-10-13", end: "2025-10-15", minTokenValidityDays: 14 });
        assert.deepEqual(cfg.tokenExpiry, { supabase: "2027-01-31" });
        v["hotdash:tokenExpiry"] = { supabase: "<YYYY-MM-DD>" };
        assert.deepEqual(problemsOf(v).map((p) => [p.key, p.message]), [
            ["hotdash:tokenExpiry.supabase", "still the placeholder <YYYY-MM-DD>: the day the Supabase token expires (shown when you create it)"],
        ]);
        assert.equal(cfg.waivers.length, 1);
        v["hotdash:launch"] = { windowStart: "2025-10-16", windowEnd: "2025-10-15" };
        v["hotdash:tokenExpiry"] = { supabase: "31/01/2027", chatwoot: "2027-01-01" };
        v["hotdash:waivers"] = "all of them";
        assert.deepEqual(problemsOf(v).map((p) => [p.key, p.message]), [
            ["hotdash:launch.windowEnd", "the window ends (2025-10-15) before it starts (2025-10-16)"],
            ["hotdash:tokenExpiry.chatwoot", "unknown token; declare supabase only (Fly tokens state their own expiry, Chatwoot tokens have none)"],
            ["hotdash:tokenExpiry.supabase", '"31/01/2027" is not a UTC date such as 2026-12-31'],
            ["hotdash:waivers", "must be a list of {ruleId, resource, reason, approver, expires}"],
        ]);
    });

    it("refuses a declared Fly expiry: the token states its own, and a typed date could only disagree", () => {
        const v = happy();
        v["hotdash:tokenExpiry"] = { fly: "2099-12-31", supabase: "2027-01-31" };
        assert.deepEqual(problemsOf(v).map((p) => [p.key, p.message, p.fix]), [
            ["hotdash:tokenExpiry.fly", "not needed: the Fly token's expiry is read from the token itself (its macaroon's validity window); remove the key",
                "pulumi config rm --path hotdash:tokenExpiry.fly --stack prod"],
        ]);
    });

    it("reads the human items' owners and confirmations, and the go/no-go's test conversation", () => {
        const v = happy();
        assert.deepEqual(validateConfig(raw(v), { stack: "prod", env: {} }).readiness, {});
        v["hotdash:readiness"] = { onCall: { owner: "alice", confirmed: true }, teamAssembled: { owner: " bob " } };
        v["hotdash:chatwoot"] = { accountId: 1, testConversationId: 42 };
        const cfg = validateConfig(raw(v), { stack: "prod", env: {} });
        assert.deepEqual(cfg.readiness, { onCall: { owner: "alice", confirmed: true }, teamAssembled: { owner: "bob", confirmed: false } });
        assert.equal(cfg.chatwoot.testConversationId, 42);
        v["hotdash:readiness"] = { oncall: { owner: "alice" }, teamAssembled: "yes", onCall: { owner: "<name>", confirmed: "yes" }, uiTested: { owner: 7 } };
        v["hotdash:chatwoot"] = { accountId: 1, testConversationId: 0 };
        assert.deepEqual(problemsOf(v).map((p) => [p.key, p.message, p.fix]), [
            ["hotdash:chatwoot.testConversationId", "0 is not a conversation id (the number in /app/accounts/<id>/conversations/<number>)", "pulumi config set --path hotdash:chatwoot.testConversationId '<conversation-id>' --stack prod"],
            ["hotdash:readiness.oncall", "unknown item; the items are teamAssembled, onCall, operatorsTrained, communicationPlan, rollbackRehearsed, migrationsApplied, errorHandlingTested, uiTested, docsReady", "pulumi config rm --path hotdash:readiness.oncall --stack prod"],
            ["hotdash:readiness.teamAssembled.owner", 'readiness.teamAssembled must be {owner, confirmed}, not "yes"', "pulumi config set --path hotdash:readiness.teamAssembled.owner '<owner>' --stack prod"],
            ["hotdash:readiness.onCall.owner", "still the placeholder <name>: who answers for this item", "pulumi config set --path hotdash:readiness.onCall.owner '<owner>' --stack prod"],
            ["hotdash:readiness.onCall.confirmed", 'must be true or false, not "yes"', "pulumi config set --path hotdash:readiness.onCall.confirmed false --stack prod"],
            ["hotdash:readiness.uiTested.owner", "7 is not a name: who answers for this item", "pulumi config set --path hotdash:readiness.uiTested.owner '<owner>' --stack prod"],
        ]);
    });

    it("quotes fix values for the shell", () => {
        assert.equal(fixCommand("prod", "webhooksEnabled", "true"), "pulumi config set hotdash:webhooksEnabled true --stack prod");
        assert.equal(fixCommand("prod", "fly.org", "it's"), "pulumi config set --path hotdash:fly.org 'it'\\''s' --stack prod");
    });

    it("treats an encrypted secure value in a stack file as present", () => {
        const r = rawFromStackFile("config:\n  hotdash:flyApiToken:\n    secure: v1:abc\n  other:key: 1\n");
        assert.deepEqual(r, { values: { "hotdash:flyApiToken": ENCRYPTED }, secretKeys: ["hotdash:flyApiToken"] });
    });

    it("accepts the committed sandbox stack file as it is", () => {
        const text = fs.readFileSync(path.join(ROOT, "Pulumi.sandbox.yaml"), "utf8");
        const cfg = validateConfig(rawFromStackFile(text), { stack: "sandbox", env: {} });
        assert.equal(cfg.environment, "sandbox");
        assert.equal(cfg.apps.chatwoot.name, "hotdash-chatwoot");
    });

    it("lists exactly what the committed prod stack file still lacks", () => {
        const text = fs.readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8");
        let error: ConfigError | undefined;
        try {
            validateConfig(rawFromStackFile(text), { stack: "prod", env: {} });
        } catch (err) {
            error = err as ConfigError;
        }
        assert.ok(error instanceof ConfigError);
        assert.deepEqual(error.problems.map((p) => p.key), [
            "hotdash:fly.org",
            "hotdash:supabase.projectRef",
            "hotdash:apps.agentService.image",
            "hotdash:apps.llamaindexMcp.image",
            "hotdash:apps.chatwoot.image",
            "hotdash:chatwoot.accountId",
            "hotdash:monitoring.images.prometheus",
            "hotdash:monitoring.images.alertmanager",
            "hotdash:monitoring.images.blackbox",
            "hotdash:tokenExpiry.supabase",
            "hotdash:flyApiToken",
            "hotdash:supabaseAccessToken",
            "hotdash:chatwootApiToken",
            "hotdash:supabaseServiceRoleKey",
            "hotdash:alertSlackWebhookUrl",
            "hotdash:databaseUrl",
            "hotdash:chatwootDatabaseUrl",
            "hotdash:chatwootRedisUrl",
            "hotdash:flyMetricsToken",
        ]);
    });
});
