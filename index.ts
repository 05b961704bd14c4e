/**
 * The HotDash launch stack. This file only reads the validated `hotdash` config (every problem is reported at once,
 * each with the command that fixes it) and composes the components that declare the launch. The stack's outputs are
 * what `declareLaunch` returns.
 */
import { agentServiceEnv, chatwootEnv, llamaindexEnv } from "./components/appEnv";
import { PreLaunchDump } from "./components/backup/preLaunchDump";
import { AGENT_WEBHOOK_PATH, APPS } from "./components/catalog";
import { ChatwootWebhook } from "./components/chatwoot/webhook";
import { ChatwootKeys } from "./components/chatwoot/keys";
import { loadFromPulumi } from "./components/config/load";
import { secretValue } from "./components/config/secrets";
import { launchFactsArgs } from "./components/facts";
import { FlyApp, type FlyAppArgs } from "./components/fly/app";
import { Monitor } from "./components/monitoring/monitor";
import { SupabaseProject } from "./components/supabase/project";
import { LaunchFacts } from "./providers/launchFacts";
import type { AppConfig, LaunchConfig } from "./components/config/types";

/** How long the program waits after declaring LaunchFacts: its registration takes about 15 ms to reach the engine. */
const REGISTRATION_LEAVES_MS = 50;

const config = loadFromPulumi();

// The first dynamic resource makes Pulumi start its dynamic-provider plugin, most of a second: declared alone, and its
// registration given the few milliseconds it takes to leave, that start overlaps the declaration of everything else
new LaunchFacts("hotdash-launch-facts", launchFactsArgs(config));
export = new Promise((leave) => setTimeout(leave, REGISTRATION_LEAVES_MS)).then(() => declareLaunch(config));

/** The components of the launch, each from config and the catalog; returns the stack's outputs. */
function declareLaunch(config: LaunchConfig) {
    /** What each of the checklist's apps is, from config and the catalog: where, which image, its groups and port. */
    function appArgs(app: AppConfig): Omit<FlyAppArgs, "env" | "secrets"> {
        const facts = APPS[app.key];
        return {
            apiUrl: config.fly.apiUrl,
            org: config.fly.org,
            region: app.region,
            image: app.image,
            publicUrl: app.publicUrl,
            timeouts: deployTimeouts,
            deployAfter,
            processes: Object.fromEntries(Object.entries(facts.processes).map(([group, g]) => [
                group, { machines: app.machines[group] ?? 0, public: g.public, ...(g.cmd ? { cmd: g.cmd } : {}) },
            ])),
            internalPort: facts.internalPort,
            healthPath: facts.healthPath,
            runsInProduction: app.runsInProduction,
            ...(app.hostname ? { hostname: app.hostname } : {}),
        };
    }

    const deployTimeouts = { healthSeconds: config.fly.deployTimeoutSeconds, criticalGraceSeconds: config.fly.checkGraceSeconds };

    // a verified pg_dump before any image changes: the machines wait for it (the apps, IPs and secrets need not), and a new
    // digest takes a new one
    const dump = config.backups.preLaunchDump
        ? new PreLaunchDump("hotdash-pre-launch-backup", {
            databaseUrl: secretValue(config, "databaseUrl"),
            dumpDir: config.backups.dumpDir,
            triggers: Object.values(config.apps).map((a) => a.image),
        })
        : undefined;
    const deployAfter = dump ? [dump] : [];

    const serviceRoleKey = secretValue(config, "supabaseServiceRoleKey");

    const llamaindex = new FlyApp(config.apps.llamaindexMcp.name, {
        ...appArgs(config.apps.llamaindexMcp),
        ...llamaindexEnv({ supabaseUrl: config.supabase.url, supabaseServiceRoleKey: serviceRoleKey }),
    });

    // Chatwoot generates the webhook's HMAC secret; it goes to every receiver: the agent service and Supabase (with the
    // previous one while a rotation's webhooks overlap)
    const webhook = config.webhooks.enabled
        ? new ChatwootWebhook("hotdash-chatwoot-webhook", {
            baseUrl: config.chatwoot.baseUrl,
            accountId: config.chatwoot.accountId,
            url: `${config.apps.agentService.publicUrl}${AGENT_WEBHOOK_PATH}`,
            rotation: config.webhooks.rotation,
        })
        : undefined;
    const chatwootApiToken = secretValue(config, "chatwootApiToken");

    const agent = new FlyApp(config.apps.agentService.name, {
        ...appArgs(config.apps.agentService),
        ...agentServiceEnv({
            chatwootBaseUrl: config.chatwoot.baseUrl,
            llamaindexUrl: llamaindex.url,
            supabaseUrl: config.supabase.url,
            chatwootApiToken,
            supabaseServiceRoleKey: serviceRoleKey,
            ...(webhook ? { webhookSecret: webhook.secret, previousWebhookSecret: webhook.previousSecret } : {}),
        }),
    });

    const supabase = new SupabaseProject("hotdash-supabase", {
        apiUrl: config.supabase.apiUrl,
        projectRef: config.supabase.projectRef,
        backups: { scheduleFor: config.backups.scheduleFor, pitr: config.backups.pitr, maxBackupAgeHours: config.backups.maxBackupAgeHours },
        secrets: {
            CHATWOOT_BASE_URL: config.chatwoot.baseUrl,
            CHATWOOT_API_TOKEN: chatwootApiToken,
            AGENT_SERVICE_URL: agent.url,
            LLAMAINDEX_SERVICE_URL: llamaindex.url,
            ...(webhook ? { CHATWOOT_WEBHOOK_SECRET: webhook.secret, CHATWOOT_WEBHOOK_SECRET_PREVIOUS: webhook.previousSecret } : {}),
        },
    });
    // the webhook delivers messages only once every receiver can verify them (a rotation's new one, too)
    webhook?.activate([agent, supabase]);

    const chatwootKeys = new ChatwootKeys("hotdash-chatwoot-keys");
    const chatwoot = new FlyApp(config.apps.chatwoot.name, {
        ...appArgs(config.apps.chatwoot),
        guest: { cpuKind: "shared", cpus: 2, memoryMb: 2048 },
        volume: { group: "web", name: "chatwoot_storage", path: "/app/storage", snapshotRetentionDays: config.backups.volumeSnapshotRetentionDays },
        ...chatwootEnv({
            frontendUrl: config.chatwoot.baseUrl,
            databaseUrl: secretValue(config, "chatwootDatabaseUrl"),
            redisUrl: secretValue(config, "chatwootRedisUrl"),
            keys: chatwootKeys.env,
        }),
    });

    const monitor = new Monitor("hotdash-monitoring", {
        config,
        slackWebhookUrl: secretValue(config, "alertSlackWebhookUrl"),
        ...(config.secrets.flyMetricsToken ? { flyMetricsToken: secretValue(config, "flyMetricsToken") } : {}),
        timeouts: deployTimeouts,
        deployAfter,
    });

    /** Public URL of each service, as the launch checklist names them. */
    const urls = { [config.apps.agentService.name]: agent.url, [config.apps.llamaindexMcp.name]: llamaindex.url, [config.apps.chatwoot.name]: chatwoot.url };
    /** Per app and process group: the image digest it runs and the one before (what a rollback redeploys). */
    const images = {
        [config.apps.agentService.name]: agent.groups,
        [config.apps.llamaindexMcp.name]: llamaindex.groups,
        [config.apps.chatwoot.name]: chatwoot.groups,
        "hotdash-monitor": monitor.groups,
    };
    /** Backups as of this update: the newest completed Supabase backup, PITR, and the pre-launch dump (for the runbook). */
    const backups = {
        newestBackupAt: supabase.newestBackupAt,
        newestBackupAgeHours: supabase.newestBackupAgeHours,
        pitrEnabled: supabase.pitrEnabled,
        preLaunchDump: dump ? dump.dumpFile : "",
    };
    return { urls, images, backups, webhooksEnabled: config.webhooks.enabled };
}
