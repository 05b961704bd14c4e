import { strict as assert } from "node:assert";
import { APPS } from "../../../components/catalog";
import { contentRangeCount, rangeSince, readMetrics, worst } from "../../../ops/status/metrics";
import { SANDBOX_CREDENTIALS as C } from "../../../sandbox/credentials";
import { useSandbox } from "../../helpers/sandbox";
import { flyPrometheusUrl } from "../../../ops/status/status";

const APP_NAMES = { agentService: { name: APPS.agentService.name }, llamaindexMcp: { name: APPS.llamaindexMcp.name }, chatwoot: { name: APPS.chatwoot.name } };
const sample = (app: string, v: string) => ({ metric: { app }, value: [0, v] as const });

describe("launch status: reading the sources", () => {
    it("takes the worst app's value: highest for what must stay low, lowest for what must stay high; NaN is no data", () => {
        const r = [sample("a", "0.5"), sample("b", "2"), sample("c", "NaN")];
        assert.deepEqual(worst(r, "max"), { value: 2, app: "b" });
        assert.deepEqual(worst(r, "min"), { value: 0.5, app: "a" });
        assert.deepEqual(worst(r, "max", 1000), { value: 2000, app: "b" });
        assert.equal(worst([sample("c", "NaN")], "max"), undefined);
        assert.equal(worst([], "min"), undefined);
    });

    it("covers T-0 to now in whole seconds, at least one", () => {
        assert.equal(rangeSince(new Date(0), new Date(7_200_000)), "7200s");
        assert.equal(rangeSince(new Date(0), new Date(1_500)), "2s");
        assert.equal(rangeSince(new Date(5_000), new Date(5_000)), "1s");
    });

    it("reads PostgREST's exact count from Content-Range", () => {
        assert.equal(contentRangeCount("0-24/3573"), 3573);
        assert.equal(contentRangeCount("*/0"), 0);
        assert.equal(contentRangeCount("0-24/*"), undefined);
        assert.equal(contentRangeCount(undefined), undefined);
    });

    it("asks Fly's managed Prometheus at api.fly.io for Fly, at the Machines API's own origin otherwise (the sandbox)", () => {
        assert.equal(flyPrometheusUrl({ fly: { apiUrl: "https://api.machines.dev/v1", org: "hotdash", primaryRegion: "iad", deployTimeoutSeconds: 1, checkGraceSeconds: 1 } }), "https://api.fly.io/prometheus/hotdash");
        assert.equal(flyPrometheusUrl({ fly: { apiUrl: "http://127.0.0.1:4280/v1", org: "hotdash", primaryRegion: "iad", deployTimeoutSeconds: 1, checkGraceSeconds: 1 } }), "http://127.0.0.1:4280/prometheus/hotdash");
    });
});

describe("launch status: sources that fail or have nothing yet", () => {
    const sandbox = useSandbox();

    it("gives no data with the source's own reason, never a number; counts the approvals all the same", async () => {
        const s = sandbox();
        await s.database.pool.query("INSERT INTO agent_approvals (status) VALUES ('approved'), ('pending')");
        const sources = { prometheusUrl: `${s.urls.fly}/prometheus/${C.flyOrg}`, prometheusToken: C.flyOrgToken, supabaseUrl: s.urls["supabase-rest"], serviceRoleKey: C.supabaseServiceRoleKey };
        const read = await readMetrics(sources, APP_NAMES, new Date(Date.now() - 60_000), new Date());
        // request ids differ per answer
        const m = JSON.parse(JSON.stringify(read).replace(/request id [0-9a-f]+-iad/g, "request id <id>")) as typeof read;
        const reason = "Prometheus API GET /query failed with 404: the sandbox runs without monitoring: start it with startSandbox({ monitoring: true }) (1 attempt, request id <id>)";
        assert.deepEqual(m, {
            uptimePercent: { missing: reason }, errorRatePercent: { missing: reason }, latencyP95Ms: { missing: reason },
            webhookDeliveryPercent: { missing: reason }, draftGenerationSeconds: { missing: reason },
            approvalsProcessed: { value: 1 }, approvalRatePercent: { value: 100 }, queueDepth: { value: 1 },
        });
        const wrongKey = await readMetrics({ ...sources, serviceRoleKey: "wrong-key" }, APP_NAMES, new Date(0), new Date());
        assert.deepEqual(wrongKey.approvalsProcessed, { missing: "could not count agent_approvals: PostgREST answered 401 without a count to HEAD /agent_approvals" });
        await s.database.pool.query("DELETE FROM agent_approvals");
        assert.deepEqual((await readMetrics(sources, APP_NAMES, new Date(0), new Date())).approvalRatePercent, { missing: "no draft processed yet" });
    });
});
