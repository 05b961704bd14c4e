import { strict as assert } from "node:assert";
import {
    describePlan, historyEntries, parseRollbackMessage, planRollback, restoreInstructions, RollbackError, type RollbackInputs,
    rollbackMessage, slackText, type StackApp,
} from "../../ops/rollbackPlan";

const d = (c: string): string => `sha256:${c.repeat(64)}`;
const AGENT = "hotdash-agent-service";
const LLAMA = "hotdash-llamaindex-mcp";
const CHATWOOT = "hotdash-chatwoot";

const apps = (agent = d("b"), llama = d("1"), chatwoot = d("c")): StackApp[] => [
    { key: "agentService", name: AGENT, image: `registry.fly.io/hotdash-agent-service@${agent}` },
    { key: "llamaindexMcp", name: LLAMA, image: `registry.fly.io/hotdash-llamaindex-mcp@${llama}` },
    { key: "chatwoot", name: CHATWOOT, image: `chatwoot/chatwoot:v4.16.0@${chatwoot}` },
];

/** Up with A everywhere, then B for the agent service and Chatwoot. */
function inputs(over: Partial<RollbackInputs> = {}): RollbackInputs {
    return {
        stack: "prod",
        apps: apps(),
        running: {
            [AGENT]: { app: { currentImage: d("b"), previousImage: d("a") } },
            [LLAMA]: { app: { currentImage: d("1"), previousImage: "" } },
            [CHATWOOT]: { web: { currentImage: d("c"), previousImage: d("e") }, worker: { currentImage: d("c"), previousImage: d("e") } },
        },
        history: [
            { images: { [AGENT]: `registry.fly.io/hotdash-agent-service@${d("b")}`, [LLAMA]: `registry.fly.io/hotdash-llamaindex-mcp@${d("1")}`, [CHATWOOT]: `chatwoot/chatwoot:v4.16.0@${d("c")}` } },
            { images: { [AGENT]: `registry.fly.io/hotdash-agent-service@${d("a")}`, [LLAMA]: `registry.fly.io/hotdash-llamaindex-mcp@${d("1")}`, [CHATWOOT]: `chatwoot/chatwoot:v4.15.1@${d("e")}` } },
        ],
        webhooksEnabled: true,
        ...over,
    };
}

function refused(fn: () => unknown, message: string): void {
    assert.throws(fn, (e: unknown) => {
        assert.ok(e instanceof RollbackError);
        assert.equal(e.message, message);
        return true;
    });
}

describe("rollback plan", () => {
    it("puts each app that changed back on its previous digest, webhooks off first; an app with nothing before stays", () => {
        const plan = planRollback(inputs(), {});
        assert.deepEqual(plan, {
            steps: [
                { app: AGENT, key: "agentService", from: d("b"), to: d("a"), image: `registry.fly.io/hotdash-agent-service@${d("a")}` },
                { app: CHATWOOT, key: "chatwoot", from: d("c"), to: d("e"), image: `chatwoot/chatwoot:v4.15.1@${d("e")}` },
            ],
            unchanged: [{ app: LLAMA, digest: d("1"), why: "no previous image" }],
            disableWebhooks: true,
        });
        assert.deepEqual(describePlan(plan), [
            "1. Webhooks off: remove the Chatwoot webhook (no new drafts), as its own update.",
            "2. Redeploy, one machine at a time, each healthy before the next:",
            `     ${AGENT}: ${d("b")} -> ${d("a")}`,
            `     ${CHATWOOT}: ${d("c")} -> ${d("e")}`,
            "3. Verify every service healthy; post to Slack; record the rollback in the stack's history.",
            `   ${LLAMA} stays on ${d("1")}: no previous image`,
        ]);
    });

    it("leaves webhooks alone when they are already off", () => {
        assert.equal(planRollback(inputs({ webhooksEnabled: false }), {}).disableWebhooks, false);
    });

    it("takes --app by name or config key, comma-separated", () => {
        assert.deepEqual(planRollback(inputs(), { app: "agentService" }).steps.map((s) => s.app), [AGENT]);
        assert.deepEqual(planRollback(inputs(), { app: `${CHATWOOT}, agentService` }).steps.map((s) => s.app), [CHATWOOT, AGENT]);
    });

    it("a previous digest history does not know is deployed from the configured repository, its tag dropped", () => {
        const plan = planRollback(inputs({ history: [] }), { app: CHATWOOT });
        assert.equal(plan.steps[0]!.image, `chatwoot/chatwoot@${d("e")}`);
    });

    it("refuses an app with no previous image, and says why", () => {
        refused(() => planRollback(inputs(), { app: LLAMA }),
            `${LLAMA} has no previous image to roll back to: it has run only ${d("1")} since the stack first deployed it. Nothing was changed.`);
    });

    it("refuses when no app has a previous image", () => {
        const running = { [AGENT]: { app: { currentImage: d("b"), previousImage: "" } }, [LLAMA]: { app: { currentImage: d("1"), previousImage: "" } } };
        refused(() => planRollback(inputs({ running, apps: apps().slice(0, 2) }), {}),
            `no app has a previous image to roll back to: ${AGENT} has run only ${d("b")}; ${LLAMA} has run only ${d("1")}. Nothing was changed.`);
    });

    it("refuses an unknown --app, naming the apps", () => {
        refused(() => planRollback(inputs(), { app: "hotdash-web" }),
            `unknown app "hotdash-web"; the stack's apps are ${AGENT}, ${LLAMA}, ${CHATWOOT}`);
        refused(() => planRollback(inputs(), { app: " , " }), `--app is empty; the stack's apps are ${AGENT}, ${LLAMA}, ${CHATWOOT}`);
    });

    it("--to goes to any digest in the app's history, as history wrote it", () => {
        const history = [{ images: { [AGENT]: `registry.fly.io/hotdash-agent-service:v3@${d("b")}` } }, { images: { [AGENT]: `registry.fly.io/hotdash-agent-service:v1@${d("9")}` } }];
        const plan = planRollback(inputs({ history }), { app: AGENT, to: `registry.fly.io/hotdash-agent-service@${d("9")}` });
        assert.deepEqual(plan.steps, [{ app: AGENT, key: "agentService", from: d("b"), to: d("9"), image: `registry.fly.io/hotdash-agent-service:v1@${d("9")}` }]);
    });

    it("refuses a --to not in the app's history, naming the digests it has run", () => {
        refused(() => planRollback(inputs(), { app: AGENT, to: d("f") }),
            `${d("f")} is not in the history of ${AGENT}; the digests it has run: ${d("b")} (running), ${d("a")}`);
    });

    it("refuses a --to without one --app, or one that is no digest", () => {
        refused(() => planRollback(inputs(), { to: d("a") }),
            `--to needs exactly one --app: a digest belongs to one app (the stack's apps are ${AGENT}, ${LLAMA}, ${CHATWOOT})`);
        refused(() => planRollback(inputs(), { app: `${AGENT},${LLAMA}`, to: d("a") }),
            `--to needs exactly one --app: a digest belongs to one app (the stack's apps are ${AGENT}, ${LLAMA}, ${CHATWOOT})`);
        refused(() => planRollback(inputs(), { app: AGENT, to: "v1.2.3" }),
            `--to "v1.2.3" is not an image digest: expected sha256:<64 hex digits>, or a reference ending in @sha256:<digest>`);
    });

    it("a --to the app already runs changes nothing", () => {
        const plan = planRollback(inputs(), { app: AGENT, to: d("b") });
        assert.deepEqual(plan, { steps: [], unchanged: [{ app: AGENT, digest: d("b"), why: "already runs it" }], disableWebhooks: false });
    });

    it("after a rollback, a second one is a no-op that says how to go further back", () => {
        const rollback = { apps: { [AGENT]: { from: d("b"), to: d("a") } }, at: "2026-11-30T05:00:00.000Z" };
        const after = inputs({
            running: { ...inputs().running, [AGENT]: { app: { currentImage: d("a"), previousImage: d("b") } } },
            history: [{ images: {}, rollback }, ...inputs().history],
            webhooksEnabled: false,
        });
        const plan = planRollback(after, { app: AGENT });
        assert.deepEqual(plan, {
            steps: [],
            unchanged: [{ app: AGENT, digest: d("a"), why: `already rolled back (from sha256:bbbbbbbbbbbb at 2026-11-30T05:00:00.000Z); to go further back, --app ${AGENT} --to <digest>` }],
            disableWebhooks: false,
        });
        // a later deploy of another digest can be rolled back again
        const redeployed = inputs({ ...after, running: { ...after.running, [AGENT]: { app: { currentImage: d("7"), previousImage: d("a") } } } });
        assert.deepEqual(planRollback(redeployed, { app: AGENT }).steps.map((s) => [s.from, s.to]), [[d("7"), d("a")]]);
    });

    it("refuses an app whose groups run different digests, or that is not deployed", () => {
        const running = { ...inputs().running, [CHATWOOT]: { web: { currentImage: d("c"), previousImage: d("e") }, worker: { currentImage: d("e"), previousImage: "" } } };
        refused(() => planRollback(inputs({ running }), { app: CHATWOOT }),
            `the process groups of ${CHATWOOT} run different digests (web ${d("c")}, worker ${d("e")}): the last deploy did not finish. Say which to run with --app ${CHATWOOT} --to <digest>; the digests it has run: ${d("c")} (running), ${d("e")} (running)`);
        refused(() => planRollback(inputs({ running: {} }), { app: AGENT }),
            `${AGENT} has no deployment in this stack yet (no images output): there is nothing to roll back. Deploy it with \`launch up --stack prod\` first.`);
    });
});

describe("rollback record and history", () => {
    it("records a rollback as an update message and reads it back; other messages are no record", () => {
        const record = { apps: { [AGENT]: { from: d("b"), to: d("a") } }, reason: "errors > 10%", at: "2026-11-30T05:00:00.000Z" };
        const message = rollbackMessage(record);
        assert.ok(message.startsWith("launch rollback {"));
        assert.deepEqual(parseRollbackMessage(message), record);
        assert.equal(parseRollbackMessage("launch rollback: webhooks off before the redeploy"), undefined);
        assert.equal(parseRollbackMessage("launch rollback {not json"), undefined);
        assert.equal(parseRollbackMessage(undefined), undefined);
    });

    it("reads each successful update's images from its config, in the CLI's order (newest first)", () => {
        const config = (agent: string) => ({ "hotdash:apps": { value: JSON.stringify({ agentService: { image: agent }, chatwoot: { image: "chatwoot/chatwoot@" + d("c") } }), secret: false }, "hotdash:flyApiToken": { value: "[secret]", secret: true } });
        const entries = historyEntries([
            { kind: "update", result: "succeeded", message: rollbackMessage({ apps: { [AGENT]: { from: d("b"), to: d("a") } }, at: "t" }), config: config(`r/a@${d("b")}`) },
            { kind: "refresh", result: "succeeded", message: "" },
            { kind: "update", result: "failed", message: "", config: config(`r/a@${d("f")}`) },
            { kind: "update", result: "succeeded", message: "", config: config(`r/a@${d("a")}`) },
        ], apps());
        assert.deepEqual(entries, [
            { images: { [AGENT]: `r/a@${d("b")}`, [CHATWOOT]: `chatwoot/chatwoot@${d("c")}` }, rollback: { apps: { [AGENT]: { from: d("b"), to: d("a") } }, at: "t" } },
            { images: { [AGENT]: `r/a@${d("a")}`, [CHATWOOT]: `chatwoot/chatwoot@${d("c")}` } },
        ]);
    });
});

describe("rollback messages", () => {
    it("Slack gets the checklist's text with the digests", () => {
        const steps = planRollback(inputs(), { app: AGENT }).steps;
        assert.equal(slackText("prod", steps, "errors > 10%"),
            `Rollback complete. Investigating issue.\n• ${AGENT}: ${d("b")} → ${d("a")}\nStack prod; webhooks off (no new drafts). Reason: errors > 10%`);
    });

    it("prints the restore command for the pre-launch dump, never running it", () => {
        assert.deepEqual(restoreInstructions("backups/hotdash-20261130T040000Z.dump"), [
            "Database: not rolled back (never automatic). If the data needs it, restore the pre-launch dump:",
            `  pg_restore --clean --if-exists --no-owner --single-transaction --dbname "$DATABASE_URL" backups/hotdash-20261130T040000Z.dump`,
        ]);
        assert.match(restoreInstructions("")[0]!, /recorded no pre-launch dump/);
    });
});
