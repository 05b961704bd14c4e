/**
 * The agent service as Chatwoot and the monitoring reach it: `/health`, `/metrics`, and the webhook receiver. Each
 * request is served by one of the app's running machines in the sandbox's Fly (round robin), with that machine's
 * environment: it verifies the signature against the secrets the stack gave it (`CHATWOOT_WEBHOOK_SECRET`, and
 * `CHATWOOT_WEBHOOK_SECRET_PREVIOUS` during a rotation), and stores a pending draft through the Supabase URL and key
 * it was given. So a delivery verifies only if the stack wired it right. A rotation's two webhooks deliver every
 * event twice, under different delivery ids: the second copy of an event (type and message id) stores nothing.
 * The webhook URL's `?generation=N` (which tells a rotation's webhooks apart in Chatwoot) is ignored.
 * An operator's approval (`POST /approvals/{id}/approve`, what the approval queue's UI calls) marks the draft approved
 * and sends it to the customer as a reply in the Chatwoot conversation, with the machine's Chatwoot URL and token.
 * A machine whose image is a bad release ("errors") passes its health checks and answers 500 to everything else.
 */
import { request } from "undici";
import { AGENT_APPROVE_PATH } from "../components/catalog";
import { METRICS } from "../components/monitoring/metrics";
import { EventClaims, eventIdentity, verifyDelivery, type VerifyFailure, webhookSecrets } from "../providers/chatwoot/signature";
import { AppServer } from "./apps";
import type { SandboxContext, SandboxRequest, SandboxResponse } from "./server";

/** The environment of each of the app's running machines. */
export type MachineEnvs = () => readonly Readonly<Record<string, string>>[];

/** What a machine running a bad release answers to any request but its health checks. */
const BAD_RELEASE: SandboxResponse = { status: 500, body: { error: "internal server error" } };

/** What a draft is made from: the fields of Chatwoot's message_created event the agent reads. */
interface DraftEvent {
    readonly id?: number;
    readonly content?: string;
    readonly conversation?: { readonly id?: number };
    readonly account?: { readonly id?: number };
}

export class AgentServiceServer extends AppServer {
    private next = 0;
    private claims = new EventClaims();
    /** Verified deliveries, refused ones, and verified copies of an event already handled. */
    readonly counts = { verified: 0, rejected: 0, duplicates: 0 };
    readonly rejections: VerifyFailure[] = [];
    private readonly draftSeconds: number[] = [];

    constructor(ctx: SandboxContext, appName: string, webhookPath: string, private readonly machines: MachineEnvs) {
        super(ctx, appName);
        this.route("POST", webhookPath, (req) => this.receive(req));
        this.route("GET", "/metrics", () => this.metrics());
        this.route("POST", AGENT_APPROVE_PATH, (req) => this.approve(req));
    }

    override reset(): void {
        super.reset();
        this.counts.verified = 0;
        this.counts.rejected = 0;
        this.counts.duplicates = 0;
        this.rejections.length = 0;
        this.draftSeconds.length = 0;
        this.claims = new EventClaims();
    }

    /** The machine that serves a request: the one Fly's proxy is told to use (`fly-force-instance-id`), else the next in turn. */
    private machine(req: SandboxRequest): Readonly<Record<string, string>> | undefined {
        const running = this.machines();
        const forced = req.headers["fly-force-instance-id"];
        if (typeof forced === "string") return running.find((env) => env["FLY_MACHINE_ID"] === forced);
        return running.length ? running[this.next++ % running.length] : undefined;
    }

    private async receive(req: SandboxRequest): Promise<SandboxResponse> {
        const started = Date.now();
        const env = this.machine(req);
        if (!env) return { status: 503, body: { error: "no machine of the app is running" } };
        if (this.badRelease(env)) return BAD_RELEASE;
        const secrets = webhookSecrets(env);
        const result = secrets.length
            ? verifyDelivery({ headers: req.headers, rawBody: req.rawBody, secrets })
            : ({ ok: false, reason: "bad_signature" } as const);
        if (!result.ok) {
            this.counts.rejected++;
            this.rejections.push(result.reason);
            return { status: 401, body: { error: "invalid webhook signature" } }; // generic on purpose
        }
        this.counts.verified++;
        const event = req.body as DraftEvent & { event?: string; message_type?: string };
        if (event.event !== "message_created" || event.message_type !== "incoming") return { status: 200, body: { status: "ignored" } };
        // the same event again (a rotation's other webhook, or a retried delivery) is acknowledged, not processed twice
        let failure: string | undefined;
        const store = async (): Promise<boolean> => {
            failure = await this.storeDraft(env, event);
            return failure === undefined;
        };
        const identity = eventIdentity(event);
        const outcome = identity ? await this.claims.once(identity, store) : (await store()) ? "handled" : "failed";
        if (outcome === "duplicate") {
            this.counts.duplicates++;
            return { status: 200, body: { status: "duplicate" } };
        }
        if (outcome === "failed") return { status: 502, body: { error: `could not store the draft: ${failure}` } };
        this.draftSeconds.push((Date.now() - started) / 1000);
        return { status: 202, body: { status: "drafted" } };
    }

    /** Inserts the pending draft through PostgREST with the machine's Supabase settings; an error text, or undefined. */
    private async storeDraft(env: Readonly<Record<string, string>>, event: DraftEvent): Promise<string | undefined> {
        const url = env["SUPABASE_URL"];
        const key = env["SUPABASE_SERVICE_ROLE_KEY"];
        if (!url || !key) return "SUPABASE_URL or SUPABASE_SERVICE_ROLE_KEY is not set";
        try {
            const res = await request(`${url}/rest/v1/agent_approvals`, {
                method: "POST",
                headers: { apikey: key, authorization: `Bearer ${key}`, "content-type": "application/json", prefer: "return=minimal" },
                body: JSON.stringify({ account_id: event.account?.id, conversation_id: event.conversation?.id, message_id: event.id, status: "pending", draft: `Re: ${event.content ?? ""}` }),
            });
            await res.body.dump();
            return res.statusCode < 300 ? undefined : `PostgREST answered ${res.statusCode}`;
        } catch (err) {
            return (err as Error).message;
        }
    }

    private badRelease(env: Readonly<Record<string, string>>): boolean {
        const id = env["FLY_MACHINE_ID"];
        return id !== undefined && this.servedBy?.(id)?.image === "errors";
    }

    /**
     * Approves a pending draft: marks it approved (only if still pending, so two operators cannot both send it) and
     * posts it to the customer's conversation as an outgoing message.
     */
    private async approve(req: SandboxRequest): Promise<SandboxResponse> {
        const env = this.machine(req);
        if (!env) return { status: 503, body: { error: "no machine of the app is running" } };
        if (this.badRelease(env)) return BAD_RELEASE;
        const { SUPABASE_URL: url, SUPABASE_SERVICE_ROLE_KEY: key, CHATWOOT_BASE_URL: chatwoot, CHATWOOT_API_TOKEN: token } = env;
        if (!url || !key || !chatwoot || !token) return { status: 500, body: { error: "SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY, CHATWOOT_BASE_URL or CHATWOOT_API_TOKEN is not set" } };
        const id = encodeURIComponent(req.params["id"] ?? "");
        const rest = { apikey: key, authorization: `Bearer ${key}`, "content-type": "application/json" };
        const res = await request(`${url}/rest/v1/agent_approvals?id=eq.${id}&status=eq.pending`, {
            method: "PATCH", headers: { ...rest, prefer: "return=representation" }, body: JSON.stringify({ status: "approved", updated_at: new Date().toISOString() }),
        });
        const rows = res.statusCode < 300 ? await res.body.json() as { account_id: number | null; conversation_id: number | null; draft: string | null }[] : (await res.body.dump(), undefined);
        if (!rows) return { status: 502, body: { error: `PostgREST answered ${res.statusCode}` } };
        const row = rows[0];
        if (!row) return { status: 409, body: { error: "no pending draft with that id" } };
        if (row.account_id === null || row.conversation_id === null) return { status: 422, body: { error: "the draft names no Chatwoot conversation" } };
        const sent = await request(`${chatwoot}/api/v1/accounts/${row.account_id}/conversations/${row.conversation_id}/messages`, {
            method: "POST", headers: { api_access_token: token, "content-type": "application/json" },
            body: JSON.stringify({ content: row.draft ?? "", message_type: "outgoing" }),
        });
        const reply = sent.statusCode < 300 ? await sent.body.json() as { id: number } : (await sent.body.dump(), undefined);
        if (!reply) return { status: 502, body: { error: `Chatwoot answered ${sent.statusCode}` } };
        return { status: 200, body: { status: "approved", replyMessageId: reply.id } };
    }

    private metrics(): SandboxResponse {
        const d = METRICS.webhookDeliveries;
        const h = METRICS.draftGeneration;
        const lines = [
            `# HELP ${d.name} ${d.help}`, `# TYPE ${d.name} counter`,
            `${d.name}{result="${d.results.verified}"} ${this.counts.verified}`,
            `${d.name}{result="${d.results.rejected}"} ${this.counts.rejected}`,
            `# HELP ${h.name} ${h.help}`, `# TYPE ${h.name} histogram`,
            ...h.buckets.map((b) => `${h.name}_bucket{le="${b}"} ${this.draftSeconds.filter((s) => s <= b).length}`),
            `${h.name}_bucket{le="+Inf"} ${this.draftSeconds.length}`,
            `${h.name}_sum ${this.draftSeconds.reduce((a, b) => a + b, 0)}`,
            `${h.name}_count ${this.draftSeconds.length}`,
        ];
        return { status: 200, text: `${lines.join("\n")}\n`, headers: { "content-type": "text/plain; version=0.0.4" } };
    }
}
