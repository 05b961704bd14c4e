/**
 * `hotdash:chatwoot:Webhook`: the Chatwoot webhook that feeds the agent service. Chatwoot generates the HMAC secret;
 * this component exposes it (secret) for the stack to hand to every receiver, with the previous one while a
 * rotation's two webhooks overlap.
 *
 * Rotation (bump `rotation`), in phases each safe to stop in, carried by Pulumi's create-before-delete replace:
 * the new generation's webhook is registered dormant at `<url>?generation=N`; the receivers get its secret and the
 * old one and roll; `activate`'s child subscribes the new webhook; the old webhook is deleted at the end of the
 * update; the next update drops the old secret (the previous secret becomes the current one again). Every step
 * leaves every delivered message verifiable, and receivers drop the second copy of an event by its identity.
 */
import * as pulumi from "@pulumi/pulumi";
import { ChatwootWebhookResource, generationUrl } from "../../providers/chatwoot/webhook";
import { ChatwootWebhookSubscriptionsResource } from "../../providers/chatwoot/subscriptions";

export interface ChatwootWebhookArgs {
    /** Chatwoot base URL. */
    readonly baseUrl: string;
    /** Chatwoot account the webhook belongs to. */
    readonly accountId: number;
    /** Receiver URL (the agent service's webhook endpoint). */
    readonly url: string;
    /** Events delivered. Defaults to message_created and conversation_created. */
    readonly subscriptions?: readonly string[];
    /** The webhook's generation: bump to rotate the secret. Defaults to 0. */
    readonly rotation?: number;
}

export const DEFAULT_SUBSCRIPTIONS: readonly string[] = ["message_created", "conversation_created"];

export class ChatwootWebhook extends pulumi.ComponentResource {
    /** The HMAC secret Chatwoot signs deliveries with. */
    declare readonly secret: pulumi.Output<string>;
    /** The secret receivers accept besides `secret`: the older webhook's while it exists, else `secret` itself. */
    declare readonly previousSecret: pulumi.Output<string>;
    declare readonly webhookId: pulumi.Output<number>;
    private readonly registration: ChatwootWebhookResource;
    private readonly name: string;
    private readonly args: ChatwootWebhookArgs;

    constructor(name: string, args: ChatwootWebhookArgs, opts?: pulumi.ComponentResourceOptions) {
        super("hotdash:chatwoot:Webhook", name, { secret: undefined, previousSecret: undefined, webhookId: undefined }, opts);
        this.name = name;
        this.args = args;
        this.registration = new ChatwootWebhookResource(`${name}-registration`, {
            baseUrl: args.baseUrl,
            accountId: args.accountId,
            url: generationUrl(args.url, args.rotation ?? 0),
            name: "hotdash-agent-service",
            subscriptions: args.subscriptions ?? DEFAULT_SUBSCRIPTIONS,
        }, { parent: this });
        this.secret = this.registration.secret;
        this.previousSecret = pulumi.secret(pulumi.all([this.registration.secret, this.registration.previousSecret]).apply(([s, p]) => p || s));
        this.webhookId = this.registration.webhookId;
        this.registerOutputs({ secret: this.secret, previousSecret: this.previousSecret, webhookId: this.webhookId });
    }

    /** Subscribes the webhook to its events once every receiver (`receivers`, which hold its secret) is updated. */
    activate(receivers: readonly pulumi.Resource[]): ChatwootWebhookSubscriptionsResource {
        return new ChatwootWebhookSubscriptionsResource(`${this.name}-subscriptions`, {
            baseUrl: this.args.baseUrl,
            accountId: this.args.accountId,
            webhookId: this.registration.webhookId,
            subscriptions: this.args.subscriptions ?? DEFAULT_SUBSCRIPTIONS,
        }, { parent: this, dependsOn: [this.registration, ...receivers] });
    }
}
