import { strict as assert } from "node:assert";
import { volumeBackups } from "../../../policies/rules/volumeBackups";
import { editing, findings, leakedCanaries, outcome, passingStack, UNKNOWN_SENTINEL, without } from "../fixtures";

const VOL = "hotdash-chatwoot-volume";
const vol = (edit: (p: Record<string, unknown>) => void) => editing(passingStack(), VOL, edit);

describe("policies/rules/volumeBackups (HD-BAK-001)", () => {
    it("passes daily snapshots kept 14 days", () => {
        assert.deepEqual(outcome(volumeBackups, passingStack()), [["pass", "hotdash-chatwoot-volume: daily snapshots on, kept 14 days"]]);
        assert.deepEqual(outcome(volumeBackups, vol((p) => { p["snapshotRetention"] = 7; })), [["pass", "hotdash-chatwoot-volume: daily snapshots on, kept 7 days"]]);
    });

    it("fails a short retention, with the command that lengthens it", () => {
        const stack = vol((p) => { p["snapshotRetention"] = 5; });
        assert.deepEqual(outcome(volumeBackups, stack), [["fail", "hotdash-chatwoot-volume: snapshots are kept 5 days; at least 7 are required"]]);
        assert.equal(findings(volumeBackups, stack)[0]!.fix, "pulumi config set --path hotdash:backups.volumeSnapshotRetentionDays 14 --stack prod");
    });

    it("fails automatic backups off", () => {
        assert.deepEqual(outcome(volumeBackups, vol((p) => { p["autoBackupEnabled"] = false; })), [["fail", "hotdash-chatwoot-volume: automatic daily backups are off"]]);
    });

    it("is n/a without volumes", () => {
        assert.deepEqual(outcome(volumeBackups, without(passingStack(), VOL)), [["n/a", "no Fly volume in the stack"]]);
    });

    it("is unknown in preview", () => {
        assert.deepEqual(outcome(volumeBackups, vol((p) => { p["snapshotRetention"] = { __pulumiUnknown: true }; })), [["unknown", "hotdash-chatwoot-volume: cannot check snapshotRetention during preview (not known until apply)"]]);
        assert.deepEqual(outcome(volumeBackups, vol((p) => { p["autoBackupEnabled"] = UNKNOWN_SENTINEL; })), [["unknown", "hotdash-chatwoot-volume: cannot check autoBackupEnabled during preview (not known until apply)"]]);
    });

    it("never shows a secret's value", () => {
        assert.deepEqual(leakedCanaries(findings(volumeBackups, passingStack())), []);
    });
});
