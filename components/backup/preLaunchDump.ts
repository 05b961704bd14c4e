/**
 * The pre-launch backup: a verified `pg_dump` of the Supabase database, taken when the stack is created and again
 * whenever a trigger (an app image digest) changes. The script is in ./dumpScript; providers/backup/pgDump runs it.
 */
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { PgDump } from "../../providers/backup/pgDump";
import { DATABASE_URL_VARIABLE, dumpScript } from "./dumpScript";

export interface PreLaunchDumpArgs {
    /** Supabase Postgres connection URL (`hotdash:databaseUrl`), handled as a secret even if passed plain. Required. */
    readonly databaseUrl: pulumi.Input<string>;
    /** Directory for the dumps, relative to the project's directory (Pulumi.yaml's). Defaults to `backups`. */
    readonly dumpDir?: string;
    /** Values whose change re-runs the dump: the app image digests. Defaults to none (one dump, at creation). */
    readonly triggers?: pulumi.Input<string>[];
}

/**
 * Where relative dump directories start: the project's directory, as Pulumi reports it (the program itself runs in
 * program/). Outside a Pulumi run (under mocks) Pulumi reports a placeholder, and the working directory stands in.
 */
export function projectDirectory(reported: string): string {
    return path.isAbsolute(reported) ? reported : process.cwd();
}

export class PreLaunchDump extends pulumi.ComponentResource {
    /** File name of the newest verified dump in the dump directory (`hotdash-<UTC timestamp>.dump`); not secret. */
    declare readonly dumpFile: pulumi.Output<string>;

    constructor(name: string, args: PreLaunchDumpArgs, opts?: pulumi.ComponentResourceOptions) {
        // args hold the database URL: as component inputs they would be stored in state (in clear text if a caller
        // forgot pulumi.secret), so none are passed on
        super("hotdash:backup:PreLaunchDump", name, {}, opts);
        const dump = new PgDump(`${name}-pg-dump`, {
            script: dumpScript({ dumpDir: args.dumpDir ?? "backups" }),
            cwd: projectDirectory(pulumi.runtime.getRootDirectory()),
            urlVariable: DATABASE_URL_VARIABLE,
            databaseUrl: args.databaseUrl,
            triggers: args.triggers ?? [],
        }, { parent: this });
        // only the file name the script prints: plain, even though the resource has a secret input
        this.dumpFile = pulumi.unsecret(dump.dumpFile);
        this.registerOutputs({ dumpFile: this.dumpFile });
    }
}
