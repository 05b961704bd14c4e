/**
 * What only Pulumi's real engine does, and the launch depends on: an error thrown in an `apply` fails the update and
 * deletes nothing; the apps that already run in production are adopted and outlive `destroy` by Pulumi's own
 * `retainOnDelete`, not by what a provider recorded.
 */
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { useSandbox } from "../helpers/sandbox";
import { ROOT, stackHarness, writeSmallProject } from "../helpers/stack";

const AGENT = "hotdash-agent-service";
const LLAMA = "hotdash-llamaindex-mcp";
const CHATWOOT = "hotdash-chatwoot";
const MONITOR = "hotdash-monitor";

describe("Pulumi's engine semantics the launch relies on (real engine)", function () {
    this.timeout(300000);
    const sandbox = useSandbox();

    it("an error thrown in an apply fails the update and deletes nothing", async () => {
        // a two-resource program over the project's own Fly provider: the second app's name goes through an apply
        // that throws when told to
        const h = stackHarness(sandbox(), { "demo:fail": "no" });
        writeSmallProject(h.workDir, "demo", "index.ts", [
            `import * as pulumi from "@pulumi/pulumi";`,
            `import { FlyAppResource } from ${JSON.stringify(path.join(ROOT, "providers/fly/app"))};`,
            `const cfg = new pulumi.Config("demo");`,
            `const apiUrl = new pulumi.Config("hotdash").requireObject<{ apiUrl: string }>("fly").apiUrl;`,
            `new FlyAppResource("first", { apiUrl, name: "demo-first", org: "hotdash" });`,
            `const name = pulumi.output(cfg.require("fail")).apply((f) => { if (f === "yes") throw new Error("boom in apply"); return "demo-second"; });`,
            `new FlyAppResource("second", { apiUrl, name, org: "hotdash" });`,
        ].join("\n"));
        try {
            const first = await h.up();
            assert.deepEqual(first.errors, []);
            assert.deepEqual(Object.keys(sandbox().fly.apps).sort(), ["demo-first", "demo-second"]);

            h.config["demo:fail"] = "yes";
            const failed = await h.up();
            assert.equal(failed.ok, false);
            assert.ok(failed.errors.some((e) => e.includes("boom in apply")), failed.errors.join("\n"));
            assert.deepEqual(failed.events.filter((e) => e.op === "delete"), [], "the engine deleted something");
            assert.deepEqual(Object.keys(sandbox().fly.apps).sort(), ["demo-first", "demo-second"], "both apps are still there");
            const state = JSON.stringify(await h.exportState());
            assert.ok(state.includes("::second") && state.includes("::first"), "both are still in the checkpoint");
        } finally {
            h.dispose();
        }
    });

    it("adopts the apps that run in production, and destroy leaves them by Pulumi's retainOnDelete", async () => {
        const h = stackHarness(sandbox());
        const apps = structuredClone(h.config["hotdash:apps"]) as Record<string, Record<string, unknown>>;
        for (const key of ["agentService", "llamaindexMcp", "chatwoot"]) apps[key]!["runsInProduction"] = true;
        h.config["hotdash:apps"] = apps;
        const image = (key: string): string => String(apps[key]!["image"]);
        // production before the stack: LlamaIndex and Chatwoot deployed by hand; the agent service is new
        for (const app of [LLAMA, CHATWOOT]) sandbox().fly.seedApp(app);
        const seeded = [
            sandbox().fly.seedMachine(LLAMA, "app", { image: image("llamaindexMcp") }), sandbox().fly.seedMachine(LLAMA, "app", { image: image("llamaindexMcp") }),
            sandbox().fly.seedMachine(CHATWOOT, "web", { image: image("chatwoot") }), sandbox().fly.seedMachine(CHATWOOT, "worker", { image: image("chatwoot") }),
        ];
        const ids = [LLAMA, CHATWOOT].map((a) => sandbox().fly.apps[a]!.id);
        try {
            const up = await h.up();
            assert.deepEqual(up.errors, []);
            assert.deepEqual([LLAMA, CHATWOOT].map((a) => sandbox().fly.apps[a]!.id), ids, "the same apps");
            assert.deepEqual(sandbox().log.filter((r) => r.method === "POST" && r.path === "/v1/apps").length, 2, "only the agent service and the monitoring app are created");
            const created = sandbox().log.filter((r) => r.method === "POST" && /\/machines$/.test(r.path)).map((r) => r.path.split("/")[3]).sort();
            assert.deepEqual(created, [AGENT, AGENT, MONITOR, MONITOR, MONITOR], "no machine created for the adopted apps");
            for (const m of seeded) assert.equal(sandbox().fly.machines[m.id]!.state, "started");
            assert.ok(sandbox().fly.live(LLAMA).every((m) => Array.isArray(m.config["services"])), "adopted machines run the declared config");

            const agentMachines = sandbox().fly.live(AGENT).map((m) => m.id).sort();
            const destroyed = await h.destroy();
            assert.deepEqual(destroyed.errors, []);
            // the agent service was created by the stack, so its provider would delete it: only retainOnDelete keeps it
            assert.deepEqual(Object.keys(sandbox().fly.apps).sort(), [AGENT, CHATWOOT, LLAMA]);
            assert.deepEqual(sandbox().fly.live(AGENT).map((m) => m.id).sort(), agentMachines);
            assert.equal(sandbox().fly.live(LLAMA).length, 2);
            assert.equal(sandbox().fly.apps[CHATWOOT]!.volumes.filter((v) => v.state !== "destroyed").length, 1, "Chatwoot's storage volume stays");
            assert.equal(sandbox().fly.apps[MONITOR], undefined, "what the stack created without the option is gone");
            const state = (await h.exportState()) as { deployment: { resources?: unknown[] } };
            assert.deepEqual((state.deployment.resources ?? []).length, 0, "the stack let go of everything");
        } finally {
            h.dispose();
        }
    });
});
