/**
 * Edge Function secrets of a Supabase project: one bulk upsert for what changed, a delete of only the names that
 * left config (never names the stack does not manage, never the platform's `SUPABASE_*`), and drift seen by
 * comparing `sha256(value)` with the digest the API lists. A no-op sends nothing.
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { type ConfiguredProvider, diffResult, DynamicResource, knownEntries, knownFailures, type ProviderConfig, secretValues } from "../dynamic";
import { supabaseClient } from "./connect";

export interface SupabaseSecretsInputs {
    readonly apiUrl: string;
    readonly projectRef: string;
    /** Secret values by name (a secret input: encrypted in state). */
    readonly values: Readonly<Record<string, string>>;
}

export type SupabaseSecretsOutputs = SupabaseSecretsInputs;

export function secretDigest(value: string): string {
    return createHash("sha256").update(value).digest("hex");
}

/** Why a name cannot be a project secret, or undefined. The API refuses the platform's prefix. */
export function secretNameProblem(name: string): string | undefined {
    if (/^SUPABASE_/.test(name)) return `"${name}" starts with SUPABASE_, which Supabase reserves for the secrets it injects itself; rename it`;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return `"${name}" is not a valid environment variable name`;
    if (name.length > 256) return `"${name}" is longer than 256 characters`;
    return undefined;
}

async function apply(config: ProviderConfig | undefined, inputs: SupabaseSecretsInputs, removed: readonly string[]): Promise<SupabaseSecretsOutputs> {
    const sb = supabaseClient(config, inputs.apiUrl);
    const live = await sb.listSecrets(inputs.projectRef);
    const changed = Object.entries(inputs.values)
        .filter(([name, value]) => live.find((s) => s.name === name)?.value !== secretDigest(value))
        .map(([name, value]) => ({ name, value }));
    if (changed.length) await sb.upsertSecrets(inputs.projectRef, changed);
    const gone = removed.filter((n) => live.some((s) => s.name === n) && !(n in inputs.values));
    if (gone.length) await sb.deleteSecrets(inputs.projectRef, gone);
    return inputs;
}

export const supabaseSecretsProvider: ConfiguredProvider<SupabaseSecretsInputs, SupabaseSecretsOutputs> = {
    async configure(req) {
        this.config = req.config;
    },

    async check(_olds, news) {
        const failures = knownEntries(news.values).map(([n]) => n).flatMap((n) => {
            const reason = secretNameProblem(n);
            return reason ? [{ property: "values", reason }] : [];
        });
        if (!/^[a-z]{20}$/.test(String(news.projectRef))) failures.push({ property: "projectRef", reason: `"${news.projectRef}" is not a Supabase project ref (20 lowercase letters)` });
        return { inputs: news, failures: knownFailures(news, failures) };
    },

    /** No API call: values are compared with what state holds (refresh puts the live digests' verdict there). */
    async diff(_id, olds, news) {
        const names = new Set([...Object.keys(olds.values ?? {}), ...Object.keys(news.values ?? {})]);
        const changed = [...names].some((n) => olds.values?.[n] !== news.values[n]);
        return diffResult([...(changed ? ["values"] : []), ...(olds.apiUrl !== news.apiUrl ? ["apiUrl"] : [])], olds.projectRef !== news.projectRef ? ["projectRef"] : []);
    },

    async create(inputs) {
        return { id: `${inputs.projectRef}/secrets`, outs: await apply(this.config, inputs, []) };
    },

    /** Refresh: a secret whose listed digest no longer matches its value was changed out of band; it leaves state. */
    async read(id, props) {
        if (!props) return { id, props };
        const live = await supabaseClient(this.config, props.apiUrl).listSecrets(props.projectRef);
        const values = Object.fromEntries(Object.entries(props.values ?? {}).filter(([n, v]) => live.find((s) => s.name === n)?.value === secretDigest(v)));
        return { id, props: { ...props, values } };
    },

    async update(_id, olds, news) {
        return { outs: await apply(this.config, news, Object.keys(olds.values ?? {})) };
    },

    async delete(_id, props) {
        const names = Object.keys(props.values ?? {});
        if (names.length) await supabaseClient(this.config, props.apiUrl).deleteSecrets(props.projectRef, names);
    },
};

export interface SupabaseSecretsArgs {
    readonly apiUrl: pulumi.Input<string>;
    readonly projectRef: pulumi.Input<string>;
    readonly values: Readonly<Record<string, pulumi.Input<string>>>;
}

export class SupabaseSecrets extends DynamicResource {
    constructor(name: string, args: SupabaseSecretsArgs, opts?: pulumi.CustomResourceOptions) {
        super(supabaseSecretsProvider, name, { ...args, values: secretValues(args.values) }, {
            ...opts, additionalSecretOutputs: ["values"],
        }, "SupabaseSecrets");
    }
}
