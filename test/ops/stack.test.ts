/**
 * `launch up | preview | destroy`: without the Pulumi CLI, the in-process engine against the sandbox, with its state
 * file encrypted; with a CLI on PATH, the real commands on a local file backend. A real `pulumi` is used when
 * installed; without one, that test reports itself skipped.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import type { CommandContext } from "../../ops/cli";
import { deserializeState } from "../../ops/engine/state";
import { destroyCommand, findPulumi, previewCommand, SANDBOX_PASSPHRASE, upCommand } from "../../ops/stack";
import { SANDBOX_CREDENTIALS as C } from "../../sandbox/credentials";
import { useSandbox } from "../helpers/sandbox";
import { ROOT } from "../helpers/stack";

describe("launch up | preview | destroy", function () {
    this.timeout(120000);
    const sandbox = useSandbox({ timeScale: 0.01 });
    let project: string;
    let savedPath: string | undefined;

    /** A project directory whose sandbox stack points at this test's sandbox (index.ts is the real one). */
    beforeEach(() => {
        project = fs.mkdtempSync(path.join(os.tmpdir(), "hotdash-launch-"));
        fs.symlinkSync(path.join(ROOT, "index.ts"), path.join(project, "index.ts"));
        fs.copyFileSync(path.join(ROOT, "Pulumi.yaml"), path.join(project, "Pulumi.yaml"));
        const fly = { ...(sandbox().stackConfig()["hotdash:fly"] as object), deployTimeoutSeconds: 5, checkGraceSeconds: 0.2 };
        fs.writeFileSync(path.join(project, "Pulumi.sandbox.yaml"), stringify({ config: { ...sandbox().stackConfig(), "hotdash:fly": fly } }));
        savedPath = process.env["PATH"];
    });
    afterEach(() => {
        process.env["PATH"] = savedPath;
        fs.rmSync(project, { recursive: true, force: true });
    });

    function context(options: Record<string, string | boolean>): CommandContext & { lines: string[] } {
        const lines: string[] = [];
        return { options, positionals: [], projectDir: project, out: (l) => lines.push(l), err: (l) => lines.push(`ERR ${l}`), lines };
    }

    it("without the CLI: runs the program in-process against the running sandbox, state encrypted on disk", async function () {
        if (findPulumi()) this.skip(); // this case is about machines without the CLI
        const up = context({ stack: "sandbox" });
        assert.equal(await upCommand.run(up), 0, up.lines.join("\n"));
        assert.ok(up.lines.includes("Pulumi CLI not found: running the program in-process against the sandbox (the engine the tests use). State: .sandbox/state/sandbox.json"));
        assert.ok(up.lines.some((l) => /^\s+\+ create\s+hotdash:FlyMachineGroup\s+hotdash-agent-service-machines-app$/.test(l)), up.lines.join("\n"));
        assert.equal(sandbox().fly.live("hotdash-agent-service").length, 2);

        const file = path.join(project, ".sandbox/state/sandbox.json");
        const text = fs.readFileSync(file, "utf8");
        for (const secret of [C.chatwootAdminToken, C.supabaseServiceRoleKey, sandbox().chatwoot.webhooks[0]!.secret!]) {
            assert.ok(!text.includes(secret), "a secret is in the state file in clear");
        }
        assert.equal(deserializeState(text, SANDBOX_PASSPHRASE).tag, sandbox().instance);
        assert.equal(fs.statSync(file).mode & 0o777, 0o600);

        const preview = context({ stack: "sandbox" });
        assert.equal(await previewCommand.run(preview), 0);
        assert.ok(preview.lines.some((l) => l.trim().startsWith("Resources: ") && l.includes("same") && !/create|update|delete/.test(l)), preview.lines.join("\n"));

        const destroy = context({ stack: "sandbox" });
        assert.equal(await destroyCommand.run(destroy), 0, destroy.lines.join("\n"));
        assert.equal(sandbox().fly.live("hotdash-agent-service").length, 0);
        assert.deepEqual(sandbox().chatwoot.webhooks, []);
    });

    it("refuses a real stack without the CLI, saying how to get it", async function () {
        if (findPulumi()) this.skip();
        fs.copyFileSync(path.join(ROOT, "Pulumi.prod.yaml"), path.join(project, "Pulumi.prod.yaml"));
        const env = { FLY_API_TOKEN: "x", SUPABASE_ACCESS_TOKEN: "x", CHATWOOT_API_TOKEN: "x", SUPABASE_SERVICE_ROLE_KEY: "x" };
        Object.assign(process.env, env);
        try {
            await assert.rejects(upCommand.run(context({ stack: "prod" })), /hotdash config for stack "prod" has \d+ problems/);
        } finally {
            for (const k of Object.keys(env)) delete process.env[k];
        }
    });

    it("with a CLI on PATH: selects the stack on a local file backend and runs pulumi up (a stand-in pulumi records the calls)", async () => {
        const bin = fs.mkdtempSync(path.join(os.tmpdir(), "hotdash-fake-pulumi-"));
        const calls = path.join(bin, "calls.log");
        fs.writeFileSync(path.join(bin, "pulumi"), `#!/bin/sh\necho "$* | $PULUMI_BACKEND_URL | $PULUMI_CONFIG_PASSPHRASE" >> ${calls}\n`, { mode: 0o755 });
        process.env["PATH"] = `${bin}${path.delimiter}${savedPath}`;
        try {
            assert.equal(await upCommand.run(context({ stack: "sandbox" })), 0);
            const backend = `file://${path.join(project, ".pulumi-state")}`;
            assert.deepEqual(fs.readFileSync(calls, "utf8").trim().split("\n"), [
                `stack select --create sandbox | ${backend} | ${SANDBOX_PASSPHRASE}`,
                `up --stack sandbox --yes | ${backend} | ${SANDBOX_PASSPHRASE}`,
            ]);
        } finally {
            fs.rmSync(bin, { recursive: true, force: true });
        }
    });

    it("with the real Pulumi CLI installed: pulumi preview and up against the sandbox on a local backend", async function () {
        const pulumi = findPulumi();
        if (!pulumi || spawnSync(pulumi, ["version"]).status !== 0) {
            console.log("      skipped: no Pulumi CLI on PATH (install it from https://www.pulumi.com/docs/install/)");
            this.skip();
        }
        const up = context({ stack: "sandbox" });
        assert.equal(await upCommand.run(up), 0);
        assert.equal(sandbox().fly.live("hotdash-agent-service").length, 2);
    });
});
