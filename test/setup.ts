/**
 * Loaded before every test file. Backoffs run at millisecond scale in tests (benchmarks use realistic ones), and the
 * suite refuses to run on a Node older than the project supports: npm scripts put the pinned Node 22 first on PATH.
 */
process.env["HOTDASH_RETRY_SCALE"] ??= "0.004";

const major = Number(process.versions.node.split(".")[0]);
if (major < 22) {
    throw new Error(`Tests need Node.js >= 22 but run on ${process.version}; run them with \`npm test\`, which uses the pinned node devDependency.`);
}
