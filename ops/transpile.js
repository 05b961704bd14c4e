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

/** Each file compiled here: its inline source map, kept as text until a stack first needs it, then parsed. */
const sourceMaps = new Map();
const INLINE_MAP = "//# sourceMappingURL=data:application/json;base64,";

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
    // stack traces name .ts lines through each file's own map, looked up only for the frames of files compiled here:
    // Node's own mapping looks up every frame's file, and Pulumi formats a stack for each of its promises and each
    // resource's declaration (a third of a second of every program). This also replaces the source-map-support hook
    // Pulumi's runner installs, which mapped every @pulumi/pulumi frame too
    Error.prepareStackTrace = prepareStackTrace;
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
        const map = js.lastIndexOf(INLINE_MAP);
        if (map >= 0) sourceMaps.set(filename, js.slice(map + INLINE_MAP.length).trim());
        module._compile(js, filename);
    };
}

/** The source map of a file compiled here; undefined for any other file. */
function sourceMapOf(file) {
    const map = sourceMaps.get(file);
    if (typeof map !== "string") return map;
    const parsed = new Module.SourceMap(JSON.parse(Buffer.from(map, "base64").toString("utf8")));
    sourceMaps.set(file, parsed);
    return parsed;
}

/** A frame as V8 prints it, its position in a file compiled here mapped back to the .ts line and column. */
function mappedFrame(frame) {
    const text = String(frame);
    const file = frame.getFileName();
    const map = file ? sourceMapOf(file) : undefined;
    if (!map) return text;
    const line = frame.getLineNumber();
    const column = frame.getColumnNumber();
    const entry = map.findEntry(line - 1, column - 1);
    if (entry.originalLine === undefined) return text;
    const at = `${file}:${line}:${column}`;
    const i = text.lastIndexOf(at);
    return i < 0 ? text : `${text.slice(0, i)}${file}:${entry.originalLine + 1}:${entry.originalColumn + 1}${text.slice(i + at.length)}`;
}

/** V8's own stack format (the error, then a frame a line), with the frames of files compiled here mapped. */
function prepareStackTrace(error, frames) {
    let header;
    try {
        header = Error.prototype.toString.call(error);
    } catch {
        header = "Error";
    }
    return frames.length === 0 ? header : `${header}\n    at ${frames.map(mappedFrame).join("\n    at ")}`;
}

module.exports = { cacheRoot, programCaches, register };
