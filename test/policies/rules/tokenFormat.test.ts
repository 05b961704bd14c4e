import { strict as assert } from "node:assert";
import { tokenFormat } from "../../../policies/rules/tokenFormat";
import { editing, findings, leakedCanaries, outcome, passingStack, problems, UNKNOWN_SENTINEL, without } from "../fixtures";

type Tokens = { tokens: Record<string, Record<string, unknown>> };
const FACTS = "hotdash-launch-facts";
const withFormat = (vendor: string, format: unknown) => editing(passingStack(), FACTS, (p) => { (p as unknown as Tokens).tokens[vendor]!["format"] = format; });

describe("policies/rules/tokenFormat (HD-TOK-001)", () => {
    it("passes the vendors' formats", () => {
        assert.deepEqual(outcome(tokenFormat, passingStack()), [
            ["pass", "tokens.fly: the Fly API token is a Fly macaroon"],
            ["pass", "tokens.supabase: the Supabase access token is a personal access token (sbp_)"],
            ["pass", "tokens.chatwoot: the Chatwoot API token is a Chatwoot access token"],
        ]);
    });

    it("accepts no class but the vendor's real format (no catch-all \"bearer\" or \"opaque\")", () => {
        assert.deepEqual(problems(tokenFormat, withFormat("fly", "bearer")).map(([s]) => s), ["fail"]);
        assert.deepEqual(problems(tokenFormat, withFormat("chatwoot", "opaque")).map(([s]) => s), ["fail"]);
    });

    it("fails a malformed token with the expected format and the command that sets it", () => {
        assert.deepEqual(problems(tokenFormat, withFormat("supabase", "malformed")), [["fail", "tokens.supabase: the Supabase access token is malformed: expected sbp_ (or sbp_oauth_) followed by 40 lowercase hex characters"]]);
        assert.equal(findings(tokenFormat, withFormat("supabase", "malformed"))[1]!.fix, "pulumi config set --secret hotdash:supabaseAccessToken '<sbp_token>' --stack prod");
        assert.deepEqual(problems(tokenFormat, withFormat("fly", "supabase-pat")), [["fail", "tokens.fly: the Fly API token is malformed: expected Fly macaroons (fm1r_, fm1a_ or fm2_ and base64 MessagePack, comma-separated, optionally after \"FlyV1 \") with a permission macaroon, as `fly tokens create org` prints"]]);
        assert.deepEqual(problems(tokenFormat, withFormat("chatwoot", "malformed")), [["fail", "tokens.chatwoot: the Chatwoot API token is malformed: expected 24 base58 characters, as Chatwoot's Profile settings show the access token"]]);
    });

    it("fails a missing token", () => {
        assert.deepEqual(problems(tokenFormat, withFormat("chatwoot", "missing")), [["fail", "tokens.chatwoot: the Chatwoot API token is missing"]]);
    });

    it("fails without LaunchFacts", () => {
        assert.deepEqual(outcome(tokenFormat, without(passingStack(), FACTS)), [["fail", "LaunchFacts (the launch's own facts) is not declared in the stack"]]);
    });

    it("is unknown in preview", () => {
        assert.deepEqual(problems(tokenFormat, withFormat("fly", UNKNOWN_SENTINEL)), [["unknown", "tokens.fly: cannot check the format of the Fly API token during preview (not known until apply)"]]);
    });

    it("never shows a secret's value", () => {
        assert.deepEqual(leakedCanaries(findings(tokenFormat, withFormat("fly", "malformed"))), []);
    });
});
