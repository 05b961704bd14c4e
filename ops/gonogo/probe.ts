/**
 * What every probe gets and returns. A probe is one concern against one vendor: it makes its read calls (all it can
 * at once), and returns one finding per subject with the evidence it saw. Probes never throw for what they observe:
 * an unreachable vendor is a `fail` with the reason, so one dead vendor never hides another's evidence.
 */
import type { LaunchConfig, SecretName } from "../../components/config/types";
import type { Finding, Status } from "../../policies/framework/finding";
import { isApiError } from "../../providers/http";
import type { GoNoGoRule } from "./checklist";

export interface ProbeContext {
    readonly config: LaunchConfig;
    /** Secret values by name, as config or the environment gives them. Never printed. */
    readonly secret: (name: SecretName) => string | undefined;
    /** Adds a value the run learnt (the webhook's secret) to what every output is redacted of. */
    readonly learnSecret: (value: string) => void;
    readonly now: Date;
    /** Whether the signed test message is sent (always in the sandbox; in production with --send-test-message). */
    readonly sendTestMessage: boolean;
    /** Seconds the end-to-end probe waits for the draft. */
    readonly draftTimeoutSeconds: number;
}

export interface Probe {
    /** The probe's name in timings and the benchmark. */
    readonly name: string;
    run(ctx: ProbeContext): Promise<Finding[]>;
}

export interface ProbeTiming {
    readonly probe: string;
    readonly ms: number;
}

export function finding(rule: GoNoGoRule, resource: string, status: Status, message: string, e: { observed: string; expected: string; source: string; fix?: string }, at: Date): Finding {
    return {
        ruleId: rule.id, resource, status, message,
        evidence: { source: e.source, observed: e.observed, expected: e.expected, collectedAt: at.toISOString() },
        ...(e.fix ? { fix: e.fix } : {}),
    };
}

/** A vendor error in one line, without credentials (the HTTP layer already redacts its auth headers). */
export function reason(err: unknown): string {
    if (isApiError(err)) return err.status !== undefined ? `${err.status} ${err.vendorMessage ?? ""}`.trim() : `no answer (${err.code ?? err.message})`;
    return (err as Error).message;
}

/** Runs `fn`, or turns its error into the probe's failing findings. */
export async function guarded(fn: () => Promise<Finding[]>, onError: (err: unknown) => Finding[]): Promise<Finding[]> {
    try {
        return await fn();
    } catch (err) {
        return onError(err);
    }
}
