/**
 * The whole launch program on Pulumi's real engine (DESIGN.md test level 5): the toolchain's CLI through the
 * Automation API, a throwaway project directory whose Pulumi.yaml runs the repo's index.ts, a file backend, and stack
 * config pointed at the test's sandbox. Tests edit `config` between runs as `pulumi config set` would.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import type { EngineEvent as PulumiEvent, Stack } from "@pulumi/pulumi/automation";
import { throwawayStack } from "../../ops/throwawayStack";
import { locatePulumi, type LocatedPulumi } from "../../ops/toolchain/locate";
import { RUN_OPTIONS, stackCli, type StackTarget } from "../../ops/workspace";
import type { Sandbox } from "../../sandbox";

export const ROOT = path.resolve(__dirname, "../..");
/** The passphrase of the test stacks' secrets. */
export const STACK_PASSPHRASE = "hotdash-test";

/**
 * A small project of a test's own in `projectDir`: a one-file program in program/ beside the project's node_modules,
 * and the Pulumi.yaml that runs it (as TypeScript when the file is index.ts).
 */
export function writeSmallProject(projectDir: string, name: string, file: "index.js" | "index.ts", source: string): void {
    const program = path.join(projectDir, "program");
    fs.mkdirSync(program, { recursive: true });
    fs.writeFileSync(path.join(program, file), source);
    fs.writeFileSync(path.join(program, "package.json"), JSON.stringify({ name, main: file }));
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(program, "node_modules"));
    fs.writeFileSync(path.join(projectDir, "Pulumi.yaml"), stringify({ name, main: program, runtime: { name: "nodejs", options: { typescript: file.endsWith(".ts") } } }));
}

export type Operation = "create" | "update" | "replace" | "delete" | "same" | "refresh" | "read" | "other";

export interface StepEvent {
    readonly op: Operation;
    readonly type: string;
    readonly name: string;
}

export interface RunResult {
    readonly ok: boolean;
    /** Error diagnostics, in order. */
    readonly errors: readonly string[];
    /** Every step the engine took, in order. */
    readonly events: readonly StepEvent[];
    /** Stack outputs; secret ones as "[secret]". */
    readonly outputs: Readonly<Record<string, unknown>>;
    /** Everything Pulumi printed. */
    readonly text: string;
}

export interface StackHarness {
    config: Record<string, unknown>;
    readonly workDir: string;
    /** The file backend's directory. */
    readonly backendDir: string;
    /** Where the stack is, for `launch` functions that read it through the Automation API. */
    readonly target: StackTarget;
    up(opts?: { refresh?: boolean }): Promise<RunResult>;
    /** `pulumi preview`, with `--policy-pack` for each pack given. */
    preview(opts?: { policyPacks?: readonly string[] }): Promise<RunResult>;
    refresh(): Promise<RunResult>;
    destroy(): Promise<RunResult>;
    /** `pulumi stack export`: Pulumi's own checkpoint, secrets encrypted. */
    exportState(): Promise<unknown>;
    dispose(): void;
}

let located: Promise<LocatedPulumi> | undefined;

/** The toolchain the tests run (built from Go modules on a machine without it; `.ci/run` builds it first). */
export function testPulumi(): Promise<LocatedPulumi> {
    located ??= locatePulumi({ install: false, onProgress: (l) => console.log(`      ${l}`) });
    return located;
}

function stepOf(e: PulumiEvent): StepEvent | undefined {
    const m = e.resOutputsEvent?.metadata;
    if (!m) return undefined;
    const op = ({ create: "create", update: "update", replace: "replace", "create-replacement": "replace", delete: "delete", "delete-replaced": "delete", same: "same", refresh: "refresh", read: "read" } as Record<string, Operation>)[m.op] ?? "other";
    return { op, type: m.type.replace("pulumi-nodejs:dynamic/hotdash:", "hotdash:"), name: m.urn.slice(m.urn.lastIndexOf("::") + 2) };
}

/** One stack on the describe block's sandbox, made in `before` and removed in `after`. */
export function useStack(sandbox: () => Sandbox, overrides: Record<string, unknown> = {}): () => StackHarness {
    let h: StackHarness | undefined;
    before(() => {
        h = stackHarness(sandbox(), overrides);
    });
    after(() => h?.dispose());
    return () => {
        if (!h) throw new Error("stack not made");
        return h;
    };
}

/** Sandbox config with deploy timeouts at the test's time scale. */
export function stackHarness(sandbox: Sandbox, overrides: Record<string, unknown> = {}, stackName = "sandbox"): StackHarness {
    const staged = throwawayStack({ projectDir: ROOT, stack: stackName, passphrase: STACK_PASSPHRASE, pulumi: testPulumi });
    const { workDir, backendDir } = staged;
    const base = sandbox.stackConfig();
    const fly = { ...(base["hotdash:fly"] as object), deployTimeoutSeconds: 5, checkGraceSeconds: 0.2 };
    const open = (): Promise<Stack> => staged.configure(h.config);

    const run = async (fn: (s: Stack, o: typeof RUN_OPTIONS & { onEvent(e: PulumiEvent): void; onOutput(t: string): void }) => Promise<{ outputs?: Record<string, { value: unknown; secret: boolean }> }>): Promise<RunResult> => {
        const s = await open();
        const events: StepEvent[] = [];
        const errors: string[] = [];
        let text = "";
        const opts = {
            ...RUN_OPTIONS,
            onOutput: (t: string) => { text += t; },
            onEvent: (e: PulumiEvent) => {
                const step = stepOf(e);
                if (step) events.push(step);
                const d = e.diagnosticEvent;
                if (d?.severity === "error") errors.push(d.message.trim());
            },
        };
        try {
            const result = await fn(s, opts);
            const outputs = Object.fromEntries(Object.entries(result.outputs ?? {}).map(([k, v]) => [k, v.secret ? "[secret]" : v.value]));
            return { ok: true, errors, events, outputs, text };
        } catch (e) {
            if (!errors.length) errors.push((e as Error).message);
            return { ok: false, errors, events, outputs: {}, text };
        }
    };

    const h: StackHarness = {
        config: { ...base, "hotdash:fly": fly, ...overrides },
        workDir,
        backendDir,
        target: staged.target,
        up: (o = {}) => run((s, opts) => s.up({ ...opts, ...(o.refresh ? { refresh: true } : {}) })),
        preview: (o = {}) => run(async (s, opts) => { await s.preview({ ...opts, ...(o.policyPacks ? { policyPacks: [...o.policyPacks] } : {}) }); return {}; }),
        refresh: () => run(async (s, opts) => { await s.refresh(opts); return {}; }),
        destroy: () => run(async (s, opts) => { await s.destroy(opts); return {}; }),
        exportState: async () => {
            await open();
            // not the Automation API's exportStack, which asks for --show-secrets: the checkpoint as Pulumi stores it
            return JSON.parse(await stackCli(h.target, await testPulumi())(["stack", "export"])) as unknown;
        },
        dispose: staged.dispose,
    };
    return h;
}
