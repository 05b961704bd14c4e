/**
 * The Pulumi toolchain: the CLI the tests run is the toolchain's own build at the pinned version (never a skip: a
 * machine without it builds it), its cache says what each binary was built from, and the ways to fail say what to do.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { cachedToolchain, cacheRoot } from "../../ops/toolchain/build";
import { GoBuildError, runGo } from "../../ops/toolchain/go";
import { locatePulumi, pulumiVersion } from "../../ops/toolchain/locate";
import { LANGUAGE_HOST, pluginVersion, sdkVersion } from "../../ops/toolchain/versions";
import { ROOT, testPulumi } from "../helpers/stack";

describe("ops/toolchain", function () {
    this.timeout(120000);

    it("runs the pinned CLI, the same version as @pulumi/pulumi, from the toolchain when CI builds it", async () => {
        const located = await testPulumi();
        const pinned = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> }).dependencies["@pulumi/pulumi"];
        assert.equal(sdkVersion(), pinned);
        assert.equal(pulumiVersion(located.pulumi), pinned, "`pulumi version` of the CLI the tests run");
        if (process.env["CI"] === "true") {
            assert.ok(located.source === "cache" || located.source === "built", `CI runs the toolchain's CLI, not one from ${located.source}`);
            assert.ok(located.pulumi.startsWith(cacheRoot()), located.pulumi);
        }
    });

    it("records what each cached binary was built from, and the cache is complete", async function () {
        const located = await testPulumi();
        if (located.source === "path") this.skip(); // a developer's own Pulumi install; CI always has the toolchain
        const cached = cachedToolchain();
        assert.ok(cached, "the toolchain is in the cache");
        const root = path.dirname(cached.binDir);
        const manifest = JSON.parse(fs.readFileSync(path.join(root, "manifest.json"), "utf8")) as Record<string, string>;
        assert.equal(manifest["pulumi"], `github.com/pulumi/pulumi/pkg/v3@v${sdkVersion()}`);
        assert.equal(manifest["pulumi-language-nodejs"], `${LANGUAGE_HOST.module.path}@${LANGUAGE_HOST.module.version}`);
        assert.match(manifest["pulumi-resource-random"]!, new RegExp(`^github\\.com/terraform-providers/terraform-provider-random@v\\S+ via github\\.com/pulumi/pulumi-terraform-bridge/v3@v\\S+ as v${pluginVersion("@pulumi/random").replace(/\./g, "\\.")}$`));
        const built = [...fs.readdirSync(path.join(root, "bin")), ...fs.readdirSync(path.join(root, "plugins"))];
        assert.deepEqual(Object.keys(manifest).sort(), built.sort());
        for (const binary of ["pulumi", "pulumi-language-nodejs", "pulumi-resource-pulumi-nodejs"]) assert.ok(fs.statSync(path.join(root, "bin", binary)).mode & 0o100, `${binary} is executable`);
        assert.ok(fs.statSync(path.join(root, "plugins", "pulumi-resource-random")).mode & 0o100);
    });

    it("names the module and the command when a build step fails", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hotdash-go-"));
        try {
            fs.writeFileSync(path.join(dir, "go.mod"), "module hotdash.local/probe\n\ngo 1.26\n");
            await assert.rejects(
                runGo({ module: "example.invalid/nothing@v1.0.0", cwd: dir, args: ["build", "-o", path.join(dir, "x"), "example.invalid/nothing"] }),
                (e: Error) => e instanceof GoBuildError
                    && e.message.startsWith("building example.invalid/nothing@v1.0.0 failed: `go build -o ")
                    && e.message.includes(`(in ${dir}) exited with 1:`),
            );
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("says the three ways to get the CLI when it finds none and may neither download nor build", async () => {
        const empty = fs.mkdtempSync(path.join(os.tmpdir(), "hotdash-cache-"));
        try {
            await assert.rejects(
                locatePulumi({ env: { PATH: "", HOTDASH_TOOLCHAIN_CACHE: empty }, install: false, build: false }),
                (e: Error) => {
                    assert.equal(e.message, [
                        `No Pulumi CLI ${sdkVersion()} found. Any one of these gets it:`,
                        `  - install it: https://www.pulumi.com/docs/install/ (then \`pulumi version\` must print v${sdkVersion()});`,
                        "  - let `launch` download it (needs access to get.pulumi.com);",
                        "  - build it from Go modules with Go 1.26 or newer: `npx launch toolchain`.",
                    ].join("\n"));
                    return true;
                },
            );
        } finally {
            fs.rmSync(empty, { recursive: true, force: true });
        }
    });
});
