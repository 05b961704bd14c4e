/**
 * The in-process engine's state: what Pulumi's state holds for each resource (id, inputs, outputs, the serialized
 * provider), kept in memory between runs and, for `launch up` without the CLI, in a file. Secret values never reach
 * the file in clear: like Pulumi's passphrase secrets provider, they are encrypted (AES-256-GCM, scrypt-derived key).
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

export interface ResourceState {
    /** `${type}::${name}`: names are unique by the project's `${parent}-<role>` convention. */
    readonly key: string;
    readonly type: string;
    readonly name: string;
    readonly custom: boolean;
    readonly id?: string;
    readonly inputs: Readonly<Record<string, unknown>>;
    readonly outputs: Readonly<Record<string, unknown>>;
    /** Top-level input and output keys holding secrets. */
    readonly secretKeys: readonly string[];
    /** Order of creation; deletes run in reverse. */
    readonly seq: number;
}

export interface StackState {
    readonly stack: string;
    /** What the state belongs to beyond the stack (for the sandbox: its instance id); kept as given. */
    readonly tag?: string;
    resources: ResourceState[];
    /** Stack outputs; secret ones listed in `secretOutputs`. */
    outputs: Record<string, unknown>;
    secretOutputs: string[];
    /** Runs so far, with the plain (non-secret) config each ran with, as `pulumi stack history` keeps it. */
    updates: { readonly kind: string; readonly at: string; readonly result: "succeeded" | "failed"; readonly config: Record<string, unknown> }[];
}

export function emptyState(stack: string): StackState {
    return { stack, resources: [], outputs: {}, secretOutputs: [], updates: [] };
}

interface Sealed {
    readonly $secret: string;
}

function key(passphrase: string, salt: Buffer): Buffer {
    return scryptSync(passphrase, salt, 32);
}

function seal(value: unknown, k: Buffer): Sealed {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", k, iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(value), "utf8"), cipher.final()]);
    return { $secret: Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64") };
}

function unseal(s: Sealed, k: Buffer): unknown {
    const raw = Buffer.from(s.$secret, "base64");
    const decipher = createDecipheriv("aes-256-gcm", k, raw.subarray(0, 12));
    decipher.setAuthTag(raw.subarray(12, 28));
    return JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8"));
}

function mapSecrets(obj: Readonly<Record<string, unknown>>, keys: readonly string[], f: (v: unknown) => unknown): Record<string, unknown> {
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, keys.includes(k) ? f(v) : v]));
}

/** The state as it is written to disk: every secret sealed with the passphrase. */
export function serializeState(state: StackState, passphrase: string): string {
    const salt = randomBytes(16);
    const k = key(passphrase, salt);
    return JSON.stringify({
        version: 1,
        salt: salt.toString("base64"),
        stack: state.stack,
        ...(state.tag ? { tag: state.tag } : {}),
        resources: state.resources.map((r) => ({
            ...r,
            inputs: mapSecrets(r.inputs, r.secretKeys, (v) => seal(v, k)),
            outputs: mapSecrets(r.outputs, r.secretKeys, (v) => seal(v, k)),
        })),
        outputs: mapSecrets(state.outputs, state.secretOutputs, (v) => seal(v, k)),
        secretOutputs: state.secretOutputs,
        updates: state.updates, // their config never holds secret keys (the engine records plain keys only)
    }, null, 2);
}

export function deserializeState(text: string, passphrase: string): StackState {
    const doc = JSON.parse(text) as StackState & { salt: string };
    const k = key(passphrase, Buffer.from(doc.salt, "base64"));
    const open = (v: unknown): unknown => {
        try {
            return unseal(v as Sealed, k);
        } catch {
            throw new Error("cannot decrypt the stack state: wrong passphrase (set PULUMI_CONFIG_PASSPHRASE to the one the state was written with)");
        }
    };
    return {
        stack: doc.stack,
        ...(doc.tag ? { tag: doc.tag } : {}),
        resources: doc.resources.map((r) => ({ ...r, inputs: mapSecrets(r.inputs, r.secretKeys, open), outputs: mapSecrets(r.outputs, r.secretKeys, open) })),
        outputs: mapSecrets(doc.outputs, doc.secretOutputs, open),
        secretOutputs: doc.secretOutputs,
        updates: doc.updates ?? [],
    };
}

export function readStateFile(file: string, stack: string, passphrase: string): StackState {
    return fs.existsSync(file) ? deserializeState(fs.readFileSync(file, "utf8"), passphrase) : emptyState(stack);
}

export function writeStateFile(file: string, state: StackState, passphrase: string): void {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, serializeState(state, passphrase), { mode: 0o600 });
    fs.renameSync(tmp, file);
}
