/**
 * One report object, rendered three ways (Markdown for a PR comment, SARIF and JUnit for CI) plus itself as JSON.
 * `launch policy` builds it today and `launch go-no-go` will reuse it: every item carries `id, title, severity,
 * enforcement, status, evidence {source, observed, expected, collectedAt}, remediation, links`, and the verdict
 * rule is stated in the report itself.
 */
import type { AppliedWaiver, Evidence, Finding, Status } from "../../policies/framework/finding";
import { STATUSES } from "../../policies/framework/finding";
import type { Enforcement, RuleMeta, Severity } from "../../policies/framework/rule";

export interface ReportItem {
    /** The rule's stable id. */
    readonly id: string;
    readonly title: string;
    readonly severity: Severity;
    readonly enforcement: Enforcement;
    readonly status: Status;
    /** What the item is about: a resource's logical name or a config key. */
    readonly resource: string;
    readonly message: string;
    readonly evidence: Evidence;
    /** The rule's steps. */
    readonly remediation: readonly string[];
    /** The exact command that fixes this item, when there is one. */
    readonly fix?: string;
    readonly links: readonly string[];
    readonly urn?: string;
    readonly waiver?: AppliedWaiver;
    readonly expiredWaiver?: boolean;
}

export interface ReportRule extends Omit<RuleMeta, "waivable"> {
    /** The rule as a whole: its worst item. */
    readonly status: Status;
}

/** How the verdict is named: PASS/FAIL for the policy pack, GO/NO-GO for the go/no-go. */
export interface VerdictLabels {
    readonly pass: string;
    readonly fail: string;
}

export interface Report {
    readonly schema: "hotdash/launch-report@1";
    /** What was evaluated, e.g. `launch policy`. */
    readonly title: string;
    readonly stack: string;
    readonly generatedAt: string;
    readonly tool: { readonly name: string; readonly version: string };
    readonly passed: boolean;
    readonly verdict: string;
    readonly verdictRule: string;
    readonly counts: Readonly<Record<Status, number>>;
    /** Mandatory items that are fail or unknown. */
    readonly blockers: number;
    readonly expiredWaivers: number;
    readonly rules: readonly ReportRule[];
    readonly items: readonly ReportItem[];
    /** Lines that qualify the whole run (what it is, what it is not). */
    readonly notes: readonly string[];
}

export function verdictRule(labels: VerdictLabels): string {
    return `${labels.pass} only when no mandatory item is fail or unknown and no waiver has expired; otherwise ${labels.fail}.`;
}

/** Whether an item stops the verdict. */
export function isBlocker(item: Pick<ReportItem, "enforcement" | "status" | "expiredWaiver">): boolean {
    return (item.enforcement === "mandatory" && (item.status === "fail" || item.status === "unknown")) || item.expiredWaiver === true;
}

/** A finding of a rule as a report item. */
export function itemOf(rule: RuleMeta, f: Finding): ReportItem {
    return {
        id: rule.id,
        title: rule.title,
        severity: rule.severity,
        enforcement: rule.enforcement,
        status: f.status,
        resource: f.resource,
        message: f.message,
        evidence: f.evidence,
        remediation: rule.remediation,
        ...(f.fix ? { fix: f.fix } : {}),
        links: [rule.url],
        ...(f.urn ? { urn: f.urn } : {}),
        ...(f.waiver ? { waiver: f.waiver } : {}),
        ...(f.expiredWaiver ? { expiredWaiver: true } : {}),
    };
}

function worst(items: readonly ReportItem[]): Status {
    for (const s of ["fail", "unknown", "waived", "pass"] as const) if (items.some((i) => i.status === s)) return s;
    return "n/a";
}

export interface ReportInput {
    readonly title: string;
    readonly stack: string;
    readonly generatedAt: string;
    readonly tool: { readonly name: string; readonly version: string };
    readonly rules: readonly RuleMeta[];
    readonly items: readonly ReportItem[];
    readonly labels: VerdictLabels;
    readonly notes?: readonly string[];
    /** A rule's status when it has no item (e.g. not evaluated). Defaults to n/a. */
    readonly statusWithoutItems?: Status;
}

export function buildReport(input: ReportInput): Report {
    const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
    for (const i of input.items) counts[i.status]++;
    const blockers = input.items.filter(isBlocker).length;
    const expiredWaivers = input.items.filter((i) => i.expiredWaiver).length;
    const passed = blockers === 0 && expiredWaivers === 0;
    return {
        schema: "hotdash/launch-report@1",
        title: input.title,
        stack: input.stack,
        generatedAt: input.generatedAt,
        tool: input.tool,
        passed,
        verdict: passed ? input.labels.pass : input.labels.fail,
        verdictRule: verdictRule(input.labels),
        counts,
        blockers,
        expiredWaivers,
        rules: input.rules.map((r) => {
            const mine = input.items.filter((i) => i.id === r.id);
            return {
                id: r.id, title: r.title, description: r.description, severity: r.severity, enforcement: r.enforcement,
                ...(r.advisoryBecause ? { advisoryBecause: r.advisoryBecause } : {}),
                remediation: r.remediation, url: r.url,
                status: mine.length ? worst(mine) : (input.statusWithoutItems ?? "n/a"),
            };
        }),
        items: input.items,
        notes: input.notes ?? [],
    };
}
