/**
 * The Fly side of the whole stack (DESIGN.md level 5): the program under mocks, every dynamic resource rebuilt from
 * its serialized provider and run against the sandbox's Fly API, with state kept between runs.
 */
import { strict as assert } from "node:assert";
import { useSandbox } from "../helpers/sandbox";
import { stackHarness } from "../helpers/stack";
import type { FlyMachine } from "../../sandbox/fly";

const AGENT = "hotdash-agent-service";
const LLAMA = "hotdash-llamaindex-mcp";
const CHATWOOT = "hotdash-chatwoot";
const MONITOR = "hotdash-monitor";
const digest = (c: string): string => c.repeat(64);

describe("Fly apps through the whole stack", function () {
    this.timeout(60000);
    const sandbox = useSandbox({ timeScale: 0.01 });

    const group = (app: string, name: string): FlyMachine[] => sandbox().fly.live(app).filter((m) => (m.config["metadata"] as Record<string, string>)["fly_process_group"] === name);
    const images = (app: string): string[] => sandbox().fly.live(app).map((m) => String(m.config["image"]));
    const setImage = (h: ReturnType<typeof stackHarness>, app: "agentService" | "llamaindexMcp" | "chatwoot", image: string): void => {
        const apps = structuredClone(h.config["hotdash:apps"]) as Record<string, Record<string, unknown>>;
        apps[app]!["image"] = image;
        h.config["hotdash:apps"] = apps;
    };

    it("creates the three apps from nothing, as the checklist declares them", async () => {
        const h = stackHarness(sandbox());
        const run = await h.up();
        assert.deepEqual(run.errors, []);
        const fly = sandbox().fly;
        assert.deepEqual(Object.keys(fly.apps).sort(), [AGENT, CHATWOOT, LLAMA, MONITOR]);
        assert.equal(group(AGENT, "app").length, 2);
        assert.equal(group(LLAMA, "app").length, 2);
        assert.equal(group(CHATWOOT, "web").length, 1);
        assert.equal(group(CHATWOOT, "worker").length, 1);
        for (const m of sandbox().fly.live(AGENT)) {
            assert.equal(m.state, "started");
            assert.match(String(m.config["image"]), /@sha256:[0-9a-f]{64}$/);
            const [service] = m.config["services"] as { ports: { port: number; handlers: string[]; force_https?: boolean }[]; checks: { path: string }[] }[];
            assert.deepEqual(service!.ports, [{ port: 80, handlers: ["http"], force_https: true }, { port: 443, handlers: ["tls", "http"] }]);
            assert.equal(service!.checks[0]!.path, "/health");
            // the app's Fly secrets reach the machine: it booted with the secrets version the stack wrote
            assert.equal(m.secretsVersion, fly.apps[AGENT]!.secretsVersion);
            assert.ok(fly.machineEnv(m.id)["CHATWOOT_API_TOKEN"], "secret env reaches the machine");
        }
        const [worker] = group(CHATWOOT, "worker");
        assert.equal(worker!.config["services"], undefined);
        assert.deepEqual((worker!.config["init"] as { cmd: string[] }).cmd, ["bundle", "exec", "sidekiq", "-C", "config/sidekiq.yml"]);
        const [web] = group(CHATWOOT, "web");
        assert.deepEqual(web!.config["mounts"], [{ volume: fly.apps[CHATWOOT]!.volumes[0]!.id, path: "/app/storage" }]);
        assert.deepEqual(fly.apps[CHATWOOT]!.volumes.map((v) => [v.snapshotRetention, v.autoBackupEnabled]), [[14, true]]);
        for (const app of [AGENT, LLAMA, CHATWOOT]) assert.deepEqual(fly.apps[app]!.ips.map((i) => i.type).sort(), ["shared_v4", "v6"]);
        const outputs = run.outputs["images"] as Record<string, Record<string, { currentImage: string; previousImage: string; machineIds: string[] }>>;
        assert.equal(outputs[AGENT]!["app"]!.machineIds.length, 2);
        assert.equal(outputs[AGENT]!["app"]!.previousImage, "");
        assert.deepEqual(sandbox().fly.heldLeases(), []);
    });

    it("makes zero mutating calls when nothing changed", async () => {
        const h = stackHarness(sandbox());
        assert.deepEqual((await h.up()).errors, []);
        sandbox().log.length = 0;
        const again = await h.up();
        assert.deepEqual(again.errors, []);
        assert.deepEqual(sandbox().mutatingRequests(), []);
        assert.ok(again.events.every((e) => e.op === "same"), again.events.filter((e) => e.op !== "same").map((e) => `${e.op} ${e.name}`).join(", "));
    });

    it("rolls a new image through one app only, one machine at a time, each healthy before the next", async () => {
        const h = stackHarness(sandbox());
        assert.deepEqual((await h.up()).errors, []);
        const others = [...images(LLAMA), ...images(CHATWOOT)];
        const before = group(AGENT, "app").map((m) => m.instanceId);
        sandbox().log.length = 0;
        const next = `registry.fly.io/${AGENT}@sha256:${digest("b")}`;
        setImage(h, "agentService", next);
        const run = await h.up();
        assert.deepEqual(run.errors, []);
        assert.deepEqual(images(AGENT), [next, next]);
        assert.deepEqual([...images(LLAMA), ...images(CHATWOOT)], others);
        assert.ok(sandbox().mutatingRequests("fly").every((r) => r.path.startsWith(`/v1/apps/${AGENT}/`)), "only the agent service's machines were touched");
        // each machine: updated, then passing its checks, before the next one was updated
        const machines = group(AGENT, "app");
        assert.notDeepEqual(machines.map((m) => m.instanceId), before);
        const at = (m: FlyMachine, type: string): number => Math.max(...m.events.filter((e) => e.type === type).map((e) => e.timestamp));
        const [first, second] = [...machines].sort((a, b) => at(a, "update") - at(b, "update"));
        assert.ok(at(second!, "update") >= at(first!, "health"), "the second machine was updated only after the first passed its checks");
        const outputs = run.outputs["images"] as Record<string, Record<string, { currentImage: string; previousImage: string }>>;
        assert.equal(outputs[AGENT]!["app"]!.currentImage, `sha256:${digest("b")}`);
        assert.match(outputs[AGENT]!["app"]!.previousImage, /^sha256:6cda3465/);
        assert.deepEqual(sandbox().fly.heldLeases(), []);
    });

    it("stops a bad image at the first machine, puts it back, and redeploying the previous digest restores all", async () => {
        const h = stackHarness(sandbox());
        assert.deepEqual((await h.up()).errors, []);
        const good = images(AGENT)[0]!;
        const bad = `registry.fly.io/${AGENT}@sha256:${digest("d")}`;
        sandbox().fly.images[bad] = "unhealthy";
        setImage(h, "agentService", bad);
        const run = await h.up();
        assert.equal(run.ok, false);
        const machines = group(AGENT, "app");
        const tried = machines.find((m) => m.events.some((e) => e.type === "update"));
        assert.ok(tried, "one machine was tried");
        assert.equal(run.errors.length, 1);
        assert.match(run.errors[0]!, new RegExp(`machine ${tried!.id} \\(app\\) failed on sha256:d{64}: check "servicecheck-00-http-0" is critical: GET /health: 500 Internal Server Error`));
        assert.match(run.errors[0]!, /It is back on sha256:6cda3465[0-9a-f]+; the group's other machines were not touched\.$/);
        assert.deepEqual(images(AGENT), [good, good], "the tried machine is back on the good image; the other never changed");
        assert.equal(machines.filter((m) => m.events.some((e) => e.type === "update")).length, 1);
        assert.ok(machines.every((m) => m.state === "started"));
        assert.deepEqual(sandbox().fly.heldLeases(), []);

        setImage(h, "agentService", good);
        const restored = await h.up();
        assert.deepEqual(restored.errors, []);
        assert.deepEqual(images(AGENT), [good, good]);
        assert.ok(group(AGENT, "app").every((m) => m.state === "started" && m.checks.every((c) => c.status === "passing")));
    });

    it("adopts the apps and machines that already run: nothing recreated, nothing duplicated", async () => {
        const fly = sandbox().fly;
        const h = stackHarness(sandbox());
        // production before the stack: apps deployed by hand, with their machines
        for (const app of [AGENT, LLAMA, CHATWOOT]) fly.seedApp(app);
        const image = (app: string): string => String(((h.config["hotdash:apps"] as Record<string, { image: string }>)[app === AGENT ? "agentService" : app === LLAMA ? "llamaindexMcp" : "chatwoot"]!).image);
        const seeded = [
            fly.seedMachine(AGENT, "app", { image: image(AGENT) }), fly.seedMachine(AGENT, "app", { image: image(AGENT) }),
            fly.seedMachine(LLAMA, "app", { image: image(LLAMA) }), fly.seedMachine(LLAMA, "app", { image: image(LLAMA) }),
            fly.seedMachine(CHATWOOT, "web", { image: image(CHATWOOT) }), fly.seedMachine(CHATWOOT, "worker", { image: image(CHATWOOT) }),
        ];
        const appIds = [AGENT, LLAMA, CHATWOOT].map((a) => fly.apps[a]!.id);
        const run = await h.up();
        assert.deepEqual(run.errors, []);
        assert.deepEqual([AGENT, LLAMA, CHATWOOT].map((a) => fly.apps[a]!.id), appIds, "the same apps");
        // only the monitoring app, new at launch, is created
        assert.equal(sandbox().log.filter((r) => r.method === "POST" && r.path === "/v1/apps").length, 1, "one app created");
        assert.deepEqual(Object.keys(fly.apps).sort(), [AGENT, CHATWOOT, LLAMA, MONITOR]);
        assert.deepEqual(sandbox().log.filter((r) => r.method === "POST" && /\/machines$/.test(r.path)).map((r) => r.path.split("/")[3]),
            [MONITOR, MONITOR, MONITOR], "no machine created but the monitoring app's three");
        assert.deepEqual(Object.values(fly.machines).filter((m) => m.state !== "destroyed" && m.app !== MONITOR).map((m) => m.id).sort(), seeded.map((m) => m.id).sort());
        // adopted machines now run the declared config (checks, services, secrets)
        assert.ok(group(AGENT, "app").every((m) => Array.isArray(m.config["services"])));
    });

    it("sees drift on refresh and puts it right", async () => {
        const h = stackHarness(sandbox());
        assert.deepEqual((await h.up()).errors, []);
        const [m] = group(LLAMA, "app");
        m!.config = { ...m!.config, env: { ...(m!.config["env"] as object), DEBUG: "1" } }; // edited by hand
        sandbox().fly.apps[CHATWOOT]!.volumes[0]!.snapshotRetention = 3;
        const run = await h.up({ refresh: true });
        assert.deepEqual(run.errors, []);
        const updated = run.events.filter((e) => e.op === "update").map((e) => e.name).sort();
        assert.deepEqual(updated, [`${CHATWOOT}-volume`, `${LLAMA}-machines-app`]);
        assert.equal((group(LLAMA, "app")[0]!.config["env"] as Record<string, string>)["DEBUG"], undefined);
        assert.equal(sandbox().fly.apps[CHATWOOT]!.volumes[0]!.snapshotRetention, 14);
    });
});
