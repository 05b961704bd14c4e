/**
 * ops/lazyTypescript.js, preloaded into every node Pulumi starts for launch: @pulumi/pulumi no longer loads the
 * TypeScript compiler as it starts, and still gets it, whole, when it serializes a function. Each case runs in a node
 * of its own, since the preload changes that process's module cache.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../..");
const PRELOAD = path.join(ROOT, "ops", "lazyTypescript.js");

/** Runs `script` in a new node from the project's root, with the preload or without it, and returns what it printed. */
function node(script: string, preload: boolean): string {
    return execFileSync(process.execPath, [...(preload ? ["--require", PRELOAD] : []), "-e", script], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/** Records each JavaScript file node compiles, so the script can tell whether the compiler's own file ran. */
const RECORD_LOADS = "const loaded = []; const js = require('node:module')._extensions['.js']; require('node:module')._extensions['.js'] = (m, f) => { loaded.push(f); return js(m, f); };";
const COMPILER_LOADED = "loaded.some((f) => f.endsWith(require('node:path').join('typescript', 'lib', 'typescript.js')))";

describe("ops/lazyTypescript: the TypeScript compiler loads on first use", function () {
    this.timeout(60_000);

    it("keeps @pulumi/pulumi from loading the compiler as it starts; without it, it does", () => {
        const script = `${RECORD_LOADS} require("@pulumi/pulumi"); console.log(${COMPILER_LOADED});`;
        assert.equal(node(script, true), "false");
        assert.equal(node(script, false), "true");
    });

    it("gives the whole compiler to its first use: Pulumi serializes a function with it", () => {
        const script = [
            RECORD_LOADS,
            "const pulumi = require(\"@pulumi/pulumi\");",
            "pulumi.runtime.serializeFunction((a) => a + 1).then((f) => {",
            `  console.log([${COMPILER_LOADED}, require("typescript").version === require("typescript/package.json").version, f.text.includes("a + 1")].join(" "));`,
            "});",
        ].join("\n");
        assert.equal(node(script, true), "true true true");
    });
});
