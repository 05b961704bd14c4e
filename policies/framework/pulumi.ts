/**
 * The adapter to @pulumi/policy: each rule becomes one StackValidationPolicy that runs the same `check` over the
 * resources the analyzer hands it. A stack policy (not a resource policy) because rules need the whole plan: absent
 * resources, cross-resource wiring, and the waivers LaunchFacts carries. The gate is `pulumi preview --policy-pack
 * policies`, which evaluates stack policies before anything is applied.
 *
 * Enforcement mapping: fail and unknown are violations at the rule's level (so an unknown blocks a mandatory rule,
 * where the SDK alone would downgrade it to advisory); a waived finding is still reported, at advisory level.
 */
import type { PolicyResource, ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { evaluateRule, waiversOf } from "./evaluate";
import type { Finding } from "./finding";
import { redactor, secretValuesIn } from "./redact";
import type { Rule, RuleContext } from "./rule";
import { StackView } from "./stack";

/** The key @pulumi/policy's unknown-checking proxy answers with its target (proxy.js `getSpecialProxyTarget`). */
const PROXY_TARGET = "__getSpecialProxyTarget";

/** Props without the SDK's proxy, so reading an unknown yields its sentinel instead of throwing. */
export function unproxied(props: unknown): unknown {
    if (props === null || typeof props !== "object") return props;
    return (props as Record<string, unknown>)[PROXY_TARGET] ?? props;
}

/** The text of a violation: what was found, then the fix when there is one. */
export function violationText(f: Finding): string {
    return `[${f.status}] ${f.resource}: ${f.message}${f.fix ? `\nfix: ${f.fix}` : ""}`;
}

export interface PolicyOptions {
    /** Every rule id of the pack. */
    readonly ruleIds: readonly string[];
    /** Rule ids no waiver may cover. */
    readonly unwaivable: readonly string[];
    /** The clock. Defaults to now. */
    readonly now?: () => Date;
}

export function toPolicy(rule: Rule, opts: PolicyOptions): StackValidationPolicy {
    return {
        name: rule.id,
        displayName: rule.title,
        description: rule.description,
        enforcementLevel: rule.enforcement,
        severity: rule.severity,
        remediationSteps: rule.remediation.map((s, i) => `${i + 1}. ${s}`).join("\n"),
        url: rule.url,
        tags: ["hotdash", "launch", rule.id.split("-")[1]!.toLowerCase()],
        validateStack(args, report: ReportViolation) {
            const view = StackView.of(args.resources.map((r: PolicyResource) => ({ type: r.type, name: r.name, urn: r.urn, props: unproxied(r.props) })));
            const ctx: RuleContext = { now: (opts.now ?? (() => new Date()))(), stack: "<stack>", ruleIds: opts.ruleIds };
            const redact = redactor(secretValuesIn(view));
            for (const f of evaluateRule(rule, view, ctx, waiversOf(view, ctx, opts.unwaivable))) {
                if (f.status === "fail" || f.status === "unknown") {
                    report(redact(violationText(f)), f.urn);
                } else if (f.status === "waived") {
                    // the SDK accepts a violation object whose level overrides the policy's (server.js makeReportViolationFun)
                    const waived = { message: redact(violationText(f)), urn: f.urn, enforcementLevel: "advisory" };
                    (report as unknown as (v: typeof waived) => void)(waived);
                }
            }
        },
    };
}
