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
const COMMAND = "pulumi-nodejs:dynamic/hotdash:PgDump";

describe("components/backup/preLaunchDump", () => {
    const mocks = useMocks({
        state: (args) => (args.type === COMMAND ? { dumpFile: "hotdash-20261128T000000Z.dump" } : undefined),
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

    it("starts relative dump directories in the project's directory as Pulumi reports it, else the working one", () => {
        assert.equal(mod.projectDirectory("/srv/hotdash"), "/srv/hotdash");
        assert.equal(mod.projectDirectory("rootDirectory"), process.cwd(), "the placeholder Pulumi reports outside a run");
    });

    it("runs the dump script as one child PgDump, the URL a secret input in the script's variable only", async () => {
        const dump = create("predump", { dumpDir: "ops/backups", triggers: DIGESTS });
        assert.equal(await outputValue(dump.dumpFile), "hotdash-20261128T000000Z.dump");
        const parent = await outputValue(dump.urn);
        assert.match(parent, /::hotdash:backup:PreLaunchDump::predump$/);

        const child = await mocks().waitFor(COMMAND, "predump-pg-dump");
        assert.equal(child.parent, parent);
        assert.equal(child.custom, true);
        assert.equal(child.inputs["script"], dumpScript({ dumpDir: "ops/backups" }));
        assert.equal(child.inputs["urlVariable"], "HOTDASH_DATABASE_URL");
        assert.equal(child.inputs["cwd"], process.cwd());
        assert.deepEqual(child.inputs["triggers"], DIGESTS);

        assert.ok(isSecretInput(child.rawInputs["databaseUrl"]), "the URL reaches the engine as a secret");
        assert.equal(child.inputs["databaseUrl"], URL);
        for (const plain of ["script", "cwd", "urlVariable", "triggers"]) assert.ok(!isSecretAt(child, plain), `${plain} is not secret`);
        assert.deepEqual(Object.keys(child.inputs).filter((k) => k !== "__provider").sort(), ["cwd", "databaseUrl", "script", "triggers", "urlVariable"]);
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
        assert.ok(isSecretInput(child.rawInputs["databaseUrl"]));
        assert.equal(child.inputs["databaseUrl"], URL);
    });

    it("defaults to the backups directory and no triggers", async () => {
        const dump = create("defaults");
        await outputValue(dump.dumpFile);
        const child = mocks().find(COMMAND, "defaults-pg-dump");
        assert.equal(child.inputs["script"], dumpScript({ dumpDir: "backups" }));
        assert.deepEqual(child.inputs["triggers"], []);
    });

    it("exposes dumpFile as a plain output (a file name for the runbook), even though an input is secret", async () => {
        const dump = create("plainout", { triggers: DIGESTS });
        const file = await outputValue(dump.dumpFile);
        assert.match(file, DUMP_FILE_PATTERN);
        assert.equal(await pulumi.isSecret(dump.dumpFile), false);
    });
});
