// The Pulumi program's entry (Pulumi.yaml `main: program/`): index.ts through the project's transpile cache (not
// ts-node), with the serialized dynamic providers kept beside it, so a run of unchanged code neither transpiles nor
// serializes. It has a directory of its own because before every run the Node.js language host walks the program's
// directory for plugins, node_modules and all: from the project's root, a quarter of a second.
"use strict";
const { programCaches, register } = require("../ops/transpile");
register();
const { keepProviderTexts } = require("../providers/dynamic.ts");
const { providerTextCache } = require("../providers/providerTextCache.ts");
keepProviderTexts(providerTextCache(programCaches().providers));
module.exports = require("../index.ts");
