import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { type CommandContext, UsageError } from "../../../ops/cli";
import { parsePrometheusUrl, runStatus, statusCommand } from "../../../ops/status/command";
import { sandboxStackConfig } from "../../../sandbox";
import { freePort } from "../../helpers/prometheus";

describe("launch status: the command line", () => {
    let dir: string;
    let flyUrl: string;
    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "hotdash-status-"));
        // a sandbox stack whose sandbox is not running: every URL on a port nothing listens on
        const base = `http://127.0.0.1:${await freePort()}`;
        const urls = Object.fromEntries(["fly", "supabase", "supabase-rest", "chatwoot", "hotdash-agent-service", "hotdash-llamaindex-mcp", "slack", "hotdash-chatwoot"].map((k) => [k, base]));
        const config = sandboxStackConfig(urls as Parameters<typeof sandboxStackConfig>[0], `postgresql://postgres@127.0.0.1:${await freePort()}/postgres`);
        flyUrl = (config["hotdash:fly"] as { apiUrl: string }).apiUrl;
        fs.writeFileSync(path.join(dir, "Pulumi.sandbox.yaml"), stringify({ config }));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const ctx = (options: Record<string, string | boolean>): CommandContext => ({ options, positionals: [], projectDir: dir, out: () => undefined, err: () => undefined });

    it("is listed with its usage", () => {
        assert.equal(statusCommand.usage, "launch status --stack <stack> [--post] [--watch <duration>] [--prometheus <url>]");
        assert.deepEqual([statusCommand.options, statusCommand.flags], [["stack", "watch", "prometheus"], ["post"]]);
    });

    it("refuses a bad --watch or time scale with the fix, before reading anything", async () => {
        await assert.rejects(runStatus(ctx({ stack: "sandbox", watch: "1d" })), (e: Error) => e instanceof UsageError && e.message === '--watch "1d" is not a duration such as 30m, 8h or 24h');
        await assert.rejects(runStatus(ctx({ stack: "sandbox" }), { env: { LAUNCH_STATUS_TIME_SCALE: "fast" } }),
            (e: Error) => e instanceof UsageError && e.message === 'LAUNCH_STATUS_TIME_SCALE must be a number in (0, 1], not "fast"');
        await assert.rejects(runStatus(ctx({ stack: "sandbox", prometheus: "127.0.0.1:9090" })),
            (e: Error) => e instanceof UsageError && e.message === '--prometheus "127.0.0.1:9090" is not a Prometheus base URL such as http://127.0.0.1:9090 (`fly proxy 9090 -a hotdash-monitor`)');
        assert.equal(parsePrometheusUrl("http://127.0.0.1:9090/"), "http://127.0.0.1:9090");
        await assert.rejects(runStatus(ctx({})), (e: Error) => e instanceof UsageError && e.message === "--stack <name> is required (sandbox or prod)");
    });

    it("says how to start the sandbox with its monitoring when none answers", async () => {
        await assert.rejects(runStatus(ctx({ stack: "sandbox" }), { env: {} }),
            (e: Error) => e.message === `no sandbox answers at ${flyUrl}; start it with its monitoring (SANDBOX_MONITORING=1 npm run sandbox)`);
    });
});
