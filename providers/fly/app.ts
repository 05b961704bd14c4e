/**
 * A Fly app, created or adopted by name within the org. An app that already existed is adopted (never recreated)
 * and is left in place if the stack ever lets go of it.
 */
import * as pulumi from "@pulumi/pulumi";
import { changedKeys, type ConfiguredProvider, diffResult, DynamicResource, knownFailures } from "../dynamic";
import { isApiStatus } from "../http";
import { FlyAppsApi } from "./client";
import { flyApi } from "./connect";

export interface FlyAppInputs {
    readonly apiUrl: string;
    readonly name: string;
    readonly org: string;
}

export interface FlyAppOutputs extends FlyAppInputs {
    readonly appId: string;
    /** True when the app existed before the stack: deleting the resource then leaves the app alone. */
    readonly adopted: boolean;
    /** `<name>.fly.dev`. */
    readonly hostname: string;
}

export const flyAppProvider: ConfiguredProvider<FlyAppInputs, FlyAppOutputs> = {
    async configure(req) {
        this.config = req.config;
    },

    async check(_olds, news) {
        const failures = [];
        if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(String(news.name))) failures.push({ property: "name", reason: `"${news.name}" is not a valid Fly app name (lowercase letters, digits and dashes)` });
        if (!news.org) failures.push({ property: "org", reason: "the Fly organization slug is required" });
        return { inputs: news, failures: knownFailures(news, failures) };
    },

    async diff(_id, olds, news) {
        return diffResult(changedKeys(olds, news, ["apiUrl"]), changedKeys(olds, news, ["name", "org"]));
    },

    async create(inputs) {
        const fly = flyApi(FlyAppsApi, this.config, inputs.apiUrl);
        const found = await fly.getApp(inputs.name);
        if (found) {
            const org = found.organization?.slug;
            if (org && org !== inputs.org) {
                throw new Error(`Fly app ${inputs.name} exists in organization ${org}, not ${inputs.org}; set hotdash:fly.org to the org that owns it`);
            }
            return { id: found.id, outs: { ...inputs, appId: found.id, adopted: true, hostname: `${inputs.name}.fly.dev` } };
        }
        try {
            const app = await fly.createApp(inputs.name, inputs.org);
            return { id: app.id, outs: { ...inputs, appId: app.id, adopted: false, hostname: `${inputs.name}.fly.dev` } };
        } catch (err) {
            if (isApiStatus(err, 422) || isApiStatus(err, 403)) {
                throw new Error(`Fly app name ${inputs.name} is not available to organization ${inputs.org} (${err.vendorMessage}); ` +
                    `app names are global, so pick another with \`pulumi config set --path hotdash:apps.<app>.name <name>\``);
            }
            throw err;
        }
    },

    async read(id, props) {
        if (!props) return { id, props };
        const found = await flyApi(FlyAppsApi, this.config, props.apiUrl).getApp(props.name);
        if (!found) return {}; // gone: refresh drops it from state
        return { id: found.id, props: { ...props, appId: found.id } };
    },

    async update(_id, olds, news) {
        return { outs: { ...olds, ...news } };
    },

    async delete(_id, props) {
        if (props.adopted) return; // it ran before the stack; the stack does not get to remove it
        await flyApi(FlyAppsApi, this.config, props.apiUrl).deleteApp(props.name);
    },
};

export interface FlyAppArgs {
    readonly apiUrl: pulumi.Input<string>;
    readonly name: pulumi.Input<string>;
    readonly org: pulumi.Input<string>;
}

export class FlyAppResource extends DynamicResource {
    declare readonly name: pulumi.Output<string>;
    declare readonly appId: pulumi.Output<string>;
    declare readonly adopted: pulumi.Output<boolean>;
    declare readonly hostname: pulumi.Output<string>;

    constructor(name: string, args: FlyAppArgs, opts?: pulumi.CustomResourceOptions) {
        super(flyAppProvider, name, { appId: undefined, adopted: undefined, hostname: undefined, ...args }, opts, "FlyApp");
    }
}
