/**
 * The Pulumi toolchain this project runs on, pinned: the CLI, its Node.js language host, the plugin that runs
 * dynamic providers, and the `command` and `random` resource plugins. Each is a Go module built with `go` alone
 * (build.ts). The CLI's version is the installed `@pulumi/pulumi`'s, so the two always agree.
 */
/** A Go module at an exact version, and the h1: sums to pin where the checksum database has no record of it. */
export interface GoModule {
    readonly path: string;
    readonly version: string;
    /** `go.sum` lines written before the build (for versions sum.golang.org does not know). */
    readonly sums?: readonly string[];
}

/** The version of `@pulumi/pulumi` installed beside launch: the CLI is built at the same version. */
export function sdkVersion(): string {
    return (require("@pulumi/pulumi/package.json") as { version: string }).version;
}

/** The version a resource plugin must report: what its npm package asks the engine for. */
export function pluginVersion(pkg: "@pulumi/random"): string {
    const json = require(`${pkg}/package.json`) as { pulumi?: { version?: string } };
    const version = json.pulumi?.version;
    if (!version) throw new Error(`${pkg}'s package.json names no plugin version (its "pulumi.version"); reinstall it with npm ci`);
    return version;
}

/** Replace directive every build of pulumi/pulumi code repeats (pkg/go.mod has it; `go build` ignores a dependency's). */
export const CLIPBOARD_REPLACE = "github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e";

/**
 * The language host has no tags of its own and the module proxy serves none of its release commits; this is the
 * newest commit it serves (pkg/v3.187.0 + 21 commits, August 2025). It is built against the pkg and sdk modules of
 * its own time, since later ones changed the gRPC interfaces it implements. The checksum database has no record of
 * it, so its sums are pinned here (checked against the pulumi/pulumi sources at that commit).
 */
export const LANGUAGE_HOST = {
    module: {
        path: "github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3",
        version: "v3.0.0-20250806165243-bee5e4fa4815",
        sums: [
            "github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3 v3.0.0-20250806165243-bee5e4fa4815 h1:+QJTFK7UcOFTYCg3XaSTrRZHWJ6Hqza8w9oADa4pPcM=",
            "github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3 v3.0.0-20250806165243-bee5e4fa4815/go.mod h1:0kA9b5LsaXLEKQzo0o9UUsHtZkACthHYLyBVUDUVMxc=",
        ],
    },
    /** pkg/v3 and sdk/v3 of its time. */
    pulumiVersion: "v3.188.0",
} as const;
