#!/usr/bin/env node
// `launch` (npx launch ...): registers ts-node for the project's TypeScript, then runs the command.
"use strict";
const path = require("node:path");
const root = path.resolve(__dirname, "../..");
require("ts-node").register({ transpileOnly: true, project: path.join(root, "tsconfig.json") });
const { main } = require("../cli");
const { COMMANDS } = require("../commands");
main(process.argv.slice(2), COMMANDS, root).then(
    (code) => { process.exitCode = code; },
    (err) => { process.stderr.write(`launch: ${err.stack || err}\n`); process.exitCode = 2; },
);
