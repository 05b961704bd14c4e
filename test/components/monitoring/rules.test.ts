import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { stringify } from "yaml";
import { APPS } from "../../../components/catalog";
import type { MonitoringThresholds } from "../../../components/config/types";
import { DEFAULTS } from "../../../components/config/validate";
import { METRICS } from "../../../components/monitoring/metrics";
import {
    ALERT_NAMES, type AlertKey, alertRules, DEFAULT_RATE_RANGE, healthWindow, renderAlertRules, seconds,
} from "../../../components/monitoring/rules";
import { requireTools, run, tempDir } from "../../helpers/prometheus";

/** Sample and evaluation interval of the promtool unit tests, in seconds. */
const STEP = 15;
/** Samples before a breach begins: every rate over the range is defined by then. */
const LEAD = 20;
const APP = APPS.agentService.name;
/** An app of the same Fly org that is not launched: its errors must not page the launch channel. */
const OTHER_APP = "someone-elses-app";

type Phase = "near" | "bad";
type Series = { series: string; values: string };

/** Labels rendered the way promtool writes a series: `name{a="1",b="2"}`. */
function sel(name: string, labels: Record<string, string>): string {
    return `${name}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(",")}}`;
}

/** A counter's samples: a large base (so rate() extrapolates every series alike) plus the step's increase. */
function counter(name: string, labels: Record<string, string>, phases: readonly Phase[], inc: (p: Phase) => number): Series {
    let value = 1e6;
    const values = phases.map((p, i) => (i === 0 ? value : (value += inc(p))));
    return { series: sel(name, labels), values: values.join(" ") };
}

function gauge(name: string, labels: Record<string, string>, phases: readonly Phase[], value: (p: Phase) => number): Series {
    return { series: sel(name, labels), values: phases.map(value).join(" ") };
}

/**
 * A histogram where "near" puts the p95 just under `threshold` (4.9 % of observations above it) and "bad" puts every
 * observation above it. The threshold is a bucket bound, as the real buckets must have it.
 */
function histogram(name: string, labels: Record<string, string>, phases: readonly Phase[], threshold: number): Series[] {
    const perStep = 1000;
    const below = (p: Phase): number => (p === "near" ? 951 : 0); // observations in (threshold/2, threshold]
    const bounds: Array<[string, (p: Phase) => number]> = [
        [String(threshold / 2), () => 0],
        [String(threshold), below],
        [String(threshold * 2), () => perStep],
        ["+Inf", () => perStep],
    ];
    return bounds.map(([le, inc]) => counter(`${name}_bucket`, { ...labels, le }, phases, inc));
}

/** How each alert's input looks just under its threshold ("near") and well past it ("bad"), from the config. */
function scenarios(m: MonitoringThresholds): Record<AlertKey, { labels: Record<string, string>; rated: boolean; series: (phases: Phase[]) => Series[] }> {
    const responses = METRICS.edgeResponses.name;
    const perStep = 100_000;
    const errors = (p: Phase): number => perStep * (p === "near" ? 0.9 : 20) * m.errorRatePercent / 100;
    const edgeErrors = (app: string, phases: Phase[]): Series[] => [
        counter(responses, { app, status: "200" }, phases, (p) => perStep - errors(p)),
        counter(responses, { app, status: "500" }, phases, errors),
    ];
    const bad = (phases: Phase[]): Phase[] => phases.map(() => "bad");
    const deliveries = 1000;
    const verifiedNear = deliveries * (m.webhookDeliveryPercent + (100 - m.webhookDeliveryPercent) / 10) / 100;
    const verified = (p: Phase): number => (p === "near" ? verifiedNear : 0);
    const { name: delivered, results } = METRICS.webhookDeliveries;
    const health = `https://${APP}.fly.dev/health`;
    return {
        errorRate: {
            labels: { app: APP }, rated: true,
            series: (phases) => [...edgeErrors(APP, phases), ...edgeErrors(OTHER_APP, bad(phases))],
        },
        latencyP95: {
            labels: { app: APP }, rated: true,
            series: (phases) => [
                ...histogram(METRICS.edgeResponseTime.name, { app: APP }, phases, m.p95LatencyMs / 1000),
                ...histogram(METRICS.edgeResponseTime.name, { app: OTHER_APP }, bad(phases), m.p95LatencyMs / 1000),
            ],
        },
        webhookDelivery: {
            labels: { app: APP }, rated: true,
            series: (phases) => [
                counter(delivered, { app: APP, result: results.verified }, phases, verified),
                counter(delivered, { app: APP, result: results.rejected }, phases, (p) => deliveries - verified(p)),
            ],
        },
        draftGeneration: {
            labels: { app: APP }, rated: true,
            series: (phases) => histogram(METRICS.draftGeneration.name, { app: APP, instance: "m1" }, phases, m.draftGenerationSeconds),
        },
        queueDepth: {
            labels: { app: APP }, rated: false,
            series: (phases) => [1, 2].map((n) => gauge(METRICS.approvalQueueDepth.name, { app: APP, instance: `m${n}` }, phases,
                (p) => (p === "near" ? m.queueDepth : m.queueDepth + 1))),
        },
        healthCheck: {
            labels: { app: APP, instance: health }, rated: false,
            series: (phases) => [gauge(METRICS.probeSuccess.name, { job: METRICS.probeSuccess.job, app: APP, instance: health }, phases,
                (p) => (p === "near" ? 1 : 0))],
        },
    };
}

/**
 * promtool unit tests for one alert, all timings from the config: a breach sustained from `start` is pending at
 * `start + window - step` and firing at `start + window`; a level just on the healthy side of the threshold never
 * fires; a breach one step too short never fires, even once it has ended.
 */
function unitTests(m: MonitoringThresholds, key: AlertKey, rulesFile: string): object {
    const rule = alertRules({ monitoring: m, apps: APPS, stack: "prod" }).find((r) => r.alert === ALERT_NAMES[key])!;
    const s = scenarios(m)[key];
    const labels: Record<string, string> = { ...s.labels, ...rule.labels };
    const annotations = Object.fromEntries(Object.entries(rule.annotations).map(([k, v]) =>
        [k, v.replaceAll("{{ $labels.app }}", labels.app!).replaceAll("{{ $labels.instance }}", labels.instance ?? "")]));
    const window = seconds(rule.for);
    // a rate still sees the last breached increase until that leaves the range: up to range - step later (Prometheus
    // 2 ranges include their left end; Prometheus 3's do not, which only makes the breach linger one step less)
    const lingers = s.rated ? seconds(DEFAULT_RATE_RANGE) - STEP : 0;
    const tooShort = (window - lingers) / STEP; // breached samples: one fewer and the alert would fire
    assert.ok(Number.isInteger(tooShort) && tooShort > 0, `window ${rule.for} does not fit the ${STEP}s grid`);
    const steps = LEAD + window / STEP + seconds(DEFAULT_RATE_RANGE) / STEP + 4;
    const start = LEAD * STEP;
    const timeline = (badSteps: number): Phase[] =>
        Array.from({ length: steps }, (_, i) => (i >= LEAD && i < LEAD + badSteps ? "bad" : "near"));
    const silentAt = (times: number[]): object[] => times.map((t) => ({ eval_time: `${t}s`, alertname: rule.alert, exp_alerts: [] }));
    const everyStepFromStart = Array.from({ length: steps - LEAD }, (_, i) => start + i * STEP);
    return {
        rule_files: [rulesFile],
        evaluation_interval: `${STEP}s`,
        tests: [
            {
                name: `${rule.alert}: breached for ${rule.for}`,
                interval: `${STEP}s`,
                input_series: s.series(timeline(steps)),
                alert_rule_test: [
                    ...silentAt([start + window - STEP]),
                    { eval_time: `${start + window}s`, alertname: rule.alert, exp_alerts: [{ exp_labels: labels, exp_annotations: annotations }] },
                ],
                // silent above only because of `for:`: the condition already holds
                promql_expr_test: [{
                    expr: `ALERTS{alertname="${rule.alert}",alertstate="pending"}`,
                    eval_time: `${start + window - STEP}s`,
                    exp_samples: [{ labels: sel("ALERTS", { alertname: rule.alert, alertstate: "pending", ...labels }), value: 1 }],
                }],
            },
            { name: `${rule.alert}: just under`, interval: `${STEP}s`, input_series: s.series(timeline(0)), alert_rule_test: silentAt(everyStepFromStart) },
            { name: `${rule.alert}: too short`, interval: `${STEP}s`, input_series: s.series(timeline(tooShort)), alert_rule_test: silentAt(everyStepFromStart) },
        ],
    };
}

const CONFIGS: Record<string, MonitoringThresholds> = {
    "the checklist's defaults": DEFAULTS.monitoring,
    "a stricter config": {
        errorRatePercent: 0.5, p95LatencyMs: 800, webhookDeliveryPercent: 95, draftGenerationSeconds: 5,
        queueDepth: 10, window: "10m", alertChannel: "#ops",
    },
};

describe("monitoring alert rules", () => {
    it("has one stable alert per checklist metric, each with severity, summary, description and runbook", () => {
        const rules = alertRules({ monitoring: DEFAULTS.monitoring, apps: APPS, stack: "prod" });
        assert.deepEqual(rules.map((r) => r.alert), [
            "HotDashErrorRateHigh", "HotDashLatencyP95High", "HotDashWebhookDeliveryLow",
            "HotDashDraftGenerationSlow", "HotDashApprovalQueueDeep", "HotDashHealthCheckFailing",
        ]);
        for (const r of rules) {
            assert.match(r.labels.severity, /^(critical|warning)$/);
            assert.deepEqual(Object.keys(r.annotations), ["summary", "description", "runbook"]);
        }
        assert.deepEqual(rules.map((r) => r.for), ["5m", "5m", "5m", "5m", "5m", "1m"]);
    });

    it("caps the health alert's window at one minute but never lengthens a shorter one", () => {
        assert.equal(healthWindow("5m"), "1m");
        assert.equal(healthWindow("1h"), "1m");
        assert.equal(healthWindow("20s"), "20s");
    });

    it("refuses an app name that would change the meaning of its PromQL matcher", () => {
        assert.throws(() => alertRules({ monitoring: DEFAULTS.monitoring, apps: { ...APPS, chatwoot: { name: 'x"|.*' } }, stack: "prod" }),
            /is not a Fly app name/);
    });

    for (const [title, monitoring] of Object.entries(CONFIGS)) {
        describe(`with ${title}`, () => {
            let tools: { promtool: string };
            let dir: string;
            let rulesFile: string;

            before(function () {
                tools = requireTools(this, "promtool");
                dir = tempDir("hotdash-rules-");
                rulesFile = path.join(dir, "rules.yml");
                fs.writeFileSync(rulesFile, renderAlertRules({ monitoring, apps: APPS, stack: "prod" }));
            });
            after(() => {
                if (dir) fs.rmSync(dir, { recursive: true, force: true });
            });

            it("passes promtool check rules", () => {
                const r = run(tools.promtool, ["check", "rules", rulesFile]);
                assert.equal(r.status, 0, r.output);
                assert.match(r.output, /SUCCESS: 6 rules found/);
            });

            for (const key of Object.keys(ALERT_NAMES) as AlertKey[]) {
                it(`${ALERT_NAMES[key]} fires once breached for its window, not just under it nor one step too short`, () => {
                    const file = path.join(dir, `${key}.test.yml`);
                    fs.writeFileSync(file, stringify(unitTests(monitoring, key, rulesFile), { lineWidth: 0 }));
                    const r = run(tools.promtool, ["test", "rules", file]);
                    assert.equal(r.status, 0, r.output);
                });
            }

            it("HotDashWebhookDeliveryLow fires when not one delivery verifies (the verified series never appears)", () => {
                const rejected = { series: sel(METRICS.webhookDeliveries.name, { app: APP, result: "rejected" }), values: "0+10x100" };
                const file = path.join(dir, "no-verified.test.yml");
                const at = seconds(monitoring.window) + 2 * seconds(DEFAULT_RATE_RANGE);
                fs.writeFileSync(file, stringify({
                    rule_files: [rulesFile],
                    evaluation_interval: `${STEP}s`,
                    tests: [{
                        interval: `${STEP}s`,
                        input_series: [rejected],
                        promql_expr_test: [{
                            expr: `ALERTS{alertname="${ALERT_NAMES.webhookDelivery}",alertstate="firing"}`,
                            eval_time: `${at}s`,
                            exp_samples: [{ labels: sel("ALERTS", { alertname: ALERT_NAMES.webhookDelivery, alertstate: "firing", app: APP, severity: "critical" }), value: 1 }],
                        }],
                    }],
                }));
                const r = run(tools.promtool, ["test", "rules", file]);
                assert.equal(r.status, 0, r.output);
            });
        });
    }
});
