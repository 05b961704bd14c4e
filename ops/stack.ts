/**
 * `launch up | preview | refresh | destroy --stack S`: Pulumi's own engine through the Automation API, streaming
 * Pulumi's progress output. For the sandbox it also makes sure the sandbox is there: the one `npm run sandbox` keeps
 * running, or one started for this command (its state is on disk, so it remembers what earlier runs made).
 */
import * as path from "node:path";
import { loadStackFile } from "../components/config/load";
import { type Command, type CommandContext, requireStack } from "./cli";
import { cliStateAccess, upThroughRotation } from "./rotation";
import { ensureSandbox } from "./sandboxControl";
import { locatePulumi } from "./toolchain/locate";
import { projectTarget, RUN_OPTIONS, selectStack, withoutSummaries } from "./workspace";

type Mode = "up" | "preview" | "refresh" | "destroy";

/** Pulumi's output arrives in chunks; the command prints whole lines. */
export function lineWriter(out: (line: string) => void): { write(chunk: string): void; flush(): void } {
    let pending = "";
    return {
        write(chunk) {
            pending += chunk;
            const lines = pending.split("\n");
            pending = lines.pop() ?? "";
            for (const l of lines) out(l);
        },
        flush() {
            if (pending) out(pending);
            pending = "";
        },
    };
}

async function run(ctx: CommandContext, mode: Mode): Promise<number> {
    const stackName = requireStack(ctx);
    const config = loadStackFile(ctx.projectDir, stackName); // every config problem, each with its fix, before anything runs
    const sandboxed = config.environment === "sandbox";
    const pulumi = await locatePulumi({ onProgress: ctx.out });
    const sandbox = sandboxed ? await ensureSandbox(config, ctx) : undefined;
    const writer = lineWriter(ctx.out);
    try {
        const target = projectTarget(ctx.projectDir, stackName, sandboxed);
        const stack = withoutSummaries(await selectStack(target, pulumi));
        const opts = { ...RUN_OPTIONS, onOutput: (s: string) => writer.write(s) };
        const refresh = ctx.options["refresh"] === true;
        switch (mode) {
            case "up": {
                // a webhook rotation takes a second update to drop the old secret; a killed run is resumed here
                const generation = config.webhooks.enabled ? config.webhooks.rotation : undefined;
                const say = (l: string): void => { writer.flush(); ctx.out(l); };
                await upThroughRotation(async () => { await stack.up({ ...opts, refresh }); return { ok: true }; }, cliStateAccess(target, pulumi), generation, say);
                break;
            }
            case "preview": {
                const pack = ctx.options["policy-pack"];
                await stack.preview({ ...opts, refresh, diff: ctx.options["diff"] === true, ...(typeof pack === "string" ? { policyPacks: [path.resolve(ctx.projectDir, pack)] } : {}) });
                break;
            }
            case "refresh": await stack.refresh({ ...opts }); break;
            case "destroy": await stack.destroy({ ...opts }); break;
        }
        writer.flush();
        return 0;
    } catch (e) {
        writer.flush();
        // the CLI already printed what went wrong; the Automation API's error repeats the whole output
        const name = (e as Error).name;
        if (name === "CommandError" || name === "ConcurrentUpdateError") {
            ctx.err(`launch ${mode}: pulumi ${mode} failed (its output is above)`);
            return 1;
        }
        throw e;
    } finally {
        await sandbox?.stop();
    }
}

function stackCommand(mode: Mode, summary: string, flags: readonly string[], options: readonly string[] = []): Command {
    return {
        name: mode,
        summary,
        usage: `launch ${mode} --stack <stack>${options.map((o) => ` [--${o} <dir>]`).join("")}${flags.map((f) => ` [--${f}]`).join("")}`,
        options: ["stack", ...options],
        flags,
        run: (ctx) => run(ctx, mode),
    };
}

export const upCommand = stackCommand("up", "provision or converge the stack (pulumi up)", ["refresh"]);
export const previewCommand = stackCommand("preview", "show what up would change (pulumi preview); --policy-pack policies is the gate", ["refresh", "diff"], ["policy-pack"]);
export const refreshCommand = stackCommand("refresh", "read every resource back from its vendor (pulumi refresh)", []);
export const destroyCommand = stackCommand("destroy", "remove what the stack created; adopted apps stay", []);
