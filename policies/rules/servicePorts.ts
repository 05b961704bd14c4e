/**
 * HD-SSL-002: every service of every machine group listens on 80 only to redirect to HTTPS (`force_https`) and
 * terminates TLS on 443; a process group the catalog marks public must have a service at all.
 */
import type { Check } from "../framework/finding";
import { groupServices, isPublicGroup } from "../framework/fly";
import { checks, type Rule } from "../framework/rule";
import { asRecord, isUnknown } from "../framework/unknown";

export const servicePorts: Rule = {
    id: "HD-SSL-002",
    title: "Port 80 forces HTTPS, port 443 terminates TLS",
    description: "Every Fly service has port 80 with force_https and port 443 with the tls handler; public process groups have a service.",
    severity: "high",
    enforcement: "mandatory",
    remediation: [
        "Build the group's services with publicService() in components/fly/machineSpec.ts: port 80 `{handlers: [\"http\"], force_https: true}`, port 443 `{handlers: [\"tls\", \"http\"]}`.",
        "For a public process group without a service, mark it public in components/catalog.ts so the component gives it one.",
        "Run `npx launch policy --stack <stack>` again.",
    ],
    url: "https://fly.io/docs/machines/api/machines-resource/",
    check(view) {
        const out: Check[] = [];
        for (const g of view.ofType("FlyMachineGroup")) {
            const list = groupServices(g);
            if (isUnknown(list)) {
                out.push(checks.unknown(g.name, "the machine config's services", "port 80 force_https, port 443 tls", g.urn));
                continue;
            }
            if (list.length === 0) {
                out.push(isPublicGroup(view, g)
                    ? checks.fail(g.name, `${g.name}: public process group ${String(g.props["group"])} has no service, so it serves no HTTPS`, "no service", "a service with ports 80 and 443", { urn: g.urn })
                    : checks.na(g.name, `${g.name}: no service (this process group takes no traffic)`));
                continue;
            }
            let bad = 0;
            list.forEach((s, i) => {
                const where = list.length > 1 ? `service ${i}` : "the service";
                const ports = isUnknown(s) ? s : asRecord(s)?.["ports"];
                if (isUnknown(ports)) {
                    bad++;
                    out.push(checks.unknown(g.name, `the ports of ${where}`, "port 80 force_https, port 443 tls", g.urn));
                    return;
                }
                const all = (Array.isArray(ports) ? ports : []).map((p) => asRecord(p) ?? {});
                const p80 = all.find((p) => p["port"] === 80);
                const p443 = all.find((p) => p["port"] === 443);
                if (!p80) {
                    bad++;
                    out.push(checks.fail(g.name, `${g.name}: ${where} has no port 80 redirecting to HTTPS`, "no port 80", "port 80 with force_https", { urn: g.urn }));
                } else if (p80["force_https"] !== true) {
                    bad++;
                    out.push(checks.fail(g.name, `${g.name}: port 80 of ${where} does not force HTTPS`, "force_https not true", "port 80 with force_https", { urn: g.urn }));
                }
                const handlers = p443?.["handlers"];
                if (!p443) {
                    bad++;
                    out.push(checks.fail(g.name, `${g.name}: ${where} has no port 443`, "no port 443", "port 443 with the tls handler", { urn: g.urn }));
                } else if (isUnknown(handlers)) {
                    bad++;
                    out.push(checks.unknown(g.name, `the handlers of port 443 of ${where}`, "port 443 with the tls handler", g.urn));
                } else if (!Array.isArray(handlers) || !handlers.includes("tls")) {
                    bad++;
                    out.push(checks.fail(g.name, `${g.name}: port 443 of ${where} does not terminate TLS (no "tls" handler)`, "no tls handler", "port 443 with the tls handler", { urn: g.urn }));
                }
            });
            if (bad === 0) out.push(checks.pass(g.name, `${g.name}: port 80 forces HTTPS and port 443 terminates TLS`, "80 force_https, 443 tls", "80 force_https, 443 tls", g.urn));
        }
        return out;
    },
};
