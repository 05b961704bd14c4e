/**
 * The sandbox's Fly runs a machine's checks for real: an HTTP GET of the check's path on the app the machine serves,
 * forced to that machine, so a check passes only while that endpoint answers 2xx. And it refuses a certificate for a
 * hostname Fly refuses.
 */
import { strict as assert } from "node:assert";
import { SANDBOX_CREDENTIALS as C } from "../../sandbox/credentials";
import type { FlyMachine } from "../../sandbox/fly";
import { sleep } from "../../sandbox/server";
import { call, useSandbox } from "../helpers/sandbox";

const fly = { authorization: `Bearer ${C.flyOrgToken}` };
const AGENT = "hotdash-agent-service";

describe("sandbox Fly", () => {
    const sandbox = useSandbox({ timeScale: 0.01 });

    /** Creates a machine with one HTTP service check on /health (checked every 15 s, 0.15 s at this scale). */
    async function machine(app: string, image: string): Promise<FlyMachine> {
        if (!sandbox().fly.apps[app]) sandbox().fly.seedApp(app);
        const r = await call(`${sandbox().urls.fly}/v1/apps/${app}/machines`, {
            method: "POST", headers: fly,
            body: { region: "iad", config: { image, services: [{ protocol: "tcp", internal_port: 8080, ports: [{ port: 443, handlers: ["tls", "http"] }], checks: [{ type: "http", port: 8080, path: "/health", interval: "15s", timeout: "5s" }] }] } },
        });
        assert.equal(r.status, 200, JSON.stringify(r.body));
        return sandbox().fly.machines[(r.body as { id: string }).id]!;
    }

    async function until(what: string, ok: () => boolean, ms = 5000): Promise<void> {
        const deadline = Date.now() + ms;
        while (!ok()) {
            if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
            await sleep(10);
        }
    }

    describe("machine checks probe the app for real", () => {
        it("pass when the app's health endpoint answers, probed on the machine itself", async () => {
            const m = await machine(AGENT, `registry.fly.io/${AGENT}@sha256:${"a".repeat(64)}`);
            await until("passing checks", () => m.checks.length > 0);
            assert.deepEqual(m.checks.map((c) => [c.name, c.status, c.output]), [["servicecheck-00-http-0", "passing", "Success"]]);
            assert.ok(sandbox().log.some((r) => r.server === AGENT && r.method === "GET" && r.path === "/health" && r.status === 200), "the agent service's /health was asked");
        });

        it("go critical when the app's health endpoint fails, and pass again when it recovers", async () => {
            const m = await machine(AGENT, `registry.fly.io/${AGENT}@sha256:${"a".repeat(64)}`);
            await until("passing checks", () => m.checks[0]?.status === "passing");
            sandbox().agentService.healthy = false;
            await until("a critical check", () => m.checks[0]?.status === "critical");
            assert.match(m.checks[0]!.output, /^GET \/health: 503 Service Unavailable/);
            sandbox().agentService.healthy = true;
            await until("passing again", () => m.checks[0]?.status === "passing");
        });

        it("go critical for a bad image because its health endpoint answers 500, while the good machines pass", async () => {
            const bad = `registry.fly.io/${AGENT}@sha256:${"d".repeat(64)}`;
            sandbox().fly.images[bad] = "unhealthy";
            const good = await machine(AGENT, `registry.fly.io/${AGENT}@sha256:${"a".repeat(64)}`);
            const sick = await machine(AGENT, bad);
            await until("checks on both", () => good.checks.length > 0 && sick.checks.length > 0);
            assert.equal(good.checks[0]!.status, "passing");
            assert.equal(sick.checks[0]!.status, "critical");
            assert.match(sick.checks[0]!.output, /^GET \/health: 500 Internal Server Error \(.*database connection refused/);
            assert.ok(sandbox().log.some((r) => r.server === AGENT && r.path === "/health" && r.status === 500), "the bad machine's /health answered 500");
        });

        it("go critical for an app nothing serves", async () => {
            const m = await machine("hotdash-nobody-home", `registry.fly.io/x@sha256:${"a".repeat(64)}`);
            await until("a check result", () => m.checks.length > 0);
            assert.equal(m.checks[0]!.status, "critical");
            assert.equal(m.checks[0]!.output, "GET /health: connection refused (nothing serves hotdash-nobody-home in the sandbox)");
        });
    });

    describe("certificates", () => {
        const acme = (hostname: unknown) => call(`${sandbox().urls.fly}/v1/apps/${AGENT}/certificates/acme`, { method: "POST", headers: fly, body: { hostname } });

        it("are refused with 422 for a hostname Fly cannot issue one for, and nothing is recorded", async () => {
            sandbox().fly.seedApp(AGENT);
            const cases: [unknown, string][] = [
                ["", "hostname can't be blank"],
                [undefined, "hostname can't be blank"],
                ["localhost", 'hostname "localhost" is not a valid domain name'],
                ["-bad.example.com", 'hostname "-bad.example.com" is not a valid domain name'],
                ["support..example.com", 'hostname "support..example.com" is not a valid domain name'],
                ["10.0.0.1", 'hostname "10.0.0.1" is not a valid domain name'],
                [`${AGENT}.fly.dev`, `${AGENT}.fly.dev is covered by Fly's own certificate; add a certificate only for a custom domain`],
            ];
            for (const [hostname, error] of cases) {
                await sleep(40); // Fly's bucket for this action is 1 a second, burst 3 (10 ms at this scale)
                const r = await acme(hostname);
                assert.deepEqual([r.status, r.body], [422, { error }], String(hostname));
            }
            assert.deepEqual(sandbox().fly.apps[AGENT]!.certificates, {});
        });

        it("are issued for a custom domain", async () => {
            sandbox().fly.seedApp(AGENT);
            const r = await acme("support.hotdash.example");
            assert.equal(r.status, 201);
            assert.equal((r.body as { hostname: string }).hostname, "support.hotdash.example");
            assert.deepEqual(Object.keys(sandbox().fly.apps[AGENT]!.certificates), ["support.hotdash.example"]);
        });
    });
});
