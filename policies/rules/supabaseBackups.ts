/**
 * HD-BAK-002: the stack declares the Supabase backup expectation (a daily schedule, the maximum age of the newest
 * completed backup, whether point-in-time recovery is expected) and what Supabase reports meets it: the newest
 * completed backup (as last observed, aged at evaluation time) is at most that old, and PITR is on exactly when
 * expected. Before the first apply Supabase has reported nothing, and that unknown blocks.
 */
import { fixCommand } from "../../components/config/validate";
import type { Check } from "../framework/finding";
import { checks, type Rule, type RuleContext } from "../framework/rule";
import type { PlannedResource } from "../framework/stack";
import { isUnknown } from "../framework/unknown";

interface Declared {
    readonly scheduleFor: string;
    readonly maxBackupAgeHours: number;
    readonly pitr: boolean;
}

/** The declaration against what Supabase reported (`newestBackupAt`, `pitrEnabled`, outputs of the last apply or refresh). */
function observed(r: PlannedResource, d: Declared, ctx: RuleContext): Check[] {
    const { newestBackupAt, pitrEnabled } = r.props;
    const refresh = `\`pulumi refresh --stack ${ctx.stack}\` records what Supabase reports now`;
    const out: Check[] = [];
    const ageExpected = `a completed backup at most ${d.maxBackupAgeHours} h old`;
    let age: number | undefined;
    if (isUnknown(newestBackupAt) || newestBackupAt === undefined || newestBackupAt === null) {
        out.push(checks.unknown(r.name, "the newest completed backup (reported once applied)", ageExpected, r.urn));
    } else if (newestBackupAt === "" || typeof newestBackupAt !== "string" || Number.isNaN(Date.parse(newestBackupAt))) {
        out.push(checks.fail(r.name, `${r.name}: Supabase reports no completed backup`, "none", ageExpected, {
            urn: r.urn, fix: `wait for the daily backup at ${d.scheduleFor} UTC (or check the project's plan has backups), then ${refresh}`,
        }));
    } else {
        age = Math.round(((ctx.now.getTime() - Date.parse(newestBackupAt)) / 3600_000) * 10) / 10;
        if (age > d.maxBackupAgeHours) {
            out.push(checks.fail(r.name, `${r.name}: the newest completed backup (${newestBackupAt}) is ${age} h old, more than maxBackupAgeHours ${d.maxBackupAgeHours}`, `${age} h`, ageExpected, {
                urn: r.urn, fix: `check the daily backup at ${d.scheduleFor} UTC ran (Supabase dashboard > Database > Backups); ${refresh}`,
            }));
        }
    }
    const pitrExpected = `PITR ${d.pitr ? "on" : "off"}`;
    if (isUnknown(pitrEnabled) || pitrEnabled === undefined || pitrEnabled === null) {
        out.push(checks.unknown(r.name, "whether PITR is on (reported once applied)", pitrExpected, r.urn));
    } else if (pitrEnabled !== d.pitr) {
        out.push(checks.fail(r.name, `${r.name}: Supabase reports PITR ${pitrEnabled ? "on" : "off"}, but hotdash:backups.pitr expects it ${d.pitr ? "on" : "off"}`, `pitr_enabled ${String(pitrEnabled)}`, pitrExpected, {
            urn: r.urn,
            fix: d.pitr
                ? `enable the PITR add-on (Supabase dashboard > Project Settings > Add-ons), then ${refresh}; or, if PITR is not meant to be bought, ${fixCommand(ctx.stack, "backups.pitr", "false")}`
                : fixCommand(ctx.stack, "backups.pitr", "true"),
        }));
    }
    if (out.length) return out;
    return [checks.pass(r.name, `${r.name}: daily backup at ${d.scheduleFor} UTC; newest completed backup ${String(age)} h old (at most ${d.maxBackupAgeHours}); PITR ${d.pitr ? "on" : "off"} as expected`,
        `${d.scheduleFor}, newest ${String(age)} h old, pitr_enabled ${String(pitrEnabled)}`, `${ageExpected}, ${pitrExpected}`, r.urn)];
}

export const supabaseBackups: Rule = {
    id: "HD-BAK-002",
    title: "Supabase backups are declared and met",
    description: "The stack declares SupabaseBackups (a daily UTC schedule, a maximum backup age in hours, the PITR expectation), and Supabase reports a completed backup no older than that and PITR as expected.",
    severity: "high",
    enforcement: "mandatory",
    remediation: [
        "Declare the SupabaseBackups resource (the backup component does, once it is in index.ts).",
        "Set the schedule and age in config: `pulumi config set --path hotdash:backups.scheduleFor 04:00:00 --stack <stack>`, `... hotdash:backups.maxBackupAgeHours 26`.",
        "If the newest backup is too old or PITR differs from hotdash:backups.pitr, fix it in Supabase (or the expectation), then `pulumi refresh --stack <stack>`.",
        "Run `pulumi preview --policy-pack policies --stack <stack>` again.",
    ],
    url: "https://supabase.com/docs/guides/platform/backups",
    check(view, ctx) {
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
            if (faults.length) {
                out.push(...faults);
                continue;
            }
            out.push(...observed(r, { scheduleFor: scheduleFor as string, maxBackupAgeHours: maxBackupAgeHours as number, pitr: pitr as boolean }, ctx));
        }
        return out;
    },
};
