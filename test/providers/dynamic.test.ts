/**
 * The base of every dynamic resource of the project: the provider serialized into `__provider` as Pulumi's own
 * dynamic.Resource does it, one provider at a time in the order asked, and never with a secret inside.
 */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { DynamicResource, keepProviderTexts, providerText, stateText } from "../../providers/dynamic";
import { useMocks } from "../helpers/mocks";

const noop: pulumi.dynamic.ResourceProvider = { async create() { return { id: "x", outs: {} }; } };

/** A function with a little more in it, and others it calls, to serialize. */
function bulky(n: number): string {
    const parts = [half(n), twice(n), half(twice(n))];
    for (let i = 0; i < n; i++) parts.push(twice(i) > 2 ? "a" : "b");
    return parts.join(",");
}
function half(n: number): string { return String(n / 2); }
function twice(n: number): number { return n * 2; }

describe("providers/dynamic: DynamicResource", () => {
    const mocks = useMocks();

    it("registers pulumi-nodejs:dynamic/hotdash:<type> with the serialized provider in __provider", async () => {
        class Probe extends DynamicResource {
            constructor(name: string) { super(noop, name, { size: 3 }, undefined, "Probe"); }
        }
        new Probe("probe");
        const r = await mocks().waitFor("pulumi-nodejs:dynamic/hotdash:Probe", "probe");
        assert.equal(r.inputs["size"], 3);
        assert.equal(r.inputs["__provider"], await providerText(noop, "Noop"));
        assert.match(String(r.inputs["__provider"]), /return ?\{ ?id: ?"x", ?outs: ?\{\} ?\}/);
    });

    it("writes Pulumi's serialization minified, and it rebuilds into the same provider", async () => {
        const p: pulumi.dynamic.ResourceProvider = { async create() { return { id: bulky(4) }; } };
        const serialize = async (provider: pulumi.dynamic.ResourceProvider): Promise<string> => (await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: false })).text;
        const serialized = await serialize(p);
        const text = await providerText(p, "Bulky");
        assert.equal(text, await stateText(serialized));
        assert.ok(text.length < serialized.length * 0.8, `${text.length} of ${serialized.length} characters`);
        const rebuilt = (require("require-from-string") as (code: string) => { handler(): pulumi.dynamic.ResourceProvider })(text).handler();
        assert.deepEqual(await rebuilt.create({}), await p.create({}));
    });

    it("serializes one provider at a time, letting the event loop turn in between (the registrations' I/O)", async () => {
        const large: pulumi.dynamic.ResourceProvider = { async create() { return { id: bulky(3) }; } };
        const small: pulumi.dynamic.ResourceProvider = { async create() { return { id: "s" }; } };
        let turns = 0;
        let ticking = true;
        const tick = (): void => { turns++; if (ticking) setImmediate(tick); };
        setImmediate(tick);
        const at: Record<string, number> = {};
        await Promise.all([providerText(large, "Large").then(() => { at["large"] = turns; }), providerText(small, "Small").then(() => { at["small"] = turns; })]);
        ticking = false;
        assert.ok(at["small"]! > at["large"]!, `the event loop turned ${at["small"]! - at["large"]!} times between the two`);
    });

    it("refuses a provider that captures a secret, rather than put it into state", async () => {
        const token = pulumi.secret("tok-0123456789");
        const leaky: pulumi.dynamic.ResourceProvider = { async create() { return { id: String(token) }; } };
        await assert.rejects(providerText(leaky, "Leaky"), /secret/i);
        assert.match(await providerText(noop, "Noop"), /outs/, "a later provider is still serialized");
    });

    it("takes a kept text instead of serializing, and keeps what it serialized", async () => {
        const kept: Record<string, string> = { Kept: "exports.handler = kept;" };
        keepProviderTexts({ get: (type) => kept[type], set: (type, text) => { kept[type] = text; } });
        try {
            const a: pulumi.dynamic.ResourceProvider = { async create() { return { id: "a" }; } };
            const b: pulumi.dynamic.ResourceProvider = { async create() { return { id: "b-fresh" }; } };
            assert.equal(await providerText(a, "Kept"), "exports.handler = kept;");
            const fresh = await providerText(b, "Fresh");
            assert.match(fresh, /b-fresh/);
            assert.equal(kept["Fresh"], fresh);
        } finally {
            keepProviderTexts(undefined);
        }
    });
});
