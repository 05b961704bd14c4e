/**
 * `launch rollback --stack S [--app A] [--to DIGEST] [--reason TEXT] [--dry-run]`: the checklist's rollback procedure
 * as one command. Webhooks off first, as an update of its own (no new drafts while the apps roll back); then the
 * previous digest of each chosen app through the same health-gated rolling deploy (`pulumi up`, config changed as
 * `pulumi config set` would, so the stack file says what runs); then every service checked healthy, the checklist's
 * Slack message with the digests, and the rollback recorded as the update's message in the stack's history. The
 * database is never rolled back: it prints the restore command for the pre-launch dump.
 *
 * If an update fails, the stack file is put back as it was before that update (so it names what the last successful
 * update applied) and the command says what ran, what did not, and what to run.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { type OutputMap, Stack, type UpdateSummary } from "@pulumi/pulumi/automation";
import { APPS } from "../components/catalog";
import { loadStackFile } from "../components/config/load";
import type { LaunchConfig } from "../components/config/types";
import { FlyMachinesApi, flyHttp } from "../providers/fly/client";
import { imageDigest } from "../providers/fly/machineConfig";
import { machinesOfGroup } from "../providers/fly/rollout";
import { HttpClient } from "../providers/http";
import { type Command, type CommandContext, requireStack } from "./cli";
import {
    type AppRollback, describePlan, type GroupImages, historyEntries, planRollback, restoreInstructions, RollbackError,
    rollbackMessage, type RollbackPlan, type RollbackRecord, slackText,
} from "./rollbackPlan";
import { ensureSandbox } from "./sandboxControl";
import { postToSlack } from "./slack";
import { stackSecrets } from "./stackSecrets";
import { lineWriter } from "./stack";
import { locatePulumi, type LocatedPulumi } from "./toolchain/locate";
import { projectTarget, RUN_OPTIONS, type StackTarget, workspaceFor } from "./workspace";

export interface RollbackOptions {
    readonly app?: string;
    readonly to?: string;
    readonly reason?: string;
    readonly dryRun?: boolean;
}

interface Io {
    readonly out: (line: string) => void;
    readonly err: (line: string) => void;
}

/** The stack's `images` output: per app, per process group. */
function runningImages(outputs: Record<string, { value: unknown }>): Record<string, Record<string, GroupImages>> {
    const images = outputs["images"]?.value;
    return images !== null && typeof images === "object" ? images as Record<string, Record<string, GroupImages>> : {};
}

/**
 * Runs `pulumi up` with the stack file put back as it was if the update fails. Resolves to the stack's outputs after
 * the update, or undefined when it failed.
 */
async function upOrRestore(stack: Stack, stackFile: string, message: string, change: () => Promise<void>, io: Io): Promise<OutputMap | undefined> {
    const before = fs.readFileSync(stackFile, "utf8");
    const writer = lineWriter(io.out);
    try {
        await change();
        const { outputs } = await stack.up({ ...RUN_OPTIONS, message, onOutput: (s) => writer.write(s) });
        writer.flush();
        return outputs;
    } catch (e) {
        writer.flush();
        fs.writeFileSync(stackFile, before);
        const name = (e as Error).name;
        if (name !== "CommandError" && name !== "ConcurrentUpdateError") io.err(`launch rollback: ${(e as Error).message}`);
        return undefined;
    }
}

/** Problems with the services after the rollback: machines not started, checks not passing, a wrong digest, /health. */
export async function serviceProblems(config: LaunchConfig, fly: FlyMachinesApi, expected: Readonly<Record<string, Readonly<Record<string, string>>>>): Promise<string[]> {
    const problems: string[] = [];
    for (const app of Object.values(config.apps)) {
        const machines = await fly.listMachines(app.name); // one listing per app: Fly limits listings per app
        for (const [group, digest] of Object.entries(expected[app.name] ?? {})) {
            for (const m of machinesOfGroup(machines, group)) {
                const failing = (m.checks ?? []).filter((c) => c.status !== "passing").map((c) => `${c.name} ${c.status}`);
                const runs = imageDigest(m.config.image);
                if (m.state !== "started") problems.push(`${app.name}: machine ${m.id} (${group}) is ${m.state}`);
                else if (failing.length) problems.push(`${app.name}: machine ${m.id} (${group}) has checks not passing: ${failing.join(", ")}`);
                if (runs !== digest) problems.push(`${app.name}: machine ${m.id} (${group}) runs ${runs}, not ${digest}`);
            }
        }
        const url = new URL(`${app.publicUrl}${APPS[app.key].healthPath}`);
        const failure = await new HttpClient({ vendor: `${app.name} at ${url.origin}`, baseUrl: url.origin, retry: { attempts: 3 }, timeoutMs: 10000 })
            .send({ method: "GET", path: url.pathname })
            .then(() => undefined, (e: Error) => e.message);
        if (failure) problems.push(failure);
    }
    return problems;
}

/**
 * The rollback on a stack target. `config` is the stack's validated config (from its stack file). Resolves to the
 * exit code: 0 done or nothing to do, 1 an update, the health check or the Slack post failed.
 */
export async function rollback(target: StackTarget, config: LaunchConfig, options: RollbackOptions, io: Io, pulumi: LocatedPulumi): Promise<number> {
    const stack = await Stack.select(target.stack, await workspaceFor(target, pulumi));
    const outputs = await stack.outputs();
    const apps = Object.values(config.apps).map((a) => ({ key: a.key, name: a.name, image: a.image }));
    const history = historyEntries(await stack.history() as readonly UpdateSummary[], apps);
    const plan: RollbackPlan = planRollback({
        stack: target.stack, apps, running: runningImages(outputs), history, webhooksEnabled: config.webhooks.enabled,
    }, { ...(options.app !== undefined ? { app: options.app } : {}), ...(options.to !== undefined ? { to: options.to } : {}) });
    const dump = (outputs["backups"]?.value as { preLaunchDump?: string } | undefined)?.preLaunchDump;

    if (!plan.steps.length) {
        io.out(`Nothing to roll back on stack ${target.stack}:`);
        for (const l of describePlan(plan)) io.out(l);
        return 0;
    }
    io.out(`Rollback plan for stack ${target.stack}:`);
    for (const l of describePlan(plan)) io.out(l);
    if (options.dryRun) {
        for (const l of restoreInstructions(dump)) io.out(l);
        io.out("Dry run: nothing was changed.");
        return 0;
    }

    const stackFile = path.join(target.workDir, `Pulumi.${target.stack}.yaml`);
    const record: RollbackRecord = {
        apps: Object.fromEntries(plan.steps.map((s) => [s.app, { from: s.from, to: s.to }])),
        ...(options.reason ? { reason: options.reason } : {}),
        at: new Date().toISOString(),
    };
    const rerun = `launch rollback --stack ${target.stack}${options.app ? ` --app ${options.app}` : ""}${options.to ? ` --to ${options.to}` : ""}`;

    if (plan.disableWebhooks) {
        io.out("Turning webhooks off (no new drafts) ...");
        const off = await upOrRestore(stack, stackFile, "launch rollback: webhooks off before the redeploy",
            () => stack.setConfig("hotdash:webhooksEnabled", { value: "false" }), io);
        if (!off) {
            io.err(`launch rollback: turning webhooks off failed (pulumi's output is above); no app was redeployed and ${path.basename(stackFile)} is as it was. Fix the cause, then run \`${rerun}\` again.`);
            return 1;
        }
    }
    io.out(`Redeploying ${plan.steps.map((s) => `${s.app} on ${s.to}`).join(", ")} ...`);
    const redeployed = await upOrRestore(stack, stackFile, rollbackMessage(record), async () => {
        for (const s of plan.steps) await stack.setConfig(`hotdash:apps.${s.key}.image`, { value: s.image }, true);
    }, io);
    if (!redeployed) {
        io.err(`launch rollback: the redeploy failed (pulumi's output is above). Webhooks are off. ${path.basename(stackFile)} is back on the images the last successful update applied; ` +
            `machines the deploy had already rolled back stay on the previous image until the next update. Fix the cause, then run \`${rerun}\` again ` +
            `(\`launch up\` would roll them forward to the images the stack file names).`);
        return 1;
    }

    const after = runningImages(redeployed);
    const expected = Object.fromEntries(Object.entries(after).map(([app, groups]) => [app, Object.fromEntries(Object.entries(groups).map(([g, i]) => [g, i.currentImage]))]));
    for (const s of plan.steps) for (const g of Object.keys(expected[s.app] ?? {})) expected[s.app]![g] = s.to;
    const fly = new FlyMachinesApi(flyHttp({ apiUrl: config.fly.apiUrl, token: (await stackSecrets(stack, config, ["flyApiToken"])).flyApiToken }));
    const problems = await serviceProblems(config, fly, expected);
    if (problems.length) {
        io.err(`launch rollback: the redeploy finished, but not every service is healthy:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
        io.err("Webhooks are off. Nothing was posted to Slack; investigate before announcing the rollback.");
        return 1;
    }
    io.out(`Every service is healthy: ${Object.values(config.apps).map((a) => a.name).join(", ")}.`);

    const text = slackText(target.stack, plan.steps, options.reason);
    try {
        await postToSlack((await stackSecrets(stack, config, ["alertSlackWebhookUrl"])).alertSlackWebhookUrl, text);
        io.out(`Posted to Slack: ${text.split("\n")[0]}`);
    } catch (e) {
        io.err(`launch rollback: the rollback is done, but posting to Slack failed: ${(e as Error).message}\nPost this to the team's channel by hand:\n${text}`);
        for (const l of restoreInstructions(dump)) io.out(l);
        return 1;
    }
    io.out(`Recorded in the stack's history (\`pulumi stack history --stack ${target.stack}\`): ${summarize(plan.steps)}.`);
    for (const l of restoreInstructions(dump)) io.out(l);
    return 0;
}

function summarize(steps: readonly AppRollback[]): string {
    return steps.map((s) => `${s.app} ${s.from} -> ${s.to}`).join("; ");
}

async function run(ctx: CommandContext): Promise<number> {
    const stackName = requireStack(ctx);
    const config = loadStackFile(ctx.projectDir, stackName); // every config problem, each with its fix, before anything runs
    const sandboxed = config.environment === "sandbox";
    const str = (k: string): string | undefined => (typeof ctx.options[k] === "string" ? ctx.options[k] as string : undefined);
    const pulumi = await locatePulumi({ onProgress: ctx.out });
    const sandbox = sandboxed ? await ensureSandbox(config, ctx) : undefined;
    try {
        const options: RollbackOptions = {
            ...(str("app") !== undefined ? { app: str("app")! } : {}),
            ...(str("to") !== undefined ? { to: str("to")! } : {}),
            ...(str("reason") !== undefined ? { reason: str("reason")! } : {}),
            dryRun: ctx.options["dry-run"] === true,
        };
        return await rollback(projectTarget(ctx.projectDir, stackName, sandboxed), config, options, ctx, pulumi);
    } catch (e) {
        if (e instanceof RollbackError) {
            ctx.err(`launch rollback: ${e.message}`);
            return 2;
        }
        throw e;
    } finally {
        await sandbox?.stop();
    }
}

export const rollbackCommand: Command = {
    name: "rollback",
    summary: "webhooks off, redeploy each app's previous digest, verify, tell Slack, record it",
    usage: "launch rollback --stack <stack> [--app <app>] [--to <digest>] [--reason <text>] [--dry-run]",
    options: ["stack", "app", "to", "reason"],
    flags: ["dry-run"],
    run,
};
