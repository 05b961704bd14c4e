/** The @pulumi/policy form of the pack: every rule as a policy. Building it starts nothing (index.ts does). */
import type { PolicyPackArgs } from "@pulumi/policy";
import { toPolicy } from "./framework/pulumi";
import { RULE_IDS, RULES, UNWAIVABLE } from "./rules";

/** The pack's name in `pulumi preview` output and Pulumi Cloud. */
export const PACK_NAME = "hotdash-launch";

export function policyPackArgs(now?: () => Date): PolicyPackArgs {
    return {
        policies: RULES.map((r) => toPolicy(r, { ruleIds: RULE_IDS, unwaivable: UNWAIVABLE, ...(now ? { now } : {}) })),
        // each rule states its own level; anything without one is mandatory
        enforcementLevel: "mandatory",
    };
}
