/**
 * Launch hour end to end on Pulumi's real engine (DESIGN.md level 5), one stack's life in order: webhooks off, then on at
 * launch hour, the stack registers the Chatwoot webhook, hands Chatwoot's secret to
 * the agent service (through its Fly secrets and a rolling update) and to Supabase; a message in sandbox Chatwoot is
 * delivered signed, verified by the agent service with the secret its machines run with, and lands as a pending
 * approval that supabase-js counts.
 */
import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { createClient } from "@supabase/supabase-js";
import { call, useSharedSandbox } from "../helpers/sandbox";
import { useStack } from "../helpers/stack";
import { SANDBOX_CREDENTIALS as C } from "../../sandbox/credentials";

const AGENT = "hotdash-agent-service";

describe("the Chatwoot webhook through the whole stack (real engine)", function () {
    this.timeout(300000);
    const sandbox = useSharedSandbox();
    const stack = useStack(sandbox, { "hotdash:webhooksEnabled": false });

    /** The pending count as the approval queue sees it: supabase-js, HEAD with Prefer: count=exact. */
    async function pending(): Promise<number> {
        const client = createClient(sandbox().urls["supabase-rest"], C.supabaseServiceRoleKey, { auth: { persistSession: false, autoRefreshToken: false } });
        const { count, error } = await client.from("agent_approvals").select("*", { count: "exact", head: true }).eq("status", "pending");
        assert.equal(error, null);
        return count ?? -1;
    }

    /** A customer writes in: an incoming message created through Chatwoot's API, then its deliveries finish. */
    async function customerMessage(text: string): Promise<void> {
        const r = await call(`${sandbox().urls.chatwoot}/api/v1/accounts/1/conversations/42/messages`, {
            method: "POST", headers: { api_access_token: C.chatwootAdminToken }, body: { content: text, message_type: "incoming" },
        });
        assert.equal(r.status, 200);
        await sandbox().chatwoot.settled();
    }

    const agentSecrets = (): string[] => sandbox().fly.live(AGENT).map((m) => sandbox().fly.machineEnv(m.id)["CHATWOOT_WEBHOOK_SECRET"] ?? "");
    const agentPrevious = (): string[] => sandbox().fly.live(AGENT).map((m) => sandbox().fly.machineEnv(m.id)["CHATWOOT_WEBHOOK_SECRET_PREVIOUS"] ?? "");
    const supabaseDigest = (name: string): string | undefined => sandbox().supabase.project.secrets[name]?.digest;
    const sha256 = (s: string): string => createHash("sha256").update(s).digest("hex");

    it("with webhooks disabled registers nothing and delivers nothing", async () => {
        assert.deepEqual((await stack().up()).errors, []);
        assert.deepEqual(sandbox().chatwoot.webhooks, []);
        assert.deepEqual(agentSecrets(), ["", ""]);
        assert.equal(supabaseDigest("CHATWOOT_WEBHOOK_SECRET"), undefined);
        await customerMessage("Nobody is listening");
        assert.deepEqual(sandbox().chatwoot.deliveries, []);
        assert.equal(await pending(), 0);
    });

    it("at launch hour registers the webhook and hands its secret to every receiver; a customer message becomes a pending draft", async () => {
        stack().config["hotdash:webhooksEnabled"] = true;
        assert.deepEqual((await stack().up()).errors, []);
        const hooks = sandbox().chatwoot.webhooks;
        assert.equal(hooks.length, 1);
        assert.equal(hooks[0]!.url, `${sandbox().urls["hotdash-agent-service"]}/webhooks/chatwoot`);
        assert.ok(hooks[0]!.subscriptions.includes("message_created"));
        const secret = hooks[0]!.secret!;
        assert.deepEqual(agentSecrets(), [secret, secret], "every agent machine runs with Chatwoot's secret");
        assert.equal(supabaseDigest("CHATWOOT_WEBHOOK_SECRET"), sha256(secret));
        for (const [name, value] of Object.entries({
            CHATWOOT_BASE_URL: sandbox().urls.chatwoot, AGENT_SERVICE_URL: sandbox().urls["hotdash-agent-service"],
            LLAMAINDEX_SERVICE_URL: sandbox().urls["hotdash-llamaindex-mcp"], CHATWOOT_API_TOKEN: C.chatwootAdminToken,
        })) assert.equal(supabaseDigest(name), sha256(value), name);

        const before = await pending();
        await customerMessage("Where is my order #1042?");
        assert.deepEqual(sandbox().chatwoot.deliveries.map((d) => d.status), [202]);
        assert.equal(await pending(), before + 1);
        assert.equal(sandbox().agentService.counts.verified, 1);
    });

    it("a rotation creates the new webhook before deleting the old, then drops the old secret: the old one is refused, the new one accepted", async () => {
        const old = sandbox().chatwoot.webhooks[0]!.secret!;
        stack().config["hotdash:webhookRotation"] = 1;
        const run = await stack().up();
        assert.deepEqual(run.errors, []);
        const steps = run.events.filter((e) => e.op !== "same").map((e) => `${e.op} ${e.name}`);
        const at = (step: string): number => steps.indexOf(step);
        // create-before-delete: the new generation first, the receivers, then the subscriptions move, then the old one goes
        assert.ok(at("replace hotdash-chatwoot-webhook-registration") >= 0, steps.join(", "));
        assert.ok(at("replace hotdash-chatwoot-webhook-registration") < at("update hotdash-agent-service-secrets"), steps.join(", "));
        assert.ok(at("update hotdash-agent-service-secrets") < at("update hotdash-chatwoot-webhook-subscriptions"), steps.join(", "));
        assert.ok(at("update hotdash-chatwoot-webhook-subscriptions") < at("delete hotdash-chatwoot-webhook-registration"), steps.join(", "));
        const hooks = sandbox().chatwoot.webhooks;
        assert.deepEqual(hooks.map((w) => w.url), [`${sandbox().urls["hotdash-agent-service"]}/webhooks/chatwoot?generation=1`]);
        const fresh = hooks[0]!.secret!;
        assert.notEqual(fresh, old);
        assert.deepEqual(agentSecrets(), [fresh, fresh]);
        assert.deepEqual(agentPrevious(), [old, old], "the old secret is still accepted until the next update");

        const second = await stack().up();
        assert.deepEqual(second.errors, []);
        assert.deepEqual(agentPrevious(), [fresh, fresh], "the old secret is dropped");
        assert.equal(supabaseDigest("CHATWOOT_WEBHOOK_SECRET"), sha256(fresh));
        assert.equal(supabaseDigest("CHATWOOT_WEBHOOK_SECRET_PREVIOUS"), sha256(fresh));

        const before = await pending();
        const deliveries = sandbox().chatwoot.deliveries.length;
        sandbox().chatwoot.emit("message_created", { id: 99, content: "forged", message_type: "incoming", conversation: { id: 42 } }, { secretOverride: old });
        await sandbox().chatwoot.settled();
        assert.deepEqual(sandbox().chatwoot.deliveries.slice(deliveries).map((d) => d.status), [401]);
        assert.deepEqual(sandbox().agentService.rejections, ["bad_signature"]);
        await customerMessage("Signed with the new secret");
        assert.deepEqual(sandbox().chatwoot.deliveries.slice(deliveries).map((d) => d.status), [401, 202]);
        assert.equal(await pending(), before + 1);
    });

    it("disabling removes the registration and the secret everywhere: rollback's first step", async () => {
        stack().config["hotdash:webhooksEnabled"] = false;
        assert.deepEqual((await stack().up()).errors, []);
        assert.deepEqual(sandbox().chatwoot.webhooks, []);
        assert.deepEqual(agentSecrets(), ["", ""]);
        assert.equal(supabaseDigest("CHATWOOT_WEBHOOK_SECRET"), undefined);
    });

    it("refuses a token that is not an administrator's, and a Chatwoot too old to sign, saying what to do", async () => {
        stack().config["hotdash:webhooksEnabled"] = true;
        stack().config["hotdash:chatwootApiToken"] = C.chatwootAgentToken;
        const refused = await stack().up();
        assert.equal(refused.ok, false);
        assert.ok(refused.errors.some((e) => e.includes("the Chatwoot token belongs to agent@hotdash.example, an agent of account 1; webhooks need an administrator's token")), refused.errors.join("\n"));

        stack().config["hotdash:chatwootApiToken"] = C.chatwootAdminToken;
        sandbox().chatwoot.generatesSecrets = false;
        const old = await stack().up();
        assert.equal(old.ok, false);
        assert.ok(old.errors.some((e) => /Chatwoot 4\.15\.1 at http:\/\/127\.0\.0\.1:\d+ returned no secret for webhook \d+: signed webhooks need Chatwoot 4\.11\.2 or newer/.test(e)), old.errors.join("\n"));
    });
});
