/** Where raw config comes from: the Pulumi runtime (inside the program) or a stack file (the `launch` command). */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import { passphraseDecrypter } from "./passphrase";
import { ENCRYPTED, type LaunchConfig, type RawConfig } from "./types";
import { NAMESPACE, validateConfig } from "./validate";

/** Whether a config key was set with --secret. The SDK exports this at run time but marks it internal in its types. */
function isConfigSecret(key: string): boolean {
    return (require("@pulumi/pulumi/runtime/config") as { isConfigSecret(k: string): boolean }).isConfigSecret(key);
}

/** Raw config of the running Pulumi program. */
export function rawFromPulumi(): RawConfig {
    const all = pulumi.runtime.allConfig();
    const values: Record<string, unknown> = {};
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries(all)) {
        if (!key.startsWith(`${NAMESPACE}:`)) continue;
        values[key] = value;
        if (isConfigSecret(key)) secretKeys.push(key);
    }
    return { values, secretKeys };
}

/** Validated config of the running Pulumi program. Throws a ConfigError naming every problem. */
export function loadFromPulumi(env: Readonly<Record<string, string | undefined>> = process.env): LaunchConfig {
    return validateConfig(rawFromPulumi(), { stack: pulumi.getStack(), env });
}

/**
 * Raw config of a `Pulumi.<stack>.yaml` text. Secure values are decrypted when the stack uses the passphrase
 * provider and `passphrase` is given; otherwise they stay encrypted: present, but unreadable here.
 */
export function rawFromStackFile(text: string, passphrase?: string): RawConfig {
    const doc = (parseYaml(text) ?? {}) as { config?: Record<string, unknown>; encryptionsalt?: string };
    const decrypt = passphrase !== undefined && doc.encryptionsalt ? passphraseDecrypter(doc.encryptionsalt, passphrase) : undefined;
    const values: Record<string, unknown> = {};
    const secretKeys: string[] = [];
    for (const [key, value] of Object.entries(doc.config ?? {})) {
        if (!key.startsWith(`${NAMESPACE}:`)) continue;
        if (value !== null && typeof value === "object" && "secure" in value) {
            values[key] = decrypt ? decrypt(String((value as { secure: unknown }).secure)) : ENCRYPTED;
            secretKeys.push(key);
        } else {
            values[key] = value;
        }
    }
    return { values, secretKeys };
}

/** The path of a stack's config file in the project directory. */
export function stackFilePath(projectDir: string, stack: string): string {
    return path.join(projectDir, `Pulumi.${stack}.yaml`);
}

/** Validated config of a stack file, read without the Pulumi engine. */
export function loadStackFile(projectDir: string, stack: string, env: Readonly<Record<string, string | undefined>> = process.env): LaunchConfig {
    const file = stackFilePath(projectDir, stack);
    if (!fs.existsSync(file)) {
        throw new Error(`No config for stack "${stack}": ${file} does not exist. Create it with \`pulumi stack init ${stack}\`.`);
    }
    return validateConfig(rawFromStackFile(fs.readFileSync(file, "utf8")), { stack, env });
}
