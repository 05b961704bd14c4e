/**
 * The one way `launch` and the tests reach Pulumi's engine: the Automation API's LocalWorkspace on a project
 * directory, run by the CLI `locatePulumi` found. A sandbox stack keeps its state in the project (`.pulumi-state/`,
 * a file backend) under the documented sandbox passphrase; a real stack uses whatever backend the user logged in to.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { LocalWorkspace, PulumiCommand, Stack, StackNotFoundError } from "@pulumi/pulumi/automation";
import { SANDBOX_PASSPHRASE } from "../sandbox/credentials";
import { type LocatedPulumi, pulumiEnv } from "./toolchain/locate";

const execFileAsync = promisify(execFile);

/** The passphrase of a stack's secrets, where launch knows it: PULUMI_CONFIG_PASSPHRASE, else the sandbox's own. */
export function stackPassphrase(sandbox: boolean, env: NodeJS.ProcessEnv = process.env): string | undefined {
    return env["PULUMI_CONFIG_PASSPHRASE"] || (sandbox ? SANDBOX_PASSPHRASE : undefined);
}

/** Where a sandbox stack's state lives, inside the project. */
export function sandboxBackendDir(projectDir: string): string {
    return path.join(projectDir, ".pulumi-state");
}

export interface StackTarget {
    /** Directory with Pulumi.yaml and the stack's `Pulumi.<stack>.yaml`. */
    readonly workDir: string;
    readonly stack: string;
    /** `file://…` for a local backend; undefined uses the user's login (or PULUMI_BACKEND_URL). */
    readonly backendUrl?: string;
    /** Passphrase for the passphrase secrets provider; undefined leaves PULUMI_CONFIG_PASSPHRASE as it is. */
    readonly passphrase?: string;
    /** More environment for the CLI and the program (the tests' retry scale, for instance). */
    readonly env?: Readonly<Record<string, string>>;
}

/** The target of a project's own stack: sandbox stacks on the project's file backend. */
export function projectTarget(projectDir: string, stack: string, sandbox: boolean): StackTarget {
    if (!sandbox) return { workDir: projectDir, stack };
    const dir = sandboxBackendDir(projectDir);
    fs.mkdirSync(dir, { recursive: true });
    return {
        workDir: projectDir,
        stack,
        backendUrl: `file://${dir}`,
        passphrase: stackPassphrase(true),
    };
}

/** Every variable the CLI runs with, on top of the process's own. */
export function stackEnv(target: StackTarget, pulumi: LocatedPulumi): Record<string, string> {
    return {
        ...pulumiEnv(pulumi),
        ...(target.backendUrl ? { PULUMI_BACKEND_URL: target.backendUrl } : {}),
        ...(target.passphrase !== undefined ? { PULUMI_CONFIG_PASSPHRASE: target.passphrase } : {}),
        ...target.env,
    };
}

/** One `pulumi version` per CLI and process: PulumiCommand.get runs it every time, a quarter of a second each. */
const commands = new Map<string, Promise<PulumiCommand>>();

export async function workspaceFor(target: StackTarget, pulumi: LocatedPulumi): Promise<LocalWorkspace> {
    let pulumiCommand = commands.get(pulumi.pulumi);
    if (!pulumiCommand) {
        pulumiCommand = PulumiCommand.get({ root: path.dirname(path.dirname(pulumi.pulumi)), skipVersionCheck: true });
        pulumiCommand.catch(() => commands.delete(pulumi.pulumi));
        commands.set(pulumi.pulumi, pulumiCommand);
    }
    const workspace = await LocalWorkspace.create({ workDir: target.workDir, pulumiCommand: await pulumiCommand, envVars: stackEnv(target, pulumi) });
    // Stack outputs as `pulumi stack output` shows them, secret ones "[secret]": launch never needs a secret output's
    // value, and the Automation API's own reading (after every up, too) ran the CLI twice, once decrypting everything
    workspace.stackOutputs = async (stackName) => {
        const stdout = await stackCli({ ...target, stack: stackName }, pulumi)(["stack", "output", "--json"]);
        return Object.fromEntries(Object.entries(JSON.parse(stdout) as Record<string, unknown>).map(([k, value]) => [k, { value, secret: value === "[secret]" }]));
    };
    return workspace;
}

/**
 * The CLI on the target's stack, for what the Automation API does not cover the way launch needs it (the checkpoint
 * as stored, import, cancel, masked outputs): runs `pulumi <args> --stack <stack>` and returns what it printed.
 */
export function stackCli(target: StackTarget, pulumi: LocatedPulumi): (args: readonly string[]) => Promise<string> {
    const env = { ...process.env, ...stackEnv(target, pulumi) };
    return async (args) => (await execFileAsync(pulumi.pulumi, [...args, "--stack", target.stack], { cwd: target.workDir, env, maxBuffer: 256 * 1024 * 1024 })).stdout;
}

/** Selects the stack, creating it when it does not exist yet (a new sandbox stack, say). */
export async function selectStack(target: StackTarget, pulumi: LocatedPulumi): Promise<Stack> {
    return (await openStack(target, pulumi)).stack;
}

/** The stack, and whether this call created it (a new stack has no earlier update to recover from). */
export async function openStack(target: StackTarget, pulumi: LocatedPulumi): Promise<{ readonly stack: Stack; readonly created: boolean }> {
    const workspace = await workspaceFor(target, pulumi);
    try {
        return { stack: await Stack.select(target.stack, workspace), created: false };
    } catch (e) {
        if (!(e instanceof StackNotFoundError)) throw e;
        return { stack: await Stack.create(target.stack, workspace), created: true };
    }
}

/**
 * What every update, refresh and destroy of launch's runs with: plain output, and the summary the Automation API reads
 * back afterwards without secrets (launch never shows them; decrypting them costs the passphrase's key derivation).
 */
export const RUN_OPTIONS = { color: "never", showSecrets: false } as const;
