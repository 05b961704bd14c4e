/**
 * The gate itself: `pulumi preview --policy-pack policies` on the real engine, the pack loaded by Pulumi from the
 * repo's policies/ folder (its packages resolved from the root `npm ci`). The sandbox stack passes; a stack whose
 * config is valid but breaks two invariants fails, and Pulumi names both rules.
 */
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { useSharedSandbox } from "../helpers/sandbox";
import { ROOT, stackHarness } from "../helpers/stack";

const PACK = path.join(ROOT, "policies");

describe("the policy gate: pulumi preview --policy-pack policies (real engine)", function () {
    this.timeout(300000);
    const sandbox = useSharedSandbox();

    it("passes the sandbox stack", async () => {
        const h = stackHarness(sandbox());
        try {
            const run = await h.preview({ policyPacks: [PACK] });
            assert.deepEqual(run.errors, []);
            assert.match(run.text, /Policies:\s+✅ hotdash-launch@v0\.1\.0 \(local: [^)]*policies\)/);
            assert.doesNotMatch(run.text, /HD-[A-Z]+-\d{3}/, "no rule reported anything");
        } finally {
            h.dispose();
        }
    });

    it("fails a stack that breaks invariants the config allows, naming each rule", async () => {
        const h = stackHarness(sandbox(), {
            // a Fly token that expires before the launch window is over, and volume snapshots kept 3 days
            "hotdash:tokenExpiry": { fly: "2026-12-01", supabase: "2099-12-31" },
            "hotdash:backups": { preLaunchDump: false, volumeSnapshotRetentionDays: 3 },
        });
        try {
            const run = await h.preview({ policyPacks: [PACK] });
            assert.equal(run.ok, false);
            assert.match(run.text, /❌ hotdash-launch@v0\.1\.0/);
            const violations = [...run.text.matchAll(/- \[mandatory\] \[severity: \w+\]\s+(HD-[A-Z]+-\d{3})/g)].map((m) => m[1]);
            assert.deepEqual([...new Set(violations)].sort(), ["HD-BAK-001", "HD-TOK-002"], run.text);
            assert.match(run.text, /\[fail\] hotdash-chatwoot-volume: hotdash-chatwoot-volume: snapshots are kept 3 days; at least 7 are required/);
            assert.match(run.text, /\[fail\] tokens\.fly: tokens\.fly: the Fly API token expires 2026-12-01, before /);
        } finally {
            h.dispose();
        }
    });
});
