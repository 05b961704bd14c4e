/**
 * HD-MON-002: the monitoring app is declared and its machines carry the alert rules and Alertmanager config the
 * stack means: each launch alert with the expression and `for:` generated from the thresholds LaunchFacts record,
 * and every alert routed to the Slack channel `hotdash:monitoring.alertChannel`, so HD-MON-001's thresholds page
 * someone. A file that is present but stale, empty or hand-edited fails like a missing one.
 */
import { isDeepStrictEqual } from "node:util";
import { parse } from "yaml";
import type { MonitoringThresholds } from "../../components/config/types";
import { alertmanagerConfig } from "../../components/monitoring/alertmanager";
import { MONITORING_PATHS } from "../../components/monitoring/files";
import { alertRules } from "../../components/monitoring/rules";
import type { Check } from "../framework/finding";
import { groupConfig } from "../framework/fly";
import { checks, type Rule } from "../framework/rule";
import type { StackView } from "../framework/stack";
import { asRecord, at, isUnknown } from "../framework/unknown";

/** The monitoring app's Fly name. */
export const MONITOR_APP = "hotdash-monitor";

const FIX = "run `pulumi up --stack <stack>`: the monitoring component generates both files from hotdash:monitoring (components/monitoring/files.ts)";

/** The YAML in a Fly machine file's `raw_value` (base64), or why it cannot be read. */
function readYaml(raw: unknown): { value: unknown } | { problem: string } {
    if (typeof raw !== "string" || raw === "") return { problem: "has no content (raw_value)" };
    try {
        return { value: parse(Buffer.from(raw, "base64").toString("utf8")) as unknown };
    } catch {
        return { problem: "is not valid YAML" };
    }
}

/** What is wrong with the rules file against the rules generated from the recorded thresholds, or [] when nothing. */
function rulesProblems(file: unknown, monitoring: MonitoringThresholds, view: StackView): string[] {
    const apps = Object.fromEntries(Object.entries(view.appNames()).map(([k, name]) => [k, { name }])) as Parameters<typeof alertRules>[0]["apps"];
    const groups = at(file, "groups");
    const deployed = (Array.isArray(groups) ? groups : []).flatMap((g) => {
        const rules = asRecord(g)?.["rules"];
        return Array.isArray(rules) ? rules.map((r) => asRecord(r) ?? {}) : [];
    });
    const out: string[] = [];
    for (const want of alertRules({ monitoring, apps, stack: "<stack>" })) {
        const got = deployed.find((r) => r["alert"] === want.alert);
        if (!got) out.push(`${want.alert} is missing`);
        else if (got["expr"] !== want.expr || got["for"] !== want.for || !isDeepStrictEqual(got["labels"], want.labels)) {
            out.push(`${want.alert} does not match the thresholds in hotdash:monitoring`);
        }
    }
    return out;
}

/** What is wrong with the Alertmanager config against the one generated from the recorded channel, or []. */
function alertmanagerProblems(file: unknown, monitoring: MonitoringThresholds): string[] {
    const want = alertmanagerConfig(monitoring, { slackWebhookUrlFile: MONITORING_PATHS.slackWebhookUrl });
    if (isDeepStrictEqual(file, JSON.parse(JSON.stringify(want)))) return [];
    const receiver = at(file, "route", "receiver");
    const receivers = at(file, "receivers");
    const routed = (Array.isArray(receivers) ? receivers : []).map((r) => asRecord(r) ?? {}).find((r) => r["name"] === receiver);
    const slack = at(routed, "slack_configs");
    const channels = (Array.isArray(slack) ? slack : []).map((s) => asRecord(s)?.["channel"]);
    if (!channels.includes(monitoring.alertChannel)) return [`alerts are not routed to the Slack channel ${monitoring.alertChannel}`];
    return ["it differs from the config generated from hotdash:monitoring"];
}

export const monitoringStack: Rule = {
    id: "HD-MON-002",
    title: "Monitoring app deployed with its alert rules",
    description: `The Fly app ${MONITOR_APP} is declared and its machines get the Prometheus alert rules generated from the recorded thresholds and the Alertmanager config that routes them to the alert channel.`,
    severity: "high",
    enforcement: "mandatory",
    remediation: [
        `Declare the monitoring app ${MONITOR_APP} (the monitoring component, once it is in index.ts).`,
        "Give its machines the files from components/monitoring/files.ts (monitoringFiles), generated from hotdash:monitoring; never edit them by hand.",
        "Run `npx launch policy --stack <stack>` again.",
    ],
    url: "https://fly.io/docs/monitoring/metrics/",
    check(view) {
        const app = view.ofType("FlyApp").find((a) => a.props["name"] === MONITOR_APP);
        if (!app) return [checks.notDeclared(MONITOR_APP, `The monitoring app ${MONITOR_APP}`, "Prometheus, Alertmanager and the blackbox exporter on Fly")];
        const contents = new Map<string, unknown>();
        for (const g of view.ofApp("FlyMachineGroup", MONITOR_APP)) {
            const config = groupConfig(g);
            const files = isUnknown(config) ? config : config?.["files"];
            if (isUnknown(files)) return [checks.unknown(g.name, "the machine config's files", "the alert rules and Alertmanager config", g.urn)];
            for (const f of Array.isArray(files) ? files : []) {
                const p = asRecord(f)?.["guest_path"];
                if (typeof p === "string") contents.set(p, asRecord(f)?.["raw_value"]);
            }
        }
        const facts = view.launchFacts();
        const monitoring = at(facts?.props, "monitoring");
        if (isUnknown(monitoring)) return [checks.unknown("monitoring", "the recorded monitoring config", "the rules generated from it", facts?.urn)];
        const m = asRecord(monitoring);
        const files = [
            { path: MONITORING_PATHS.rules, label: "the alert rules", check: (v: unknown) => rulesProblems(v, m as unknown as MonitoringThresholds, view) },
            { path: MONITORING_PATHS.alertmanagerConfig, label: "the Alertmanager config", check: (v: unknown) => alertmanagerProblems(v, m as unknown as MonitoringThresholds) },
        ];
        const out: Check[] = [];
        for (const f of files) {
            const expected = `${f.label} generated from hotdash:monitoring`;
            if (!contents.has(f.path)) {
                out.push(checks.fail(MONITOR_APP, `${MONITOR_APP}: no machine is given ${f.label} (${f.path})`, "missing", f.path, { urn: app.urn, fix: FIX }));
                continue;
            }
            const raw = contents.get(f.path);
            if (isUnknown(raw)) {
                out.push(checks.unknown(MONITOR_APP, `the content of ${f.label}`, expected, app.urn));
                continue;
            }
            if (!m) {
                out.push(checks.fail(MONITOR_APP, `${MONITOR_APP}: no monitoring config is recorded (LaunchFacts), so ${f.label} cannot be checked`, "no monitoring facts", expected, { urn: app.urn }));
                continue;
            }
            const parsed = readYaml(raw);
            const problems = "problem" in parsed ? [parsed.problem] : f.check(parsed.value);
            if (problems.length) out.push(checks.fail(MONITOR_APP, `${MONITOR_APP}: ${f.label} (${f.path}): ${problems.join("; ")}`, problems.join("; "), expected, { urn: app.urn, fix: FIX }));
        }
        const channel = String(m?.["alertChannel"] ?? "");
        return out.length ? out : [checks.pass(MONITOR_APP, `${MONITOR_APP}: the alert rules match hotdash:monitoring and Alertmanager routes them to ${channel}`, files.map((f) => f.path).join(", "), "both files as generated", app.urn)];
    },
};
