#!/usr/bin/env node
// `launch` (npx launch ...): the project's TypeScript through its transpile cache, then the command.
"use strict";
const path = require("node:path");
const root = path.resolve(__dirname, "../..");
require("../transpile").register();
const { main } = require("../cli");
const { COMMANDS } = require("../commands");
main(process.argv.slice(2), COMMANDS, root).then(
    (code) => { process.exitCode = code; },
    (err) => { process.stderr.write(`launch: ${err.stack || err}\n`); process.exitCode = 2; },
);
