/**
 * HD-BAK-002: the stack declares the Supabase backup expectation: a daily schedule, the maximum age of the newest
 * completed backup, and whether point-in-time recovery is expected.
 */
import type { Check } from "../framework/finding";
import { checks, type Rule } from "../framework/rule";
import { isUnknown } from "../framework/unknown";

export const supabaseBackups: Rule = {
    id: "HD-BAK-002",
    title: "Supabase backups are declared",
    description: "The stack declares SupabaseBackups: a daily UTC schedule (HH:MM:SS), a maximum backup age in hours, and the PITR expectation.",
    severity: "high",
    enforcement: "mandatory",
    remediation: [
        "Declare the SupabaseBackups resource (the backup component does, once it is in index.ts).",
        "Set the schedule and age in config: `pulumi config set --path hotdash:backups.scheduleFor 04:00:00 --stack <stack>`, `... hotdash:backups.maxBackupAgeHours 26`.",
        "Run `npx launch policy --stack <stack>` again.",
    ],
    url: "https://supabase.com/docs/guides/platform/backups",
    check(view) {
        const all = view.ofType("SupabaseBackups");
        if (all.length === 0) return [checks.notDeclared("SupabaseBackups", "The Supabase backup schedule (SupabaseBackups)", "a daily schedule and a maximum backup age")];
        const out: Check[] = [];
        for (const r of all) {
            const { scheduleFor, maxBackupAgeHours, pitr } = r.props;
            const expected = "scheduleFor HH:MM:SS, maxBackupAgeHours > 0, pitr true|false";
            const unknown = ([["scheduleFor", scheduleFor], ["maxBackupAgeHours", maxBackupAgeHours], ["pitr", pitr]] as const).filter(([, v]) => isUnknown(v));
            if (unknown.length) {
                out.push(checks.unknown(r.name, unknown.map(([k]) => k).join(", "), expected, r.urn));
                continue;
            }
            const faults: Check[] = [];
            if (typeof scheduleFor !== "string" || !/^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/.test(scheduleFor)) {
                faults.push(checks.fail(r.name, `${r.name}: scheduleFor ${JSON.stringify(scheduleFor ?? null)} is not a UTC time of day (HH:MM:SS)`, JSON.stringify(scheduleFor ?? null), "HH:MM:SS", { urn: r.urn }));
            }
            if (typeof maxBackupAgeHours !== "number" || !(maxBackupAgeHours > 0)) {
                faults.push(checks.fail(r.name, `${r.name}: maxBackupAgeHours must be a number above 0`, JSON.stringify(maxBackupAgeHours ?? null), "> 0", { urn: r.urn }));
            }
            if (typeof pitr !== "boolean") {
                faults.push(checks.fail(r.name, `${r.name}: pitr must be true or false`, JSON.stringify(pitr ?? null), "true or false", { urn: r.urn }));
            }
            out.push(...(faults.length ? faults : [checks.pass(r.name, `${r.name}: daily backup at ${String(scheduleFor)} UTC, newest at most ${String(maxBackupAgeHours)} h old, PITR ${pitr ? "expected" : "not expected"}`, `${String(scheduleFor)}, ${String(maxBackupAgeHours)} h, pitr ${String(pitr)}`, expected, r.urn)]));
        }
        return out;
    },
};
