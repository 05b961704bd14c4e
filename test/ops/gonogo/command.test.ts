/** `launch go-no-go` as the bin runs it: exit codes, usage errors, and a config that cannot run yet. */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { launchCaptured } from "../../helpers/launch";

const ROOT = path.resolve(__dirname, "../../..");

function launch(args: string[], projectDir: string): Promise<{ code: number; out: string; err: string }> {
    return launchCaptured(args, projectDir);
}

describe("launch go-no-go (command)", () => {
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "hotdash-gonogo-cmd-"));
        fs.copyFileSync(path.join(ROOT, "Pulumi.prod.yaml"), path.join(dir, "Pulumi.prod.yaml"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("exits 2 on an unknown --confirm item, naming the items", async () => {
        const r = await launch(["go-no-go", "--stack", "prod", "--confirm", "onCall,oncal"], dir);
        assert.equal(r.code, 2);
        assert.match(r.err, /launch go-no-go: --confirm: unknown item oncal; the items are teamAssembled, onCall, operatorsTrained/);
    });

    it("is NO-GO (exit 1) on the committed prod config: config items with their fixes, the rest unknown, the human items manual", async () => {
        const saved = { ...process.env };
        for (const k of ["FLY_API_TOKEN", "SUPABASE_ACCESS_TOKEN", "CHATWOOT_API_TOKEN", "PULUMI_CONFIG_PASSPHRASE"]) delete process.env[k];
        let r;
        try {
            r = await launch(["go-no-go", "--stack", "prod", "--json", "report.json", "--no-post"], dir);
        } finally {
            process.env = saved;
        }
        assert.equal(r.code, 1, r.err);
        assert.match(r.out, /^launch go-no-go --stack prod: NO-GO\n/);
        const report = JSON.parse(fs.readFileSync(path.join(dir, "report.json"), "utf8")) as { items: { id: string; status: string; resource: string; fix?: string }[] };
        const config = report.items.filter((i) => i.id === "GNG-CFG-001");
        assert.ok(config.some((i) => i.resource === "hotdash:fly.org" && i.fix === "pulumi config set --path hotdash:fly.org '<fly-org-slug>' --stack prod"), JSON.stringify(config));
        assert.ok(config.every((i) => i.status === "fail"));
        for (const id of ["GNG-PLAN-001", "GNG-HLT-001", "GNG-WHK-001"]) assert.equal(report.items.find((i) => i.id === id)?.status, "unknown", id);
        assert.equal(report.items.filter((i) => i.id.startsWith("GNG-TEAM-")).length, 9);
        assert.match(r.out, /decision kept with the stack's history: \.launch\/go-no-go\/prod\//);
    });
});
