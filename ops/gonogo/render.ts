/**
 * Every rendering of a go/no-go report, each redacted: a terminal table, Markdown (the report layer's, under the
 * decision block), JSON, JUnit (the report layer's), and one self-contained HTML page read at a glance. An item is
 * shown as pass, FAIL (with its fix), MANUAL (a person confirms it) or n/a.
 */
import { redactor } from "../../policies/framework/redact";
import { renderJunit } from "../report/junit";
import { renderMarkdown } from "../report/markdown";
import { isBlocker, type ReportItem } from "../report/model";
import { MANUAL_ITEMS } from "./checklist";
import type { GoNoGoReport } from "./report";

export type GoNoGoFormat = "table" | "markdown" | "json" | "junit" | "html";

const MANUAL_IDS = new Set(Object.values(MANUAL_ITEMS).map((r) => r.id));

/** How an item reads: pass, fail, manual (a human item not yet confirmed), unknown or n/a. */
export function outcome(i: ReportItem): "pass" | "fail" | "manual" | "unknown" | "n/a" {
    if (MANUAL_IDS.has(i.id) && i.status !== "pass") return "manual";
    return i.status === "waived" ? "pass" : i.status;
}

function decisionLines(r: GoNoGoReport): string[] {
    const d = r.decision;
    return [`Date: ${d.date}`, `Time: ${d.time}`, `Decision: ${d.verdict}`, `Authorized By: ${d.authorizedBy}`, `Evidence digest: ${d.evidenceDigest}`];
}

export function renderTable(r: GoNoGoReport): string {
    const rows = r.items.map((i) => [outcome(i).toUpperCase(), i.id, i.resource, i.message]);
    const w = [0, 1, 2].map((c) => Math.min(40, Math.max(...rows.map((row) => row[c]!.length), 6)));
    const line = (row: string[]): string => `${row.slice(0, 3).map((c, n) => c.slice(0, w[n]).padEnd(w[n]!)).join("  ")}  ${row[3]}`;
    const out = [`launch go-no-go --stack ${r.stack}: ${r.verdict}`, ...decisionLines(r).map((l) => `  ${l}`), "", line(["STATUS", "ITEM", "SUBJECT", "EVIDENCE"])];
    for (const row of rows) out.push(line(row));
    const blockers = r.items.filter(isBlocker);
    if (blockers.length) {
        out.push("", `blockers (${blockers.length}):`);
        for (const i of blockers) out.push(`  ${outcome(i).toUpperCase().padEnd(7)} ${i.id.padEnd(13)} ${i.message}`, `  ${"".padEnd(7)} ${"".padEnd(13)} fix: ${i.fix ?? i.remediation[0] ?? ""}`);
    }
    const slowest = r.timings[0];
    out.push("", `${r.items.length} items; wall ${(r.wallMs / 1000).toFixed(1)} s${slowest ? `, slowest check ${slowest.probe} ${(slowest.ms / 1000).toFixed(1)} s` : ""}`);
    return `${out.join("\n")}\n`;
}

export function renderGoNoGoMarkdown(r: GoNoGoReport): string {
    const d = r.decision;
    const head = [
        `# HotDash launch decision: ${d.verdict === "GO" ? "✅ GO" : "❌ NO-GO"}`, "",
        "| Date | Time | Decision | Authorized By | Evidence digest |", "|---|---|---|---|---|",
        `| ${d.date} | ${d.time} | ${d.verdict} | ${d.authorizedBy.replace(/\|/g, "\\|")} | \`${d.evidenceDigest}\` |`, "",
    ];
    const manual = r.items.filter((i) => outcome(i) === "manual");
    if (manual.length) {
        head.push(`### Manual items awaiting their owners (${manual.length})`, "", "| Item | Owner and state | Confirm with |", "|---|---|---|");
        for (const i of manual) head.push(`| ${i.id} ${i.title} | ${i.message.replace(/^manual: /, "")} | \`${i.fix ?? ""}\` |`);
        head.push("");
    }
    return `${head.join("\n")}\n${renderMarkdown(r)}`;
}

function esc(s: string): string {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

export function renderHtml(r: GoNoGoReport): string {
    const d = r.decision;
    const go = d.verdict === "GO";
    const blockers = r.items.filter(isBlocker);
    const row = (i: ReportItem): string => {
        const o = outcome(i);
        return `<tr class="item ${o}" data-item="${esc(i.id)}" data-status="${o}"><td class="st">${o.toUpperCase()}</td><td>${esc(i.id)}<br><small>${esc(i.title)}</small></td><td>${esc(i.resource)}</td><td>${esc(i.message)}<br><small>observed: ${esc(i.evidence.observed)} · expected: ${esc(i.evidence.expected)} · ${esc(i.evidence.source)}</small></td><td class="fix">${i.fix ? `<code>${esc(i.fix)}</code>` : ""}</td></tr>`;
    };
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>HotDash go/no-go: ${d.verdict} (${esc(r.stack)})</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font:15px/1.4 system-ui,sans-serif;margin:0;color:#1b1f24}
header{padding:24px 32px;color:#fff;background:${go ? "#1a7f37" : "#cf222e"}}
#verdict{font-size:56px;font-weight:800;margin:0}
header dl{display:grid;grid-template-columns:max-content auto;gap:2px 16px;margin:12px 0 0}
header dt{opacity:.8}
main{padding:16px 32px}
table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #d0d7de;padding:6px 8px;text-align:left;vertical-align:top}
small{color:#57606a}
.st{font-weight:700;white-space:nowrap}
.fail .st,.unknown .st{color:#cf222e}.manual .st{color:#9a6700}.pass .st{color:#1a7f37}.n\\/a .st{color:#57606a}
tr.fail,tr.unknown{background:#ffebe9}tr.manual{background:#fff8c5}
code{font-size:13px;background:#f6f8fa;padding:1px 4px;word-break:break-all}
header code{background:rgba(255,255,255,.2);color:#fff}
</style></head>
<body>
<header>
<h1 id="verdict" data-verdict="${d.verdict}">${d.verdict}</h1>
<div>HotDash launch go/no-go, stack <b>${esc(r.stack)}</b>: ${r.counts.pass} pass, ${blockers.length} blocking, ${r.counts["n/a"]} n/a</div>
<dl id="decision"><dt>Date</dt><dd>${d.date}</dd><dt>Time</dt><dd>${esc(d.time)}</dd><dt>Decision</dt><dd>${d.verdict}</dd><dt>Authorized By</dt><dd>${esc(d.authorizedBy)}</dd><dt>Evidence digest</dt><dd><code>${esc(d.evidenceDigest)}</code></dd></dl>
</header>
<main>
<h2>Blocking (${blockers.length})</h2>
${blockers.length ? `<table id="blockers"><tr><th>Status</th><th>Item</th><th>Subject</th><th>Evidence</th><th>Fix</th></tr>${blockers.map(row).join("\n")}</table>` : `<p id="blockers">Nothing blocks the launch.</p>`}
<h2>Every item (${r.items.length})</h2>
<table id="items"><tr><th>Status</th><th>Item</th><th>Subject</th><th>Evidence</th><th>Fix</th></tr>
${r.items.map(row).join("\n")}
</table>
<p><small>${esc(r.verdictRule)} ${r.notes.map(esc).join(" ")} ${esc(r.tool.name)} ${esc(r.tool.version)} · ${esc(r.generatedAt)}</small></p>
</main>
</body></html>
`;
}

export function renderGoNoGo(r: GoNoGoReport, format: GoNoGoFormat, secrets: readonly string[]): string {
    const text = format === "table" ? renderTable(r)
        : format === "markdown" ? renderGoNoGoMarkdown(r)
            : format === "json" ? `${JSON.stringify(r, null, 2)}\n`
                : format === "junit" ? renderJunit(r)
                    : renderHtml(r);
    return redactor(secrets)(text);
}
