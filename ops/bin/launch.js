#!/usr/bin/env node
// `launch` (npx launch ...): the project's TypeScript through its transpile cache, then the command.
"use strict";
// checked before anything loads: the dependencies themselves (undici 8, @pulumi/pulumi) fail to load on older ones
if (Number(process.versions.node.split(".")[0]) < 22) {
    process.stderr.write(`launch needs Node.js 22 or newer, and this is ${process.version}. Run it as \`npx launch ...\` in the project, which uses the pinned Node 22 from \`npm ci\`.\n`);
    process.exit(2);
}
const path = require("node:path");
const root = path.resolve(__dirname, "../..");
const { programCaches, register } = require("../transpile");
require("node:module").enableCompileCache(programCaches().node);
register();
const { main } = require("../cli");
const { COMMANDS } = require("../commands");
main(process.argv.slice(2), COMMANDS, root).then(
    (code) => { process.exitCode = code; },
    (err) => { process.stderr.write(`launch: ${err.stack || err}\n`); process.exitCode = 2; },
);
