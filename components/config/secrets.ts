/**
 * Secret values for the program, from where validation found them: `pulumi config set --secret` or an environment
 * variable. Either way the value enters the program as a secret Output, so Pulumi encrypts it in state and masks it.
 */
import * as pulumi from "@pulumi/pulumi";
import type { LaunchConfig, SecretName } from "./types";

export function secretValue(config: LaunchConfig, name: SecretName): pulumi.Output<string> {
    const source = config.secrets[name];
    if (!source) throw new Error(`secret ${name} is not needed by this config, yet something asked for it`);
    if (source.from === "config") {
        const [namespace, key] = source.key.split(":") as [string, string];
        return new pulumi.Config(namespace).requireSecret(key);
    }
    return pulumi.secret(process.env[source.variable] ?? "");
}
