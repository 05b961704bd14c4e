/**
 * The webhook: registered in Chatwoot for the agent's URL, and its secret the same everywhere it must be. Each
 * started agent machine gets a signed ping routed to it alone (Fly's `fly-force-instance-id`): it verifies only with
 * the secret Chatwoot signs with, so a machine left on an older secret shows up without reading any secret from it
 * (the header: https://fly.io/docs/blueprints/sticky-sessions/).
 * Supabase lists `sha256(value)` of each secret, compared with the digest of Chatwoot's.
 */
import { createHash, randomUUID } from "node:crypto";
import { AGENT_WEBHOOK_PATH } from "../../../components/catalog";
import { signDelivery } from "../../../providers/chatwoot/signature";
import type { ChatwootWebhook } from "../../../providers/chatwoot/client";
import { FlyMachinesApi } from "../../../providers/fly/client";
import type { Finding } from "../../../policies/framework/finding";
import { WEBHOOK_ITEM } from "../checklist";
import { finding, type Probe, type ProbeContext, reason } from "../probe";
import { chatwootClient, flyApi, rawClient, supabaseClient } from "./clients";

export const SUPABASE_WEBHOOK_SECRET = "CHATWOOT_WEBHOOK_SECRET";

export function agentWebhookUrl(ctx: ProbeContext): string {
    return `${ctx.config.apps.agentService.publicUrl}${AGENT_WEBHOOK_PATH}`;
}

/** The registered webhook for the agent's URL, or undefined. */
export async function registeredWebhook(ctx: ProbeContext): Promise<ChatwootWebhook | undefined> {
    const url = agentWebhookUrl(ctx);
    return (await chatwootClient(ctx).listWebhooks(ctx.config.chatwoot.accountId)).find((w) => w.url === url);
}

/** Sends one signed event that every receiver acknowledges without acting on it, to one machine; its status. */
async function pingMachine(ctx: ProbeContext, secret: string, machineId: string): Promise<number> {
    const event = { event: "conversation_updated", id: 0, hotdash_go_no_go: true, sent_at: ctx.now.toISOString() };
    // the HTTP layer sends JSON.stringify(body): the same bytes as signed here
    const headers = signDelivery(secret, JSON.stringify(event), { deliveryId: randomUUID() });
    const res = await rawClient(ctx.config.apps.agentService.name, ctx.config.apps.agentService.publicUrl, { secrets: [secret] })
        .sendOnce({ method: "POST", path: AGENT_WEBHOOK_PATH, body: event, headers: { ...headers, "fly-force-instance-id": machineId } });
    return res.status;
}

export const webhookProbe: Probe = {
    name: "chatwoot webhook",
    async run(ctx) {
        const url = agentWebhookUrl(ctx);
        const stack = ctx.config.stack;
        const at = (status: "pass" | "fail" | "n/a", resource: string, message: string, observed: string, expected: string, source: string, fix?: string): Finding =>
            finding(WEBHOOK_ITEM, resource, status, message, { observed, expected, source, ...(fix ? { fix } : {}) }, ctx.now);
        if (!ctx.config.webhooks.enabled) {
            return [at("n/a", "webhook", "webhooks are off until launch hour (hotdash:webhooksEnabled=false); enabling them is the one change `up` may still make", "disabled", "registered at launch hour", "hotdash:webhooksEnabled")];
        }
        let hook: ChatwootWebhook | undefined;
        try {
            hook = await registeredWebhook(ctx);
        } catch (err) {
            return [at("fail", "webhook", `could not list Chatwoot's webhooks: ${reason(err)}`, "no answer", `registered for ${url}`, "Chatwoot API: GET webhooks")];
        }
        if (!hook) return [at("fail", "webhook", `no Chatwoot webhook for ${url}`, "not registered", `registered for ${url}`, "Chatwoot API: GET webhooks", `npx launch up --stack ${stack}`)];
        if (!hook.secret) return [at("fail", "webhook", "the webhook has no HMAC secret (Chatwoot older than 4.11.2)", "no secret", "a secret", "Chatwoot API: GET webhooks", "upgrade Chatwoot to 4.11.2 or newer")];
        const secret = hook.secret;
        ctx.learnSecret(secret);
        const out: Finding[] = [at("pass", "webhook", `webhook ${hook.id} registered for ${url}`, `id ${hook.id}, ${hook.subscriptions.join(", ")}`, `registered for ${url}`, "Chatwoot API: GET webhooks")];
        const digest = createHash("sha256").update(secret).digest("hex");
        const [supabase, machines] = await Promise.all([
            (async (): Promise<Finding> => {
                const source = `Supabase Management API: GET /v1/projects/${ctx.config.supabase.projectRef}/secrets (sha256 digests)`;
                try {
                    const listed = (await supabaseClient(ctx).listSecrets(ctx.config.supabase.projectRef)).find((s) => s.name === SUPABASE_WEBHOOK_SECRET);
                    if (!listed) return at("fail", "supabase secret", `Supabase has no ${SUPABASE_WEBHOOK_SECRET}`, "absent", "the webhook's secret", source, `npx launch up --stack ${stack}`);
                    if (listed.value !== digest) return at("fail", "supabase secret", `Supabase's ${SUPABASE_WEBHOOK_SECRET} differs from the webhook's secret`, "different digest", "the webhook's secret", source, `npx launch up --stack ${stack}`);
                    return at("pass", "supabase secret", `Supabase's ${SUPABASE_WEBHOOK_SECRET} is the webhook's secret`, "same digest", "the webhook's secret", source);
                } catch (err) {
                    return at("fail", "supabase secret", `could not list Supabase's secrets: ${reason(err)}`, "no answer", "the webhook's secret", source);
                }
            })(),
            (async (): Promise<Finding[]> => {
                const app = ctx.config.apps.agentService.name;
                const source = `signed ping to ${url} per machine (fly-force-instance-id)`;
                try {
                    const started = (await flyApi(ctx, FlyMachinesApi).listMachines(app)).filter((m) => m.state === "started");
                    if (!started.length) return [at("fail", `${app} machines`, `${app} has no started machine to verify the webhook`, "none started", "every machine verifies", source, `npx launch up --stack ${stack}`)];
                    return await Promise.all(started.map(async (m) => {
                        const status = await pingMachine(ctx, secret, m.id).catch((e: Error) => e.message);
                        return status === 200 || status === 202
                            ? at("pass", `${app} ${m.id}`, `${app} machine ${m.id} verifies the webhook's signature`, `${status}`, "2xx: signature verified", source)
                            : at("fail", `${app} ${m.id}`, `${app} machine ${m.id} rejects the webhook's signature (${status}): it runs with another secret`, String(status), "2xx: signature verified", source, `npx launch up --stack ${stack} (rolls every machine onto the current secrets); or fly machine update ${m.id} -a ${app}`);
                    }));
                } catch (err) {
                    return [at("fail", `${app} machines`, `could not reach ${app}'s machines: ${reason(err)}`, "no answer", "every machine verifies", source)];
                }
            })(),
        ]);
        return [...out, supabase, ...machines];
    },
};
