import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as path from "node:path";

describe("runtime", () => {
    it("runs on Node.js 22 or newer (the pinned devDependency)", () => {
        const [major, minor] = process.versions.node.split(".").map(Number) as [number, number];
        assert.ok(major > 22 || (major === 22 && minor >= 19), `Node ${process.version} is older than 22.19`);
    });

    it("launch on an older Node refuses before loading anything, saying to run it through npx (the pinned Node 22)", () => {
        const bin = path.resolve(__dirname, "../ops/bin/launch.js");
        const older = `Object.defineProperty(process, "version", { value: "v20.20.2" }); Object.defineProperty(process.versions, "node", { value: "20.20.2" });`;
        const r = spawnSync(process.execPath, ["-e", `${older} process.argv = [process.argv[0], ${JSON.stringify(bin)}, "help"]; require(${JSON.stringify(bin)});`], { encoding: "utf8" });
        assert.equal(r.status, 2);
        assert.equal(r.stderr, "launch needs Node.js 22 or newer, and this is v20.20.2. Run it as `npx launch ...` in the project, which uses the pinned Node 22 from `npm ci`.\n");
        assert.equal(r.stdout, "");
    });
});
