/**
 * Builds the Pulumi toolchain from Go modules into a cache outside the repo, one directory per CLI version:
 * `<cache>/pulumi/<version>/bin/` holds `pulumi` and what Pulumi finds beside it (`pulumi-language-nodejs`,
 * `pulumi-resource-pulumi-nodejs`); `plugins/` holds the resource plugins, which are installed into Pulumi's plugin
 * cache at the version the npm packages ask for; `manifest.json` records what each binary was built from, so a second
 * call only checks it.
 * Each part builds in a small wrapper module (a main module that requires the part's module), because the pulumi
 * modules' own replace directives make `go install module@version` refuse them.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { moduleDir, runGo } from "./go";
import { buildRandomPlugin, randomPluginSource } from "./random";
import { cacheRoot } from "../transpile";
import { CLIPBOARD_REPLACE, type GoModule, LANGUAGE_HOST, pluginVersion, sdkVersion } from "./versions";

export { cacheRoot } from "../transpile";

/** One binary of the toolchain and how it is made. */
interface Part {
    readonly binary: string;
    /** `bin` (beside pulumi) or `plugins` (installed into Pulumi's plugin cache). */
    readonly dir: "bin" | "plugins";
    /** For a resource plugin: its name and the version the npm package asks for. */
    readonly plugin?: { readonly name: string; readonly version: string };
    /** What it is built from, as recorded in the manifest: a change rebuilds it. */
    readonly source: string;
    build(out: string, work: string): Promise<void>;
}

export interface Toolchain {
    /** The CLI version (= @pulumi/pulumi's). */
    readonly version: string;
    /** Directory of `pulumi` and the binaries Pulumi finds beside it. */
    readonly binDir: string;
    readonly pulumi: string;
}

export interface BuildOptions {
    readonly env?: NodeJS.ProcessEnv;
    /** Told once, before the first part is built (a cold build takes minutes). */
    readonly onProgress?: (line: string) => void;
}

const BUILD_FLAGS = ["-trimpath", "-tags", "osusergo,grpcnotrace"];
const versionFlag = (v: string): string => `-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${v}`;

function writeWrapper(dir: string, name: string, requires: readonly GoModule[], replaces: readonly string[]): void {
    fs.mkdirSync(dir, { recursive: true });
    const goMod = [
        `module hotdash.local/toolchain/${name}`,
        "",
        "go 1.26",
        "",
        "require (",
        ...requires.map((m) => `\t${m.path} ${m.version}`),
        ")",
        "",
        ...replaces.map((r) => `replace ${r}`),
        "",
    ].join("\n");
    fs.writeFileSync(path.join(dir, "go.mod"), goMod);
    // never tidy a wrapper: nothing imports the main packages, so tidy would drop them
    fs.writeFileSync(path.join(dir, "go.sum"), requires.flatMap((m) => m.sums ?? []).map((l) => `${l}\n`).join(""));
}

function parts(): Part[] {
    const v = `v${sdkVersion()}`;
    const pkg = { path: "github.com/pulumi/pulumi/pkg/v3", version: v };
    const sdk = { path: "github.com/pulumi/pulumi/sdk/v3", version: v };
    const lh = LANGUAGE_HOST;
    const randomVersion = pluginVersion("@pulumi/random");
    return [
        {
            binary: "pulumi",
            dir: "bin",
            source: `${pkg.path}@${v}`,
            async build(out, work) {
                writeWrapper(work, "pulumi", [pkg, sdk], [CLIPBOARD_REPLACE]);
                await runGo({ module: `${pkg.path}@${v}`, cwd: work, args: ["build", ...BUILD_FLAGS, "-ldflags", versionFlag(v), "-o", out, `${pkg.path}/cmd/pulumi`] });
            },
        },
        {
            binary: "pulumi-language-nodejs",
            dir: "bin",
            source: `${lh.module.path}@${lh.module.version}`,
            async build(out, work) {
                const era = (p: string): GoModule => ({ path: p, version: lh.pulumiVersion });
                writeWrapper(work, "pulumi-language-nodejs", [lh.module, era(pkg.path), era(sdk.path)], [CLIPBOARD_REPLACE]);
                await runGo({ module: `${lh.module.path}@${lh.module.version}`, cwd: work, args: ["build", ...BUILD_FLAGS, "-ldflags", versionFlag(v), "-o", out, lh.module.path] });
            },
        },
        {
            // a shell script inside the sdk module: node runs @pulumi/pulumi's dynamic-provider host
            binary: "pulumi-resource-pulumi-nodejs",
            dir: "bin",
            source: `${sdk.path}@${v}/nodejs/dist`,
            async build(out, work) {
                fs.mkdirSync(work, { recursive: true });
                writeWrapper(work, "sdk", [sdk], []);
                const dir = await moduleDir(sdk.path, v, work);
                fs.copyFileSync(path.join(dir, "nodejs", "dist", "pulumi-resource-pulumi-nodejs"), out);
                fs.chmodSync(out, 0o755); // module zips drop file modes
            },
        },
        {
            binary: "pulumi-resource-random",
            dir: "plugins",
            plugin: { name: "random", version: randomVersion },
            source: `${randomPluginSource()} as v${randomVersion}`,
            build: (out, work) => buildRandomPlugin(out, work, randomVersion),
        },
    ];
}

type Manifest = Record<string, string>;

function readManifest(file: string): Manifest {
    try {
        return JSON.parse(fs.readFileSync(file, "utf8")) as Manifest;
    } catch {
        return {};
    }
}

/** Waits for (then takes) the build lock of one cache directory, so two builds never write the same files. */
async function withLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
    const lock = path.join(dir, ".lock");
    fs.mkdirSync(dir, { recursive: true });
    for (;;) {
        try {
            fs.mkdirSync(lock);
            fs.writeFileSync(path.join(lock, "pid"), String(process.pid));
            break;
        } catch {
            const pid = Number(fs.readFileSync(path.join(lock, "pid"), "utf8").trim() || 0);
            let alive = false;
            try {
                if (pid) process.kill(pid, 0);
                alive = pid > 0;
            } catch {
                alive = false;
            }
            if (!alive) fs.rmSync(lock, { recursive: true, force: true }); // left by a build that died
            else await new Promise((r) => setTimeout(r, 1000));
        }
    }
    try {
        return await fn();
    } finally {
        fs.rmSync(lock, { recursive: true, force: true });
    }
}

/** Pulumi's plugin cache: `$PULUMI_HOME/plugins`, else `~/.pulumi/plugins`. */
function pulumiPluginDir(env: NodeJS.ProcessEnv): string {
    return path.join(env["PULUMI_HOME"] ?? path.join(os.homedir(), ".pulumi"), "plugins");
}

/**
 * Puts the resource plugins into Pulumi's plugin cache at the versions the npm packages ask for (`pulumi plugin
 * install --file`), where the engine looks for them by exact version; on PATH it would warn about every run.
 */
export function installPlugins(toolchain: Toolchain, env: NodeJS.ProcessEnv = process.env): void {
    const { execFileSync } = require("node:child_process") as typeof import("node:child_process");
    for (const part of parts().filter((p) => p.plugin)) {
        const { name, version } = part.plugin!;
        const built = path.join(path.dirname(toolchain.binDir), part.dir, part.binary);
        const installed = path.join(pulumiPluginDir(env), `resource-${name}-v${version}`, part.binary);
        if (fs.existsSync(installed) && fs.statSync(installed).size === fs.statSync(built).size) continue;
        execFileSync(toolchain.pulumi, ["plugin", "install", "resource", name, version, "--file", built, "--reinstall"], {
            env: { ...env, PULUMI_SKIP_UPDATE_CHECK: "true" }, stdio: ["ignore", "ignore", "pipe"],
        });
    }
}

/** The toolchain in the cache, or undefined when some binary is missing or was built from other sources. */
export function cachedToolchain(opts: Pick<BuildOptions, "env"> = {}): Toolchain | undefined {
    const version = sdkVersion();
    const dir = path.join(cacheRoot(opts.env), "pulumi", version);
    const manifest = readManifest(path.join(dir, "manifest.json"));
    const binDir = path.join(dir, "bin");
    const complete = parts().every((p) => manifest[p.binary] === p.source && fs.existsSync(path.join(dir, p.dir, p.binary)));
    return complete ? { version, binDir, pulumi: path.join(binDir, "pulumi") } : undefined;
}

/** Builds whatever the cache lacks (seconds when it is complete) and returns the toolchain. */
export async function buildToolchain(opts: BuildOptions = {}): Promise<Toolchain> {
    const version = sdkVersion();
    const dir = path.join(cacheRoot(opts.env), "pulumi", version);
    const binDir = path.join(dir, "bin");
    return withLock(dir, async () => {
        fs.mkdirSync(binDir, { recursive: true });
        const manifestFile = path.join(dir, "manifest.json");
        const manifest = readManifest(manifestFile);
        let told = false;
        for (const part of parts()) {
            fs.mkdirSync(path.join(dir, part.dir), { recursive: true });
            const out = path.join(dir, part.dir, part.binary);
            if (manifest[part.binary] === part.source && fs.existsSync(out)) continue;
            if (!told) {
                opts.onProgress?.(`Building the Pulumi ${version} toolchain from Go modules into ${dir} (the first build takes several minutes; later runs reuse it).`);
                told = true;
            }
            opts.onProgress?.(`  building ${part.binary} from ${part.source}`);
            const work = path.join(dir, "work", part.binary);
            fs.rmSync(work, { recursive: true, force: true });
            const tmp = `${out}.partial`;
            await part.build(tmp, work);
            fs.renameSync(tmp, out); // a binary appears whole or not at all
            fs.rmSync(work, { recursive: true, force: true });
            manifest[part.binary] = part.source;
            fs.writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
        }
        return { version, binDir, pulumi: path.join(binDir, "pulumi") };
    });
}
