/**
 * HD-MON-002: the monitoring app is declared and carries the generated alert rules and Alertmanager config, so the
 * thresholds of HD-MON-001 actually page someone.
 */
import { MONITORING_PATHS } from "../../components/monitoring/files";
import type { Check } from "../framework/finding";
import { groupConfig } from "../framework/fly";
import { checks, type Rule } from "../framework/rule";
import { asRecord, isUnknown } from "../framework/unknown";

/** The monitoring app's Fly name. */
export const MONITOR_APP = "hotdash-monitor";

const REQUIRED_FILES: readonly { readonly path: string; readonly label: string }[] = [
    { path: MONITORING_PATHS.rules, label: "the alert rules" },
    { path: MONITORING_PATHS.alertmanagerConfig, label: "the Alertmanager config" },
];

export const monitoringStack: Rule = {
    id: "HD-MON-002",
    title: "Monitoring app deployed with its alert rules",
    description: `The Fly app ${MONITOR_APP} is declared and its machines get the generated Prometheus alert rules and Alertmanager config.`,
    severity: "high",
    enforcement: "mandatory",
    remediation: [
        `Declare the monitoring app ${MONITOR_APP} (the monitoring component, once it is in index.ts).`,
        "Give its machines the files from components/monitoring/files.ts (monitoringFiles).",
        "Run `npx launch policy --stack <stack>` again.",
    ],
    url: "https://fly.io/docs/monitoring/metrics/",
    check(view) {
        const app = view.ofType("FlyApp").find((a) => a.props["name"] === MONITOR_APP);
        if (!app) return [checks.notDeclared(MONITOR_APP, `The monitoring app ${MONITOR_APP}`, "Prometheus, Alertmanager and the blackbox exporter on Fly")];
        const paths = new Set<string>();
        for (const g of view.ofApp("FlyMachineGroup", MONITOR_APP)) {
            const config = groupConfig(g);
            const files = isUnknown(config) ? config : config?.["files"];
            if (isUnknown(files)) return [checks.unknown(g.name, "the machine config's files", "the alert rules and Alertmanager config", g.urn)];
            for (const f of Array.isArray(files) ? files : []) {
                const p = asRecord(f)?.["guest_path"];
                if (typeof p === "string") paths.add(p);
            }
        }
        const out: Check[] = [];
        for (const f of REQUIRED_FILES) {
            if (!paths.has(f.path)) out.push(checks.fail(MONITOR_APP, `${MONITOR_APP}: no machine is given ${f.label} (${f.path})`, "missing", f.path, { urn: app.urn }));
        }
        return out.length ? out : [checks.pass(MONITOR_APP, `${MONITOR_APP}: alert rules and Alertmanager config are deployed`, REQUIRED_FILES.map((f) => f.path).join(", "), "both files", app.urn)];
    },
};
