/** ops/workspace: the stack opened through the Automation API, and whether this call made it (real CLI). */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { projectElsewhere } from "../../ops/throwawayStack";
import { openStack, type StackTarget } from "../../ops/workspace";
import { ROOT, STACK_PASSPHRASE, testPulumi } from "../helpers/stack";

describe("ops/workspace: openStack (real CLI)", function () {
    this.timeout(60_000);
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "hotdash-workspace-"));
        fs.mkdirSync(path.join(dir, "state"));
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), stringify(projectElsewhere(ROOT)));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("creates a stack that is not there and says so; selects it the next time", async () => {
        const target: StackTarget = { workDir: dir, stack: "fresh", backendUrl: `file://${path.join(dir, "state")}`, passphrase: STACK_PASSPHRASE };
        const first = await openStack(target, await testPulumi());
        assert.equal(first.created, true);
        assert.equal(first.stack.name, "fresh");
        const again = await openStack(target, await testPulumi());
        assert.equal(again.created, false);
        assert.equal(again.stack.name, "fresh");
    });

    it("passes on an error that is not a missing stack, rather than make one", async () => {
        const target: StackTarget = { workDir: dir, stack: "fresh", backendUrl: `file://${path.join(dir, "state")}`, passphrase: STACK_PASSPHRASE };
        await assert.rejects(openStack({ ...target, stack: "no/such/org/stack/name" }, await testPulumi()), (e: Error) => e.name !== "StackNotFoundError");
    });
});
