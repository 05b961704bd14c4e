/**
 * Probes against the sandbox over real HTTP, without the engine, for what the whole-stack test cannot reach: a
 * custom hostname's certificate (pending, issued, expiring inside the window) and a revoked Slack hook.
 */
import { strict as assert } from "node:assert";
import { validateConfig } from "../../../components/config/validate";
import type { ProbeContext } from "../../../ops/gonogo/probe";
import { certificatesProbe } from "../../../ops/gonogo/probes/fly";
import { alertRouteProbe } from "../../../ops/gonogo/probes/monitoring";
import { tokenExpiryProbe } from "../../../ops/gonogo/probes/tokens";
import { mintFlyToken } from "../../../sandbox/flyMacaroon";
import { useSandbox } from "../../helpers/sandbox";

describe("go-no-go probes against the sandbox", () => {
    const sandbox = useSandbox();

    function ctx(overrides: Record<string, unknown> = {}): ProbeContext {
        const values = { ...sandbox().stackConfig(), ...overrides };
        const config = validateConfig({ values, secretKeys: [] }, { stack: "sandbox", env: {} });
        return { config, secret: (n) => values[`hotdash:${n}`] as string | undefined, learnSecret: () => undefined, now: new Date(), sendTestMessage: true, draftTimeoutSeconds: 1 };
    }

    it("certificates: n/a without a custom hostname, fail while pending, pass once issued, fail when it expires inside the window", async () => {
        assert.deepEqual((await certificatesProbe.run(ctx())).map((f) => f.status), ["n/a"]);
        const apps = sandbox().stackConfig()["hotdash:apps"] as Record<string, Record<string, unknown>>;
        const withHost = { "hotdash:apps": { ...apps, agentService: { ...apps["agentService"], hostname: "agent.hotdash.example" } } };
        const fly = sandbox().fly;
        const app = fly.seedApp("hotdash-agent-service");
        app.certificates["agent.hotdash.example"] = { hostname: "agent.hotdash.example", requestedAt: Date.now() } as never;
        fly.certificateMs = 1e9;
        const pending = await certificatesProbe.run(ctx(withHost));
        assert.deepEqual(pending.map((f) => [f.status, f.message, f.fix]), [["fail", "agent.hotdash.example: certificate not issued (pending_validation)", "fly certs show agent.hotdash.example -a hotdash-agent-service"]]);
        fly.certificateMs = 0;
        assert.deepEqual((await certificatesProbe.run(ctx(withHost))).map((f) => f.status), ["pass"]);
        const late = await certificatesProbe.run(ctx({ ...withHost, "hotdash:launch": { windowStart: "2099-01-01", windowEnd: "2099-01-03" } }));
        assert.equal(late[0]!.status, "fail");
        assert.match(late[0]!.message, /^agent\.hotdash\.example: certificate expires \S+, inside the launch window, so it is not renewing$/);
    });

    it("alert route: a live hook answers no_text to an empty post and nothing is posted; a revoked one fails with the fix", async () => {
        const live = await alertRouteProbe.run(ctx());
        assert.equal(live[0]!.status, "pass", live[0]!.message);
        assert.equal(sandbox().slack.messages.length, 0);
        const revoked = await alertRouteProbe.run(ctx({ "hotdash:alertSlackWebhookUrl": `${sandbox().urls.slack}/services/T0HOTDASH/B0LAUNCH/revokedhooksecret` }));
        assert.equal(revoked[0]!.status, "fail");
        assert.match(revoked[0]!.message, /^the Slack webhook answered 404 no_service: it is revoked or its channel is gone$/);
        assert.equal(revoked[0]!.fix, "pulumi config set --secret hotdash:alertSlackWebhookUrl <new-webhook-url> --stack sandbox && npx launch up --stack sandbox");
        assert.ok(!JSON.stringify(revoked).includes("revokedhooksecret"));
    });

    it("token expiry: the Fly token's is read from its own validity window, the Supabase token's from config", async () => {
        const now = new Date("2026-11-30T12:00:00Z");
        const window = { "hotdash:launch": { windowStart: "2026-12-01", windowEnd: "2026-12-03", minTokenValidityDays: 7 } };
        const fly = (notAfter: string): string => mintFlyToken({ key: Buffer.alloc(32, 1), kid: "test", notBefore: new Date("2026-01-01"), notAfter: new Date(notAfter), rnd: Buffer.alloc(16, 2) });
        const run = async (o: Record<string, unknown>): Promise<string[][]> => (await tokenExpiryProbe.run({ ...ctx({ ...window, ...o }), now })).map((f) => [f.resource, f.status, f.message]);
        assert.deepEqual(await run({ "hotdash:flyApiToken": fly("2027-06-01T00:00:00Z"), "hotdash:tokenExpiry": { supabase: "2027-06-01" } }), [
            ["fly token", "pass", "fly token valid until 2027-06-01"],
            ["supabase token", "pass", "supabase token valid until 2027-06-01"],
            ["chatwoot token", "pass", "chatwoot token: Chatwoot access tokens do not expire"],
        ]);
        // a token minted to expire inside the window: the config says nothing of it, the token does
        assert.deepEqual((await run({ "hotdash:flyApiToken": fly("2026-12-02T00:00:00Z"), "hotdash:tokenExpiry": { supabase: "2026-12-05" } })).slice(0, 2), [
            ["fly token", "fail", "fly token expires 2026-12-02, inside the launch window"],
            ["supabase token", "fail", "supabase token expires 2026-12-05, before 2026-12-10"],
        ]);
        assert.deepEqual((await run({ "hotdash:flyApiToken": "fm2_bm90IGEgbWFjYXJvb24=", "hotdash:tokenExpiry": {} })).slice(0, 2), [
            ["fly token", "fail", "fly token: its validity window cannot be read"],
            ["supabase token", "fail", "supabase token: no expiry declared"],
        ]);
    });
});
