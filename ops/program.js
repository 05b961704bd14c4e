// The Pulumi program's entry (Pulumi.yaml `main`): index.ts through the project's transpile cache (not ts-node), with
// the serialized dynamic providers kept beside it, so a run of unchanged code neither transpiles nor serializes.
"use strict";
const { programCaches, register } = require("./transpile");
register();
const { keepProviderTexts } = require("../providers/dynamic.ts");
const { providerTextCache } = require("../providers/providerTextCache.ts");
keepProviderTexts(providerTextCache(programCaches().providers));
module.exports = require("../index.ts");
