/**
 * `launch toolchain`: builds (or finds) the Pulumi CLI, its Node.js language host and the plugins this program
 * needs, and says where they are. `.ci/run` calls it so the first test does not wait for a cold build.
 */
import type { Command } from "./cli";
import { locatePulumi } from "./toolchain/locate";

export const toolchainCommand: Command = {
    name: "toolchain",
    summary: "find or build the pinned Pulumi CLI and plugins (from Go modules)",
    usage: "launch toolchain",
    options: [],
    async run(ctx) {
        const started = Date.now();
        const located = await locatePulumi({ onProgress: ctx.out });
        ctx.out(`Pulumi ${located.version} (${located.source}): ${located.pulumi} [${((Date.now() - started) / 1000).toFixed(1)} s]`);
        return 0;
    },
};
