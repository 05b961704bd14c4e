/**
 * Runs the pre-launch dump script (components/backup/dumpScript.ts) with `/bin/sh -c`: once at creation and again,
 * as a replacement, whenever a trigger (an app image digest) changes. The database URL reaches the script only in
 * its environment; it is a secret input, never an output. Deleting the resource keeps the dump files: they are
 * backups. (This is what `@pulumi/command`'s local.Command did; its plugin has no version the Go module proxy
 * serves, so the project could not run it on the real engine.)
 */
import * as pulumi from "@pulumi/pulumi";
import { type ConfiguredProvider, diffResult, DynamicResource } from "../dynamic";

export interface PgDumpInputs {
    /** The POSIX shell script to run. */
    readonly script: string;
    /** Directory the script runs in (the dump directory is relative to it). */
    readonly cwd: string;
    /** The variable the script reads the URL from, e.g. HOTDASH_DATABASE_URL. */
    readonly urlVariable: string;
    readonly databaseUrl: string;
    readonly triggers: readonly string[];
}

export interface PgDumpOutputs {
    readonly script: string;
    readonly cwd: string;
    readonly urlVariable: string;
    readonly triggers: readonly string[];
    /** What the script printed on stdout: the dump's file name. */
    readonly dumpFile: string;
}

/** Runs the script; resolves to its trimmed stdout, or rejects with its one-line failure reason (never the URL). */
function runScript(inputs: PgDumpInputs): Promise<string> {
    const { spawn } = require("node:child_process") as typeof import("node:child_process");
    return new Promise((resolve, reject) => {
        const child = spawn("/bin/sh", ["-c", inputs.script], {
            cwd: inputs.cwd,
            env: { ...process.env, [inputs.urlVariable]: inputs.databaseUrl },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => { stdout += d.toString(); });
        child.stderr.on("data", (d: Buffer) => { stderr += d.toString(); });
        child.on("error", reject);
        child.on("close", (code) => {
            if (code === 0) resolve(stdout.trim());
            // the script's contract: its last stderr line says why, with no password in it
            else reject(new Error(stderr.trim().split("\n").pop() || `pre-launch backup failed: the script exited with ${code}`));
        });
    });
}

export const pgDumpProvider: ConfiguredProvider<PgDumpInputs, PgDumpOutputs> = {
    async diff(_id, olds, news) {
        // a new URL or working directory alone is no reason to dump again; a new script or trigger is a new dump
        const changed = (["script", "urlVariable", "triggers"] as const).filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
        return diffResult(changed, changed);
    },

    async create(inputs) {
        const dumpFile = await runScript(inputs);
        const { databaseUrl: _url, ...rest } = inputs;
        return { id: dumpFile, outs: { ...rest, dumpFile } };
    },

    async delete() {
        return;
    },
};

export interface PgDumpArgs {
    readonly script: string;
    readonly cwd: string;
    readonly urlVariable: string;
    readonly databaseUrl: pulumi.Input<string>;
    readonly triggers: pulumi.Input<string>[];
}

export class PgDump extends DynamicResource {
    declare readonly dumpFile: pulumi.Output<string>;

    constructor(name: string, args: PgDumpArgs, opts?: pulumi.CustomResourceOptions) {
        super(pgDumpProvider, name, { dumpFile: undefined, ...args, databaseUrl: pulumi.secret(args.databaseUrl) }, opts, "PgDump");
    }
}
