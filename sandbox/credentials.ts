/**
 * The sandbox's accounts and tokens, in each vendor's real format so the policy pack judges them as it would real
 * ones. They open nothing but the local sandbox, which is why `Pulumi.sandbox.yaml` may hold them in plain text (a
 * test keeps that file and these values in step).
 */
import { mintFlyToken } from "./flyMacaroon";

/** The key the sandbox signs its Fly macaroons with. */
export const SANDBOX_FLY_MACAROON_KEY = Buffer.from("hotdash-sandbox-fly-macaroon-key", "utf8");

/** A Fly org token valid from `notBefore` until `notAfter`, signed by the sandbox (deterministic for given dates). */
export function sandboxFlyToken(notAfter: Date, notBefore: Date = new Date("2025-01-01T00:00:00Z")): string {
    return mintFlyToken({ key: SANDBOX_FLY_MACAROON_KEY, kid: "hotdash-sandbox-org", notBefore, notAfter, rnd: Buffer.alloc(16, 7) });
}

export const SANDBOX_CREDENTIALS = {
    flyOrg: "hotdash",
    /** Org-wide token, as `fly tokens create org --expiry` gives: a macaroon valid until the end of 2099. */
    flyOrgToken: sandboxFlyToken(new Date("2099-12-31T23:59:59Z")),
    /** Personal access token in Supabase's format (`sbp_` and 40 hex). */
    supabaseAccessToken: "sbp_5a4db0c25a4db0c25a4db0c25a4db0c25a4db0c2",
    supabaseProjectRef: "sandboxhotdashlaunch",
    supabaseServiceRoleKey: "sandbox-service-role-key",
    supabaseAnonKey: "sandbox-anon-key",
    /** Password of the project database's \`postgres\` user (the database URL's password). */
    supabaseDbPassword: "sandbox-db-password",
    chatwootAccountId: 1,
    /** An administrator of the account: may manage webhooks. Chatwoot's format: 24 base58 characters (has_secure_token). */
    chatwootAdminToken: "SandboxAdmin1TokenHtDash",
    /** An agent of the account: may not manage webhooks. */
    chatwootAgentToken: "SandboxAgent2TokenHtDash",
} as const;

/** The path of the sandbox's Slack incoming webhook: like Slack's, the URL itself is the credential. */
export const SLACK_WEBHOOK_PATH = "/services/T0HOTDASH/B0LAUNCH/sandboxwebhooksecret";

/** Passphrase of the sandbox stack's secrets (Pulumi's passphrase provider); real stacks have their own. */
export const SANDBOX_PASSPHRASE = "hotdash-sandbox";

/** Ports `npm run sandbox` listens on, matching `Pulumi.sandbox.yaml`. */
export const SANDBOX_PORTS = {
    fly: 4280,
    supabase: 4281,
    "supabase-rest": 4282,
    chatwoot: 4283,
    "hotdash-agent-service": 4284,
    "hotdash-llamaindex-mcp": 4285,
    slack: 4286,
} as const;

export type SandboxServerName = keyof typeof SANDBOX_PORTS;

/** Port of the sandbox project's PostgreSQL (\`hotdash:databaseUrl\` in \`Pulumi.sandbox.yaml\`). */
export const SANDBOX_DATABASE_PORT = 4287;
