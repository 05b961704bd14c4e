/** Config comparison: what Fly echoes back must not look like a change, and a real change must. */
import { strict as assert } from "node:assert";
import { configDigest, imageDigest, type MachineConfig, sameConfig } from "../../../providers/fly/machineConfig";
import { groupMachineConfig } from "../../../components/fly/machineSpec";

const declared: MachineConfig = groupMachineConfig({
    image: `registry.fly.io/hotdash-agent-service@sha256:${"a".repeat(64)}`, region: "iad", group: "app",
    spec: { machines: 2, public: true }, env: { SUPABASE_URL: "https://x.supabase.co" }, internalPort: 8080, healthPath: "/health",
    guest: { cpuKind: "shared", cpus: 1, memoryMb: 512 },
});

describe("providers/fly/machineConfig", () => {
    it("sees no change in Fly's echo: autostop as a boolean, empty lists dropped, keys reordered, platform metadata", () => {
        const echoed = JSON.parse(JSON.stringify({
            ...declared,
            services: declared.services!.map((s) => ({ ...s, autostop: false, autostart: true })),
            metadata: { fly_platform_version: "v2", fly_release_id: "rel_1", fly_flyctl_version: "0.3", hotdash_launch_id: "abc" },
            mounts: [],
            files: [],
        })) as MachineConfig;
        const reordered = Object.fromEntries(Object.entries(echoed).reverse()) as unknown as MachineConfig;
        assert.ok(sameConfig(declared, reordered));
        assert.equal(configDigest(declared), configDigest(reordered));
    });

    it("sees a changed image, env value, check path or metadata key", () => {
        assert.ok(!sameConfig(declared, { ...declared, image: `registry.fly.io/x@sha256:${"b".repeat(64)}` }));
        assert.ok(!sameConfig(declared, { ...declared, env: { ...declared.env, SUPABASE_URL: "https://y.supabase.co" } }));
        const path = declared.services!.map((s) => ({ ...s, checks: s.checks!.map((c) => ({ ...c, path: "/ready" })) }));
        assert.ok(!sameConfig(declared, { ...declared, services: path }));
        assert.ok(!sameConfig(declared, { ...declared, metadata: { team: "support" } }));
        assert.ok(!sameConfig(declared, { ...declared, services: declared.services!.map((s) => ({ ...s, autostop: "suspend" as const })) }));
    });

    it("reads the digest of a pinned image", () => {
        assert.equal(imageDigest(`chatwoot/chatwoot:v4@sha256:${"c".repeat(64)}`), `sha256:${"c".repeat(64)}`);
        assert.equal(imageDigest("chatwoot/chatwoot:v4"), "chatwoot/chatwoot:v4");
    });
});
