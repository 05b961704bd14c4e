/** `npm run sandbox`: one SANDBOX line per server, serving, and a clean stop on Ctrl-C. */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { call } from "../helpers/sandbox";
import { SANDBOX_DATABASE_PORT, SANDBOX_PORTS } from "../../sandbox/credentials";
import { rawFromStackFile } from "../../components/config/load";
import { SANDBOX_CREDENTIALS as C, SANDBOX_PASSPHRASE } from "../../sandbox/credentials";
import { sandboxDatabaseUrl, sandboxStackConfig } from "../../sandbox";

const ROOT = path.resolve(__dirname, "../..");

describe("npm run sandbox", () => {
    it("starts every server, prints its URL and stops cleanly on Ctrl-C", async () => {
        const script = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts["sandbox"]!;
        // the script's own command line, run as its own process group so SIGINT reaches it as Ctrl-C would
        const [command, ...args] = script.split(" ");
        const child = spawn(command === "node" ? process.execPath : command!, args, { cwd: ROOT, detached: true, env: { ...process.env, SANDBOX_FREE_PORTS: "1" } });
        let out = "";
        child.stdout.on("data", (d: Buffer) => { out += d.toString(); });
        child.stderr.on("data", (d: Buffer) => { out += d.toString(); });
        const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
        const deadline = Date.now() + 20000;
        while (!out.includes("sandbox ready") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        assert.ok(out.includes("sandbox ready"), out);

        const lines = out.split("\n").filter((l) => l.startsWith("SANDBOX "));
        const urls = Object.fromEntries(lines.map((l) => l.split(" ").slice(1) as [string, string]));
        assert.deepEqual(Object.keys(urls).sort(), [
            "chatwoot", "fly", "hotdash-agent-service", "hotdash-chatwoot", "hotdash-llamaindex-mcp", "slack", "supabase", "supabase-rest",
        ]);
        for (const url of Object.values(urls)) assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
        assert.equal((await call(`${urls["hotdash-agent-service"]}/health`)).status, 200);
        assert.deepEqual((await call(`${urls["chatwoot"]}/health`)).body, { status: "woot" });

        process.kill(-child.pid!, "SIGINT");
        assert.equal(await exited, 0);
        assert.match(out, /sandbox stopped \(SIGINT\)/);
        await assert.rejects(call(`${urls["fly"]}/v1/apps`), /ECONNREFUSED/);
    });

    it("listens by default on the ports Pulumi.sandbox.yaml names, with its tokens (encrypted under the sandbox passphrase)", () => {
        const committed = rawFromStackFile(fs.readFileSync(path.join(ROOT, "Pulumi.sandbox.yaml"), "utf8"), SANDBOX_PASSPHRASE).values;
        const at = (port: number): string => `http://127.0.0.1:${port}`;
        const urls = Object.fromEntries(Object.entries(SANDBOX_PORTS).map(([name, port]) => [name, at(port)]));
        const expected = sandboxStackConfig({ ...urls, "hotdash-chatwoot": at(SANDBOX_PORTS.chatwoot) } as Parameters<typeof sandboxStackConfig>[0],
            sandboxDatabaseUrl(SANDBOX_DATABASE_PORT));
        assert.deepEqual(committed, expected);
        assert.equal(committed["hotdash:flyApiToken"], C.flyOrgToken);
    });
});
