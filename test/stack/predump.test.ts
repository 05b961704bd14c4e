/**
 * The pre-launch backup through the whole stack, against a real PostgreSQL the test starts: the dump is taken before
 * any app deploys, again when an image changes, not otherwise; its file name is an output; the URL stays secret.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { usePostgres } from "../helpers/postgres";
import { useSandbox } from "../helpers/sandbox";
import { stackHarness } from "../helpers/stack";

const PASSWORD = "pre-launch-canary-password";

describe("the pre-launch dump through the whole stack (real engine)", function () {
    this.timeout(300000);
    const sandbox = useSandbox({ timeScale: 0.01 });
    const pg = usePostgres();
    let dumpDir: string;
    let savedPath: string | undefined;

    before(async () => {
        await pg().sql(`CREATE ROLE launch LOGIN PASSWORD '${PASSWORD}'; CREATE DATABASE launch OWNER launch;`);
        await pg().sql("SET ROLE launch; CREATE TABLE agent_approvals (id serial PRIMARY KEY, status text NOT NULL); INSERT INTO agent_approvals (status) SELECT 'pending' FROM generate_series(1, 25);", "launch");
        dumpDir = fs.mkdtempSync(path.join(os.tmpdir(), "hotdash-predump-"));
        savedPath = process.env["PATH"];
        process.env["PATH"] = [pg().binDir, savedPath].join(path.delimiter); // the operator's pg_dump
    });
    after(() => {
        process.env["PATH"] = savedPath;
        fs.rmSync(dumpDir, { recursive: true, force: true });
    });

    it("dumps before the apps deploy, again for a new image, never the URL", async () => {
        const h = stackHarness(sandbox(), {
            "hotdash:backups": { preLaunchDump: true, dumpDir },
            "hotdash:databaseUrl": `postgresql://launch:${PASSWORD}@127.0.0.1:${pg().port}/launch?sslmode=disable`,
        });
        const first = await h.up();
        assert.deepEqual(first.errors, []);
        const dumpFile = (first.outputs["backups"] as { preLaunchDump: string }).preLaunchDump;
        assert.match(dumpFile, /^hotdash-\d{8}T\d{6}Z\.dump$/);
        assert.deepEqual(fs.readdirSync(dumpDir), [dumpFile]);
        const dumpedAt = fs.statSync(path.join(dumpDir, dumpFile)).mtimeMs;
        const firstMachine = Math.min(...Object.values(sandbox().fly.machines).map((m) => Date.parse(m.createdAt)));
        assert.ok(dumpedAt <= firstMachine + 1, "the dump finished before the first machine was created");
        const ran = first.events.findIndex((e) => e.name === "hotdash-pre-launch-backup-pg-dump");
        const deployed = first.events.findIndex((e) => e.type.endsWith("FlyMachineGroup"));
        assert.ok(ran >= 0 && ran < deployed, "the dump completed before any machine group");

        assert.deepEqual((await h.up()).errors, []);
        assert.equal(fs.readdirSync(dumpDir).length, 1, "nothing changed: no new dump");

        const apps = structuredClone(h.config["hotdash:apps"]) as Record<string, Record<string, unknown>>;
        apps["llamaindexMcp"]!["image"] = `registry.fly.io/hotdash-llamaindex-mcp@sha256:${"f".repeat(64)}`;
        h.config["hotdash:apps"] = apps;
        const third = await h.up();
        assert.deepEqual(third.errors, []);
        assert.equal(fs.readdirSync(dumpDir).length, 2, "a new image: a new dump first");

        const produced = { firstOutputs: JSON.stringify(first.outputs), firstText: first.text, thirdOutputs: JSON.stringify(third.outputs), thirdText: third.text, events: JSON.stringify(third.events), checkpoint: JSON.stringify(await h.exportState()) };
        for (const [what, text] of Object.entries(produced)) assert.ok(!text.includes(PASSWORD), `the database password leaked into ${what}: ${text.slice(Math.max(0, text.indexOf(PASSWORD) - 300), text.indexOf(PASSWORD) + 50)}`);
        h.dispose();
    });
});
