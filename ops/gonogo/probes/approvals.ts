/**
 * The approval workflow end to end, and the queue: a test message posted in Chatwoot (an incoming message in the
 * go/no-go's test conversation) reaches the agent signed, verifies, and appears as a pending draft in
 * `agent_approvals`; apart from the test conversation's drafts, nothing is pending.
 */
import { randomUUID } from "node:crypto";
import { encodePath } from "../../../providers/http";
import { E2E_ITEM, QUEUE_ITEM } from "../checklist";
import { finding, type Probe, type ProbeContext, reason } from "../probe";
import { chatwootClient, rawClient } from "./clients";

interface Approval { readonly id?: unknown; readonly status?: unknown; readonly conversation_id?: unknown; readonly message_id?: unknown; readonly created_at?: unknown }

/** The conversation test messages go to: config, else conversation 1 in the sandbox. */
export function testConversation(ctx: ProbeContext): number | undefined {
    return ctx.config.chatwoot.testConversationId ?? (ctx.config.environment === "sandbox" ? 1 : undefined);
}

function postgrest(ctx: ProbeContext): ReturnType<typeof rawClient> {
    const key = ctx.secret("supabaseServiceRoleKey") ?? "";
    return rawClient("PostgREST", ctx.config.supabase.url, { headers: { apikey: key, authorization: `Bearer ${key}` }, secrets: [key] });
}

async function approvals(ctx: ProbeContext, query: Record<string, string>): Promise<Approval[]> {
    const res = await postgrest(ctx).sendOnce({ method: "GET", path: "/rest/v1/agent_approvals", query });
    if (res.status !== 200 || !Array.isArray(res.body)) throw new Error(`PostgREST answered ${res.status}`);
    return res.body as Approval[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const endToEndProbe: Probe = {
    name: "test message end to end",
    async run(ctx) {
        const stack = ctx.config.stack;
        const expected = "a pending draft for the test message in agent_approvals";
        if (!ctx.config.webhooks.enabled) {
            return [finding(E2E_ITEM, "test message", "n/a", "webhooks are off until launch hour, so no delivery can be tested yet", { observed: "webhooks disabled", expected, source: "hotdash:webhooksEnabled" }, ctx.now)];
        }
        if (!ctx.sendTestMessage) {
            return [finding(E2E_ITEM, "test message", "unknown", "no test message sent: in production it is sent only with --send-test-message", { observed: "not sent", expected, source: "launch go-no-go", fix: `npx launch go-no-go --stack ${stack} --send-test-message` }, ctx.now)];
        }
        const conversation = testConversation(ctx);
        if (conversation === undefined) {
            return [finding(E2E_ITEM, "test message", "fail", "no test conversation is configured", { observed: "none", expected, source: "hotdash:chatwoot.testConversationId", fix: `pulumi config set --path hotdash:chatwoot.testConversationId <conversation-id> --stack ${stack}` }, ctx.now)];
        }
        const marker = `HotDash go/no-go test ${randomUUID()}`;
        const source = `Chatwoot API: POST conversation ${conversation} message; PostgREST: GET agent_approvals`;
        const t0 = performance.now();
        let messageId: number;
        try {
            const cw = chatwootClient(ctx);
            const msg = await cw.http.send<{ id: number }>({
                method: "POST", path: encodePath`/api/v1/accounts/${ctx.config.chatwoot.accountId}/conversations/${conversation}/messages`,
                body: { content: marker, message_type: "incoming", private: false },
            });
            messageId = msg.id;
        } catch (err) {
            return [finding(E2E_ITEM, "test message", "fail", `could not post the test message: ${reason(err)}`, { observed: "not posted", expected, source }, ctx.now)];
        }
        const deadline = Date.now() + ctx.draftTimeoutSeconds * 1000;
        let lastError = "";
        while (Date.now() < deadline) {
            try {
                const rows = await approvals(ctx, { message_id: `eq.${messageId}`, conversation_id: `eq.${conversation}`, select: "id,status,message_id,conversation_id" });
                const draft = rows.find((r) => r.status === "pending");
                if (draft) {
                    const ms = Math.round(performance.now() - t0);
                    return [finding(E2E_ITEM, "test message", "pass", `test message ${messageId} verified by the agent and drafted in ${ms} ms`, { observed: `draft ${String(draft.id)} pending after ${ms} ms`, expected, source }, ctx.now)];
                }
            } catch (err) {
                lastError = reason(err);
            }
            await sleep(100);
        }
        return [finding(E2E_ITEM, "test message", "fail", `no draft for test message ${messageId} within ${ctx.draftTimeoutSeconds} s${lastError ? ` (${lastError})` : ""}: the delivery failed or did not verify`, { observed: "no draft", expected, source, fix: "fly logs -a hotdash-agent-service (a 401 there is a secret mismatch: see GNG-WHK-001)" }, ctx.now)];
    },
};

export const queueProbe: Probe = {
    name: "approval queue",
    async run(ctx) {
        const source = "PostgREST: GET agent_approvals?status=eq.pending";
        const test = testConversation(ctx);
        const expected = `no pending approval${test !== undefined ? ` outside test conversation ${test}` : ""}`;
        try {
            const pending = (await approvals(ctx, { status: "eq.pending", select: "id,conversation_id,created_at", limit: "1000" }))
                .filter((r) => test === undefined || String(r.conversation_id) !== String(test));
            if (pending.length) {
                return [finding(QUEUE_ITEM, "agent_approvals", "fail", `${pending.length} approval${pending.length === 1 ? " is" : "s are"} pending`, { observed: `${pending.length} pending (oldest ${String(pending.map((p) => p.created_at).sort()[0] ?? "?")})`, expected, source, fix: "psql $DATABASE_URL -c \"SELECT id, status, created_at FROM agent_approvals WHERE status='pending';\"" }, ctx.now)];
            }
            return [finding(QUEUE_ITEM, "agent_approvals", "pass", "approval queue empty and ready", { observed: "0 pending", expected, source }, ctx.now)];
        } catch (err) {
            return [finding(QUEUE_ITEM, "agent_approvals", "fail", `could not read the approval queue: ${reason(err)}`, { observed: "no answer", expected, source }, ctx.now)];
        }
    },
};
