import { strict as assert } from "node:assert";
import { servicePorts } from "../../../policies/rules/servicePorts";
import { editing, findings, leakedCanaries, outcome, passingStack, problems, UNKNOWN_SENTINEL } from "../fixtures";

type Svc = { ports: Record<string, unknown>[] };
type Props = { config: { services: Svc[] } };
const WEB = "hotdash-chatwoot-machines-web";

describe("policies/rules/servicePorts (HD-SSL-002)", () => {
    it("passes public groups and skips groups without traffic", () => {
        assert.deepEqual(outcome(servicePorts, passingStack()), [
            ["pass", "hotdash-llamaindex-mcp-machines-app: port 80 forces HTTPS and port 443 terminates TLS"],
            ["pass", "hotdash-agent-service-machines-app: port 80 forces HTTPS and port 443 terminates TLS"],
            ["pass", "hotdash-chatwoot-machines-web: port 80 forces HTTPS and port 443 terminates TLS"],
            ["n/a", "hotdash-chatwoot-machines-worker: no service (this process group takes no traffic)"],
            ["n/a", "hotdash-monitor-machines-prometheus: no service (this process group takes no traffic)"],
        ]);
    });

    it("fails port 80 without force_https", () => {
        const stack = editing(passingStack(), WEB, (p) => { (p as unknown as Props).config.services[0]!.ports[0]!["force_https"] = false; });
        assert.deepEqual(problems(servicePorts, stack), [["fail", "hotdash-chatwoot-machines-web: port 80 of the service does not force HTTPS"]]);
    });

    it("fails port 443 without tls, and a missing port 80", () => {
        const stack = editing(passingStack(), WEB, (p) => {
            const svc = (p as unknown as Props).config.services[0]!;
            svc.ports = [{ port: 443, handlers: ["http"] }];
        });
        assert.deepEqual(problems(servicePorts, stack), [
            ["fail", "hotdash-chatwoot-machines-web: the service has no port 80 redirecting to HTTPS"],
            ["fail", "hotdash-chatwoot-machines-web: port 443 of the service does not terminate TLS (no \"tls\" handler)"],
        ]);
    });

    it("fails a public group without a service", () => {
        const stack = editing(passingStack(), "hotdash-agent-service-machines-app", (p) => { delete (p as unknown as { config: Record<string, unknown> }).config["services"]; });
        assert.deepEqual(problems(servicePorts, stack), [["fail", "hotdash-agent-service-machines-app: public process group app has no service, so it serves no HTTPS"]]);
    });

    it("is unknown in preview", () => {
        const stack = editing(passingStack(), WEB, (p) => { p["config"] = { __pulumiUnknown: true }; });
        assert.deepEqual(problems(servicePorts, stack), [["unknown", "hotdash-chatwoot-machines-web: cannot check the machine config's services during preview (not known until apply)"]]);
        const ports = editing(passingStack(), WEB, (p) => { (p as unknown as { config: { services: Record<string, unknown>[] } }).config.services[0]!["ports"] = UNKNOWN_SENTINEL; });
        assert.deepEqual(problems(servicePorts, ports), [["unknown", "hotdash-chatwoot-machines-web: cannot check the ports of the service during preview (not known until apply)"]]);
    });

    it("never shows a secret's value", () => {
        assert.deepEqual(leakedCanaries(findings(servicePorts, passingStack())), []);
    });
});
