/**
 * What a Chatwoot webhook is subscribed to, applied once its receivers can verify it. A webhook is registered
 * dormant (`DORMANT_SUBSCRIPTIONS`), because Chatwoot starts signing with a new secret the moment it creates one:
 * this resource, which the stack makes depend on every receiver, subscribes it to the declared events. During a
 * rotation it moves from the old webhook to the new one in place; it deletes nothing, since the webhook's own
 * deletion ends its deliveries.
 */
import * as pulumi from "@pulumi/pulumi";
import { credential, type ConfiguredProvider, diffResult, DynamicResource, knownFailures, type ProviderConfig } from "../dynamic";
import { ChatwootClient } from "./client";
import { CHATWOOT_TOKEN, webhookProblems } from "./webhook";

export interface ChatwootWebhookSubscriptionsInputs {
    readonly baseUrl: string;
    readonly accountId: number;
    /** The webhook to subscribe: the registration's `webhookId`. */
    readonly webhookId: number;
    readonly subscriptions: readonly string[];
}

function client(config: ProviderConfig | undefined, baseUrl: string): ChatwootClient {
    return new ChatwootClient({ baseUrl, token: credential(config, CHATWOOT_TOKEN) });
}

async function apply(config: ProviderConfig | undefined, inputs: ChatwootWebhookSubscriptionsInputs): Promise<ChatwootWebhookSubscriptionsInputs> {
    const cw = client(config, inputs.baseUrl);
    const found = (await cw.listWebhooks(inputs.accountId)).find((w) => w.id === inputs.webhookId);
    if (!found) throw new Error(`Chatwoot has no webhook ${inputs.webhookId} in account ${inputs.accountId} to subscribe; run \`pulumi refresh\` and then \`pulumi up\` to register it again`);
    if (!sameEvents(found.subscriptions, inputs.subscriptions)) await cw.updateWebhook(inputs.accountId, inputs.webhookId, { subscriptions: inputs.subscriptions });
    return { ...inputs };
}

function sameEvents(a: readonly string[], b: readonly string[]): boolean {
    return JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
}

export const chatwootWebhookSubscriptionsProvider: ConfiguredProvider<ChatwootWebhookSubscriptionsInputs, ChatwootWebhookSubscriptionsInputs> = {
    async configure(req) {
        this.config = req.config;
    },

    async check(_olds, news) {
        const failures = webhookProblems({ ...news, url: "https://receiver.invalid" });
        return { inputs: news, failures: knownFailures(news, failures) };
    },

    async diff(_id, olds, news) {
        return diffResult((["baseUrl", "accountId", "webhookId", "subscriptions"] as const).filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k])));
    },

    async create(inputs) {
        const outs = await apply(this.config, inputs);
        return { id: `${inputs.accountId}/${inputs.webhookId}`, outs };
    },

    async read(id, props) {
        if (!props) return { id, props };
        const found = (await client(this.config, props.baseUrl).listWebhooks(props.accountId)).find((w) => w.id === props.webhookId);
        if (!found) return {};
        return { id, props: { ...props, subscriptions: found.subscriptions } };
    },

    async update(_id, _olds, news) {
        return { outs: await apply(this.config, news) };
    },

    async delete() {
        // nothing to undo: unsubscribing would only make a webhook that is about to go silent earlier
    },
};

export interface ChatwootWebhookSubscriptionsArgs {
    readonly baseUrl: pulumi.Input<string>;
    readonly accountId: pulumi.Input<number>;
    readonly webhookId: pulumi.Input<number>;
    readonly subscriptions: pulumi.Input<readonly string[]>;
}

export class ChatwootWebhookSubscriptionsResource extends DynamicResource {
    constructor(name: string, args: ChatwootWebhookSubscriptionsArgs, opts?: pulumi.CustomResourceOptions) {
        super(chatwootWebhookSubscriptionsProvider, name, { ...args }, opts, "ChatwootWebhookSubscriptions");
    }
}
