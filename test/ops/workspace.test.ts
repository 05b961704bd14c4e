/** ops/workspace: the stack opened through the Automation API, and whether this call made it (real CLI). */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { projectElsewhere } from "../../ops/throwawayStack";
import { PulumiCommand, type Stack } from "@pulumi/pulumi/automation";
import { stackMissing } from "../../ops/fileBackend";
import { maskedOutputs, pulumiCommand, readStackCheckpoint, RUN_OPTIONS, selectStack, stackCli, type StackTarget, withoutSummaries } from "../../ops/workspace";
import { ROOT, STACK_PASSPHRASE, testPulumi, writeSmallProject } from "../helpers/stack";

describe("ops/workspace: the stack through the Automation API (real CLI)", function () {
    this.timeout(60_000);
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "hotdash-workspace-"));
        fs.mkdirSync(path.join(dir, "state"));
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), stringify(projectElsewhere(ROOT)));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("gives the Automation API the CLI it was given, as PulumiCommand.get would, without asking its version again", async () => {
        const located = await testPulumi();
        const got = await PulumiCommand.get({ root: path.dirname(path.dirname(located.pulumi)) });
        const made = pulumiCommand(located);
        assert.equal(made.command, got.command);
        assert.equal(made.version?.format(), got.version?.format());
    });

    it("creates a stack that is not there, and selects it the next time", async () => {
        const target: StackTarget = { workDir: dir, stack: "fresh", backendUrl: `file://${path.join(dir, "state")}`, passphrase: STACK_PASSPHRASE };
        assert.equal(stackMissing(target), true);
        assert.equal((await selectStack(target, await testPulumi())).name, "fresh");
        assert.equal(stackMissing(target), false, "the file backend shows the stack once it is there");
        assert.equal((await selectStack(target, await testPulumi())).name, "fresh");
    });

    it("passes on an error that is not a missing stack, rather than make one", async () => {
        const target: StackTarget = { workDir: dir, stack: "fresh", backendUrl: `file://${path.join(dir, "state")}`, passphrase: STACK_PASSPHRASE };
        await assert.rejects(selectStack({ ...target, stack: "no/such/org/stack/name" }, await testPulumi()), (e: Error) => e.name !== "StackNotFoundError");
    });

    it("reads stack outputs back without decrypting them: a secret one is \"[secret]\", after an up too", async () => {
        const project = path.join(dir, "outputs");
        writeSmallProject(project, "outputs", "index.js", `const pulumi = require("@pulumi/pulumi");\nexports.plain = "p";\nexports.token = pulumi.secret("tok-0123456789");\nexports.nested = { a: ["x", pulumi.secret("tok-nested-0123")], b: 2 };\n`);
        const target: StackTarget = { workDir: project, stack: "outputs", backendUrl: `file://${path.join(dir, "state")}`, passphrase: STACK_PASSPHRASE };
        const stack = await selectStack(target, await testPulumi());
        const up = await stack.up({ ...RUN_OPTIONS });
        const expected = { plain: { value: "p", secret: false }, token: { value: "[secret]", secret: true }, nested: { value: { a: ["x", "[secret]"], b: 2 }, secret: false } };
        assert.deepEqual(up.outputs, expected);
        assert.deepEqual(await stack.outputs(), expected);
        assert.ok(!JSON.stringify(up).includes("tok-"), "a secret came back in the up's result");
        // read from the checkpoint, the outputs are what `pulumi stack output --json` prints
        const pulumi = await testPulumi();
        assert.deepEqual(maskedOutputs(await readStackCheckpoint(target, pulumi)), JSON.parse(await stackCli(target, pulumi)(["stack", "output", "--json"])));
    });

    it("runs an up without reading its summary back, only where asked to", async () => {
        const target: StackTarget = { workDir: path.join(dir, "outputs"), stack: "summaries", backendUrl: `file://${path.join(dir, "state")}`, passphrase: STACK_PASSPHRASE };
        const commands = async (stack: Stack): Promise<string[]> => {
            const run: string[] = [];
            const cli = stack.workspace.pulumiCommand as unknown as { run(args: string[], ...rest: unknown[]): Promise<unknown> };
            const original = cli.run.bind(cli);
            cli.run = (args, ...rest) => {
                run.push(args[0] === "stack" ? `stack ${args[1]}` : args[0]!);
                return original(args, ...rest);
            };
            const up = await stack.up({ ...RUN_OPTIONS });
            run.push(`summary: ${up.summary?.result}`);
            return run;
        };
        const stack = await selectStack(target, await testPulumi());
        assert.deepEqual(await commands(stack), ["up", "stack history", "summary: succeeded"]);
        assert.deepEqual(await commands(withoutSummaries(stack)), ["up", "summary: undefined"]);
        assert.equal((await stack.history()).length, 2, "the history itself is still the CLI's");
    });

    it("reads a checkpoint through the CLI where the backend's layout cannot tell, the same as from the file", async () => {
        const target: StackTarget = { workDir: path.join(dir, "outputs"), stack: "outputs", backendUrl: `file://${path.join(dir, "state")}`, passphrase: STACK_PASSPHRASE };
        const throughCli: StackTarget = { ...target, backendUrl: undefined, env: { PULUMI_BACKEND_URL: target.backendUrl! } };
        const pulumi = await testPulumi();
        assert.deepEqual(await readStackCheckpoint(throughCli, pulumi), await readStackCheckpoint(target, pulumi));
    });
});
