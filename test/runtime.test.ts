import { strict as assert } from "node:assert";

describe("runtime", () => {
    it("runs on Node.js 22 or newer (the pinned devDependency)", () => {
        const [major, minor] = process.versions.node.split(".").map(Number) as [number, number];
        assert.ok(major > 22 || (major === 22 && minor >= 19), `Node ${process.version} is older than 22.19`);
    });
});
