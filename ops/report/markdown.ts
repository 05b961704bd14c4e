/** The report as a Markdown PR comment: verdict and counts first, then blockers with their fixes, then waivers. */
import { isBlocker, type Report, type ReportItem } from "./model";

function cell(s: string): string {
    return s.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>");
}

function code(s: string): string {
    const ticks = s.includes("`") ? "``" : "`";
    return `${ticks}${s}${ticks}`;
}

function itemRow(i: ReportItem): string {
    return `| ${i.id} | ${cell(i.resource)} | ${i.status} | ${cell(i.message)} | ${i.fix ? cell(code(i.fix)) : cell(i.remediation[0] ?? "")} |`;
}

export function renderMarkdown(report: Report): string {
    const lines: string[] = [];
    const icon = report.passed ? "✅" : "❌";
    lines.push(`## ${icon} ${report.title}: ${report.verdict} (stack \`${report.stack}\`)`, "");
    lines.push(`**Verdict rule:** ${report.verdictRule}`, "");
    for (const n of report.notes) lines.push(`> ${n}`);
    if (report.notes.length) lines.push("");
    lines.push("| pass | fail | unknown | waived | n/a |", "|---:|---:|---:|---:|---:|");
    lines.push(`| ${report.counts.pass} | ${report.counts.fail} | ${report.counts.unknown} | ${report.counts.waived} | ${report.counts["n/a"]} |`, "");

    const blockers = report.items.filter(isBlocker);
    if (blockers.length) {
        lines.push(`### Blockers (${blockers.length})`, "", "| Rule | Resource | Status | Finding | Fix |", "|---|---|---|---|---|");
        for (const i of blockers) lines.push(itemRow(i));
        lines.push("");
    }
    const advisory = report.items.filter((i) => !isBlocker(i) && (i.status === "fail" || i.status === "unknown"));
    if (advisory.length) {
        lines.push(`### Advisory (${advisory.length})`, "", "| Rule | Resource | Status | Finding | Fix |", "|---|---|---|---|---|");
        for (const i of advisory) lines.push(itemRow(i));
        lines.push("");
    }
    const waived = report.items.filter((i) => i.status === "waived");
    if (waived.length) {
        lines.push(`### Waived (${waived.length})`, "", "| Rule | Resource | Was | Approver | Expires | Reason |", "|---|---|---|---|---|---|");
        for (const i of waived) lines.push(`| ${i.id} | ${cell(i.resource)} | ${i.waiver?.waivedStatus ?? ""} | ${cell(i.waiver?.approver ?? "")} | ${i.waiver?.expires ?? ""} | ${cell(i.waiver?.reason ?? "")} |`);
        lines.push("");
    }
    lines.push("### Rules", "", "| Rule | Title | Severity | Enforcement | Status |", "|---|---|---|---|---|");
    for (const r of report.rules) lines.push(`| [${r.id}](${r.url}) | ${cell(r.title)} | ${r.severity} | ${r.enforcement} | ${r.status} |`);
    lines.push("", `<details><summary>All ${report.items.length} items</summary>`, "", "| Rule | Resource | Status | Finding | Observed | Expected |", "|---|---|---|---|---|---|");
    for (const i of report.items) lines.push(`| ${i.id} | ${cell(i.resource)} | ${i.status} | ${cell(i.message)} | ${cell(i.evidence.observed)} | ${cell(i.evidence.expected)} |`);
    lines.push("", "</details>", "", `<sub>${report.tool.name} ${report.tool.version} · ${report.generatedAt}</sub>`, "");
    return lines.join("\n");
}
