/**
 * `hotdash:fly:App`: one Fly app and everything that makes it serve: the app (created or adopted), its public IPs,
 * its secrets, an optional volume and custom-hostname certificate, and one machine group per process group, rolled
 * one machine at a time whenever the image, the config or the secrets change.
 */
import * as pulumi from "@pulumi/pulumi";
import { FlyAppResource } from "../../providers/fly/app";
import { FlyCertificateResource } from "../../providers/fly/certificate";
import { FlyIpsResource } from "../../providers/fly/ips";
import { MachineGroupResource } from "../../providers/fly/machineGroup";
import type { RolloutTimeouts } from "../../providers/fly/rollout";
import { FlySecretsResource } from "../../providers/fly/secrets";
import { FlyVolumesResource } from "../../providers/fly/volumes";
import { DEFAULT_GUEST, type GuestSize, groupMachineConfig, type MachineFileSpec, type ProcessGroupSpec } from "./machineSpec";

export interface VolumeArgs {
    /** Process group whose machines mount it (one volume per machine). */
    readonly group: string;
    /** Fly volume name. */
    readonly name: string;
    /** Mount path inside the machine. */
    readonly path: string;
    /** Size of each volume. Defaults to 10 GB. */
    readonly sizeGb?: number;
    /** Days Fly keeps each daily snapshot, 1-60. */
    readonly snapshotRetentionDays: pulumi.Input<number>;
}

export interface FlyAppArgs {
    /** Machines API base URL. */
    readonly apiUrl: string;
    /** Fly organization slug that owns the app. */
    readonly org: string;
    /** Region of the machines and volumes. */
    readonly region: string;
    /** Image pinned by digest, run by every process group. */
    readonly image: pulumi.Input<string>;
    /** Process groups by name. */
    readonly processes: Readonly<Record<string, ProcessGroupSpec>>;
    /** The app ran before the stack: Pulumi never deletes it, its machines or its volume (retainOnDelete). Defaults to false. */
    readonly runsInProduction?: boolean;
    /** Port the public groups listen on inside the machine. */
    readonly internalPort: number;
    /** Path of the HTTP health check. Defaults to `/health`. */
    readonly healthPath?: string;
    /** Plain environment of every machine; anything secret belongs in `secrets`. Defaults to none. */
    readonly env?: Readonly<Record<string, pulumi.Input<string>>>;
    /** Fly secrets; a change rolls every machine so the new values reach them. Defaults to none. */
    readonly secrets?: Readonly<Record<string, pulumi.Input<string>>>;
    /** Machine size. Defaults to shared, 1 CPU, 512 MB. */
    readonly guest?: GuestSize;
    /** A volume per machine of one group. Defaults to none. */
    readonly volume?: VolumeArgs;
    /** Base URL users reach the app at. Defaults to `https://<name>.fly.dev`. */
    readonly publicUrl?: string;
    /** Custom hostname served with a Fly certificate. Defaults to none (`<name>.fly.dev` only). */
    readonly hostname?: string;
    /** Prometheus endpoint Fly scrapes on each machine. Defaults to none. */
    readonly metrics?: { readonly port: number; readonly path: string };
    /** Files written into every machine (generated, or from Fly secrets). Defaults to none. */
    readonly files?: readonly MachineFileSpec[];
    /** Deploy pacing. Defaults to 300 s to become healthy, 60 s of critical checks tolerated, 13 s leases. */
    readonly timeouts?: Partial<RolloutTimeouts>;
    /** What the machines wait for before running an image (the pre-launch dump); the app, IPs and secrets do not. Defaults to none. */
    readonly deployAfter?: readonly pulumi.Resource[];
}

/** What each process group runs now and ran before: the rollback's input. */
export interface GroupOutputs {
    readonly currentImage: string;
    readonly previousImage: string;
    readonly machineIds: string[];
}

export class FlyApp extends pulumi.ComponentResource {
    /** `<name>.fly.dev`. */
    declare readonly hostname: pulumi.Output<string>;
    declare readonly url: pulumi.Output<string>;
    /** Per process group: current and previous image digest, machine ids. */
    declare readonly groups: pulumi.Output<Record<string, GroupOutputs>>;
    /** App secrets version the machines run with (0 without secrets). */
    declare readonly secretsVersion: pulumi.Output<number>;

    /**
     * @param name The Fly app name; children are named `${name}-<role>`: app, ips, secrets, volume, cert, machines-<group>.
     */
    constructor(name: string, args: FlyAppArgs, opts?: pulumi.ComponentResourceOptions) {
        super("hotdash:fly:App", name, { hostname: undefined, url: undefined, groups: undefined, secretsVersion: undefined }, opts);
        // an app that ran before the stack outlives it, by Pulumi's own option (the providers also refuse to delete
        // what they adopted, but an option the engine honours does not depend on what a provider recorded)
        const keep = args.runsInProduction ? { retainOnDelete: true } : {};
        const app = new FlyAppResource(`${name}-app`, { apiUrl: args.apiUrl, name, org: args.org }, { parent: this, ...keep });
        const after = { parent: this, dependsOn: [app] };

        const anyPublic = Object.values(args.processes).some((p) => p.public);
        if (anyPublic) new FlyIpsResource(`${name}-ips`, { apiUrl: args.apiUrl, app: app.name, types: ["shared_v4", "v6"] }, after);

        const secrets = args.secrets && Object.keys(args.secrets).length
            ? new FlySecretsResource(`${name}-secrets`, { apiUrl: args.apiUrl, app: app.name, values: args.secrets }, after)
            : undefined;

        const volume = args.volume
            ? new FlyVolumesResource(`${name}-volume`, {
                apiUrl: args.apiUrl, app: app.name, name: args.volume.name, region: args.region,
                sizeGb: args.volume.sizeGb ?? 10, count: args.processes[args.volume.group]?.machines ?? 0,
                snapshotRetention: args.volume.snapshotRetentionDays, autoBackupEnabled: true,
            }, { ...after, ...keep })
            : undefined;

        if (args.hostname) new FlyCertificateResource(`${name}-cert`, { apiUrl: args.apiUrl, app: app.name, hostname: args.hostname }, after);

        const env = pulumi.output(args.env ?? {});
        const groups: Record<string, MachineGroupResource> = {};
        for (const [group, spec] of Object.entries(args.processes)) {
            const mounts = args.volume?.group === group ? volume : undefined;
            groups[group] = new MachineGroupResource(`${name}-machines-${group}`, {
                apiUrl: args.apiUrl,
                app: app.name,
                group,
                region: args.region,
                count: spec.machines,
                config: pulumi.all([spec.image ?? args.image, env]).apply(([image, resolvedEnv]) => groupMachineConfig({
                    image, region: args.region, group, spec, env: resolvedEnv, internalPort: args.internalPort,
                    healthPath: args.healthPath ?? "/health", guest: args.guest ?? DEFAULT_GUEST,
                    ...(args.metrics ? { metrics: args.metrics } : {}),
                    files: [...(args.files ?? []), ...(spec.files ?? [])],
                })),
                ...(secrets ? { secretsVersion: secrets.version } : {}),
                ...(mounts ? { volumeIds: mounts.ids, mountPath: args.volume!.path } : {}),
                ...(args.timeouts ? { timeouts: args.timeouts } : {}),
            }, { parent: this, dependsOn: [app, ...(secrets ? [secrets] : []), ...(mounts ? [mounts] : []), ...(args.deployAfter ?? [])], ...keep });
        }

        this.hostname = app.hostname;
        // a known URL stays known in a preview, so what depends on it (other apps' env) can be checked before apply
        this.url = args.publicUrl ? pulumi.output(args.publicUrl) : pulumi.interpolate`https://${app.hostname}`;
        this.groups = pulumi.all(Object.entries(groups).map(([group, g]) =>
            pulumi.all([g.currentImage, g.previousImage, g.machineIds]).apply(([currentImage, previousImage, machineIds]) =>
                [group, { currentImage, previousImage, machineIds }] as const)))
            .apply((entries) => Object.fromEntries(entries));
        this.secretsVersion = secrets ? secrets.version : pulumi.output(0);
        this.registerOutputs({ hostname: this.hostname, url: this.url, groups: this.groups, secretsVersion: this.secretsVersion });
    }
}
