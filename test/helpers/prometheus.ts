/**
 * The real Prometheus tools for the monitoring tests: sandbox/daemons.ts finds and starts them; this adds skipping
 * loudly (with the apt package to install) when one is missing.
 */
import { findTool, type Tool, TOOL_PACKAGES } from "../../sandbox/daemons";

export { type Daemon, findTool, freePort, get, run, startDaemon, tempDir, type Tool, TOOL_PACKAGES, waitFor } from "../../sandbox/daemons";

/** Paths of the tools; skips the test (or hook) and says which package is missing when one is absent. */
export function requireTools<T extends Tool>(ctx: Mocha.Context, ...tools: T[]): Record<T, string> {
    const found = {} as Record<T, string>;
    const missing: string[] = [];
    for (const tool of tools) {
        const file = findTool(tool);
        if (file) found[tool] = file;
        else missing.push(`${tool} (apt-get install ${TOOL_PACKAGES[tool]})`);
    }
    if (missing.length > 0) {
        console.error(`      skipped, not installed: ${missing.join(", ")}`);
        ctx.skip();
    }
    return found;
}

