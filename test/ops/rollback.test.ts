/**
 * `launch rollback` on Pulumi's real engine against one sandbox: up with image A, up with image B, then the rollback
 * puts A back on every machine of the apps that changed, with webhooks off, tells the sandbox's Slack with the
 * digests, records itself in the stack's history, and a second run is a no-op. No secret in anything it produced.
 */
import { strict as assert } from "node:assert";
import { loadStackFile } from "../../components/config/load";
import { SECRET_NAMES_AS_KEYS } from "../../components/config/validate";
import { main } from "../../ops/cli";
import { COMMANDS } from "../../ops/commands";
import { rollback, type RollbackOptions, serviceProblems } from "../../ops/rollback";
import { postToSlack } from "../../ops/slack";
import { FlyMachinesApi, flyHttp } from "../../providers/fly/client";
import { parseRollbackMessage } from "../../ops/rollbackPlan";
import { selectStack } from "../../ops/workspace";
import { waitFor } from "../../sandbox/daemons";
import { useSharedSandbox } from "../helpers/sandbox";
import { ROOT, STACK_PASSPHRASE, testPulumi, useStack } from "../helpers/stack";

const AGENT = "hotdash-agent-service";
const LLAMA = "hotdash-llamaindex-mcp";
const CHATWOOT = "hotdash-chatwoot";

describe("launch rollback (real engine)", function () {
    this.timeout(600000);
    const sandbox = useSharedSandbox();
    const stack = useStack(sandbox);
    const produced: string[] = [];
    const images = (app: string): string[] => sandbox().fly.live(app).map((m) => String(m.config["image"]));
    const target = () => ({ workDir: stack().workDir, stack: "sandbox", backendUrl: `file://${stack().backendDir}`, passphrase: STACK_PASSPHRASE });

    async function run(options: RollbackOptions): Promise<{ code: number; lines: string[] }> {
        const lines: string[] = [];
        const config = loadStackFile(stack().workDir, "sandbox");
        const code = await rollback(target(), config, options, { out: (l) => lines.push(l), err: (l) => lines.push(`ERR ${l}`) }, await testPulumi());
        produced.push(...lines);
        return { code, lines };
    }

    let a: Record<string, string[]>;
    let b: Record<string, string>;

    before(async () => {
        const first = await stack().up();
        assert.deepEqual(first.errors, []);
        a = { [AGENT]: images(AGENT), [LLAMA]: images(LLAMA), [CHATWOOT]: images(CHATWOOT) };
        // image B for the agent service and Chatwoot; the LlamaIndex service keeps A
        const apps = structuredClone(stack().config["hotdash:apps"]) as Record<string, Record<string, unknown>>;
        b = {
            [AGENT]: `registry.fly.io/hotdash-agent-service@sha256:${"b".repeat(64)}`,
            [CHATWOOT]: `chatwoot/chatwoot:v4.16.0@sha256:${"c".repeat(64)}`,
        };
        apps["agentService"]!["image"] = b[AGENT];
        apps["chatwoot"]!["image"] = b[CHATWOOT];
        stack().config["hotdash:apps"] = apps;
        const second = await stack().up();
        assert.deepEqual(second.errors, []);
        assert.deepEqual(images(AGENT), [b[AGENT], b[AGENT]]);
        assert.equal(sandbox().chatwoot.webhooks.length, 1, "webhooks are on before the rollback");
        produced.push(first.text, second.text);
    });

    it("--dry-run shows the plan and changes nothing", async () => {
        const before = sandbox().log.length;
        const { code, lines } = await run({ dryRun: true });
        assert.equal(code, 0, lines.join("\n"));
        const text = lines.join("\n");
        assert.match(text, /1\. Webhooks off/);
        assert.ok(text.includes(`${AGENT}: sha256:${"b".repeat(64)} -> ${a[AGENT]![0]!.slice(a[AGENT]![0]!.indexOf("@") + 1)}`), text);
        assert.ok(text.includes(`${LLAMA} stays on`), text);
        assert.ok(text.includes("Dry run: nothing was changed."), text);
        assert.deepEqual(sandbox().log.slice(before).filter((r) => r.method !== "GET" && r.method !== "HEAD"), []);
        assert.deepEqual(images(AGENT), [b[AGENT], b[AGENT]]);
        assert.equal(sandbox().chatwoot.webhooks.length, 1);
        assert.equal(sandbox().slack.messages.length, 0);
    });

    it("refuses an app with no previous image, a digest not in history, an unknown app, each saying why", async () => {
        await assert.rejects(run({ app: LLAMA }), { message: `${LLAMA} has no previous image to roll back to: it has run only ${digestOf(a[LLAMA]![0]!)} since the stack first deployed it. Nothing was changed.` });
        await assert.rejects(run({ app: AGENT, to: `sha256:${"d".repeat(64)}` }), /^RollbackError: sha256:d{64} is not in the history of hotdash-agent-service; the digests it has run: sha256:b{64} \(running\), sha256:[0-9a-f]{64}$/);
        await assert.rejects(run({ app: "hotdash-web" }), { message: `unknown app "hotdash-web"; the stack's apps are ${AGENT}, ${LLAMA}, ${CHATWOOT}` });
    });

    it("a redeploy that fails puts the stack file back on what the last update applied and says what to run; webhooks stay off", async () => {
        const previousAgent = a[AGENT]![0]!;
        sandbox().fly.images[previousAgent] = "unhealthy";
        try {
            const { code, lines } = await run({ app: AGENT, reason: "first try" });
            assert.equal(code, 1, lines.join("\n"));
            const err = lines.filter((l) => l.startsWith("ERR ")).join("\n");
            assert.ok(err.includes("the redeploy failed (pulumi's output is above). Webhooks are off. Pulumi.sandbox.yaml is back on the images the last successful update applied"), err);
            assert.ok(err.includes(`run \`launch rollback --stack sandbox --app ${AGENT}\` again`), err);
        } finally {
            delete sandbox().fly.images[previousAgent];
        }
        const config = loadStackFile(stack().workDir, "sandbox");
        assert.equal(config.apps.agentService.image, b[AGENT], "the image is back as the last successful update applied it");
        assert.equal(config.webhooks.enabled, false, "turning webhooks off was an update of its own, and it succeeded");
        assert.deepEqual(sandbox().chatwoot.webhooks, []);
        assert.deepEqual(images(AGENT), [b[AGENT], b[AGENT]], "the health gate put the tried machine back");
        assert.equal(sandbox().slack.messages.length, 0, "nothing announced");
    });

    it("run again, puts the previous digests back on every machine, verifies, posts to Slack and records it", async () => {
        const { code, lines } = await run({ reason: "drafts failing after B" });
        assert.equal(code, 0, lines.join("\n"));
        assert.deepEqual(images(AGENT), a[AGENT]);
        assert.deepEqual(images(CHATWOOT), a[CHATWOOT]);
        assert.deepEqual(images(LLAMA), a[LLAMA], "an app that did not change is left alone");
        assert.deepEqual(sandbox().chatwoot.webhooks, [], "no webhook registered in Chatwoot");
        assert.equal(sandbox().slack.messages.length, 1);
        const text = (sandbox().slack.messages[0] as { text: string }).text;
        assert.ok(text.startsWith("Rollback complete. Investigating issue.\n"), text);
        assert.ok(text.includes(`${AGENT}: sha256:${"b".repeat(64)} → ${digestOf(a[AGENT]![0]!)}`), text);
        assert.ok(text.includes(`${CHATWOOT}: sha256:${"c".repeat(64)} → ${digestOf(a[CHATWOOT]![0]!)}`), text);
        assert.ok(text.includes("Reason: drafts failing after B"), text);
        produced.push(text);

        // the stack file says what runs, and the stack's history keeps the record
        const config = loadStackFile(stack().workDir, "sandbox");
        assert.equal(config.webhooks.enabled, false);
        assert.equal(digestOf(config.apps.agentService.image), digestOf(a[AGENT]![0]!));
        assert.equal(config.apps.chatwoot.image, `chatwoot/chatwoot:v4.15.1@${digestOf(a[CHATWOOT]![0]!)}`, "the reference as history had it, tag and all");
        const history = await (await selectStack(target(), await testPulumi())).history();
        const record = parseRollbackMessage(history[0]!.message);
        assert.deepEqual(record?.apps, {
            [AGENT]: { from: `sha256:${"b".repeat(64)}`, to: digestOf(a[AGENT]![0]!) },
            [CHATWOOT]: { from: `sha256:${"c".repeat(64)}`, to: digestOf(a[CHATWOOT]![0]!) },
        });
        assert.equal(record?.reason, "drafts failing after B");
        // webhooks went off in an update of their own (the first run's), before any redeploy; the failed one is in history too
        assert.deepEqual(history.slice(0, 3).map((h) => h.result), ["succeeded", "failed", "succeeded"]);
        assert.match(history[2]!.message, /^launch rollback: webhooks off/);
        assert.equal(parseRollbackMessage(history[1]!.message)?.reason, "first try");
        assert.ok((history[2]!.resourceChanges?.["delete"] ?? 0) >= 1, JSON.stringify(history[2]!.resourceChanges));
        assert.equal(history[0]!.resourceChanges?.["delete"], undefined, JSON.stringify(history[0]!.resourceChanges));
        produced.push(...history.map((h) => h.message));
        assert.ok(lines.some((l) => l.startsWith("Database: not rolled back (never automatic).")), lines.join("\n"));
    });

    it("a second run is a no-op: no mutating vendor call, no Slack message", async () => {
        const before = sandbox().log.length;
        const { code, lines } = await run({});
        assert.equal(code, 0, lines.join("\n"));
        assert.equal(lines[0], "Nothing to roll back on stack sandbox:");
        assert.ok(lines.some((l) => l.includes(`${AGENT} stays on ${digestOf(a[AGENT]![0]!)}: already rolled back`)), lines.join("\n"));
        assert.deepEqual(sandbox().log.slice(before).filter((r) => r.method !== "GET" && r.method !== "HEAD"), []);
        assert.equal(sandbox().slack.messages.length, 1);
    });

    it("the health check names a machine on the wrong digest and a service whose /health fails", async () => {
        const config = loadStackFile(stack().workDir, "sandbox");
        const fly = new FlyMachinesApi(flyHttp({ apiUrl: config.fly.apiUrl, token: String(stack().config["hotdash:flyApiToken"]) }));
        const expected = { [AGENT]: { app: digestOf(a[AGENT]![0]!) }, [LLAMA]: { app: digestOf(a[LLAMA]![0]!) }, [CHATWOOT]: { web: digestOf(a[CHATWOOT]![0]!), worker: digestOf(a[CHATWOOT]![0]!) } };
        assert.deepEqual(await serviceProblems(config, fly, expected), []);
        sandbox().llamaindexMcp.healthy = false;
        try {
            // Fly's own checks probe the same /health: wait until they have seen it fail, so both findings are there
            const llama = sandbox().fly.live(LLAMA);
            await waitFor("Fly's checks on the MCP machines to go critical", async () => llama.every((m) => m.checks.some((c) => c.status === "critical")) || undefined, 10_000, 20);
            const problems = await serviceProblems(config, fly, { ...expected, [AGENT]: { app: `sha256:${"b".repeat(64)}` } });
            const [m1, m2] = sandbox().fly.live(AGENT).map((m) => m.id);
            assert.deepEqual(problems.slice(0, 2).sort(), [
                `${AGENT}: machine ${m1} (app) runs ${digestOf(a[AGENT]![0]!)}, not sha256:${"b".repeat(64)}`,
                `${AGENT}: machine ${m2} (app) runs ${digestOf(a[AGENT]![0]!)}, not sha256:${"b".repeat(64)}`,
            ].sort());
            assert.equal(problems.length, 2 + llama.length + 1, problems.join("\n"));
            assert.deepEqual(problems.slice(2, 2 + llama.length).sort(), llama.map((m) => `${LLAMA}: machine ${m.id} (app) has checks not passing: ${m.checks.map((c) => `${c.name} ${c.status}`).join(", ")}`).sort());
            assert.match(problems[2 + llama.length]!, /^hotdash-llamaindex-mcp at http:\/\/127\.0\.0\.1:\d+ GET \/health failed with 503/);
            produced.push(...problems);
        } finally {
            sandbox().llamaindexMcp.healthy = true;
        }
    });

    it("a Slack post that fails says so without the webhook URL, which is a secret", async () => {
        const url = new URL(String(stack().config["hotdash:alertSlackWebhookUrl"]));
        const wrong = `${url.origin}/services/T0HOTDASH/B0LAUNCH/notthesecret`;
        await assert.rejects(postToSlack(wrong, "Rollback complete. Investigating issue."), (e: Error) => {
            assert.ok(!e.message.includes("notthesecret"), e.message);
            assert.match(e.message, /404/);
            produced.push(e.message);
            return true;
        });
    });

    it("leaks no secret into anything it printed, posted or recorded", () => {
        const secrets = SECRET_NAMES_AS_KEYS.map((k) => stack().config[k]).filter((v): v is string => typeof v === "string");
        assert.ok(secrets.length >= 7, `only ${secrets.length} secrets in config`);
        secrets.push(new URL(String(stack().config["hotdash:alertSlackWebhookUrl"])).pathname);
        assert.ok(produced.length > 5);
        for (const text of produced) {
            for (const s of secrets) assert.ok(!text.includes(s), `a secret (${s.slice(0, 4)}...) leaked into: ${text.slice(0, 200)}`);
        }
    });
});

function digestOf(image: string): string {
    return image.slice(image.lastIndexOf("@") + 1);
}

describe("launch rollback's command line", () => {
    async function launch(args: string[]): Promise<{ code: number; out: string; err: string }> {
        let out = "";
        let err = "";
        const write = (stream: NodeJS.WriteStream, add: (s: string) => void) => {
            const original = stream.write.bind(stream);
            stream.write = ((chunk: string) => { add(String(chunk)); return true; }) as typeof stream.write;
            return () => { stream.write = original; };
        };
        const restoreOut = write(process.stdout, (s) => { out += s; });
        const restoreErr = write(process.stderr, (s) => { err += s; });
        try {
            return { code: await main(args, COMMANDS, ROOT), out, err };
        } finally {
            restoreOut();
            restoreErr();
        }
    }

    it("is listed by launch help, and refuses an unknown option or a missing --stack with its usage", async () => {
        const help = await launch(["help"]);
        assert.match(help.out, /launch rollback --stack <stack> \[--app <app>\] \[--to <digest>\] \[--reason <text>\] \[--dry-run\]/);
        const bogus = await launch(["rollback", "--stack", "sandbox", "--force"]);
        assert.equal(bogus.code, 2);
        assert.match(bogus.err, /^launch rollback: Unknown option '--force'/);
        const noStack = await launch(["rollback", "--dry-run"]);
        assert.equal(noStack.code, 2);
        assert.equal(noStack.err, "launch rollback: --stack <name> is required (sandbox or prod)\nusage: launch rollback --stack <stack> [--app <app>] [--to <digest>] [--reason <text>] [--dry-run]\n");
    });
});
