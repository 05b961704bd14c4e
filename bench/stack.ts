/**
 * `launch up --stack sandbox` on a project of its own, Pulumi's real engine against the sandbox at real time (50 ms on
 * every vendor call, 1 s machine boot, first check 0.5 s later). `stack.first_up_ratio` is the wall time of a first
 * `launch up` (everything the command does, from reading the stack file to Pulumi's summary) over the longest chain of
 * vendor calls made one after another in that run, read from the sandbox's request log (the calls a dependency
 * forces into sequence can be no longer than that chain); target <= 2.0: the engine, the program and the providers
 * add at most as much again. `stack.noop_mutating_calls` counts the calls that could change anything in a second
 * `up` with nothing to do; target 0. Every run must succeed, or the benchmark fails. The ratio is the median of 3
 * rounds, each on a fresh sandbox and stack (the chain itself varies by a second between runs), on code the program
 * has run before: its transpiled TypeScript, Node's bytecode and its serialized providers kept in the launch cache, as
 * on every up but the first after a change. `stack.first_up_ratio_new_code` is one round with those caches emptied.
 */
import * as fs from "node:fs";
import { programCaches } from "../ops/transpile";
import { startSandbox } from "../sandbox";
import type { LoggedRequest } from "../sandbox/server";
import { launchCaptured, launchProject } from "../test/helpers/launch";
import type { RunResult } from "../test/helpers/stack";
import type { Benchmark } from "./benchmark";

const LATENCY_MS = 50;
const VENDORS = ["fly", "supabase", "chatwoot"];

/** The most time a sequence of calls can take if each starts only after the one before has answered. */
export function longestSequentialChainMs(calls: readonly Pick<LoggedRequest, "at" | "end">[]): number {
    const byEnd = [...calls].sort((a, b) => a.end - b.end);
    const best: number[] = [];
    let longest = 0;
    for (let i = 0; i < byEnd.length; i++) {
        const c = byEnd[i]!;
        let before = 0;
        for (let j = 0; j < i && byEnd[j]!.end <= c.at; j++) before = Math.max(before, best[j]!);
        best.push(before + (c.end - c.at));
        longest = Math.max(longest, best[i]!);
    }
    return longest;
}

/** A run that failed, or reported an error, measures nothing: the benchmark fails rather than print a figure. */
export function requireSucceeded(which: string, run: Pick<RunResult, "ok" | "errors">): void {
    if (!run.ok || run.errors.length > 0) throw new Error(`stack benchmark: the ${which} up failed, so there is no figure: ${run.errors.join("; ") || "no error reported"}`);
}

/** `stack.noop_mutating_calls`: the mutating calls of the second `up`, a figure only when both runs succeeded. */
export function noopFigure(first: Pick<RunResult, "ok" | "errors">, second: Pick<RunResult, "ok" | "errors">, mutating: readonly LoggedRequest[]): number {
    requireSucceeded("first", first);
    requireSucceeded("second", second);
    return mutating.length;
}

export const stackBench: Benchmark = {
    name: "stack",
    description: "first up of the whole stack on the real engine (50 ms latency, 1 s boot) vs its longest chain of vendor calls; mutating calls of a second up",
    async run() {
        // a first run of new code: nothing of the program's transpiled, compiled or serialized yet
        for (const kept of Object.values(programCaches())) fs.rmSync(kept, { recursive: true, force: true });
        const cold = await firstUpThenNoop(0, "new code");
        const ratios: number[] = [];
        let noop = cold.noopMutatingCalls;
        for (let round = 1; round <= 3; round++) {
            const r = await firstUpThenNoop(round, "same code");
            ratios.push(r.ratio);
            noop = Math.max(noop, r.noopMutatingCalls);
        }
        return {
            "stack.first_up_ratio": [...ratios].sort((a, b) => a - b)[1]!,
            "stack.first_up_ratio_new_code": cold.ratio,
            "stack.noop_mutating_calls": noop,
        };
    },
};

async function firstUpThenNoop(round: number, code: string): Promise<{ ratio: number; noopMutatingCalls: number }> {
    const project = launchProject();
    const sandbox = await startSandbox({ timeScale: 1, stateFile: project.stateFile });
    try {
        project.pointAt(sandbox);
        sandbox.fly.bootMs = 1000;
        sandbox.fly.checkMs = 500;
        sandbox.faults.set({ seed: round, rules: [{ kind: "latency", latencyMs: LATENCY_MS, servers: VENDORS }] });
        const t0 = performance.now();
        const first = await launchUp(project.dir);
        const wall = performance.now() - t0;
        requireSucceeded("first", first);
        const chain = longestSequentialChainMs(sandbox.log.filter((r) => VENDORS.includes(r.server) && !r.probe));
        sandbox.log.length = 0;
        const second = await launchUp(project.dir);
        const noopMutatingCalls = noopFigure(first, second, sandbox.mutatingRequests());
        console.log(`# stack round ${round} (${code}): first up ${(wall / 1000).toFixed(1)} s, longest chain of vendor calls ${(chain / 1000).toFixed(1)} s`);
        return { ratio: wall / chain, noopMutatingCalls };
    } finally {
        await sandbox.stop();
        project.dispose();
    }
}

/** `launch up --stack sandbox` in this process, quietly: a failure's output becomes its error. */
async function launchUp(projectDir: string): Promise<Pick<RunResult, "ok" | "errors">> {
    const r = await launchCaptured(["up", "--stack", "sandbox"], projectDir);
    return r.code === 0 ? { ok: true, errors: [] } : { ok: false, errors: [`exit ${r.code}: ${(r.err || r.out).trim().split("\n").slice(-5).join(" | ")}`] };
}
