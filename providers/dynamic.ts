/**
 * What every dynamic provider of the project shares. Providers are plain object literals that Pulumi serializes into
 * the state: they hold no token. A token is read in `configure()` (the stack's config, which the engine hands over
 * decrypted) or from the environment inside a method, and lives only in the provider process.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ProviderTextCache } from "./providerTextCache";

/** How the engine hands a provider a value not known until apply (during preview): this sentinel string. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Whether a value, or anything inside it, is not known yet: check() validates only what is known. */
export function isUnknown(v: unknown): boolean {
    if (v === UNKNOWN) return true;
    if (Array.isArray(v)) return v.some(isUnknown);
    if (v !== null && typeof v === "object") return Object.values(v).some(isUnknown);
    return false;
}

/** check() failures, minus those about a property not known yet: a preview cannot judge it, the update will. */
export function knownFailures<I>(news: I, failures: readonly { property: string; reason: string }[]): { property: string; reason: string }[] {
    return failures.filter((f) => !isUnknown((news as Record<string, unknown>)[f.property]));
}

/** A map's entries, or none while the whole map is not known yet (its value the UNKNOWN string). */
export function knownEntries<V>(map: Readonly<Record<string, V>> | undefined): [string, V][] {
    return map !== null && typeof map === "object" ? Object.entries(map) : [];
}

/** Each value of a map made secret on its own, so its keys stay known (and visible to policies) in a preview. */
export function secretValues(values: Readonly<Record<string, pulumi.Input<string>>>): Record<string, pulumi.Output<string>> {
    return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, pulumi.secret(v)]));
}

/** The stack config a provider's `configure()` receives. */
export interface ProviderConfig {
    get(key: string): string | undefined;
}

/** A dynamic provider that remembers the stack config it was configured with (in memory, never serialized). */
export type ConfiguredProvider<I, O> = pulumi.dynamic.ResourceProvider<I, O> & { config?: ProviderConfig };

/** Where a credential may come from, and how to set it when it is missing. */
export interface CredentialSource {
    /** Stack config key, e.g. `hotdash:flyApiToken`. */
    readonly key: string;
    /** Environment variable fallback, e.g. `FLY_API_TOKEN`. */
    readonly env: string;
    /** What it is, for the error. */
    readonly describe: string;
}

/** The credential from the configured stack config, else the environment; a clear error naming both fixes if neither. */
export function credential(config: ProviderConfig | undefined, source: CredentialSource): string {
    const value = config?.get(source.key) ?? process.env[source.env];
    if (value && value.trim()) return value.trim();
    throw new Error(`${source.describe} is missing: set it with \`pulumi config set --secret ${source.key} <value>\` or export ${source.env}`);
}

/** A diff result from the names of changed and replacing properties. */
export function diffResult(changed: readonly string[], replaces: readonly string[] = [], deleteBeforeReplace = false): pulumi.dynamic.DiffResult {
    const all = [...new Set([...changed, ...replaces])];
    return {
        changes: all.length > 0,
        ...(replaces.length ? { replaces: [...replaces] } : {}),
        ...(deleteBeforeReplace && replaces.length ? { deleteBeforeReplace: true } : {}),
    };
}

/** Names of the keys whose values differ (as JSON), among `keys`. */
export function changedKeys<T extends object>(olds: Partial<T>, news: Partial<T>, keys: readonly (keyof T)[]): string[] {
    return keys.filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k])).map(String);
}

/** The module of the project's dynamic resource types: `pulumi-nodejs:dynamic/hotdash:<Type>`. */
export const DYNAMIC_MODULE = "hotdash";

export function dynamicType(type: string): string {
    return `pulumi-nodejs:dynamic/${DYNAMIC_MODULE}:${type}`;
}

/**
 * A resource of one of the project's dynamic providers: what `pulumi.dynamic.Resource` does (the provider serialized
 * into the `__provider` input, the type `pulumi-nodejs:dynamic/hotdash:<type>`), with four differences. Providers
 * are serialized one at a time in the order the program declares them, the event loop turning in between, so the
 * first resources register while later providers are still being serialized (all at once, they starved every
 * registration for 2 s). The text comes from the cache the program keeps (providerTextCache.ts) when the code is the
 * same. The text is minified (`stateText`). And a provider that would capture a secret fails the program instead of
 * putting the secret, encrypted, into state.
 */
export abstract class DynamicResource extends pulumi.CustomResource {
    constructor(provider: pulumi.dynamic.ResourceProvider, name: string, props: pulumi.Inputs, opts: pulumi.CustomResourceOptions | undefined, type: string) {
        super(dynamicType(type), name, { ...props, __provider: pulumi.output(providerText(provider, type)) }, opts);
    }
}

const serializedProviders = new WeakMap<object, Promise<string>>();
let lastSerialized: Promise<unknown> = Promise.resolve();
let cache: ProviderTextCache | undefined;

/** Keeps serialized providers in `cache` across runs (the program's entry sets it; tests serialize afresh). */
export function keepProviderTexts(c: ProviderTextCache | undefined): void {
    cache = c;
}

/**
 * A serialized provider minified, as it goes to state: each dynamic resource stores its provider's text twice (inputs
 * and outputs) and Pulumi rewrites the whole checkpoint on every step, so the text is most of every write (a first up
 * wrote 2.3 MB about 90 times; a third less saves half a second of it). Names are kept: errors still name functions.
 */
export async function stateText(serialized: string): Promise<string> {
    const { transform } = await import("esbuild"); // on a cache miss only
    return (await transform(serialized, { minify: true, keepNames: true, format: "cjs", target: "node22" })).code;
}

/** The provider's text as Pulumi writes it to state: serialized once per program, after every provider asked before it. */
export function providerText(provider: pulumi.dynamic.ResourceProvider, type: string): Promise<string> {
    let text = serializedProviders.get(provider);
    if (!text) {
        text = lastSerialized
            .then(() => new Promise((resolve) => setImmediate(resolve))) // the registrations' I/O runs in between
            .then(async () => {
                const kept = cache?.get(type);
                if (kept !== undefined) return kept;
                const fresh = await stateText((await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: false })).text);
                cache?.set(type, fresh);
                return fresh;
            });
        lastSerialized = text.catch(() => undefined); // the failure is this provider's resources', not the next one's
        serializedProviders.set(provider, text);
    }
    return text;
}
