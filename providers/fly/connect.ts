/** The Fly client a provider method talks through, with the token from the stack config or FLY_API_TOKEN. */
import { credential, type ProviderConfig } from "../dynamic";
import { FlyClient } from "./client";

export const FLY_TOKEN = { key: "hotdash:flyApiToken", env: "FLY_API_TOKEN", describe: "The Fly.io API token" } as const;

export function flyClient(config: ProviderConfig | undefined, apiUrl: string): FlyClient {
    return new FlyClient({ apiUrl, token: credential(config, FLY_TOKEN) });
}
