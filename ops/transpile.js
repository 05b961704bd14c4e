// Runs the project's TypeScript in Node with a transpile cache: each file is transpiled once per content and
// compiler, and later runs read the JavaScript back. ts-node transpiled every file on every start, about 2 s of each
// `pulumi up` (the Pulumi program runs in a new process each time). Types are checked by `npm run typecheck`, not here.
// Plain JavaScript, because it is what loads the TypeScript.
"use strict";
const crypto = require("node:crypto");
const fs = require("node:fs");
const Module = require("node:module");
const os = require("node:os");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");

/** Where launch caches what it builds: `$HOTDASH_TOOLCHAIN_CACHE`, else `$XDG_CACHE_HOME/hotdash-launch`, else `~/.cache/hotdash-launch`. */
function cacheRoot(env = process.env) {
    return env["HOTDASH_TOOLCHAIN_CACHE"] ?? path.join(env["XDG_CACHE_HOME"] ?? path.join(os.homedir(), ".cache"), "hotdash-launch");
}

/** The tsconfig's options, as CommonJS with an inline source map (the package is CommonJS; stack traces name .ts lines). */
function compilerOptions() {
    const { compilerOptions: own } = JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.json"), "utf8"));
    const { moduleResolution: _resolution, noEmit: _noEmit, ...rest } = own;
    return { ...rest, module: "commonjs", inlineSourceMap: true, inlineSources: false };
}

/**
 * What a run of the program keeps under the launch cache: transpiled TypeScript (here), Node's bytecode of the modules
 * it loads (NODE_COMPILE_CACHE, set for every Pulumi command) and its serialized dynamic providers (program/index.js).
 */
function programCaches(env = process.env) {
    const root = cacheRoot(env);
    return { typescript: path.join(root, "typescript"), node: path.join(root, "node"), providers: path.join(root, "providers") };
}

let typescript; // loaded on the first miss only: a warm run never loads the compiler for this
let registered = false;

/** Makes `require` of a .ts file run it, through the cache. Idempotent. */
function register(env = process.env) {
    if (registered) return;
    registered = true;
    const dir = programCaches(env).typescript;
    fs.mkdirSync(dir, { recursive: true });
    const options = compilerOptions();
    const tsVersion = require("typescript/package.json").version;
    const salt = JSON.stringify([tsVersion, options]);
    // our files only: mapping every node_modules file that names a map (all of @pulumi/pulumi) cost a program 0.2 s
    Module.setSourceMapsSupport(true, { nodeModules: false });
    // and Node's mapping only: the source-map-support hook Pulumi's runner installs mapped every @pulumi/pulumi frame of
    // the stack each resource records where it is declared, a quarter of a second of every program
    Error.prepareStackTrace = undefined;
    Module._extensions[".ts"] = function loadTypeScript(module, filename) {
        const source = fs.readFileSync(filename, "utf8");
        const key = crypto.createHash("sha256").update(salt).update("\0").update(filename).update("\0").update(source).digest("hex");
        const file = path.join(dir, `${crypto.createHash("sha256").update(filename).digest("hex").slice(0, 32)}.js`);
        const header = `// ${key}\n`;
        let js;
        try {
            const cached = fs.readFileSync(file, "utf8");
            if (cached.startsWith(header)) js = cached.slice(header.length);
        } catch {
            // not cached yet
        }
        if (js === undefined) {
            typescript ??= require("typescript");
            js = typescript.transpileModule(source, { compilerOptions: options, fileName: filename }).outputText;
            // written whole then renamed, so a concurrent run reads an old entry or a new one, never half of one
            const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString("hex")}`;
            fs.writeFileSync(tmp, header + js);
            fs.renameSync(tmp, file);
        }
        module._compile(js, filename);
    };
}

module.exports = { cacheRoot, programCaches, register };
