/**
 * ops/transpile.js, the project's TypeScript loader (the Pulumi program's and launch's): a file is transpiled once per
 * content, later runs read the cached JavaScript, an edit is transpiled again, and stack traces name the .ts lines.
 * Each case runs in a node of its own, since the loader replaces this process's own .ts loader.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const LOADER = path.resolve(__dirname, "../../ops/transpile.js");

describe("ops/transpile: the TypeScript loader with a transpile cache", () => {
    let dir: string;
    let cache: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "hotdash-transpile-"));
        cache = path.join(dir, "cache");
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    const run = (file: string, expr: string, preload: readonly string[] = []): string => execFileSync(process.execPath, [...preload.flatMap((p) => ["-r", p]), "-e", `require(${JSON.stringify(LOADER)}).register(); const m = require(${JSON.stringify(file)}); console.log(${expr});`], {
        encoding: "utf8", env: { ...process.env, HOTDASH_TOOLCHAIN_CACHE: cache },
    }).trim();
    const cached = (): string[] => fs.readdirSync(path.join(cache, "typescript")).map((f) => path.join(cache, "typescript", f));

    it("runs a .ts file, and a second run reads the cached JavaScript instead of transpiling", () => {
        const file = path.join(dir, "value.ts");
        fs.writeFileSync(file, "export const value: number = 1 + 1;\n");
        assert.equal(run(file, "m.value"), "2");
        const [entry] = cached();
        assert.ok(entry);
        // the cached JavaScript altered, its key kept: what runs now proves the cache was read
        fs.writeFileSync(entry, fs.readFileSync(entry, "utf8").replace("1 + 1", "40 + 2"));
        assert.equal(run(file, "m.value"), "42");
    });

    it("transpiles an edited file again, in the same cache entry", () => {
        const file = path.join(dir, "value.ts");
        fs.writeFileSync(file, "export const value: string = 'first';\n");
        assert.equal(run(file, "m.value"), "first");
        fs.writeFileSync(file, "export const value: string = 'second';\n");
        assert.equal(run(file, "m.value"), "second");
        assert.equal(cached().length, 1);
    });

    it("names the .ts file and line in a stack trace", () => {
        const file = path.join(dir, "thrower.ts");
        fs.writeFileSync(file, "interface Unused { a: string }\n\nexport function fail(): never {\n    throw new Error('boom');\n}\n");
        assert.match(run(file, "(() => { try { m.fail(); } catch (e) { return e.stack.split('\\n')[1]; } })()"), /thrower\.ts:4:\d+/);
    });

    it("maps the stack itself where Pulumi's runner installed source-map-support, and only the frames of files it compiled", () => {
        const file = path.join(dir, "thrower.ts");
        fs.writeFileSync(file, "interface Unused { a: string }\n\nexport function fail(): never {\n    throw new Error('boom');\n}\n");
        const expr = "[Error.prepareStackTrace.name, (() => { try { [0].forEach(() => m.fail()); } catch (e) { return e.stack; } })()].join(' ')";
        const [first, ours, evaluated, builtin] = run(file, expr, ["source-map-support/register"]).split("\n");
        assert.equal(first, "prepareStackTrace Error: boom"); // the hook replaced, the error's own line as V8 writes it
        assert.match(ours ?? "", /^ {4}at Object\.fail \(.*thrower\.ts:4:11\)$/);
        // frames of code it did not compile, as V8 prints them
        assert.match(evaluated ?? "", /^ {4}at \[eval\]:1:\d+$/);
        assert.equal(builtin, "    at Array.forEach (<anonymous>)");
    });
});
