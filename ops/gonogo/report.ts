/** What a go/no-go run decides and keeps: the report model's items plus the decision the checklist asks for. */
import type { Report } from "../report/model";
import type { ProbeTiming } from "./probe";

export interface Decision {
    readonly date: string;
    readonly time: string;
    readonly verdict: "GO" | "NO-GO";
    readonly authorizedBy: string;
    /** sha256 of the report's items as JSON: what the decision was made on. */
    readonly evidenceDigest: string;
}

export interface GoNoGoReport extends Report {
    readonly decision: Decision;
    /** How long the plan and each probe took, in ms. */
    readonly timings: readonly ProbeTiming[];
    readonly wallMs: number;
}
