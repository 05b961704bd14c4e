/**
 * Chatwoot 4.15 (`https://hotdash-chatwoot.fly.dev`): the Application API's profile and account webhooks, `/health`
 * and `/api`. It follows the Rails code where the swagger differs: responses wrapped in `payload`, flat or nested
 * request bodies, the model's event list and error texts, a 24-character secret Chatwoot generates itself (a
 * `secret` sent by the caller is ignored), URLs unique per account, webhooks managed by administrators only.
 */
import { randomInt, randomUUID } from "node:crypto";
import { forcedMachineHealth, type MachineLookup } from "./apps";
import { OpenApiValidator } from "./openapi";
import { FixedWindows } from "./ratelimit";
import { randomId, type SandboxContext, type SandboxRequest, type SandboxResponse, VendorServer } from "./server";
import { SANDBOX_CREDENTIALS } from "./credentials";
import { CHATWOOT_EVENTS } from "../providers/chatwoot/events";
import { APPS } from "../components/catalog";
import { signDelivery } from "../providers/chatwoot/signature";


/** The database default when `subscriptions` is null (db/schema.rb). */
const DEFAULT_SUBSCRIPTIONS = [
    "conversation_status_changed", "conversation_updated", "conversation_created", "contact_created", "contact_updated",
    "message_created", "message_updated", "webwidget_triggered",
];

export const CHATWOOT_VERSION = "4.15.1";

/** `Message.message_type`'s enum, in the order of its integers. */
const MESSAGE_TYPES = ["incoming", "outgoing", "activity", "template"];

const BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/** A message as the API lists it (`message_type` the Rails enum's integer). */
export interface ConversationMessage {
    readonly id: number;
    readonly content: string;
    readonly message_type: number;
    readonly private: boolean;
    readonly created_at: number;
    readonly content_type: string;
    readonly conversation_id: number;
    readonly account_id: number;
    readonly inbox_id: number;
    readonly sender_type: "Contact" | "User";
    readonly sender_id: number;
}

export interface Webhook {
    readonly id: number;
    name: string;
    url: string;
    readonly accountId: number;
    subscriptions: string[];
    /** Null models a Chatwoot older than 4.11.2, which had no per-webhook secret. */
    readonly secret: string | null;
}

/** One delivery attempt of one event to one webhook, as Chatwoot's WebhookJob makes it (no retry for account webhooks). */
export interface Delivery {
    readonly webhookId: number;
    readonly url: string;
    readonly event: string;
    readonly deliveryId: string;
    /** HTTP status the receiver answered, or the error that stopped it. */
    readonly status?: number;
    readonly error?: string;
}

interface User {
    readonly id: number;
    readonly name: string;
    readonly email: string;
    readonly token: string;
    readonly role: "administrator" | "agent";
}

export class ChatwootServer extends VendorServer {
    protected override validator = new OpenApiValidator(require("./specs/chatwoot-swagger.json"), "", {
        overrides: [{
            pointer: "/components/schemas/webhook_create_update_payload/properties/subscriptions/items/enum",
            value: [...CHATWOOT_EVENTS],
            reason: "the model accepts inbox_created and inbox_updated, which the swagger's enum omits",
        }, {
            pointer: "/components/schemas/webhook/properties/subscriptions/items/enum",
            value: [...CHATWOOT_EVENTS],
            reason: "a webhook read back lists the events the model accepts, inbox_created and inbox_updated included",
        }, {
            pointer: "/paths/~1api~1v1~1accounts~1{account_id}~1webhooks/get/responses/200/content/application~1json/schema",
            value: wrapped("webhooks", { type: "array", items: { $ref: "#/components/schemas/webhook" } }),
            reason: "the Rails view (index.json.jbuilder) wraps the list in {\"payload\": {\"webhooks\": [...]}}",
        }, {
            pointer: "/paths/~1api~1v1~1accounts~1{account_id}~1webhooks/post/responses/200/content/application~1json/schema",
            value: wrapped("webhook", { $ref: "#/components/schemas/webhook" }),
            reason: "the Rails view (create.json.jbuilder) wraps the webhook in {\"payload\": {\"webhook\": ...}}",
        }, {
            pointer: "/paths/~1api~1v1~1accounts~1{account_id}~1webhooks~1{webhook_id}/patch/responses/200/content/application~1json/schema",
            value: wrapped("webhook", { $ref: "#/components/schemas/webhook" }),
            reason: "the Rails view (update.json.jbuilder) wraps the webhook in {\"payload\": {\"webhook\": ...}}",
        }],
        aliases: [{
            method: "PUT", path: "/api/v1/accounts/{account_id}/webhooks/{webhook_id}", sameAs: "PATCH",
            reason: "`resources :webhooks` routes PUT to update as well as PATCH",
        }],
    });
    private readonly limiter: FixedWindows;
    private readonly users: readonly User[] = [
        { id: 1, name: "Launch Admin", email: "admin@hotdash.example", token: SANDBOX_CREDENTIALS.chatwootAdminToken, role: "administrator" },
        { id: 2, name: "Support Agent", email: "agent@hotdash.example", token: SANDBOX_CREDENTIALS.chatwootAgentToken, role: "agent" },
    ];
    private readonly accountId = SANDBOX_CREDENTIALS.chatwootAccountId;
    webhooks: Webhook[] = [];
    private nextId = 1;
    private nextMessageId = 1;
    /** Every message of each conversation, in order, as the API lists them. */
    messages: Record<number, ConversationMessage[]> = {};
    /** Every delivery made, in order. */
    deliveries: Delivery[] = [];
    private inFlight: Promise<void>[] = [];
    /** The machines serving Chatwoot (the sandbox's Fly), for health checks forced to one of them. Defaults to none. */
    servedBy?: MachineLookup;
    /** When false, new webhooks get no secret, as before Chatwoot 4.11.2. */
    generatesSecrets = true;

    constructor(ctx: SandboxContext) {
        super("chatwoot", ctx);
        this.limiter = new FixedWindows(3000, 60, ctx.timeScale);
        this.routes();
    }

    override reset(): void {
        this.limiter.reset();
        this.webhooks = [];
        this.nextId = 1;
        this.nextMessageId = 1;
        this.messages = {};
        this.deliveries = [];
        this.generatesSecrets = true;
    }

    override snapshot(): unknown {
        return { webhooks: this.webhooks, nextId: this.nextId, nextMessageId: this.nextMessageId, messages: this.messages, deliveries: this.deliveries };
    }

    override restore(state: unknown): void {
        const s = state as { webhooks: Webhook[]; nextId: number; nextMessageId: number; messages?: Record<number, ConversationMessage[]>; deliveries: Delivery[] };
        this.webhooks = s.webhooks;
        this.nextId = s.nextId;
        this.nextMessageId = s.nextMessageId;
        this.messages = s.messages ?? {};
        this.deliveries = s.deliveries;
    }

    /** Resolves when every delivery started so far has finished. */
    async settled(): Promise<void> {
        while (this.inFlight.length) await Promise.all(this.inFlight.splice(0));
    }

    /**
     * Sends `event` to every webhook subscribed to it, as WebhookJob does: the exact JSON bytes POSTed are the ones
     * signed, with `X-Chatwoot-Timestamp` inside the signature and a fresh `X-Chatwoot-Delivery`; a 5 s timeout;
     * errors logged and dropped. `secretOverride` signs with another secret (to test receivers).
     */
    emit(event: string, payload: Record<string, unknown>, opts: { readonly secretOverride?: string } = {}): void {
        for (const w of this.webhooks.filter((x) => x.subscriptions.includes(event))) {
            const body = JSON.stringify({ event, ...payload });
            const secret = opts.secretOverride ?? w.secret;
            const deliveryId = randomUUID();
            const headers: Record<string, string> = {
                "content-type": "application/json", accept: "application/json", "x-chatwoot-delivery": deliveryId,
                ...(secret ? signDelivery(secret, body, { deliveryId }) : {}),
            };
            const job = (async () => {
                const { request } = await import("undici");
                try {
                    const res = await request(w.url, { method: "POST", headers, body, headersTimeout: 5000, bodyTimeout: 5000 });
                    await res.body.dump();
                    this.deliveries.push({ webhookId: w.id, url: w.url, event, deliveryId, status: res.statusCode });
                } catch (err) {
                    this.deliveries.push({ webhookId: w.id, url: w.url, event, deliveryId, error: (err as Error).message });
                }
            })();
            this.inFlight.push(job);
        }
    }

    protected override error(status: number, message: string): SandboxResponse {
        return { status, body: status === 422 ? { message, attributes: [] } : { error: message } };
    }

    protected override commonHeaders(): Record<string, string> {
        return { "x-request-id": randomId(16) };
    }

    protected override validationFailure(errors: readonly string[]): SandboxResponse {
        if (errors.some((e) => e.includes("path parameter"))) return { status: 404, body: { error: "Resource could not be found" } };
        const attributes = [...new Set(errors.map((e) => /^body\/(\w+)/.exec(e)?.[1]).filter((a): a is string => !!a))];
        if (attributes.includes("subscriptions")) return { status: 422, body: { message: "Subscriptions Invalid events", attributes: ["subscriptions"] } };
        return { status: 422, body: { message: errors.join("; "), attributes } };
    }

    protected override authenticate(req: SandboxRequest): SandboxResponse | undefined {
        if (!req.path.startsWith("/api/v1/")) return undefined; // /health and /api are public
        return this.user(req) ? undefined : { status: 401, body: { error: "Invalid Access Token" } };
    }

    /** Rack::Attack: RACK_ATTACK_LIMIT (3000) requests a minute per client IP. */
    protected override rateLimit(_req: SandboxRequest): { refuse?: SandboxResponse } {
        return this.limiter.hit("127.0.0.1").allowed ? {} : { refuse: { status: 429, text: "Retry later\n" } };
    }

    private user(req: SandboxRequest): User | undefined {
        const token = req.headers["api_access_token"];
        return this.users.find((u) => u.token === token);
    }

    /** Account membership, then Pundit's WebhookPolicy: administrators only. */
    private admin(req: SandboxRequest): SandboxResponse | undefined {
        if (Number(req.params["account_id"]) !== this.accountId) return { status: 401, body: { error: "You are not authorized to access this account" } };
        return this.user(req)?.role === "administrator" ? undefined : { status: 401, body: { error: "You are not authorized to do this action" } };
    }

    private view(w: Webhook): Record<string, unknown> {
        return { id: w.id, name: w.name, url: w.url, account_id: w.accountId, subscriptions: w.subscriptions, secret: w.secret };
    }

    /** Model validations: an http(s) URL unique in the account, known events. */
    private invalid(url: unknown, subscriptions: unknown, exceptId?: number): SandboxResponse | undefined {
        if (typeof url !== "string" || !/^https?:\/\/[^\s/$.?#].[^\s]*$/i.test(url)) return { status: 422, body: { message: "Url is invalid", attributes: ["url"] } };
        if (this.webhooks.some((w) => w.url === url && w.id !== exceptId)) return { status: 422, body: { message: "Url has already been taken", attributes: ["url"] } };
        if (subscriptions !== null && (!Array.isArray(subscriptions) || subscriptions.length === 0 || subscriptions.some((s) => !CHATWOOT_EVENTS.includes(s as string)))) {
            return { status: 422, body: { message: "Subscriptions Invalid events", attributes: ["subscriptions"] } };
        }
        return undefined;
    }

    private routes(): void {
        this.route("GET", "/health", (req) => forcedMachineHealth(APPS.chatwoot.name, this.servedBy, req) ?? { status: 200, body: { status: "woot" } });
        this.route("GET", "/api", () => ({
            status: 200,
            body: { version: CHATWOOT_VERSION, timestamp: new Date().toISOString(), queue_services: "ok", data_services: "ok" },
        }));
        this.route("GET", "/api/v1/profile", (req) => {
            const u = this.user(req)!;
            return {
                status: 200,
                body: {
                    id: u.id, name: u.name, email: u.email, access_token: u.token, role: u.role, account_id: this.accountId,
                    accounts: [{ id: this.accountId, name: "HotDash", status: "active", role: u.role, active_at: new Date().toISOString() }],
                },
            };
        });

        // a message created through the API is a message_created event, delivered to the subscribed webhooks
        this.route("POST", "/api/v1/accounts/{account_id}/conversations/{conversation_id}/messages", (req) => {
            if (Number(req.params["account_id"]) !== this.accountId) return { status: 401, body: { error: "You are not authorized to access this account" } };
            const b = req.body as { content: string; message_type?: string; private?: boolean };
            const conversationId = Number(req.params["conversation_id"]);
            const message = {
                id: this.nextMessageId++, content: b.content, message_type: b.message_type ?? "outgoing", private: b.private ?? false,
                created_at: Math.floor(Date.now() / 1000), content_type: "text", conversation_id: conversationId,
            };
            this.emit("message_created", {
                ...message,
                conversation: { id: conversationId, inbox_id: 1, status: "open" },
                sender: message.message_type === "incoming" ? { id: 7, name: "Test Customer", type: "contact" } : { id: this.user(req)!.id, name: this.user(req)!.name, type: "user" },
                account: { id: this.accountId, name: "HotDash" },
                inbox: { id: 1, name: "HotDash API" },
            });
            // the API answers the Rails enum's integer (message_type_before_type_cast); the webhook payload names it
            const stored: ConversationMessage = {
                ...message, message_type: MESSAGE_TYPES.indexOf(message.message_type), account_id: this.accountId, inbox_id: 1,
                sender_type: message.message_type === "incoming" ? "Contact" : "User", sender_id: message.message_type === "incoming" ? 7 : this.user(req)!.id,
            };
            (this.messages[conversationId] ??= []).push(stored);
            return { status: 200, body: { ...message, message_type: stored.message_type, sender: { id: this.user(req)!.id } } };
        });
        this.route("GET", "/api/v1/accounts/{account_id}/conversations/{conversation_id}/messages", (req) => {
            if (Number(req.params["account_id"]) !== this.accountId) return { status: 401, body: { error: "You are not authorized to access this account" } };
            return { status: 200, body: { meta: { labels: [], additional_attributes: {} }, payload: this.messages[Number(req.params["conversation_id"])] ?? [] } };
        });

        const list = "/api/v1/accounts/{account_id}/webhooks";
        const one = `${list}/{webhook_id}`;
        this.route("GET", list, (req) => this.admin(req) ?? { status: 200, body: { payload: { webhooks: this.webhooks.map((w) => this.view(w)) } } });
        this.route("POST", list, (req) => {
            const refused = this.admin(req);
            if (refused) return refused;
            const params = unwrap(req.body);
            const subscriptions = params["subscriptions"] === undefined ? null : params["subscriptions"];
            const bad = this.invalid(params["url"], subscriptions);
            if (bad) return bad;
            const w: Webhook = {
                id: this.nextId++, name: typeof params["name"] === "string" ? params["name"] : "", url: params["url"] as string,
                accountId: this.accountId, subscriptions: (subscriptions as string[] | null) ?? DEFAULT_SUBSCRIPTIONS,
                secret: this.generatesSecrets ? secureToken() : null,
            };
            this.webhooks.push(w);
            return { status: 200, body: { payload: { webhook: this.view(w) } } };
        });
        const update = (req: SandboxRequest): SandboxResponse => {
            const refused = this.admin(req);
            if (refused) return refused;
            const w = this.webhooks.find((x) => x.id === Number(req.params["webhook_id"]));
            if (!w) return { status: 404, body: { error: "Resource could not be found" } };
            const params = unwrap(req.body);
            const url = params["url"] ?? w.url;
            const subscriptions = params["subscriptions"] ?? w.subscriptions;
            const bad = this.invalid(url, subscriptions, w.id);
            if (bad) return bad;
            w.url = url as string;
            w.subscriptions = subscriptions as string[];
            if (typeof params["name"] === "string") w.name = params["name"];
            return { status: 200, body: { payload: { webhook: this.view(w) } } };
        };
        this.route("PATCH", one, update);
        this.route("PUT", one, update);
        this.route("DELETE", one, (req) => {
            const refused = this.admin(req);
            if (refused) return refused;
            const before = this.webhooks.length;
            this.webhooks = this.webhooks.filter((w) => w.id !== Number(req.params["webhook_id"]));
            return before === this.webhooks.length ? { status: 404, body: { error: "Resource could not be found" } } : { status: 200 };
        });
    }
}

/** `{"payload": {key: schema}}`, the shape Chatwoot's webhook views answer in. */
function wrapped(key: string, schema: Record<string, unknown>): Record<string, unknown> {
    return {
        type: "object", required: ["payload"],
        properties: { payload: { type: "object", required: [key], properties: { [key]: schema } } },
    };
}

/** Rails `wrap_parameters`: `{"webhook": {...}}` and a flat body mean the same; only permitted keys survive. */
function unwrap(body: unknown): Record<string, unknown> {
    const b = (body ?? {}) as Record<string, unknown>;
    const inner = (typeof b["webhook"] === "object" && b["webhook"] !== null ? b["webhook"] : b) as Record<string, unknown>;
    const permitted: Record<string, unknown> = {};
    for (const k of ["inbox_id", "name", "url", "subscriptions"]) if (k in inner) permitted[k] = inner[k];
    return permitted;
}

/** `has_secure_token`: 24 base58 characters. */
function secureToken(): string {
    let s = "";
    for (let i = 0; i < 24; i++) s += BASE58[randomInt(BASE58.length)];
    return s;
}
