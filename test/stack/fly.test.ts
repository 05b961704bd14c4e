/**
 * The Fly side of the whole stack on Pulumi's real engine (DESIGN.md level 5), one stack's life in order: first up,
 * an up with nothing to do, a new image rolled one machine at a time, a bad image stopped and put back, drift seen by
 * refresh and put right. Each step starts from the state the one before left, as on launch day.
 */
import { strict as assert } from "node:assert";
import type { FlyMachine } from "../../sandbox/fly";
import { useSharedSandbox } from "../helpers/sandbox";
import { useStack } from "../helpers/stack";

const AGENT = "hotdash-agent-service";
const LLAMA = "hotdash-llamaindex-mcp";
const CHATWOOT = "hotdash-chatwoot";
const MONITOR = "hotdash-monitor";
const digest = (c: string): string => c.repeat(64);

describe("Fly apps through the whole stack (real engine)", function () {
    this.timeout(300000);
    const sandbox = useSharedSandbox();
    const stack = useStack(sandbox);

    const group = (app: string, name: string): FlyMachine[] => sandbox().fly.live(app).filter((m) => (m.config["metadata"] as Record<string, string>)["fly_process_group"] === name);
    const images = (app: string): string[] => sandbox().fly.live(app).map((m) => String(m.config["image"]));
    const setImage = (app: "agentService" | "llamaindexMcp" | "chatwoot", image: string): void => {
        const apps = structuredClone(stack().config["hotdash:apps"]) as Record<string, Record<string, unknown>>;
        apps[app]!["image"] = image;
        stack().config["hotdash:apps"] = apps;
    };

    it("creates the three apps and the monitoring app from nothing, as the checklist declares them", async () => {
        const run = await stack().up();
        assert.deepEqual(run.errors, []);
        const fly = sandbox().fly;
        assert.deepEqual(Object.keys(fly.apps).sort(), [AGENT, CHATWOOT, LLAMA, MONITOR]);
        assert.equal(group(AGENT, "app").length, 2);
        assert.equal(group(LLAMA, "app").length, 2);
        assert.equal(group(CHATWOOT, "web").length, 1);
        assert.equal(group(CHATWOOT, "worker").length, 1);
        for (const m of fly.live(AGENT)) {
            assert.equal(m.state, "started");
            assert.match(String(m.config["image"]), /@sha256:[0-9a-f]{64}$/);
            const [service] = m.config["services"] as { ports: { port: number; handlers: string[]; force_https?: boolean }[]; checks: { path: string }[] }[];
            assert.deepEqual(service!.ports, [{ port: 80, handlers: ["http"], force_https: true }, { port: 443, handlers: ["tls", "http"] }]);
            assert.equal(service!.checks[0]!.path, "/health");
            assert.equal(m.secretsVersion, fly.apps[AGENT]!.secretsVersion, "the machine booted with the secrets version the stack wrote");
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
        assert.deepEqual(fly.heldLeases(), []);
    });

    it("makes zero mutating calls and changes nothing when nothing changed", async () => {
        sandbox().log.length = 0;
        const again = await stack().up();
        assert.deepEqual(again.errors, []);
        assert.deepEqual(sandbox().mutatingRequests(), []);
        assert.ok(again.events.length > 30 && again.events.every((e) => e.op === "same"), again.events.filter((e) => e.op !== "same").map((e) => `${e.op} ${e.name}`).join(", "));
    });

    it("rolls a new image through one app only, one machine at a time, each healthy before the next", async () => {
        const others = [...images(LLAMA), ...images(CHATWOOT)];
        const before = group(AGENT, "app").map((m) => m.instanceId);
        sandbox().log.length = 0;
        const next = `registry.fly.io/${AGENT}@sha256:${digest("b")}`;
        setImage("agentService", next);
        const run = await stack().up();
        assert.deepEqual(run.errors, []);
        assert.deepEqual(images(AGENT), [next, next]);
        assert.deepEqual([...images(LLAMA), ...images(CHATWOOT)], others);
        assert.ok(sandbox().mutatingRequests("fly").every((r) => r.path.startsWith(`/v1/apps/${AGENT}/`)), "only the agent service's machines were touched");
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
        const good = images(AGENT)[0]!;
        const bad = `registry.fly.io/${AGENT}@sha256:${digest("d")}`;
        sandbox().fly.images[bad] = "unhealthy";
        setImage("agentService", bad);
        const run = await stack().up();
        assert.equal(run.ok, false);
        const machines = group(AGENT, "app");
        const tried = machines.filter((m) => m.events.some((e) => e.type === "update" && e.timestamp >= Date.now() - 60000 && String(m.config["image"]) === good));
        assert.ok(tried.length >= 1, "a machine was tried");
        const failure = run.errors.find((e) => e.includes("failed on sha256:dddd"));
        assert.ok(failure, run.errors.join("\n"));
        assert.match(failure, /check "servicecheck-00-http-0" is critical: GET \/health: 500 Internal Server Error/);
        assert.match(failure, /It is back on sha256:b{64}; the group's other machines were not touched\./);
        assert.deepEqual(images(AGENT), [good, good], "the tried machine is back on the good image; the other never changed");
        assert.ok(machines.every((m) => m.state === "started"));
        assert.deepEqual(sandbox().fly.heldLeases(), []);

        setImage("agentService", good);
        const restored = await stack().up();
        assert.deepEqual(restored.errors, []);
        assert.deepEqual(images(AGENT), [good, good]);
        assert.ok(group(AGENT, "app").every((m) => m.state === "started" && m.checks.every((c) => c.status === "passing")));
    });

    it("sees drift on refresh and puts it right", async () => {
        const [m] = group(LLAMA, "app");
        m!.config = { ...m!.config, env: { ...(m!.config["env"] as object), DEBUG: "1" } }; // edited by hand
        sandbox().fly.apps[CHATWOOT]!.volumes[0]!.snapshotRetention = 3;
        const run = await stack().up({ refresh: true });
        assert.deepEqual(run.errors, []);
        const updated = run.events.filter((e) => e.op === "update").map((e) => e.name).sort();
        assert.deepEqual(updated, [`${CHATWOOT}-volume`, `${LLAMA}-machines-app`]);
        assert.equal((group(LLAMA, "app")[0]!.config["env"] as Record<string, string>)["DEBUG"], undefined);
        assert.equal(sandbox().fly.apps[CHATWOOT]!.volumes[0]!.snapshotRetention, 14);
    });

    it("destroys what it made, dependents first", async () => {
        const run = await stack().destroy();
        assert.deepEqual(run.errors, []);
        assert.deepEqual(Object.values(sandbox().fly.machines).filter((x) => x.state !== "destroyed"), []);
        assert.deepEqual(Object.keys(sandbox().fly.apps), []);
        // Pulumi deletes in reverse dependency order: every machine group before its app, the volume after its machines
        const order = run.events.filter((e) => e.op === "delete").map((e) => e.name);
        for (const app of [AGENT, LLAMA, CHATWOOT, MONITOR]) {
            const appAt = order.indexOf(`${app}-app`);
            assert.ok(appAt >= 0, `${app}-app deleted`);
            for (const [i, name] of order.entries()) if (name.startsWith(`${app}-machines-`)) assert.ok(i < appAt, `${name} deleted before ${app}-app`);
        }
        assert.ok(order.indexOf(`${CHATWOOT}-machines-web`) < order.indexOf(`${CHATWOOT}-volume`));
    });
});
