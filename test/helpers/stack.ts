/** Runs the whole launch program in-process against a sandbox (DESIGN.md test level 5), keeping state between runs. */
import * as path from "node:path";
import { type RunResult, runProgram } from "../../ops/engine/engine";
import { emptyState, type StackState } from "../../ops/engine/state";
import type { Sandbox } from "../../sandbox";

export const ROOT = path.resolve(__dirname, "../..");

export interface StackHarness {
    state: StackState;
    /** The stack config the next run uses; tests edit it between runs as `pulumi config set` would. */
    config: Record<string, unknown>;
    up(opts?: { refresh?: boolean }): Promise<RunResult>;
    preview(): Promise<RunResult>;
    destroy(): Promise<RunResult>;
}

/** Sandbox config with deploy timeouts at the test's time scale. */
export function stackHarness(sandbox: Sandbox, overrides: Record<string, unknown> = {}): StackHarness {
    const base = sandbox.stackConfig();
    const fly = { ...(base["hotdash:fly"] as object), deployTimeoutSeconds: 5, checkGraceSeconds: 0.2 };
    const h: StackHarness = {
        state: emptyState("sandbox"),
        config: { ...base, "hotdash:fly": fly, ...overrides },
        up: (opts = {}) => runProgram({ projectDir: ROOT, stack: "sandbox", config: h.config, state: h.state, mode: "up", ...opts }),
        preview: () => runProgram({ projectDir: ROOT, stack: "sandbox", config: h.config, state: h.state, mode: "preview" }),
        destroy: () => runProgram({ projectDir: ROOT, stack: "sandbox", config: h.config, state: h.state, mode: "destroy" }),
    };
    return h;
}
