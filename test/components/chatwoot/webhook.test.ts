/** `hotdash:chatwoot:Webhook` wiring under mocks: the generation's URL, the secrets it hands out, and when it is subscribed. */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { dynamicType } from "../../../providers/dynamic";
import { outputValue, useMocks } from "../../helpers/mocks";

const T = { registration: dynamicType("ChatwootWebhook"), subscriptions: dynamicType("ChatwootWebhookSubscriptions") };
const RECEIVER = "https://hotdash-agent-service.fly.dev/webhooks/chatwoot";

describe("components/chatwoot/webhook", () => {
    let previous = "";
    const mocks = useMocks({
        state: (args) => (args.type === T.registration ? { webhookId: 12, secret: "canary-current", previousSecret: previous, previousWebhookId: previous ? 11 : 0 } : undefined),
    });
    let ChatwootWebhook: typeof import("../../../components/chatwoot/webhook").ChatwootWebhook;
    before(() => {
        ({ ChatwootWebhook } = require("../../../components/chatwoot/webhook") as typeof import("../../../components/chatwoot/webhook"));
    });
    beforeEach(() => mocks().reset());

    it("registers the generation's URL, and subscribes it only after the receivers it is given", async () => {
        previous = "";
        // a component, as the agent service's FlyApp is: depending on it means depending on its children
        const receiver = new pulumi.ComponentResource("test:index:Receiver", "agent");
        new (class extends pulumi.CustomResource {})("test:index:Machines", "agent-machines", {}, { parent: receiver });
        const hook = new ChatwootWebhook("hook", { baseUrl: "https://cw", accountId: 1, url: RECEIVER, rotation: 2 });
        hook.activate([receiver]);
        const reg = await mocks().waitFor(T.registration, "hook-registration");
        assert.equal(reg.inputs["url"], `${RECEIVER}?generation=2`);
        assert.deepEqual(reg.inputs["subscriptions"], ["message_created", "conversation_created"]);
        assert.deepEqual(reg.additionalSecretOutputs, ["secret", "previousSecret"]);
        const subs = await mocks().waitFor(T.subscriptions, "hook-subscriptions");
        assert.deepEqual([subs.inputs["webhookId"], subs.inputs["subscriptions"]], [12, ["message_created", "conversation_created"]]);
        assert.ok(subs.dependencies.some((d) => d.endsWith("::agent-machines")), subs.dependencies.join(", "));
        assert.ok(subs.dependencies.some((d) => d.endsWith("::hook-registration")), subs.dependencies.join(", "));
        assert.ok(subs.parent?.endsWith("::hook"));
    });

    it("hands out the previous secret while the old webhook exists, the current one otherwise, always as a secret", async () => {
        previous = "canary-old";
        const during = new ChatwootWebhook("during", { baseUrl: "https://cw", accountId: 1, url: RECEIVER, rotation: 1 });
        assert.equal(await outputValue(during.previousSecret), "canary-old");
        assert.equal(await pulumi.isSecret(during.previousSecret), true);
        previous = "";
        const after = new ChatwootWebhook("after", { baseUrl: "https://cw", accountId: 1, url: RECEIVER });
        assert.equal(await outputValue(after.previousSecret), "canary-current");
        assert.equal((await mocks().waitFor(T.registration, "after-registration")).inputs["url"], RECEIVER);
    });
});
