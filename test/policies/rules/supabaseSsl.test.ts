import { strict as assert } from "node:assert";
import { supabaseSsl } from "../../../policies/rules/supabaseSsl";
import { editing, findings, leakedCanaries, outcome, passingStack, UNKNOWN_SENTINEL, without } from "../fixtures";

const SSL = "hotdash-supabase-ssl";

describe("policies/rules/supabaseSsl (HD-SSL-004)", () => {
    it("passes enforcement on", () => {
        assert.deepEqual(outcome(supabaseSsl, passingStack()), [["pass", "hotdash-supabase-ssl: SSL enforcement is on"]]);
    });

    it("fails enforcement off", () => {
        assert.deepEqual(outcome(supabaseSsl, editing(passingStack(), SSL, (p) => { p["enabled"] = false; })), [["fail", "hotdash-supabase-ssl: SSL enforcement is off"]]);
    });

    it("fails when not declared", () => {
        assert.deepEqual(outcome(supabaseSsl, without(passingStack(), SSL)), [["fail", "Supabase SSL enforcement (SupabaseSslEnforcement) is not declared in the stack"]]);
    });

    it("is unknown in preview", () => {
        assert.deepEqual(outcome(supabaseSsl, editing(passingStack(), SSL, (p) => { p["enabled"] = UNKNOWN_SENTINEL; })), [["unknown", "hotdash-supabase-ssl: cannot check enabled during preview (not known until apply)"]]);
    });

    it("never shows a secret's value", () => {
        assert.deepEqual(leakedCanaries(findings(supabaseSsl, passingStack())), []);
    });
});
