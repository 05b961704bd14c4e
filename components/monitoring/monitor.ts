/**
 * `hotdash:monitoring:Monitor`: the launch's alerting, deployed as the `hotdash-monitor` Fly app through the same
 * `hotdash:fly:App` component: Prometheus (probes and rules), Alertmanager (to the team's Slack channel) and the
 * blackbox exporter as process groups, each on its vendor's image pinned by digest, with the generated files.
 * Nothing of it is public. The Slack URL and the Fly metrics token reach machines only as Fly secrets written to files.
 */
import * as pulumi from "@pulumi/pulumi";
import type { LaunchConfig } from "../config/types";
import { FlyApp, type FlyAppArgs } from "../fly/app";
import { MONITOR_APP, MONITORING_PATHS, monitoringFiles } from "./files";

export interface MonitorArgs {
    /** The validated config the files are generated from. */
    readonly config: LaunchConfig;
    /** Slack incoming-webhook URL (secret). */
    readonly slackWebhookUrl: pulumi.Input<string>;
    /** Read-only Fly token for federating Fly's metrics (secret); production only. */
    readonly flyMetricsToken?: pulumi.Input<string>;
    /** Deploy pacing, as for the other apps. Defaults to the component's. */
    readonly timeouts?: FlyAppArgs["timeouts"];
    /** What the machines wait for before running an image, as for the other apps. Defaults to none. */
    readonly deployAfter?: FlyAppArgs["deployAfter"];
}

export class Monitor extends pulumi.ComponentResource {
    declare readonly groups: pulumi.Output<Record<string, { currentImage: string; previousImage: string; machineIds: string[] }>>;

    constructor(name: string, args: MonitorArgs, opts?: pulumi.ComponentResourceOptions) {
        super("hotdash:monitoring:Monitor", name, { groups: undefined }, opts);
        const { config } = args;
        const files = monitoringFiles(config);
        const p = MONITORING_PATHS;
        const generated = (...paths: string[]) => paths.map((guestPath) => ({ guestPath, content: files[guestPath]! }));
        const app = new FlyApp(MONITOR_APP, {
            apiUrl: config.fly.apiUrl,
            org: config.fly.org,
            region: config.fly.primaryRegion,
            image: config.monitoring.images.prometheus,
            internalPort: 9090,
            processes: {
                prometheus: {
                    machines: 1, public: false, image: config.monitoring.images.prometheus,
                    cmd: [`--config.file=${p.prometheusConfig}`, "--storage.tsdb.path=/prometheus", "--storage.tsdb.retention.time=15d"],
                    files: [
                        ...generated(p.prometheusConfig, p.rules),
                        ...(args.flyMetricsToken ? [{ guestPath: p.flyMetricsToken, secretName: "FLY_METRICS_TOKEN" }] : []),
                    ],
                },
                alertmanager: {
                    machines: 1, public: false, image: config.monitoring.images.alertmanager,
                    cmd: [`--config.file=${p.alertmanagerConfig}`, "--storage.path=/alertmanager"],
                    files: [...generated(p.alertmanagerConfig), { guestPath: p.slackWebhookUrl, secretName: "ALERT_SLACK_WEBHOOK_URL" }],
                },
                blackbox: {
                    machines: 1, public: false, image: config.monitoring.images.blackbox,
                    cmd: [`--config.file=${p.blackboxConfig}`],
                    files: generated(p.blackboxConfig),
                },
            },
            secrets: {
                ALERT_SLACK_WEBHOOK_URL: args.slackWebhookUrl,
                ...(args.flyMetricsToken ? { FLY_METRICS_TOKEN: args.flyMetricsToken } : {}),
            },
            ...(args.timeouts ? { timeouts: args.timeouts } : {}),
            ...(args.deployAfter ? { deployAfter: args.deployAfter } : {}),
        }, { parent: this });
        this.groups = app.groups;
        this.registerOutputs({ groups: this.groups });
    }
}
