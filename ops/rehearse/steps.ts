/**
 * A rehearsal's record: each step in order with how long it took and the evidence it saw; the first step that does
 * not hold ends the rehearsal (what follows it could only mislead) and the remaining steps are listed as not run.
 */
import { redactor } from "../../policies/framework/redact";

export interface RehearsalStep {
    readonly name: string;
    readonly status: "held" | "failed" | "not run";
    readonly ms: number;
    /** What the step saw, one fact a line; the failure's reason when it failed. */
    readonly evidence: readonly string[];
}

export interface RehearsalReport {
    readonly ok: boolean;
    readonly startedAt: string;
    readonly wallMs: number;
    readonly steps: readonly RehearsalStep[];
}

/** Runs steps in order; a step resolves to its evidence or throws what went wrong. */
export class Rehearsal {
    private readonly steps: RehearsalStep[] = [];
    private failed = false;
    private readonly t0 = performance.now();
    private readonly startedAt = new Date().toISOString();

    constructor(private readonly secrets: () => readonly string[], private readonly onStep: (s: RehearsalStep) => void) {}

    async step(name: string, run: () => Promise<readonly string[]>): Promise<void> {
        if (this.failed) {
            this.record({ name, status: "not run", ms: 0, evidence: [] });
            return;
        }
        const t0 = performance.now();
        try {
            const evidence = await run();
            this.record({ name, status: "held", ms: Math.round(performance.now() - t0), evidence });
        } catch (e) {
            this.failed = true;
            this.record({ name, status: "failed", ms: Math.round(performance.now() - t0), evidence: (e as Error).message.split("\n") });
        }
    }

    report(): RehearsalReport {
        return { ok: !this.failed, startedAt: this.startedAt, wallMs: Math.round(performance.now() - this.t0), steps: this.steps };
    }

    private record(s: RehearsalStep): void {
        const clean = redactor(this.secrets());
        const step = { ...s, evidence: s.evidence.map(clean) };
        this.steps.push(step);
        this.onStep(step);
    }
}

const MARK = { held: "✅", failed: "❌", "not run": "⏭️" } as const;

/** One line per step for the terminal, as it happens. */
export function stepLine(s: RehearsalStep, index: number): string {
    const head = `${MARK[s.status]} ${String(index + 1).padStart(2)}. ${s.name} (${(s.ms / 1000).toFixed(1)} s)`;
    return [head, ...s.evidence.map((e) => `       ${e}`)].join("\n");
}

/** The whole rehearsal as Markdown: the verdict, then each step with its time and evidence. */
export function renderRehearsalMarkdown(r: RehearsalReport): string {
    const lines = [
        `# Launch rehearsal: ${r.ok ? "every step held" : "FAILED"}`,
        "",
        `Started ${r.startedAt}, took ${(r.wallMs / 1000).toFixed(1)} s.`,
        "",
        "| # | Step | Result | Time | Evidence |",
        "|---|------|--------|------|----------|",
        ...r.steps.map((s, i) => `| ${i + 1} | ${s.name} | ${MARK[s.status]} ${s.status} | ${(s.ms / 1000).toFixed(1)} s | ${s.evidence.map((e) => e.replace(/\|/g, "\\|")).join("<br>")} |`),
        "",
    ];
    return lines.join("\n");
}
