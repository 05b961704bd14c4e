/**
 * `launch up | preview | refresh | destroy` on Pulumi's real engine (the toolchain's CLI through the Automation API),
 * against a sandbox that keeps its state on disk: a second `up` changes nothing, even across a sandbox restart, and
 * the stack's checkpoint is Pulumi's own, every secret encrypted.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import type { CommandContext } from "../../ops/cli";
import { resetCommand } from "../../ops/reset";
import { destroyCommand, previewCommand, refreshCommand, upCommand } from "../../ops/stack";
import { type Sandbox, startSandbox } from "../../sandbox";
import { SANDBOX_CREDENTIALS as C } from "../../sandbox/credentials";
import { projectTarget, stackCli } from "../../ops/workspace";
import { type LaunchProject, launchProject } from "../helpers/launch";
import { testPulumi } from "../helpers/stack";

describe("launch up | preview | refresh | destroy (real engine)", function () {
    this.timeout(300000);
    let dir: LaunchProject;
    let project: string;
    let sandbox: Sandbox | undefined;
    const stateFile = (): string => dir.stateFile;

    /** A project directory whose sandbox stack points at this test's sandbox (index.ts is the real one). */
    before(async () => {
        await testPulumi();
        dir = launchProject();
        project = dir.dir;
        sandbox = await startSandbox({ timeScale: 0.01, stateFile: stateFile() });
        dir.pointAt(sandbox);
    });
    after(async () => {
        await sandbox?.stop();
        dir?.dispose();
    });

    function context(options: Record<string, string | boolean>): CommandContext & { lines: string[] } {
        const lines: string[] = [];
        return { options, positionals: [], projectDir: project, out: (l) => lines.push(l), err: (l) => lines.push(`ERR ${l}`), lines };
    }

    it("up provisions through Pulumi's engine; the checkpoint is Pulumi's own with every secret encrypted", async () => {
        const up = context({ stack: "sandbox" });
        assert.equal(await upCommand.run(up), 0, up.lines.join("\n"));
        assert.ok(up.lines.some((l) => /^\s+\+\s+pulumi-nodejs:dynamic\/hotdash:FlyMachineGroup hotdash-agent-service-machines-app created/.test(l)), up.lines.join("\n"));
        assert.equal(sandbox!.fly.live("hotdash-agent-service").length, 2);
        // the pre-launch dump ran against the sandbox's PostgreSQL, into the dump directory beside its state
        assert.ok(up.lines.some((l) => /^\s+\+\s+pulumi-nodejs:dynamic\/hotdash:PgDump hotdash-pre-launch-backup-pg-dump created/.test(l)), up.lines.join("\n"));
        assert.deepEqual(fs.readdirSync(path.join(project, ".sandbox", "backups")).map((f) => /^hotdash-\d{8}T\d{6}Z\.dump$/.test(f)), [true]);

        const located = await testPulumi();
        // the checkpoint as stored, through the stack launch used (the project's file backend, the sandbox passphrase)
        const exported = await stackCli(projectTarget(project, "sandbox", true), located)(["stack", "export"]);
        const checkpoint = JSON.parse(exported) as { version: number; deployment: { secrets_providers: { type: string }; resources: { type: string }[] } };
        assert.equal(checkpoint.version, 3);
        assert.equal(checkpoint.deployment.secrets_providers.type, "passphrase");
        assert.ok(checkpoint.deployment.resources.some((r) => r.type === "pulumi:pulumi:Stack"));
        for (const secret of [C.chatwootAdminToken, C.supabaseServiceRoleKey, C.flyOrgToken, sandbox!.chatwoot.webhooks[0]!.secret!]) {
            assert.ok(!exported.includes(secret), "a secret is in Pulumi's checkpoint in clear");
        }
        assert.match(exported, /"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",\s+"ciphertext"/);
    });

    it("a second up, after a sandbox restart, reports no changes and makes no mutating vendor call", async () => {
        await sandbox!.stop();
        sandbox = await startSandbox({ timeScale: 0.01, stateFile: stateFile(), ports: portsOf(sandbox!), databasePort: sandbox!.database.port });
        assert.equal(sandbox.fly.live("hotdash-agent-service").length, 2, "the sandbox remembered its machines");
        const up = context({ stack: "sandbox" });
        assert.equal(await upCommand.run(up), 0, up.lines.join("\n"));
        assert.deepEqual(sandbox.mutatingRequests(), []);
        assert.ok(up.lines.some((l) => /^\s+\d+ unchanged$/.test(l)) && !up.lines.some((l) => /to create|created|updated|replaced|deleted/.test(l)), up.lines.join("\n"));

        const preview = context({ stack: "sandbox" });
        assert.equal(await previewCommand.run(preview), 0);
        assert.ok(preview.lines.some((l) => /^\s+\d+ unchanged$/.test(l)), preview.lines.join("\n"));
        const refresh = context({ stack: "sandbox" });
        assert.equal(await refreshCommand.run(refresh), 0, refresh.lines.join("\n"));
    });

    it("destroy empties the sandbox", async () => {
        const destroy = context({ stack: "sandbox" });
        assert.equal(await destroyCommand.run(destroy), 0, destroy.lines.join("\n"));
        assert.equal(sandbox!.fly.live("hotdash-agent-service").length, 0);
        assert.deepEqual(sandbox!.chatwoot.webhooks, []);
    });

    it("a failed update exits 1 and says so", async () => {
        const config = fs.readFileSync(path.join(project, "Pulumi.sandbox.yaml"), "utf8");
        // an agent's token instead of an administrator's: set in plain text, it takes the encrypted one's place
        const doc = parse(config) as { config: Record<string, unknown> };
        doc.config["hotdash:chatwootApiToken"] = C.chatwootAgentToken;
        fs.writeFileSync(path.join(project, "Pulumi.sandbox.yaml"), stringify(doc, { defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN" }));
        try {
            const up = context({ stack: "sandbox" });
            assert.equal(await upCommand.run(up), 1);
            assert.ok(up.lines.includes("ERR launch up: pulumi up failed (its output is above)"), up.lines.join("\n"));
            assert.ok(up.lines.some((l) => l.includes("webhooks need an administrator's token")), up.lines.join("\n"));
        } finally {
            fs.writeFileSync(path.join(project, "Pulumi.sandbox.yaml"), config);
        }
    });

    it("reset empties the running sandbox and forgets the stack, together", async () => {
        // something in the running sandbox to empty, whatever the failed update got to before it stopped
        if (!Object.keys(sandbox!.fly.apps).length) sandbox!.fly.seedApp("hotdash-agent-service");
        const reset = context({ stack: "sandbox" });
        assert.equal(await resetCommand.run(reset), 0, reset.lines.join("\n"));
        assert.deepEqual(reset.lines, ["Emptied the running sandbox.", "Removed stack sandbox from .pulumi-state."]);
        assert.deepEqual(Object.keys(sandbox!.fly.apps), []);
        assert.deepEqual(sandbox!.chatwoot.webhooks, []);
        assert.ok(fs.existsSync(path.join(project, "Pulumi.sandbox.yaml")), "the stack's config file stays");
        const preview = context({ stack: "sandbox" });
        assert.equal(await previewCommand.run(preview), 0, preview.lines.join("\n"));
        assert.ok(preview.lines.some((l) => /^\s+\+ \d+ to create$/.test(l)), preview.lines.join("\n"));
    });
});

function portsOf(s: Sandbox): Record<string, number> {
    return Object.fromEntries(Object.entries(s.urls).filter(([k]) => k !== "hotdash-chatwoot").map(([k, u]) => [k, Number(new URL(u).port)]));
}
