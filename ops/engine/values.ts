/**
 * Pulumi's wire encoding of property values, as the mock monitor hands them over: secrets arrive wrapped in a
 * signature object, unknowns (during preview) as the SDK's `Unknown` object. Providers get unknowns as the dynamic
 * provider host gives them: the engine's sentinel string.
 */
import * as pulumi from "@pulumi/pulumi";

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
import { UNKNOWN } from "../../providers/dynamic";

function isMockUnknown(v: unknown): boolean {
    return typeof v === "object" && v !== null && (v as Record<string, unknown>)["__pulumiUnknown"] === true;
}

function isSecretWrapper(v: unknown): v is { value: unknown } {
    return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
}

/** The plain value, with every secret wrapper removed and every unknown as the engine's sentinel. */
export function unwrap(v: unknown): unknown {
    if (isMockUnknown(v)) return UNKNOWN;
    if (isSecretWrapper(v)) return unwrap(v.value);
    if (Array.isArray(v)) return v.map(unwrap);
    if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unwrap(x)]));
    return v;
}

/** Whether a secret wrapper appears anywhere in the value. */
export function containsSecret(v: unknown): boolean {
    if (isSecretWrapper(v)) return true;
    if (Array.isArray(v)) return v.some(containsSecret);
    if (v !== null && typeof v === "object") return Object.values(v).some(containsSecret);
    return false;
}

/** Resolves an Output (or a structure of them) to its value and whether it is secret; rejects if it failed. */
export async function resolveOutput(v: unknown): Promise<{ value: unknown; secret: boolean; known: boolean }> {
    const out = pulumi.output(v) as pulumi.Output<unknown> & { promise(): Promise<unknown>; isSecret: Promise<boolean>; isKnown: Promise<boolean> };
    const [value, secret, known] = await Promise.all([out.promise(), out.isSecret, out.isKnown]);
    return { value, secret, known };
}
