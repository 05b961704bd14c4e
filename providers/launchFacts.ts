/**
 * The launch's own facts, recorded as a resource so the policy pack (and the state's audit trail) can see what no
 * vendor resource carries: the environment, the launch window, each token's format and declared expiry (never its
 * value), the monitoring thresholds and alert channel, and the waivers. Creating it calls nothing.
 */
import * as pulumi from "@pulumi/pulumi";
import { type ConfiguredProvider, diffResult, DYNAMIC_MODULE } from "./dynamic";

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
export type TokenFormat = "fly-macaroon" | "bearer" | "supabase-pat" | "opaque" | "malformed" | "missing";

export interface TokenFacts {
    readonly format: TokenFormat;
    /** Declared expiry, UTC `YYYY-MM-DD`; "" when undeclared, "never" for tokens that do not expire. */
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

/** Classifies a token by format. Fly: macaroons (`fm1r_`, `fm1a_`, `fm2_`, optionally after `FlyV1 `) or bearer. */
export function tokenFormat(vendor: "fly" | "supabase" | "chatwoot", token: string | undefined): TokenFormat {
    const t = (token ?? "").trim();
    if (!t) return "missing";
    if (vendor === "fly") {
        const bare = t.replace(/^(FlyV1|Bearer)\s+/i, "");
        if (/^fm[12][ra]?_[A-Za-z0-9_+/=,-]+$/.test(bare)) return "fly-macaroon";
        return /^[A-Za-z0-9_.~+/=-]{16,}$/.test(bare) ? "bearer" : "malformed";
    }
    if (vendor === "supabase") return /^sbp_(oauth_)?[a-f0-9]{40}$/.test(t) ? "supabase-pat" : "malformed";
    return /^\S+$/.test(t) ? "opaque" : "malformed";
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

export class LaunchFacts extends pulumi.dynamic.Resource {
    constructor(name: string, args: LaunchFactsArgs, opts?: pulumi.CustomResourceOptions) {
        super(launchFactsProvider, name, { ...args }, opts, DYNAMIC_MODULE, "LaunchFacts");
    }
}
