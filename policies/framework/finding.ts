/**
 * What a rule says about one subject, and what the pack reports: one finding per subject per rule, with the status
 * model of the go/no-go (pass | fail | unknown | waived | n/a) and evidence of what was observed against what was
 * expected. Messages and evidence never carry a secret's value.
 */

export type Status = "pass" | "fail" | "unknown" | "waived" | "n/a";

export const STATUSES: readonly Status[] = ["pass", "fail", "unknown", "waived", "n/a"];

/** What a rule returns: the verdict on one subject, before waivers. */
export interface Check {
    /** The resource (logical name) or config fact the check is about; what a waiver's `resource` names. */
    readonly resource: string;
    readonly status: "pass" | "fail" | "unknown" | "n/a";
    /** One line, self-contained; never a secret's value. */
    readonly message: string;
    readonly observed: string;
    readonly expected: string;
    /** URN of the resource, when the check is about one; undefined for config facts and absent resources. */
    readonly urn?: string;
    /** The exact command or edit that fixes this finding, when there is one. */
    readonly fix?: string;
    /** Set on the finding of an expired waiver: reports count them, and the verdict rule names them. */
    readonly expiredWaiver?: boolean;
}

export interface Evidence {
    /** Where the observation comes from, e.g. `preview: hotdash:FlyMachineGroup hotdash-chatwoot-machines-web`. */
    readonly source: string;
    readonly observed: string;
    readonly expected: string;
    /** ISO time of the evaluation. */
    readonly collectedAt: string;
}

export interface AppliedWaiver {
    readonly reason: string;
    readonly approver: string;
    /** Last UTC day the waiver holds, `YYYY-MM-DD`. */
    readonly expires: string;
    /** What the finding was before the waiver. */
    readonly waivedStatus: "fail" | "unknown";
}

/** A check as the pack reports it: with its rule, evidence and any waiver applied. */
export interface Finding {
    readonly ruleId: string;
    readonly resource: string;
    readonly status: Status;
    readonly message: string;
    readonly evidence: Evidence;
    readonly urn?: string;
    readonly fix?: string;
    readonly waiver?: AppliedWaiver;
    readonly expiredWaiver?: boolean;
}

/** Whether a finding with this status stops a mandatory rule (unknown blocks like a failure). */
export function blocks(status: Status): boolean {
    return status === "fail" || status === "unknown";
}
