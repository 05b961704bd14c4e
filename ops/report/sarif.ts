/**
 * The report as SARIF 2.1.0, for code-scanning annotations. Results carry what needs attention: fail and unknown
 * (an unknown blocks like a failure, so it is a `fail` result whose message says it was undecided) and waived
 * items (suppressed, with the waiver as justification). Passes and n/a stay in the JSON report.
 */
import type { Report, ReportItem } from "./model";

/** GitHub's scale for `security-severity`. */
const SECURITY_SEVERITY: Readonly<Record<string, string>> = { critical: "9.5", high: "8.0", medium: "5.5", low: "2.0" };

function level(item: Pick<ReportItem, "enforcement">): "error" | "warning" {
    return item.enforcement === "mandatory" ? "error" : "warning";
}

export function renderSarif(report: Report, opts: { readonly artifact: string }): string {
    const ruleIndex = new Map(report.rules.map((r, i) => [r.id, i]));
    const results = report.items
        .filter((i) => i.status === "fail" || i.status === "unknown" || i.status === "waived")
        .map((i) => ({
            ruleId: i.id,
            ...(ruleIndex.has(i.id) ? { ruleIndex: ruleIndex.get(i.id) } : {}),
            kind: "fail",
            level: level(i),
            message: { text: `${i.status === "unknown" ? "Undecided in preview, which blocks like a failure. " : ""}${i.message}${i.fix ? `\nFix: ${i.fix}` : ""}` },
            locations: [{
                physicalLocation: { artifactLocation: { uri: opts.artifact }, region: { startLine: 1 } },
                logicalLocations: [{ name: i.resource, fullyQualifiedName: i.urn ?? i.resource, kind: "resource" }],
            }],
            partialFingerprints: { "hotdashFinding/v1": `${i.id}:${i.resource}` },
            ...(i.waiver ? {
                suppressions: [{ kind: "external", status: "accepted", justification: `${i.waiver.reason} (approved by ${i.waiver.approver}, until ${i.waiver.expires})` }],
            } : {}),
            properties: { status: i.status, evidence: i.evidence, ...(i.fix ? { fix: i.fix } : {}) },
        }));
    const log = {
        $schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [{
            tool: {
                driver: {
                    name: report.tool.name,
                    version: report.tool.version,
                    rules: report.rules.map((r) => ({
                        id: r.id,
                        name: r.title.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : "")),
                        shortDescription: { text: r.title },
                        fullDescription: { text: r.description },
                        helpUri: r.url,
                        help: { text: r.remediation.map((s, n) => `${n + 1}. ${s}`).join("\n"), markdown: r.remediation.map((s, n) => `${n + 1}. ${s}`).join("\n") },
                        defaultConfiguration: { level: level(r) },
                        properties: { tags: ["hotdash", "launch", r.id.split("-")[1]?.toLowerCase() ?? ""], precision: "very-high", "security-severity": SECURITY_SEVERITY[r.severity] ?? "5.5" },
                    })),
                },
            },
            automationDetails: { id: `launch-policy/${report.stack}/` },
            invocations: [{ executionSuccessful: true, endTimeUtc: report.generatedAt }],
            results,
            properties: { verdict: report.verdict, verdictRule: report.verdictRule, counts: report.counts },
        }],
    };
    return `${JSON.stringify(log, null, 2)}\n`;
}
