// @pulumi/pulumi loads the TypeScript compiler (9 MB, a third of a second) as it starts, for one use: serializing a
// function, which the program does only when its provider cache misses and the dynamic-provider plugin never does.
// Both start on every `pulumi up`; preloaded (`node --require`, see pulumiEnv), this makes the compiler load on first use.
// Plain JavaScript, since it runs before anything that could load TypeScript.
"use strict";
const Module = require("node:module");
const path = require("node:path");

function deferTypescript() {
    let file;
    try {
        // the copy @pulumi/pulumi's shim would load
        file = require.resolve("typescript", { paths: [path.dirname(require.resolve("@pulumi/pulumi/typescript-shim.js"))] });
    } catch {
        return; // no @pulumi/pulumi or no TypeScript here: nothing to defer
    }
    if (require.cache[file]) return;
    let real;
    const load = () => {
        if (!real) {
            delete require.cache[file];
            real = require(file);
        }
        return real;
    };
    const stub = new Module(file, module);
    stub.filename = file;
    stub.loaded = true;
    stub.exports = new Proxy({}, {
        get: (_, key) => load()[key],
        has: (_, key) => key in load(),
        ownKeys: () => Reflect.ownKeys(load()),
        getOwnPropertyDescriptor: (_, key) => {
            const d = Object.getOwnPropertyDescriptor(load(), key);
            return d && { ...d, configurable: true };
        },
    });
    require.cache[file] = stub;
}

deferTypescript();
