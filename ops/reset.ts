/**
 * `launch reset --stack sandbox`: empties the sandbox and forgets the sandbox stack together, so the two never
 * disagree (a stack that remembers machines an empty sandbox never had would report "unchanged" and be wrong). A
 * running sandbox (`npm run sandbox`) is emptied in place; otherwise its state file is removed.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { loadStackFile } from "../components/config/load";
import { SANDBOX_STATE_FILE } from "../sandbox";
import { type Command, requireStack, UsageError } from "./cli";
import { sandboxInstance } from "./sandboxControl";
import { locatePulumi } from "./toolchain/locate";
import { projectTarget, workspaceFor } from "./workspace";

export const resetCommand: Command = {
    name: "reset",
    summary: "empty the sandbox and forget the sandbox stack's state, together",
    usage: "launch reset --stack sandbox",
    options: ["stack"],
    async run(ctx) {
        const stack = requireStack(ctx);
        const config = loadStackFile(ctx.projectDir, stack);
        if (config.environment !== "sandbox") {
            throw new UsageError(`stack ${stack} is not a sandbox stack: reset only empties the local sandbox (for a real stack, \`pulumi destroy --stack ${stack}\`)`);
        }
        if (await sandboxInstance(config.fly.apiUrl)) {
            const { request } = await import("undici");
            const res = await request(`${new URL(config.fly.apiUrl).origin}/__sandbox/reset`, { method: "POST" });
            await res.body.dump();
            ctx.out("Emptied the running sandbox.");
        } else {
            fs.rmSync(path.join(ctx.projectDir, SANDBOX_STATE_FILE), { force: true });
            ctx.out(`Removed the sandbox's state (${SANDBOX_STATE_FILE}).`);
        }
        const workspace = await workspaceFor(projectTarget(ctx.projectDir, stack, true), await locatePulumi({ onProgress: ctx.out }));
        if ((await workspace.listStacks()).some((s) => s.name === stack)) {
            // force: the resources are gone with the sandbox; keep Pulumi.<stack>.yaml, which is the project's
            await workspace.removeStack(stack, { force: true, preserveConfig: true });
            ctx.out(`Removed stack ${stack} from ${path.relative(ctx.projectDir, path.join(ctx.projectDir, ".pulumi-state")) || "."}.`);
        }
        return 0;
    },
};
