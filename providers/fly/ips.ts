/**
 * The public IPs of a Fly app: a shared IPv4 and a dedicated IPv6 by default, which is what makes
 * `<app>.fly.dev` answer (flyctl's first deploy allocates the same pair). Existing addresses are reused.
 */
import * as pulumi from "@pulumi/pulumi";
import { changedKeys, type ConfiguredProvider, diffResult, DynamicResource, isUnknown, type ProviderConfig } from "../dynamic";
import { FlyIpsApi } from "./client";
import { flyApi } from "./connect";

export interface FlyIpsInputs {
    readonly apiUrl: string;
    readonly app: string;
    /** Address types, e.g. `["shared_v4", "v6"]`. */
    readonly types: readonly string[];
}

export interface FlyIpsOutputs extends FlyIpsInputs {
    readonly addresses: readonly { readonly ip: string; readonly type: string }[];
    /** Addresses this resource allocated (and so may release). */
    readonly allocated: readonly string[];
}

async function ensure(provider: { config?: ProviderConfig }, inputs: FlyIpsInputs, allocatedBefore: readonly string[]): Promise<FlyIpsOutputs> {
    const fly = flyApi(FlyIpsApi, provider.config, inputs.apiUrl);
    const existing = await fly.listIps(inputs.app);
    const allocated = [...allocatedBefore];
    const addresses: { ip: string; type: string }[] = [];
    for (const type of inputs.types) {
        let ip = existing.find((i) => i.type === type);
        if (!ip) {
            ip = await fly.allocateIp(inputs.app, type);
            allocated.push(ip.ip);
        }
        addresses.push({ ip: ip.ip, type });
    }
    // types dropped from config: release what we allocated for them
    for (const old of existing) {
        if (!inputs.types.includes(old.type) && allocated.includes(old.ip)) {
            await fly.releaseIp(inputs.app, old.ip);
            allocated.splice(allocated.indexOf(old.ip), 1);
        }
    }
    return { ...inputs, addresses, allocated };
}

export const flyIpsProvider: ConfiguredProvider<FlyIpsInputs, FlyIpsOutputs> = {
    async configure(req) {
        this.config = req.config;
    },

    async check(_olds, news) {
        const bad = isUnknown(news.types) ? [] : (news.types ?? []).filter((t) => !["v4", "v6", "shared_v4", "private_v6"].includes(t));
        return { inputs: news, failures: bad.map((t) => ({ property: "types", reason: `"${t}" is not a Fly IP type (v4, v6, shared_v4, private_v6)` })) };
    },

    async diff(_id, olds, news) {
        const missing = news.types.some((t) => !olds.addresses?.some((a) => a.type === t));
        return diffResult([...changedKeys(olds, news, ["apiUrl", "types"]), ...(missing ? ["addresses"] : [])], changedKeys(olds, news, ["app"]));
    },

    async create(inputs) {
        const outs = await ensure(this, inputs, []);
        return { id: `${inputs.app}/ips`, outs };
    },

    async read(id, props) {
        if (!props) return { id, props };
        const live = await flyApi(FlyIpsApi, this.config, props.apiUrl).listIps(props.app);
        return { id, props: { ...props, addresses: props.types.flatMap((type) => live.filter((i) => i.type === type).slice(0, 1).map((i) => ({ ip: i.ip, type }))) } };
    },

    async update(_id, olds, news) {
        return { outs: await ensure(this, news, olds.allocated ?? []) };
    },

    async delete(_id, props) {
        const fly = flyApi(FlyIpsApi, this.config, props.apiUrl);
        for (const ip of props.allocated ?? []) await fly.releaseIp(props.app, ip);
    },
};

export interface FlyIpsArgs {
    readonly apiUrl: pulumi.Input<string>;
    readonly app: pulumi.Input<string>;
    readonly types: pulumi.Input<readonly string[]>;
}

export class FlyIpsResource extends DynamicResource {
    declare readonly addresses: pulumi.Output<{ ip: string; type: string }[]>;

    constructor(name: string, args: FlyIpsArgs, opts?: pulumi.CustomResourceOptions) {
        super(flyIpsProvider, name, { addresses: undefined, allocated: undefined, ...args }, opts, "FlyIps");
    }
}
