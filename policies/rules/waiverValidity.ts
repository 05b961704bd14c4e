/**
 * HD-WVR-001: every waiver in `hotdash:waivers` is well-formed and unexpired. A malformed or expired waiver
 * applies to nothing, so the finding it meant to cover counts again, and the waiver is itself a finding. This rule
 * cannot be waived.
 */
import type { Check } from "../framework/finding";
import { checks, type Rule } from "../framework/rule";
import { at, isUnknown } from "../framework/unknown";
import { parseWaivers, utcDay } from "../framework/waivers";

export const WAIVER_RULE_ID = "HD-WVR-001";

export const waiverValidity: Rule = {
    id: WAIVER_RULE_ID,
    title: "Waivers are well-formed and current",
    description: "Each waiver names a rule of the pack, a resource, a reason, an approver and an expiry date (UTC, YYYY-MM-DD) that has not passed.",
    severity: "high",
    enforcement: "mandatory",
    waivable: false,
    remediation: [
        "Fix the field the finding names with the command it gives, or remove the waiver (`pulumi config rm --path 'hotdash:waivers[<n>]' --stack <stack>`).",
        "An expired waiver needs a new approval: a new expires date, or fix the finding it covered.",
        "Run `npx launch policy --stack <stack>` again.",
    ],
    url: "https://www.pulumi.com/docs/iac/concepts/config/",
    check(view, ctx) {
        const facts = view.launchFacts();
        if (!facts) return [checks.na("waivers", "no LaunchFacts, so no waivers to read")];
        const raw = at(facts.props, "waivers");
        if (isUnknown(raw)) return [checks.unknown("waivers", "the waivers", "well-formed, unexpired waivers", facts.urn)];
        const parsed = parseWaivers(raw, { ruleIds: ctx.ruleIds, unwaivable: [WAIVER_RULE_ID], today: utcDay(ctx.now), stack: ctx.stack });
        const out: Check[] = parsed.problems.map((p) => ({
            ...checks.fail(p.index < 0 ? "waivers" : `waivers[${p.index}]`, p.message, p.expired ? "expired" : "malformed", "ruleId, resource, reason, approver, expires (UTC date, not passed)", { urn: facts.urn, fix: p.fix }),
            ...(p.expired ? { expiredWaiver: true } : {}),
        }));
        for (const w of parsed.active) {
            out.push(checks.pass(`waivers[${w.index}]`, `waivers[${w.index}]: ${w.ruleId} on ${w.resource} waived until ${w.expires} by ${w.approver}`, `expires ${w.expires}`, "not expired", facts.urn));
        }
        if (out.length === 0) out.push(checks.na("waivers", "no waivers"));
        return out;
    },
};
