import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { DUMP_FILE_PATTERN, dumpScript } from "../../../components/backup/dumpScript";
import { isSecretAt, isSecretInput, outputValue, useMocks } from "../../helpers/mocks";

const PASSWORD = "launch-day-password";
const URL = `postgresql://postgres:${PASSWORD}@db.abcdefghijklmnopqrst.supabase.co:5432/postgres`;
const DIGESTS = [
    "registry.fly.io/hotdash-agent-service@sha256:" + "a".repeat(64),
    "registry.fly.io/hotdash-llamaindex-mcp@sha256:" + "b".repeat(64),
];
const COMMAND = "command:local:Command";

describe("components/backup/preLaunchDump", () => {
    const mocks = useMocks({
        state: (args) => (args.type === COMMAND ? { stdout: "hotdash-20261128T000000Z.dump" } : undefined),
        config: { "hotdash:databaseUrl": URL },
        secretKeys: ["hotdash:databaseUrl"],
    });
    // imported only once the mocks and config are in place
    let mod: typeof import("../../../components/backup/preLaunchDump");
    before(() => {
        mod = require("../../../components/backup/preLaunchDump") as typeof mod;
    });

    const create = (name: string, args: Partial<import("../../../components/backup/preLaunchDump").PreLaunchDumpArgs> = {}) =>
        new mod.PreLaunchDump(name, { databaseUrl: new pulumi.Config("hotdash").requireSecret("databaseUrl"), ...args });

    it("runs the dump script as one child Command, URL secret in its environment, logging off", async () => {
        const dump = create("predump", { dumpDir: "ops/backups", triggers: DIGESTS });
        assert.equal(await outputValue(dump.dumpFile), "hotdash-20261128T000000Z.dump");
        const parent = await outputValue(dump.urn);
        assert.match(parent, /::hotdash:backup:PreLaunchDump::predump$/);

        const child = await mocks().waitFor(COMMAND, "predump-pg-dump");
        assert.equal(child.parent, parent);
        assert.equal(child.custom, true);
        assert.equal(child.inputs["create"], dumpScript({ dumpDir: "ops/backups" }));
        assert.equal(child.inputs["logging"], "none");
        assert.equal(child.inputs["addPreviousOutputInEnv"], false);
        assert.deepEqual(child.inputs["triggers"], DIGESTS);
        assert.deepEqual(child.additionalSecretOutputs, ["stderr"]);

        // the SDK seals the whole environment map because one value in it is secret
        assert.ok(isSecretInput(child.rawInputs["environment"]), "the URL reaches the engine as a secret");
        assert.ok(isSecretAt(child, "environment.HOTDASH_DATABASE_URL"));
        assert.deepEqual(child.inputs["environment"], { HOTDASH_DATABASE_URL: URL });
        for (const plain of ["create", "logging", "triggers"]) assert.ok(!isSecretAt(child, plain), `${plain} is not secret`);
        assert.deepEqual(Object.keys(child.inputs).sort(), ["addPreviousOutputInEnv", "create", "environment", "logging", "triggers"]);
    });

    it("puts the URL nowhere but the secret: not in the component's inputs, the script or any plain input", async () => {
        const dump = create("nowhere", { triggers: DIGESTS });
        await outputValue(dump.dumpFile);
        const component = mocks().find("hotdash:backup:PreLaunchDump", "nowhere");
        assert.equal(component.custom, false);
        assert.deepEqual(component.rawInputs, {});
        for (const r of mocks().registrations) {
            const plain = JSON.stringify(r.rawInputs, (_k, v: unknown) => (isSecretInput(v) ? "[secret]" : v));
            assert.ok(!plain.includes(PASSWORD) && !plain.includes("db.abcdefghijklmnopqrst"), `${r.type} ${r.name}: ${plain}`);
        }
    });

    it("treats a URL passed as a plain string as a secret all the same", async () => {
        const dump = new mod.PreLaunchDump("plain", { databaseUrl: URL });
        await outputValue(dump.dumpFile);
        const child = mocks().find(COMMAND, "plain-pg-dump");
        assert.ok(isSecretAt(child, "environment.HOTDASH_DATABASE_URL"));
        assert.deepEqual(child.inputs["environment"], { HOTDASH_DATABASE_URL: URL });
    });

    it("defaults to the backups directory and no triggers", async () => {
        const dump = create("defaults");
        await outputValue(dump.dumpFile);
        const child = mocks().find(COMMAND, "defaults-pg-dump");
        assert.equal(child.inputs["create"], dumpScript({ dumpDir: "backups" }));
        assert.deepEqual(child.inputs["triggers"], []);
    });

    it("exposes dumpFile as a plain output (a file name for the runbook), even though an input is secret", async () => {
        const dump = create("plainout", { triggers: DIGESTS });
        const file = await outputValue(dump.dumpFile);
        assert.match(file, DUMP_FILE_PATTERN);
        assert.equal(await pulumi.isSecret(dump.dumpFile), false);
    });
});
