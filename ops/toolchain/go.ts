/**
 * Running `go` for the toolchain build: offline-safe settings (no toolchain download, no cgo, module mode even where
 * a wrapper's go.sum is incomplete) and failures that name the module and the exact command.
 */
import { spawn } from "node:child_process";
import * as path from "node:path";

/** A `go` command that failed: which module it was building, the command line, and the end of its output. */
export class GoBuildError extends Error {
    override readonly name = "GoBuildError";
}

export interface GoRun {
    /** The program to run; defaults to `go`. */
    readonly command?: string;
    /** What is being built, for the error: `github.com/pulumi/pulumi/pkg/v3@v3.276.0`. */
    readonly module: string;
    readonly args: readonly string[];
    readonly cwd: string;
    readonly env?: Readonly<Record<string, string>>;
}

/** The environment every toolchain `go` command runs with. */
export function goEnv(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
    const flags = (process.env["GOFLAGS"] ?? "").split(/\s+/).filter((f) => f && !f.startsWith("-mod="));
    return {
        ...process.env,
        // never fetch another Go release: the machine's Go builds it or the error says so
        GOTOOLCHAIN: "local",
        CGO_ENABLED: "0",
        GOFLAGS: [...flags, "-mod=mod"].join(" "),
        ...extra,
    };
}

/** Runs `go` (or a tool a build step made); resolves to its stdout, or rejects with a GoBuildError carrying the last lines it printed. */
export function runGo(run: GoRun): Promise<string> {
    const command = run.command ?? "go";
    const line = `${path.basename(command)} ${run.args.join(" ")}`;
    return new Promise((resolve, reject) => {
        let child;
        try {
            child = spawn(command, [...run.args], { cwd: run.cwd, env: goEnv(run.env), stdio: ["ignore", "pipe", "pipe"] });
        } catch (e) {
            reject(new GoBuildError(`building ${run.module}: could not start \`${line}\`: ${(e as Error).message}`));
            return;
        }
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => { stdout += d.toString(); });
        child.stderr.on("data", (d: Buffer) => { stderr += d.toString(); });
        child.on("error", (e: NodeJS.ErrnoException) => {
            reject(new GoBuildError(e.code === "ENOENT" && command === "go"
                ? `building ${run.module}: \`go\` is not installed. Install Go 1.26 or newer (https://go.dev/dl/), or install the Pulumi CLI yourself (https://www.pulumi.com/docs/install/)`
                : `building ${run.module}: could not start \`${line}\`: ${e.message}`));
        });
        child.on("close", (code) => {
            if (code === 0) {
                resolve(stdout);
                return;
            }
            const tail = stderr.split("\n").filter((l) => l && !l.startsWith("go: downloading ")).slice(-25).join("\n");
            reject(new GoBuildError(`building ${run.module} failed: \`${line}\` (in ${run.cwd}) exited with ${code}:\n${tail}`));
        });
    });
}

/** Where `go mod download` put a module's files (read-only in the module cache). */
export async function moduleDir(module: string, version: string, cwd: string): Promise<string> {
    const out = await runGo({ module: `${module}@${version}`, args: ["mod", "download", "-json", `${module}@${version}`], cwd });
    const info = JSON.parse(out) as { Dir?: string; Error?: string };
    if (!info.Dir) throw new GoBuildError(`building ${module}@${version} failed: \`go mod download -json ${module}@${version}\`: ${info.Error ?? "no directory"}`);
    return info.Dir;
}
