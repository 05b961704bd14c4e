/**
 * Component wiring tests under `pulumi.runtime.setMocks`: every registration recorded with its inputs (secrets
 * unwrapped but flagged), its parent and the options the mock API does not pass on (additionalSecretOutputs,
 * dependencies), plus a way to await an Output with a timeout (a never-resolving Output would otherwise hang).
 *
 * setMocks is process-global and mocha loads every spec file before running any, so install the mocks in a
 * `before` hook (useMocks does) rather than at a file's top level, and import the module under test afterwards, or
 * make sure it creates no resources at import time.
 */
import * as pulumi from "@pulumi/pulumi";

/** The engine's marker for a secret value (`runtime/rpc.js`): a secret input reaches the mock as `{[SIG]: SECRET, value}`. */
export const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270";

export interface SecretInput {
    readonly [SECRET_SIG_KEY]: typeof SECRET_SIG_VALUE;
    readonly value: unknown;
}

export function isSecretInput(v: unknown): v is SecretInput {
    return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG_VALUE;
}

/** A copy of `v` with every secret replaced by its value, and the paths (`environment.URL`, `triggers[0]`) that were secret. */
export function unwrapSecrets(v: unknown, at = ""): { value: unknown; secretPaths: string[] } {
    if (isSecretInput(v)) {
        const inner = unwrapSecrets(v.value, at);
        return { value: inner.value, secretPaths: [at, ...inner.secretPaths] };
    }
    if (Array.isArray(v)) {
        const parts = v.map((x, i) => unwrapSecrets(x, `${at}[${i}]`));
        return { value: parts.map((p) => p.value), secretPaths: parts.flatMap((p) => p.secretPaths) };
    }
    if (typeof v === "object" && v !== null) {
        const out: Record<string, unknown> = {};
        const secretPaths: string[] = [];
        for (const [k, x] of Object.entries(v)) {
            const p = unwrapSecrets(x, at ? `${at}.${k}` : k);
            out[k] = p.value;
            secretPaths.push(...p.secretPaths);
        }
        return { value: out, secretPaths };
    }
    return { value: v, secretPaths: [] };
}

/** The value inside a secret input, or the input itself. */
export function unwrapSecret(v: unknown): unknown {
    return unwrapSecrets(v).value;
}

/**
 * Whether the input at `path` was secret, itself or as part of a secret parent: the SDK marks a whole map secret
 * when one of its values is (an `environment` map holding one secret arrives as one secret object).
 */
export function isSecretAt(reg: Pick<Registration, "secretPaths">, path: string): boolean {
    return reg.secretPaths.some((p) => p === "" || p === path || path.startsWith(`${p}.`) || path.startsWith(`${p}[`));
}

export interface Registration {
    readonly type: string;
    readonly name: string;
    /** False for components. */
    readonly custom: boolean;
    /** Inputs as the mock received them, secrets still wrapped. */
    readonly rawInputs: Record<string, unknown>;
    /** Inputs with secrets unwrapped; see secretPaths for which were secret. */
    readonly inputs: Record<string, unknown>;
    /** Paths of inputs that were secret, e.g. `environment.HOTDASH_DATABASE_URL`. */
    readonly secretPaths: readonly string[];
    /** Parent URN; undefined for a top-level resource (and for `Resource.get` reads). */
    readonly parent?: string;
    readonly additionalSecretOutputs: readonly string[];
    /** URNs of the resource's dependencies (dependsOn and those of its inputs). */
    readonly dependencies: readonly string[];
    /** Set for reads (`Resource.get`) and imports. */
    readonly id?: string;
}

export interface MockOptions {
    /** Outputs to add to the echoed inputs for a registration (return undefined for none). */
    readonly state?: (args: pulumi.runtime.MockResourceArgs) => Record<string, unknown> | undefined;
    /** Invoke results by token. Defaults to echoing the inputs. */
    readonly call?: (args: pulumi.runtime.MockCallArgs) => Record<string, unknown>;
    /** Stack config by full key (`hotdash:databaseUrl`), set before anything reads it. */
    readonly config?: Record<string, string>;
    /** Which config keys are secrets. */
    readonly secretKeys?: readonly string[];
    readonly project?: string;
    readonly stack?: string;
    /** Preview: outputs the mock does not return are unknown, so awaiting them times out. */
    readonly preview?: boolean;
}

export interface MockRecorder {
    readonly registrations: readonly Registration[];
    /** The registration of that type and name; throws listing what was registered. */
    find(type: string, name: string): Registration;
    /** Waits until a registration of that type and name arrives (registrations are asynchronous). */
    waitFor(type: string, name: string, timeoutMs?: number): Promise<Registration>;
    /** Forgets everything recorded so far. */
    reset(): void;
}

/** The parts of a RegisterResourceRequest the recorder reads (the generated protobuf class). */
interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getAdditionalsecretoutputsList(): string[];
    getDependenciesList(): string[];
}
type Monitor = { registerResource(req: RegisterRequest, cb: unknown): unknown };

/** Installs mocks and config now and returns the recorder. */
export async function installMocks(opts: MockOptions = {}): Promise<MockRecorder> {
    const registrations: Registration[] = [];
    // newResource is called synchronously at the start of MockMonitor.registerResource, so the request the wrapper
    // below saw last is the one being mocked: that is where the parent and the options come from
    let current: RegisterRequest | undefined;

    const record = (args: pulumi.runtime.MockResourceArgs) => {
        const req = current && current.getType() === args.type && current.getName() === args.name ? current : undefined;
        const rawInputs = (args.inputs ?? {}) as Record<string, unknown>;
        const { value, secretPaths } = unwrapSecrets(rawInputs);
        registrations.push({
            type: args.type,
            name: args.name,
            custom: args.custom ?? true,
            rawInputs,
            inputs: value as Record<string, unknown>,
            secretPaths,
            ...(req?.getParent() ? { parent: req.getParent() } : {}),
            additionalSecretOutputs: req?.getAdditionalsecretoutputsList() ?? [],
            dependencies: req?.getDependenciesList() ?? [],
            ...(args.id ? { id: args.id } : {}),
        });
    };

    await pulumi.runtime.setMocks({
        newResource(args) {
            record(args);
            return { id: args.custom === false ? undefined : `${args.name}_id`, state: { ...args.inputs, ...opts.state?.(args) } };
        },
        call: (args) => opts.call?.(args) ?? args.inputs,
    }, opts.project ?? "hotdash-launch", opts.stack ?? "test", opts.preview ?? false);
    const monitor = pulumi.runtime.getMonitor() as unknown as Monitor;
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, cb) => {
        current = req;
        try {
            return register(req, cb);
        } finally {
            current = undefined;
        }
    };
    pulumi.runtime.setAllConfig(opts.config ?? {}, [...(opts.secretKeys ?? [])]);

    const lookup = (type: string, name: string) => registrations.find((r) => r.type === type && r.name === name);
    const find = (type: string, name: string): Registration => {
        const found = lookup(type, name);
        if (!found) {
            const seen = registrations.map((r) => `${r.type} ${r.name}`).join(", ") || "nothing";
            throw new Error(`no ${type} named ${name} was registered; registered: ${seen}`);
        }
        return found;
    };
    return {
        registrations,
        find,
        async waitFor(type, name, timeoutMs = 2000) {
            const deadline = Date.now() + timeoutMs;
            for (;;) {
                const found = lookup(type, name);
                if (found) return found;
                if (Date.now() > deadline) return find(type, name);
                await new Promise((r) => setTimeout(r, 5));
            }
        },
        reset() {
            registrations.length = 0;
        },
    };
}

/** Mocha hooks: mocks installed before the enclosing `describe`, the record cleared before each test. */
export function useMocks(opts: MockOptions = {}): () => MockRecorder {
    let recorder: MockRecorder | undefined;
    before(async () => {
        recorder = await installMocks(opts);
    });
    beforeEach(() => recorder?.reset());
    return () => {
        if (!recorder) throw new Error("mocks not installed");
        return recorder;
    };
}

/** The value of an Output, or an error after `timeoutMs` (an unknown Output, as in preview, never resolves). */
export function outputValue<T>(o: pulumi.Output<T>, timeoutMs = 2000): Promise<T> {
    return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`Output did not resolve within ${timeoutMs} ms (unknown, as in a preview?)`)), timeoutMs);
        o.apply((v) => {
            clearTimeout(timer);
            resolve(v);
            return v;
        });
    });
}
