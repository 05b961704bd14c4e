/**
 * The arguments of the LaunchFacts resource from the validated config: what the policy pack checks that no vendor
 * resource carries. Token values are read (as secrets) only to classify their format; only the class leaves.
 */
import * as pulumi from "@pulumi/pulumi";
import { type LaunchFactsArgs, tokenFormat } from "../providers/launchFacts";
import { secretValue } from "./config/secrets";
import type { LaunchConfig } from "./config/types";

/**
 * Whether the Slack webhook URL the alerts go to is really set: read (as a secret) where validation found it, so an
 * environment variable gone by the time the program runs counts as missing. Only the boolean leaves.
 */
export function alertWebhookConfigured(config: LaunchConfig): pulumi.Output<boolean> {
    if (!config.secrets.alertSlackWebhookUrl) return pulumi.output(false);
    return pulumi.unsecret(secretValue(config, "alertSlackWebhookUrl").apply((url) => url.trim() !== "" && !/^<.*>$/.test(url.trim())));
}

export function launchFactsArgs(config: LaunchConfig): LaunchFactsArgs {
    const { images: _images, ...thresholds } = config.monitoring; // the facts carry what alerts are made of
    const format = (vendor: "fly" | "supabase" | "chatwoot", name: "flyApiToken" | "supabaseAccessToken" | "chatwootApiToken") =>
        pulumi.unsecret(secretValue(config, name).apply((t) => tokenFormat(vendor, t)));
    return {
        environment: config.environment,
        apps: { agentService: config.apps.agentService.name, llamaindexMcp: config.apps.llamaindexMcp.name, chatwoot: config.apps.chatwoot.name },
        launchWindow: config.launch ?? null,
        tokens: pulumi.all([format("fly", "flyApiToken"), format("supabase", "supabaseAccessToken"), format("chatwoot", "chatwootApiToken")])
            .apply(([fly, supabase, chatwoot]) => ({
                fly: { format: fly, expires: config.tokenExpiry.fly ?? "" },
                supabase: { format: supabase, expires: config.tokenExpiry.supabase ?? "" },
                chatwoot: { format: chatwoot, expires: "never" }, // Chatwoot access tokens do not expire
            })),
        monitoring: alertWebhookConfigured(config).apply((configured) => ({ ...thresholds, alertWebhookConfigured: configured })),
        webhooksEnabled: config.webhooks.enabled,
        waivers: config.waivers.map((w) => ({ ...w })),
    };
}
