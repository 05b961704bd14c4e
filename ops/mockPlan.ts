/**
 * The program planned offline, under Pulumi's runtime mocks in preview mode (Pulumi's own testing facility): every
 * registration with its inputs, and each dynamic resource's `check()` run by its provider rebuilt from the serialized
 * text Pulumi would store, as a preview would. Nothing is created and no vendor is called (providers only check
 * inputs). It is what `launch policy` evaluates; the real engine runs everything else.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { specialSecretSig, specialSigKey } from "@pulumi/pulumi/runtime/rpc";
import { UNKNOWN } from "../providers/dynamic";

type Props = Record<string, unknown>;

/** One resource registration as the program declared it: what a policy sees. */
export interface Registration {
    readonly type: string;
    readonly name: string;
    readonly custom: boolean;
    /** Inputs with secrets unwrapped (policies see plaintext, as Pulumi's analyzer does); unknowns as UNKNOWN. */
    readonly inputs: Props;
    /** Top-level input keys that were secret. */
    readonly secretInputs: readonly string[];
}

export interface MockPlan {
    readonly registrations: readonly Registration[];
    /** Provider check failures and program errors, each `<resource>: <reason>`. */
    readonly errors: readonly string[];
}

export interface MockPlanOptions {
    readonly projectDir: string;
    readonly project: string;
    readonly stack: string;
    /** Stack config by full key: strings, or objects for structured values. */
    readonly config: Readonly<Record<string, unknown>>;
    readonly secretKeys: readonly string[];
}

function isSecretWrapper(v: unknown): v is { value: unknown } {
    return typeof v === "object" && v !== null && (v as Props)[specialSigKey] === specialSecretSig;
}

/** The plain value: secret wrappers removed, the mocks' unknowns as the sentinel a provider's check() gets. */
export function unwrap(v: unknown): unknown {
    if (typeof v === "object" && v !== null && (v as Props)["__pulumiUnknown"] === true) return UNKNOWN;
    if (isSecretWrapper(v)) return unwrap(v.value);
    if (Array.isArray(v)) return v.map(unwrap);
    if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrap(x)]));
    return v;
}

export function containsSecret(v: unknown): boolean {
    if (isSecretWrapper(v)) return true;
    if (Array.isArray(v)) return v.some(containsSecret);
    if (v !== null && typeof v === "object") return Object.values(v).some(containsSecret);
    return false;
}

type Provider = pulumi.dynamic.ResourceProvider;

export async function planUnderMocks(opts: MockPlanOptions): Promise<MockPlan> {
    const flat = Object.fromEntries(Object.entries(opts.config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
    const registrations: Registration[] = [];
    const errors: string[] = [];
    const providers = new Map<string, Provider>();
    const providerFor = async (text: string): Promise<Provider> => {
        let p = providers.get(text);
        if (!p) {
            p = (require("require-from-string") as (code: string) => { handler(): Provider })(text).handler();
            await p.configure?.({ config: { get: (k: string) => flat[k], require: (k: string) => { const v = flat[k]; if (v === undefined) throw new Error(`Missing required configuration key: ${k}`); return v; } } });
            providers.set(text, p);
        }
        return p;
    };

    await pulumi.runtime.setMocks({
        call: () => ({}),
        newResource: async (args) => {
            const inputs = unwrap(args.inputs ?? {}) as Props;
            registrations.push({
                type: args.type, name: args.name, custom: args.custom ?? true, inputs,
                secretInputs: Object.keys(args.inputs ?? {}).filter((k) => containsSecret(args.inputs[k])),
            });
            const text = inputs["__provider"];
            if (args.custom && typeof text === "string") {
                const checked = await (await providerFor(text)).check?.({}, inputs);
                if (checked?.failures?.length) {
                    const reason = `${args.name}: ${checked.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`;
                    errors.push(reason);
                    throw new Error(reason);
                }
            }
            // planned outputs: the inputs; anything else is unknown until apply
            return { id: undefined, state: args.inputs ?? {} };
        },
    }, opts.project, opts.stack, true);
    pulumi.runtime.setAllConfig(flat, [...opts.secretKeys]);

    // a failed check rejects Outputs the program never awaits: those failures are in `errors` already
    const noted = (): void => undefined;
    process.on("unhandledRejection", noted);
    try {
        const entry = require.resolve(path.join(opts.projectDir, "index.ts"));
        delete require.cache[entry];
        try {
            await require(entry); // the program's outputs, once it has declared everything
        } catch (err) {
            errors.push(`program: ${(err as Error).message}`);
        }
        await (require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> }).waitForRPCs();
        await new Promise((r) => setImmediate(r));
    } finally {
        process.off("unhandledRejection", noted);
    }
    return { registrations, errors };
}
