/**
 * The go/no-go's items: every line of LAUNCH_CHECKLIST.md's pre-launch sections and of "Final Go/No-Go Decision",
 * each either probed (a live call), read from the plan (`pulumi preview --policy-pack`), or manual (a person
 * confirms it; its owner comes from `hotdash:readiness`). Ids are stable: reports, JUnit and Slack name them.
 */
import type { ReadinessKey } from "../../components/config/types";
import type { RuleMeta } from "../../policies/framework/rule";

export type ItemKind = "config" | "plan" | "probe" | "manual";

export interface GoNoGoRule extends RuleMeta {
    readonly kind: ItemKind;
    /** The checklist lines this item gives evidence for, as the checklist words them. */
    readonly checklist: readonly string[];
}

const PULUMI_CONFIG = "https://www.pulumi.com/docs/iac/concepts/config/";

function rule(r: Omit<GoNoGoRule, "enforcement" | "severity"> & Partial<Pick<GoNoGoRule, "severity">>): GoNoGoRule {
    return { severity: "critical", enforcement: "mandatory", ...r };
}

export const CONFIG_ITEM = rule({
    id: "GNG-CFG-001", kind: "config", title: "Stack config complete",
    description: "Every key of the hotdash namespace is set and valid: the production values are confirmed.",
    checklist: ["Environment Variables: All production values confirmed"],
    remediation: ["Run the fix command each finding gives, then `npx launch go-no-go --stack <stack>` again."],
    url: PULUMI_CONFIG,
});

export const POLICY_ITEM = rule({
    id: "GNG-POL-001", kind: "plan", title: "Policy pack passes (the gate)",
    description: "`pulumi preview --policy-pack policies` reports no mandatory violation.",
    checklist: ["All pre-launch tests passed"],
    remediation: ["Fix each violation as the policy's remediation says (`npx launch policy --stack <stack>` lists them with fixes)."],
    url: "https://www.pulumi.com/docs/iac/using-pulumi/crossguard/",
});

export const PLAN_ITEM = rule({
    id: "GNG-PLAN-001", kind: "plan", title: "Nothing pending but enabling the webhook",
    description: "At go/no-go the only change `pulumi up` may still make is enabling the Chatwoot webhook; any other pending change means the stack is not what was tested.",
    checklist: ["Database Migrations: All applied successfully", "Agent SDK Deployed", "LlamaIndex MCP Deployed", "Chatwoot Deployed"],
    remediation: ["Apply the change (`npx launch up --stack <stack>`) and run the go/no-go again, or revert the config that caused it."],
    url: "https://www.pulumi.com/docs/iac/cli/commands/pulumi_preview/",
});

export const HEALTH_ITEM = rule({
    id: "GNG-HLT-001", kind: "probe", title: "Service healthy over HTTPS under 500 ms",
    description: "Each app's /health answers 200 over HTTPS within the checklist's 500 ms.",
    checklist: ["Agent SDK Deployed: HEALTHY", "LlamaIndex MCP Deployed: HEALTHY", "Chatwoot Deployed: HEALTHY", "Health Checks: All services passing", "Performance: Response times under target", "All critical services healthy"],
    remediation: ["Look at the app's logs (`fly logs -a <app>`), fix or roll back (`npx launch rollback --stack <stack> --app <app>`)."],
    url: "https://fly.io/docs/reference/health-checks/",
});

export const MACHINES_ITEM = rule({
    id: "GNG-FLY-001", kind: "probe", title: "Fly machines started, checks passing",
    description: "Every machine of every app (web and worker, and the monitor) is started and each of its checks passes.",
    checklist: ["Chatwoot Deployed: HEALTHY (web + worker)", "Health Checks: All services passing"],
    remediation: ["`fly status -a <app>` and `fly checks list -a <app>`; restart or redeploy the machine that is not passing."],
    url: "https://fly.io/docs/machines/api/machines-resource/",
});

export const DATABASE_ITEM = rule({
    id: "GNG-DB-001", kind: "probe", title: "Supabase healthy, SSL enforced",
    description: "The Supabase project is ACTIVE_HEALTHY and rejects non-SSL database connections.",
    checklist: ["Service Status: Database", "SSL Certificates: Valid"],
    remediation: ["Turn SSL enforcement on: `npx launch up --stack <stack>` (the stack declares it), or Database settings → SSL in the dashboard."],
    url: "https://supabase.com/docs/guides/platform/ssl-enforcement",
});

export const BACKUP_ITEM = rule({
    id: "GNG-BAK-001", kind: "probe", title: "Backup recent, PITR as declared",
    description: "The newest completed Supabase backup is younger than hotdash:backups.maxBackupAgeHours and PITR is as hotdash:backups.pitr declares.",
    checklist: ["Backup Verification: Latest backup confirmed", "Database Backup: Manual backup before launch"],
    remediation: ["Take a backup now (Database → Backups in the Supabase dashboard), check the schedule, then run the go/no-go again."],
    url: "https://supabase.com/docs/guides/platform/backups",
});

export const TOKEN_VALID_ITEM = rule({
    id: "GNG-TOK-001", kind: "probe", title: "API tokens valid now",
    description: "A read call with each token succeeds; the Chatwoot token belongs to an administrator of the account.",
    checklist: ["API Tokens: Validated", "CHATWOOT_API_TOKEN=<validated>"],
    remediation: ["Create a new token and store it: `pulumi config set --secret hotdash:<token> <value> --stack <stack>`, then `npx launch up --stack <stack>`."],
    url: "https://fly.io/docs/security/tokens/",
});

export const TOKEN_EXPIRY_ITEM = rule({
    id: "GNG-TOK-002", kind: "probe", title: "API tokens not expiring before the window ends",
    description: "Each token's expiry (the Fly token's own validity window, the Supabase token's hotdash:tokenExpiry.supabase) is after the launch window's end plus hotdash:launch.minTokenValidityDays.",
    checklist: ["API Tokens: not expired"],
    remediation: ["Create a token with a longer life and store it with `pulumi config set --secret`; for Supabase also declare its expiry: `pulumi config set --path hotdash:tokenExpiry.supabase <YYYY-MM-DD> --stack <stack>`."],
    url: "https://fly.io/docs/flyctl/tokens-create/",
});

export const CERT_ITEM = rule({
    id: "GNG-TLS-001", kind: "probe", title: "Certificates issued and renewing",
    description: "Every custom hostname has an issued Fly certificate that Fly renews (ACME) and that outlives the launch window; *.fly.dev names use Fly's own.",
    checklist: ["SSL Certificates: Valid and auto-renewing"],
    remediation: ["`fly certs show <hostname> -a <app>`: fix the DNS records it asks for, then `npx launch up --stack <stack>`."],
    url: "https://fly.io/docs/networking/custom-domain/",
});

export const WEBHOOK_ITEM = rule({
    id: "GNG-WHK-001", kind: "probe", title: "Webhook registered, one secret everywhere",
    description: "Chatwoot has the webhook for the agent's URL; every agent machine verifies its signature and Supabase holds the same secret.",
    checklist: ["Chatwoot Webhook: Configured in Chatwoot admin panel", "HMAC Secret: Set in Supabase secrets", "CHATWOOT_WEBHOOK_SECRET=<generated>", "Security: Signature validation working"],
    remediation: ["Roll the agent service so every machine has the current secrets: `npx launch up --stack <stack>`; if Supabase differs, the same `up` sets it."],
    url: "https://www.chatwoot.com/hc/user-guide/articles/1677693021-how-to-use-webhooks",
});

export const E2E_ITEM = rule({
    id: "GNG-E2E-001", kind: "probe", title: "Signed test message delivered end to end",
    description: "A test message posted in Chatwoot reaches the agent service signed, verifies, and shows up as a pending draft in the approval queue.",
    checklist: ["End-to-End Test: Complete approval workflow tested", "Webhook Delivery: Verified with test message", "Webhook Test: Send test message, verify receipt"],
    remediation: ["Check the agent's logs (`fly logs -a hotdash-agent-service`) for the delivery; a 401 means a secret mismatch (see GNG-WHK-001)."],
    url: "https://www.chatwoot.com/developers/api/",
});

export const QUEUE_ITEM = rule({
    id: "GNG-QUE-001", kind: "probe", title: "Approval queue empty",
    description: "No pending approval other than the go/no-go's own test draft.",
    checklist: ["Approval Queue: Verify empty and ready"],
    remediation: ["Resolve or remove the pending approvals: `psql $DATABASE_URL -c \"SELECT id, status, created_at FROM agent_approvals WHERE status='pending';\"`."],
    url: "https://supabase.com/docs/guides/api",
});

export const MONITORING_ITEM = rule({
    id: "GNG-MON-001", kind: "probe", title: "Monitoring targets up",
    description: "The monitor's Prometheus, Alertmanager and blackbox machines run with passing checks and every target they scrape answers.",
    checklist: ["Monitoring Dashboard: Set up and tested", "Monitoring Active", "Monitoring active"],
    remediation: ["`fly status -a hotdash-monitor`; redeploy it with `npx launch up --stack <stack>`; fix the target that does not answer."],
    url: "https://prometheus.io/docs/prometheus/latest/querying/api/#targets",
});

export const ALERT_ITEM = rule({
    id: "GNG-MON-002", kind: "probe", title: "Alertmanager's route to Slack answering",
    description: "The Slack incoming webhook Alertmanager posts to is live (it answers `no_text` to an empty post, which posts nothing).",
    checklist: ["Alert Notifications: Configured for team", "Team Communication: All channels active"],
    remediation: ["Create a new incoming webhook for the channel and store it: `pulumi config set --secret hotdash:alertSlackWebhookUrl <url> --stack <stack>`, then `npx launch up --stack <stack>`."],
    url: "https://api.slack.com/messaging/webhooks#handling_errors",
});

/** The human items, in the checklist's order. */
export const MANUAL_ITEMS: Readonly<Record<ReadinessKey, GoNoGoRule>> = {
    teamAssembled: manual("GNG-TEAM-001", "Launch team assembled", ["Launch Team Assembled: Engineer, Product, Support leads", "Team ready and briefed", "War Room: Team assembled"]),
    onCall: manual("GNG-TEAM-002", "On-call schedule assigned", ["On-Call Schedule: 24-hour coverage assigned"]),
    operatorsTrained: manual("GNG-TEAM-003", "Operators trained", ["Operator Training: Completed for approval queue"]),
    communicationPlan: manual("GNG-TEAM-004", "Communication channels ready", ["Communication Plan: Slack/email channels ready"]),
    rollbackRehearsed: manual("GNG-TEAM-005", "Rollback plan rehearsed", ["Rollback Plan: Documented and rehearsed", "Rollback plan validated"]),
    migrationsApplied: manual("GNG-TEAM-006", "Database migrations applied", ["Database Migrations: All applied successfully"]),
    errorHandlingTested: manual("GNG-TEAM-007", "Failure scenarios tested", ["Error Handling: Failure scenarios tested"]),
    uiTested: manual("GNG-TEAM-008", "Approval UI tested", ["UI Functionality: All approval actions working"]),
    docsReady: manual("GNG-TEAM-009", "Documentation ready", ["Operator Quick Start", "API Documentation", "Troubleshooting Guide", "Runbooks", "Architecture Diagrams"]),
};

function manual(id: string, title: string, checklist: readonly string[]): GoNoGoRule {
    return rule({
        id, kind: "manual", title, checklist, severity: "high",
        description: `A person confirms it: ${checklist[0]}. Its owner and confirmation come from hotdash:readiness or --confirm.`,
        remediation: ["The owner confirms it: `npx launch go-no-go --stack <stack> --confirm <item>`, or `pulumi config set --path hotdash:readiness.<item>.confirmed true --stack <stack>`."],
        url: PULUMI_CONFIG,
    });
}

/** Every item in report order: config, plan, probes, then the human items. */
export const GO_NO_GO_ITEMS: readonly GoNoGoRule[] = [
    CONFIG_ITEM, POLICY_ITEM, PLAN_ITEM, HEALTH_ITEM, MACHINES_ITEM, DATABASE_ITEM, BACKUP_ITEM, TOKEN_VALID_ITEM,
    TOKEN_EXPIRY_ITEM, CERT_ITEM, WEBHOOK_ITEM, E2E_ITEM, QUEUE_ITEM, MONITORING_ITEM, ALERT_ITEM, ...Object.values(MANUAL_ITEMS),
];
