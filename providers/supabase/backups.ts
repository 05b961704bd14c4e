/**
 * A Supabase project's backups, as far as the Management API lets a stack own them: the daily schedule (changed only
 * when it differs, since Supabase allows three changes a day), and, asserted rather than bought, the point-in-time
 * recovery expectation and the newest completed backup, reported as outputs for the go/no-go.
 */
import * as pulumi from "@pulumi/pulumi";
import { type ConfiguredProvider, diffResult, DynamicResource, knownFailures, type ProviderConfig } from "../dynamic";
import { isApiStatus } from "../http";
import type { BackupList } from "./client";
import { supabaseClient } from "./connect";

export interface SupabaseBackupsInputs {
    readonly apiUrl: string;
    readonly projectRef: string;
    /** Daily backup time, UTC `HH:MM:SS`. */
    readonly scheduleFor: string;
    /** Whether point-in-time recovery is expected on. */
    readonly pitr: boolean;
    /** The newest completed backup may be at most this old. */
    readonly maxBackupAgeHours: number;
}

export interface SupabaseBackupsOutputs extends SupabaseBackupsInputs {
    readonly pitrEnabled: boolean;
    /** ISO time of the newest COMPLETED backup, "" when there is none. */
    readonly newestBackupAt: string;
    /** Its age in hours when last observed, -1 when there is none. */
    readonly newestBackupAgeHours: number;
}

/** The newest COMPLETED backup's time and age, as of `now`. */
export function newestCompleted(list: BackupList, now: number = Date.now()): { at: string; ageHours: number } {
    const times = list.backups.filter((b) => b.status === "COMPLETED").map((b) => Date.parse(b.inserted_at)).filter((t) => !Number.isNaN(t));
    if (!times.length) return { at: "", ageHours: -1 };
    const newest = Math.max(...times);
    return { at: new Date(newest).toISOString(), ageHours: Math.round(((now - newest) / 3600_000) * 10) / 10 };
}

async function observe(config: ProviderConfig | undefined, inputs: SupabaseBackupsInputs, scheduleFor: string): Promise<SupabaseBackupsOutputs> {
    const list = await supabaseClient(config, inputs.apiUrl).backups(inputs.projectRef);
    const newest = newestCompleted(list);
    return { ...inputs, scheduleFor, pitrEnabled: list.pitr_enabled, newestBackupAt: newest.at, newestBackupAgeHours: newest.ageHours };
}

async function apply(config: ProviderConfig | undefined, inputs: SupabaseBackupsInputs): Promise<SupabaseBackupsOutputs> {
    const sb = supabaseClient(config, inputs.apiUrl);
    try {
        const current = await sb.backupSchedule(inputs.projectRef);
        if (current.schedule_for !== inputs.scheduleFor) await sb.setBackupSchedule(inputs.projectRef, inputs.scheduleFor);
    } catch (err) {
        if (isApiStatus(err, 402)) {
            throw new Error(`Supabase project ${inputs.projectRef}'s plan has no scheduled backups (402: ${err.vendorMessage}); ` +
                "upgrade to Pro, or remove hotdash:backups.scheduleFor");
        }
        throw err;
    }
    return observe(config, inputs, inputs.scheduleFor);
}

export const supabaseBackupsProvider: ConfiguredProvider<SupabaseBackupsInputs, SupabaseBackupsOutputs> = {
    async configure(req) {
        this.config = req.config;
    },

    async check(_olds, news) {
        const failures = [];
        if (!/^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/.test(String(news.scheduleFor))) failures.push({ property: "scheduleFor", reason: `"${news.scheduleFor}" is not a UTC time of day, HH:MM:SS` });
        return { inputs: news, failures: knownFailures(news, failures) };
    },

    /** No API call: the schedule is compared with what state (or a refresh) recorded. */
    async diff(_id, olds, news) {
        return diffResult((["scheduleFor", "pitr", "maxBackupAgeHours", "apiUrl"] as const).filter((k) => olds[k] !== news[k]),
            olds.projectRef !== news.projectRef ? ["projectRef"] : []);
    },

    async create(inputs) {
        return { id: `${inputs.projectRef}/backups`, outs: await apply(this.config, inputs) };
    },

    async read(id, props) {
        if (!props) return { id, props };
        const schedule = await supabaseClient(this.config, props.apiUrl).backupSchedule(props.projectRef);
        return { id, props: await observe(this.config, props, schedule.schedule_for) };
    },

    async update(_id, _olds, news) {
        return { outs: await apply(this.config, news) };
    },

    // backups are the project's; the stack letting go changes nothing
    async delete() {
        return;
    },
};

export interface SupabaseBackupsArgs {
    readonly apiUrl: pulumi.Input<string>;
    readonly projectRef: pulumi.Input<string>;
    readonly scheduleFor: pulumi.Input<string>;
    readonly pitr: pulumi.Input<boolean>;
    readonly maxBackupAgeHours: pulumi.Input<number>;
}

export class SupabaseBackups extends DynamicResource {
    declare readonly pitrEnabled: pulumi.Output<boolean>;
    declare readonly newestBackupAt: pulumi.Output<string>;
    declare readonly newestBackupAgeHours: pulumi.Output<number>;

    constructor(name: string, args: SupabaseBackupsArgs, opts?: pulumi.CustomResourceOptions) {
        super(supabaseBackupsProvider, name, { pitrEnabled: undefined, newestBackupAt: undefined, newestBackupAgeHours: undefined, ...args },
            opts, "SupabaseBackups");
    }
}
