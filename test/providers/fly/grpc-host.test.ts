/**
 * One smoke test through Pulumi's real dynamic-provider host (the process the engine starts for dynamic resources),
 * over gRPC, exactly the engine's transport: Configure with the stack config, then Check, Create, Read and Delete
 * of a Fly app whose provider is the serialized text Pulumi stores, against the sandbox.
 */
import { strict as assert } from "node:assert";
import { type ChildProcess, spawn } from "node:child_process";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { flyAppProvider } from "../../../providers/fly/app";
import { SANDBOX_CREDENTIALS as C } from "../../../sandbox/credentials";
import { useSandbox } from "../../helpers/sandbox";

const ROOT = path.resolve(__dirname, "../../..");

/* eslint-disable @typescript-eslint/no-explicit-any -- the generated gRPC stubs are untyped JavaScript */
const grpc = require("@grpc/grpc-js") as any;
const provproto = require("@pulumi/pulumi/proto/provider_pb") as any;
const { ResourceProviderClient } = require("@pulumi/pulumi/proto/provider_grpc_pb") as any;
const { Struct } = require("google-protobuf/google/protobuf/struct_pb") as any;

function call<T>(client: any, method: string, req: unknown): Promise<T> {
    return new Promise((resolve, reject) => client[method](req, (err: Error | null, res: T) => (err ? reject(err) : resolve(res))));
}

describe("the real dynamic-provider host, over gRPC", function () {
    this.timeout(60000);
    const sandbox = useSandbox({ timeScale: 0.01 });
    let host: ChildProcess | undefined;

    after(() => host?.kill());

    it("configures, checks, creates, reads and deletes a Fly app from the serialized provider", async () => {
        const text = (await pulumi.runtime.serializeFunction(() => flyAppProvider, { allowSecrets: true })).text;
        assert.ok(!text.includes(C.flyOrgToken), "the serialized provider holds no token");

        host = spawn(process.execPath, [require.resolve("@pulumi/pulumi/cmd/dynamic-provider/index.js"), "127.0.0.1:1"], {
            cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, PULUMI_NODEJS_PROJECT: "hotdash-launch", FLY_API_TOKEN: "" },
        });
        let stderr = "";
        host.stderr!.on("data", (d: Buffer) => { stderr += d.toString(); });
        const port = await new Promise<string>((resolve, reject) => {
            host!.stdout!.once("data", (d: Buffer) => resolve(d.toString().trim()));
            host!.once("exit", (code) => reject(new Error(`host exited ${code}: ${stderr}`)));
        });
        const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());

        const configure = new provproto.ConfigureRequest();
        configure.setArgs(Struct.fromJavaScript({ "hotdash:flyApiToken": C.flyOrgToken }));
        const configured = await call<any>(client, "configure", configure);
        assert.equal(configured.getAcceptsecrets(), false);

        const props = { __provider: text, apiUrl: `${sandbox().urls.fly}/v1`, name: "hotdash-grpc-smoke", org: C.flyOrg };
        const bad = new provproto.CheckRequest();
        bad.setUrn("urn:pulumi:sandbox::hotdash-launch::pulumi-nodejs:dynamic/hotdash:FlyApp::smoke");
        bad.setOlds(Struct.fromJavaScript({}));
        bad.setNews(Struct.fromJavaScript({ ...props, name: "Not_A_Name" }));
        const failures = (await call<any>(client, "check", bad)).getFailuresList().map((f: any) => [f.getProperty(), f.getReason()]);
        assert.deepEqual(failures, [["name", '"Not_A_Name" is not a valid Fly app name (lowercase letters, digits and dashes)']]);

        const create = new provproto.CreateRequest();
        create.setUrn("urn:pulumi:sandbox::hotdash-launch::pulumi-nodejs:dynamic/hotdash:FlyApp::smoke");
        create.setProperties(Struct.fromJavaScript(props));
        const created = await call<any>(client, "create", create);
        const outs = created.getProperties().toJavaScript();
        assert.equal(created.getId(), sandbox().fly.apps["hotdash-grpc-smoke"]!.id);
        assert.equal(outs.adopted, false);
        assert.equal(outs.__provider, text);

        const read = new provproto.ReadRequest();
        read.setId(created.getId());
        read.setProperties(Struct.fromJavaScript(outs));
        assert.equal((await call<any>(client, "read", read)).getId(), created.getId());

        const del = new provproto.DeleteRequest();
        del.setId(created.getId());
        del.setProperties(Struct.fromJavaScript(outs));
        await call(client, "delete", del);
        assert.equal(sandbox().fly.apps["hotdash-grpc-smoke"], undefined);
        client.close();
    });
});
