/**
 * The pack as the Pulumi CLI loads it: `pulumi preview --policy-pack policies` has the Node.js language host run
 * @pulumi/pulumi's policy-pack runner with its working directory in policies/ and `<engine> .` as arguments; the
 * runner registers ts-node (type-checking) and requires the pack, whose PolicyPack starts the analyzer's gRPC server
 * and prints its port. This test does the same, then talks to that server with the engine's own gRPC client.
 */
import { strict as assert } from "node:assert";
import { type ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import { RULE_IDS } from "../../policies/rules";
import { analyzeStackRequest, editing, passingStack } from "./fixtures";

const grpc = require("@grpc/grpc-js");
const analyzerGrpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
const emptypb = require("google-protobuf/google/protobuf/empty_pb");

const PACK_DIR = path.resolve(__dirname, "../../policies");
const PROGRAM_DIR = path.resolve(__dirname, "../../program");

type Rpc = (req: unknown, cb: (err: Error | null, res: unknown) => void) => void;
type GrpcClient = Record<string, Rpc> & { close(): void };

function call<T>(client: GrpcClient, method: string, req: unknown): Promise<T> {
    return new Promise((resolve, reject) => client[method]!.call(client, req, (err, res) => (err ? reject(err) : resolve(res as T))));
}

describe("policies/index.ts (the pack as the Pulumi CLI runs it)", function () {
    this.timeout(90_000);

    it("has Pulumi report its own version: the package.json of the program's directory, the pack's working directory, names it", () => {
        const version = (dir: string): unknown => (require(path.join(dir, "package.json")) as { version?: unknown }).version;
        assert.equal(version(PROGRAM_DIR), version(PACK_DIR));
    });

    let child: ChildProcess | undefined;
    let client: GrpcClient;
    let stderr = "";

    before(async () => {
        child = spawn(process.execPath, [require.resolve("@pulumi/pulumi/cmd/run-policy-pack/index.js"), "127.0.0.1:1", "."], { cwd: PACK_DIR, stdio: ["ignore", "pipe", "pipe"] });
        child.stderr!.on("data", (d: Buffer) => { stderr += String(d); });
        const port = await new Promise<string>((resolve, reject) => {
            child!.stdout!.once("data", (d: Buffer) => resolve(String(d).trim()));
            child!.once("exit", (code) => reject(new Error(`the policy pack exited with ${code} before serving:\n${stderr}`)));
        });
        client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    });

    after(() => {
        client?.close();
        child?.kill();
    });

    it("serves every rule as a mandatory policy of the pack", async () => {
        const info = await call<{ getName(): string; getVersion(): string; getPoliciesList(): { getName(): string; getEnforcementlevel(): number }[] }>(client, "getAnalyzerInfo", new emptypb.Empty());
        assert.deepEqual([info.getName(), info.getVersion()], ["hotdash-launch", "0.1.0"]);
        assert.deepEqual(info.getPoliciesList().map((p) => [p.getName(), p.getEnforcementlevel()]), RULE_IDS.map((id) => [id, 1]));
    });

    it("answers AnalyzeStack over gRPC with one mandatory violation per fault", async () => {
        let stack = editing(passingStack(), "hotdash-launch-facts", (p) => {
            // the spawned pack judges expiries against today's date
            p["launchWindow"] = { start: "2098-01-01", end: "2098-01-02", minTokenValidityDays: 14 };
            p["tokens"] = { fly: { format: "fly-macaroon", expires: "2099-12-31" }, supabase: { format: "supabase-pat", expires: "2099-12-31" }, chatwoot: { format: "chatwoot-token", expires: "never" } };
        });
        stack = editing(stack, "hotdash-supabase-backups", (p) => { p["newestBackupAt"] = new Date().toISOString(); }); // aged against today's date too
        stack = editing(stack, "hotdash-chatwoot-machines-web", (p) => { (p["config"] as Record<string, unknown>)["image"] = "chatwoot/chatwoot:latest"; });
        stack = editing(stack, "hotdash-supabase-ssl", (p) => { p["enabled"] = false; });
        const req = analyzeStackRequest(stack);
        const res = await call<{ getDiagnosticsList(): { getPolicyname(): string; getEnforcementlevel(): number; getUrn(): string }[] }>(client, "analyzeStack", req);
        assert.deepEqual(res.getDiagnosticsList().map((d) => [d.getPolicyname(), d.getEnforcementlevel(), d.getUrn().split("::").pop()]), [
            ["HD-SSL-004", 1, "hotdash-supabase-ssl"],
            ["HD-IMG-001", 1, "hotdash-chatwoot-machines-web"],
        ]);
    });
});
