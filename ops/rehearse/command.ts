/**
 * `launch rehearse --stack sandbox`: the whole launch on a fresh sandbox of its own (the project's sandbox stack and
 * the running `npm run sandbox` are left alone), with a report of each step's time and evidence in
 * `.launch/rehearsals/<time>/` (Markdown and JSON, and Pulumi's full output). Exit 0 only if every step held.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { type Command, type CommandContext, requireStack, UsageError } from "../cli";
import { locatePulumi } from "../toolchain/locate";
import { rehearse } from "./rehearse";
import { renderRehearsalMarkdown } from "./steps";

export const rehearseCommand: Command = {
    name: "rehearse",
    summary: "the whole launch day on a fresh sandbox, every step timed with its evidence (exit 0 only if all held)",
    usage: "launch rehearse --stack sandbox",
    options: ["stack"],
    async run(ctx: CommandContext) {
        const stack = requireStack(ctx);
        if (stack !== "sandbox") throw new UsageError(`a rehearsal runs on a fresh sandbox only, not on stack "${stack}": run \`npx launch rehearse --stack sandbox\``);
        const pulumi = await locatePulumi({ onProgress: ctx.out });
        const reportDir = path.join(ctx.projectDir, ".launch", "rehearsals", new Date().toISOString().replace(/[:.]/g, "-"));
        ctx.out("Rehearsing the launch on a fresh sandbox (Pulumi's output goes to the report directory):");
        const report = await rehearse({ projectDir: ctx.projectDir, pulumi, out: ctx.out, reportDir });
        fs.writeFileSync(path.join(reportDir, "rehearsal.md"), renderRehearsalMarkdown(report));
        fs.writeFileSync(path.join(reportDir, "rehearsal.json"), `${JSON.stringify(report, null, 2)}\n`);
        const held = report.steps.filter((s) => s.status === "held").length;
        ctx.out(`${report.ok ? "Every step held" : "The rehearsal FAILED"}: ${held} of ${report.steps.length} steps in ${(report.wallMs / 1000).toFixed(0)} s. Report: ${path.relative(ctx.projectDir, reportDir)}/rehearsal.md`);
        return report.ok ? 0 : 1;
    },
};
