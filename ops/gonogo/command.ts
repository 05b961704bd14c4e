/**
 * `launch go-no-go --stack S [--approver NAME] [--send-test-message] [--confirm item,item] [--markdown F] [--json F]
 * [--junit F] [--html F] [--no-post]`: one verdict, GO or NO-GO, as a table on the terminal and in the formats asked
 * for (`-` writes one to stdout); the decision is kept with the stack's history and posted to Slack. Exit 0 GO,
 * 1 NO-GO, 2 an error.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { loadStackFile } from "../../components/config/load";
import { READINESS_KEYS, type ReadinessKey } from "../../components/config/types";
import { redactor } from "../../policies/framework/redact";
import { type Command, type CommandContext, requireStack, UsageError } from "../cli";
import { ensureSandbox } from "../sandboxControl";
import { projectTarget } from "../workspace";
import { decisionsDir, postDecision, recordDecision } from "./decision";
import { type GoNoGoFormat, renderGoNoGo } from "./render";
import { runGoNoGo } from "./run";

function confirmations(v: unknown): ReadinessKey[] {
    if (typeof v !== "string" || !v) return [];
    const keys = v.split(",").map((s) => s.trim()).filter(Boolean);
    const bad = keys.filter((k) => !(READINESS_KEYS as readonly string[]).includes(k));
    if (bad.length) throw new UsageError(`--confirm: unknown item ${bad.join(", ")}; the items are ${READINESS_KEYS.join(", ")}`);
    return keys as ReadinessKey[];
}

export const goNoGoCommand: Command = {
    name: "go-no-go",
    summary: "the launch verdict, GO or NO-GO, with evidence for every checklist item (exit 1 on NO-GO)",
    usage: "launch go-no-go --stack <stack> [--approver NAME] [--send-test-message] [--confirm item,...] [--markdown F] [--json F] [--junit F] [--html F] [--no-post]",
    options: ["stack", "approver", "confirm", "markdown", "json", "junit", "html"],
    flags: ["send-test-message", "no-post"],
    async run(ctx: CommandContext) {
        const stack = requireStack(ctx);
        const confirm = confirmations(ctx.options["confirm"]);
        let sandboxed = false;
        let handle: { stop(): Promise<void> } | undefined;
        try {
            const cfg = loadStackFile(ctx.projectDir, stack);
            sandboxed = cfg.environment === "sandbox";
            if (sandboxed) handle = await ensureSandbox(cfg, ctx);
        } catch {
            // an invalid config is the go/no-go's first finding, not an error of the command
        }
        try {
            const approver = ctx.options["approver"];
            const run = await runGoNoGo({
                projectDir: ctx.projectDir, stack, confirm,
                ...(typeof approver === "string" ? { approver } : {}),
                sendTestMessage: ctx.options["send-test-message"] === true,
            });
            const { report, secrets } = run;
            const formats = ["markdown", "json", "junit", "html"] as const;
            const toStdout = formats.some((f) => ctx.options[f] === "-");
            const say = toStdout ? ctx.err : ctx.out;
            for (const line of renderGoNoGo(report, "table", secrets).trimEnd().split("\n")) say(line);
            for (const format of formats) {
                const dest = ctx.options[format];
                if (typeof dest !== "string" || !dest) continue;
                const text = renderGoNoGo(report, format as GoNoGoFormat, secrets);
                if (dest === "-") { process.stdout.write(text); continue; }
                const file = path.resolve(ctx.projectDir, dest);
                fs.mkdirSync(path.dirname(file), { recursive: true });
                fs.writeFileSync(file, text);
                say(`wrote ${format} report: ${path.relative(ctx.projectDir, file)}`);
            }
            const target = projectTarget(ctx.projectDir, stack, sandboxed);
            const kept = recordDecision(report, secrets, decisionsDir(target, ctx.projectDir));
            say(`decision kept with the stack's history: ${path.relative(ctx.projectDir, kept)}`);
            const slack = run.secret?.("alertSlackWebhookUrl");
            if (ctx.options["no-post"] !== true && slack) {
                try {
                    await postDecision(report, secrets, slack);
                    say(`decision posted to Slack (${run.config?.monitoring.alertChannel ?? ""})`);
                } catch (e) {
                    say(redactor(secrets)(`could not post the decision to Slack: ${(e as Error).message}`));
                }
            }
            return report.passed ? 0 : 1;
        } finally {
            await handle?.stop();
        }
    },
};
