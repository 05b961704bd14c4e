import { strict as assert } from "node:assert";
import { tokenExpiry } from "../../../policies/rules/tokenExpiry";
import { editing, findings, leakedCanaries, outcome, passingStack, problems, UNKNOWN_SENTINEL } from "../fixtures";

type Facts = { tokens: Record<string, Record<string, unknown>>; launchWindow: Record<string, unknown> | null };
const FACTS = "hotdash-launch-facts";
const facts = (edit: (f: Facts) => void) => editing(passingStack(), FACTS, (p) => edit(p as unknown as Facts));

describe("policies/rules/tokenExpiry (HD-TOK-002)", () => {
    it("passes expiries at least 14 days after the window's end", () => {
        assert.deepEqual(outcome(tokenExpiry, facts((f) => { f.tokens["fly"]!["expires"] = "2025-10-29"; })), [
            ["pass", "tokens.fly: the Fly API token expires 2025-10-29, on or after 2025-10-29"],
            ["pass", "tokens.supabase: the Supabase access token expires 2026-06-30, on or after 2025-10-29"],
            ["pass", "tokens.chatwoot: the Chatwoot API token does not expire"],
        ]);
    });

    it("fails an expiry too soon, with the command that declares the new one", () => {
        const stack = facts((f) => { f.tokens["fly"]!["expires"] = "2025-10-28"; });
        assert.deepEqual(problems(tokenExpiry, stack), [["fail", "tokens.fly: the Fly API token expires 2025-10-28, before 2025-10-29 (14 days after the launch window ends on 2025-10-15)"]]);
        // a Fly token's expiry is part of the token: the fix is a new token, not a new date
        assert.equal(findings(tokenExpiry, stack)[0]!.fix, "fly tokens create org --expiry <duration> (long enough), then pulumi config set --secret hotdash:flyApiToken '<fly-api-token>' --stack prod");
    });

    it("counts from today once the window is past, and honours the configured number of days", () => {
        const stack = facts((f) => { f.launchWindow!["minTokenValidityDays"] = 30; });
        assert.deepEqual(problems(tokenExpiry, stack, new Date("2026-06-01T00:00:00Z")), [
            ["fail", "tokens.fly: the Fly API token expires 2026-06-30, before 2026-07-01 (30 days after today, 2026-06-01)"],
            ["fail", "tokens.supabase: the Supabase access token expires 2026-06-30, before 2026-07-01 (30 days after today, 2026-06-01)"],
        ]);
    });

    it("fails an undeclared or malformed expiry, and a missing window", () => {
        assert.deepEqual(problems(tokenExpiry, facts((f) => { f.tokens["supabase"]!["expires"] = ""; })), [["fail", "tokens.supabase: no expiry is declared for the Supabase access token"]]);
        assert.deepEqual(problems(tokenExpiry, facts((f) => { f.tokens["fly"]!["expires"] = ""; })), [["fail", "tokens.fly: the Fly API token states no readable expiry (it is not a Fly macaroon: see HD-TOK-001)"]]);
        assert.deepEqual(problems(tokenExpiry, facts((f) => { f.tokens["supabase"]!["expires"] = "2026-02-30"; })), [["fail", "tokens.supabase: expiry \"2026-02-30\" is not a UTC date (YYYY-MM-DD)"]]);
        const noWindow = facts((f) => { f.launchWindow = null; });
        assert.deepEqual(problems(tokenExpiry, noWindow), [["fail", "launch.window: no launch window is declared, so token validity cannot be judged"]]);
        assert.equal(findings(tokenExpiry, noWindow)[0]!.fix, "pulumi config set --path hotdash:launch.windowStart '<YYYY-MM-DD>' --stack prod && pulumi config set --path hotdash:launch.windowEnd '<YYYY-MM-DD>' --stack prod");
    });

    it("is unknown in preview", () => {
        assert.deepEqual(problems(tokenExpiry, facts((f) => { f.tokens["fly"]!["expires"] = UNKNOWN_SENTINEL; })), [["unknown", "tokens.fly: cannot check the expiry of the Fly API token during preview (not known until apply)"]]);
    });

    it("never shows a secret's value", () => {
        assert.deepEqual(leakedCanaries(findings(tokenExpiry, facts((f) => { f.tokens["fly"]!["expires"] = "2025-10-01"; }))), []);
    });
});
