/**
 * What Pulumi writes to state for each dynamic provider (DESIGN.md level 3): the serialized text rebuilds into a
 * working provider, and holds no token, even after the program has read every secret.
 */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { flyAppProvider } from "../../providers/fly/app";
import { flyCertificateProvider } from "../../providers/fly/certificate";
import { flyIpsProvider } from "../../providers/fly/ips";
import { machineGroupProvider } from "../../providers/fly/machineGroup";
import { flySecretsProvider } from "../../providers/fly/secrets";
import { flyVolumesProvider } from "../../providers/fly/volumes";
import { launchFactsProvider } from "../../providers/launchFacts";
import { SANDBOX_CREDENTIALS as C } from "../../sandbox/credentials";
import { useSandbox } from "../helpers/sandbox";

const PROVIDERS: Record<string, pulumi.dynamic.ResourceProvider> = {
    flyAppProvider, flyIpsProvider, flySecretsProvider, machineGroupProvider, flyVolumesProvider, flyCertificateProvider, launchFactsProvider,
};

describe("serialized providers", function () {
    this.timeout(60000);
    const sandbox = useSandbox({ timeScale: 0.01 });
    const texts: Record<string, string> = {};

    before(async () => {
        for (const [name, p] of Object.entries(PROVIDERS)) {
            texts[name] = (await pulumi.runtime.serializeFunction(() => p, { allowSecrets: true })).text;
        }
    });

    it("hold no token or secret value", () => {
        const secrets = (Object.values(C) as unknown[]).filter((v): v is string => typeof v === "string" && v.length > 8 && v !== C.supabaseProjectRef);
        for (const [name, text] of Object.entries(texts)) {
            for (const s of secrets) assert.ok(!text.includes(s), `${name} captured a secret`);
            assert.ok(!/FLY_API_TOKEN\s*[:=]\s*["']/.test(text), `${name} captured an environment value`);
        }
    });

    it("require undici by name (resolved in the provider process) rather than inlining it", () => {
        assert.match(texts["flyAppProvider"]!, /require\("undici"\)/);
        assert.ok(!texts["flyAppProvider"]!.includes("undici/lib/"), "no deep undici internals captured");
    });

    it("rebuild, as the engine's host rebuilds them, into providers that work against the sandbox", async () => {
        const rebuilt = (require("require-from-string") as (code: string) => { handler(): pulumi.dynamic.ResourceProvider & { config?: unknown } })(texts["flyAppProvider"]!).handler();
        await rebuilt.configure?.({ config: { get: (k: string) => (k === "hotdash:flyApiToken" ? C.flyOrgToken : undefined), require: () => "" } });
        const created = await rebuilt.create({ apiUrl: `${sandbox().urls.fly}/v1`, name: "hotdash-level3", org: C.flyOrg });
        assert.equal(sandbox().fly.apps["hotdash-level3"]?.id, created.id);
    });
});
