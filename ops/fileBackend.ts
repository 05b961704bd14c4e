/**
 * What launch reads of a file backend (`file://…`, where sandbox stacks live) without running the CLI, each a quarter
 * of a second less: the layout Pulumi's self-managed backend keeps under `.pulumi/` (`stacks/<project>/<stack>.json`,
 * or `.json.gz`, and `locks/<org>/<project>/<stack>/`). Anything else (another backend, zstd, no Pulumi.yaml) answers
 * "cannot tell", and the caller runs the CLI. test/ops/fileBackend.test.ts holds each read against the CLI's answer.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { gunzipSync } from "node:zlib";
import { parse } from "yaml";

/** A stack and where its state is: a `file://` backend URL, or anything else (undefined: the user's login). */
export interface BackendStack {
    readonly workDir: string;
    readonly stack: string;
    readonly backendUrl?: string;
}

const backendDir = (s: BackendStack): string | undefined => s.backendUrl?.startsWith("file://") ? s.backendUrl.slice("file://".length) : undefined;

/** Where the stack's checkpoint may be, one file per way of storing it (zstd is the CLI's to read). */
function checkpointFiles(s: BackendStack): readonly { readonly file: string; readonly read?: (bytes: Buffer) => Buffer }[] | undefined {
    const dir = backendDir(s);
    if (!dir) return undefined;
    let project: unknown;
    try {
        project = (parse(fs.readFileSync(path.join(s.workDir, "Pulumi.yaml"), "utf8")) as { name?: unknown }).name;
    } catch {
        return undefined;
    }
    if (typeof project !== "string") return undefined;
    const base = path.join(dir, ".pulumi", "stacks", project, `${s.stack}.json`);
    return [{ file: base, read: (b) => b }, { file: `${base}.gz`, read: gunzipSync }, { file: `${base}.zst` }];
}

/** Whether the file backend has no checkpoint for the stack (false when that cannot be told). */
export function stackMissing(s: BackendStack): boolean {
    const files = checkpointFiles(s);
    return !!files && !files.some((f) => fs.existsSync(f.file));
}

/** The checkpoint as `pulumi stack export` prints it (secrets encrypted), or undefined when the layout cannot tell. */
export function readCheckpoint(s: BackendStack): unknown {
    for (const { file, read } of checkpointFiles(s) ?? []) {
        let bytes: Buffer;
        try {
            bytes = fs.readFileSync(file);
        } catch {
            continue;
        }
        if (!read) return undefined;
        const stored = JSON.parse(read(bytes).toString("utf8")) as { version: number; features?: readonly string[]; checkpoint: { latest?: unknown } };
        return { version: stored.version, ...(stored.features?.length ? { features: stored.features } : {}), deployment: stored.checkpoint.latest };
    }
    return undefined;
}

/** Lock files of the stack whose process ran on this machine and is gone (none when not a file backend). */
export function staleLocks(s: BackendStack): string[] {
    const dir = backendDir(s);
    if (!dir) return [];
    const stale: string[] = [];
    const walk = (d: string): void => {
        if (!fs.existsSync(d)) return;
        for (const e of fs.readdirSync(d, { withFileTypes: true })) {
            const p = path.join(d, e.name);
            if (e.isDirectory()) walk(p);
            else if (e.name.endsWith(".json") && path.basename(path.dirname(p)) === s.stack) {
                const lock = JSON.parse(fs.readFileSync(p, "utf8")) as { pid?: number; hostname?: string };
                if (lock.hostname === os.hostname() && typeof lock.pid === "number" && !alive(lock.pid)) stale.push(p);
            }
        }
    };
    walk(path.join(dir, ".pulumi", "locks"));
    return stale;
}

function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (e) {
        return (e as NodeJS.ErrnoException).code === "EPERM";
    }
}
