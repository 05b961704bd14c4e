/**
 * The pre-launch backup: a verified `pg_dump` of the Supabase database through `@pulumi/command`, taken when the
 * stack is created and again whenever a trigger (an app image digest) changes. The script is in ./dumpScript.
 */
import * as command from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { DATABASE_URL_VARIABLE, dumpScript } from "./dumpScript";

export interface PreLaunchDumpArgs {
    /** Supabase Postgres connection URL (`hotdash:databaseUrl`), handled as a secret even if passed plain. Required. */
    readonly databaseUrl: pulumi.Input<string>;
    /** Directory for the dumps, relative to the Pulumi program's directory. Defaults to `backups`. */
    readonly dumpDir?: string;
    /** Values whose change re-runs the dump: the app image digests. Defaults to none (one dump, at creation). */
    readonly triggers?: pulumi.Input<string>[];
}

export class PreLaunchDump extends pulumi.ComponentResource {
    /** File name of the newest verified dump in the dump directory (`hotdash-<UTC timestamp>.dump`); not secret. */
    declare readonly dumpFile: pulumi.Output<string>;

    constructor(name: string, args: PreLaunchDumpArgs, opts?: pulumi.ComponentResourceOptions) {
        // args hold the database URL: as component inputs they would be stored in state (in clear text if a caller
        // forgot pulumi.secret), so none are passed on
        super("hotdash:backup:PreLaunchDump", name, {}, opts);
        const dump = new command.local.Command(`${name}-pg-dump`, {
            create: dumpScript({ dumpDir: args.dumpDir ?? "backups" }),
            environment: { [DATABASE_URL_VARIABLE]: pulumi.secret(args.databaseUrl) },
            triggers: args.triggers ?? [],
            // neither stream goes to the Pulumi log; stderr (the failure reason) is stored as a secret besides
            logging: "none",
            // no previous stdout/stderr in the next run's environment: the script has no use for them
            addPreviousOutputInEnv: false,
        }, { parent: this, additionalSecretOutputs: ["stderr"] });
        // stdout is only the file name the script prints, so it may be plain even if the engine marks the outputs of
        // a resource with secret inputs secret
        this.dumpFile = pulumi.unsecret(dump.stdout.apply((s) => s.trim()));
        this.registerOutputs({ dumpFile: this.dumpFile });
    }
}
