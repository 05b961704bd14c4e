import { strict as assert } from "node:assert";
import { httpsUrls } from "../../../policies/rules/httpsUrls";
import { editing, findings, leakedCanaries, outcome, passingStack, problems, UNKNOWN_SENTINEL } from "../fixtures";

type Props = Record<string, Record<string, Record<string, unknown>>>;
const AGENT = "hotdash-agent-service-machines-app";

describe("policies/rules/httpsUrls (HD-SSL-001)", () => {
    it("passes https URLs in env, Supabase secrets and the Chatwoot base URL", () => {
        assert.deepEqual(outcome(httpsUrls, passingStack()), [
            ["pass", "hotdash-llamaindex-mcp-machines-app: 1 URL in env, all https"],
            ["pass", "hotdash-agent-service-machines-app: 3 URLs in env, all https"],
            ["pass", "hotdash-chatwoot-machines-web: 1 URL in env, all https"],
            ["pass", "hotdash-chatwoot-machines-worker: 1 URL in env, all https"],
            ["pass", "hotdash-supabase-secrets: 3 URLs among the Supabase secrets, all https"],
            ["pass", "hotdash-chatwoot-webhook-registration: Chatwoot base URL https://hotdash-chatwoot.fly.dev, all https"],
        ]);
    });

    it("fails an http URL in env, showing only its origin", () => {
        const stack = editing(passingStack(), AGENT, (p) => { (p as Props)["config"]!["env"]!["CHATWOOT_BASE_URL"] = "http://user:pw@chat.example.com/x?y=1"; });
        assert.deepEqual(problems(httpsUrls, stack), [["fail", "hotdash-agent-service-machines-app: env CHATWOOT_BASE_URL is http://chat.example.com, not https"]]);
    });

    it("fails an http URL among the Supabase secrets without showing it", () => {
        const stack = editing(passingStack(), "hotdash-supabase-secrets", (p) => { (p["values"] as Record<string, unknown>)["AGENT_SERVICE_URL"] = "http://hotdash-agent-service.fly.dev"; });
        assert.deepEqual(problems(httpsUrls, stack), [["fail", "hotdash-supabase-secrets: Supabase secret AGENT_SERVICE_URL uses http://, not https"]]);
    });

    it("fails an http Chatwoot base URL", () => {
        const stack = editing(passingStack(), "hotdash-chatwoot-webhook-registration", (p) => { p["baseUrl"] = "http://hotdash-chatwoot.fly.dev"; });
        assert.deepEqual(problems(httpsUrls, stack), [["fail", "hotdash-chatwoot-webhook-registration: Chatwoot base URL is http://hotdash-chatwoot.fly.dev, not https"]]);
    });

    it("accepts Fly's private network, and loopback only in the sandbox", () => {
        let stack = editing(passingStack(), AGENT, (p) => { (p as Props)["config"]!["env"]!["LLAMAINDEX_SERVICE_URL"] = "http://hotdash-llamaindex-mcp.internal:8080"; });
        assert.deepEqual(problems(httpsUrls, stack), []);
        stack = editing(stack, AGENT, (p) => { (p as Props)["config"]!["env"]!["CHATWOOT_BASE_URL"] = "http://127.0.0.1:4283"; });
        assert.deepEqual(problems(httpsUrls, stack), [["fail", "hotdash-agent-service-machines-app: env CHATWOOT_BASE_URL is http://127.0.0.1:4283, not https"]]);
        stack = editing(stack, "hotdash-launch-facts", (p) => { p["environment"] = "sandbox"; });
        assert.deepEqual(problems(httpsUrls, stack), []);
        assert.deepEqual(outcome(httpsUrls, stack)[1], ["pass", "hotdash-agent-service-machines-app: 3 URLs in env, all https or allowed http (sandbox loopback, Fly private network)"]);
    });

    it("is unknown in preview for an unknown env or URL", () => {
        let stack = editing(passingStack(), AGENT, (p) => { (p as Props)["config"]!["env"]!["LLAMAINDEX_SERVICE_URL"] = UNKNOWN_SENTINEL; });
        stack = editing(stack, "hotdash-supabase-secrets", (p) => { p["values"] = UNKNOWN_SENTINEL; });
        assert.deepEqual(problems(httpsUrls, stack), [
            ["unknown", "hotdash-agent-service-machines-app: cannot check env LLAMAINDEX_SERVICE_URL during preview (not known until apply)"],
            ["unknown", "hotdash-supabase-secrets: cannot check the Supabase secrets during preview (not known until apply)"],
        ]);
    });

    it("never shows a secret's value", () => {
        const stack = editing(passingStack(), "hotdash-supabase-secrets", (p) => { (p["values"] as Record<string, unknown>)["CHATWOOT_API_TOKEN"] = "http://canary-chatwoot-token-2b8d4f6a9c.example.com"; });
        assert.deepEqual(leakedCanaries(findings(httpsUrls, stack)), []);
    });
});
