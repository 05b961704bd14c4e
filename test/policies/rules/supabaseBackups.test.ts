import { strict as assert } from "node:assert";
import { supabaseBackups } from "../../../policies/rules/supabaseBackups";
import { editing, findings, leakedCanaries, outcome, passingStack, problems, UNKNOWN_SENTINEL, without } from "../fixtures";

const BAK = "hotdash-supabase-backups";
const bak = (edit: (p: Record<string, unknown>) => void) => editing(passingStack(), BAK, edit);

describe("policies/rules/supabaseBackups (HD-BAK-002)", () => {
    it("passes a declared schedule that Supabase's report meets", () => {
        assert.deepEqual(outcome(supabaseBackups, passingStack()), [["pass", "hotdash-supabase-backups: daily backup at 04:00:00 UTC; newest completed backup 6 h old (at most 26); PITR off as expected"]]);
    });

    it("fails when the newest completed backup is older than maxBackupAgeHours, aged at evaluation time, with the fix", () => {
        const old = bak((p) => { p["newestBackupAt"] = "2025-09-30T04:00:00.000Z"; });
        const [f] = findings(supabaseBackups, old);
        assert.deepEqual([f!.status, f!.message, f!.fix], ["fail", "hotdash-supabase-backups: the newest completed backup (2025-09-30T04:00:00.000Z) is 32 h old, more than maxBackupAgeHours 26",
            "check the daily backup at 04:00:00 UTC ran (Supabase dashboard > Database > Backups); `pulumi refresh --stack prod` records what Supabase reports now"]);
        // the state's observation ages: 6 h old at the last apply, 27 h old a day later
        assert.deepEqual(problems(supabaseBackups, passingStack(), new Date("2025-10-02T09:00:00Z")), [["fail", "hotdash-supabase-backups: the newest completed backup (2025-10-01T06:00:00.000Z) is 27 h old, more than maxBackupAgeHours 26"]]);
        assert.deepEqual(problems(supabaseBackups, bak((p) => { p["newestBackupAt"] = ""; })), [["fail", "hotdash-supabase-backups: Supabase reports no completed backup"]]);
    });

    it("fails when PITR is not what hotdash:backups.pitr expects, either way, with the fix", () => {
        const expectedOn = findings(supabaseBackups, bak((p) => { p["pitr"] = true; }))[0]!;
        assert.deepEqual([expectedOn.status, expectedOn.message, expectedOn.fix], ["fail", "hotdash-supabase-backups: Supabase reports PITR off, but hotdash:backups.pitr expects it on",
            "enable the PITR add-on (Supabase dashboard > Project Settings > Add-ons), then `pulumi refresh --stack prod` records what Supabase reports now; or, if PITR is not meant to be bought, pulumi config set --path hotdash:backups.pitr false --stack prod"]);
        const unexpected = findings(supabaseBackups, bak((p) => { p["pitrEnabled"] = true; }))[0]!;
        assert.deepEqual([unexpected.status, unexpected.message, unexpected.fix], ["fail", "hotdash-supabase-backups: Supabase reports PITR on, but hotdash:backups.pitr expects it off",
            "pulumi config set --path hotdash:backups.pitr true --stack prod"]);
    });

    it("fails a bad schedule, age or PITR flag, one finding each", () => {
        assert.deepEqual(outcome(supabaseBackups, bak((p) => { p["scheduleFor"] = "4am"; })), [["fail", "hotdash-supabase-backups: scheduleFor \"4am\" is not a UTC time of day (HH:MM:SS)"]]);
        assert.deepEqual(outcome(supabaseBackups, bak((p) => { p["maxBackupAgeHours"] = 0; p["pitr"] = "yes"; })), [
            ["fail", "hotdash-supabase-backups: maxBackupAgeHours must be a number above 0"],
            ["fail", "hotdash-supabase-backups: pitr must be true or false"],
        ]);
    });

    it("fails when not declared", () => {
        assert.deepEqual(outcome(supabaseBackups, without(passingStack(), BAK)), [["fail", "The Supabase backup schedule (SupabaseBackups) is not declared in the stack"]]);
    });

    it("is unknown in preview", () => {
        assert.deepEqual(outcome(supabaseBackups, bak((p) => { p["scheduleFor"] = UNKNOWN_SENTINEL; })), [["unknown", "hotdash-supabase-backups: cannot check scheduleFor during preview (not known until apply)"]]);
    });

    it("is unknown, so blocks, until Supabase has reported (preview before the first apply)", () => {
        const unreported = [
            ["unknown", "hotdash-supabase-backups: cannot check the newest completed backup (reported once applied) during preview (not known until apply)"],
            ["unknown", "hotdash-supabase-backups: cannot check whether PITR is on (reported once applied) during preview (not known until apply)"],
        ];
        assert.deepEqual(outcome(supabaseBackups, bak((p) => { p["newestBackupAt"] = UNKNOWN_SENTINEL; p["pitrEnabled"] = UNKNOWN_SENTINEL; })), unreported);
        assert.deepEqual(outcome(supabaseBackups, bak((p) => { delete p["newestBackupAt"]; delete p["pitrEnabled"]; delete p["newestBackupAgeHours"]; })), unreported);
    });

    it("never shows a secret's value", () => {
        assert.deepEqual(leakedCanaries(findings(supabaseBackups, passingStack())), []);
    });
});
