/**
 * The HTTP layer's cost: the same GETs against the sandbox through `HttpClient` and through raw `undici.request`.
 * The sandbox runs in a process of its own, so its work is not counted on the side that happens to share the event
 * loop with it; both sides are warmed up, then timed in interleaved rounds whose order alternates, so machine noise
 * hits both alike. `http.client_overhead_ratio` near 1 means the layer adds nothing measurable.
 */
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { request } from "undici";
import { HttpClient } from "../providers/http";
import { SANDBOX_CREDENTIALS as C } from "../sandbox/credentials";
import type { Benchmark } from "./benchmark";

export interface SandboxProcess {
    readonly pid: number;
    readonly urls: Readonly<Record<string, string>>;
    stop(): Promise<void>;
}

/** `npm run sandbox` in a child process on free ports, its clocks out of the way; resolves once it is listening. */
export async function startSandboxProcess(): Promise<SandboxProcess> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hotdash-bench-"));
    const child: ChildProcess = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(__dirname, "../sandbox/main.ts")], {
        cwd: path.join(__dirname, ".."),
        // rate-limit windows out of the way; a state file of its own, never the developer's sandbox
        env: { ...process.env, SANDBOX_FREE_PORTS: "1", SANDBOX_TIME_SCALE: "1e-6", SANDBOX_STATE_FILE: path.join(dir, "sandbox.json") },
        stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    const stop = async (): Promise<void> => {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
        await exited;
        fs.rmSync(dir, { recursive: true, force: true });
    };
    let stderr = "";
    child.stderr!.on("data", (d: Buffer) => { stderr += d.toString(); });
    const urls: Record<string, string> = {};
    try {
        await new Promise<void>((resolve, reject) => {
            let out = "";
            child.stdout!.on("data", (d: Buffer) => {
                out += d.toString();
                for (const m of out.matchAll(/^SANDBOX (\S+) (\S+)$/gm)) urls[m[1]!] = m[2]!;
                if (out.includes("sandbox ready")) resolve();
            });
            void exited.then(() => reject(new Error(`http benchmark: the sandbox process exited before it was ready: ${stderr.trim()}`)));
        });
    } catch (err) {
        await stop();
        throw err;
    }
    return { pid: child.pid!, urls, stop };
}

/**
 * Client time over raw time for `rounds` x `perRound` GETs of `path`, after `warmRounds` untimed rounds of each.
 * Either side getting anything but a 200 fails the benchmark: an error answered fast is no measure of the layer.
 */
export async function measureOverhead(baseUrl: string, urlPath: string, headers: Readonly<Record<string, string>>, rounds: number, perRound: number, warmRounds = 2): Promise<number> {
    const client = new HttpClient({ vendor: "Chatwoot", baseUrl, authHeaders: () => ({ ...headers }) });
    const viaClient = async (): Promise<void> => { await client.send({ method: "GET", path: urlPath }); };
    const raw = async (): Promise<void> => {
        const res = await request(baseUrl + urlPath, { headers: { accept: "application/json", ...headers } });
        const text = await res.body.text();
        if (res.statusCode !== 200) throw new Error(`http benchmark: raw GET ${urlPath} answered ${res.statusCode}: ${text.slice(0, 200)}`);
        JSON.parse(text);
    };
    const time = async (fn: () => Promise<void>): Promise<number> => {
        const t0 = performance.now();
        for (let i = 0; i < perRound; i++) await fn();
        return performance.now() - t0;
    };
    for (let round = 0; round < warmRounds; round++) { await time(raw); await time(viaClient); }
    let clientMs = 0;
    let rawMs = 0;
    for (let round = 0; round < rounds; round++) {
        if (round % 2 === 0) { rawMs += await time(raw); clientMs += await time(viaClient); }
        else { clientMs += await time(viaClient); rawMs += await time(raw); }
    }
    return clientMs / rawMs;
}

export const httpOverhead: Benchmark = {
    name: "http",
    description: "HttpClient vs raw undici.request against a sandbox in another process, 10 rounds x 200 GETs (alternating order) after 2 warm-up rounds",
    async run() {
        const sandbox = await startSandboxProcess();
        try {
            const ratio = await measureOverhead(sandbox.urls["chatwoot"]!, "/api/v1/profile", { api_access_token: C.chatwootAdminToken }, 10, 200);
            return { "http.client_overhead_ratio": ratio };
        } finally {
            await sandbox.stop();
        }
    },
};
