/**
 * Finds the sandbox a sandbox stack points at, or starts one for the length of a command: the servers on the
 * ports `Pulumi.sandbox.yaml` names, with the project's sandbox state file, stopped when the command ends
 * (`npm run sandbox` keeps one running instead).
 */
import * as path from "node:path";
import type { LaunchConfig } from "../components/config/types";
import { SANDBOX_STATE_FILE, startSandbox } from "../sandbox";
import { SANDBOX_DATABASE_PORT, SANDBOX_PORTS } from "../sandbox/credentials";
import type { CommandContext } from "./cli";

export interface SandboxHandle {
    /** Stops a sandbox this command started (its state stays on disk); a running one is left alone. */
    stop(): Promise<void>;
}

/** The sandbox's id at a URL's origin, or undefined when nothing (or not a sandbox) answers. */
export async function sandboxInstance(url: string): Promise<string | undefined> {
    const { request } = await import("undici");
    try {
        const res = await request(`${new URL(url).origin}/__sandbox`, { headersTimeout: 2000, bodyTimeout: 2000 });
        const body = (await res.body.json().catch(() => undefined)) as { instance?: string } | undefined;
        return res.statusCode === 200 ? body?.instance : undefined;
    } catch {
        return undefined;
    }
}

export async function ensureSandbox(config: LaunchConfig, ctx: CommandContext): Promise<SandboxHandle> {
    const running = await sandboxInstance(config.fly.apiUrl);
    if (running) return { stop: async () => undefined };
    const defaultFly = `http://127.0.0.1:${SANDBOX_PORTS.fly}/v1`;
    if (config.fly.apiUrl !== defaultFly) {
        throw new Error(`no sandbox answers at ${config.fly.apiUrl}; start it first (npm run sandbox)`);
    }
    const sandbox = await startSandbox({ ports: SANDBOX_PORTS, databasePort: SANDBOX_DATABASE_PORT, stateFile: path.join(ctx.projectDir, SANDBOX_STATE_FILE) });
    ctx.out("Started the sandbox for this run; it stops when this command ends, keeping its state in .sandbox/ (`npm run sandbox` keeps one running).");
    return { stop: () => sandbox.stop() };
}
