/**
 * Probes against the sandbox over real HTTP, without the engine, for what the whole-stack test cannot reach: a
 * custom hostname's certificate (pending, issued, expiring inside the window) and a revoked Slack hook.
 */
import { strict as assert } from "node:assert";
import { validateConfig } from "../../../components/config/validate";
import type { ProbeContext } from "../../../ops/gonogo/probe";
import { certificatesProbe } from "../../../ops/gonogo/probes/fly";
import { alertRouteProbe } from "../../../ops/gonogo/probes/monitoring";
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
});
