/** ops/fileBackend: what launch reads of a file backend without the CLI, each held against the CLI's own answer. */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import { readCheckpoint, staleLocks, stackMissing, type BackendStack } from "../../ops/fileBackend";
import { RUN_OPTIONS, selectStack, stackCli, type StackTarget } from "../../ops/workspace";
import { STACK_PASSPHRASE, testPulumi, writeSmallProject } from "../helpers/stack";

describe("ops/fileBackend: a file backend read without the CLI", function () {
    this.timeout(60_000);
    let dir: string;
    beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), "hotdash-filebackend-")); });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("reads a stack's checkpoint as `pulumi stack export` prints it, gzipped too; cannot tell for another backend", async () => {
        writeSmallProject(dir, "exported", "index.js", `const pulumi = require("@pulumi/pulumi");\nexports.plain = "p";\nexports.token = pulumi.secret("tok-0123456789");\n`);
        const target: StackTarget = { workDir: dir, stack: "dev", backendUrl: `file://${path.join(dir, "state")}`, passphrase: STACK_PASSPHRASE };
        fs.mkdirSync(path.join(dir, "state"));
        assert.equal(stackMissing(target), true);
        const pulumi = await testPulumi();
        const stack = await selectStack(target, pulumi);
        assert.equal(stackMissing(target), false);
        await stack.up({ ...RUN_OPTIONS });

        const exported = JSON.parse(await stackCli(target, pulumi)(["stack", "export"])) as unknown;
        assert.deepEqual(readCheckpoint(target), exported);
        assert.ok(!JSON.stringify(readCheckpoint(target)).includes("tok-0123456789"), "the secret stays encrypted");

        const file = path.join(dir, "state", ".pulumi", "stacks", "exported", "dev.json");
        fs.writeFileSync(`${file}.gz`, gzipSync(fs.readFileSync(file)));
        fs.rmSync(file);
        assert.deepEqual(readCheckpoint(target), exported, "gzipped, as PULUMI_SELF_MANAGED_STATE_GZIP stores it");

        assert.equal(readCheckpoint({ ...target, backendUrl: undefined }), undefined);
        assert.equal(stackMissing({ ...target, backendUrl: "https://api.pulumi.com" }), false, "another backend: cannot tell");
    });

    it("finds a lock whose process is gone, and not one that is alive or another machine's", () => {
        const locks = path.join(dir, ".pulumi", "locks", "organization", "hotdash-launch", "sandbox");
        fs.mkdirSync(locks, { recursive: true });
        fs.writeFileSync(path.join(locks, "alive.json"), JSON.stringify({ pid: process.pid, hostname: os.hostname() }));
        const target: BackendStack = { workDir: dir, stack: "sandbox", backendUrl: `file://${dir}` };
        assert.deepEqual(staleLocks(target), []);
        fs.writeFileSync(path.join(locks, "dead.json"), JSON.stringify({ pid: 2 ** 22 + 12345, hostname: os.hostname() }));
        fs.writeFileSync(path.join(locks, "elsewhere.json"), JSON.stringify({ pid: 2 ** 22 + 12345, hostname: "another-host" }));
        assert.deepEqual(staleLocks(target).map((p) => path.basename(p)), ["dead.json"]);
        assert.deepEqual(staleLocks({ ...target, backendUrl: "https://api.pulumi.com" }), []);
    });
});
