/**
 * An app's Fly secrets: set in one call, names that left config unset, names the stack does not manage left alone.
 * Fly shows only a digest per secret, so drift is noticed by comparing the digests Fly reports with the ones it
 * returned when we last wrote. The output `version` is what machines pass as `min_secrets_version`.
 */
import * as pulumi from "@pulumi/pulumi";
import { type ConfiguredProvider, diffResult, DynamicResource, knownEntries, type ProviderConfig, secretValues } from "../dynamic";
import { FlySecretsApi } from "./client";
import { flyApi } from "./connect";

export interface FlySecretsInputs {
    readonly apiUrl: string;
    readonly app: string;
    /** Secret values by name (a secret input: encrypted in state). */
    readonly values: Readonly<Record<string, string>>;
}

export interface FlySecretsOutputs extends FlySecretsInputs {
    /** The app's secrets version after our last write. */
    readonly version: number;
    /** Fly's digest of each managed secret, as Fly reported it after our last write (secret: an unsalted hash of it). */
    readonly digests: Readonly<Record<string, string>>;
    /** The managed secrets' names, sorted (plain: Fly lists names openly). */
    readonly names: readonly string[];
    /**
     * Names whose values are equal, in sorted groups of two or more: plain, since it tells equality and never a value
     * (how a webhook rotation's phase is read without decrypting the state).
     */
    readonly sameValues: readonly (readonly string[])[];
}

/** The names and equal-value groups the digests show. */
export function plainFacts(digests: Readonly<Record<string, string>>): Pick<FlySecretsOutputs, "names" | "sameValues"> {
    const byDigest = new Map<string, string[]>();
    for (const [name, digest] of Object.entries(digests)) byDigest.set(digest, [...(byDigest.get(digest) ?? []), name]);
    return {
        names: Object.keys(digests).sort(),
        sameValues: [...byDigest.values()].filter((g) => g.length > 1).map((g) => [...g].sort()).sort((a, b) => a[0]!.localeCompare(b[0]!)),
    };
}

async function write(provider: { config?: ProviderConfig }, inputs: FlySecretsInputs, changes: Record<string, string | null>, before?: FlySecretsOutputs): Promise<FlySecretsOutputs> {
    if (Object.keys(changes).length === 0 && before) return { ...before, ...inputs, digests: before.digests, ...plainFacts(before.digests) };
    const res = await flyApi(FlySecretsApi, provider.config, inputs.apiUrl).setSecrets(inputs.app, changes);
    const digests = Object.fromEntries(res.secrets.filter((s) => s.name in inputs.values).map((s) => [s.name, s.digest]));
    return { ...inputs, version: res.version, digests, ...plainFacts(digests) };
}

export const flySecretsProvider: ConfiguredProvider<FlySecretsInputs, FlySecretsOutputs> = {
    async configure(req) {
        this.config = req.config;
    },

    async check(_olds, news) {
        const bad = knownEntries(news.values).map(([n]) => n).filter((n) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(n));
        return { inputs: news, failures: bad.map((n) => ({ property: "values", reason: `"${n}" is not a valid environment variable name` })) };
    },

    async diff(_id, olds, news) {
        const names = new Set([...Object.keys(olds.values ?? {}), ...Object.keys(news.values ?? {})]);
        const changed = [...names].some((n) => olds.values?.[n] !== news.values[n]);
        return diffResult([...(changed ? ["values"] : []), ...(olds.apiUrl !== news.apiUrl ? ["apiUrl"] : [])], olds.app !== news.app ? ["app"] : []);
    },

    async create(inputs) {
        return { id: `${inputs.app}/secrets`, outs: await write(this, inputs, { ...inputs.values }) };
    },

    /** Refresh: a secret changed or removed out of band loses its value in state, so the next `up` writes it again. */
    async read(id, props) {
        if (!props) return { id, props };
        const live = await flyApi(FlySecretsApi, this.config, props.apiUrl).listSecrets(props.app);
        const values: Record<string, string> = {};
        for (const [name, value] of Object.entries(props.values ?? {})) {
            const now = live.find((s) => s.name === name);
            if (now && now.digest === props.digests?.[name]) values[name] = value;
        }
        return { id, props: { ...props, values } };
    },

    async update(_id, olds, news) {
        const changes: Record<string, string | null> = {};
        for (const [name, value] of Object.entries(news.values)) if (olds.values?.[name] !== value) changes[name] = value;
        for (const name of Object.keys(olds.digests ?? {})) if (!(name in news.values)) changes[name] = null;
        return { outs: await write(this, news, changes, olds) };
    },

    async delete(_id, props) {
        const names = Object.keys(props.digests ?? {});
        if (names.length) await flyApi(FlySecretsApi, this.config, props.apiUrl).setSecrets(props.app, Object.fromEntries(names.map((n) => [n, null])));
    },
};

export interface FlySecretsArgs {
    readonly apiUrl: pulumi.Input<string>;
    readonly app: pulumi.Input<string>;
    readonly values: Readonly<Record<string, pulumi.Input<string>>>;
}

export class FlySecretsResource extends DynamicResource {
    declare readonly version: pulumi.Output<number>;
    declare readonly digests: pulumi.Output<Record<string, string>>;
    declare readonly names: pulumi.Output<string[]>;
    declare readonly sameValues: pulumi.Output<string[][]>;

    constructor(name: string, args: FlySecretsArgs, opts?: pulumi.CustomResourceOptions) {
        super(flySecretsProvider, name, { version: undefined, digests: undefined, names: undefined, sameValues: undefined, ...args, values: secretValues(args.values) }, {
            ...opts, additionalSecretOutputs: ["values", "digests"],
        }, "FlySecrets");
    }
}
