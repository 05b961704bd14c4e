/**
 * Which Pulumi CLI `launch` and the tests run, in this order: a `pulumi` on PATH at the pinned version; the
 * toolchain cache; `PulumiCommand.install` of the pinned version (a machine that reaches Pulumi's downloads); the
 * build from Go modules. Otherwise an error that names all three ways.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { programCaches } from "../transpile";
import { buildToolchain, cachedToolchain, cacheRoot, installPlugins } from "./build";
import { sdkVersion } from "./versions";

const LAZY_MODULES = path.join(__dirname, "..", "lazyModules.js");

export type ToolchainSource = "path" | "cache" | "installed" | "built";

export interface LocatedPulumi {
    readonly version: string;
    /** The `pulumi` binary. */
    readonly pulumi: string;
    readonly source: ToolchainSource;
    /** Whether Pulumi must not download plugins (our toolchain has every plugin the program needs). */
    readonly offline: boolean;
}

/**
 * The environment every Pulumi command gets on top of `env`. PATH starts with this Node (22 or newer), which the
 * language host runs the program with; Pulumi finds the plugins it ships beside its own binary.
 */
export function pulumiEnv(located: LocatedPulumi, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
    return {
        PATH: [path.dirname(process.execPath), env["PATH"]].filter((d): d is string => !!d).join(path.delimiter),
        PULUMI_SKIP_UPDATE_CHECK: "true",
        // Node keeps the bytecode of the modules the program and the dynamic providers load (@pulumi/pulumi, gRPC):
        // each run of either is a new process, and compiling them again cost it most of a second
        NODE_COMPILE_CACHE: programCaches(env).node,
        // the program and the dynamic-provider plugin load TypeScript and the Automation API only on use, and without
        // source-map-support's hook (ops/lazyModules.js)
        NODE_OPTIONS: [env["NODE_OPTIONS"], `--require ${JSON.stringify(LAZY_MODULES)}`].filter(Boolean).join(" "),
        ...(located.offline ? { PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true" } : {}),
    };
}

export interface LocateOptions {
    readonly env?: NodeJS.ProcessEnv;
    /** Whether to try `PulumiCommand.install` (download). Defaults to true. */
    readonly install?: boolean;
    /** Whether to build from Go modules as the last resort. Defaults to true. */
    readonly build?: boolean;
    readonly onProgress?: (line: string) => void;
}


function onPath(env: NodeJS.ProcessEnv): string | undefined {
    for (const dir of (env["PATH"] ?? "").split(path.delimiter)) {
        if (!dir) continue;
        const candidate = path.join(dir, "pulumi");
        try {
            fs.accessSync(candidate, fs.constants.X_OK);
            return candidate;
        } catch {
            // not here
        }
    }
    return undefined;
}

/** What `pulumi version` prints, without the leading v; undefined when it does not run. */
export function pulumiVersion(pulumi: string): string | undefined {
    try {
        return execFileSync(pulumi, ["version"], { encoding: "utf8", env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" }, timeout: 30000 }).trim().replace(/^v/, "");
    } catch {
        return undefined;
    }
}

/** `version` as the Automation API's own semver parses it: its SemVer class is the one it checks versions against. */
export function automationSemVer(version: string): import("semver").SemVer {
    const { SemVer } = require(require.resolve("semver", { paths: [require.resolve("@pulumi/pulumi")] })) as typeof import("semver");
    return new SemVer(version);
}

export async function locatePulumi(opts: LocateOptions = {}): Promise<LocatedPulumi> {
    const env = opts.env ?? process.env;
    const version = sdkVersion();
    const tried: string[] = [];

    const installed = onPath(env);
    if (installed) {
        const v = pulumiVersion(installed);
        if (v === version) return { version, pulumi: installed, source: "path", offline: false };
        tried.push(`${installed} is version ${v ?? "unknown (it did not run)"}, not ${version}`);
    }

    const cached = cachedToolchain({ env });
    if (cached) {
        installPlugins(cached, env);
        return { version, pulumi: cached.pulumi, source: "cache", offline: true };
    }

    if (opts.install !== false) {
        const root = path.join(cacheRoot(env), "pulumi", version, "official");
        try {
            const { PulumiCommand } = require("@pulumi/pulumi/automation") as typeof import("@pulumi/pulumi/automation");
            const cmd = await PulumiCommand.install({ version: automationSemVer(version), root });
            return { version, pulumi: cmd.command, source: "installed", offline: false };
        } catch (e) {
            tried.push(`downloading Pulumi ${version} failed: ${(e as Error).message.split("\n")[0]}`);
        }
    }

    if (opts.build !== false) {
        const built = await buildToolchain({ env, ...(opts.onProgress ? { onProgress: opts.onProgress } : {}) });
        installPlugins(built, env);
        return { version, pulumi: built.pulumi, source: "built", offline: true };
    }

    throw new Error([
        `No Pulumi CLI ${version} found. Any one of these gets it:`,
        `  - install it: https://www.pulumi.com/docs/install/ (then \`pulumi version\` must print v${version});`,
        "  - let `launch` download it (needs access to get.pulumi.com);",
        "  - build it from Go modules with Go 1.26 or newer: `npx launch toolchain`.",
        ...(tried.length ? ["Tried:", ...tried.map((t) => `  - ${t}`)] : []),
    ].join("\n"));
}
