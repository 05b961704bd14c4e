/**
 * `hotdash:chatwoot:Webhook`: the Chatwoot webhook that feeds the agent service, and the keeper that rotates it.
 * Chatwoot generates the HMAC secret; this component exposes it (secret) for the stack to hand to every receiver.
 * Bumping `rotation` replaces the webhook, and so its secret. Deliveries Chatwoot signs while the agent service
 * rolls to the new secret are refused (Chatwoot neither retries account webhooks nor lets a secret be reset).
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { ChatwootWebhookResource } from "../../providers/chatwoot/webhook";

export interface ChatwootWebhookArgs {
    /** Chatwoot base URL. */
    readonly baseUrl: string;
    /** Chatwoot account the webhook belongs to. */
    readonly accountId: number;
    /** Receiver URL (the agent service's webhook endpoint). */
    readonly url: string;
    /** Events delivered. Defaults to message_created and conversation_created. */
    readonly subscriptions?: readonly string[];
    /** Bump to rotate the secret. Defaults to 0. */
    readonly rotation?: number;
}

export const DEFAULT_SUBSCRIPTIONS: readonly string[] = ["message_created", "conversation_created"];

export class ChatwootWebhook extends pulumi.ComponentResource {
    /** The HMAC secret Chatwoot signs deliveries with. */
    declare readonly secret: pulumi.Output<string>;
    declare readonly webhookId: pulumi.Output<number>;

    constructor(name: string, args: ChatwootWebhookArgs, opts?: pulumi.ComponentResourceOptions) {
        super("hotdash:chatwoot:Webhook", name, { secret: undefined, webhookId: undefined }, opts);
        const keeper = new random.RandomPassword(`${name}-rotation`, {
            length: 16, special: false, keepers: { rotation: String(args.rotation ?? 0) },
        }, { parent: this });
        const webhook = new ChatwootWebhookResource(`${name}-registration`, {
            baseUrl: args.baseUrl,
            accountId: args.accountId,
            url: args.url,
            name: "hotdash-agent-service",
            subscriptions: args.subscriptions ?? DEFAULT_SUBSCRIPTIONS,
            rotation: keeper.result,
        }, { parent: this });
        this.secret = webhook.secret;
        this.webhookId = webhook.webhookId;
        this.registerOutputs({ secret: this.secret, webhookId: this.webhookId });
    }
}
