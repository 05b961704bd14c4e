/**
 * The stack's secrets as launch's own commands need them (to probe, to post to Slack): each from where validation
 * found it, the stack's config (decrypted by the stack's secrets provider through the Automation API) or the
 * environment variable its source names. Values go to the caller only, never to output.
 */
import type { Stack } from "@pulumi/pulumi/automation";
import type { LaunchConfig, SecretName } from "../components/config/types";

/** The named secrets; one that is not set is an error with the command that sets it. */
export async function stackSecrets<N extends SecretName>(stack: Stack, config: LaunchConfig, names: readonly N[],
    env: Readonly<Record<string, string | undefined>> = process.env): Promise<Record<N, string>> {
    const values = await stack.getAllConfig();
    const secrets = {} as Record<N, string>;
    for (const name of names) {
        const source = config.secrets[name];
        const value = (source?.from === "env" ? env[source.variable] : source ? values[source.key]?.value : undefined)?.trim();
        if (!value) throw new Error(`the secret ${name} of stack ${config.stack} is not set: \`pulumi config set --secret hotdash:${name} <value> --stack ${config.stack}\``);
        secrets[name] = value;
    }
    return secrets;
}
