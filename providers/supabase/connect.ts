/** The Supabase client a provider method talks through, with the PAT from the stack config or SUPABASE_ACCESS_TOKEN. */
import { credential, type ProviderConfig } from "../dynamic";
import { SupabaseClient } from "./client";

export const SUPABASE_TOKEN = { key: "hotdash:supabaseAccessToken", env: "SUPABASE_ACCESS_TOKEN", describe: "The Supabase access token" } as const;

export function supabaseClient(config: ProviderConfig | undefined, apiUrl: string): SupabaseClient {
    return new SupabaseClient({ apiUrl, token: credential(config, SUPABASE_TOKEN) });
}
