/**
 * The Prometheus tools (Debian packages) the sandbox's monitoring mode and the monitoring tests run for real: finding
 * them, and starting daemons on free loopback ports in temp dirs that their caller removes again.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

/** Each tool and the apt package that installs it. */
export const TOOL_PACKAGES = {
    promtool: "prometheus",
    prometheus: "prometheus",
    amtool: "prometheus-alertmanager",
    "prometheus-alertmanager": "prometheus-alertmanager",
    "prometheus-blackbox-exporter": "prometheus-blackbox-exporter",
} as const;
export type Tool = keyof typeof TOOL_PACKAGES;

/** The tool's path on PATH or in /usr/bin (Debian's place), or undefined. */
export function findTool(tool: Tool): string | undefined {
    const dirs = [...(process.env["PATH"] ?? "").split(path.delimiter).filter(Boolean), "/usr/bin"];
    for (const dir of dirs) {
        const file = path.join(dir, tool);
        try {
            fs.accessSync(file, fs.constants.X_OK);
            return file;
        } catch {
            // not here
        }
    }
    return undefined;
}

export function tempDir(prefix: string): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Runs a tool to completion; output is stdout and stderr together, for assertion messages. */
export function run(file: string, args: readonly string[], cwd?: string): { status: number | null; output: string } {
    const r = spawnSync(file, args, { cwd, encoding: "utf8", timeout: 20_000 });
    return { status: r.status, output: `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? String(r.error) : ""}` };
}

/** A port free right now on 127.0.0.1 (the daemon binds it a moment later; startDaemon retries on a clash). */
export async function freePort(): Promise<number> {
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    return port;
}

export interface Daemon {
    /** `127.0.0.1:<port>` */
    readonly address: string;
    /** `http://127.0.0.1:<port>` */
    readonly url: string;
    /** What it printed so far (the tail), for failure messages. */
    output(): string;
    stop(): Promise<void>;
}

/**
 * Starts `file` with the args for a port and waits until `readyPath` answers 200. A daemon that exits first is an
 * error carrying its output, except a port clash, which is retried on another port.
 */
export async function startDaemon(file: string, args: (port: number) => string[], readyPath: string, timeoutMs = 15_000): Promise<Daemon> {
    for (let attempt = 1; ; attempt++) {
        const port = await freePort();
        const child = spawn(file, args(port), { stdio: ["ignore", "pipe", "pipe"] });
        let log = "";
        const append = (chunk: Buffer): void => {
            log = (log + chunk.toString("utf8")).slice(-20_000);
        };
        child.stdout?.on("data", append);
        child.stderr?.on("data", append);
        // "close" comes after the output streams end, so the log is complete by then
        const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
        const url = `http://127.0.0.1:${port}`;
        const gone = (): boolean => child.exitCode !== null || child.signalCode !== null;
        const ready = await waitFor(`${path.basename(file)} ready`, async () => {
            if (gone()) return false;
            return (await get(`${url}${readyPath}`))?.status === 200 || undefined;
        }, timeoutMs).catch(async (err: Error) => {
            await stopChild(child, exited);
            throw new Error(`${err.message}\n${log}`);
        });
        if (ready) return { address: `127.0.0.1:${port}`, url, output: () => log, stop: () => stopChild(child, exited) };
        await exited;
        if (attempt < 3 && /address already in use/.test(log)) continue;
        throw new Error(`${path.basename(file)} exited before it was ready:\n${log}`);
    }
}

async function stopChild(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
}

/** GET returning status and parsed JSON (when it is JSON), or undefined when nothing listens yet. */
export async function get(url: string): Promise<{ status: number; body: unknown } | undefined> {
    try {
        const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
        const text = await res.text();
        let body: unknown = text;
        try {
            body = JSON.parse(text);
        } catch {
            // not JSON
        }
        return { status: res.status, body };
    } catch {
        return undefined;
    }
}

/** Polls `probe` until it returns a value; fails after `timeoutMs` naming what it waited for. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number, intervalMs = 200): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const value = await probe();
        if (value !== undefined) return value;
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
}
