/**
 * ops/lazyModules.js, preloaded into every node Pulumi starts for launch: @pulumi/pulumi no longer loads the
 * TypeScript compiler or its Automation API as it starts, and still gets each, whole, on first use; and the
 * source-map-support hook its runners install stays out. Each case runs in
 * a node of its own, since the preload changes that process's module cache.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../..");
const PRELOAD = path.join(ROOT, "ops", "lazyModules.js");

/** Runs `script` in a new node from the project's root, with the preload or without it, and returns what it printed. */
function node(script: string, preload: boolean): string {
    return execFileSync(process.execPath, [...(preload ? ["--require", PRELOAD] : []), "-e", script], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
}

/** Records each JavaScript file node compiles, so the script can tell which of the deferred modules' files ran. */
const RECORD_LOADS = "const loaded = []; const js = require('node:module')._extensions['.js']; require('node:module')._extensions['.js'] = (m, f) => { loaded.push(f); return js(m, f); };";
const LOADED = "[['typescript', 'lib', 'typescript.js'], ['automation', 'stack.js']].map((p) => loaded.some((f) => f.endsWith(require('node:path').join(...p)))).join(' ')";

describe("ops/lazyModules: TypeScript and the Automation API load on first use", function () {
    this.timeout(60_000);

    it("keeps @pulumi/pulumi from loading either as it starts; without the preload, it loads both", () => {
        const script = `${RECORD_LOADS} require("@pulumi/pulumi"); console.log(${LOADED});`;
        assert.equal(node(script, true), "false false");
        assert.equal(node(script, false), "true true");
    });

    it("gives each, whole, to its first use: Pulumi serializes a function, and the Automation API is there", () => {
        const script = [
            RECORD_LOADS,
            "const pulumi = require(\"@pulumi/pulumi\");",
            "pulumi.runtime.serializeFunction((a) => a + 1).then((f) => {",
            "  const typescript = [require(\"typescript\").version === require(\"typescript/package.json\").version, f.text.includes(\"a + 1\")];",
            "  const automation = [typeof pulumi.automation.LocalWorkspace, typeof require(\"@pulumi/pulumi/automation\").Stack.select];",
            `  console.log([${LOADED}, ...typescript, ...automation].join(" "));`,
            "});",
        ].join("\n");
        assert.equal(node(script, true), "true true true true function function");
    });

    it("keeps source-map-support's hook out: the require Pulumi's runners make of it installs nothing", () => {
        const script = "require(require.resolve('source-map-support/register', { paths: [require.resolve('@pulumi/pulumi/cmd/run/index.js')] })); console.log(Error.prepareStackTrace.name);";
        assert.equal(node(script, true), "ErrorPrepareStackTrace"); // Node's own
        assert.equal(node(script, false), "prepareStackTrace");
    });
});
