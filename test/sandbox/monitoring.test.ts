/**
 * The sandbox's monitoring mode: the edge metrics it derives from the request log, and the real daemons behind Fly's
 * managed Prometheus API on the sandbox's Fly server, stopped with the sandbox.
 */
import { strict as assert } from "node:assert";
import { APPS } from "../../components/catalog";
import { METRICS } from "../../components/monitoring/metrics";
import { type Sandbox, startSandbox } from "../../sandbox";
import { SANDBOX_CREDENTIALS as C } from "../../sandbox/credentials";
import { edgeMetrics, scaled } from "../../sandbox/monitoring";
import type { LoggedRequest } from "../../sandbox/server";
import { get, requireTools, waitFor } from "../helpers/prometheus";
import { call } from "../helpers/sandbox";

const entry = (server: string, status: number | "dropped", ms: number, p = "/health"): LoggedRequest =>
    ({ server, method: "GET", path: p, status, at: 1000, end: 1000 + ms });

describe("sandbox monitoring mode", () => {
    describe("edge metrics from the request log", () => {
        const text = edgeMetrics([
            entry("hotdash-llamaindex-mcp", 200, 3),
            entry("hotdash-llamaindex-mcp", 503, 40),
            entry("hotdash-llamaindex-mcp", "dropped", 700),
            entry("hotdash-agent-service", 200, 2, "/metrics"), // a scrape, not edge traffic
            entry("chatwoot", 418, 1),
            entry("fly", 200, 1), // a vendor API, not an app
        ]);
        const line = (series: string): string | undefined => text.split("\n").find((l) => l.startsWith(`${series} `));
        const r = METRICS.edgeResponses.name;
        const t = METRICS.edgeResponseTime.name;
        const mcp = APPS.llamaindexMcp.name;

        it("counts responses per app and status, a dropped connection as 502, every usual status from 0", () => {
            assert.equal(line(`${r}{app="${mcp}",status="200"}`), `${r}{app="${mcp}",status="200"} 1`);
            assert.equal(line(`${r}{app="${mcp}",status="503"}`), `${r}{app="${mcp}",status="503"} 1`);
            assert.equal(line(`${r}{app="${mcp}",status="502"}`), `${r}{app="${mcp}",status="502"} 1`);
            assert.equal(line(`${r}{app="${mcp}",status="500"}`), `${r}{app="${mcp}",status="500"} 0`);
            assert.equal(line(`${r}{app="${APPS.chatwoot.name}",status="418"}`), `${r}{app="${APPS.chatwoot.name}",status="418"} 1`);
            assert.equal(line(`${r}{app="${APPS.agentService.name}",status="200"}`), `${r}{app="${APPS.agentService.name}",status="200"} 0`);
            assert.ok(!text.includes('app="fly"'));
        });

        it("records response times in a cumulative histogram", () => {
            assert.equal(line(`${t}_bucket{app="${mcp}",le="0.005"}`), `${t}_bucket{app="${mcp}",le="0.005"} 1`);
            assert.equal(line(`${t}_bucket{app="${mcp}",le="0.05"}`), `${t}_bucket{app="${mcp}",le="0.05"} 2`);
            assert.equal(line(`${t}_bucket{app="${mcp}",le="0.5"}`), `${t}_bucket{app="${mcp}",le="0.5"} 2`);
            assert.equal(line(`${t}_bucket{app="${mcp}",le="1"}`), `${t}_bucket{app="${mcp}",le="1"} 3`);
            assert.equal(line(`${t}_bucket{app="${mcp}",le="+Inf"}`), `${t}_bucket{app="${mcp}",le="+Inf"} 3`);
            assert.equal(line(`${t}_count{app="${mcp}"}`), `${t}_count{app="${mcp}"} 3`);
        });

        it("scales durations with the time scale, never below a second", () => {
            assert.equal(scaled(300, 1), "300s");
            assert.equal(scaled(300, 0.01), "3s");
            assert.equal(scaled(15, 0.01), "1s");
        });
    });

    describe("Fly's managed Prometheus API on the Fly server", function () {
        this.timeout(60_000);
        let sandbox: Sandbox | undefined;
        before(async function () {
            requireTools(this, "prometheus", "prometheus-blackbox-exporter", "prometheus-alertmanager");
            sandbox = await startSandbox({ timeScale: 0.01, monitoring: true });
        });
        after(async () => sandbox?.stop());

        const api = (query: string, token = C.flyOrgToken as string, org: string = C.flyOrg): ReturnType<typeof call> =>
            call(`${sandbox!.urls.fly}/prometheus/${org}/api/v1/query?query=${encodeURIComponent(query)}`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

        it("answers queries from the real Prometheus: every app probed, the edge and the agent's metrics scraped", async () => {
            const healthy = await waitFor("every app probed healthy", async () => {
                const r = await api(`${METRICS.probeSuccess.name} == 1`);
                const apps = (r.body as { data: { result: Array<{ metric: { app: string } }> } }).data.result.map((x) => x.metric.app).sort();
                return apps.length === 3 ? apps : undefined;
            }, 20_000);
            assert.deepEqual(healthy, Object.values(APPS).map((a) => a.name).sort());
            await call(`${sandbox!.urls["hotdash-llamaindex-mcp"]}/health`);
            const edge = await waitFor("the edge's 200s of the MCP app", async () => {
                const r = await api(`${METRICS.edgeResponses.name}{app="${APPS.llamaindexMcp.name}",status="200"} > 0`);
                return (r.body as { data: { result: unknown[] } }).data.result.length ? r : undefined;
            }, 10_000);
            assert.equal(edge.status, 200);
            // The agent is its own scrape job: its first scrape may come after the edge's.
            const agent = await waitFor("the agent's delivery counters", async () => {
                const r = await api(`${METRICS.webhookDeliveries.name}`);
                const results = (r.body as { data: { result: Array<{ metric: { result: string } }> } }).data.result.map((x) => x.metric.result).sort();
                return results.length ? results : undefined;
            }, 10_000);
            assert.deepEqual(agent, ["rejected", "verified"]);
        });

        it("refuses a request without a token, and another org's metrics", async () => {
            assert.equal((await api("up", "")).status, 401);
            assert.equal((await api("up", C.flyOrgToken, "someone-else")).status, 403);
        });

        it("stops the daemons with the sandbox", async () => {
            const url = sandbox!.monitoring!.prometheusUrl;
            assert.equal((await get(`${url}/-/ready`))?.status, 200);
            await sandbox!.stop();
            sandbox = undefined;
            assert.equal(await get(`${url}/-/ready`), undefined);
        });
    });

    it("without monitoring mode the metrics API says how to get it", async () => {
        const sandbox = await startSandbox({ timeScale: 0.01 });
        try {
            const r = await call(`${sandbox.urls.fly}/prometheus/${C.flyOrg}/api/v1/query?query=up`, { headers: { authorization: `Bearer ${C.flyOrgToken}` } });
            assert.equal(r.status, 404);
            assert.deepEqual(r.body, { error: "the sandbox runs without monitoring: start it with startSandbox({ monitoring: true })" });
            assert.equal(sandbox.monitoring, undefined);
        } finally {
            await sandbox.stop();
        }
    });
});
