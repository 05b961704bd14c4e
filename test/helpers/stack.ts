/**
 * The whole launch program on Pulumi's real engine (DESIGN.md test level 5): the toolchain's CLI through the
 * Automation API, a throwaway project directory whose Pulumi.yaml runs the repo's index.ts, a file backend, and stack
 * config pointed at the test's sandbox. Tests edit `config` between runs as `pulumi config set` would.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { EngineEvent as PulumiEvent, Stack } from "@pulumi/pulumi/automation";
import { parse, stringify } from "yaml";
import { SECRET_NAMES_AS_KEYS } from "../../components/config/validate";
import { locatePulumi, type LocatedPulumi } from "../../ops/toolchain/locate";
import { selectStack, stackEnv } from "../../ops/workspace";
import type { Sandbox } from "../../sandbox";

export const ROOT = path.resolve(__dirname, "../..");
const PASSPHRASE = "hotdash-test";

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
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "hotdash-stack-"));
    const backendDir = path.join(workDir, "state");
    fs.mkdirSync(backendDir);
    fs.writeFileSync(path.join(workDir, "Pulumi.yaml"), stringify({
        name: "hotdash-launch", main: ROOT, runtime: { name: "nodejs", options: { typescript: true } },
    }));
    const base = sandbox.stackConfig();
    const fly = { ...(base["hotdash:fly"] as object), deployTimeoutSeconds: 5, checkGraceSeconds: 0.2 };
    const stackFile = path.join(workDir, `Pulumi.${stackName}.yaml`);
    let stack: Stack | undefined;

    const open = async (): Promise<Stack> => {
        // the config file as `pulumi config set` leaves it, keeping what Pulumi wrote (the passphrase's salt)
        const existing = fs.existsSync(stackFile) ? (parse(fs.readFileSync(stackFile, "utf8")) as Record<string, unknown>) : {};
        const plain = Object.fromEntries(Object.entries(h.config).filter(([k]) => !SECRET_NAMES_AS_KEYS.includes(k)));
        // strings quoted: Pulumi would read an unquoted 2025-10-13 as a timestamp
        fs.writeFileSync(stackFile, stringify({ ...existing, config: plain }, { defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN" }));
        stack ??= await selectStack({ workDir, stack: stackName, backendUrl: `file://${backendDir}`, passphrase: PASSPHRASE }, await testPulumi());
        // secrets as a user sets them: `pulumi config set --secret`, so Pulumi keeps them encrypted everywhere
        const secrets = Object.entries(h.config).filter(([k, v]) => SECRET_NAMES_AS_KEYS.includes(k) && typeof v === "string");
        if (secrets.length) await stack.setAllConfig(Object.fromEntries(secrets.map(([k, v]) => [k, { value: String(v), secret: true }])));
        return stack;
    };

    const run = async (fn: (s: Stack, o: { onEvent(e: PulumiEvent): void; onOutput(t: string): void; color: "never" }) => Promise<{ outputs?: Record<string, { value: unknown; secret: boolean }> }>): Promise<RunResult> => {
        const s = await open();
        const events: StepEvent[] = [];
        const errors: string[] = [];
        let text = "";
        const opts = {
            color: "never" as const,
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
        up: (o = {}) => run((s, opts) => s.up({ ...opts, ...(o.refresh ? { refresh: true } : {}) })),
        preview: (o = {}) => run(async (s, opts) => { await s.preview({ ...opts, ...(o.policyPacks ? { policyPacks: [...o.policyPacks] } : {}) }); return {}; }),
        refresh: () => run(async (s, opts) => { await s.refresh(opts); return {}; }),
        destroy: () => run(async (s, opts) => { await s.destroy(opts); return {}; }),
        exportState: async () => {
            await open();
            // not the Automation API's exportStack, which asks for --show-secrets: the checkpoint as Pulumi stores it
            const located = await testPulumi();
            const env = stackEnv({ workDir, stack: stackName, backendUrl: `file://${backendDir}`, passphrase: PASSPHRASE }, located);
            return JSON.parse(execFileSync(located.pulumi, ["stack", "export", "--stack", stackName], { cwd: workDir, encoding: "utf8", maxBuffer: 256 * 1024 * 1024, env: { ...process.env, ...env } })) as unknown;
        },
        dispose: () => fs.rmSync(workDir, { recursive: true, force: true }),
    };
    return h;
}
