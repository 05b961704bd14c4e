import { strict as assert } from "node:assert";
import { supabaseBackups } from "../../../policies/rules/supabaseBackups";
import { editing, findings, leakedCanaries, outcome, passingStack, UNKNOWN_SENTINEL, without } from "../fixtures";

const BAK = "hotdash-supabase-backups";
const bak = (edit: (p: Record<string, unknown>) => void) => editing(passingStack(), BAK, edit);

describe("policies/rules/supabaseBackups (HD-BAK-002)", () => {
    it("passes a declared schedule", () => {
        assert.deepEqual(outcome(supabaseBackups, passingStack()), [["pass", "hotdash-supabase-backups: daily backup at 04:00:00 UTC, newest at most 26 h old, PITR not expected"]]);
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

    it("never shows a secret's value", () => {
        assert.deepEqual(leakedCanaries(findings(supabaseBackups, passingStack())), []);
    });
});
