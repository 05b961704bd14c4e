/** Supabase Edge Function secrets, the provider rebuilt from its serialized text, against the sandbox. */
import { strict as assert } from "node:assert";
import { secretDigest, type SupabaseSecretsInputs, supabaseSecretsProvider } from "../../../providers/supabase/secrets";
import { SANDBOX_CREDENTIALS as C } from "../../../sandbox/credentials";
import { PLATFORM_SECRETS } from "../../../sandbox/supabase";
import { rebuild, type Rebuilt } from "../../helpers/providers";
import { call, useSandbox } from "../../helpers/sandbox";

describe("providers/supabase/secrets", function () {
    this.timeout(30000);
    const sandbox = useSandbox({ timeScale: 0.01 });
    let p: Rebuilt<SupabaseSecretsInputs, SupabaseSecretsInputs>;
    before(async () => {
        p = await rebuild(supabaseSecretsProvider, { "hotdash:supabaseAccessToken": C.supabaseAccessToken });
    });
    const inputs = (values: Record<string, string>): SupabaseSecretsInputs => ({ apiUrl: sandbox().urls.supabase, projectRef: C.supabaseProjectRef, values });
    const writes = (): string[] => sandbox().mutatingRequests("supabase").map((r) => `${r.method} ${r.path.replace(`/v1/projects/${C.supabaseProjectRef}`, "")}`);
    const live = (): Record<string, string> => Object.fromEntries(Object.entries(sandbox().supabase.project.secrets).map(([n, s]) => [n, s.digest]));

    it("refuses SUPABASE_ names in check, with the reason", async () => {
        const checked = await p.check!({} as SupabaseSecretsInputs, inputs({ SUPABASE_URL: "x", GOOD: "y" }));
        assert.deepEqual(checked.failures, [{ property: "values", reason: '"SUPABASE_URL" starts with SUPABASE_, which Supabase reserves for the secrets it injects itself; rename it' }]);
    });

    it("writes only what changed: no-op none, one value one bulk POST, a removed key one DELETE of that key", async () => {
        const first = await p.create(inputs({ CHATWOOT_BASE_URL: "https://a", AGENT_SERVICE_URL: "https://b" }));
        assert.deepEqual(writes(), ["POST /secrets"]);
        // a secret the stack does not manage, set by someone else
        sandbox().supabase.project.secrets["OPENAI_API_KEY"] = { digest: secretDigest("sk-other"), updatedAt: "" };
        sandbox().log.length = 0;

        const same = await p.diff!(first.id, first.outs!, inputs({ CHATWOOT_BASE_URL: "https://a", AGENT_SERVICE_URL: "https://b" }));
        assert.equal(same.changes, false);
        assert.deepEqual(sandbox().log, [], "a no-op asks nothing");

        const changed = inputs({ CHATWOOT_BASE_URL: "https://a2", AGENT_SERVICE_URL: "https://b" });
        assert.equal((await p.diff!(first.id, first.outs!, changed)).changes, true);
        const updated = await p.update!(first.id, first.outs!, changed);
        assert.deepEqual(writes(), ["POST /secrets"]);
        const posted = sandbox().log.find((r) => r.method === "POST");
        assert.ok(posted);
        assert.equal(live()["CHATWOOT_BASE_URL"], secretDigest("https://a2"));

        sandbox().log.length = 0;
        await p.update!(first.id, updated.outs!, inputs({ CHATWOOT_BASE_URL: "https://a2" }));
        assert.deepEqual(writes(), ["DELETE /secrets"]);
        assert.equal(live()["AGENT_SERVICE_URL"], undefined);
        assert.equal(live()["OPENAI_API_KEY"], secretDigest("sk-other"), "a secret the stack does not manage is untouched");
        for (const name of PLATFORM_SECRETS) assert.ok(live()[name], `${name} untouched`);
    });

    it("sees a value changed out of band on refresh, and puts it back", async () => {
        const created = await p.create(inputs({ CHATWOOT_API_TOKEN: "the-right-token" }));
        const r = await call(`${sandbox().urls.supabase}/v1/projects/${C.supabaseProjectRef}/secrets`, {
            method: "POST", headers: { authorization: `Bearer ${C.supabaseAccessToken}` }, body: [{ name: "CHATWOOT_API_TOKEN", value: "edited-by-hand" }],
        });
        assert.equal(r.status, 201);
        const refreshed = await p.read!(created.id, created.outs!);
        assert.deepEqual(refreshed.props!.values, {}, "refresh drops the drifted value");
        const declared = inputs({ CHATWOOT_API_TOKEN: "the-right-token" });
        assert.equal((await p.diff!(created.id, refreshed.props!, declared)).changes, true);
        await p.update!(created.id, refreshed.props!, declared);
        assert.equal(live()["CHATWOOT_API_TOKEN"], secretDigest("the-right-token"));
    });

    it("never puts a secret value in an error, even when Supabase quotes the request body back", async () => {
        // one plain value and one that JSON escapes (a quote, a backslash): the echo carries the escaped spelling
        const plain = "sk-live-0123456789abcdef";
        const escaped = 'pa"ss\\word-0123456789';
        sandbox().faults.set({ seed: 1, rules: [{ kind: "echo", servers: ["supabase"], methods: ["POST"], path: /\/secrets$/ }] });
        await assert.rejects(p.create(inputs({ OPENAI_API_KEY: plain, DB_PASSWORD: escaped })), (err: Error) => {
            assert.equal(err.message, `Supabase Management API POST /v1/projects/${C.supabaseProjectRef}/secrets failed with 422: `
                + 'invalid request body: [{"name":"OPENAI_API_KEY","value":"[redacted]"},{"name":"DB_PASSWORD","value":"[redacted]"}] (1 attempt)');
            for (const text of [err.message, String(err.stack), JSON.stringify(err)]) {
                assert.ok(!text.includes(plain), `value leaked: ${text}`);
                assert.ok(!text.includes(JSON.stringify(escaped).slice(1, -1)) && !text.includes(escaped), `escaped value leaked: ${text}`);
            }
            return true;
        });
        assert.equal(sandbox().faults.injected["echo"], 1, "the echo fault answered the request");
    });
});
