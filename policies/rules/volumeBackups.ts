/** HD-BAK-001: every Fly volume takes daily snapshots and keeps them at least 7 days. */
import { fixCommand } from "../../components/config/validate";
import type { Check } from "../framework/finding";
import { checks, type Rule } from "../framework/rule";
import { isUnknown } from "../framework/unknown";

export const MIN_SNAPSHOT_RETENTION_DAYS = 7;

export const volumeBackups: Rule = {
    id: "HD-BAK-001",
    title: "Volumes keep snapshots for 7 days or more",
    description: `Every Fly volume has automatic daily backups on and keeps each snapshot at least ${MIN_SNAPSHOT_RETENTION_DAYS} days.`,
    severity: "high",
    enforcement: "mandatory",
    remediation: [
        `Set the retention: \`pulumi config set --path hotdash:backups.volumeSnapshotRetentionDays 14 --stack <stack>\` (at least ${MIN_SNAPSHOT_RETENTION_DAYS}).`,
        "Keep autoBackupEnabled true in the volume's declaration (components/fly/app.ts).",
        "Run `npx launch policy --stack <stack>` again.",
    ],
    url: "https://fly.io/docs/volumes/snapshots/",
    check(view, ctx) {
        const out: Check[] = [];
        for (const v of view.ofType("FlyVolumes")) {
            const retention = v.props["snapshotRetention"];
            const auto = v.props["autoBackupEnabled"];
            let ok = true;
            if (isUnknown(retention)) {
                ok = false;
                out.push(checks.unknown(v.name, "snapshotRetention", `at least ${MIN_SNAPSHOT_RETENTION_DAYS} days`, v.urn));
            } else if (typeof retention !== "number" || retention < MIN_SNAPSHOT_RETENTION_DAYS) {
                ok = false;
                out.push(checks.fail(v.name, `${v.name}: snapshots are kept ${JSON.stringify(retention ?? null)} days; at least ${MIN_SNAPSHOT_RETENTION_DAYS} are required`, `${JSON.stringify(retention ?? null)} days`, `at least ${MIN_SNAPSHOT_RETENTION_DAYS} days`, {
                    urn: v.urn, fix: fixCommand(ctx.stack, "backups.volumeSnapshotRetentionDays", "14"),
                }));
            }
            if (isUnknown(auto)) {
                ok = false;
                out.push(checks.unknown(v.name, "autoBackupEnabled", "autoBackupEnabled: true", v.urn));
            } else if (auto !== true) {
                ok = false;
                out.push(checks.fail(v.name, `${v.name}: automatic daily backups are off`, `autoBackupEnabled: ${JSON.stringify(auto ?? null)}`, "autoBackupEnabled: true", { urn: v.urn }));
            }
            if (ok) out.push(checks.pass(v.name, `${v.name}: daily snapshots on, kept ${String(retention)} days`, `${String(retention)} days`, `at least ${MIN_SNAPSHOT_RETENTION_DAYS} days`, v.urn));
        }
        if (out.length === 0) out.push(checks.na("volumes", "no Fly volume in the stack"));
        return out;
    },
};
