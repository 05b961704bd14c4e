/**
 * `launch up | preview | destroy --stack S`: the Pulumi CLI when it is installed; without it, and only for the
 * sandbox, the in-process engine the tests use. For the sandbox it also makes sure the sandbox is there: the one
 * `npm run sandbox` keeps running, or a throwaway one for this run.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { rawFromStackFile, loadStackFile, stackFilePath } from "../components/config/load";
import { ENCRYPTED, type LaunchConfig } from "../components/config/types";
import { type Command, type CommandContext, requireStack, UsageError } from "./cli";
import { type EngineEvent, runProgram } from "./engine/engine";
import { emptyState, readStateFile, writeStateFile } from "./engine/state";
import { ensureSandbox } from "./sandboxControl";

/** The documented passphrase of sandbox stacks; real stacks need their own PULUMI_CONFIG_PASSPHRASE or Pulumi Cloud. */
export const SANDBOX_PASSPHRASE = "hotdash-sandbox";

type Mode = "up" | "preview" | "destroy";

/** `pulumi` on PATH, or undefined. */
export function findPulumi(env: NodeJS.ProcessEnv = process.env): string | undefined {
    for (const dir of (env["PATH"] ?? "").split(path.delimiter)) {
        const candidate = path.join(dir, "pulumi");
        try {
            fs.accessSync(candidate, fs.constants.X_OK);
            return candidate;
        } catch {
            // not here
        }
    }
    return undefined;
}

function stateFile(projectDir: string, stack: string): string {
    return path.join(projectDir, ".sandbox", "state", `${stack}.json`);
}

const SYMBOLS: Record<string, string> = { create: "+", update: "~", replace: "+-", delete: "-", refresh: "r", same: " ", read: ">" };

function describe(e: EngineEvent): string {
    const type = e.type.replace("pulumi-nodejs:dynamic/hotdash:", "hotdash:");
    return `  ${SYMBOLS[e.op] ?? "?"} ${e.op.padEnd(8)} ${type.padEnd(34)} ${e.name}`;
}

async function runWithCli(pulumi: string, ctx: CommandContext, config: LaunchConfig, mode: Mode, refresh: boolean): Promise<number> {
    const env: NodeJS.ProcessEnv = { ...process.env };
    if (config.environment === "sandbox") {
        env["PULUMI_BACKEND_URL"] ??= `file://${path.join(ctx.projectDir, ".pulumi-state")}`;
        env["PULUMI_CONFIG_PASSPHRASE"] ??= SANDBOX_PASSPHRASE;
        fs.mkdirSync(path.join(ctx.projectDir, ".pulumi-state"), { recursive: true });
    }
    const run = (args: string[]): Promise<number> => new Promise((resolve) => {
        const child = spawn(pulumi, args, { cwd: ctx.projectDir, env, stdio: "inherit" });
        child.on("exit", (code) => resolve(code ?? 1));
    });
    const selected = await run(["stack", "select", "--create", config.stack]);
    if (selected !== 0) return 2;
    const args = mode === "preview" ? ["preview", "--stack", config.stack] : [mode, "--stack", config.stack, "--yes"];
    if (refresh && mode !== "destroy") args.push("--refresh");
    const code = await run(args);
    return code === 0 ? 0 : 1;
}

async function runInProcess(ctx: CommandContext, config: LaunchConfig, mode: Mode, refresh: boolean, sandboxInstance: string): Promise<number> {
    const raw = rawFromStackFile(fs.readFileSync(stackFilePath(ctx.projectDir, config.stack), "utf8"));
    if (Object.values(raw.values).some((v) => v === ENCRYPTED)) {
        throw new UsageError(`Pulumi.${config.stack}.yaml holds encrypted secrets, which only the Pulumi CLI can decrypt; install it, or provide those secrets through their environment variables`);
    }
    const passphrase = process.env["PULUMI_CONFIG_PASSPHRASE"] ?? SANDBOX_PASSPHRASE;
    const file = stateFile(ctx.projectDir, config.stack);
    let state = readStateFile(file, config.stack, passphrase);
    if (state.tag !== sandboxInstance) {
        if (state.resources.length) ctx.out("The sandbox was restarted since the last run: starting from empty state.");
        state = { ...emptyState(config.stack), tag: sandboxInstance };
    }
    ctx.out(`Pulumi CLI not found: running the program in-process against the sandbox (the engine the tests use). State: ${path.relative(ctx.projectDir, file)}`);
    const result = await runProgram({
        projectDir: ctx.projectDir, stack: config.stack, config: raw.values, secretKeys: raw.secretKeys, state, mode, refresh,
        onEvent: (e) => { if (e.op !== "same") ctx.out(describe(e)); },
    });
    if (mode !== "preview") writeStateFile(file, result.state, passphrase);
    const counts = result.events.reduce<Record<string, number>>((acc, e) => ({ ...acc, [e.op]: (acc[e.op] ?? 0) + 1 }), {});
    ctx.out(`\nResources: ${Object.entries(counts).map(([op, n]) => `${n} ${op}`).join(", ") || "none"}`);
    if (mode !== "destroy") {
        ctx.out("Outputs:");
        for (const [k, v] of Object.entries(result.outputs)) ctx.out(`  ${k}: ${JSON.stringify(v)}`);
    }
    for (const e of result.errors) ctx.err(`error: ${e}`);
    return result.ok ? 0 : 1;
}

function stackCommand(mode: Mode, summary: string): Command {
    return {
        name: mode,
        summary,
        usage: `launch ${mode} --stack <stack>${mode === "destroy" ? "" : " [--refresh]"}`,
        options: ["stack"],
        flags: mode === "destroy" ? [] : ["refresh"],
        async run(ctx) {
            const stack = requireStack(ctx);
            const config = loadStackFile(ctx.projectDir, stack);
            const pulumi = findPulumi();
            if (!pulumi && config.environment !== "sandbox") {
                throw new UsageError(`stack ${stack} talks to real accounts, which needs the Pulumi CLI: install it (https://www.pulumi.com/docs/install/) and run again`);
            }
            const sandbox = config.environment === "sandbox" ? await ensureSandbox(config, ctx) : undefined;
            try {
                // a sandbox started for this run is empty: refresh, so the CLI's state forgets what is not there
                const refresh = ctx.options["refresh"] === true || sandbox?.startedNow === true;
                return pulumi
                    ? await runWithCli(pulumi, ctx, config, mode, refresh)
                    : await runInProcess(ctx, config, mode, refresh, sandbox!.instance);
            } finally {
                await sandbox?.stop();
            }
        },
    };
}

export const upCommand = stackCommand("up", "provision or converge the stack (pulumi up)");
export const previewCommand = stackCommand("preview", "show what up would change (pulumi preview)");
export const destroyCommand = stackCommand("destroy", "remove what the stack created; adopted apps stay");
