/**
 * The Chatwoot webhook's registration and subscriptions providers, rebuilt as the engine's host runs them, against
 * sandbox Chatwoot: a rotation's generations, the dormant registration, the previous secret while the older
 * webhook exists, and the diff that makes Pulumi create the new webhook before deleting the old.
 */
import { strict as assert } from "node:assert";
import { chatwootWebhookSubscriptionsProvider, type ChatwootWebhookSubscriptionsInputs } from "../../../providers/chatwoot/subscriptions";
import {
    chatwootWebhookProvider, type ChatwootWebhookInputs, type ChatwootWebhookOutputs, DORMANT_SUBSCRIPTIONS, generationUrl, parseGenerationUrl,
} from "../../../providers/chatwoot/webhook";
import { SANDBOX_CREDENTIALS as C } from "../../../sandbox/credentials";
import { rebuild, type Rebuilt } from "../../helpers/providers";
import { useSandbox } from "../../helpers/sandbox";

const RECEIVER = "https://hotdash-agent-service.fly.dev/webhooks/chatwoot";

describe("Chatwoot webhook generations (pure)", () => {
    it("puts the generation in the query, leaving generation 0 the plain URL", () => {
        assert.equal(generationUrl(RECEIVER, 0), RECEIVER);
        assert.equal(generationUrl(RECEIVER, 2), `${RECEIVER}?generation=2`);
        assert.equal(generationUrl(`${RECEIVER}?inbox=1`, 3), `${RECEIVER}?inbox=1&generation=3`);
        assert.deepEqual(parseGenerationUrl(`${RECEIVER}?generation=2`), { receiver: RECEIVER, generation: 2 });
        assert.deepEqual(parseGenerationUrl(RECEIVER), { receiver: RECEIVER, generation: 0 });
        assert.deepEqual(parseGenerationUrl(`${RECEIVER}?inbox=1&generation=3`), { receiver: `${RECEIVER}?inbox=1`, generation: 3 });
    });

    it("replaces on a new generation create-before-delete, and looks again while an older webhook was still there", async () => {
        const olds = { baseUrl: "https://cw", accountId: 1, url: RECEIVER, name: "n", subscriptions: ["message_created"], webhookId: 1, secret: "s", previousSecret: "", previousWebhookId: 0 };
        const rotated = await chatwootWebhookProvider.diff!("1", olds, { ...olds, url: `${RECEIVER}?generation=1` });
        assert.deepEqual(rotated, { changes: true, replaces: ["url"] }, "no deleteBeforeReplace");
        assert.deepEqual(await chatwootWebhookProvider.diff!("1", olds, { ...olds }), { changes: false });
        assert.deepEqual(await chatwootWebhookProvider.diff!("1", { ...olds, previousSecret: "p", previousWebhookId: 7 }, { ...olds }), { changes: true });
    });
});

describe("Chatwoot webhook providers against the sandbox", function () {
    this.timeout(60000);
    const sandbox = useSandbox();
    const config = { "hotdash:chatwootApiToken": C.chatwootAdminToken };
    let hooks: Rebuilt<ChatwootWebhookInputs, ChatwootWebhookOutputs>;
    let subs: Rebuilt<ChatwootWebhookSubscriptionsInputs, ChatwootWebhookSubscriptionsInputs>;
    before(async () => {
        [hooks, subs] = await Promise.all([rebuild(chatwootWebhookProvider, config), rebuild(chatwootWebhookSubscriptionsProvider, config)]);
    });
    const inputs = (generation: number): ChatwootWebhookInputs => ({
        baseUrl: sandbox().urls.chatwoot, accountId: C.chatwootAccountId, url: generationUrl(`${sandbox().urls["hotdash-agent-service"]}/webhooks/chatwoot`, generation),
        name: "hotdash-agent-service", subscriptions: ["message_created", "conversation_created"],
    });

    it("registers dormant; the subscriptions resource subscribes it", async () => {
        const created = await hooks.create(inputs(0));
        assert.deepEqual(sandbox().chatwoot.webhooks.map((w) => w.subscriptions), [DORMANT_SUBSCRIPTIONS]);
        assert.deepEqual([created.outs!.previousSecret, created.outs!.previousWebhookId], ["", 0]);
        await subs.create({ baseUrl: sandbox().urls.chatwoot, accountId: C.chatwootAccountId, webhookId: created.outs!.webhookId, subscriptions: ["message_created", "conversation_created"] });
        assert.deepEqual(sandbox().chatwoot.webhooks.map((w) => w.subscriptions), [["message_created", "conversation_created"]]);
    });

    it("a new generation exists beside the old one and reports its secret until the old one is gone", async () => {
        const first = await hooks.create(inputs(0));
        const second = await hooks.create(inputs(1));
        assert.equal(sandbox().chatwoot.webhooks.length, 2);
        assert.equal(second.outs!.previousSecret, first.outs!.secret);
        assert.equal(second.outs!.previousWebhookId, first.outs!.webhookId);
        // the next update while the old one is there keeps it; once Chatwoot forgets it, the previous secret is dropped
        const still = await hooks.update!(second.id, second.outs!, inputs(1));
        assert.equal(still.outs!.previousSecret, first.outs!.secret);
        await hooks.delete!(first.id, first.outs!);
        const after = await hooks.update!(second.id, still.outs!, inputs(1));
        assert.deepEqual([after.outs!.previousSecret, after.outs!.previousWebhookId, after.outs!.secret], ["", 0, second.outs!.secret]);
        assert.deepEqual(sandbox().chatwoot.webhooks.map((w) => w.url), [inputs(1).url]);
    });

    it("adopts a webhook an interrupted create left behind, by URL, without a second one", async () => {
        const lost = await hooks.create(inputs(4));
        const again = await hooks.create(inputs(4));
        assert.equal(again.outs!.webhookId, lost.outs!.webhookId);
        assert.equal(sandbox().chatwoot.webhooks.length, 1);
    });

    it("says how to recover when the webhook to subscribe is gone", async () => {
        await assert.rejects(
            subs.create({ baseUrl: sandbox().urls.chatwoot, accountId: C.chatwootAccountId, webhookId: 99, subscriptions: ["message_created"] }),
            /Chatwoot has no webhook 99 in account 1 to subscribe; run `pulumi refresh` and then `pulumi up` to register it again/,
        );
    });
});
