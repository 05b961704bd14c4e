/**
 * What `launch status` needs from the stack itself, through the Automation API: T-0 from the stack's update history,
 * and the secrets it reads the sources with (decrypted by the stack's own secrets provider, or taken from the
 * environment variable a secret's source names). Secret values are returned to the caller only, never printed.
 */
import { Stack, type UpdateSummary } from "@pulumi/pulumi/automation";
import type { LaunchConfig, SecretName } from "../../components/config/types";
import type { LocatedPulumi } from "../toolchain/locate";
import { stackSecrets } from "../stackSecrets";
import { type StackTarget, workspaceFor } from "../workspace";

/** The config key whose first successful update with `true` is T-0 (the stack output `webhooksEnabled` mirrors it). */
export const WEBHOOKS_KEY = "hotdash:webhooksEnabled";

/**
 * T-0: the end of the earliest successful `update` that ran with webhooks enabled, the moment Chatwoot began to
 * deliver. Undefined before launch.
 */
export function launchTime(history: readonly Pick<UpdateSummary, "kind" | "result" | "startTime" | "endTime" | "config">[]): Date | undefined {
    let first: Date | undefined;
    for (const u of history) {
        if (u.kind !== "update" || u.result !== "succeeded" || String(u.config?.[WEBHOOKS_KEY]?.value) !== "true") continue;
        const at = new Date(u.endTime ?? u.startTime);
        if (!first || at < first) first = at;
    }
    return first;
}

export interface StackFacts {
    readonly launchedAt?: Date;
    /** Secret values by name, for the sources only. */
    readonly secrets: Readonly<Partial<Record<SecretName, string>>>;
}

/** Reads T-0 and the named secrets; a secret that is not set is an error that says how to set it. */
export async function readStackFacts(config: LaunchConfig, target: StackTarget, pulumi: LocatedPulumi, names: readonly SecretName[],
    env: Readonly<Record<string, string | undefined>> = process.env): Promise<StackFacts> {
    const workspace = await workspaceFor(target, pulumi);
    let stack: Stack;
    try {
        stack = await Stack.select(target.stack, workspace);
    } catch {
        throw new Error(`stack ${target.stack} does not exist yet: run \`npx launch up --stack ${target.stack}\` first`);
    }
    const [history, secrets] = await Promise.all([stack.history(undefined, undefined, false), stackSecrets(stack, config, names, env)]);
    const launchedAt = launchTime(history);
    return { ...(launchedAt ? { launchedAt } : {}), secrets };
}
