/**
 * The machines of one process group of a Fly app. Creating adopts the group's existing machines; any change is a
 * rolling update (see rollout.ts); a no-op makes no API call at all, because the diff compares normalized configs
 * without asking Fly. Outputs carry the current and previous image digests, which is what a rollback redeploys.
 */
import * as pulumi from "@pulumi/pulumi";
import { type ConfiguredProvider, diffResult, DynamicResource, isUnknown, knownFailures, type ProviderConfig } from "../dynamic";
import { FlyMachinesApi } from "./client";
import { flyApi } from "./connect";
import { configDigest, imageDigest, type MachineConfig, normalizeConfig } from "./machineConfig";
import { converge, DEFAULT_TIMEOUTS, destroyGroup, type GroupSpec, groupMachines, machineConfigFor, type RolloutTimeouts } from "./rollout";

export interface MachineGroupInputs extends GroupSpec {
    readonly apiUrl: string;
    /** Deploy pacing; changing it alone deploys nothing. */
    readonly timeouts?: Partial<RolloutTimeouts>;
}

export interface MachineGroupOutputs extends MachineGroupInputs {
    readonly machineIds: readonly string[];
    /** Digest the group runs, `sha256:...`. */
    readonly currentImage: string;
    /** Digest it ran before the last image change ("" before any). */
    readonly previousImage: string;
    /** Digest of the normalized config the machines run ("drift" when refresh found them differing). */
    readonly configDigest: string;
    /** Secrets version the machines were last deployed with. */
    readonly appliedSecretsVersion: number;
    readonly adopted: boolean;
}

function timeoutsOf(inputs: MachineGroupInputs): RolloutTimeouts {
    return { ...DEFAULT_TIMEOUTS, ...inputs.timeouts };
}

async function deploy(config: ProviderConfig | undefined, inputs: MachineGroupInputs, before: MachineGroupOutputs | undefined): Promise<MachineGroupOutputs> {
    const fly = flyApi(FlyMachinesApi, config, inputs.apiUrl);
    const newSecrets = inputs.secretsVersion !== undefined && inputs.secretsVersion !== (before?.appliedSecretsVersion ?? inputs.secretsVersion);
    const result = await converge(fly, inputs, timeoutsOf(inputs), newSecrets);
    const current = imageDigest(inputs.config.image);
    // previous: what the group ran before this image (for adopted machines, what they ran when adopted)
    const ranBefore = before?.currentImage ?? result.ranBefore;
    const previousImage = ranBefore && ranBefore !== current ? ranBefore : (before?.previousImage ?? "");
    return {
        ...inputs,
        machineIds: result.machineIds,
        currentImage: current,
        previousImage,
        configDigest: configDigest(inputs.config),
        appliedSecretsVersion: inputs.secretsVersion ?? 0,
        adopted: before?.adopted ?? result.adopted,
    };
}

export const machineGroupProvider: ConfiguredProvider<MachineGroupInputs, MachineGroupOutputs> = {
    async configure(req) {
        this.config = req.config;
    },

    async check(_olds, news) {
        const failures = [];
        if (!isUnknown(news.config) && !/@sha256:[a-f0-9]{64}$/.test(String(news.config?.image))) {
            failures.push({ property: "config", reason: `image "${news.config?.image}" is not pinned by digest (<repository>@sha256:<digest>)` });
        }
        if (!Number.isInteger(news.count) || news.count < 0) failures.push({ property: "count", reason: `count must be a whole number >= 0, not ${news.count}` });
        if (news.mountPath && (news.volumeIds ?? []).length < news.count) {
            failures.push({ property: "volumeIds", reason: `${news.count} machines need ${news.count} volumes, ${(news.volumeIds ?? []).length} given` });
        }
        return { inputs: news, failures: knownFailures(news, failures) };
    },

    /** No API call: what the machines run is compared through the digest recorded (or refreshed) in state. */
    async diff(_id, olds, news) {
        const changed: string[] = [];
        if (olds.configDigest !== configDigest(news.config)) changed.push("config");
        if (olds.count !== news.count || olds.machineIds?.length !== news.count) changed.push("count");
        if (olds.region !== news.region) changed.push("region");
        if (news.secretsVersion !== undefined && news.secretsVersion !== olds.appliedSecretsVersion) changed.push("secretsVersion");
        if (JSON.stringify(olds.volumeIds ?? []) !== JSON.stringify(news.volumeIds ?? [])) changed.push("volumeIds");
        if (olds.apiUrl !== news.apiUrl) changed.push("apiUrl");
        const replaces = olds.app !== news.app || olds.group !== news.group ? ["app"] : [];
        return diffResult(changed, replaces);
    },

    async create(inputs) {
        const outs = await deploy(this.config, inputs, undefined);
        return { id: `${inputs.app}/${inputs.group}`, outs };
    },

    /** Refresh: the live machines' configs and images replace what state remembers, so drift shows as a diff. */
    async read(id, props) {
        if (!props) return { id, props };
        const live = await groupMachines(flyApi(FlyMachinesApi, this.config, props.apiUrl), props.app, props.group);
        const digests = [...new Set(live.map((m) => JSON.stringify(normalizeConfig({ ...m.config, mounts: [] }))))];
        const images = [...new Set(live.map((m) => imageDigest(m.config.image)))];
        const declared = JSON.stringify(normalizeConfig({ ...machineConfigFor(props, "", undefined), mounts: [] }));
        return {
            id,
            props: {
                ...props,
                machineIds: live.map((m) => m.id),
                currentImage: images.length === 1 ? images[0]! : images.length === 0 ? "" : `mixed:${images.join(",")}`,
                configDigest: digests.length === 1 && digests[0] === declared ? props.configDigest : "drift",
            },
        };
    },

    async update(_id, olds, news) {
        return { outs: await deploy(this.config, news, olds) };
    },

    async delete(_id, props) {
        if (props.adopted) return; // machines that ran before the stack stay when the stack lets go
        await destroyGroup(flyApi(FlyMachinesApi, this.config, props.apiUrl), props.app, props.group, timeoutsOf(props));
    },
};

export interface MachineGroupArgs {
    readonly apiUrl: pulumi.Input<string>;
    readonly app: pulumi.Input<string>;
    readonly group: string;
    readonly region: pulumi.Input<string>;
    readonly count: pulumi.Input<number>;
    readonly config: pulumi.Input<MachineConfig>;
    readonly secretsVersion?: pulumi.Input<number>;
    readonly volumeIds?: pulumi.Input<readonly string[]>;
    readonly mountPath?: string;
    readonly timeouts?: Partial<RolloutTimeouts>;
}

export class MachineGroupResource extends DynamicResource {
    declare readonly machineIds: pulumi.Output<string[]>;
    declare readonly currentImage: pulumi.Output<string>;
    declare readonly previousImage: pulumi.Output<string>;
    declare readonly appliedSecretsVersion: pulumi.Output<number>;

    constructor(name: string, args: MachineGroupArgs, opts?: pulumi.CustomResourceOptions) {
        super(machineGroupProvider, name, {
            machineIds: undefined, currentImage: undefined, previousImage: undefined, configDigest: undefined,
            appliedSecretsVersion: undefined, adopted: undefined, ...args,
        }, opts, "FlyMachineGroup");
    }
}
