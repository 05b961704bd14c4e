/**
 * Runs rules over a planned stack and turns their checks into findings: evidence stamped with the evaluation time,
 * waivers from LaunchFacts applied, a rule that throws reported as `unknown` (it could not decide, so it blocks).
 * Both paths use it: `launch policy` for the whole pack, the @pulumi/policy adapter for one rule at a time.
 */
import { blocks, type Check, type Finding } from "./finding";
import { describeResource, type Rule, type RuleContext } from "./rule";
import type { StackView } from "./stack";
import { at } from "./unknown";
import { applyWaivers, parseWaivers, utcDay, type ParsedWaivers } from "./waivers";

export interface EvaluationOptions {
    /** When the evaluation runs. Defaults to now. */
    readonly now?: Date;
    /** Stack name for fix commands. Defaults to `<stack>`. */
    readonly stack?: string;
    /** Every rule id of the pack (for waiver validation). Defaults to the ids of the rules evaluated. */
    readonly ruleIds?: readonly string[];
}

export function contextFor(rules: readonly Rule[], opts: EvaluationOptions): RuleContext {
    return { now: opts.now ?? new Date(), stack: opts.stack ?? "<stack>", ruleIds: opts.ruleIds ?? rules.map((r) => r.id) };
}

/** The waivers written in config, as LaunchFacts carries them, validated against the pack. */
export function waiversOf(view: StackView, ctx: RuleContext, unwaivable: readonly string[]): ParsedWaivers {
    return parseWaivers(at(view.launchFacts()?.props, "waivers"), { ruleIds: ctx.ruleIds, unwaivable, today: utcDay(ctx.now), stack: ctx.stack });
}

function toFinding(rule: Rule, check: Check, view: StackView, collectedAt: string): Finding {
    const resource = check.urn ? view.resource(check.urn) : undefined;
    return {
        ruleId: rule.id,
        resource: check.resource,
        status: check.status,
        message: check.message,
        evidence: {
            source: resource ? `planned inputs of ${describeResource(resource)}` : "planned stack",
            observed: check.observed,
            expected: check.expected,
            collectedAt,
        },
        ...(check.urn ? { urn: check.urn } : {}),
        ...(check.fix ? { fix: check.fix } : {}),
        ...(check.expiredWaiver ? { expiredWaiver: true } : {}),
    };
}

/** One rule's findings, waivers applied. */
export function evaluateRule(rule: Rule, view: StackView, ctx: RuleContext, waivers: ParsedWaivers): Finding[] {
    const collectedAt = ctx.now.toISOString();
    let result: Check[];
    try {
        result = rule.check(view, ctx);
    } catch (err) {
        result = [{ resource: "stack", status: "unknown", message: `${rule.id} could not run: ${(err as Error).message}`, observed: "rule error", expected: "the rule decides" }];
    }
    if (result.length === 0) result = [{ resource: "stack", status: "n/a", message: "nothing in the stack for this rule to check", observed: "-", expected: "-" }];
    const findings = result.map((c) => toFinding(rule, c, view, collectedAt));
    return rule.waivable === false ? findings : applyWaivers(findings, waivers.active);
}

export interface PackEvaluation {
    readonly findings: readonly Finding[];
    /** Findings by rule id, in pack order. */
    readonly byRule: ReadonlyMap<string, readonly Finding[]>;
}

/** Every rule of the pack over one planned stack. */
export function evaluatePack(rules: readonly Rule[], view: StackView, opts: EvaluationOptions = {}): PackEvaluation {
    const ctx = contextFor(rules, opts);
    const waivers = waiversOf(view, ctx, rules.filter((r) => r.waivable === false).map((r) => r.id));
    const byRule = new Map<string, Finding[]>();
    for (const rule of rules) byRule.set(rule.id, evaluateRule(rule, view, ctx, waivers));
    return { findings: [...byRule.values()].flat(), byRule };
}

/** The status of a rule as a whole: its worst finding. */
export function ruleStatus(findings: readonly Finding[]): Finding["status"] {
    if (findings.some((f) => f.status === "fail")) return "fail";
    if (findings.some((f) => f.status === "unknown")) return "unknown";
    if (findings.some((f) => f.status === "waived")) return "waived";
    if (findings.some((f) => f.status === "pass")) return "pass";
    return "n/a";
}

export { blocks };
