/**
 * The report as JUnit XML: one suite per rule, one case per item. A mandatory fail or unknown is a failure, an
 * expired waiver too; waived and n/a items are skipped with the reason; an advisory finding passes with its text
 * on system-out, so CI shows it without failing.
 */
import { isBlocker, type Report } from "./model";

function xml(s: string): string {
    // drop what XML 1.0 cannot carry at all, then escape
    return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "")
        .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

export function renderJunit(report: Report): string {
    const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>'];
    const failures = report.items.filter(isBlocker).length;
    const skipped = report.items.filter((i) => i.status === "waived" || i.status === "n/a").length;
    out.push(`<testsuites name="${xml(`${report.title} (stack ${report.stack})`)}" tests="${report.items.length}" failures="${failures}" errors="0" skipped="${skipped}" time="0">`);
    for (const rule of report.rules) {
        const items = report.items.filter((i) => i.id === rule.id);
        const f = items.filter(isBlocker).length;
        const s = items.filter((i) => i.status === "waived" || i.status === "n/a").length;
        out.push(`  <testsuite name="${xml(`${rule.id} ${rule.title}`)}" tests="${items.length}" failures="${f}" errors="0" skipped="${s}" time="0" timestamp="${xml(report.generatedAt.replace(/Z$/, ""))}">`);
        for (const i of items) {
            const open = `    <testcase classname="${xml(rule.id)}" name="${xml(i.message)}" time="0">`;
            const detail = [
                `resource: ${i.resource}`, `observed: ${i.evidence.observed}`, `expected: ${i.evidence.expected}`, `source: ${i.evidence.source}`,
                ...(i.fix ? [`fix: ${i.fix}`] : []), ...i.remediation.map((r, n) => `${n + 1}. ${r}`), `see: ${i.links.join(" ")}`,
            ].join("\n");
            if (isBlocker(i)) {
                out.push(open, `      <failure type="${i.expiredWaiver ? "expired-waiver" : i.status}" message="${xml(i.message)}">${xml(detail)}</failure>`, "    </testcase>");
            } else if (i.status === "waived") {
                out.push(open, `      <skipped message="${xml(`waived until ${i.waiver?.expires ?? "?"} by ${i.waiver?.approver ?? "?"}: ${i.waiver?.reason ?? ""}`)}"/>`, "    </testcase>");
            } else if (i.status === "n/a") {
                out.push(open, `      <skipped message="${xml(`n/a: ${i.message}`)}"/>`, "    </testcase>");
            } else if (i.status === "fail" || i.status === "unknown") {
                out.push(open, `      <system-out>${xml(`advisory ${i.status}: ${detail}`)}</system-out>`, "    </testcase>");
            } else {
                out.push(`${open}</testcase>`);
            }
        }
        out.push("  </testsuite>");
    }
    out.push("</testsuites>", "");
    return out.join("\n");
}
