/**
 * What each app's machines are given: plain environment and Fly secrets. `REQUIRED_ENV` is the one list of what
 * must be there, which the builders below satisfy and the policy pack checks on the planned resources.
 */
import * as pulumi from "@pulumi/pulumi";
import type { AppKey } from "./catalog";

export interface RequiredEnv {
    /** Plain variables, with the exact value when one is required. */
    readonly env: Readonly<Record<string, string | undefined>>;
    /** Variables that must arrive as Fly secrets, never as plain env. */
    readonly secrets: readonly string[];
}

export const REQUIRED_ENV: Readonly<Record<AppKey, RequiredEnv>> = {
    agentService: {
        env: { CHATWOOT_BASE_URL: undefined, LLAMAINDEX_SERVICE_URL: undefined, SUPABASE_URL: undefined },
        secrets: ["CHATWOOT_API_TOKEN", "CHATWOOT_WEBHOOK_SECRET", "SUPABASE_SERVICE_ROLE_KEY"],
    },
    llamaindexMcp: {
        env: { SUPABASE_URL: undefined },
        secrets: ["SUPABASE_SERVICE_ROLE_KEY"],
    },
    chatwoot: {
        env: { FRONTEND_URL: undefined, RAILS_ENV: "production", FORCE_SSL: "true", RAILS_LOG_TO_STDOUT: "true", INSTALLATION_ENV: "docker" },
        secrets: [
            "SECRET_KEY_BASE", "DATABASE_URL", "REDIS_URL",
            "ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY", "ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY", "ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT",
        ],
    },
};

type Env = Record<string, pulumi.Input<string>>;

export interface AppEnv {
    readonly env: Env;
    readonly secrets: Env;
}

export interface AgentServiceInputs {
    readonly chatwootBaseUrl: string;
    readonly llamaindexUrl: pulumi.Input<string>;
    readonly supabaseUrl: string;
    readonly chatwootApiToken: pulumi.Input<string>;
    readonly supabaseServiceRoleKey: pulumi.Input<string>;
    /** The webhook's HMAC secret; absent while webhooks are off. */
    readonly webhookSecret?: pulumi.Input<string>;
    /** The secret also accepted while a rotation's two webhooks overlap (the current one otherwise); absent while webhooks are off. */
    readonly previousWebhookSecret?: pulumi.Input<string>;
}

export function agentServiceEnv(i: AgentServiceInputs): AppEnv {
    return {
        env: { CHATWOOT_BASE_URL: i.chatwootBaseUrl, LLAMAINDEX_SERVICE_URL: i.llamaindexUrl, SUPABASE_URL: i.supabaseUrl, NODE_ENV: "production" },
        secrets: {
            CHATWOOT_API_TOKEN: i.chatwootApiToken,
            SUPABASE_SERVICE_ROLE_KEY: i.supabaseServiceRoleKey,
            ...(i.webhookSecret !== undefined ? { CHATWOOT_WEBHOOK_SECRET: i.webhookSecret } : {}),
            ...(i.previousWebhookSecret !== undefined ? { CHATWOOT_WEBHOOK_SECRET_PREVIOUS: i.previousWebhookSecret } : {}),
        },
    };
}

export function llamaindexEnv(i: { readonly supabaseUrl: string; readonly supabaseServiceRoleKey: pulumi.Input<string> }): AppEnv {
    return { env: { SUPABASE_URL: i.supabaseUrl, NODE_ENV: "production" }, secrets: { SUPABASE_SERVICE_ROLE_KEY: i.supabaseServiceRoleKey } };
}

export interface ChatwootInputs {
    readonly frontendUrl: string;
    readonly databaseUrl: pulumi.Input<string>;
    readonly redisUrl: pulumi.Input<string>;
    /** SECRET_KEY_BASE and the Active Record encryption keys, by env name. */
    readonly keys: pulumi.Input<Record<string, string>>;
}

export function chatwootEnv(i: ChatwootInputs): AppEnv {
    const key = (name: string): pulumi.Output<string> => pulumi.output(i.keys).apply((k) => k[name] ?? "");
    const required = REQUIRED_ENV.chatwoot;
    return {
        env: { ...(required.env as Record<string, string>), FRONTEND_URL: i.frontendUrl },
        secrets: {
            DATABASE_URL: i.databaseUrl,
            REDIS_URL: i.redisUrl,
            ...Object.fromEntries(required.secrets.filter((n) => !["DATABASE_URL", "REDIS_URL"].includes(n)).map((n) => [n, key(n)])),
        },
    };
}
