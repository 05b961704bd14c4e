/** An area of the Fly Machines API a provider method talks through, with the token from the stack config or FLY_API_TOKEN. */
import { credential, type ProviderConfig } from "../dynamic";
import { type FlyApi, flyHttp } from "./client";

export const FLY_TOKEN = { key: "hotdash:flyApiToken", env: "FLY_API_TOKEN", describe: "The Fly.io API token" } as const;

export function flyApi<A>(Api: FlyApi<A>, config: ProviderConfig | undefined, apiUrl: string): A {
    return new Api(flyHttp({ apiUrl, token: credential(config, FLY_TOKEN) }));
}
