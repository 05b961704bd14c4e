/** `hotdash:fly:App` wiring under mocks: every child, its name, parent and inputs. */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { dynamicType } from "../../../providers/dynamic";
import type { MachineConfig } from "../../../providers/fly/machineConfig";
import { isSecretAt, outputValue, useMocks } from "../../helpers/mocks";

const IMAGE = `chatwoot/chatwoot:v4.15.1@sha256:${"c".repeat(64)}`;
const T = {
    app: dynamicType("FlyApp"), ips: dynamicType("FlyIps"), secrets: dynamicType("FlySecrets"),
    volumes: dynamicType("FlyVolumes"), cert: dynamicType("FlyCertificate"), group: dynamicType("FlyMachineGroup"),
};

describe("components/fly/app", () => {
    const mocks = useMocks({
        state: (args) => {
            if (args.type === T.app) return { hostname: `${args.inputs.name}.fly.dev`, appId: "app123", adopted: false };
            if (args.type === T.secrets) return { version: 7, digests: {} };
            if (args.type === T.volumes) return { ids: ["vol_1", "vol_2"] };
            if (args.type === T.group) return { currentImage: `sha256:${"c".repeat(64)}`, previousImage: "", machineIds: ["m1"] };
            return undefined;
        },
    });
    let FlyApp: typeof import("../../../components/fly/app").FlyApp;
    before(() => {
        ({ FlyApp } = require("../../../components/fly/app") as typeof import("../../../components/fly/app"));
    });

    function chatwoot(extra: Partial<ConstructorParameters<typeof FlyApp>[1]> = {}): InstanceType<typeof FlyApp> {
        return new FlyApp("hotdash-chatwoot", {
            apiUrl: "https://api.machines.dev/v1", org: "hotdash", region: "iad", image: IMAGE,
            processes: { web: { machines: 2, public: true, cmd: ["rails", "s"] }, worker: { machines: 1, public: false, cmd: ["sidekiq"] } },
            internalPort: 3000,
            env: { RAILS_ENV: "production", FRONTEND_URL: "https://hotdash-chatwoot.fly.dev" },
            secrets: { SECRET_KEY_BASE: pulumi.secret("canary-secret-key-base"), REDIS_URL: "redis://canary" },
            volume: { group: "web", name: "chatwoot_storage", path: "/app/storage", snapshotRetentionDays: 14 },
            hostname: "support.hotdash.example",
            ...extra,
        });
    }

    it("names every child ${name}-<role> and parents it to the component", async () => {
        const app = chatwoot();
        const urn = await outputValue(app.urn);
        assert.equal(await outputValue(app.hostname), "hotdash-chatwoot.fly.dev");
        const children = [
            [T.app, "hotdash-chatwoot-app"], [T.ips, "hotdash-chatwoot-ips"], [T.secrets, "hotdash-chatwoot-secrets"],
            [T.volumes, "hotdash-chatwoot-volume"], [T.cert, "hotdash-chatwoot-cert"],
            [T.group, "hotdash-chatwoot-machines-web"], [T.group, "hotdash-chatwoot-machines-worker"],
        ] as const;
        for (const [type, name] of children) assert.equal((await mocks().waitFor(type, name)).parent, urn, `${name} parent`);
        assert.equal(mocks().registrations.filter((r) => r.custom).length, children.length);
        assert.deepEqual(await outputValue(app.groups), {
            web: { currentImage: `sha256:${"c".repeat(64)}`, previousImage: "", machineIds: ["m1"] },
            worker: { currentImage: `sha256:${"c".repeat(64)}`, previousImage: "", machineIds: ["m1"] },
        });
    });

    it("gives public groups 80 forced to HTTPS, 443 with TLS and an HTTP health check; workers no service", async () => {
        chatwoot();
        const web = (await mocks().waitFor(T.group, "hotdash-chatwoot-machines-web")).inputs;
        const config = web["config"] as MachineConfig;
        assert.equal(config.image, IMAGE);
        assert.match(config.image, /@sha256:[0-9a-f]{64}$/);
        assert.deepEqual(config.services?.map((s) => s.ports), [[{ port: 80, handlers: ["http"], force_https: true }, { port: 443, handlers: ["tls", "http"] }]]);
        for (const service of config.services ?? []) {
            assert.deepEqual(service.checks?.map((c) => [c.type, c.method, c.path, c.port]), [["http", "GET", "/health", 3000]]);
        }
        assert.deepEqual(config.init?.cmd, ["rails", "s"]);
        assert.deepEqual(config.env, {
            RAILS_ENV: "production", FRONTEND_URL: "https://hotdash-chatwoot.fly.dev", FLY_PROCESS_GROUP: "web", PRIMARY_REGION: "iad",
        });
        assert.equal(web["count"], 2);
        assert.equal(web["secretsVersion"], 7, "machines run with the secrets version the secrets resource returned");
        assert.deepEqual(web["volumeIds"], ["vol_1", "vol_2"]);
        assert.equal(web["mountPath"], "/app/storage");

        const worker = (await mocks().waitFor(T.group, "hotdash-chatwoot-machines-worker")).inputs;
        assert.equal((worker["config"] as MachineConfig).services, undefined);
        assert.equal(worker["volumeIds"], undefined);
    });

    it("keeps secrets secret and out of the machines' plain config", async () => {
        chatwoot();
        const secrets = await mocks().waitFor(T.secrets, "hotdash-chatwoot-secrets");
        assert.ok(isSecretAt(secrets, "values"));
        assert.deepEqual(secrets.additionalSecretOutputs, ["values", "digests"]);
        assert.deepEqual(secrets.inputs["values"], { SECRET_KEY_BASE: "canary-secret-key-base", REDIS_URL: "redis://canary" });
        for (const r of mocks().registrations.filter((x) => x.type === T.group)) {
            assert.ok(!JSON.stringify(r.inputs).includes("canary"), `${r.name} carries a secret in plain config`);
        }
    });

    it("keeps the volume's snapshots and backups, and asks for the custom hostname's certificate", async () => {
        chatwoot();
        const volume = (await mocks().waitFor(T.volumes, "hotdash-chatwoot-volume")).inputs;
        assert.deepEqual([volume["count"], volume["snapshotRetention"], volume["autoBackupEnabled"], volume["region"]], [2, 14, true, "iad"]);
        assert.equal((await mocks().waitFor(T.cert, "hotdash-chatwoot-cert")).inputs["hostname"], "support.hotdash.example");
        assert.deepEqual((await mocks().waitFor(T.ips, "hotdash-chatwoot-ips")).inputs["types"], ["shared_v4", "v6"]);
    });

    it("declares no IPs, secrets, volume or certificate where an app needs none", async () => {
        new FlyApp("hotdash-monitor-test", {
            apiUrl: "https://api.machines.dev/v1", org: "hotdash", region: "iad", image: IMAGE,
            processes: { worker: { machines: 1, public: false } }, internalPort: 8080,
        });
        await mocks().waitFor(T.group, "hotdash-monitor-test-machines-worker");
        assert.deepEqual(mocks().registrations.filter((r) => r.custom).map((r) => r.name).sort(), ["hotdash-monitor-test-app", "hotdash-monitor-test-machines-worker"]);
    });

    it("holds only the machines back for what they deploy after (the pre-launch dump); the app, IPs, secrets and volume go ahead", async () => {
        class Dump extends pulumi.CustomResource {}
        const dump = new Dump("test:index:Dump", "pre-launch-dump", {});
        const dumpUrn: string = await outputValue(dump.urn);
        chatwoot({ deployAfter: [dump] });
        for (const group of ["web", "worker"]) {
            assert.ok((await mocks().waitFor(T.group, `hotdash-chatwoot-machines-${group}`)).dependencies.includes(dumpUrn), `${group} machines wait for the dump`);
        }
        for (const [type, name] of [[T.app, "app"], [T.ips, "ips"], [T.secrets, "secrets"], [T.volumes, "volume"], [T.cert, "cert"]] as const) {
            assert.ok(!(await mocks().waitFor(type, `hotdash-chatwoot-${name}`)).dependencies.includes(dumpUrn), `${name} does not wait for the dump`);
        }
    });
});
