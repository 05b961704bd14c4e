/**
 * SSL enforcement on a Supabase project's database (Postgres and Supavisor; the HTTP APIs are always TLS). A change
 * is asynchronous and restarts the database, so after the PUT the resource polls until Supabase reports it applied.
 */
import * as pulumi from "@pulumi/pulumi";
import { type ConfiguredProvider, diffResult, DynamicResource, type ProviderConfig } from "../dynamic";
import { isApiStatus } from "../http";
import { supabaseClient } from "./connect";

export interface SslEnforcementInputs {
    readonly apiUrl: string;
    readonly projectRef: string;
    readonly enabled: boolean;
    /** How long to wait for the change to apply. Defaults to 300 s. */
    readonly waitSeconds?: number;
}

export interface SslEnforcementOutputs extends SslEnforcementInputs {
    /** Supabase reports the requested setting applied. */
    readonly applied: boolean;
    /** What Supabase last reported: SSL enforced on the database and the change applied. What HD-SSL-004 judges. */
    readonly enforced: boolean;
}

async function enforce(config: ProviderConfig | undefined, inputs: SslEnforcementInputs): Promise<SslEnforcementOutputs> {
    const sb = supabaseClient(config, inputs.apiUrl);
    let state = await sb.sslEnforcement(inputs.projectRef);
    if (state.currentConfig.database !== inputs.enabled) {
        try {
            state = await sb.setSslEnforcement(inputs.projectRef, inputs.enabled);
        } catch (err) {
            if (isApiStatus(err, 400) && /not allowed to configure SSL enforcement/i.test(err.vendorMessage ?? "")) {
                throw new Error(`Supabase project ${inputs.projectRef} does not allow configuring SSL enforcement (${err.vendorMessage}); ` +
                    `check its plan in the dashboard (Project Settings > Database > SSL Configuration)`);
            }
            throw err;
        }
    }
    // the change restarts the database: wait until Supabase says it is in force, polling ever less often
    const deadline = Date.now() + (inputs.waitSeconds ?? 300) * 1000;
    for (let delay = 100; !(state.appliedSuccessfully && state.currentConfig.database === inputs.enabled); delay = Math.min(5000, delay * 2)) {
        if (Date.now() >= deadline) {
            throw new Error(`SSL enforcement on Supabase project ${inputs.projectRef} was requested but not applied within ${inputs.waitSeconds ?? 300} s; ` +
                "the database may still be restarting: run `pulumi up` again to keep waiting");
        }
        await new Promise((r) => setTimeout(r, delay));
        state = await sb.sslEnforcement(inputs.projectRef);
    }
    return { ...inputs, applied: true, enforced: state.currentConfig.database && state.appliedSuccessfully };
}

export const sslEnforcementProvider: ConfiguredProvider<SslEnforcementInputs, SslEnforcementOutputs> = {
    async configure(req) {
        this.config = req.config;
    },

    async diff(_id, olds, news) {
        const changed: string[] = (["enabled", "apiUrl"] as const).filter((k) => olds[k] !== news[k]);
        if (!olds.applied) changed.push("applied");
        if (olds.enforced !== (news.enabled === true)) changed.push("enforced"); // as reported (or never recorded): apply to observe it
        return diffResult(changed, olds.projectRef !== news.projectRef ? ["projectRef"] : []);
    },

    async create(inputs) {
        return { id: `${inputs.projectRef}/ssl-enforcement`, outs: await enforce(this.config, inputs) };
    },

    /** Refresh: the setting as Supabase has it now. */
    async read(id, props) {
        if (!props) return { id, props };
        const state = await supabaseClient(this.config, props.apiUrl).sslEnforcement(props.projectRef);
        return { id, props: { ...props, enabled: state.currentConfig.database, applied: state.appliedSuccessfully, enforced: state.currentConfig.database && state.appliedSuccessfully } };
    },

    async update(_id, _olds, news) {
        return { outs: await enforce(this.config, news) };
    },

    // deleting the resource leaves the project's setting as it is: turning SSL off is never a side effect
    async delete() {
        return;
    },
};

export interface SslEnforcementArgs {
    readonly apiUrl: pulumi.Input<string>;
    readonly projectRef: pulumi.Input<string>;
    readonly enabled: pulumi.Input<boolean>;
    readonly waitSeconds?: number;
}

export class SupabaseSslEnforcement extends DynamicResource {
    declare readonly applied: pulumi.Output<boolean>;
    declare readonly enforced: pulumi.Output<boolean>;

    constructor(name: string, args: SslEnforcementArgs, opts?: pulumi.CustomResourceOptions) {
        super(sslEnforcementProvider, name, { applied: undefined, enforced: undefined, ...args }, opts, "SupabaseSslEnforcement");
    }
}
