/**
 * Secret hygiene over everything a run on the real engine produces: Pulumi's checkpoint (serialized providers
 * included), its printed output, its events and errors, the stack outputs, and `launch status`'s update and Slack
 * message. Every secret value the run knows
 * (tokens, keys, URLs with passwords, Chatwoot's webhook secret, the generated Chatwoot keys) may appear only
 * encrypted.
 */
import { strict as assert } from "node:assert";
import { SECRET_NAMES_AS_KEYS } from "../../components/config/validate";
import { useSharedSandbox } from "../helpers/sandbox";
import { loadStackFile } from "../../components/config/load";
import { postStatus, prepareStatus, readStatus } from "../../ops/status/status";
import { stackHarness, testPulumi } from "../helpers/stack";

/** Pulumi's mark of a secret value in a checkpoint. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270";

interface StateResource {
    readonly urn: string;
    readonly type: string;
    readonly outputs: Readonly<Record<string, Record<string, unknown> | undefined>>;
}

function stateResources(checkpoint: unknown): StateResource[] {
    return ((checkpoint as { deployment?: { resources?: StateResource[] } }).deployment?.resources ?? []).map((r) => ({ ...r, outputs: r.outputs ?? {} }));
}

describe("secrets in what a run produces (real engine)", function () {
    this.timeout(300000);
    const sandbox = useSharedSandbox();

    it("appear nowhere but encrypted, failures included", async () => {
        const h = stackHarness(sandbox());
        try {
            const produced: string[] = [];
            const ok = await h.up();
            assert.deepEqual(ok.errors, []);
            const checkpoint = await h.exportState();
            produced.push(JSON.stringify(ok.outputs), JSON.stringify(ok.events), ok.text, JSON.stringify(checkpoint));

            // Fly's digests of the secrets are unsalted hashes of them: the checkpoint holds them encrypted
            const flySecrets = stateResources(checkpoint).filter((r) => r.type === "pulumi-nodejs:dynamic/hotdash:FlySecrets");
            const appsWithSecrets = Object.values(sandbox().fly.apps).filter((a) => Object.keys(a.secrets).length > 0);
            assert.ok(appsWithSecrets.length >= 3);
            assert.equal(flySecrets.length, appsWithSecrets.length, "one FlySecrets per app with secrets");
            for (const r of flySecrets) {
                assert.equal(r.outputs["digests"]?.[SECRET_SIG], SECRET_SIG_VALUE, `${r.urn}: digests stored in plain text`);
                assert.ok(typeof r.outputs["digests"]?.["ciphertext"] === "string", `${r.urn}: digests not encrypted`);
            }

            // launch status: its update (with the metrics API's refusals as reasons: no monitoring here) and the Slack message
            const status = await prepareStatus(loadStackFile(h.workDir, "sandbox"), h.target, await testPulumi());
            const update = await readStatus(status);
            assert.ok(update.text.includes("no data (Prometheus API GET /query failed with 404"), update.text);
            await postStatus(status, update);
            produced.push(update.text, JSON.stringify(update.metrics), ...sandbox().slack.messages.map((m) => JSON.stringify(m)));

            // a failed deploy and a refused token produce errors: they are scanned too
            const apps = structuredClone(h.config["hotdash:apps"]) as Record<string, Record<string, unknown>>;
            const bad = `registry.fly.io/hotdash-agent-service@sha256:${"e".repeat(64)}`;
            sandbox().fly.images[bad] = "unhealthy";
            apps["agentService"]!["image"] = bad;
            h.config["hotdash:apps"] = apps;
            const failed = await h.up();
            assert.equal(failed.ok, false);
            produced.push(...failed.errors, failed.text, JSON.stringify(failed.outputs));
            h.config["hotdash:chatwootApiToken"] = "sandbox-chatwoot-agent-token";
            const refused = await h.up();
            assert.equal(refused.ok, false);
            produced.push(...refused.errors, refused.text, JSON.stringify(await h.exportState()));

            // every secret value the runs handled: the config's, Chatwoot's webhook secret, the generated keys, and
            // Fly's digests of the app secrets (a digest of a short or guessable secret gives it away)
            const secrets = new Set<string>(["sandbox-chatwoot-agent-token"]);
            for (const app of Object.values(sandbox().fly.apps)) for (const s of Object.values(app.secrets)) secrets.add(s.digest);
            assert.ok(secrets.size > 3, "Fly holds the apps' secrets");
            const configured = SECRET_NAMES_AS_KEYS.map((k) => h.config[k]).filter((v): v is string => typeof v === "string");
            assert.ok(configured.length >= 7, `only ${configured.length} secrets in config`);
            for (const v of configured) secrets.add(v);
            // the sandbox database's password on its own too: the pre-launch dump ran against it
            secrets.add(decodeURIComponent(new URL(h.config["hotdash:databaseUrl"] as string).password));
            const hooks = sandbox().chatwoot.webhooks.filter((w) => w.secret);
            assert.equal(hooks.length, 1);
            secrets.add(hooks[0]!.secret!);
            // the generated ones, as Chatwoot's machines received them
            const [web] = sandbox().fly.live("hotdash-chatwoot");
            for (const name of ["SECRET_KEY_BASE", "ACTIVE_RECORD_ENCRYPTION_PRIMARY_KEY", "ACTIVE_RECORD_ENCRYPTION_DETERMINISTIC_KEY", "ACTIVE_RECORD_ENCRYPTION_KEY_DERIVATION_SALT"]) {
                const v = sandbox().fly.machineEnv(web!.id)[name];
                assert.ok(v && v.length >= 32, name);
                secrets.add(v);
            }

            for (const text of produced) {
                for (const s of secrets) assert.ok(!text.includes(s), `a secret (${s.slice(0, 4)}...) leaked into: ${text.slice(0, 200)}`);
            }
        } finally {
            h.dispose();
        }
    });
});
