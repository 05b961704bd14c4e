/**
 * The Chatwoot account webhook that sends conversation events to the agent service. Chatwoot (>= 4.11.2) generates
 * each webhook's HMAC secret itself and ignores one sent by the caller, so the resource registers (or adopts, by
 * URL) the webhook and reads the secret back as a secret output for the stack to distribute. Rotating means a new
 * webhook: `rotation` changes force a replace, deleted first since a URL is unique per account.
 */
import * as pulumi from "@pulumi/pulumi";
import { credential, type ConfiguredProvider, diffResult, DYNAMIC_MODULE, knownFailures, type ProviderConfig, secretOutputs } from "../dynamic";
import { ChatwootClient, type ChatwootWebhook } from "./client";
import { CHATWOOT_EVENTS, CHATWOOT_MIN_SIGNING_VERSION } from "./events";

export const CHATWOOT_TOKEN = { key: "hotdash:chatwootApiToken", env: "CHATWOOT_API_TOKEN", describe: "The Chatwoot API token" } as const;

export interface ChatwootWebhookInputs {
    readonly baseUrl: string;
    readonly accountId: number;
    /** Where Chatwoot delivers: the agent service's webhook endpoint. */
    readonly url: string;
    readonly name: string;
    readonly subscriptions: readonly string[];
    /** Changing it replaces the webhook, which gives it a new secret. */
    readonly rotation: string;
}

export interface ChatwootWebhookOutputs extends ChatwootWebhookInputs {
    readonly webhookId: number;
    /** The HMAC secret Chatwoot signs deliveries with. */
    readonly secret: string;
}

/** Problems with a webhook's declared shape, as check() reports them. */
export function webhookProblems(news: Partial<ChatwootWebhookInputs>): { property: string; reason: string }[] {
    const failures: { property: string; reason: string }[] = [];
    const subs = news.subscriptions ?? [];
    const unknown = subs.filter((s) => !CHATWOOT_EVENTS.includes(s));
    if (unknown.length) failures.push({ property: "subscriptions", reason: `Chatwoot has no event ${unknown.map((u) => `"${u}"`).join(", ")}; it allows ${CHATWOOT_EVENTS.join(", ")}` });
    if (!subs.includes("message_created")) failures.push({ property: "subscriptions", reason: "message_created must be subscribed: it is the event the agent service drafts replies from" });
    if (!/^https?:\/\//.test(String(news.url))) failures.push({ property: "url", reason: `"${news.url}" is not an http(s) URL` });
    if (!Number.isInteger(news.accountId) || (news.accountId ?? 0) < 1) failures.push({ property: "accountId", reason: `account id must be a positive integer, not ${news.accountId}` });
    return failures;
}

function client(config: ProviderConfig | undefined, baseUrl: string): ChatwootClient {
    return new ChatwootClient({ baseUrl, token: credential(config, CHATWOOT_TOKEN) });
}

/** Managing webhooks is an administrator's right (Pundit's WebhookPolicy); say so before Chatwoot's bare 401. */
async function requireAdministrator(cw: ChatwootClient, accountId: number): Promise<void> {
    const profile = await cw.profile();
    const membership = profile.accounts.find((a) => a.id === accountId);
    if (!membership) {
        throw new Error(`the Chatwoot token's user (${profile.email}) is not a member of account ${accountId}; check hotdash:chatwoot.accountId or use a token of that account's administrator`);
    }
    if (membership.role !== "administrator") {
        throw new Error(`the Chatwoot token belongs to ${profile.email}, an ${membership.role} of account ${accountId}; webhooks need an administrator's token (Profile settings > Access token): \`pulumi config set --secret hotdash:chatwootApiToken <token>\``);
    }
}

async function outputs(cw: ChatwootClient, inputs: ChatwootWebhookInputs, w: ChatwootWebhook): Promise<ChatwootWebhookOutputs> {
    if (!w.secret) {
        const version = await cw.version().catch(() => undefined);
        throw new Error(`Chatwoot${version ? ` ${version}` : ""} at ${cw.baseUrl} returned no secret for webhook ${w.id}: signed webhooks need Chatwoot ${CHATWOOT_MIN_SIGNING_VERSION} or newer (with its migrations run); upgrade Chatwoot, then run again`);
    }
    return { ...inputs, webhookId: w.id, secret: w.secret };
}

async function register(config: ProviderConfig | undefined, inputs: ChatwootWebhookInputs): Promise<ChatwootWebhookOutputs> {
    const cw = client(config, inputs.baseUrl);
    await requireAdministrator(cw, inputs.accountId);
    const body = { url: inputs.url, name: inputs.name, subscriptions: inputs.subscriptions };
    const existing = (await cw.listWebhooks(inputs.accountId)).find((w) => w.url === inputs.url);
    let w = existing ?? (await cw.createWebhook(inputs.accountId, body));
    if (existing && (existing.name !== inputs.name || JSON.stringify([...existing.subscriptions].sort()) !== JSON.stringify([...inputs.subscriptions].sort()))) {
        w = await cw.updateWebhook(inputs.accountId, existing.id, body);
    }
    return outputs(cw, inputs, w);
}

export const chatwootWebhookProvider: ConfiguredProvider<ChatwootWebhookInputs, ChatwootWebhookOutputs> = {
    async configure(req) {
        this.config = req.config;
    },

    async check(_olds, news) {
        return { inputs: news, failures: knownFailures(news, webhookProblems(news)) };
    },

    async diff(_id, olds, news) {
        const inPlace = (["name", "subscriptions", "baseUrl"] as const).filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
        const replaces = (["url", "accountId", "rotation"] as const).filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
        // URLs are unique per account: the old webhook must go before its replacement can take the URL
        return diffResult(inPlace, replaces, true);
    },

    async create(inputs) {
        const outs = await register(this.config, inputs);
        return { id: String(outs.webhookId), outs };
    },

    async read(id, props) {
        if (!props) return { id, props };
        const found = (await client(this.config, props.baseUrl).listWebhooks(props.accountId)).find((w) => w.id === props.webhookId);
        if (!found) return {}; // deleted in Chatwoot: refresh forgets it, the next up registers it again
        return { id, props: { ...props, url: found.url, name: found.name ?? "", subscriptions: found.subscriptions, secret: found.secret ?? "" } };
    },

    async update(_id, olds, news) {
        const cw = client(this.config, news.baseUrl);
        const w = await cw.updateWebhook(news.accountId, olds.webhookId, { url: news.url, name: news.name, subscriptions: news.subscriptions });
        return { outs: await outputs(cw, news, w) };
    },

    async delete(_id, props) {
        await client(this.config, props.baseUrl).deleteWebhook(props.accountId, props.webhookId);
    },
};

export interface ChatwootWebhookArgs {
    readonly baseUrl: pulumi.Input<string>;
    readonly accountId: pulumi.Input<number>;
    readonly url: pulumi.Input<string>;
    readonly name: pulumi.Input<string>;
    readonly subscriptions: pulumi.Input<readonly string[]>;
    readonly rotation: pulumi.Input<string>;
}

export class ChatwootWebhookResource extends pulumi.dynamic.Resource {
    declare readonly webhookId: pulumi.Output<number>;
    declare readonly secret: pulumi.Output<string>;

    constructor(name: string, args: ChatwootWebhookArgs, opts?: pulumi.CustomResourceOptions) {
        super(chatwootWebhookProvider, name, { webhookId: undefined, secret: undefined, ...args }, {
            ...opts, additionalSecretOutputs: secretOutputs("ChatwootWebhook", ["secret"]),
        }, DYNAMIC_MODULE, "ChatwootWebhook");
    }
}
