// @pulumi/pulumi loads, as it starts, two things the program and the dynamic-provider plugin rarely use: the TypeScript
// compiler (9 MB, only to serialize a function: the program's provider cache missed) and its Automation API (never).
// Both processes start on every `pulumi up`; preloaded (`node --require`, see pulumiEnv), this makes each load on
// first use instead, about a quarter of a second of each start. It also keeps out source-map-support's hook, which
// both install to map stack traces through @pulumi/pulumi's own source maps (the program maps its own frames, see
// ops/transpile.js). Plain JavaScript: it runs before anything else loads.
"use strict";
const Module = require("node:module");
const path = require("node:path");

/** Puts `exports` in the module cache as the module `file`, loaded, so that a require of it returns them. */
function standIn(file, exports) {
    const stub = new Module(file, module);
    stub.filename = file;
    stub.loaded = true;
    stub.exports = exports;
    require.cache[file] = stub;
}

/**
 * Puts a stand-in for `file` in the module cache that loads the real module on first use and forwards to it. `answers`
 * are properties read before any use (TypeScript's `__importStar` reads `__esModule`), given without loading.
 */
function defer(file, answers = {}) {
    if (require.cache[file]) return;
    let real;
    const load = () => {
        if (!real) {
            delete require.cache[file];
            real = require(file);
        }
        return real;
    };
    standIn(file, new Proxy({}, {
        get: (_, key) => (!real && Object.hasOwn(answers, key) ? answers[key] : load()[key]),
        has: (_, key) => key in load(),
        ownKeys: () => Reflect.ownKeys(load()),
        getOwnPropertyDescriptor: (_, key) => {
            const d = Object.getOwnPropertyDescriptor(load(), key);
            return d && { ...d, configurable: true };
        },
    }));
}

/** Keeps `file`, a module loaded for its side effect alone, from ever running: an empty one stands in for it. */
function skip(file) {
    if (!require.cache[file]) standIn(file, {});
}

/** Where `request` resolves from `from`, or undefined when it does not (then nothing is deferred). */
function resolved(request, from) {
    try {
        return require.resolve(request, from ? { paths: [from] } : undefined);
    } catch {
        return undefined;
    }
}

const pulumiDir = resolved("@pulumi/pulumi/package.json");
const typescript = pulumiDir && resolved("typescript", path.dirname(pulumiDir)); // the copy @pulumi/pulumi's shim loads
const automation = pulumiDir && resolved("@pulumi/pulumi/automation");
// the hook maps every frame of the stack the program's root resource records as it is declared, before the program
// runs: parsing @pulumi/pulumi's maps for it took a tenth of a second of each start
const sourceMapHook = pulumiDir && resolved("source-map-support/register", path.dirname(pulumiDir));
if (typescript) defer(typescript);
if (automation) defer(automation, { __esModule: true });
if (sourceMapHook) skip(sourceMapHook);
