/**
 * Waivers: a finding accepted for a while, written in stack config as `{ruleId, resource, reason, approver,
 * expires}` (`hotdash:waivers`). Parsing and validation are pure. A valid waiver turns a matching fail or unknown
 * into `waived` (shown, never hidden) through the last UTC day it names; an expired or malformed one applies to
 * nothing and is itself a finding (rule HD-WVR-001).
 */
import { fixCommand } from "../../components/config/validate";
import { blocks, type Finding } from "./finding";
import { isUnknown } from "./unknown";

export interface Waiver {
    /** Position in `hotdash:waivers`, for messages and fixes. */
    readonly index: number;
    readonly ruleId: string;
    /** The finding's resource, exactly as reports print it. */
    readonly resource: string;
    readonly reason: string;
    readonly approver: string;
    /** Last UTC day the waiver holds, `YYYY-MM-DD`. */
    readonly expires: string;
}

export interface WaiverProblem {
    readonly index: number;
    readonly message: string;
    readonly fix: string;
    /** Well-formed but past its date (as opposed to malformed). */
    readonly expired: boolean;
}

export interface WaiverRules {
    /** Every rule id of the pack. */
    readonly ruleIds: readonly string[];
    /** Rule ids no waiver may cover. */
    readonly unwaivable: readonly string[];
    /** Today, UTC `YYYY-MM-DD`. */
    readonly today: string;
    /** Stack name for the fix commands. */
    readonly stack: string;
}

export interface ParsedWaivers {
    /** Well-formed and not expired: these apply. */
    readonly active: readonly Waiver[];
    /** One per malformed or expired waiver. */
    readonly problems: readonly WaiverProblem[];
}

type Field = "ruleId" | "resource" | "reason" | "approver" | "expires";
const PLACEHOLDERS: Readonly<Record<Field, string>> = {
    ruleId: "<rule-id>", resource: "<resource>", reason: "<why it is accepted>", approver: "<who approved>", expires: "<YYYY-MM-DD>",
};

/** Whether `s` is a real calendar date written `YYYY-MM-DD`. */
export function isUtcDate(s: string): boolean {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
    const t = Date.parse(`${s}T00:00:00Z`);
    return !Number.isNaN(t) && new Date(t).toISOString().startsWith(s);
}

/** UTC `YYYY-MM-DD` of an instant. */
export function utcDay(d: Date): string {
    return d.toISOString().slice(0, 10);
}

/** Validates every waiver; never throws. */
export function parseWaivers(raw: unknown, rules: WaiverRules): ParsedWaivers {
    if (raw === undefined || raw === null) return { active: [], problems: [] };
    if (!Array.isArray(raw)) {
        return { active: [], problems: [{ index: -1, message: "waivers: must be a list of {ruleId, resource, reason, approver, expires}", fix: fixCommand(rules.stack, "waivers", "[]"), expired: false }] };
    }
    const active: Waiver[] = [];
    const problems: WaiverProblem[] = [];
    raw.forEach((w, index) => {
        const where = `waivers[${index}]`;
        if (w === null || typeof w !== "object" || Array.isArray(w) || isUnknown(w)) {
            problems.push({ index, message: `${where}: must be an object {ruleId, resource, reason, approver, expires}`, fix: `pulumi config rm --path '${`hotdash:${where}`}' --stack ${rules.stack}`, expired: false });
            return;
        }
        const o = w as Record<string, unknown>;
        const faults: string[] = [];
        let firstBad: Field | undefined;
        const text = (field: Field): string => {
            const v = o[field];
            if (v === undefined || v === null || (typeof v === "string" && v.trim() === "")) {
                faults.push(`${field} is missing`);
                firstBad ??= field;
                return "";
            }
            if (typeof v !== "string") {
                faults.push(`${field} must be a string`);
                firstBad ??= field;
                return "";
            }
            return v.trim();
        };
        const ruleId = text("ruleId");
        if (ruleId && !rules.ruleIds.includes(ruleId)) {
            faults.push(`ruleId "${ruleId}" names no rule of this pack`);
            firstBad ??= "ruleId";
        } else if (ruleId && rules.unwaivable.includes(ruleId)) {
            faults.push(`${ruleId} cannot be waived`);
            firstBad ??= "ruleId";
        }
        const resource = text("resource");
        const reason = text("reason");
        const approver = text("approver");
        const expiresRaw = o["expires"] instanceof Date ? utcDay(o["expires"]) : o["expires"];
        let expires = "";
        if (expiresRaw === undefined || expiresRaw === null || expiresRaw === "") {
            faults.push("expires is missing");
            firstBad ??= "expires";
        } else if (typeof expiresRaw !== "string" || !isUtcDate(expiresRaw)) {
            faults.push(`expires ${JSON.stringify(expiresRaw)} is not a UTC date (YYYY-MM-DD)`);
            firstBad ??= "expires";
        } else {
            expires = expiresRaw;
        }
        if (firstBad) {
            problems.push({ index, message: `${where}: ${faults.join("; ")}`, fix: fixCommand(rules.stack, `${where}.${firstBad}`, PLACEHOLDERS[firstBad]), expired: false });
            return;
        }
        if (rules.today > expires) {
            problems.push({
                index,
                message: `${where}: expired on ${expires}, so ${ruleId} on ${resource} counts again (approved by ${approver})`,
                fix: fixCommand(rules.stack, `${where}.expires`, PLACEHOLDERS.expires),
                expired: true,
            });
            return;
        }
        active.push({ index, ruleId, resource, reason, approver, expires });
    });
    return { active, problems };
}

/** Findings with every active waiver applied: a matching fail or unknown becomes `waived`; passes stay as they are. */
export function applyWaivers(findings: readonly Finding[], active: readonly Waiver[]): Finding[] {
    if (active.length === 0) return [...findings];
    const byKey = new Map<string, Waiver>();
    for (const w of active) if (!byKey.has(`${w.ruleId}\n${w.resource}`)) byKey.set(`${w.ruleId}\n${w.resource}`, w);
    return findings.map((f) => {
        const w = byKey.get(`${f.ruleId}\n${f.resource}`);
        if (!w || !blocks(f.status)) return f;
        return {
            ...f,
            status: "waived",
            message: `${f.message} (waived until ${w.expires} by ${w.approver}: ${w.reason})`,
            waiver: { reason: w.reason, approver: w.approver, expires: w.expires, waivedStatus: f.status as "fail" | "unknown" },
        };
    });
}
