/**
 * An in-process engine for the launch program: `pulumi.runtime.setMocks` runs the program, and every dynamic
 * resource is rebuilt from the serialized provider text Pulumi would store (as the engine's dynamic-provider host
 * rebuilds it), configured with the stack config, and driven through check, diff, create, update, read and delete
 * against real endpoints, with state kept between runs. It is what the whole-stack tests use, what `launch up` uses
 * where the Pulumi CLI is absent (sandbox only), and, in preview mode, what `launch policy` evaluates.
 *
 * It is not Pulumi's engine: no parallel step scheduling beyond the program's own, no resource options beyond what
 * the mock monitor reports, replacements done as create-then-delete unless the provider asks otherwise.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { SECRET_NAMES_AS_KEYS } from "../../components/config/validate";
import { SECRET_OUTPUTS } from "../../providers/dynamic";
import { LOCAL_COMMAND, localCommand, RANDOM_PASSWORD, randomPassword } from "./builtins";
import { emptyState, type ResourceState, type StackState } from "./state";
import { containsSecret, resolveOutput, unwrap } from "./values";

type Props = Record<string, unknown>;
type Provider = pulumi.dynamic.ResourceProvider & { config?: unknown };

export type Operation = "create" | "update" | "replace" | "delete" | "same" | "refresh" | "read";

export interface EngineEvent {
    readonly op: Operation;
    readonly key: string;
    readonly type: string;
    readonly name: string;
}

/** One resource registration as the program declared it: what a policy sees. */
export interface Registration {
    readonly key: string;
    readonly type: string;
    readonly name: string;
    readonly custom: boolean;
    /** Inputs with secrets unwrapped (policies see plaintext, as Pulumi's analyzer does). */
    readonly inputs: Props;
    /** Top-level input keys that were secret. */
    readonly secretInputs: readonly string[];
}

export interface RunOptions {
    /** Directory of the Pulumi project (where `index.ts` is). */
    readonly projectDir: string;
    readonly project?: string;
    readonly stack: string;
    /** Stack config by full key (`hotdash:fly`): strings, or objects for structured values. */
    readonly config: Readonly<Record<string, unknown>>;
    /** Config keys set with --secret. */
    readonly secretKeys?: readonly string[];
    /** State before the run; defaults to empty. Updated in place and returned. */
    readonly state?: StackState;
    /** `up` applies, `preview` only plans (no provider call but check and diff), `destroy` deletes everything. */
    readonly mode: "up" | "preview" | "destroy";
    /** Refresh every resource (provider `read`) before running. */
    readonly refresh?: boolean;
    readonly onEvent?: (e: EngineEvent) => void;
}

export interface RunResult {
    readonly state: StackState;
    readonly ok: boolean;
    /** Provider and program errors, in the order they happened. */
    readonly errors: readonly string[];
    readonly events: readonly EngineEvent[];
    readonly registrations: readonly Registration[];
    /** Stack outputs; secret ones appear as "[secret]". */
    readonly outputs: Readonly<Record<string, unknown>>;
}

/** Output keys a resource type stores encrypted whatever its inputs (additionalSecretOutputs, which mocks never see). */
function secretOutputsOf(type: string): readonly string[] {
    if (type === RANDOM_PASSWORD) return ["result", "bcryptHash"];
    if (type === LOCAL_COMMAND) return ["stdout", "stderr"];
    return SECRET_OUTPUTS[type] ?? [];
}

const providerTexts: Record<string, Provider> = {};

/** The provider a serialized `__provider` text rebuilds to, as the dynamic-provider host does it. */
function rebuild(text: string): Provider {
    const cached = providerTexts[text];
    if (cached) return cached;
    const provider = (require("require-from-string") as (code: string) => { handler(): Provider })(text).handler();
    providerTexts[text] = provider;
    return provider;
}

function stringConfig(config: Readonly<Record<string, unknown>>): Record<string, string> {
    return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}

export async function runProgram(opts: RunOptions): Promise<RunResult> {
    const state = opts.state ?? emptyState(opts.stack);
    const flatConfig = stringConfig(opts.config);
    const errors: string[] = [];
    const events: EngineEvent[] = [];
    const registrations: Registration[] = [];
    const seen: string[] = [];
    const configured: Provider[] = [];
    let seq = state.resources.reduce((m, r) => Math.max(m, r.seq), 0);
    const preview = opts.mode === "preview";

    const emit = (op: Operation, r: { key: string; type: string; name: string }): void => {
        const e = { op, key: r.key, type: r.type, name: r.name };
        events.push(e);
        opts.onEvent?.(e);
    };
    const prior = (k: string): ResourceState | undefined => state.resources.find((r) => r.key === k);
    const store = (r: ResourceState): void => {
        state.resources = [...state.resources.filter((x) => x.key !== r.key), r];
    };
    const forget = (k: string): void => {
        state.resources = state.resources.filter((x) => x.key !== k);
    };
    const providerFor = async (text: string): Promise<Provider> => {
        const p = rebuild(text);
        if (!configured.includes(p)) {
            configured.push(p);
            await p.configure?.({ config: { get: (k: string) => flatConfig[k], require: (k: string) => { const v = flatConfig[k]; if (v === undefined) throw new Error(`Missing required configuration key: ${k}`); return v; } } });
        }
        return p;
    };

    const deleteResource = async (r: ResourceState): Promise<void> => {
        const text = r.outputs["__provider"];
        if (typeof text === "string") {
            const p = await providerFor(text);
            await p.delete?.(r.id ?? "", r.outputs);
        }
        forget(r.key);
        emit("delete", r);
    };

    if (opts.refresh && !preview) {
        for (const r of [...state.resources]) {
            const text = r.outputs["__provider"];
            if (typeof text !== "string") continue;
            const p = await providerFor(text);
            if (!p.read) continue;
            const read = await p.read(r.id ?? "", r.outputs);
            if (!read.id) forget(r.key);
            else store({ ...r, outputs: { ...read.props, __provider: text } });
            emit("refresh", r);
        }
    }

    const mocks: pulumi.runtime.Mocks = {
        call: () => ({}),
        newResource: async (args) => {
            const key = `${args.type}::${args.name}`;
            const secretInputs = Object.keys(args.inputs ?? {}).filter((k) => containsSecret(args.inputs[k]));
            const inputs = unwrap(args.inputs ?? {}) as Props;
            registrations.push({ key, type: args.type, name: args.name, custom: args.custom ?? true, inputs, secretInputs });
            seen.push(key);
            const before = prior(key);
            const secretKeys = [...new Set([...secretInputs, ...secretOutputsOf(args.type)])];
            const answer = (outputs: Props, id: string | undefined): pulumi.runtime.MockResourceResult => ({
                id,
                state: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, secretKeys.includes(k) ? pulumi.secret(v) : v])),
            });
            try {
                if (!args.custom) return answer(inputs, undefined); // a component: its outputs come from registerOutputs

                if (args.type === RANDOM_PASSWORD || args.type === LOCAL_COMMAND) {
                    if (preview) return answer({ ...before?.outputs, ...inputs }, before?.id ?? `${args.name}-id`);
                    const outputs = args.type === RANDOM_PASSWORD
                        ? randomPassword(inputs, before?.outputs).outputs
                        : await localCommand(inputs, before?.outputs);
                    const changed = !before || JSON.stringify(before.outputs) !== JSON.stringify(outputs);
                    store({ key, type: args.type, name: args.name, custom: true, id: before?.id ?? `${args.name}-id`, inputs, outputs, secretKeys, seq: before?.seq ?? ++seq });
                    emit(!before ? "create" : changed ? "replace" : "same", { key, type: args.type, name: args.name });
                    return answer(outputs, before?.id ?? `${args.name}-id`);
                }

                const text = inputs["__provider"];
                if (typeof text !== "string") throw new Error(`${key}: not a dynamic resource, and the in-process engine does not run plugin ${args.type.split(":")[0]}`);
                const p = await providerFor(text);
                const checked = p.check ? await p.check(before?.inputs ?? {}, inputs) : { inputs, failures: [] };
                if (checked.failures?.length) {
                    throw new Error(`${args.name}: ${checked.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
                }
                const news = (checked.inputs ?? inputs) as Props;
                if (!before) {
                    if (preview) return answer(news, undefined);
                    const created = await p.create(news);
                    const outputs = { ...created.outs, __provider: text };
                    store({ key, type: args.type, name: args.name, custom: true, id: created.id, inputs: news, outputs, secretKeys, seq: ++seq });
                    emit("create", { key, type: args.type, name: args.name });
                    return answer(outputs, created.id);
                }
                const diff = p.diff ? await p.diff(before.id ?? "", before.outputs, news) : { changes: JSON.stringify(before.inputs) !== JSON.stringify(news) };
                if (diff.changes === false || (!diff.changes && !diff.replaces?.length)) {
                    // the engine keeps the old outputs and records the new inputs, __provider included
                    const outputs = { ...before.outputs };
                    if (!preview) store({ ...before, inputs: news, secretKeys });
                    emit("same", { key, type: args.type, name: args.name });
                    return answer(outputs, before.id);
                }
                if (preview) {
                    emit(diff.replaces?.length ? "replace" : "update", { key, type: args.type, name: args.name });
                    return answer({ ...before.outputs, ...news }, before.id);
                }
                if (diff.replaces?.length) {
                    if (diff.deleteBeforeReplace) await deleteResource(before);
                    const created = await p.create(news);
                    if (!diff.deleteBeforeReplace) {
                        const oldText = before.outputs["__provider"];
                        await (typeof oldText === "string" ? await providerFor(oldText) : p).delete?.(before.id ?? "", before.outputs);
                    }
                    const outputs = { ...created.outs, __provider: text };
                    store({ key, type: args.type, name: args.name, custom: true, id: created.id, inputs: news, outputs, secretKeys, seq: ++seq });
                    emit("replace", { key, type: args.type, name: args.name });
                    return answer(outputs, created.id);
                }
                const updated = p.update ? await p.update(before.id ?? "", before.outputs, news) : { outs: news };
                const outputs = { ...updated.outs, __provider: text };
                store({ ...before, inputs: news, outputs, secretKeys });
                emit("update", { key, type: args.type, name: args.name });
                return answer(outputs, before.id);
            } catch (err) {
                errors.push(`${args.name}: ${(err as Error).message}`);
                throw err;
            }
        },
    };

    let outputs: Record<string, unknown> = {};
    // failed registrations reject Outputs that the SDK awaits late or never: the failures are in `errors`
    const swallow = (): void => undefined;
    process.on("unhandledRejection", swallow);
    process.on("rejectionHandled", swallow);
    try {
        if (opts.mode === "destroy") {
            for (const r of [...state.resources].sort((a, b) => b.seq - a.seq)) await deleteResource(r);
        } else {
            pulumi.runtime.setAllConfig(flatConfig, [...(opts.secretKeys ?? [])]);
            await pulumi.runtime.setMocks(mocks, opts.project ?? "hotdash-launch", opts.stack, preview);
            const entry = require.resolve(path.join(opts.projectDir, "index.ts"));
            delete require.cache[entry];
            let exported: Props = {};
            try {
                exported = require(entry) as Props;
            } catch (err) {
                errors.push((err as Error).message);
            }
            await (require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> }).waitForRPCs();
            const resolved = await Promise.allSettled(Object.entries(exported).map(async ([k, v]) => [k, await resolveOutput(v)] as const));
            outputs = {};
            const secretOutputs: string[] = [];
            for (const r of resolved) {
                if (r.status === "rejected") continue;
                const [k, { value, secret }] = r.value;
                outputs[k] = value;
                if (secret) secretOutputs.push(k);
            }
            if (!preview && errors.length === 0) {
                // what the program no longer declares goes, dependents (created later) first
                for (const r of [...state.resources].filter((x) => !seen.includes(x.key)).sort((a, b) => b.seq - a.seq)) {
                    try {
                        await deleteResource(r);
                    } catch (err) {
                        errors.push(`${r.name}: ${(err as Error).message}`);
                    }
                }
                state.outputs = outputs;
                state.secretOutputs = secretOutputs;
            }
            outputs = Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, secretOutputs.includes(k) ? "[secret]" : v]));
        }
    } finally {
        // let late rejections of failed registrations land before the handler goes
        await new Promise((r) => setImmediate(r));
        process.off("unhandledRejection", swallow);
        process.off("rejectionHandled", swallow);
    }
    if (!preview) {
        const plainConfig = Object.fromEntries(Object.entries(opts.config).filter(([k]) => !(opts.secretKeys ?? []).includes(k) && !SECRET_NAMES_AS_KEYS.includes(k)));
        state.updates.push({ kind: opts.mode === "destroy" ? "destroy" : "update", at: new Date().toISOString(), result: errors.length ? "failed" : "succeeded", config: plainConfig });
    }
    return { state, ok: errors.length === 0, errors, events, registrations, outputs };
}
