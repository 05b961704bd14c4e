import { strict as assert } from "node:assert";
import { entropy, plainEnvSecrets, secretReason } from "../../../policies/rules/plainEnvSecrets";
import { CANARY, editing, findings, leakedCanaries, outcome, passingStack, problems, UNKNOWN_SENTINEL } from "../fixtures";

type Props = { config: { env: Record<string, unknown> } };
const AGENT = "hotdash-agent-service-machines-app";
const env = (name: string, value: unknown) => editing(passingStack(), AGENT, (p) => { (p as unknown as Props).config.env[name] = value; });

describe("policies/rules/plainEnvSecrets (HD-SEC-001)", () => {
    it("passes plain env without secrets", () => {
        assert.deepEqual(outcome(plainEnvSecrets, passingStack())[1], ["pass", "hotdash-agent-service-machines-app: no secret in plain env (6 vars checked)"]);
        assert.deepEqual(problems(plainEnvSecrets, passingStack()), []);
    });

    it("fails a required secret in plain env", () => {
        assert.deepEqual(problems(plainEnvSecrets, env("CHATWOOT_API_TOKEN", CANARY.chatwootToken)), [["fail", "hotdash-agent-service-machines-app: plain env CHATWOOT_API_TOKEN is a secret the launch requires as a Fly secret; it must be a Fly secret"]]);
    });

    it("fails by name, by token format, by URL credentials and by entropy", () => {
        assert.deepEqual(problems(plainEnvSecrets, env("STRIPE_API_KEY", "anything")), [["fail", "hotdash-agent-service-machines-app: plain env STRIPE_API_KEY has a secret's name; it must be a Fly secret"]]);
        assert.deepEqual(problems(plainEnvSecrets, env("UPSTREAM", `sbp_${"0a".repeat(20)}`)), [["fail", "hotdash-agent-service-machines-app: plain env UPSTREAM holds a token of a known format; it must be a Fly secret"]]);
        assert.deepEqual(problems(plainEnvSecrets, env("CACHE", CANARY.redisUrl)), [["fail", "hotdash-agent-service-machines-app: plain env CACHE holds credentials in a URL; it must be a Fly secret"]]);
        assert.deepEqual(problems(plainEnvSecrets, env("SIGNING", "q8Zr2Lx0Vb7Nm4Kc9Wd1Tf6Hy3Pj5Gs")), [["fail", "hotdash-agent-service-machines-app: plain env SIGNING holds a high-entropy value; it must be a Fly secret"]]);
    });

    it("leaves ordinary values alone", () => {
        for (const v of ["production", "https://hotdash-chatwoot.fly.dev", "hotdash-agent-service-1", "/app/storage/data/files", "bundle exec rails s -p 3000"]) {
            assert.equal(secretReason("SETTING", v), undefined, v);
        }
        assert.equal(secretReason("SETTING", "a3f9c0e1b2d4f6a8c0e2b4d6f8a0c2e4"), "holds a high-entropy value");
        assert.equal(entropy("aaaa"), 0);
    });

    it("is unknown in preview when the env is, and judges an unknown value by its name", () => {
        const stack = editing(passingStack(), AGENT, (p) => { (p as unknown as { config: Record<string, unknown> }).config["env"] = UNKNOWN_SENTINEL; });
        assert.deepEqual(problems(plainEnvSecrets, stack), [["unknown", "hotdash-agent-service-machines-app: cannot check the machine config's env during preview (not known until apply)"]]);
        assert.deepEqual(problems(plainEnvSecrets, env("SESSION_SECRET", UNKNOWN_SENTINEL)), [["fail", "hotdash-agent-service-machines-app: plain env SESSION_SECRET has a secret's name; it must be a Fly secret"]]);
    });

    it("never shows the secret it found", () => {
        assert.deepEqual(leakedCanaries(findings(plainEnvSecrets, env("CHATWOOT_API_TOKEN", CANARY.chatwootToken))), []);
        assert.deepEqual(leakedCanaries(findings(plainEnvSecrets, env("CACHE", CANARY.redisUrl))), []);
    });
});
