/**
 * `hotdash:supabase:Project`: what the stack declares on the Supabase project: the Edge Function secrets the launch
 * needs (bulk upserted, removed ones deleted, the platform's own left alone).
 */
import * as pulumi from "@pulumi/pulumi";
import { SupabaseSecrets } from "../../providers/supabase/secrets";

export interface SupabaseProjectArgs {
    /** Management API base URL. */
    readonly apiUrl: string;
    /** Project ref (20 lowercase letters). */
    readonly projectRef: string;
    /** Edge Function secrets by name; names starting with SUPABASE_ are refused. */
    readonly secrets: Readonly<Record<string, pulumi.Input<string>>>;
}

export class SupabaseProject extends pulumi.ComponentResource {
    constructor(name: string, args: SupabaseProjectArgs, opts?: pulumi.ComponentResourceOptions) {
        super("hotdash:supabase:Project", name, {}, opts);
        new SupabaseSecrets(`${name}-secrets`, { apiUrl: args.apiUrl, projectRef: args.projectRef, values: args.secrets }, { parent: this });
        this.registerOutputs({});
    }
}
