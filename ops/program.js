// The Pulumi program's entry (Pulumi.yaml `main`): the project's index.ts through the transpile cache, not ts-node.
"use strict";
require("./transpile").register();
module.exports = require("../index.ts");
