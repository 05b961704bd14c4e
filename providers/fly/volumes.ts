/**
 * Volumes of a Fly app, one per machine of the group that mounts them, with daily snapshots kept for
 * `snapshotRetention` days. Existing volumes of the same name and region are adopted; retention and automatic
 * backups are the only settings Fly lets change in place.
 */
import * as pulumi from "@pulumi/pulumi";
import { type ConfiguredProvider, diffResult, DynamicResource, knownFailures, type ProviderConfig } from "../dynamic";
import { type FlyVolume, FlyVolumesApi } from "./client";
import { flyApi } from "./connect";

export interface FlyVolumesInputs {
    readonly apiUrl: string;
    readonly app: string;
    /** Volume name (lowercase letters, digits, underscores). */
    readonly name: string;
    readonly region: string;
    readonly sizeGb: number;
    readonly count: number;
    /** Days each daily snapshot is kept, 1-60. */
    readonly snapshotRetention: number;
    readonly autoBackupEnabled: boolean;
}

export interface FlyVolumesOutputs extends FlyVolumesInputs {
    readonly ids: readonly string[];
    /** Volumes that existed before the stack: never deleted by it. */
    readonly adoptedIds: readonly string[];
}

async function ensure(config: ProviderConfig | undefined, inputs: FlyVolumesInputs, before?: FlyVolumesOutputs): Promise<FlyVolumesOutputs> {
    const fly = flyApi(FlyVolumesApi, config, inputs.apiUrl);
    const live = (await fly.listVolumes(inputs.app)).filter((v) => v.name === inputs.name && v.region === inputs.region && v.state !== "destroyed");
    const known = before?.ids ?? [];
    const adoptedIds = before ? [...before.adoptedIds] : live.map((v) => v.id);
    // keep the volumes we already had first, so machine i keeps volume i
    const ordered = [...live].sort((a, b) => indexOr(known, a.id) - indexOr(known, b.id));
    const kept: FlyVolume[] = ordered.slice(0, inputs.count);
    for (const v of kept) {
        if (v.snapshot_retention !== inputs.snapshotRetention || v.auto_backup_enabled !== inputs.autoBackupEnabled) {
            await fly.updateVolume(inputs.app, v.id, { snapshot_retention: inputs.snapshotRetention, auto_backup_enabled: inputs.autoBackupEnabled });
        }
    }
    while (kept.length < inputs.count) {
        const created = await fly.createVolume(inputs.app, {
            name: inputs.name, region: inputs.region, size_gb: inputs.sizeGb, encrypted: true,
            snapshot_retention: inputs.snapshotRetention, auto_backup_enabled: inputs.autoBackupEnabled,
        }, live.map((v) => v.id).concat(kept.map((v) => v.id)));
        kept.push(created);
    }
    for (const v of ordered.slice(inputs.count)) {
        if (!adoptedIds.includes(v.id) && !v.attached_machine_id) await fly.deleteVolume(inputs.app, v.id);
    }
    return { ...inputs, ids: kept.map((v) => v.id), adoptedIds };
}

function indexOr(list: readonly string[], id: string): number {
    const i = list.indexOf(id);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
}

export const flyVolumesProvider: ConfiguredProvider<FlyVolumesInputs, FlyVolumesOutputs> = {
    async configure(req) {
        this.config = req.config;
    },

    async check(_olds, news) {
        const failures = [];
        if (!/^[a-z0-9_]{1,30}$/.test(String(news.name))) failures.push({ property: "name", reason: `"${news.name}" is not a Fly volume name (lowercase letters, digits, underscores; at most 30)` });
        if (!(news.snapshotRetention >= 1 && news.snapshotRetention <= 60)) failures.push({ property: "snapshotRetention", reason: `snapshot retention must be 1-60 days, not ${news.snapshotRetention}` });
        return { inputs: news, failures: knownFailures(news, failures) };
    },

    async diff(_id, olds, news) {
        const changed = (["sizeGb", "count", "snapshotRetention", "autoBackupEnabled", "apiUrl"] as const).filter((k) => olds[k] !== news[k]);
        if ((olds.ids ?? []).length !== news.count) changed.push("count");
        return diffResult(changed, (["app", "name", "region"] as const).filter((k) => olds[k] !== news[k]));
    },

    async create(inputs) {
        return { id: `${inputs.app}/${inputs.name}`, outs: await ensure(this.config, inputs) };
    },

    async read(id, props) {
        if (!props) return { id, props };
        const fly = flyApi(FlyVolumesApi, this.config, props.apiUrl);
        const live = (await Promise.all(props.ids.map((v) => fly.getVolume(props.app, v)))).filter((v): v is FlyVolume => !!v && v.state !== "destroyed");
        const first = live[0];
        return {
            id,
            props: {
                ...props,
                ids: live.map((v) => v.id),
                ...(first ? { snapshotRetention: first.snapshot_retention, autoBackupEnabled: first.auto_backup_enabled } : {}),
            },
        };
    },

    async update(_id, olds, news) {
        return { outs: await ensure(this.config, news, olds) };
    },

    async delete(_id, props) {
        const fly = flyApi(FlyVolumesApi, this.config, props.apiUrl);
        for (const id of props.ids) if (!props.adoptedIds.includes(id)) await fly.deleteVolume(props.app, id);
    },
};

export interface FlyVolumesArgs {
    readonly apiUrl: pulumi.Input<string>;
    readonly app: pulumi.Input<string>;
    readonly name: string;
    readonly region: pulumi.Input<string>;
    readonly sizeGb: number;
    readonly count: pulumi.Input<number>;
    readonly snapshotRetention: pulumi.Input<number>;
    readonly autoBackupEnabled: boolean;
}

export class FlyVolumesResource extends DynamicResource {
    declare readonly ids: pulumi.Output<string[]>;
    declare readonly snapshotRetention: pulumi.Output<number>;
    declare readonly autoBackupEnabled: pulumi.Output<boolean>;

    constructor(name: string, args: FlyVolumesArgs, opts?: pulumi.CustomResourceOptions) {
        super(flyVolumesProvider, name, { ids: undefined, adoptedIds: undefined, ...args }, opts, "FlyVolumes");
    }
}
