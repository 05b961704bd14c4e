/**
 * The gate itself: `pulumi preview --policy-pack policies` on the real engine, the pack loaded by Pulumi from the
 * repo's policies/ folder (its packages resolved from the root `npm ci`). Before the first `up` the gate blocks on
 * what only apply reports (Supabase's SSL and backup state, the webhook's secret): an unknown blocks. Once the
 * sandbox stack is up it passes; a config that is valid but breaks two invariants fails, and Pulumi names both rules.
 */
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { sandboxFlyToken } from "../../sandbox/credentials";
import { useSharedSandbox } from "../helpers/sandbox";
import { ROOT, stackHarness, type StackHarness } from "../helpers/stack";

const PACK = path.join(ROOT, "policies");

/** The rule ids Pulumi printed as mandatory violations. */
function violations(text: string): string[] {
    return [...new Set([...text.matchAll(/- \[mandatory\] \[severity: \w+\]\s+(HD-[A-Z]+-\d{3})/g)].map((m) => m[1]!))].sort();
}

describe("the policy gate: pulumi preview --policy-pack policies (real engine)", function () {
    this.timeout(300000);
    const sandbox = useSharedSandbox();
    let h: StackHarness | undefined;
    after(() => h?.dispose());

    it("blocks a stack not yet applied on what only apply reports, each as unknown", async () => {
        const fresh = stackHarness(sandbox(), {}, "fresh");
        try {
            const run = await fresh.preview({ policyPacks: [PACK] });
            assert.equal(run.ok, false);
            assert.deepEqual(violations(run.text), ["HD-BAK-002", "HD-SSL-004", "HD-WHK-002"], run.text);
            assert.match(run.text, /\[unknown\] hotdash-supabase-ssl: hotdash-supabase-ssl: cannot check whether Supabase enforces SSL \(reported once applied\)/);
            assert.match(run.text, /\[unknown\] hotdash-supabase-backups: hotdash-supabase-backups: cannot check the newest completed backup/);
            assert.doesNotMatch(run.text, /\[fail\]/, "nothing fails: it is only not known yet");
        } finally {
            fresh.dispose();
        }
    });

    it("passes the sandbox stack once it is up", async () => {
        h = stackHarness(sandbox());
        const up = await h.up();
        assert.deepEqual(up.errors, []);
        const run = await h.preview({ policyPacks: [PACK] });
        assert.deepEqual(run.errors, []);
        assert.match(run.text, /Policies:\s+✅ hotdash-launch@v0\.1\.0 \(local: [^)]*policies\)/);
        assert.doesNotMatch(run.text, /HD-[A-Z]+-\d{3}/, "no rule reported anything");
    });

    it("fails a stack that breaks invariants the config allows, naming each rule", async () => {
        assert.ok(h, "the stack of the previous case");
        // a Fly token, real format, whose own validity window ends before the launch window's margin; and volume
        // snapshots kept 3 days
        const notAfter = new Date(Date.now() + 3 * 86_400_000);
        const shortLived = sandboxFlyToken(notAfter);
        sandbox().fly.tokens[shortLived] = { org: "hotdash" };
        h.config["hotdash:flyApiToken"] = shortLived;
        h.config["hotdash:backups"] = { preLaunchDump: false, volumeSnapshotRetentionDays: 3 };
        const run = await h.preview({ policyPacks: [PACK] });
        assert.equal(run.ok, false);
        assert.match(run.text, /❌ hotdash-launch@v0\.1\.0/);
        assert.deepEqual(violations(run.text), ["HD-BAK-001", "HD-TOK-002"], run.text);
        assert.match(run.text, /\[fail\] hotdash-chatwoot-volume: hotdash-chatwoot-volume: snapshots are kept 3 days; at least 7 are required/);
        assert.match(run.text, new RegExp(`\\[fail\\] tokens\\.fly: tokens\\.fly: the Fly API token expires ${notAfter.toISOString().slice(0, 10)}, before `));
    });
});
