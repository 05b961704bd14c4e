/**
 * The policy tests' fixture factory: a planned production stack on which every rule passes (awsguard's
 * `getHappyPathArgs`, compliance-policies' `getResourceValidationArgs`), so each case breaks exactly one field.
 * Secrets in it are canaries: no message, evidence, fix or report may ever contain one.
 */
import { agentServiceEnv, chatwootEnv, llamaindexEnv } from "../../components/appEnv";
import { APPS, flyDevUrl } from "../../components/catalog";
import { DEFAULTS } from "../../components/config/validate";
import { groupMachineConfig, DEFAULT_GUEST } from "../../components/fly/machineSpec";
import { renderAlertmanagerConfig } from "../../components/monitoring/alertmanager";
import { MONITORING_PATHS } from "../../components/monitoring/files";
import { renderAlertRules } from "../../components/monitoring/rules";
import { evaluateRule } from "../../policies/framework/evaluate";
import type { Finding } from "../../policies/framework/finding";
import type { Rule, RuleContext } from "../../policies/framework/rule";
import { StackView, TYPES, type RawResource, type TypeName } from "../../policies/framework/stack";
import { parseWaivers } from "../../policies/framework/waivers";
import { RULE_IDS } from "../../policies/rules";

/** Secret values planted in the fixture. */
export const CANARY = {
    webhookSecret: "canary-webhook-hmac-7f3a9c1e5b2d",
    chatwootToken: "canary-chatwoot-token-2b8d4f6a9c",
    serviceRoleKey: "canary-service-role-9e1c3b7d5f",
    secretKeyBase: "canary-secret-key-base-4d6f8a0c2e",
    databaseUrl: "postgresql://chatwoot:canary-db-pw-5a7c@db.example.com:5432/chatwoot",
    redisUrl: "rediss://:canary-redis-pw-8b0d@redis.example.com:6380/0",
} as const;

export const CANARIES: readonly string[] = [...Object.values(CANARY), "canary-db-pw-5a7c", "canary-redis-pw-8b0d"];

/** The evaluation time of every policy test: before the launch window of the fixture. */
export const NOW = new Date("2025-10-01T12:00:00Z");

const PROJECT = "hotdash-launch";

export function urn(type: string, name: string): string {
    return `urn:pulumi:prod::${PROJECT}::${type}::${name}`;
}

function res(type: TypeName, name: string, props: Record<string, unknown>): RawResource {
    return { type: TYPES[type], name, urn: urn(TYPES[type], name), props };
}

function group(app: keyof typeof APPS, group: string, env: Record<string, string>, image: string): RawResource {
    const facts = APPS[app];
    const spec = { machines: 1, public: facts.processes[group]!.public, ...(facts.processes[group]!.cmd ? { cmd: facts.processes[group]!.cmd } : {}) };
    return res("FlyMachineGroup", `${facts.name}-machines-${group}`, {
        apiUrl: "https://api.machines.dev/v1", app: facts.name, group, region: "iad", count: 1,
        config: groupMachineConfig({ image, region: "iad", group, spec, env, internalPort: facts.internalPort, healthPath: facts.healthPath, guest: DEFAULT_GUEST }),
    });
}

/** A Fly machine file's `raw_value`: the content, base64. */
export const base64 = (text: string): string => Buffer.from(text, "utf8").toString("base64");

/** The monitoring files as the monitoring component generates them from the fixture's thresholds. */
export const MONITORING_FILES = {
    rules: renderAlertRules({ monitoring: DEFAULTS.monitoring, apps: { agentService: APPS.agentService, llamaindexMcp: APPS.llamaindexMcp, chatwoot: APPS.chatwoot }, stack: "prod" }),
    alertmanager: renderAlertmanagerConfig(DEFAULTS.monitoring),
} as const;

const IMAGE = (repo: string): string => `${repo}@sha256:${"a".repeat(64)}`;

/** A production stack on which every rule passes. */
export function passingStack(): RawResource[] {
    const supabaseUrl = "https://abcdefghijklmnopqrst.supabase.co";
    const agentEnv = agentServiceEnv({
        chatwootBaseUrl: flyDevUrl(APPS.chatwoot.name), llamaindexUrl: flyDevUrl(APPS.llamaindexMcp.name), supabaseUrl,
        chatwootApiToken: CANARY.chatwootToken, supabaseServiceRoleKey: CANARY.serviceRoleKey,
    }).env as Record<string, string>;
    const llamaEnv = llamaindexEnv({ supabaseUrl, supabaseServiceRoleKey: CANARY.serviceRoleKey }).env as Record<string, string>;
    const chatwootPlain = chatwootEnv({ frontendUrl: flyDevUrl(APPS.chatwoot.name), databaseUrl: CANARY.databaseUrl, redisUrl: CANARY.redisUrl, keys: {} }).env as Record<string, string>;
    const fly = (name: string): RawResource => res("FlyApp", `${name}-app`, { apiUrl: "https://api.machines.dev/v1", name, org: "hotdash" });
    return [
        res("LaunchFacts", "hotdash-launch-facts", {
            environment: "production",
            launchWindow: { start: "2025-10-13", end: "2025-10-15", minTokenValidityDays: 14 },
            tokens: {
                fly: { format: "fly-macaroon", expires: "2026-06-30" },
                supabase: { format: "supabase-pat", expires: "2026-06-30" },
                chatwoot: { format: "chatwoot-token", expires: "never" },
            },
            monitoring: { ...DEFAULTS.monitoring, alertWebhookConfigured: true },
            webhooksEnabled: true,
            waivers: [],
        }),
        fly(APPS.llamaindexMcp.name), fly(APPS.agentService.name), fly(APPS.chatwoot.name), fly("hotdash-monitor"),
        res("FlySecrets", `${APPS.agentService.name}-secrets`, {
            apiUrl: "https://api.machines.dev/v1", app: APPS.agentService.name,
            values: { CHATWOOT_API_TOKEN: CANARY.chatwootToken, SUPABASE_SERVICE_ROLE_KEY: CANARY.serviceRoleKey, CHATWOOT_WEBHOOK_SECRET: CANARY.webhookSecret },
        }),
        res("FlySecrets", `${APPS.llamaindexMcp.name}-secrets`, { apiUrl: "https://api.machines.dev/v1", app: APPS.llamaindexMcp.name, values: { SUPABASE_SERVICE_ROLE_KEY: CANARY.serviceRoleKey } }),
        res("FlySecrets", `${APPS.chatwoot.name}-secrets`, {
            apiUrl: "https://api.machines.dev/v1", app: APPS.chatwoot.name,
            values: {
                SECRET_KEY_BASE: CANARY.secretKeyBase, DATABASE_URL: CANARY.databaseUrl, REDIS_URL: CANARY.redisUrl,
                ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY: "canary-ar-primary-0001", ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY: "canary-ar-determ-0002",
                ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT: "canary-ar-salt-0003",
            },
        }),
        res("FlyVolumes", `${APPS.chatwoot.name}-volume`, { apiUrl: "https://api.machines.dev/v1", app: APPS.chatwoot.name, name: "chatwoot_storage", region: "iad", sizeGb: 10, count: 1, snapshotRetention: 14, autoBackupEnabled: true }),
        group("llamaindexMcp", "app", llamaEnv, IMAGE("registry.fly.io/hotdash-llamaindex-mcp")),
        group("agentService", "app", agentEnv, IMAGE("registry.fly.io/hotdash-agent-service")),
        group("chatwoot", "web", chatwootPlain, IMAGE("chatwoot/chatwoot:v4.15.1")),
        group("chatwoot", "worker", chatwootPlain, IMAGE("chatwoot/chatwoot:v4.15.1")),
        res("FlyMachineGroup", "hotdash-monitor-machines-prometheus", {
            apiUrl: "https://api.machines.dev/v1", app: "hotdash-monitor", group: "prometheus", region: "iad", count: 1,
            config: {
                image: IMAGE("prom/prometheus"), env: { FLY_PROCESS_GROUP: "prometheus", PRIMARY_REGION: "iad" },
                files: [{ guest_path: MONITORING_PATHS.rules, raw_value: base64(MONITORING_FILES.rules) }, { guest_path: MONITORING_PATHS.alertmanagerConfig, raw_value: base64(MONITORING_FILES.alertmanager) }],
            },
        }),
        res("SupabaseSecrets", "hotdash-supabase-secrets", {
            apiUrl: "https://api.supabase.com", projectRef: "abcdefghijklmnopqrst",
            values: {
                CHATWOOT_WEBHOOK_SECRET: CANARY.webhookSecret, CHATWOOT_API_TOKEN: CANARY.chatwootToken, CHATWOOT_BASE_URL: flyDevUrl(APPS.chatwoot.name),
                AGENT_SERVICE_URL: flyDevUrl(APPS.agentService.name), LLAMAINDEX_SERVICE_URL: flyDevUrl(APPS.llamaindexMcp.name),
            },
        }),
        res("SupabaseSslEnforcement", "hotdash-supabase-ssl", { apiUrl: "https://api.supabase.com", projectRef: "abcdefghijklmnopqrst", enabled: true, applied: true, enforced: true }),
        res("SupabaseBackups", "hotdash-supabase-backups", { apiUrl: "https://api.supabase.com", projectRef: "abcdefghijklmnopqrst", scheduleFor: "04:00:00", pitr: false, maxBackupAgeHours: 26,
            // what Supabase reported at the last apply: a backup 6 h before NOW, PITR off
            pitrEnabled: false, newestBackupAt: "2025-10-01T06:00:00.000Z", newestBackupAgeHours: 6 }),
        res("ChatwootWebhook", "hotdash-chatwoot-webhook-registration", {
            baseUrl: flyDevUrl(APPS.chatwoot.name), accountId: 1, url: `${flyDevUrl(APPS.agentService.name)}/webhooks/chatwoot`,
            name: "hotdash-agent-service", subscriptions: ["message_created", "conversation_created"], rotation: "0", secret: CANARY.webhookSecret,
        }),
    ];
}

/** The analyzer's sentinel for an unknown string; the engine's mocks use `{__pulumiUnknown: true}`. */
export const UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

type Mutable = Record<string, unknown>;

/** A copy of the stack with the named resource's props changed by `edit` (which may mutate its argument). */
export function editing(stack: readonly RawResource[], name: string, edit: (props: Mutable) => void): RawResource[] {
    if (!stack.some((r) => r.name === name)) throw new Error(`no resource named ${name} in the fixture`);
    return stack.map((r) => {
        if (r.name !== name) return r;
        const props = structuredClone(r.props) as Mutable;
        edit(props);
        return { ...r, props };
    });
}

/** A copy of the stack without the named resources (or every resource of a type). */
export function without(stack: readonly RawResource[], ...names: readonly string[]): RawResource[] {
    return stack.filter((r) => !names.includes(r.name) && !names.includes(r.type));
}

export function ctxAt(now: Date = NOW): RuleContext {
    return { now, stack: "prod", ruleIds: RULE_IDS };
}

/** One rule over a stack, waivers from its LaunchFacts applied. */
export function findings(rule: Rule, stack: readonly RawResource[], now: Date = NOW): Finding[] {
    const view = StackView.of(stack);
    const ctx = ctxAt(now);
    const facts = view.launchFacts()?.props["waivers"];
    return evaluateRule(rule, view, ctx, parseWaivers(facts, { ruleIds: RULE_IDS, unwaivable: ["HD-WVR-001"], today: now.toISOString().slice(0, 10), stack: "prod" }));
}

/** `[status, message]` of each finding: what the tests assert exactly. */
export function outcome(rule: Rule, stack: readonly RawResource[], now: Date = NOW): [string, string][] {
    return findings(rule, stack, now).map((f) => [f.status, f.message]);
}

/** Only the findings that are not passes. */
export function problems(rule: Rule, stack: readonly RawResource[], now: Date = NOW): [string, string][] {
    return outcome(rule, stack, now).filter(([s]) => s !== "pass" && s !== "n/a");
}

/** Every canary found in any string of the findings (messages, evidence, fixes). */
export function leakedCanaries(list: readonly Finding[]): string[] {
    const text = JSON.stringify(list);
    return CANARIES.filter((c) => text.includes(c));
}

/** The stack as the engine sends it to a policy pack: an AnalyzeStackRequest, props as given (or transformed). */
export function analyzeStackRequest(stack: readonly RawResource[], props: (r: RawResource) => Record<string, unknown> = (r) => r.props as Record<string, unknown>): unknown {
    /* eslint-disable @typescript-eslint/no-explicit-any -- generated protobuf classes, untyped */
    const analyzerpb = require("@pulumi/pulumi/proto/analyzer_pb") as any;
    const structpb = require("google-protobuf/google/protobuf/struct_pb") as any;
    const req = new analyzerpb.AnalyzeStackRequest();
    req.setResourcesList(stack.map((r) => {
        const res = new analyzerpb.AnalyzerResource();
        res.setType(r.type);
        res.setName(r.name);
        res.setUrn(r.urn);
        res.setProperties(structpb.Struct.fromJavaScript(props(r)));
        res.setOptions(new analyzerpb.AnalyzerResourceOptions());
        return res;
    }));
    return req;
    /* eslint-enable @typescript-eslint/no-explicit-any */
}
