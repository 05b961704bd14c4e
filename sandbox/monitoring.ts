/**
 * The sandbox's monitoring mode: the real Prometheus, blackbox exporter and Alertmanager (Debian packages) with the
 * configs the stack generates, against the sandbox's apps, plus what Fly adds around them: the edge's response
 * metrics (`fly_edge_*`, taken from the sandbox's request log, which sees every answer an app gives, faults
 * included) and the managed Prometheus that scrapes them and the apps' own `/metrics`. One Prometheus does the work
 * of both Fly's managed one and the stack's own; the sandbox's Fly server answers its query API. Durations (scrape
 * interval, alert windows, Alertmanager's waits) shrink with the time scale.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { request } from "undici";
import { APPS } from "../components/catalog";
import { validateConfig } from "../components/config/validate";
import { renderAlertmanagerConfig } from "../components/monitoring/alertmanager";
import { renderBlackboxConfig } from "../components/monitoring/blackbox";
import { METRICS, METRICS_ENDPOINT } from "../components/monitoring/metrics";
import { prometheusConfig } from "../components/monitoring/prometheus";
import { renderAlertRules, seconds } from "../components/monitoring/rules";
import { stringify } from "yaml";
import { type Daemon, findTool, startDaemon, tempDir, type Tool, TOOL_PACKAGES } from "./daemons";
import type { LoggedRequest, SandboxRequest, SandboxResponse } from "./server";
import { SLACK_WEBHOOK_PATH } from "./slack";

/** Which sandbox server answers as which Fly app (Chatwoot is the hotdash-chatwoot app). */
export const EDGE_APPS: Readonly<Record<string, string>> = {
    "hotdash-agent-service": APPS.agentService.name,
    "hotdash-llamaindex-mcp": APPS.llamaindexMcp.name,
    chatwoot: APPS.chatwoot.name,
};

/**
 * Statuses exposed at 0 from start-up, per app: Prometheus counts nothing of a series' first sample, so the first
 * 5xx of a new series would be lost (Fly's real edge has had these series since long before launch).
 */
export const EDGE_STATUSES = [200, 201, 202, 204, 400, 401, 403, 404, 429, 500, 502, 503, 504] as const;

/** Bucket bounds of the edge's response-time histogram, in seconds; 0.5 is the default p95 target's bound. */
export const EDGE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

export interface SandboxMonitoring {
    /** Base URL of the real Prometheus. */
    readonly prometheusUrl: string;
    /** Base URL of the real Alertmanager. */
    readonly alertmanagerUrl: string;
    /** Answers Fly's managed Prometheus API (`/prometheus/<org>/api/v1/<endpoint>`) from the real Prometheus. */
    query(req: SandboxRequest): Promise<SandboxResponse>;
    stop(): Promise<void>;
}

export interface MonitoringInput {
    /** The sandbox's server URLs: the stack config, the probes and the scrapes point at them. */
    readonly urls: Readonly<Record<string, string>>;
    /** Every request the sandbox's servers answered: the edge metrics come from it. */
    readonly log: readonly LoggedRequest[];
    /** 1 is real time. */
    readonly timeScale: number;
    /** The sandbox's stack config (sandboxStackConfig). */
    readonly stackConfig: Record<string, unknown>;
}

const TOOLS: readonly Tool[] = ["prometheus", "prometheus-blackbox-exporter", "prometheus-alertmanager"];

/** A Prometheus duration of `real` seconds at the time scale, at least 1 s. */
export function scaled(realSeconds: number, timeScale: number): string {
    return `${Math.max(1, Math.round(realSeconds * timeScale))}s`;
}

/** The edge's metrics in Prometheus' text format, from the request log (a dropped connection is a 502 at the edge). */
export function edgeMetrics(log: readonly LoggedRequest[]): string {
    const responses = new Map<string, number>();
    const buckets = new Map<string, number[]>();
    const sums = new Map<string, number>();
    for (const app of Object.values(EDGE_APPS)) {
        for (const s of EDGE_STATUSES) responses.set(`${app}|${s}`, 0);
        buckets.set(app, EDGE_BUCKETS.map(() => 0).concat(0));
        sums.set(app, 0);
    }
    for (const e of log) {
        const app = EDGE_APPS[e.server];
        // the app's own metrics are scraped on its private port on Fly, and Fly's checks reach the machine directly:
        // neither passes through the edge
        if (!app || e.path === METRICS_ENDPOINT.path || e.probe) continue;
        const key = `${app}|${e.status === "dropped" ? 502 : e.status}`;
        responses.set(key, (responses.get(key) ?? 0) + 1);
        const s = Math.max(0, e.end - e.at) / 1000;
        const counts = buckets.get(app)!;
        EDGE_BUCKETS.forEach((b, i) => { if (s <= b) counts[i]!++; });
        counts[EDGE_BUCKETS.length]!++;
        sums.set(app, sums.get(app)! + s);
    }
    const r = METRICS.edgeResponses.name;
    const t = METRICS.edgeResponseTime.name;
    const lines = [`# TYPE ${r} counter`];
    for (const [key, n] of responses) {
        const [app, status] = key.split("|");
        lines.push(`${r}{app="${app}",status="${status}"} ${n}`);
    }
    lines.push(`# TYPE ${t} histogram`);
    for (const [app, counts] of buckets) {
        EDGE_BUCKETS.forEach((b, i) => lines.push(`${t}_bucket{app="${app}",le="${b}"} ${counts[i]}`));
        lines.push(`${t}_bucket{app="${app}",le="+Inf"} ${counts[EDGE_BUCKETS.length]}`);
        lines.push(`${t}_sum{app="${app}"} ${sums.get(app)}`, `${t}_count{app="${app}"} ${counts[EDGE_BUCKETS.length]}`);
    }
    return `${lines.join("\n")}\n`;
}

/** Starts the edge exporter and the three daemons; throws naming the apt package when a tool is missing. */
export async function startMonitoring(input: MonitoringInput): Promise<SandboxMonitoring> {
    const missing = TOOLS.filter((t) => !findTool(t));
    if (missing.length) {
        throw new Error(`sandbox monitoring needs ${missing.join(", ")}: apt-get install ${[...new Set(missing.map((t) => TOOL_PACKAGES[t]))].join(" ")}`);
    }
    const tool = (t: Tool): string => findTool(t)!;
    const { timeScale } = input;
    const base = input.stackConfig;
    const window = scaled(seconds("5m"), timeScale);
    const values = { ...base, "hotdash:monitoring": { ...(base["hotdash:monitoring"] as object), window } };
    const config = validateConfig({ values, secretKeys: [] }, { stack: "sandbox", env: {} });

    const dir = tempDir("hotdash-sandbox-monitoring-");
    const daemons: Daemon[] = [];
    const edge = http.createServer((_req, res) => {
        const text = edgeMetrics(input.log);
        res.writeHead(200, { "content-type": "text/plain; version=0.0.4", "content-length": Buffer.byteLength(text) });
        res.end(text);
    });
    const stop = async (): Promise<void> => {
        await Promise.all(daemons.map((d) => d.stop()));
        edge.closeAllConnections();
        await new Promise<void>((resolve) => edge.close(() => resolve()));
        fs.rmSync(dir, { recursive: true, force: true });
    };
    try {
        await new Promise<void>((resolve, reject) => edge.once("error", reject).listen(0, "127.0.0.1", resolve));
        const edgeAddress = `127.0.0.1:${(edge.address() as AddressInfo).port}`;
        const file = (name: string, content: string): string => {
            fs.writeFileSync(path.join(dir, name), content, { mode: 0o600 });
            return path.join(dir, name);
        };
        // what the Fly secret puts on the monitoring machine
        const slackUrlFile = file("slack-webhook-url", `${input.urls["slack"]}${SLACK_WEBHOOK_PATH}`);
        const rules = file("rules.yml", renderAlertRules({ monitoring: config.monitoring, apps: config.apps, stack: config.stack }));
        const blackboxConfig = file("blackbox.yml", renderBlackboxConfig());
        const amConfig = file("alertmanager.yml", renderAlertmanagerConfig(config.monitoring, {
            slackWebhookUrlFile: slackUrlFile, groupWait: scaled(30, timeScale), groupInterval: scaled(300, timeScale), repeatInterval: scaled(3600, timeScale),
        }));
        for (const d of ["am", "tsdb"]) fs.mkdirSync(path.join(dir, d));

        // settled, not all: a daemon that started beside one that failed must be stopped too
        const first = await Promise.allSettled([
            startDaemon(tool("prometheus-blackbox-exporter"), (port) => [`--config.file=${blackboxConfig}`, `--web.listen-address=127.0.0.1:${port}`], "/-/healthy"),
            startDaemon(tool("prometheus-alertmanager"), (port) => [
                `--config.file=${amConfig}`, `--storage.path=${path.join(dir, "am")}`, `--web.listen-address=127.0.0.1:${port}`,
                "--cluster.listen-address=", // no gossip port: one instance
            ], "/-/ready"),
        ]);
        for (const r of first) if (r.status === "fulfilled") daemons.push(r.value);
        for (const r of first) if (r.status === "rejected") throw r.reason;
        const [blackbox, alertmanager] = daemons;
        const interval = scaled(15, timeScale);
        const promConfig = prometheusConfig(config.apps, {
            blackboxAddress: blackbox!.address, alertmanagerAddress: alertmanager!.address, ruleFiles: [rules],
            scrapeInterval: interval, evaluationInterval: interval,
        }) as { scrape_configs: object[] };
        // what Fly's managed Prometheus scrapes on its own: the edge, and each app's metrics endpoint
        const agent = new URL(input.urls["hotdash-agent-service"]!);
        promConfig.scrape_configs.push(
            { job_name: "fly-edge", honor_labels: true, static_configs: [{ targets: [edgeAddress] }] },
            { job_name: "fly-app-metrics", metrics_path: METRICS_ENDPOINT.path, static_configs: [{ targets: [agent.host], labels: { app: APPS.agentService.name } }] },
        );
        const promFile = file("prometheus.yml", stringify(promConfig, { lineWidth: 0 }));
        const prometheus = await startDaemon(tool("prometheus"), (port) => [
            `--config.file=${promFile}`, `--storage.tsdb.path=${path.join(dir, "tsdb")}`, `--web.listen-address=127.0.0.1:${port}`,
        ], "/-/ready");
        daemons.push(prometheus);
        return {
            prometheusUrl: prometheus.url,
            alertmanagerUrl: alertmanager!.url,
            query: (req) => forward(prometheus.url, req),
            stop,
        };
    } catch (err) {
        await stop();
        throw err;
    }
}

/** One query-API request, passed to the real Prometheus and its answer passed back as it came. */
async function forward(prometheusUrl: string, req: SandboxRequest): Promise<SandboxResponse> {
    const endpoint = req.params["endpoint"]!;
    const res = await request(`${prometheusUrl}/api/v1/${encodeURIComponent(endpoint)}?${req.query.toString()}`);
    const text = await res.body.text();
    return { status: res.statusCode, text, headers: { "content-type": String(res.headers["content-type"] ?? "application/json") } };
}
