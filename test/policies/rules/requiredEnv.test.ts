import { strict as assert } from "node:assert";
import { requiredEnv } from "../../../policies/rules/requiredEnv";
import { editing, findings, leakedCanaries, outcome, passingStack, problems, UNKNOWN_SENTINEL, without } from "../fixtures";

type Props = Record<string, Record<string, Record<string, unknown>>>;

describe("policies/rules/requiredEnv (HD-ENV-001)", () => {
    it("passes every app of the fixture", () => {
        assert.deepEqual(outcome(requiredEnv, passingStack()), [
            ["pass", "hotdash-agent-service-machines-app: the 3 required env vars of hotdash-agent-service are set"],
            ["pass", "hotdash-agent-service-secrets: the 2 required Fly secrets of hotdash-agent-service are set"],
            ["pass", "hotdash-llamaindex-mcp-machines-app: the 1 required env var of hotdash-llamaindex-mcp is set"],
            ["pass", "hotdash-llamaindex-mcp-secrets: the 1 required Fly secret of hotdash-llamaindex-mcp is set"],
            ["pass", "hotdash-chatwoot-machines-web: the 5 required env vars of hotdash-chatwoot are set"],
            ["pass", "hotdash-chatwoot-machines-worker: the 5 required env vars of hotdash-chatwoot are set"],
            ["pass", "hotdash-chatwoot-secrets: the 6 required Fly secrets of hotdash-chatwoot are set"],
        ]);
    });

    it("fails a missing plain variable", () => {
        const stack = editing(passingStack(), "hotdash-agent-service-machines-app", (p) => { delete (p as Props)["config"]!["env"]!["LLAMAINDEX_SERVICE_URL"]; });
        assert.deepEqual(problems(requiredEnv, stack), [["fail", "hotdash-agent-service-machines-app: env LLAMAINDEX_SERVICE_URL is missing"]]);
    });

    it("fails a variable with the wrong required value, without showing the value", () => {
        const stack = editing(passingStack(), "hotdash-chatwoot-machines-web", (p) => { (p as Props)["config"]!["env"]!["RAILS_ENV"] = "development"; });
        assert.deepEqual(problems(requiredEnv, stack), [["fail", "hotdash-chatwoot-machines-web: env RAILS_ENV must be \"production\""]]);
    });

    it("fails FORCE_SSL other than true", () => {
        const stack = editing(passingStack(), "hotdash-chatwoot-machines-worker", (p) => { (p as Props)["config"]!["env"]!["FORCE_SSL"] = "false"; });
        assert.deepEqual(problems(requiredEnv, stack), [["fail", "hotdash-chatwoot-machines-worker: env FORCE_SSL must be \"true\""]]);
    });

    it("fails a missing and an empty Fly secret", () => {
        const stack = editing(passingStack(), "hotdash-chatwoot-secrets", (p) => {
            delete (p as Props)["values"]!["SECRET_KEY_BASE"];
            (p["values"] as Record<string, unknown>)["REDIS_URL"] = "";
        });
        assert.deepEqual(problems(requiredEnv, stack), [
            ["fail", "hotdash-chatwoot-secrets: Fly secret SECRET_KEY_BASE is missing"],
            ["fail", "hotdash-chatwoot-secrets: Fly secret REDIS_URL is empty"],
        ]);
    });

    it("fails an app without Fly secrets or machines", () => {
        const stack = without(passingStack(), "hotdash-llamaindex-mcp-secrets", "hotdash-llamaindex-mcp-machines-app");
        assert.deepEqual(problems(requiredEnv, stack), [
            ["fail", "hotdash-llamaindex-mcp: no machine group is declared"],
            ["fail", "hotdash-llamaindex-mcp: no Fly secrets are declared; it needs SUPABASE_SERVICE_ROLE_KEY"],
        ]);
    });

    it("leaves the webhook secret to HD-WHK-002 and a secret moved to plain env to HD-SEC-001", () => {
        let stack = editing(passingStack(), "hotdash-agent-service-secrets", (p) => {
            delete (p as Props)["values"]!["CHATWOOT_WEBHOOK_SECRET"];
            delete (p as Props)["values"]!["CHATWOOT_API_TOKEN"];
        });
        stack = editing(stack, "hotdash-agent-service-machines-app", (p) => { (p as Props)["config"]!["env"]!["CHATWOOT_API_TOKEN"] = "x"; });
        assert.deepEqual(problems(requiredEnv, stack), []);
    });

    it("is unknown in preview when the env or the secret names are not known yet", () => {
        let stack = editing(passingStack(), "hotdash-agent-service-machines-app", (p) => { (p as Props)["config"]!["env"] = UNKNOWN_SENTINEL as never; });
        stack = editing(stack, "hotdash-chatwoot-secrets", (p) => { p["values"] = { __pulumiUnknown: true }; });
        stack = editing(stack, "hotdash-chatwoot-machines-web", (p) => { (p as Props)["config"]!["env"]!["RAILS_ENV"] = UNKNOWN_SENTINEL; });
        assert.deepEqual(problems(requiredEnv, stack), [
            ["unknown", "hotdash-agent-service-machines-app: cannot check the machine config's env during preview (not known until apply)"],
            ["unknown", "hotdash-chatwoot-machines-web: cannot check env RAILS_ENV during preview (not known until apply)"],
            ["unknown", "hotdash-chatwoot-secrets: cannot check the set of Fly secret names during preview (not known until apply)"],
        ]);
    });

    it("never shows a secret's value", () => {
        const stack = editing(passingStack(), "hotdash-chatwoot-secrets", (p) => { (p["values"] as Record<string, unknown>)["REDIS_URL"] = ""; });
        assert.deepEqual(leakedCanaries(findings(requiredEnv, stack)), []);
    });
});
