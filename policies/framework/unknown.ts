/**
 * Values not known until apply. Pulumi's analyzer hands policies one of seven sentinel strings, the mock monitor
 * (and so `launch policy`, which plans under Pulumi's mocks) an `Unknown` object; both become the one `UNKNOWN`
 * marker here, so a rule asks `isUnknown(v)` and never touches a proxy that throws.
 */

/** The marker every unknown becomes once props are normalized. */
export const UNKNOWN: { readonly unknown: true } = Object.freeze({ unknown: true as const });

export type Unknown = typeof UNKNOWN;

/** @pulumi/policy's sentinels (proxy.js): string, number, boolean, array, asset, archive, object. */
const SENTINELS: ReadonlySet<string> = new Set([
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9", "3eeb2bf0-c639-47a8-9e75-3b44932eb421", "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", "030794c1-ac77-496b-92df-f27374a8bd58", "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

export function isUnknown(v: unknown): v is Unknown {
    return v === UNKNOWN;
}

function isRawUnknown(v: unknown): boolean {
    if (typeof v === "string") return SENTINELS.has(v);
    return typeof v === "object" && v !== null && (v as Record<string, unknown>)["__pulumiUnknown"] === true;
}

/** A plain copy of `v` with every unknown replaced by `UNKNOWN`. */
export function normalize(v: unknown): unknown {
    if (isRawUnknown(v)) return UNKNOWN;
    if (Array.isArray(v)) return v.map(normalize);
    if (v !== null && typeof v === "object") {
        const out: Record<string, unknown> = {};
        for (const k of Object.keys(v)) out[k] = normalize((v as Record<string, unknown>)[k]);
        return out;
    }
    return v;
}

/** Whether `UNKNOWN` appears anywhere in a normalized value. */
export function containsUnknown(v: unknown): boolean {
    if (v === UNKNOWN) return true;
    if (Array.isArray(v)) return v.some(containsUnknown);
    if (v !== null && typeof v === "object") return Object.values(v).some(containsUnknown);
    return false;
}

/** The value at `path` inside a normalized object; `UNKNOWN` as soon as the walk meets one, undefined if absent. */
export function at(v: unknown, ...path: readonly string[]): unknown {
    let cur = v;
    for (const key of path) {
        if (cur === UNKNOWN) return UNKNOWN;
        if (cur === null || typeof cur !== "object") return undefined;
        cur = (cur as Record<string, unknown>)[key];
    }
    return cur;
}

/** A plain object (not an array, not unknown), or undefined. */
export function asRecord(v: unknown): Readonly<Record<string, unknown>> | undefined {
    return v !== null && typeof v === "object" && !Array.isArray(v) && v !== UNKNOWN ? v as Record<string, unknown> : undefined;
}
