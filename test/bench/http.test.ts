/** bench/http: the server runs in a process of its own, and a side answered with an error fails the benchmark. */
import { strict as assert } from "node:assert";
import { measureOverhead, startSandboxProcess } from "../../bench/http";
import { SANDBOX_CREDENTIALS as C } from "../../sandbox/credentials";
import { call, useSandbox } from "../helpers/sandbox";

describe("bench/http", function () {
    this.timeout(60000);
    const sandbox = useSandbox({ timeScale: 1e-6 });

    it("starts the sandbox in another process, listening, and stops it", async () => {
        const child = await startSandboxProcess();
        try {
            assert.notEqual(child.pid, process.pid);
            const r = await call(`${child.urls["chatwoot"]}/__sandbox`);
            assert.equal((r.body as { sandbox: string }).sandbox, "chatwoot");
        } finally {
            await child.stop();
        }
        await assert.rejects(call(`${child.urls["chatwoot"]}/__sandbox`), "the process is gone");
    });

    it("measures a ratio when both sides get their 200", async () => {
        const ratio = await measureOverhead(sandbox().urls.chatwoot, "/api/v1/profile", { api_access_token: C.chatwootAdminToken }, 2, 5, 1);
        assert.ok(Number.isFinite(ratio) && ratio > 0, String(ratio));
    });

    it("fails when the server refuses the requests, rather than timing the refusals", async () => {
        await assert.rejects(measureOverhead(sandbox().urls.chatwoot, "/api/v1/profile", { api_access_token: "not-a-token" }, 2, 5, 1), /raw GET \/api\/v1\/profile answered 401/);
    });
});
