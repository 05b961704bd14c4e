/** Shared by the go/no-go tests: the stack target of a harness, config edits as `pulumi config set` makes them, and the leak scan. */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse, stringify } from "yaml";
import type { ReadinessKey } from "../../../components/config/types";
import { READINESS_KEYS } from "../../../components/config/types";
import type { StackTarget } from "../../../ops/workspace";
import type { Sandbox } from "../../../sandbox";
import { SANDBOX_CREDENTIALS as C } from "../../../sandbox/credentials";
import { SLACK_WEBHOOK_PATH } from "../../../sandbox/slack";
import { STACK_PASSPHRASE, type StackHarness } from "../../helpers/stack";

/** Every human item confirmed, with owners. */
export const ALL_CONFIRMED = Object.fromEntries(READINESS_KEYS.map((k) => [k, { owner: `owner-of-${k}`, confirmed: true }])) as Record<ReadinessKey, { owner: string; confirmed: boolean }>;

export function targetOf(h: StackHarness): StackTarget {
    return { workDir: h.workDir, stack: "sandbox", backendUrl: `file://${h.backendDir}`, passphrase: STACK_PASSPHRASE };
}

/** Sets one plain key in the harness's stack file, as `pulumi config set` would, without running the engine. */
export function setStackConfig(h: StackHarness, key: string, value: unknown): void {
    const file = path.join(h.workDir, "Pulumi.sandbox.yaml");
    const doc = parse(fs.readFileSync(file, "utf8")) as { config: Record<string, unknown> };
    doc.config[key] = value;
    h.config[key] = value;
    fs.writeFileSync(file, stringify(doc, { defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN" }));
}

/** The sandbox's secret values, including the webhook secret Chatwoot generated and the Slack URL's secret path. */
export function sandboxSecrets(sandbox: Sandbox): string[] {
    return [
        C.flyOrgToken, C.supabaseAccessToken, C.supabaseServiceRoleKey, C.chatwootAdminToken, SLACK_WEBHOOK_PATH, "sandboxwebhooksecret",
        "sandbox-db-password", "sandbox-redis-password",
        ...sandbox.chatwoot.webhooks.map((w) => w.secret).filter((s): s is string => !!s),
    ];
}

/** The leak scan: no secret value in any text. */
export function assertNoSecret(texts: Readonly<Record<string, string>>, secrets: readonly string[]): void {
    assert.ok(secrets.length >= 8, "the scan knows the secrets");
    for (const [name, text] of Object.entries(texts)) {
        for (const s of secrets) assert.ok(!text.includes(s), `${name} leaks a secret (${s.slice(0, 4)}…)`);
    }
}
