/**
 * A typed client for the Chatwoot Application API (../notes/supabase-chatwoot-api.md §6-§8), on the project's HTTP
 * layer: `api_access_token` auth, responses wrapped in `payload` as the Rails views do (not as the swagger says).
 */
import { encodePath, HttpClient } from "../http";

export interface ChatwootWebhook {
    readonly id: number;
    readonly name?: string;
    readonly url: string;
    readonly account_id: number;
    readonly subscriptions: readonly string[];
    /** The per-webhook HMAC secret Chatwoot generates; null before 4.11.2. */
    readonly secret?: string | null;
}

export interface ChatwootProfile {
    readonly id: number;
    readonly email: string;
    readonly accounts: readonly { readonly id: number; readonly role: string; readonly name?: string }[];
}

export interface ChatwootClientOptions {
    /** Chatwoot base URL, e.g. `https://hotdash-chatwoot.fly.dev`. */
    readonly baseUrl: string;
    readonly token: string;
}

export class ChatwootClient {
    readonly http: HttpClient;

    constructor(private readonly opts: ChatwootClientOptions) {
        const token = opts.token;
        this.http = new HttpClient({
            vendor: "Chatwoot API",
            baseUrl: opts.baseUrl,
            authHeaders: () => ({ api_access_token: token }),
        });
    }

    /** The token's user, with its role in each account. (The body also carries the token itself: never log it.) */
    profile(): Promise<ChatwootProfile> {
        return this.http.send<ChatwootProfile>({ method: "GET", path: "/api/v1/profile" });
    }

    /** Chatwoot's version, from `/api` (unauthenticated). */
    async version(): Promise<string | undefined> {
        const res = await this.http.send<{ version?: string }>({ method: "GET", path: "/api" });
        return res.version;
    }

    async listWebhooks(accountId: number): Promise<ChatwootWebhook[]> {
        const res = await this.http.send<{ payload: { webhooks: ChatwootWebhook[] } }>({ method: "GET", path: encodePath`/api/v1/accounts/${accountId}/webhooks` });
        return res.payload.webhooks;
    }

    /** Registers a webhook. URLs are unique per account, so the check finds a lost create by its URL. */
    async createWebhook(accountId: number, body: { url: string; name: string; subscriptions: readonly string[] }): Promise<ChatwootWebhook> {
        const res = await this.http.send<{ payload: { webhook: ChatwootWebhook } }>({
            method: "POST", path: encodePath`/api/v1/accounts/${accountId}/webhooks`, body,
            didItHappen: async () => {
                const found = (await this.listWebhooks(accountId)).find((w) => w.url === body.url);
                return found ? { payload: { webhook: found } } : undefined;
            },
        });
        return res.payload.webhook;
    }

    /** Updates what is given of url, name and subscriptions; the same update twice is harmless. */
    async updateWebhook(accountId: number, id: number, body: { url?: string; name?: string; subscriptions?: readonly string[] }): Promise<ChatwootWebhook> {
        const res = await this.http.send<{ payload: { webhook: ChatwootWebhook } }>({
            method: "PATCH", path: encodePath`/api/v1/accounts/${accountId}/webhooks/${id}`, body, idempotent: true,
        });
        return res.payload.webhook;
    }

    async deleteWebhook(accountId: number, id: number): Promise<void> {
        await this.http.send({ method: "DELETE", path: encodePath`/api/v1/accounts/${accountId}/webhooks/${id}`, allow404: true });
    }

    get baseUrl(): string {
        return this.opts.baseUrl;
    }
}
