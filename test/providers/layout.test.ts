/**
 * The house's rule for providers/: they depend on nothing above them (components/, ops/, policies/, the program).
 * Every import and require of every file under providers/ is resolved and checked.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "../..");
const PROVIDERS = path.join(ROOT, "providers");

/** The relative module specifiers a TypeScript file imports, re-exports or requires (type-only ones included). */
export function relativeImports(source: string): string[] {
    const specs = [...source.matchAll(/\b(?:from|import|require)\s*\(?\s*["'](\.{1,2}\/[^"']*)["']/g)].map((m) => m[1]!);
    return [...new Set(specs)];
}

/** The files under `dir` whose relative imports leave providers/, each as `file -> target`. */
export function upwardImports(dir: string): string[] {
    const out: string[] = [];
    const walk = (d: string): void => {
        for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
            const file = path.join(d, entry.name);
            if (entry.isDirectory()) walk(file);
            else if (entry.name.endsWith(".ts")) {
                for (const spec of relativeImports(fs.readFileSync(file, "utf8"))) {
                    const target = path.resolve(path.dirname(file), spec);
                    if (path.relative(PROVIDERS, target).startsWith("..")) out.push(`${path.relative(ROOT, file)} -> ${path.relative(ROOT, target)}`);
                }
            }
        }
    };
    walk(dir);
    return out;
}

describe("providers/ layout", () => {
    it("imports nothing from above providers/", () => {
        assert.deepEqual(upwardImports(PROVIDERS), []);
    });

    it("sees every form of import, type-only ones included", () => {
        const src = [
            'import type { AppKey } from "../components/catalog";',
            'import { x } from "./dynamic";',
            'export { y } from "../../ops/cli";',
            'const z = require("../policies/rules");',
            'import "../index";',
            'import * as pulumi from "@pulumi/pulumi";',
        ].join("\n");
        assert.deepEqual(relativeImports(src), ["../components/catalog", "./dynamic", "../../ops/cli", "../policies/rules", "../index"]);
    });
});
