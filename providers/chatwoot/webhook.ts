/**
 * The Chatwoot account webhook that sends conversation events to the agent service. Chatwoot (>= 4.11.2) generates
 * each webhook's HMAC secret itself and ignores one sent by the caller, so the resource registers (or adopts, by
 * URL) the webhook and reads the secret back as a secret output for the stack to distribute.
 *
 * Rotating means a new webhook, since Chatwoot cannot reset a secret: the stack bumps the generation in the URL
 * (`?generation=N`, which the receiver ignores), and the new URL replaces the webhook create-before-delete, so for
 * a while both exist. A new webhook is registered dormant (subscribed to `DORMANT_SUBSCRIPTIONS` only, so it signs
 * no message with a secret the receivers do not have yet); `ChatwootWebhookSubscriptions` subscribes it once the
 * receivers hold its secret. While an older webhook of the same receiver is still registered its secret is the
 * `previousSecret` output, which the receivers keep accepting; the next update after Chatwoot forgets it clears it.
 */
import * as pulumi from "@pulumi/pulumi";
import { credential, type ConfiguredProvider, diffResult, DynamicResource, knownFailures, type ProviderConfig } from "../dynamic";
import { ChatwootClient, type ChatwootWebhook } from "./client";
import { CHATWOOT_EVENTS, CHATWOOT_MIN_SIGNING_VERSION } from "./events";

export const CHATWOOT_TOKEN = { key: "hotdash:chatwootApiToken", env: "CHATWOOT_API_TOKEN", describe: "The Chatwoot API token" } as const;

export interface ChatwootWebhookInputs {
    readonly baseUrl: string;
    readonly accountId: number;
    /** Where Chatwoot delivers: the agent service's webhook endpoint. */
    readonly url: string;
    readonly name: string;
    /** The events declared for it; `ChatwootWebhookSubscriptions` applies them (HD-WHK-001 reads them here). */
    readonly subscriptions: readonly string[];
}

export interface ChatwootWebhookOutputs extends ChatwootWebhookInputs {
    readonly webhookId: number;
    /** The HMAC secret Chatwoot signs deliveries with. */
    readonly secret: string;
    /** The secret of the webhook this one replaces, while Chatwoot still has it; "" once it is gone. */
    readonly previousSecret: string;
    /** That webhook's id, or 0. */
    readonly previousWebhookId: number;
}

/**
 * What a new webhook is subscribed to until its receivers hold its secret: an event Chatwoot must have one of (an
 * empty list is refused) and that the agent service ignores, fired only when an administrator adds an inbox.
 */
export const DORMANT_SUBSCRIPTIONS: readonly string[] = ["inbox_created"];

/** The query parameter that tells a rotation's webhooks apart: the same receiver, distinct URLs for Chatwoot. */
export const GENERATION_PARAM = "generation";

/** The receiver URL of generation `generation`: generation 0 is the plain URL, so a first launch's URL stays as it was. */
export function generationUrl(receiver: string, generation: number): string {
    if (generation === 0) return receiver;
    const u = new URL(receiver);
    u.searchParams.set(GENERATION_PARAM, String(generation));
    return u.toString();
}

/** The generation in a webhook URL (0 without one), and the receiver it points at. */
export function parseGenerationUrl(url: string): { receiver: string; generation: number } {
    let u: URL;
    try {
        u = new URL(url);
    } catch {
        return { receiver: url, generation: 0 };
    }
    const g = u.searchParams.get(GENERATION_PARAM);
    u.searchParams.delete(GENERATION_PARAM);
    const generation = g !== null && /^[0-9]{1,9}$/.test(g) ? Number(g) : 0;
    return { receiver: u.toString(), generation };
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

async function outputs(cw: ChatwootClient, inputs: ChatwootWebhookInputs, w: ChatwootWebhook, all: readonly ChatwootWebhook[]): Promise<ChatwootWebhookOutputs> {
    if (!w.secret) {
        const version = await cw.version().catch(() => undefined);
        throw new Error(`Chatwoot${version ? ` ${version}` : ""} at ${cw.baseUrl} returned no secret for webhook ${w.id}: signed webhooks need Chatwoot ${CHATWOOT_MIN_SIGNING_VERSION} or newer (with its migrations run); upgrade Chatwoot, then run again`);
    }
    return { ...inputs, webhookId: w.id, secret: w.secret, ...previous(all, inputs, w.id) };
}

/** The newest other webhook of the same receiver (a rotation's older generation), if Chatwoot still has it. */
export function previous(all: readonly ChatwootWebhook[], inputs: Pick<ChatwootWebhookInputs, "url">, ownId: number): { previousSecret: string; previousWebhookId: number } {
    const receiver = parseGenerationUrl(inputs.url).receiver;
    const older = all.filter((w) => w.id !== ownId && parseGenerationUrl(w.url).receiver === receiver).sort((a, b) => b.id - a.id)[0];
    return older?.secret ? { previousSecret: older.secret, previousWebhookId: older.id } : { previousSecret: "", previousWebhookId: 0 };
}

async function register(config: ProviderConfig | undefined, inputs: ChatwootWebhookInputs): Promise<ChatwootWebhookOutputs> {
    const cw = client(config, inputs.baseUrl);
    await requireAdministrator(cw, inputs.accountId);
    const listed = await cw.listWebhooks(inputs.accountId);
    const existing = listed.find((w) => w.url === inputs.url);
    // dormant until the receivers hold the secret; an adopted webhook keeps its subscriptions for the same reason
    let w = existing ?? (await cw.createWebhook(inputs.accountId, { url: inputs.url, name: inputs.name, subscriptions: DORMANT_SUBSCRIPTIONS }));
    if (existing && existing.name !== inputs.name) w = await cw.updateWebhook(inputs.accountId, existing.id, { url: inputs.url, name: inputs.name });
    return outputs(cw, inputs, w, existing ? listed : [...listed, w]);
}

export const chatwootWebhookProvider: ConfiguredProvider<ChatwootWebhookInputs, ChatwootWebhookOutputs> = {
    async configure(req) {
        this.config = req.config;
    },

    async check(_olds, news) {
        return { inputs: news, failures: knownFailures(news, webhookProblems(news)) };
    },

    async diff(_id, olds, news) {
        const inPlace: string[] = (["name", "subscriptions", "baseUrl"] as const).filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
        // a rotation's older webhook was still there at the last update: look again, so its secret is dropped once it is gone
        if (olds.previousSecret) inPlace.push("previousSecret");
        // a new URL is a new generation: created before the old one is deleted, so a verifying webhook exists throughout
        const replaces = (["url", "accountId"] as const).filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
        return diffResult(inPlace, replaces);
    },

    async create(inputs) {
        const outs = await register(this.config, inputs);
        return { id: String(outs.webhookId), outs };
    },

    async read(id, props) {
        if (!props) return { id, props };
        const found = (await client(this.config, props.baseUrl).listWebhooks(props.accountId)).find((w) => w.id === props.webhookId);
        if (!found) return {}; // deleted in Chatwoot: refresh forgets it, the next up registers it again
        return { id, props: { ...props, url: found.url, name: found.name ?? "", secret: found.secret ?? "" } };
    },

    async update(_id, olds, news) {
        const cw = client(this.config, news.baseUrl);
        const listed = await cw.listWebhooks(news.accountId);
        const current = listed.find((w) => w.id === olds.webhookId);
        const w = current && current.name === news.name && current.url === news.url
            ? current
            : await cw.updateWebhook(news.accountId, olds.webhookId, { url: news.url, name: news.name });
        return { outs: await outputs(cw, news, w, listed) };
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
}

export class ChatwootWebhookResource extends DynamicResource {
    declare readonly webhookId: pulumi.Output<number>;
    declare readonly secret: pulumi.Output<string>;
    declare readonly previousSecret: pulumi.Output<string>;
    declare readonly previousWebhookId: pulumi.Output<number>;

    constructor(name: string, args: ChatwootWebhookArgs, opts?: pulumi.CustomResourceOptions) {
        super(chatwootWebhookProvider, name, { webhookId: undefined, secret: undefined, previousSecret: undefined, previousWebhookId: undefined, ...args }, {
            ...opts, additionalSecretOutputs: ["secret", "previousSecret"],
        }, "ChatwootWebhook");
    }
}
