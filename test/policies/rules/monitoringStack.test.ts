import { strict as assert } from "node:assert";
import { MONITORING_PATHS } from "../../../components/monitoring/files";
import { monitoringStack } from "../../../policies/rules/monitoringStack";
import { editing, findings, leakedCanaries, outcome, passingStack, UNKNOWN_SENTINEL, without } from "../fixtures";

const PROM = "hotdash-monitor-machines-prometheus";
type C = { config: { files: { guest_path: string }[] } };

describe("policies/rules/monitoringStack (HD-MON-002)", () => {
    it("passes the monitoring app with its rules and Alertmanager config", () => {
        assert.deepEqual(outcome(monitoringStack, passingStack()), [["pass", "hotdash-monitor: alert rules and Alertmanager config are deployed"]]);
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
    });

    it("never shows a secret's value", () => {
        assert.deepEqual(leakedCanaries(findings(monitoringStack, passingStack())), []);
    });
});
