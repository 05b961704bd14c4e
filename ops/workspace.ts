/**
 * The one way `launch` and the tests reach Pulumi's engine: the Automation API's LocalWorkspace on a project
 * directory, run by the CLI `locatePulumi` found. A sandbox stack keeps its state in the project (`.pulumi-state/`,
 * a file backend) under the documented sandbox passphrase; a real stack uses whatever backend the user logged in to.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { LocalWorkspace, PulumiCommand, Stack, StackAlreadyExistsError, StackNotFoundError } from "@pulumi/pulumi/automation";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { SANDBOX_PASSPHRASE } from "../sandbox/credentials";
import { readCheckpoint, stackMissing } from "./fileBackend";
import { automationSemVer, type LocatedPulumi, pulumiEnv } from "./toolchain/locate";

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

/**
 * The CLI `locatePulumi` found, as the Automation API runs it. Its version is known already: PulumiCommand.get would
 * run `pulumi version` again, a quarter of a second of every command. (The constructor is private in the typings
 * only; test/ops/workspace.test.ts checks it gives what PulumiCommand.get gives.)
 */
export function pulumiCommand(pulumi: LocatedPulumi): PulumiCommand {
    const construct = PulumiCommand as unknown as new (command: string, version: ReturnType<typeof automationSemVer>) => PulumiCommand;
    return new construct(pulumi.pulumi, automationSemVer(pulumi.version));
}

/** The stack's checkpoint as stored (secrets stay encrypted): a file backend's file, else `pulumi stack export`. */
export async function readStackCheckpoint(target: StackTarget, pulumi: LocatedPulumi): Promise<unknown> {
    return readCheckpoint(target) ?? JSON.parse(await stackCli(target, pulumi)(["stack", "export"])) as unknown;
}

/** The stack outputs in a checkpoint as `pulumi stack output --json` prints them: each secret, at any depth, "[secret]". */
export function maskedOutputs(checkpoint: unknown): Record<string, unknown> {
    const resources = (checkpoint as { deployment?: { resources?: readonly { type: string; outputs?: Record<string, unknown> }[] } }).deployment?.resources ?? [];
    const mask = (v: unknown): unknown => {
        if (Array.isArray(v)) return v.map(mask);
        if (v === null || typeof v !== "object") return v;
        if ((v as Record<string, unknown>)[specialSigKey] === specialSecretSig) return "[secret]";
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mask(x)]));
    };
    return mask(resources.find((r) => r.type === "pulumi:pulumi:Stack")?.outputs ?? {}) as Record<string, unknown>;
}

export async function workspaceFor(target: StackTarget, pulumi: LocatedPulumi): Promise<LocalWorkspace> {
    const workspace = await LocalWorkspace.create({ workDir: target.workDir, pulumiCommand: pulumiCommand(pulumi), envVars: stackEnv(target, pulumi) });
    // Stack outputs as `pulumi stack output` shows them, secret ones "[secret]" (launch never needs a secret output's
    // value), from the checkpoint: the Automation API's own reading, after every up too, ran the CLI twice, decrypting
    // everything, and a file backend's checkpoint is a file read
    workspace.stackOutputs = async (stackName) => {
        const checkpoint = await readStackCheckpoint({ ...target, stack: stackName }, pulumi);
        return Object.fromEntries(Object.entries(maskedOutputs(checkpoint)).map(([k, value]) => [k, { value, secret: value === "[secret]" }]));
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
    const workspace = await workspaceFor(target, pulumi);
    // a file backend shows a new stack's absence, which spares the `stack select` that would fail (a quarter of a second)
    if (stackMissing(target)) {
        try {
            return await Stack.create(target.stack, workspace);
        } catch (e) {
            if (!(e instanceof StackAlreadyExistsError)) throw e;
        }
    }
    try {
        return await Stack.select(target.stack, workspace);
    } catch (e) {
        if (!(e instanceof StackNotFoundError)) throw e;
        return Stack.create(target.stack, workspace);
    }
}

/**
 * The stack, its up, refresh and destroy not reading an update's summary back: the Automation API runs `pulumi stack
 * history` after each for it (a quarter of a second), where launch prints Pulumi's own output instead. Their results
 * carry no summary; `history()` still reads the CLI's.
 */
export function withoutSummaries(stack: Stack): Stack {
    stack.info = () => Promise.resolve(undefined);
    return stack;
}

/**
 * What every update, refresh and destroy of launch's runs with: plain output, and the summary the Automation API reads
 * back afterwards without secrets (launch never shows them; decrypting them costs the passphrase's key derivation).
 */
export const RUN_OPTIONS = { color: "never", showSecrets: false } as const;
