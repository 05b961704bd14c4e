/**
 * A typed client for the Supabase Management API (`https://api.supabase.com`, ../notes/supabase-chatwoot-api.md),
 * on the project's HTTP layer: Bearer PAT, `{"message": ...}` errors, 120 requests a minute whose
 * `x-ratelimit-reset` the layer honours.
 */
import { encodePath, HttpClient } from "../http";

export interface SupabaseSecretDigest {
    readonly name: string;
    /** Hex SHA-256 of the value: the API never returns values. */
    readonly value: string;
    readonly updated_at?: string;
}

export interface SslEnforcement {
    readonly currentConfig: { readonly database: boolean };
    readonly appliedSuccessfully: boolean;
}

export interface BackupList {
    readonly region: string;
    readonly walg_enabled: boolean;
    readonly pitr_enabled: boolean;
    readonly backups: readonly { readonly id: number; readonly status: string; readonly inserted_at: string; readonly is_physical_backup: boolean }[];
}

export interface BackupSchedule {
    readonly schedule_for: string;
    readonly updated_at: string;
}

export interface SupabaseClientOptions {
    /** Management API base URL, e.g. `https://api.supabase.com`. */
    readonly apiUrl: string;
    readonly token: string;
}

export class SupabaseClient {
    readonly http: HttpClient;

    constructor(opts: SupabaseClientOptions) {
        const authorization = `Bearer ${opts.token}`;
        this.http = new HttpClient({
            vendor: "Supabase Management API",
            baseUrl: opts.apiUrl,
            authHeaders: () => ({ authorization }),
        });
    }

    profile(): Promise<{ gotrue_id: string; primary_email?: string; username?: string }> {
        return this.http.send({ method: "GET", path: "/v1/profile" });
    }

    project(ref: string): Promise<{ ref: string; status: string; name: string }> {
        return this.http.send({ method: "GET", path: encodePath`/v1/projects/${ref}` });
    }

    listSecrets(ref: string): Promise<SupabaseSecretDigest[]> {
        return this.http.send<SupabaseSecretDigest[]>({ method: "GET", path: encodePath`/v1/projects/${ref}/secrets` });
    }

    /** Bulk upsert: sending the same values twice leaves the same secrets, so a lost answer is safely sent again. */
    async upsertSecrets(ref: string, secrets: readonly { readonly name: string; readonly value: string }[]): Promise<void> {
        await this.http.send({
            method: "POST", path: encodePath`/v1/projects/${ref}/secrets`, body: secrets, idempotent: true,
            secrets: secrets.map((s) => s.value),
        });
    }

    /** Bulk delete by name; deleting what is already gone is harmless. */
    async deleteSecrets(ref: string, names: readonly string[]): Promise<void> {
        await this.http.send({ method: "DELETE", path: encodePath`/v1/projects/${ref}/secrets`, body: names });
    }

    sslEnforcement(ref: string): Promise<SslEnforcement> {
        return this.http.send({ method: "GET", path: encodePath`/v1/projects/${ref}/ssl-enforcement` });
    }

    setSslEnforcement(ref: string, database: boolean): Promise<SslEnforcement> {
        return this.http.send({ method: "PUT", path: encodePath`/v1/projects/${ref}/ssl-enforcement`, body: { requestedConfig: { database } } });
    }

    backups(ref: string): Promise<BackupList> {
        return this.http.send({ method: "GET", path: encodePath`/v1/projects/${ref}/database/backups` });
    }

    backupSchedule(ref: string): Promise<BackupSchedule> {
        return this.http.send({ method: "GET", path: encodePath`/v1/projects/${ref}/database/backups/schedule` });
    }

    /**
     * Changes the daily backup time. Only 3 changes are allowed a day, so a lost answer is never sent again blindly:
     * the check reads the schedule back first.
     */
    setBackupSchedule(ref: string, scheduleFor: string): Promise<BackupSchedule> {
        return this.http.send<BackupSchedule>({
            method: "PATCH", path: encodePath`/v1/projects/${ref}/database/backups/schedule`, body: { schedule_for: scheduleFor },
            didItHappen: async () => {
                const now = await this.backupSchedule(ref);
                return now.schedule_for === scheduleFor ? now : undefined;
            },
        });
    }
}
