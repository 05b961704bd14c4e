/** Fly app secrets, the provider rebuilt from its serialized text, against the sandbox. */
import { strict as assert } from "node:assert";
import { type FlySecretsInputs, type FlySecretsOutputs, flySecretsProvider, plainFacts } from "../../../providers/fly/secrets";
import { SANDBOX_CREDENTIALS as C } from "../../../sandbox/credentials";
import { rebuild, type Rebuilt } from "../../helpers/providers";
import { useSandbox } from "../../helpers/sandbox";

describe("providers/fly/secrets", function () {
    this.timeout(30000);
    const sandbox = useSandbox({ timeScale: 0.01 });
    let p: Rebuilt<FlySecretsInputs, FlySecretsOutputs>;
    before(async () => {
        p = await rebuild(flySecretsProvider, { "hotdash:flyApiToken": C.flyOrgToken });
    });

    it("never puts a secret value in an error, even when Fly quotes the request body back", async () => {
        // one plain value and one that JSON escapes (a quote, a backslash): the echo carries the escaped spelling
        const plain = "sk-live-0123456789abcdef";
        const escaped = 'pa"ss\\word-0123456789';
        sandbox().faults.set({ seed: 1, rules: [{ kind: "echo", servers: ["fly"], methods: ["POST"], path: /\/secrets$/ }] });
        const inputs: FlySecretsInputs = { apiUrl: `${sandbox().urls.fly}/v1`, app: "hotdash-agent-service", values: { OPENAI_API_KEY: plain, DB_PASSWORD: escaped } };
        await assert.rejects(p.create(inputs), (err: Error) => {
            assert.match(err.message, /^Fly Machines API POST \/apps\/hotdash-agent-service\/secrets failed with 422: invalid request body: \{"values":\{"OPENAI_API_KEY":"\[redacted\]","DB_PASSWORD":"\[redacted\]"\}\}/);
            for (const text of [err.message, String(err.stack), JSON.stringify(err)]) {
                assert.ok(!text.includes(plain), `value leaked: ${text}`);
                assert.ok(!text.includes(JSON.stringify(escaped).slice(1, -1)) && !text.includes(escaped), `escaped value leaked: ${text}`);
            }
            return true;
        });
        assert.equal(sandbox().faults.injected["echo"], 1, "the echo fault answered the request");
    });
});

describe("providers/fly/secrets plainFacts", () => {
    it("names the secrets and groups the names whose values are equal, never a digest", () => {
        const facts = plainFacts({ B: "d1", A: "d1", C: "d2", E: "d3", D: "d3", F: "d4" });
        assert.deepEqual(facts, { names: ["A", "B", "C", "D", "E", "F"], sameValues: [["A", "B"], ["D", "E"]] });
        assert.ok(!JSON.stringify(facts).includes("d1"));
        assert.deepEqual(plainFacts({ X: "d1", Y: "d2" }).sameValues, []);
    });
});
