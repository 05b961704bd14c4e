import { strict as assert } from "node:assert";
import { MONITORING_PATHS } from "../../../components/monitoring/files";
import { monitoringStack } from "../../../policies/rules/monitoringStack";
import { base64, editing, findings, leakedCanaries, MONITORING_FILES, outcome, passingStack, UNKNOWN_SENTINEL, without } from "../fixtures";

const PROM = "hotdash-monitor-machines-prometheus";
type C = { config: { files: { guest_path: string; raw_value?: unknown }[] } };

/** The fixture with one monitoring file's content replaced. */
function withFile(path: string, content: unknown): ReturnType<typeof passingStack> {
    return editing(passingStack(), PROM, (p) => {
        const f = (p as unknown as C).config.files.find((x) => x.guest_path === path)!;
        f.raw_value = content;
    });
}

describe("policies/rules/monitoringStack (HD-MON-002)", () => {
    it("passes the monitoring app with its rules and Alertmanager config", () => {
        assert.deepEqual(outcome(monitoringStack, passingStack()), [["pass", "hotdash-monitor: the alert rules match hotdash:monitoring and Alertmanager routes them to #launch-war-room"]]);
    });

    it("fails files that exist but are not what the stack means", () => {
        const rules = MONITORING_PATHS.rules;
        const am = MONITORING_PATHS.alertmanagerConfig;
        assert.deepEqual(outcome(monitoringStack, withFile(rules, base64("groups: []\n"))), [["fail",
            `hotdash-monitor: the alert rules (${rules}): HotDashErrorRateHigh is missing; HotDashLatencyP95High is missing; HotDashWebhookDeliveryLow is missing; ` +
            "HotDashDraftGenerationSlow is missing; HotDashApprovalQueueDeep is missing; HotDashHealthCheckFailing is missing"]]);
        // a threshold that differs from the one recorded in LaunchFacts (0.1 %)
        const loose = MONITORING_FILES.rules.replace("> 0.1\n", "> 5\n");
        assert.notEqual(loose, MONITORING_FILES.rules);
        assert.deepEqual(outcome(monitoringStack, withFile(rules, base64(loose))), [["fail", `hotdash-monitor: the alert rules (${rules}): HotDashErrorRateHigh does not match the thresholds in hotdash:monitoring`]]);
        const otherChannel = MONITORING_FILES.alertmanager.replace("channel: \"#launch-war-room\"", "channel: \"#random\"");
        assert.notEqual(otherChannel, MONITORING_FILES.alertmanager);
        assert.deepEqual(outcome(monitoringStack, withFile(am, base64(otherChannel))), [["fail", `hotdash-monitor: the Alertmanager config (${am}): alerts are not routed to the Slack channel #launch-war-room`]]);
        assert.deepEqual(outcome(monitoringStack, withFile(am, base64("route: {}\n"))), [["fail", `hotdash-monitor: the Alertmanager config (${am}): alerts are not routed to the Slack channel #launch-war-room`]]);
        const resolvedOff = MONITORING_FILES.alertmanager.replace("send_resolved: true", "send_resolved: false");
        assert.deepEqual(outcome(monitoringStack, withFile(am, base64(resolvedOff))), [["fail", `hotdash-monitor: the Alertmanager config (${am}): it differs from the config generated from hotdash:monitoring`]]);
        assert.deepEqual(outcome(monitoringStack, withFile(am, "")), [["fail", `hotdash-monitor: the Alertmanager config (${am}): has no content (raw_value)`]]);
        assert.deepEqual(outcome(monitoringStack, withFile(am, base64("route: [unclosed\n"))), [["fail", `hotdash-monitor: the Alertmanager config (${am}): is not valid YAML`]]);
    });

    it("judges the rules against the thresholds LaunchFacts record", () => {
        const stricter = editing(passingStack(), "hotdash-launch-facts", (p) => { (p["monitoring"] as Record<string, unknown>)["queueDepth"] = 20; });
        assert.deepEqual(outcome(monitoringStack, stricter), [["fail", `hotdash-monitor: the alert rules (${MONITORING_PATHS.rules}): HotDashApprovalQueueDeep does not match the thresholds in hotdash:monitoring`]]);
    });

    it("fails a missing file", () => {
        const stack = editing(passingStack(), PROM, (p) => { (p as unknown as C).config.files = (p as unknown as C).config.files.filter((f) => f.guest_path !== MONITORING_PATHS.rules); });
        assert.deepEqual(outcome(monitoringStack, stack), [["fail", `hotdash-monitor: no machine is given the alert rules (${MONITORING_PATHS.rules})`]]);
    });

    it("fails when the app is not declared", () => {
        assert.deepEqual(outcome(monitoringStack, without(passingStack(), "hotdash-monitor-app", PROM)), [["fail", "The monitoring app hotdash-monitor is not declared in the stack"]]);
    });

    it("is unknown in preview", () => {
        const stack = editing(passingStack(), PROM, (p) => { (p["config"] as Record<string, unknown>)["files"] = UNKNOWN_SENTINEL; });
        assert.deepEqual(outcome(monitoringStack, stack), [["unknown", "hotdash-monitor-machines-prometheus: cannot check the machine config's files during preview (not known until apply)"]]);
        assert.deepEqual(outcome(monitoringStack, withFile(MONITORING_PATHS.rules, UNKNOWN_SENTINEL)), [["unknown", "hotdash-monitor: cannot check the content of the alert rules during preview (not known until apply)"]]);
    });

    it("never shows a secret's value", () => {
        assert.deepEqual(leakedCanaries(findings(monitoringStack, passingStack())), []);
    });
});
