/**
 * `launch rotation --stack S`: the phase the webhook secret rotation is in, read from the stack's checkpoint (no
 * vendor call, no secret), and what finishes it. Exit 0 when no rotation is under way, 1 while one is unfinished.
 */
import { loadStackFile } from "../components/config/load";
import { type Command, requireStack } from "./cli";
import { cliStateAccess, describeRotation, rotationStatus, rotationUnfinished } from "./rotation";
import { locatePulumi } from "./toolchain/locate";
import { projectTarget, selectStack } from "./workspace";

export const rotationCommand: Command = {
    name: "rotation",
    summary: "the phase of the webhook secret rotation (bump hotdash:webhookRotation, then launch up)",
    usage: "launch rotation --stack <stack>",
    options: ["stack"],
    async run(ctx) {
        const stackName = requireStack(ctx);
        const config = loadStackFile(ctx.projectDir, stackName);
        const target = projectTarget(ctx.projectDir, stackName, config.environment === "sandbox");
        const pulumi = await locatePulumi({ onProgress: ctx.out });
        await selectStack(target, pulumi);
        const status = rotationStatus(await cliStateAccess(target, pulumi).exportCheckpoint(), config.webhooks.enabled ? config.webhooks.rotation : undefined);
        ctx.out(describeRotation(status));
        if (!rotationUnfinished(status)) return 0;
        ctx.out(`to finish it: \`npx launch up --stack ${stackName}\` (it resumes an interrupted run and runs up until the old secret is dropped)`);
        return 1;
    },
};
