/**
 * The decision as the checklist's "Launch Decision" block wants it (date, time, verdict, authorized by), with a
 * digest of the evidence, kept with the stack's history (beside the state of a file backend, else in the project's
 * `.launch/`) and posted to the team's Slack. Everything written or posted is redacted first.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { redactor } from "../../policies/framework/redact";
import { isBlocker, type ReportItem } from "../report/model";
import type { StackTarget } from "../workspace";
import { postToSlack } from "../slack";
import type { GoNoGoReport } from "./report";

/** sha256 over the items as JSON, in report order. */
export function evidenceDigest(items: readonly ReportItem[]): string {
    return `sha256:${createHash("sha256").update(JSON.stringify(items)).digest("hex")}`;
}

/** Where a stack's go/no-go decisions are kept. */
export function decisionsDir(target: StackTarget, projectDir: string): string {
    const base = target.backendUrl?.startsWith("file://") ? target.backendUrl.slice("file://".length) : projectDir;
    return path.join(base, ".launch", "go-no-go", target.stack);
}

/** Writes the decision with its whole report; returns the file. `decisions.jsonl` lists every decision in order. */
export function recordDecision(report: GoNoGoReport, secrets: readonly string[], dir: string): string {
    const redact = redactor(secrets);
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${report.generatedAt.replace(/[:.]/g, "-")}.json`);
    fs.writeFileSync(file, redact(`${JSON.stringify(report, null, 2)}\n`));
    const d = report.decision;
    fs.appendFileSync(path.join(dir, "decisions.jsonl"), redact(`${JSON.stringify({ stack: report.stack, ...d, blockers: report.blockers, report: path.basename(file) })}\n`));
    return file;
}

/** The Slack message: the decision block, then each blocker with its fix. */
export function slackText(report: GoNoGoReport): string {
    const d = report.decision;
    const lines = [
        `${d.verdict === "GO" ? ":white_check_mark:" : ":no_entry:"} *HotDash go/no-go (${report.stack}): ${d.verdict}*`,
        `Date: ${d.date}  Time: ${d.time}  Authorized by: ${d.authorizedBy}`,
        `Evidence: ${report.counts.pass} pass, ${report.counts.fail} fail, ${report.counts.unknown} unknown/manual, ${report.counts["n/a"]} n/a; digest ${d.evidenceDigest.slice(0, 19)}…`,
    ];
    const blockers = report.items.filter(isBlocker);
    for (const i of blockers.slice(0, 15)) lines.push(`• ${i.id} ${i.message}${i.fix ? ` — fix: \`${i.fix}\`` : ""}`);
    if (blockers.length > 15) lines.push(`… and ${blockers.length - 15} more in the report`);
    return lines.join("\n");
}

/** Posts the decision to the Slack incoming webhook; throws with the reason (never the URL) when Slack refuses. */
export async function postDecision(report: GoNoGoReport, secrets: readonly string[], webhookUrl: string): Promise<void> {
    await postToSlack(webhookUrl, redactor(secrets)(slackText(report)));
}
