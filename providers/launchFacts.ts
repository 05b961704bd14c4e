/**
 * The launch's own facts, recorded as a resource so the policy pack (and the state's audit trail) can see what no
 * vendor resource carries: the environment, the launch window, each token's format and declared expiry (never its
 * value), the monitoring thresholds and alert channel, and the waivers. Creating it calls nothing.
 */
import * as pulumi from "@pulumi/pulumi";
import { type ConfiguredProvider, diffResult, DynamicResource } from "./dynamic";
import { flyTokenExpiry, parseFlyToken } from "./fly/macaroon";

/** The config key of each app under `hotdash:apps` (components/catalog.ts holds each app's facts). */
export type AppKey = "agentService" | "llamaindexMcp" | "chatwoot";

/** What the alerts are generated from. */
export interface MonitoringThresholds {
    /** Alert when the share of 5xx answers exceeds this, in percent. Defaults to 0.1 (the checklist's target). */
    readonly errorRatePercent: number;
    /** Alert when p95 latency exceeds this, in milliseconds. Defaults to 500. */
    readonly p95LatencyMs: number;
    /** Alert when webhook deliveries verified fall below this, in percent. Defaults to 99. */
    readonly webhookDeliveryPercent: number;
    /** Alert when draft generation (p95) takes longer than this, in seconds. Defaults to 3. */
    readonly draftGenerationSeconds: number;
    /** Alert when more approvals than this are pending. Defaults to 50. */
    readonly queueDepth: number;
    /** How long a threshold must be breached before its alert fires (Prometheus duration). Defaults to 5m. */
    readonly window: string;
    /** Slack channel the alerts go to. Defaults to #launch-war-room. */
    readonly alertChannel: string;
}

/** How a token looks, judged by the vendor's format; the token itself never leaves the program. */
export type TokenFormat = "fly-macaroon" | "supabase-pat" | "chatwoot-token" | "malformed" | "missing";

export interface TokenFacts {
    readonly format: TokenFormat;
    /**
     * Expiry, UTC `YYYY-MM-DD`: read from the token when it carries one (Fly's macaroons), else declared in config;
     * "" when unknown, "never" for tokens that do not expire.
     */
    readonly expires: string;
}

export interface LaunchFactsInputs {
    readonly environment: "production" | "sandbox";
    /** The Fly app name of each of the checklist's apps, by catalog key (names may be configured). */
    readonly apps: Readonly<Record<AppKey, string>>;
    readonly launchWindow: { readonly start: string; readonly end: string; readonly minTokenValidityDays: number } | null;
    readonly tokens: { readonly fly: TokenFacts; readonly supabase: TokenFacts; readonly chatwoot: TokenFacts };
    readonly monitoring: MonitoringThresholds & {
        /** Whether the Slack webhook URL the alerts go to is set (as a secret). */
        readonly alertWebhookConfigured: boolean;
    };
    readonly webhooksEnabled: boolean;
    readonly waivers: readonly Readonly<Record<string, unknown>>[];
}

/** Supabase CLI's access-token pattern (personal `sbp_`, OAuth `sbp_oauth_`). */
const SUPABASE_PAT = /^sbp_(oauth_)?[a-f0-9]{40}$/;

/** Chatwoot's AccessToken uses Rails' `has_secure_token`: 24 characters of SecureRandom.base58. */
const CHATWOOT_TOKEN = /^[1-9A-HJ-NP-Za-km-z]{24}$/;

/**
 * Classifies a token by the vendor's real format: Fly macaroons as Fly's code parses them (providers/fly/macaroon.ts),
 * Supabase's CLI pattern, Chatwoot's has_secure_token alphabet and length.
 */
export function tokenFormat(vendor: "fly" | "supabase" | "chatwoot", token: string | undefined): TokenFormat {
    const t = (token ?? "").trim();
    if (!t) return "missing";
    if (vendor === "fly") return "macaroons" in parseFlyToken(t) ? "fly-macaroon" : "malformed";
    if (vendor === "supabase") return SUPABASE_PAT.test(t) ? "supabase-pat" : "malformed";
    return CHATWOOT_TOKEN.test(t) ? "chatwoot-token" : "malformed";
}

/** A Fly token's expiry as its own validity window says: UTC `YYYY-MM-DD`, "never" without one, "" when unreadable. */
export function flyTokenExpires(token: string | undefined): string {
    const parsed = parseFlyToken((token ?? "").trim());
    if (!("macaroons" in parsed)) return "";
    const at = flyTokenExpiry(parsed.macaroons);
    return at ? at.toISOString().slice(0, 10) : "never";
}

export const launchFactsProvider: ConfiguredProvider<LaunchFactsInputs, LaunchFactsInputs> = {
    async diff(_id, olds, news) {
        const keys = ["environment", "apps", "launchWindow", "tokens", "monitoring", "webhooksEnabled", "waivers"] as const;
        return diffResult(keys.filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k])));
    },
    async create(inputs) {
        return { id: "launch-facts", outs: inputs };
    },
    async update(_id, _olds, news) {
        return { outs: news };
    },
};

export type LaunchFactsArgs = { readonly [K in keyof LaunchFactsInputs]: pulumi.Input<LaunchFactsInputs[K]> };

export class LaunchFacts extends DynamicResource {
    constructor(name: string, args: LaunchFactsArgs, opts?: pulumi.CustomResourceOptions) {
        super(launchFactsProvider, name, { ...args }, opts, "LaunchFacts");
    }
}
