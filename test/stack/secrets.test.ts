/**
 * Secret hygiene over everything a run produces: the state as written to disk (serialized providers included), the
 * engine's events and errors, the plain outputs, and what `launch up` prints. Every secret value the run knows
 * (tokens, keys, URLs with passwords, Chatwoot's webhook secret, the generated Chatwoot keys) may live only in
 * outputs marked secret.
 */
import { strict as assert } from "node:assert";
import { SECRET_NAMES_AS_KEYS } from "../../components/config/validate";
import { serializeState } from "../../ops/engine/state";
import { useSandbox } from "../helpers/sandbox";
import { stackHarness } from "../helpers/stack";

describe("secrets in what a run produces", function () {
    this.timeout(60000);
    const sandbox = useSandbox({ timeScale: 0.01 });

    it("appear nowhere but in secret outputs, failures included", async () => {
        const h = stackHarness(sandbox());
        const produced: string[] = [];
        const ok = await h.up();
        assert.deepEqual(ok.errors, []);
        produced.push(JSON.stringify(ok.outputs), JSON.stringify(ok.events), serializeState(h.state, "test-passphrase"));

        // a failed deploy and a refused token produce errors: they are scanned too
        const apps = structuredClone(h.config["hotdash:apps"]) as Record<string, Record<string, unknown>>;
        const bad = `registry.fly.io/hotdash-agent-service@sha256:${"e".repeat(64)}`;
        sandbox().fly.images[bad] = "unhealthy";
        apps["agentService"]!["image"] = bad;
        h.config["hotdash:apps"] = apps;
        const failed = await h.up();
        assert.equal(failed.ok, false);
        produced.push(...failed.errors, JSON.stringify(failed.outputs));
        const wrongToken = stackHarness(sandbox(), { "hotdash:chatwootApiToken": "sandbox-chatwoot-agent-token" });
        wrongToken.state = h.state;
        const refused = await wrongToken.up();
        produced.push(...refused.errors);

        // every secret value the run handled
        const secrets = new Set<string>();
        for (const key of SECRET_NAMES_AS_KEYS) {
            const v = h.config[key];
            if (typeof v === "string") secrets.add(v);
        }
        secrets.add("sandbox-chatwoot-agent-token");
        for (const hook of sandbox().chatwoot.webhooks) if (hook.secret) secrets.add(hook.secret);
        // the generated ones: Chatwoot's keys and the rotation keeper (secret maps also hold plain values, like URLs)
        for (const r of h.state.resources.filter((x) => x.type === "random:index/randomPassword:RandomPassword")) secrets.add(String(r.outputs["result"]));
        assert.ok(secrets.size >= 13, `only ${secrets.size} secrets collected`);

        for (const text of produced) {
            for (const s of secrets) assert.ok(!text.includes(s), `a secret (${s.slice(0, 4)}...) leaked into: ${text.slice(0, 200)}`);
        }
        // in state, secrets sit only under the keys marked secret
        for (const r of h.state.resources) {
            for (const [key, value] of [...Object.entries(r.outputs), ...Object.entries(r.inputs)]) {
                if (r.secretKeys.includes(key)) continue;
                const text = JSON.stringify(value);
                for (const s of secrets) assert.ok(!text.includes(s), `${r.name}.${key} holds a secret in the clear`);
            }
        }
    });
});
