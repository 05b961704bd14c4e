/**
 * A dynamic provider as the engine's host runs it (DESIGN.md level 3): serialized the way Pulumi stores it,
 * rebuilt from that text, and configured with a stack config.
 */
import * as pulumi from "@pulumi/pulumi";
import { stateText } from "../../providers/dynamic";

export type Rebuilt<I, O> = Required<Pick<pulumi.dynamic.ResourceProvider<I, O>, "create">> & pulumi.dynamic.ResourceProvider<I, O>;

export async function rebuild<I, O>(provider: pulumi.dynamic.ResourceProvider<I, O>, config: Readonly<Record<string, string>>): Promise<Rebuilt<I, O>> {
    const text = await stateText((await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true })).text);
    const rebuilt = (require("require-from-string") as (code: string) => { handler(): Rebuilt<I, O> })(text).handler();
    await rebuilt.configure?.({ config: { get: (k: string) => config[k], require: (k: string) => config[k] ?? "" } });
    return rebuilt;
}
