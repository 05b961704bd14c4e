import { strict as assert } from "node:assert";
import { healthChecks } from "../../../policies/rules/healthChecks";
import { editing, findings, leakedCanaries, outcome, passingStack, problems, UNKNOWN_SENTINEL } from "../fixtures";

type Props = { config: { services: Record<string, unknown>[]; checks?: unknown } };
const LLAMA = "hotdash-llamaindex-mcp-machines-app";
const service = (edit: (p: Props) => void) => editing(passingStack(), LLAMA, (p) => edit(p as unknown as Props));

describe("policies/rules/healthChecks (HD-HLT-001)", () => {
    it("passes an HTTP check on every service", () => {
        assert.deepEqual(outcome(healthChecks, passingStack()), [
            ["pass", "hotdash-llamaindex-mcp-machines-app: HTTP check GET /health on port 8080"],
            ["pass", "hotdash-agent-service-machines-app: HTTP check GET /health on port 8080"],
            ["pass", "hotdash-chatwoot-machines-web: HTTP check GET /health on port 3000"],
            ["n/a", "hotdash-chatwoot-machines-worker: no service, so no health check to require"],
            ["n/a", "hotdash-monitor-machines-prometheus: no service, so no health check to require"],
        ]);
    });

    it("fails a service without one", () => {
        assert.deepEqual(problems(healthChecks, service((p) => { p.config.services[0]!["checks"] = []; })), [["fail", "hotdash-llamaindex-mcp-machines-app: the service on port 8080 has no HTTP health check"]]);
        assert.deepEqual(problems(healthChecks, service((p) => { p.config.services[0]!["checks"] = [{ type: "tcp", port: 8080, interval: "15s", timeout: "5s" }]; })), [["fail", "hotdash-llamaindex-mcp-machines-app: the service on port 8080 has no HTTP health check"]]);
    });

    it("accepts a top-level machine check on the service's port", () => {
        const stack = service((p) => {
            p.config.services[0]!["checks"] = [];
            p.config.checks = { health: { type: "http", port: 8080, method: "GET", path: "/health", interval: "15s", timeout: "5s" } };
        });
        assert.deepEqual(outcome(healthChecks, stack)[0], ["pass", "hotdash-llamaindex-mcp-machines-app: HTTP check GET /health on port 8080"]);
    });

    it("fails an HTTP check on any path but the app's health path from the catalog", () => {
        const onPath = (path: string) => service((p) => { p.config.services[0]!["checks"] = [{ type: "http", port: 8080, method: "GET", path, interval: "15s", timeout: "5s" }]; });
        assert.deepEqual(problems(healthChecks, onPath("/")), [["fail", "hotdash-llamaindex-mcp-machines-app: the service on port 8080 checks /, not the app's health path /health"]]);
        assert.deepEqual(problems(healthChecks, onPath("/healthz")), [["fail", "hotdash-llamaindex-mcp-machines-app: the service on port 8080 checks /healthz, not the app's health path /health"]]);
        const topLevel = service((p) => {
            p.config.services[0]!["checks"] = [];
            p.config.checks = { health: { type: "http", port: 8080, method: "GET", path: "/ready", interval: "15s", timeout: "5s" } };
        });
        const [f] = findings(healthChecks, topLevel);
        assert.deepEqual([f!.status, f!.message, f!.fix], ["fail", "hotdash-llamaindex-mcp-machines-app: the service on port 8080 checks /ready, not the app's health path /health",
            "check GET /health (publicService() in components/fly/machineSpec.ts takes it from components/catalog.ts)"]);
    });

    it("is unknown in preview", () => {
        assert.deepEqual(problems(healthChecks, service((p) => { p.config.services[0]!["checks"] = UNKNOWN_SENTINEL; })), [["unknown", "hotdash-llamaindex-mcp-machines-app: cannot check the checks of the service on port 8080 during preview (not known until apply)"]]);
        assert.deepEqual(problems(healthChecks, service((p) => { (p as unknown as Record<string, unknown>)["config"] = UNKNOWN_SENTINEL; })), [["unknown", "hotdash-llamaindex-mcp-machines-app: cannot check the machine config's services during preview (not known until apply)"]]);
    });

    it("never shows a secret's value", () => {
        assert.deepEqual(leakedCanaries(findings(healthChecks, passingStack())), []);
    });
});
