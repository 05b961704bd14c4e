/** The sandbox answers as each vendor does: schema errors, auth, rate limits, error bodies and headers. */
import { strict as assert } from "node:assert";
import { call, useSandbox } from "../helpers/sandbox";
import { SANDBOX_CREDENTIALS as C, sandboxFlyToken } from "../../sandbox/credentials";

const REF = C.supabaseProjectRef;
const fly = { authorization: `Bearer ${C.flyOrgToken}` };
const supa = { authorization: `Bearer ${C.supabaseAccessToken}` };
const cw = { api_access_token: C.chatwootAdminToken };

describe("sandbox vendor contracts", () => {
    const sandbox = useSandbox({ timeScale: 0.01 });

    describe("a request that breaks the vendor's document gets the vendor's error", () => {
        it("Fly: 400 with {error} naming the field", async () => {
            const r = await call(`${sandbox().urls.fly}/v1/apps/x/machines`, { method: "POST", headers: fly, body: { config: { image: 42 }, min_secrets_version: "3" } });
            assert.equal(r.status, 400);
            assert.deepEqual(r.body, { error: "body/config/image must be string; body/min_secrets_version must be integer" });
            assert.match(r.headers["fly-request-id"] ?? "", /^[0-9a-f]{26}-iad$/);
        });

        it("Supabase: 400 with {message}, rate-limit headers included", async () => {
            const r = await call(`${sandbox().urls.supabase}/v1/projects/${REF}/secrets`, { method: "POST", headers: supa, body: [{ name: "SUPABASE_URL", value: "x" }] });
            assert.equal(r.status, 400);
            assert.deepEqual(r.body, { message: 'body/0/name must match pattern "^(?!SUPABASE_).*"' });
            assert.equal(r.headers["x-ratelimit-limit"], "120");
        });

        it("Supabase: a project ref that breaks the document's pattern is refused before any lookup", async () => {
            const r = await call(`${sandbox().urls.supabase}/v1/projects/NOT-A-REF/secrets`, { headers: supa });
            assert.equal(r.status, 400);
            assert.match((r.body as { message: string }).message, /^path parameter "ref" must NOT have fewer than 20 characters/);
        });

        it("Chatwoot: 422 {message, attributes} as the Rails model says it", async () => {
            const r = await call(`${sandbox().urls.chatwoot}/api/v1/accounts/1/webhooks`, { method: "POST", headers: cw, body: { url: "https://a.example/x", subscriptions: ["message_created", "no_such_event"] } });
            assert.equal(r.status, 422);
            assert.deepEqual(r.body, { message: "Subscriptions Invalid events", attributes: ["subscriptions"] });
            const r2 = await call(`${sandbox().urls.chatwoot}/api/v1/accounts/1/webhooks`, { method: "POST", headers: cw, body: { url: 17 } });
            assert.equal(r2.status, 422);
            assert.deepEqual(r2.body, { message: "body/url must be string", attributes: ["url"] });
        });
    });

    describe("a wrong token gets 401 in each vendor's format", () => {
        it("Fly", async () => {
            for (const scheme of ["Bearer", "FlyV1"]) {
                const r = await call(`${sandbox().urls.fly}/v1/apps?org_slug=hotdash`, { headers: { authorization: `${scheme} wrong` } });
                assert.equal(r.status, 401);
                assert.deepEqual(r.body, { error: "Authenticate: token validation error" });
            }
            const ok = await call(`${sandbox().urls.fly}/v1/apps?org_slug=hotdash`, { headers: { authorization: `FlyV1 other,${C.flyOrgToken}` } });
            assert.equal(ok.status, 200);
        });

        it("Fly: a macaroon whose validity window has passed, like a wrong one", async () => {
            const lapsed = sandboxFlyToken(new Date(Date.now() - 60_000));
            sandbox().fly.tokens[lapsed] = { org: "hotdash" };
            const r = await call(`${sandbox().urls.fly}/v1/apps?org_slug=hotdash`, { headers: { authorization: `FlyV1 ${lapsed}` } });
            assert.equal(r.status, 401);
            assert.deepEqual(r.body, { error: "Authenticate: token validation error" });
            const valid = sandboxFlyToken(new Date(Date.now() + 3_600_000));
            sandbox().fly.tokens[valid] = { org: "hotdash" };
            assert.equal((await call(`${sandbox().urls.fly}/v1/apps?org_slug=hotdash`, { headers: { authorization: `FlyV1 ${valid}` } })).status, 200);
        });

        it("Supabase", async () => {
            const r = await call(`${sandbox().urls.supabase}/v1/projects/${REF}/secrets`, { headers: { authorization: "Bearer sbp_wrong" } });
            assert.equal(r.status, 401);
            assert.deepEqual(r.body, { message: "Unauthorized" });
        });

        it("Chatwoot, and a non-administrator may not manage webhooks", async () => {
            const r = await call(`${sandbox().urls.chatwoot}/api/v1/profile`, { headers: { api_access_token: "wrong" } });
            assert.equal(r.status, 401);
            assert.deepEqual(r.body, { error: "Invalid Access Token" });
            const agent = await call(`${sandbox().urls.chatwoot}/api/v1/accounts/1/webhooks`, { headers: { api_access_token: C.chatwootAgentToken } });
            assert.equal(agent.status, 401);
            assert.deepEqual(agent.body, { error: "You are not authorized to do this action" });
        });

        it("PostgREST (Supabase's gateway)", async () => {
            const r = await call(`${sandbox().urls["supabase-rest"]}/rest/v1/agent_approvals`, { headers: { apikey: "wrong" } });
            assert.equal(r.status, 401);
            assert.deepEqual(r.body, { message: "Invalid API key", hint: "Double check your Supabase `anon` or `service_role` API key." });
        });
    });

    describe("behaviour that differs from the documents", () => {
        it("Chatwoot wraps webhooks in payload, generates a 24-character secret, ignores one sent, keeps URLs unique", async () => {
            const url = `${sandbox().urls.chatwoot}/api/v1/accounts/1/webhooks`;
            const created = await call(url, { method: "POST", headers: cw, body: { webhook: { url: "https://agent.example/hook", subscriptions: ["message_created"], secret: "mine" } } });
            assert.equal(created.status, 200);
            const w = (created.body as { payload: { webhook: { secret: string; url: string } } }).payload.webhook;
            assert.match(w.secret, /^[1-9A-HJ-NP-Za-km-z]{24}$/);
            assert.notEqual(w.secret, "mine");
            const dup = await call(url, { method: "POST", headers: cw, body: { url: "https://agent.example/hook", subscriptions: ["message_created"] } });
            assert.deepEqual([dup.status, dup.body], [422, { message: "Url has already been taken", attributes: ["url"] }]);
            const listed = await call(url, { headers: cw });
            assert.deepEqual((listed.body as { payload: { webhooks: unknown[] } }).payload.webhooks, [w]);
        });

        it("Supabase lists secrets as SHA-256 digests, platform secrets included", async () => {
            const url = `${sandbox().urls.supabase}/v1/projects/${REF}/secrets`;
            assert.equal((await call(url, { method: "POST", headers: supa, body: [{ name: "FOO", value: "bar" }] })).status, 201);
            const listed = (await call(url, { headers: supa })).body as { name: string; value: string }[];
            assert.equal(listed.find((s) => s.name === "FOO")?.value, "fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9");
            assert.ok(listed.some((s) => s.name === "SUPABASE_URL"));
        });

        it("Fly accepts app_name for name, refuses a taken name with name_taken, hides other orgs' apps", async () => {
            const url = `${sandbox().urls.fly}/v1/apps`;
            const r = await call(url, { method: "POST", headers: fly, body: { app_name: "hotdash-agent-service", org_slug: "hotdash" } });
            assert.equal(r.status, 201);
            const taken = await call(url, { method: "POST", headers: fly, body: { name: "hotdash-taken-elsewhere", org_slug: "hotdash" } });
            assert.deepEqual([taken.status, taken.body], [422, { error: "Validation failed: Name has already been taken", status: "name_taken" }]);
            sandbox().fly.seedApp("someone-else", "other");
            const foreign = await call(`${url}/someone-else`, { headers: fly });
            assert.deepEqual([foreign.status, foreign.body], [403, { error: "unauthorized" }]);
        });

        it("PostgREST answers supabase-js's HEAD count in Content-Range", async () => {
            await sandbox().database.pool.query("INSERT INTO agent_approvals (status) VALUES ('pending'), ('approved')");
            const r = await call(`${sandbox().urls["supabase-rest"]}/rest/v1/agent_approvals?select=*&status=eq.pending`, {
                method: "HEAD", headers: { apikey: C.supabaseServiceRoleKey, prefer: "count=exact" },
            });
            assert.equal(r.status, 200);
            assert.equal(r.headers["content-range"], "0-0/1");
        });
    });
});

/** Rate limits are measured in real time, so these run on an unscaled sandbox of their own. */
describe("sandbox rate limits", () => {
    const sandbox = useSandbox({ timeScale: 1 });

    describe("exceeding a rate limit gets 429 with the vendor's headers", () => {
        it("Supabase: 120 a minute per token and project, x-ratelimit-* on every answer", async () => {
            const url = `${sandbox().urls.supabase}/v1/projects/${REF}/secrets`;
            let last;
            for (let i = 1; i <= 120; i++) {
                last = await call(url, { headers: supa });
                assert.equal(last.status, 200);
                assert.equal(last.headers["x-ratelimit-remaining"], String(120 - i));
            }
            const refused = await call(url, { headers: supa });
            assert.equal(refused.status, 429);
            assert.deepEqual(refused.body, { message: "ThrottlerException: Too Many Requests" });
            assert.equal(refused.headers["x-ratelimit-limit"], "120");
            assert.equal(refused.headers["x-ratelimit-remaining"], "0");
            assert.ok(Number(refused.headers["x-ratelimit-reset"]) > 0);
            // another scope (the account) has its own window
            assert.equal((await call(`${sandbox().urls.supabase}/v1/profile`, { headers: supa })).status, 200);
        });

        it("Fly: 1 request a second, burst 3, per action and app", async () => {
            const url = `${sandbox().urls.fly}/v1/apps/nope`;
            const statuses = [];
            for (let i = 0; i < 4; i++) statuses.push((await call(url, { method: "DELETE", headers: fly })).status);
            assert.deepEqual(statuses.slice(0, 3), [404, 404, 404]);
            const r = await call(url, { method: "DELETE", headers: fly });
            assert.equal(r.status, 429);
            assert.deepEqual(r.body, { error: "rate limit exceeded" });
            assert.ok(r.headers["fly-request-id"]);
            // another action is a separate bucket
            assert.equal((await call(url, { headers: fly })).status, 404);
        });

        it("Chatwoot: Rack::Attack's plain-text refusal after 3000 a minute", async () => {
            const url = `${sandbox().urls.chatwoot}/health`;
            for (let i = 0; i < 3000; i++) await call(url);
            const r = await call(url);
            assert.equal(r.status, 429);
            assert.equal(r.text, "Retry later\n");
        });
    });
});
