import { strict as assert } from "node:assert";
import { supabaseSsl } from "../../../policies/rules/supabaseSsl";
import { editing, findings, leakedCanaries, outcome, passingStack, UNKNOWN_SENTINEL, without } from "../fixtures";

const SSL = "hotdash-supabase-ssl";

describe("policies/rules/supabaseSsl (HD-SSL-004)", () => {
    it("passes when Supabase reports enforcement on", () => {
        assert.deepEqual(outcome(supabaseSsl, passingStack()), [["pass", "hotdash-supabase-ssl: Supabase reports SSL enforcement on"]]);
    });

    it("fails when Supabase reports it off, however the stack asks (enabled: true is always requested)", () => {
        const [f] = findings(supabaseSsl, editing(passingStack(), SSL, (p) => { p["enforced"] = false; }));
        assert.deepEqual([f!.status, f!.message, f!.fix], ["fail", "hotdash-supabase-ssl: Supabase reports SSL enforcement off or not applied",
            "`pulumi up --stack prod` turns enforcement on and waits until Supabase applies it; `pulumi refresh --stack prod` records Supabase's current setting"]);
        assert.deepEqual(outcome(supabaseSsl, editing(passingStack(), SSL, (p) => { p["enabled"] = false; })), [["fail", "hotdash-supabase-ssl: the stack turns SSL enforcement off"]]);
    });

    it("fails when not declared", () => {
        assert.deepEqual(outcome(supabaseSsl, without(passingStack(), SSL)), [["fail", "Supabase SSL enforcement (SupabaseSslEnforcement) is not declared in the stack"]]);
    });

    it("is unknown, so blocks, until Supabase has reported (preview before the first apply)", () => {
        const unknown = [["unknown", "hotdash-supabase-ssl: cannot check whether Supabase enforces SSL (reported once applied) during preview (not known until apply)"]];
        assert.deepEqual(outcome(supabaseSsl, editing(passingStack(), SSL, (p) => { p["enforced"] = UNKNOWN_SENTINEL; })), unknown);
        // what a preview of a resource not yet created holds: the request only
        assert.deepEqual(outcome(supabaseSsl, editing(passingStack(), SSL, (p) => { delete p["enforced"]; delete p["applied"]; })), unknown);
    });

    it("never shows a secret's value", () => {
        assert.deepEqual(leakedCanaries(findings(supabaseSsl, passingStack())), []);
    });
});
