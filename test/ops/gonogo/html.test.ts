/**
 * The HTML report as a person sees it: rendered by Debian's headless Chromium (`apt-get install chromium`, which
 * .ci/run installs), the verdict and the failing items read back from the page's DOM after rendering. The report is
 * a real go/no-go run against a sandbox where nothing is deployed yet (so most items fail), with a plan supplied.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { renderGoNoGo } from "../../../ops/gonogo/render";
import { runGoNoGo } from "../../../ops/gonogo/run";
import { isBlocker } from "../../../ops/report/model";
import { useSandbox } from "../../helpers/sandbox";
import { ROOT } from "../../helpers/stack";
import { ALL_CONFIRMED, assertNoSecret, sandboxSecrets } from "./helpers";

function chromium(): string {
    for (const p of ["/usr/bin/chromium", "/usr/bin/chromium-browser"]) if (fs.existsSync(p)) return p;
    throw new Error("Chromium is not installed: `apt-get install -y chromium` (Debian's package; .ci/run installs it)");
}

/** The page's DOM after Chromium has loaded and rendered it. */
function renderedDom(file: string): string {
    return execFileSync(chromium(), ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--dump-dom", `file://${file}`], { encoding: "utf8", timeout: 60_000, stdio: ["ignore", "pipe", "ignore"] });
}

describe("the go/no-go HTML report in headless Chromium", function () {
    this.timeout(120_000);
    const sandbox = useSandbox();

    it("shows the verdict and exactly the blocking items, with their fixes", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hotdash-gonogo-html-"));
        try {
            fs.writeFileSync(path.join(dir, "Pulumi.sandbox.yaml"), stringify({ config: { ...sandbox().stackConfig(), "hotdash:readiness": { ...ALL_CONFIRMED, uiTested: { owner: "erin", confirmed: false } } } }));
            sandbox().llamaindexMcp.healthy = false;
            const run = await runGoNoGo({
                projectDir: ROOT, stack: "sandbox", target: { workDir: dir, stack: "sandbox" }, draftTimeoutSeconds: 1,
                plan: { ok: true, steps: [{ op: "update", type: "hotdash:fly:MachineGroup", name: "hotdash-llamaindex-mcp-machines-app", urn: "urn:x", diffs: ["image"] }], violations: [], ms: 1 },
            });
            const html = renderGoNoGo(run.report, "html", run.secrets);
            assertNoSecret({ html }, sandboxSecrets(sandbox()));
            const file = path.join(dir, "go-no-go.html");
            fs.writeFileSync(file, html);

            const dom = renderedDom(file);
            const verdict = /<h1 id="verdict" data-verdict="([^"]+)">([^<]+)<\/h1>/.exec(dom);
            assert.ok(verdict, "the page has a verdict heading");
            assert.equal(verdict[1], "NO-GO");
            assert.equal(verdict[2], "NO-GO");
            const section = dom.slice(dom.indexOf('id="blockers"'), dom.indexOf('id="items"'));
            const shown = [...section.matchAll(/<tr class="item (\S+)" data-item="([^"]+)" data-status="([^"]+)">.*?<\/tr>/gs)].map((m) => ({ id: m[2]!, status: m[3]!, row: m[0] }));
            const expected = run.report.items.filter(isBlocker);
            assert.ok(expected.length >= 3, "the run has failures to show");
            assert.deepEqual(shown.map((s) => s.id), expected.map((i) => i.id));
            assert.ok(shown.some((s) => s.id === "GNG-PLAN-001" && /hotdash-llamaindex-mcp-machines-app update/.test(s.row)));
            assert.ok(shown.some((s) => s.id === "GNG-HLT-001" && /hotdash-llamaindex-mcp/.test(s.row) && /fly logs -a hotdash-llamaindex-mcp/.test(s.row)));
            assert.ok(shown.some((s) => s.id === "GNG-TEAM-008" && s.status === "manual" && /erin/.test(s.row)));
            assert.ok(/<dt>Authorized By<\/dt><dd>not authorized/.test(dom));
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
