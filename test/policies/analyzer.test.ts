/**
 * The pack through @pulumi/policy's own analyzer: the AnalyzeStack RPC handler the policy server registers
 * (`makeAnalyzeStackRpcFun`, exported at run time but not in the .d.ts), fed a real protobuf request. So the SDK's
 * deserialization (secrets unwrapped, unknowns as sentinels behind its proxy) and its enforcement-level mapping
 * are the real ones. Kept to this one file: the entry point is internal to the SDK.
 */
import { strict as assert } from "node:assert";
import type { Policies } from "@pulumi/policy";
import { policyPackArgs, PACK_NAME } from "../../policies/policyPack";
import { analyzeStackRequest, CANARIES, CANARY, editing, NOW, passingStack, UNKNOWN_SENTINEL } from "./fixtures";

const server = require("@pulumi/policy/server") as {
    makeAnalyzeStackRpcFun(name: string, version: string, level: string, policies: Policies): (call: unknown, cb: (err: Error | null, res?: AnalyzeResponse) => void) => Promise<void>;
};

interface Diagnostic { getPolicyname(): string; getMessage(): string; getEnforcementlevel(): number; getUrn(): string; getSeverity(): number }
interface AnalyzeResponse { getDiagnosticsList(): Diagnostic[] }

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = "1b47061264138c4ac30d75fd1eb44270";
const MANDATORY = 1;
const ADVISORY = 0;

/** Props as the engine marshals them: secret maps wrapped in the secret signature. */
function wire(type: string, props: Record<string, unknown>): Record<string, unknown> {
    if (/FlySecrets|SupabaseSecrets/.test(type)) return { ...props, values: { [SIG]: SECRET, value: props["values"] } };
    if (/ChatwootWebhook/.test(type)) return { ...props, secret: { [SIG]: SECRET, value: props["secret"] } };
    return props;
}

async function analyze(stack: ReturnType<typeof passingStack>): Promise<[string, number, string][]> {
    const req = analyzeStackRequest(stack, (r) => wire(r.type, r.props as Record<string, unknown>));
    const rpc = server.makeAnalyzeStackRpcFun(PACK_NAME, "0.1.0", "mandatory", policyPackArgs(() => NOW).policies);
    const res = await new Promise<AnalyzeResponse>((resolve, reject) => {
        void rpc({ request: req }, (err, r) => (err ? reject(err) : resolve(r!)));
    });
    return res.getDiagnosticsList().map((d) => [d.getPolicyname(), d.getEnforcementlevel(), d.getMessage()]);
}

type Env = { config: { env: Record<string, unknown>; image: string } };

describe("policies through @pulumi/policy's analyzer (AnalyzeStack)", () => {
    it("reports nothing on the passing stack", async () => {
        assert.deepEqual(await analyze(passingStack()), []);
    });

    it("gives one mandatory violation per fault of a broken stack: an http URL, an unpinned image, a missing env var, a token in plain env", async () => {
        let stack = editing(passingStack(), "hotdash-agent-service-machines-app", (p) => {
            const c = (p as unknown as Env).config;
            c.env["LLAMAINDEX_SERVICE_URL"] = "http://hotdash-llamaindex-mcp.fly.dev";
            c.env["HELPER"] = `sbp_${"0a".repeat(20)}`;
        });
        stack = editing(stack, "hotdash-chatwoot-machines-web", (p) => {
            const c = (p as unknown as Env).config;
            c.image = "chatwoot/chatwoot:v4.15.1";
            delete c.env["RAILS_ENV"];
        });
        const d = await analyze(stack);
        assert.deepEqual(d.map(([name, level]) => [name, level]), [["HD-ENV-001", MANDATORY], ["HD-SSL-001", MANDATORY], ["HD-IMG-001", MANDATORY], ["HD-SEC-001", MANDATORY]]);
        assert.deepEqual(d.map(([, , m]) => m.split("\n")[1]), [
            "[fail] hotdash-chatwoot-machines-web: hotdash-chatwoot-machines-web: env RAILS_ENV is missing",
            "[fail] hotdash-agent-service-machines-app: hotdash-agent-service-machines-app: env LLAMAINDEX_SERVICE_URL is http://hotdash-llamaindex-mcp.fly.dev, not https",
            "[fail] hotdash-chatwoot-machines-web: hotdash-chatwoot-machines-web: image \"chatwoot/chatwoot:v4.15.1\" is not pinned by digest",
            "[fail] hotdash-agent-service-machines-app: hotdash-agent-service-machines-app: plain env HELPER holds a token of a known format; it must be a Fly secret",
        ]);
        assert.equal(d[0]![2].split("\n")[0], "Every app's machines get the plain env vars (with their required values) and the Fly secrets that components/appEnv.ts REQUIRED_ENV lists for it.");
    });

    it("keeps an unknown mandatory (the SDK alone would downgrade it to advisory) and a waiver advisory", async () => {
        let stack = editing(passingStack(), "hotdash-supabase-ssl", (p) => { p["enforced"] = UNKNOWN_SENTINEL; });
        stack = editing(stack, "hotdash-chatwoot-volume", (p) => { p["snapshotRetention"] = 3; });
        stack = editing(stack, "hotdash-launch-facts", (p) => { p["waivers"] = [{ ruleId: "HD-BAK-001", resource: "hotdash-chatwoot-volume", reason: "migrating volumes", approver: "alice", expires: "2025-10-20" }]; });
        assert.deepEqual(await analyze(stack), [
            ["HD-SSL-004", MANDATORY, `${"Supabase reports SSL enforcement on and applied for the project's database (SupabaseSslEnforcement's `enforced`), so Postgres refuses plaintext connections."}\n[unknown] hotdash-supabase-ssl: hotdash-supabase-ssl: cannot check whether Supabase enforces SSL (reported once applied) during preview (not known until apply)`],
            ["HD-BAK-001", ADVISORY, "[waived] hotdash-chatwoot-volume: hotdash-chatwoot-volume: snapshots are kept 3 days; at least 7 are required (waived until 2025-10-20 by alice: migrating volumes)\nfix: pulumi config set --path hotdash:backups.volumeSnapshotRetentionDays 14 --stack '<stack>'"],
        ]);
    });

    it("never puts a secret in a diagnostic, even when one is misplaced", async () => {
        const stack = editing(passingStack(), "hotdash-agent-service-machines-app", (p) => { (p as unknown as Env).config.env["CHATWOOT_API_TOKEN"] = CANARY.chatwootToken; });
        const text = JSON.stringify(await analyze(stack));
        assert.match(text, /CHATWOOT_API_TOKEN is a secret the launch requires/);
        assert.deepEqual(CANARIES.filter((c) => text.includes(c)), []);
    });
});
