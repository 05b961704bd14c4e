/**
 * The sandbox's accounts and tokens. They open nothing but the local sandbox, which is why `Pulumi.sandbox.yaml`
 * may hold them in plain text (a test keeps that file and these values in step).
 */
export const SANDBOX_CREDENTIALS = {
    flyOrg: "hotdash",
    /** Org-wide token, as `fly tokens create org` gives. */
    flyOrgToken: "fm2_sandbox_org_token",
    /** Personal access token in Supabase's format (`sbp_` and 40 hex). */
    supabaseAccessToken: "sbp_5a4db0c25a4db0c25a4db0c25a4db0c25a4db0c2",
    supabaseProjectRef: "sandboxhotdashlaunch",
    supabaseServiceRoleKey: "sandbox-service-role-key",
    supabaseAnonKey: "sandbox-anon-key",
    chatwootAccountId: 1,
    /** An administrator of the account: may manage webhooks. */
    chatwootAdminToken: "sandbox-chatwoot-admin-token",
    /** An agent of the account: may not manage webhooks. */
    chatwootAgentToken: "sandbox-chatwoot-agent-token",
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
