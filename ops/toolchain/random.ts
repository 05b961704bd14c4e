/**
 * `pulumi-resource-random`, the plugin @pulumi/random needs. The module proxy serves no version of pulumi-random's
 * own provider module, but it serves what that module is made of: the upstream Terraform random provider, the
 * Terraform bridge and Pulumi's fork of the plugin SDK. ./random/ holds our small wrapper module over them (the
 * token mapping, a shim that reaches the upstream provider's internal package, the two main programs) with its
 * go.mod and go.sum pinned. The build runs the bridge's schema generator, stamps the version in, embeds the schema
 * and builds the plugin.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { runGo } from "./go";

/** The wrapper module's directory in the repo. */
const SOURCE = path.join(__dirname, "random");
const MODULE = "hotdash.local/toolchain/random";

/** What the manifest records: the upstream provider this wraps, and the bridge. */
export function randomPluginSource(): string {
    const goMod = fs.readFileSync(path.join(SOURCE, "go.mod"), "utf8");
    const version = (mod: string): string => new RegExp(`^\\s*${mod.replace(/[./]/g, "\\$&")} (\\S+)`, "m").exec(goMod)?.[1] ?? "?";
    const upstream = "github.com/terraform-providers/terraform-provider-random";
    const bridge = "github.com/pulumi/pulumi-terraform-bridge/v3";
    return `${upstream}@${version(upstream)} via ${bridge}@${version(bridge)}`;
}

function copyTree(from: string, to: string): void {
    fs.mkdirSync(to, { recursive: true });
    for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
        const src = path.join(from, entry.name);
        const dst = path.join(to, entry.name);
        if (entry.isDirectory()) copyTree(src, dst);
        else fs.copyFileSync(src, dst);
    }
}

/** Builds the plugin at `out`, reporting `version` (no leading v). */
export async function buildRandomPlugin(out: string, work: string, version: string): Promise<void> {
    copyTree(SOURCE, work);
    const embed = path.join(work, "cmd", "pulumi-resource-random");
    // the plugin's package embeds these; they must exist (empty) while the schema generator is built
    for (const f of ["schema-embed.json", "bridge-metadata.json"]) fs.writeFileSync(path.join(embed, f), "{}");
    const ldflags = `-s -w -X ${MODULE}/provider.Version=${version}`;
    const module = `pulumi-resource-random@v${version} (${randomPluginSource()})`;
    const tfgen = path.join(work, "pulumi-tfgen-random");
    await runGo({ module, cwd: work, args: ["build", "-trimpath", "-ldflags", ldflags, "-o", tfgen, "./cmd/pulumi-tfgen-random"] });

    const gen = path.join(work, "gen");
    // examples would need `pulumi convert` and the Terraform converter: the plugin never uses them
    const env = { PULUMI_CONVERT: "0", PULUMI_MISSING_DOCS_ERROR: "false" };
    await runGo({ module, command: tfgen, cwd: work, env, args: ["schema", "--out", gen, "--skip-examples"] });
    await runGo({ module, command: tfgen, cwd: work, env, args: ["embed-schema", path.join(gen, "schema.json"), path.join(embed, "schema-embed.json")] });
    fs.copyFileSync(path.join(gen, "bridge-metadata.json"), path.join(embed, "bridge-metadata.json"));
    await runGo({ module, cwd: work, args: ["build", "-trimpath", "-ldflags", ldflags, "-o", out, "./cmd/pulumi-resource-random"] });
}

