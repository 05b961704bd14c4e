/** The validated `hotdash` config: what `index.ts`, the policy pack and the `launch` command all work from. */
import type { AppKey } from "../catalog";
import type { MonitoringThresholds } from "../../providers/launchFacts";

// defined with the LaunchFacts resource that records them (providers import nothing from components/)
export type { MonitoringThresholds };

export type Environment = "production" | "sandbox";

/** Where a secret's value comes from. The value itself never enters this object. */
export type SecretSource =
    | { readonly from: "config"; readonly key: string }
    | { readonly from: "env"; readonly variable: string };

export interface FlyConfig {
    /** Machines API base URL. Defaults to `https://api.machines.dev/v1`. */
    readonly apiUrl: string;
    /** Fly organization slug that owns the apps. Required. */
    readonly org: string;
    /** Region for machines and volumes unless an app names its own. Defaults to `iad`. */
    readonly primaryRegion: string;
    /** Seconds a deployed machine has to start and pass every check. Defaults to 300. */
    readonly deployTimeoutSeconds: number;
    /** Seconds a check may stay critical before the deploy counts the machine as failed. Defaults to 60. */
    readonly checkGraceSeconds: number;
}

export interface SupabaseConfig {
    /** Management API base URL. Defaults to `https://api.supabase.com`. */
    readonly apiUrl: string;
    /** Project ref: 20 lowercase letters. Required. */
    readonly projectRef: string;
    /** Project URL that supabase-js talks to. Defaults to `https://<projectRef>.supabase.co`. */
    readonly url: string;
}

export interface ChatwootConfig {
    /** Chatwoot base URL. Defaults to the Chatwoot app's public URL. */
    readonly baseUrl: string;
    /** Account whose webhooks the stack manages. Required. */
    readonly accountId: number;
    /** Conversation the go/no-go's signed test message is posted to. Defaults to none: no test message outside the sandbox. */
    readonly testConversationId?: number;
}

export interface AppConfig {
    readonly key: AppKey;
    /** Fly app name. Defaults to the checklist's name. */
    readonly name: string;
    /** Image pinned by digest: `<repository>[:tag]@sha256:<64 hex>`. Required. */
    readonly image: string;
    /** Region of the app's machines. Defaults to `hotdash:fly.primaryRegion`. */
    readonly region: string;
    /** Public base URL. Defaults to `https://<name>.fly.dev`. */
    readonly publicUrl: string;
    /** Machines per process group. Defaults to the catalog's count for each group. */
    readonly machines: Readonly<Record<string, number>>;
    /** The app ran before the stack: the stack adopts it and never deletes it, its machines or its volume. Defaults to false. */
    readonly runsInProduction: boolean;
    /** Optional custom hostname served with a Fly certificate. */
    readonly hostname?: string;
}

export interface WebhookConfig {
    /** Whether the Chatwoot webhook is registered. Defaults to false until launch hour. */
    readonly enabled: boolean;
    /** Bump to rotate the webhook's HMAC secret. Defaults to 0. */
    readonly rotation: number;
}

export interface MonitoringConfig extends MonitoringThresholds {
    /** Images of the monitoring app's process groups, pinned by digest. Required. */
    readonly images: { readonly prometheus: string; readonly alertmanager: string; readonly blackbox: string };
}

export interface BackupConfig {
    /** Daily Supabase backup time, UTC `HH:MM:SS`. Defaults to 04:00:00. */
    readonly scheduleFor: string;
    /** Whether point-in-time recovery is expected on (an add-on the stack asserts, never buys). Defaults to false. */
    readonly pitr: boolean;
    /** The newest completed Supabase backup may be at most this old. Defaults to 26 hours. */
    readonly maxBackupAgeHours: number;
    /** Whether `pulumi up` takes a `pg_dump` before changing an app image. Defaults to true. */
    readonly preLaunchDump: boolean;
    /** Directory the dumps go to. Defaults to `backups`. */
    readonly dumpDir: string;
    /** Days Fly keeps each daily volume snapshot (1-60). Defaults to 14. */
    readonly volumeSnapshotRetentionDays: number;
}

export interface LaunchWindowConfig {
    /** First day of the launch window, UTC `YYYY-MM-DD`. */
    readonly start: string;
    /** Last day of the launch window, UTC `YYYY-MM-DD`. */
    readonly end: string;
    /** Days every token must stay valid after the later of the window's end and today. Defaults to 14. */
    readonly minTokenValidityDays: number;
}

/** A policy finding accepted for a while, as written in config; the policy pack validates each one. */
export interface WaiverConfig {
    readonly ruleId?: unknown;
    readonly resource?: unknown;
    readonly reason?: unknown;
    readonly approver?: unknown;
    readonly expires?: unknown;
}

/** The checklist's human items, which no probe can confirm: the go/no-go lists them with their owners. */
export const READINESS_KEYS = [
    "teamAssembled", "onCall", "operatorsTrained", "communicationPlan", "rollbackRehearsed",
    "migrationsApplied", "errorHandlingTested", "uiTested", "docsReady",
] as const;
export type ReadinessKey = (typeof READINESS_KEYS)[number];

export interface ReadinessItem {
    /** Who answers for the item (a name or handle). Defaults to none: the item is unassigned. */
    readonly owner?: string;
    /** Whether its owner confirmed it. Defaults to false, which keeps the go/no-go at NO-GO. */
    readonly confirmed: boolean;
}

/** Secrets the stack needs, each from config (`--secret`) or a well-known environment variable. */
export type SecretName =
    | "flyApiToken" | "supabaseAccessToken" | "chatwootApiToken" | "supabaseServiceRoleKey"
    | "alertSlackWebhookUrl" | "databaseUrl" | "chatwootDatabaseUrl" | "chatwootRedisUrl" | "flyMetricsToken";

export interface LaunchConfig {
    readonly stack: string;
    readonly environment: Environment;
    readonly fly: FlyConfig;
    readonly supabase: SupabaseConfig;
    readonly chatwoot: ChatwootConfig;
    readonly apps: Readonly<Record<AppKey, AppConfig>>;
    readonly webhooks: WebhookConfig;
    readonly monitoring: MonitoringConfig;
    readonly backups: BackupConfig;
    /** The launch window; absent until set. */
    readonly launch?: LaunchWindowConfig;
    /** Declared expiry (UTC `YYYY-MM-DD`) of the Supabase token, which no API exposes. Fly's is read from the token; Chatwoot's have none. */
    readonly tokenExpiry: { readonly supabase?: string };
    /** The human items' owners and confirmations, by item; an item not listed is unassigned and unconfirmed. */
    readonly readiness: Readonly<Partial<Record<ReadinessKey, ReadinessItem>>>;
    /** Policy waivers, as written; the policy pack reports a malformed or expired one as a finding. */
    readonly waivers: readonly WaiverConfig[];
    /** Where each secret comes from; a secret not needed by this config (the database URL without dumps) is absent. */
    readonly secrets: Readonly<Partial<Record<SecretName, SecretSource>>>;
}

/** Raw config as Pulumi hands it over: values by full key (`hotdash:fly`), structured values already parsed. */
export interface RawConfig {
    readonly values: Readonly<Record<string, unknown>>;
    /** Keys stored as secrets. */
    readonly secretKeys: readonly string[];
}

/** A secret present in a stack file but still encrypted (read without the Pulumi CLI). */
export const ENCRYPTED = Object.freeze({ encrypted: true as const });
