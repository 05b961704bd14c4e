/**
 * A rule, written once: metadata plus a pure `check` over the planned stack. The same object runs inside
 * @pulumi/policy (see pulumi.ts) and in `launch policy` over the registrations planned under Pulumi's mocks (see
 * evaluate.ts).
 */
import type { Check } from "./finding";
import type { PlannedResource, StackView } from "./stack";

export type Severity = "low" | "medium" | "high" | "critical";
export type Enforcement = "mandatory" | "advisory";

export interface RuleMeta {
    /** Stable id, `HD-<AREA>-<NNN>`: what waivers, reports and CI annotations name. Never reused. */
    readonly id: string;
    /** Short title for reports. */
    readonly title: string;
    /** What the rule requires and why, in one or two sentences. */
    readonly description: string;
    readonly severity: Severity;
    /** Mandatory unless `advisoryBecause` says why not. */
    readonly enforcement: Enforcement;
    /** Required when `enforcement` is advisory: why a failure may not block. */
    readonly advisoryBecause?: string;
    /** Steps that fix a failure, in order. */
    readonly remediation: readonly string[];
    /** Documentation of what the rule checks. */
    readonly url: string;
    /** Whether a waiver may cover it. Defaults to true. */
    readonly waivable?: boolean;
}

export interface RuleContext {
    /** When the evaluation runs: expiries and "today" are judged against it. */
    readonly now: Date;
    /** Stack name for the fix commands; `<stack>` inside @pulumi/policy, which is not told the stack. */
    readonly stack: string;
    /** Every rule id of the pack, for validating waivers. */
    readonly ruleIds: readonly string[];
}

export interface Rule extends RuleMeta {
    check(stack: StackView, ctx: RuleContext): Check[];
}

/** `<type short name> <name>` in evidence, e.g. `hotdash:FlyVolumes hotdash-chatwoot-volume`. */
export function describeResource(r: PlannedResource): string {
    return `${r.type.replace(/^pulumi-nodejs:dynamic\//, "")} ${r.name}`;
}

/** `1 env var`, `3 env vars`. */
export function plural(n: number, word: string): string {
    return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** Check builders: every rule writes checks the same way. */
export const checks = {
    pass(resource: string, message: string, observed: string, expected: string, urn?: string): Check {
        return { resource, status: "pass", message, observed, expected, ...(urn ? { urn } : {}) };
    },
    fail(resource: string, message: string, observed: string, expected: string, opts: { urn?: string; fix?: string } = {}): Check {
        return { resource, status: "fail", message, observed, expected, ...(opts.urn ? { urn: opts.urn } : {}), ...(opts.fix ? { fix: opts.fix } : {}) };
    },
    /** Cannot decide during preview: a mandatory rule blocks on it like on a failure. */
    unknown(resource: string, what: string, expected: string, urn?: string): Check {
        return { resource, status: "unknown", message: `${resource}: cannot check ${what} during preview (not known until apply)`, observed: "<unknown during preview>", expected, ...(urn ? { urn } : {}) };
    },
    na(resource: string, message: string): Check {
        return { resource, status: "n/a", message, observed: "-", expected: "-" };
    },
    /** A resource the rule needs is not in the stack. */
    notDeclared(resource: string, what: string, expected: string, fix?: string): Check {
        return { resource, status: "fail", message: `${what} is not declared in the stack`, observed: "not declared", expected, ...(fix ? { fix } : {}) };
    },
};
