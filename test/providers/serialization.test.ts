/**
 * What Pulumi writes to state for each dynamic provider (DESIGN.md level 3): the serialized text rebuilds into a
 * working provider, and holds no token or secret value, even after the provider object itself has handled them. Every
 * dynamic provider under providers/ is found by walking the folder, so a new one cannot be left out: it needs an
 * exercise below or this test fails.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_SUBSCRIPTIONS } from "../../components/chatwoot/webhook";
import { groupMachineConfig } from "../../components/fly/machineSpec";
import { ChatwootClient } from "../../providers/chatwoot/client";
import { stateText } from "../../providers/dynamic";
import { SANDBOX_CREDENTIALS as C } from "../../sandbox/credentials";
import type { Sandbox } from "../../sandbox";
import { useSandbox } from "../helpers/sandbox";

type AnyProvider = pulumi.dynamic.ResourceProvider & Record<string, unknown>;

const PROVIDERS_DIR = path.resolve(__dirname, "../../providers");

/** Every exported dynamic provider under providers/, by export name (an object with a `create` method). */
function discoverProviders(): Record<string, AnyProvider> {
    const found: Record<string, AnyProvider> = {};
    const walk = (dir: string): void => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
            const file = path.join(dir, entry.name);
            if (entry.isDirectory()) walk(file);
            else if (entry.name.endsWith(".ts")) {
                for (const [name, value] of Object.entries(require(file) as Record<string, unknown>)) {
                    if (value !== null && typeof value === "object" && typeof (value as { create?: unknown }).create === "function") found[name] = value as AnyProvider;
                }
            }
        }
    };
    walk(PROVIDERS_DIR);
    return found;
}

/** The secret values (and tokens) of `known` that appear in `text`. */
function leakedSecrets(text: string, known: Iterable<string>): string[] {
    return [...known].filter((s) => text.includes(s));
}

/** The text that goes to state (minified), with secrets allowed so that a captured one shows in it. */
async function serialize(p: pulumi.dynamic.ResourceProvider): Promise<string> {
    return stateText((await pulumi.runtime.serializeFunction(() => p, { allowSecrets: true })).text);
}

const PLAIN_SECRET = "sk-serialization-0123456789abcdef";
const DATABASE_URL = "postgresql://postgres:db-password-0123456789@127.0.0.1:5432/postgres";
const image = (c: string): string => `registry.fly.io/hotdash-agent-service@sha256:${c.repeat(64)}`;

/**
 * How each provider handles a secret: the Fly, Supabase and Chatwoot tokens on every call, secret values as inputs
 * (Fly and Supabase secrets, the dump's database URL), and Chatwoot's webhook secret as an output it reads back.
 * LaunchFacts is given token facts only: it never sees a token, by design.
 */
const EXERCISES: Record<string, (p: AnyProvider, sb: Sandbox) => Promise<unknown>> = {
    flyAppProvider: (p, sb) => p.create({ apiUrl: `${sb.urls.fly}/v1`, name: "hotdash-serialized", org: C.flyOrg }),
    flyIpsProvider: (p, sb) => p.create({ apiUrl: `${sb.urls.fly}/v1`, app: "hotdash-agent-service", types: ["shared_v4", "v6"] }),
    flySecretsProvider: (p, sb) => p.create({ apiUrl: `${sb.urls.fly}/v1`, app: "hotdash-agent-service", values: { OPENAI_API_KEY: PLAIN_SECRET } }),
    flyCertificateProvider: (p, sb) => p.create({ apiUrl: `${sb.urls.fly}/v1`, app: "hotdash-agent-service", hostname: "support.hotdash.example", waitSeconds: 30 }),
    flyVolumesProvider: (p, sb) => p.create({ apiUrl: `${sb.urls.fly}/v1`, app: "hotdash-agent-service", name: "data", region: "iad", sizeGb: 1, count: 1, snapshotRetention: 14, autoBackupEnabled: true }),
    machineGroupProvider: (p, sb) => p.create({
        apiUrl: `${sb.urls.fly}/v1`, app: "hotdash-agent-service", group: "app", region: "iad", count: 1, timeouts: { healthSeconds: 5, criticalGraceSeconds: 0.2 },
        config: groupMachineConfig({
            image: image("a"), region: "iad", group: "app", spec: { machines: 1, public: true }, env: { LOG_LEVEL: "info" },
            internalPort: 8080, healthPath: "/health", guest: { cpuKind: "shared", cpus: 1, memoryMb: 512 },
        }),
    }),
    sslEnforcementProvider: (p, sb) => p.create({ apiUrl: sb.urls.supabase, projectRef: C.supabaseProjectRef, enabled: true, waitSeconds: 30 }),
    supabaseBackupsProvider: (p, sb) => p.create({ apiUrl: sb.urls.supabase, projectRef: C.supabaseProjectRef, scheduleFor: "04:00:00", pitr: false, maxBackupAgeHours: 100000 }),
    supabaseSecretsProvider: (p, sb) => p.create({ apiUrl: sb.urls.supabase, projectRef: C.supabaseProjectRef, values: { OPENAI_API_KEY: PLAIN_SECRET } }),
    chatwootWebhookProvider: (p, sb) => p.create({
        baseUrl: sb.urls.chatwoot, accountId: C.chatwootAccountId, url: `${sb.urls["hotdash-agent-service"]}/webhooks/chatwoot`,
        name: "hotdash-agent-service", subscriptions: DEFAULT_SUBSCRIPTIONS, rotation: "0",
    }),
    // a webhook of its own to subscribe: listing the account's webhooks hands it every webhook's secret
    chatwootWebhookSubscriptionsProvider: async (p, sb) => {
        const hook = await new ChatwootClient({ baseUrl: sb.urls.chatwoot, token: C.chatwootAdminToken })
            .createWebhook(C.chatwootAccountId, { url: `${sb.urls["hotdash-agent-service"]}/webhooks/chatwoot?generation=9`, name: "serialization", subscriptions: ["inbox_created"] });
        return p.create({ baseUrl: sb.urls.chatwoot, accountId: C.chatwootAccountId, webhookId: hook.id, subscriptions: DEFAULT_SUBSCRIPTIONS });
    },
    pgDumpProvider: (p) => p.create({
        script: `test -n "$HOTDASH_DATABASE_URL" && echo dump-serialized.sql`, cwd: os.tmpdir(), urlVariable: "HOTDASH_DATABASE_URL", databaseUrl: DATABASE_URL, triggers: [image("a")],
    }),
    launchFactsProvider: (p) => p.create({
        environment: "sandbox", apps: { agentService: "hotdash-agent-service", llamaindexMcp: "hotdash-llamaindex-mcp", chatwoot: "hotdash-chatwoot" },
        launchWindow: null,
        tokens: { fly: { format: "fly-macaroon", expires: "" }, supabase: { format: "supabase-pat", expires: "" }, chatwoot: { format: "opaque", expires: "never" } },
        monitoring: { errorRatePercent: 0.1, p95LatencyMs: 500, webhookDeliveryPercent: 99, draftGenerationSeconds: 3, queueDepth: 50, window: "5m", alertChannel: "#launch-war-room", alertWebhookConfigured: true },
        webhooksEnabled: true, waivers: [],
    }),
};

// the vendors' usual variables, the fallback credential() reads: a program process never configures a provider, so
// the module's own objects are exercised as it would hold them (configure() keeps the stack config on the object)
const TOKEN_ENV = { FLY_API_TOKEN: C.flyOrgToken, SUPABASE_ACCESS_TOKEN: C.supabaseAccessToken, CHATWOOT_API_TOKEN: C.chatwootAdminToken };

describe("serialized providers", function () {
    this.timeout(60000);
    const sandbox = useSandbox({ timeScale: 0.01 });
    const providers = discoverProviders();
    const texts: Record<string, string> = {};
    const handled = new Set<string>();
    const savedEnv: Record<string, string | undefined> = {};

    before(async () => {
        for (const [k, v] of Object.entries(TOKEN_ENV)) { savedEnv[k] = process.env[k]; process.env[k] = v; }
        try {
            sandbox().fly.seedApp("hotdash-agent-service");
            for (const [name, p] of Object.entries(providers)) {
                const exercise = EXERCISES[name];
                if (!exercise) continue;
                await exercise(p, sandbox());
                assert.equal(p["config"], undefined, `${name} was configured: the test would serialize the stack config it holds`);
                texts[name] = await serialize(p);
            }
        } finally {
            for (const [k, v] of Object.entries(savedEnv)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; }
        }
        // every secret value the providers handled: tokens, inputs, and the webhook secret Chatwoot generated
        for (const v of Object.values(C)) if (typeof v === "string" && v.length > 8 && v !== C.supabaseProjectRef) handled.add(v);
        handled.add(PLAIN_SECRET).add(DATABASE_URL).add("db-password-0123456789");
        const hooks = sandbox().chatwoot.webhooks.filter((w) => w.secret);
        assert.ok(hooks.length >= 2, "the webhook providers read secrets back");
        for (const h of hooks) handled.add(h.secret!);
    });

    it("are found under providers/, each with an exercise that makes it handle a secret", () => {
        assert.ok(Object.keys(providers).length >= 12, `found only ${Object.keys(providers).join(", ")}`);
        assert.deepEqual(Object.keys(providers).filter((n) => !EXERCISES[n]), [], "a provider with no exercise in this test: add one");
        assert.deepEqual(Object.keys(EXERCISES).filter((n) => !providers[n]), [], "an exercise for a provider that no longer exists");
    });

    it("hold no token or secret value after handling them", () => {
        assert.equal(Object.keys(texts).length, Object.keys(providers).length);
        for (const [name, text] of Object.entries(texts)) {
            assert.deepEqual(leakedSecrets(text, handled).map((s) => `${s.slice(0, 6)}...`), [], `${name} captured a secret`);
            assert.ok(!/FLY_API_TOKEN\s*[:=]\s*["']/.test(text), `${name} captured an environment value`);
        }
    });

    it("would catch a provider that keeps a secret it handled", async () => {
        const seen: { last?: string } = {};
        const leaky: pulumi.dynamic.ResourceProvider = {
            async create(inputs: { value: string }) {
                seen.last = inputs.value;
                return { id: "leaky" };
            },
        };
        assert.deepEqual(leakedSecrets(await serialize(leaky), [PLAIN_SECRET]), []);
        await leaky.create({ value: PLAIN_SECRET });
        assert.deepEqual(leakedSecrets(await serialize(leaky), [PLAIN_SECRET]), [PLAIN_SECRET]);
    });

    it("require undici by name (resolved in the provider process) rather than inlining it", () => {
        assert.match(texts["flyAppProvider"]!, /require\("undici"\)/);
        assert.ok(!texts["flyAppProvider"]!.includes("undici/lib/"), "no deep undici internals captured");
    });

    it("carry only the area of the Fly Machines API each calls through: the closure takes in the whole client class", () => {
        const markers = { apps: "org_slug", secrets: "/secrets", ips: "/ip_assignments", machines: "/machines", volumes: "/volumes", certificates: "/certificates" };
        const carried = (name: string): string[] => Object.entries(markers).filter(([, marker]) => texts[name]!.includes(marker)).map(([area]) => area);
        assert.deepEqual(carried("flyAppProvider"), ["apps"]);
        assert.deepEqual(carried("flySecretsProvider"), ["secrets"]);
        assert.deepEqual(carried("flyIpsProvider"), ["ips"]);
        assert.deepEqual(carried("machineGroupProvider"), ["machines"]);
        assert.deepEqual(carried("flyVolumesProvider"), ["volumes"]);
        assert.deepEqual(carried("flyCertificateProvider"), ["certificates"]);
    });

    it("rebuild, as the engine's host rebuilds them, into providers that work against the sandbox", async () => {
        const rebuilt = (require("require-from-string") as (code: string) => { handler(): pulumi.dynamic.ResourceProvider & { config?: unknown } })(texts["flyAppProvider"]!).handler();
        await rebuilt.configure?.({ config: { get: (k: string) => (k === "hotdash:flyApiToken" ? C.flyOrgToken : undefined), require: () => "" } });
        const created = await rebuilt.create({ apiUrl: `${sandbox().urls.fly}/v1`, name: "hotdash-level3", org: C.flyOrg });
        assert.equal(sandbox().fly.apps["hotdash-level3"]?.id, created.id);
    });
});
