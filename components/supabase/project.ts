/**
 * `hotdash:supabase:Project`: what the stack declares on the Supabase project: the Edge Function secrets the launch
 * needs (bulk upserted, removed ones deleted, the platform's own left alone), SSL enforcement on the database, and
 * the backup schedule with the PITR expectation (asserted, reported with the newest backup's age).
 */
import * as pulumi from "@pulumi/pulumi";
import { SupabaseBackups } from "../../providers/supabase/backups";
import { SupabaseSecrets } from "../../providers/supabase/secrets";
import { SupabaseSslEnforcement } from "../../providers/supabase/sslEnforcement";

export interface SupabaseProjectArgs {
    /** Management API base URL. */
    readonly apiUrl: string;
    /** Project ref (20 lowercase letters). */
    readonly projectRef: string;
    /** Edge Function secrets by name; names starting with SUPABASE_ are refused. */
    readonly secrets: Readonly<Record<string, pulumi.Input<string>>>;
    /** Daily backup time (UTC `HH:MM:SS`), expected PITR, and the newest backup's allowed age in hours. */
    readonly backups: { readonly scheduleFor: string; readonly pitr: boolean; readonly maxBackupAgeHours: number };
    /** Seconds to wait for an SSL enforcement change to apply. Defaults to 300. */
    readonly sslWaitSeconds?: number;
}

export class SupabaseProject extends pulumi.ComponentResource {
    /** Time of the newest completed backup ("" when none), as of the last update. */
    declare readonly newestBackupAt: pulumi.Output<string>;
    declare readonly newestBackupAgeHours: pulumi.Output<number>;
    declare readonly pitrEnabled: pulumi.Output<boolean>;

    constructor(name: string, args: SupabaseProjectArgs, opts?: pulumi.ComponentResourceOptions) {
        super("hotdash:supabase:Project", name, { newestBackupAt: undefined, newestBackupAgeHours: undefined, pitrEnabled: undefined }, opts);
        const where = { apiUrl: args.apiUrl, projectRef: args.projectRef };
        new SupabaseSecrets(`${name}-secrets`, { ...where, values: args.secrets }, { parent: this });
        new SupabaseSslEnforcement(`${name}-ssl`, { ...where, enabled: true, ...(args.sslWaitSeconds ? { waitSeconds: args.sslWaitSeconds } : {}) }, { parent: this });
        const backups = new SupabaseBackups(`${name}-backups`, { ...where, ...args.backups }, { parent: this });
        this.newestBackupAt = backups.newestBackupAt;
        this.newestBackupAgeHours = backups.newestBackupAgeHours;
        this.pitrEnabled = backups.pitrEnabled;
        this.registerOutputs({ newestBackupAt: this.newestBackupAt, newestBackupAgeHours: this.newestBackupAgeHours, pitrEnabled: this.pitrEnabled });
    }
}
