/**
 * The arguments of the LaunchFacts resource from the validated config: what the policy pack checks that no vendor
 * resource carries. Token values are read (as secrets) only to classify their format and read a Fly token's expiry;
 * only the class and the day leave.
 */
import * as pulumi from "@pulumi/pulumi";
import { flyTokenExpires, type LaunchFactsArgs, tokenFormat } from "../providers/launchFacts";
import { secretValue } from "./config/secrets";
import type { LaunchConfig } from "./config/types";

/** The Fly token's expiry from its macaroons (only the day leaves the secret). */
function flyExpires(config: LaunchConfig): pulumi.Output<string> {
    return pulumi.unsecret(secretValue(config, "flyApiToken").apply(flyTokenExpires));
}

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
        // a Fly macaroon states its own validity window: read it rather than trust a date typed into config
        tokens: pulumi.all([format("fly", "flyApiToken"), format("supabase", "supabaseAccessToken"), format("chatwoot", "chatwootApiToken"), flyExpires(config)])
            .apply(([fly, supabase, chatwoot, flyExpiry]) => ({
                fly: { format: fly, expires: flyExpiry },
                supabase: { format: supabase, expires: config.tokenExpiry.supabase ?? "" },
                chatwoot: { format: chatwoot, expires: "never" }, // Chatwoot access tokens have no expiry
            })),
        monitoring: alertWebhookConfigured(config).apply((configured) => ({ ...thresholds, alertWebhookConfigured: configured })),
        webhooksEnabled: config.webhooks.enabled,
        waivers: config.waivers.map((w) => ({ ...w })),
    };
}
