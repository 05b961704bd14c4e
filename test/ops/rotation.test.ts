/** The webhook rotation's phase, read from checkpoints as Pulumi writes them, and how `launch up` resumes and finishes one. */
import { strict as assert } from "node:assert";
import {
    describeRotation, recoverInterrupted, rotationStatus, type RotationStatus, rotationUnfinished, type StateAccess, upThroughRotation,
} from "../../ops/rotation";
import { dynamicType } from "../../providers/dynamic";
import { plainFacts } from "../../providers/fly/secrets";

const RECEIVER = "https://hotdash-agent-service.fly.dev/webhooks/chatwoot";
const ENC = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:abc" };

function hook(id: number, generation: number, opts: { delete?: boolean; previousWebhookId?: number } = {}): Record<string, unknown> {
    return {
        urn: `urn:pulumi:sandbox::hotdash-launch::hotdash:chatwoot:Webhook$${dynamicType("ChatwootWebhook")}::hotdash-chatwoot-webhook-registration`,
        type: dynamicType("ChatwootWebhook"),
        ...(opts.delete ? { delete: true } : {}),
        outputs: { url: generation ? `${RECEIVER}?generation=${generation}` : RECEIVER, webhookId: id, previousWebhookId: opts.previousWebhookId ?? 0, secret: ENC, previousSecret: ENC },
    };
}

const subscriptions = (webhookId: number): Record<string, unknown> => ({ urn: "urn:pulumi:sandbox::hotdash-launch::x::hotdash-chatwoot-webhook-subscriptions", type: dynamicType("ChatwootWebhookSubscriptions"), outputs: { webhookId } });
const agentSecrets = (current: string, previous: string): Record<string, unknown> => ({
    urn: "urn:pulumi:sandbox::hotdash-launch::x::hotdash-agent-service-secrets", type: dynamicType("FlySecrets"),
    // as the provider records them: digests encrypted, names and equal-value groups plain
    outputs: { app: "hotdash-agent-service", values: ENC, digests: ENC, ...plainFacts({ CHATWOOT_WEBHOOK_SECRET: current, CHATWOOT_WEBHOOK_SECRET_PREVIOUS: previous, CHATWOOT_API_TOKEN: "t" }) },
});
const checkpoint = (resources: unknown[], pending: { type: string; name: string }[] = []): unknown => ({
    version: 3,
    deployment: { manifest: {}, resources, pending_operations: pending.map((p) => ({ type: p.type, resource: { urn: `urn:pulumi:sandbox::hotdash-launch::x::${p.name}` } })) },
});

describe("webhook rotation phases (ops/rotation)", () => {
    describe("rotationStatus", () => {
        it("walks a rotation from generation 0 to 1 through every phase, in order", () => {
            const phases = [
                checkpoint([hook(1, 0), subscriptions(1), agentSecrets("a", "a")]), // config asks for 1
                checkpoint([hook(1, 0, { delete: true }), hook(2, 1, { previousWebhookId: 1 }), subscriptions(1), agentSecrets("a", "a")]),
                checkpoint([hook(1, 0, { delete: true }), hook(2, 1, { previousWebhookId: 1 }), subscriptions(1), agentSecrets("b", "a")]),
                checkpoint([hook(1, 0, { delete: true }), hook(2, 1, { previousWebhookId: 1 }), subscriptions(2), agentSecrets("b", "a")]),
                checkpoint([hook(2, 1, { previousWebhookId: 1 }), subscriptions(2), agentSecrets("b", "a")]),
                checkpoint([hook(2, 1), subscriptions(2), agentSecrets("b", "b")]),
            ].map((c) => rotationStatus(c, 1).phase);
            assert.deepEqual(phases, ["requested", "registered", "receivers-updated", "activated", "old-deleted", "steady"]);
        });

        it("knows a stack with webhooks off, and one where they are about to be enabled", () => {
            assert.equal(rotationStatus(checkpoint([agentSecrets("", "")]), undefined).phase, "off");
            assert.equal(rotationStatus(checkpoint([]), 0).phase, "requested");
            assert.equal(rotationStatus(checkpoint([hook(1, 0), subscriptions(1), agentSecrets("a", "a")]), 0).phase, "steady");
        });

        it("counts the old secret as handed out while the registration still knows the old webhook", () => {
            assert.equal(rotationStatus(checkpoint([hook(2, 1, { previousWebhookId: 1 }), subscriptions(2), agentSecrets("b", "b")]), 1).phase, "old-deleted");
        });

        it("lists what an interrupted run left pending, by resource name", () => {
            const s = rotationStatus(checkpoint([hook(1, 0), subscriptions(1), agentSecrets("a", "a")], [{ type: "creating", name: "hotdash-chatwoot-webhook-registration" }]), 1);
            assert.deepEqual(s.pendingOperations, ["creating hotdash-chatwoot-webhook-registration"]);
            assert.equal(describeRotation(s), "webhook rotation: rotation requested: the new webhook is not registered yet (generation 0, webhook 1) (an interrupted run left 1 pending operation(s): creating hotdash-chatwoot-webhook-registration)");
        });

        it("describes each phase for the operator, never with a secret", () => {
            const s = rotationStatus(checkpoint([hook(1, 0, { delete: true }), hook(2, 1, { previousWebhookId: 1 }), subscriptions(2), agentSecrets("b", "a")]), 1);
            assert.equal(describeRotation(s), "webhook rotation: phase 3/4: both webhooks deliver, receivers drop the second copy; the old webhook is deleted next (generation 1, webhook 2, 1)");
            assert.ok(!describeRotation(s).includes("v1:abc"));
            assert.equal(rotationUnfinished(s), true);
        });
    });

    describe("resuming and finishing", () => {
        function fakeAccess(states: unknown[], opts: { stale?: boolean } = {}): StateAccess & { imported: unknown[]; cancelled: number } {
            let i = 0;
            const a = {
                imported: [] as unknown[],
                cancelled: 0,
                exportCheckpoint: async () => states[Math.min(i++, states.length - 1)],
                importCheckpoint: async (c: unknown) => { a.imported.push(c); },
                cancel: async () => { a.cancelled++; },
                staleLock: () => !!opts.stale && a.cancelled === 0,
            };
            return a;
        }

        it("removes a dead run's lock and clears its pending operations, keeping everything else", async () => {
            const left = checkpoint([hook(1, 0, { delete: true }), hook(2, 1)], [{ type: "updating", name: "hotdash-agent-service-secrets" }]);
            const a = fakeAccess([left], { stale: true });
            const lines: string[] = [];
            await recoverInterrupted(a, (l) => lines.push(l));
            assert.equal(a.cancelled, 1);
            assert.equal(a.imported.length, 1);
            const imported = a.imported[0] as { deployment: { resources: unknown[]; pending_operations: unknown[] } };
            assert.deepEqual(imported.deployment.pending_operations, []);
            assert.deepEqual(imported.deployment.resources, (left as { deployment: { resources: unknown[] } }).deployment.resources);
            assert.deepEqual(lines, [
                "an earlier update was killed and left the stack locked: removing its lock (pulumi cancel)",
                "an earlier update was interrupted during updating hotdash-agent-service-secrets: clearing those pending operations (stack export, import); this update finds what they did",
            ]);
        });

        it("leaves a healthy stack alone", async () => {
            const a = fakeAccess([checkpoint([hook(1, 0)])]);
            await recoverInterrupted(a, () => undefined);
            assert.deepEqual([a.cancelled, a.imported.length], [0, 0]);
        });

        it("runs up again while the rotation is unfinished, and stops when it is done or a run fails", async () => {
            const overlap = checkpoint([hook(2, 1, { previousWebhookId: 1 }), subscriptions(2), agentSecrets("b", "a")]);
            const done = checkpoint([hook(2, 1), subscriptions(2), agentSecrets("b", "b")]);
            let ups = 0;
            const up = async (): Promise<{ ok: boolean }> => { ups++; return { ok: true }; };
            const lines: string[] = [];
            const r = await upThroughRotation(up, fakeAccess([done, overlap, done]), 1, (l) => lines.push(l));
            assert.equal(ups, 2);
            assert.equal((r.status as RotationStatus).phase, "steady");
            assert.deepEqual(lines.filter((l) => l.startsWith("running up again")), ["running up again to finish the rotation"]);

            ups = 0;
            await upThroughRotation(async () => { ups++; return { ok: false }; }, fakeAccess([done, overlap]), 1, () => undefined);
            assert.equal(ups, 1, "a failed run is not repeated");

            ups = 0;
            await upThroughRotation(up, fakeAccess([done, overlap]), 1, () => undefined);
            assert.equal(ups, 3, "never more than three runs");
        });
    });
});
