/**
 * HD-HLT-001: every Fly service has an HTTP health check on the app's health path (the catalog's `healthPath`), in
 * the service's `checks` or as a top-level machine check on the service's port: deploys wait on it, the proxy routes
 * around a machine failing it. A check on another path (`/`, a static page) passes while the app is broken.
 */
import { APPS } from "../../components/catalog";
import type { Check } from "../framework/finding";
import { appOf } from "../framework/fly";
import { groupConfig, groupServices } from "../framework/fly";
import { checks, type Rule } from "../framework/rule";
import { asRecord, isUnknown } from "../framework/unknown";

interface HttpCheck {
    readonly path: string;
    readonly port: unknown;
}

function httpChecks(list: unknown): HttpCheck[] {
    const items = Array.isArray(list) ? list : Object.values(asRecord(list) ?? {});
    return items.map((c) => asRecord(c) ?? {})
        .filter((c) => c["type"] === "http" && typeof c["path"] === "string" && c["path"].startsWith("/"))
        .map((c) => ({ path: String(c["path"]), port: c["port"] }));
}

export const healthChecks: Rule = {
    id: "HD-HLT-001",
    title: "Every service has an HTTP health check",
    description: "Each Fly service carries an HTTP check on the app's health path (or the machine has one on the service's port).",
    severity: "high",
    enforcement: "mandatory",
    remediation: [
        "Give the service an HTTP check: publicService() in components/fly/machineSpec.ts adds `GET <healthPath>`; the path comes from components/catalog.ts.",
        "Make sure the app answers 200 on that path.",
        "Run `npx launch policy --stack <stack>` again.",
    ],
    url: "https://fly.io/docs/reference/health-checks/",
    check(view) {
        const out: Check[] = [];
        for (const g of view.ofType("FlyMachineGroup")) {
            const key = view.appKeyOf(appOf(g));
            // an app outside the catalog (the monitoring app) has no declared health path: any HTTP check will do
            const healthPath = key ? APPS[key].healthPath : undefined;
            const expected = healthPath ? `an HTTP check GET ${healthPath}` : "an HTTP check";
            const config = groupConfig(g);
            const list = groupServices(g);
            if (isUnknown(list)) {
                out.push(checks.unknown(g.name, "the machine config's services", "an HTTP check per service", g.urn));
                continue;
            }
            if (list.length === 0) {
                out.push(checks.na(g.name, `${g.name}: no service, so no health check to require`));
                continue;
            }
            const topLevel = isUnknown(config) ? [] : httpChecks(config?.["checks"]);
            for (const s of list) {
                const svc = asRecord(s) ?? {};
                const port = svc["internal_port"];
                if (isUnknown(svc["checks"])) {
                    out.push(checks.unknown(g.name, `the checks of the service on port ${String(port)}`, "an HTTP check", g.urn));
                    continue;
                }
                const all = [...httpChecks(svc["checks"]), ...topLevel.filter((c) => c.port === port)];
                const found = all.find((c) => !healthPath || c.path === healthPath);
                if (found) out.push(checks.pass(g.name, `${g.name}: HTTP check GET ${found.path} on port ${String(port)}`, `GET ${found.path}`, expected, g.urn));
                else if (all.length) {
                    const paths = all.map((c) => c.path).join(", ");
                    out.push(checks.fail(g.name, `${g.name}: the service on port ${String(port)} checks ${paths}, not the app's health path ${healthPath!}`, `GET ${paths}`, expected, {
                        urn: g.urn, fix: `check GET ${healthPath!} (publicService() in components/fly/machineSpec.ts takes it from components/catalog.ts)`,
                    }));
                } else out.push(checks.fail(g.name, `${g.name}: the service on port ${String(port)} has no HTTP health check`, "no HTTP check", expected, { urn: g.urn }));
            }
        }
        return out;
    },
};
