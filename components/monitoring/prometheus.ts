/**
 * Prometheus config: probes every app's health endpoint through the blackbox exporter, loads the launch rules and
 * sends alerts to Alertmanager. In production it also federates the apps' series from Fly's managed Prometheus,
 * which scrapes Fly's edge metrics and the apps' own `/metrics`; the rules read those series.
 */
import { stringify } from "yaml";
import { APPS, APP_KEYS, type AppKey } from "../catalog";
import { BLACKBOX_MODULE } from "./blackbox";
import { METRICS, seriesName } from "./metrics";

/** Fly's platform API, where the org's managed Prometheus is (`/prometheus/<org>/`). */
export const FLY_API_URL = "https://api.fly.io";

export interface PrometheusOptions {
    /** `host:port` of the blackbox exporter. */
    readonly blackboxAddress: string;
    /** `host:port` of Alertmanager. */
    readonly alertmanagerAddress: string;
    /** Rules files to load (the output of `renderAlertRules`). */
    readonly ruleFiles: readonly string[];
    /** How often to probe and scrape. Defaults to 15s. */
    readonly scrapeInterval?: string;
    /** How often to evaluate the rules. Defaults to 15s. */
    readonly evaluationInterval?: string;
    /** Federate from Fly's managed Prometheus; absent in the sandbox, which has none. */
    readonly flyFederation?: {
        /** Fly organization slug (`hotdash:fly.org`). */
        readonly org: string;
        /** File holding a Fly token that may read the org's metrics (a secret, never written here). */
        readonly tokenFile: string;
        /** Defaults to https://api.fly.io. */
        readonly apiUrl?: string;
    };
}

export interface HealthTarget {
    readonly app: string;
    readonly url: string;
}

/** Each app's health URL as users reach it: its public URL (validated: no trailing slash) and the catalog's health path. */
export function healthTargets(apps: Readonly<Record<AppKey, { readonly name: string; readonly publicUrl: string }>>): HealthTarget[] {
    return APP_KEYS.map((key) => ({ app: apps[key].name, url: `${apps[key].publicUrl}${APPS[key].healthPath}` }));
}

export function prometheusConfig(apps: Readonly<Record<AppKey, { readonly name: string; readonly publicUrl: string }>>, opts: PrometheusOptions): object {
    const interval = opts.scrapeInterval ?? "15s";
    const health = {
        job_name: METRICS.probeSuccess.job,
        metrics_path: "/probe",
        params: { module: [BLACKBOX_MODULE] },
        // the `app` label is what the rules and Alertmanager group by
        static_configs: healthTargets(apps).map((t) => ({ targets: [t.url], labels: { app: t.app } })),
        relabel_configs: [
            { source_labels: ["__address__"], target_label: "__param_target" },
            { source_labels: ["__param_target"], target_label: "instance" },
            { target_label: "__address__", replacement: opts.blackboxAddress },
        ],
    };
    const scrapeConfigs: object[] = [health];
    if (opts.flyFederation) scrapeConfigs.push(federation(Object.values(apps).map((a) => a.name), opts.flyFederation));
    return {
        global: {
            scrape_interval: interval,
            // a probe must end before the next one starts
            scrape_timeout: interval,
            evaluation_interval: opts.evaluationInterval ?? "15s",
        },
        rule_files: [...opts.ruleFiles],
        alerting: { alertmanagers: [{ static_configs: [{ targets: [opts.alertmanagerAddress] }] }] },
        scrape_configs: scrapeConfigs,
    };
}

export function renderPrometheusConfig(apps: Readonly<Record<AppKey, { readonly name: string; readonly publicUrl: string }>>, opts: PrometheusOptions): string {
    return stringify(prometheusConfig(apps, opts), { lineWidth: 0 });
}

/** Only the series the rules read, only for our apps: federation is billed and slow for anything broader. */
function federation(appNames: readonly string[], fed: NonNullable<PrometheusOptions["flyFederation"]>): object {
    const api = new URL(fed.apiUrl ?? FLY_API_URL);
    const metrics = [METRICS.edgeResponses, METRICS.edgeResponseTime, METRICS.webhookDeliveries, METRICS.draftGeneration, METRICS.approvalQueueDepth];
    return {
        job_name: "fly-federate",
        scheme: api.protocol.replace(":", ""),
        metrics_path: `${api.pathname.replace(/\/+$/, "")}/prometheus/${fed.org}/federate`,
        honor_labels: true, // keep Fly's `app` and `instance` labels
        params: { "match[]": [`{__name__=~"${metrics.map(seriesName).join("|")}",app=~"${appNames.join("|")}"}`] },
        authorization: { credentials_file: fed.tokenFile },
        static_configs: [{ targets: [api.host] }],
    };
}
