/** Supabase: the project healthy with SSL enforced; the newest backup recent enough and PITR as declared. */
import { newestCompleted } from "../../../providers/supabase/backups";
import { BACKUP_ITEM, DATABASE_ITEM } from "../checklist";
import { finding, type Probe, reason } from "../probe";
import { supabaseClient } from "./clients";

export const databaseProbe: Probe = {
    name: "supabase project",
    async run(ctx) {
        const sb = supabaseClient(ctx);
        const ref = ctx.config.supabase.projectRef;
        const source = `Supabase Management API: GET /v1/projects/${ref} and /ssl-enforcement`;
        const expected = "ACTIVE_HEALTHY, SSL enforced and applied";
        try {
            const [project, ssl] = await Promise.all([sb.project(ref), sb.sslEnforcement(ref)]);
            const enforced = ssl.currentConfig.database && ssl.appliedSuccessfully;
            const observed = `${project.status}, SSL enforcement ${ssl.currentConfig.database ? "on" : "off"}${ssl.appliedSuccessfully ? "" : " (not applied yet)"}`;
            if (project.status !== "ACTIVE_HEALTHY") return [finding(DATABASE_ITEM, ref, "fail", `Supabase project ${ref} is ${project.status}`, { observed, expected, source, fix: "https://supabase.com/dashboard/project/" + ref }, ctx.now)];
            if (!enforced) return [finding(DATABASE_ITEM, ref, "fail", `Supabase project ${ref}: SSL enforcement is ${ssl.currentConfig.database ? "not applied yet" : "off"}`, { observed, expected, source, fix: `npx launch up --stack ${ctx.config.stack}` }, ctx.now)];
            return [finding(DATABASE_ITEM, ref, "pass", `Supabase project ${ref}: healthy, SSL enforced`, { observed, expected, source }, ctx.now)];
        } catch (err) {
            return [finding(DATABASE_ITEM, ref, "fail", `Supabase project ${ref}: ${reason(err)}`, { observed: "no answer", expected, source }, ctx.now)];
        }
    },
};

export const backupProbe: Probe = {
    name: "supabase backups",
    async run(ctx) {
        const ref = ctx.config.supabase.projectRef;
        const { maxBackupAgeHours: max, pitr } = ctx.config.backups;
        const source = `Supabase Management API: GET /v1/projects/${ref}/database/backups`;
        const expected = `a COMPLETED backup at most ${max} h old; PITR ${pitr ? "on" : "off"} as declared`;
        try {
            const list = await supabaseClient(ctx).backups(ref);
            const newest = newestCompleted(list, ctx.now.getTime());
            const observed = `${newest.at ? `newest ${newest.at} (${newest.ageHours} h old)` : "no completed backup"}; PITR ${list.pitr_enabled ? "on" : "off"}`;
            if (newest.ageHours < 0 || newest.ageHours > max) {
                return [finding(BACKUP_ITEM, ref, "fail", newest.at ? `newest completed backup is ${newest.ageHours} h old, over the ${max} h allowed` : "no completed backup", { observed, expected, source, fix: `take a backup in https://supabase.com/dashboard/project/${ref}/database/backups, then check its schedule (hotdash:backups.scheduleFor)` }, ctx.now)];
            }
            if (list.pitr_enabled !== pitr) {
                return [finding(BACKUP_ITEM, ref, "fail", `PITR is ${list.pitr_enabled ? "on" : "off"} but hotdash:backups.pitr declares it ${pitr ? "on" : "off"}`, { observed, expected, source, fix: pitr ? `enable the PITR add-on: https://supabase.com/dashboard/project/${ref}/settings/addons` : `pulumi config set --path hotdash:backups.pitr true --stack ${ctx.config.stack}` }, ctx.now)];
            }
            return [finding(BACKUP_ITEM, ref, "pass", `newest backup ${newest.ageHours} h old; PITR ${pitr ? "on" : "off"} as declared`, { observed, expected, source }, ctx.now)];
        } catch (err) {
            return [finding(BACKUP_ITEM, ref, "fail", `could not list backups: ${reason(err)}`, { observed: "no answer", expected, source }, ctx.now)];
        }
    },
};
