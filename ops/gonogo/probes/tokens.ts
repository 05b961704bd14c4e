/**
 * Tokens: a read call with each proves it valid now (the Chatwoot one must be an account administrator's, as
 * managing webhooks requires); each expiry must clear the launch window's end by hotdash:launch.minTokenValidityDays:
 * the Fly token's as its macaroon states it, the Supabase token's as declared in config (no API tells it).
 */
import type { Finding } from "../../../policies/framework/finding";
import { FlyAppsApi } from "../../../providers/fly/client";
import { flyTokenExpires } from "../../../providers/launchFacts";
import { TOKEN_EXPIRY_ITEM, TOKEN_VALID_ITEM } from "../checklist";
import { finding, type Probe, type ProbeContext, reason } from "../probe";
import { chatwootClient, flyApi, rawClient, supabaseClient } from "./clients";

const fixToken = (ctx: ProbeContext, key: string): string => `pulumi config set --secret hotdash:${key} <new-token> --stack ${ctx.config.stack} && npx launch up --stack ${ctx.config.stack}`;

async function check(ctx: ProbeContext, resource: string, source: string, key: string, call: () => Promise<string>): Promise<Finding> {
    const expected = "the read call succeeds";
    try {
        const observed = await call();
        return finding(TOKEN_VALID_ITEM, resource, "pass", `${resource}: valid (${observed})`, { observed, expected, source }, ctx.now);
    } catch (err) {
        const why = reason(err);
        return finding(TOKEN_VALID_ITEM, resource, "fail", `${resource}: refused: ${why}`, { observed: why, expected, source, fix: fixToken(ctx, key) }, ctx.now);
    }
}

export const tokenValidityProbe: Probe = {
    name: "tokens valid",
    run(ctx) {
        const c = ctx.config;
        const agent = c.apps.agentService.name;
        return Promise.all([
            check(ctx, "flyApiToken", `Fly Machines API: GET /apps/${agent}`, "flyApiToken", async () => {
                const app = await flyApi(ctx, FlyAppsApi).getApp(agent);
                return app ? `reads app ${app.name}` : `answers (app ${agent} not found)`;
            }),
            check(ctx, "supabaseAccessToken", "Supabase Management API: GET /v1/profile", "supabaseAccessToken", async () => {
                await supabaseClient(ctx).profile();
                return "profile read";
            }),
            check(ctx, "chatwootApiToken", "Chatwoot API: GET /api/v1/profile", "chatwootApiToken", async () => {
                const p = await chatwootClient(ctx).profile();
                const role = p.accounts.find((a) => a.id === c.chatwoot.accountId)?.role;
                if (role !== "administrator") throw new Error(`the token's user is ${role ? `an ${role}` : "not a member"} of account ${c.chatwoot.accountId}; managing webhooks needs an administrator's token`);
                return `administrator of account ${c.chatwoot.accountId}`;
            }),
            check(ctx, "supabaseServiceRoleKey", `PostgREST: HEAD ${c.supabase.url}/rest/v1/agent_approvals`, "supabaseServiceRoleKey", async () => {
                const key = ctx.secret("supabaseServiceRoleKey") ?? "";
                const res = await rawClient("PostgREST", c.supabase.url, { headers: { apikey: key, authorization: `Bearer ${key}` }, secrets: [key] }).sendOnce({ method: "HEAD", path: "/rest/v1/agent_approvals" });
                if (res.status !== 200) throw new Error(`PostgREST answered ${res.status}`);
                return "agent_approvals readable";
            }),
        ]);
    },
};

function addDays(day: string, days: number): string {
    return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

export const tokenExpiryProbe: Probe = {
    name: "tokens expiry",
    async run(ctx) {
        const w = ctx.config.launch;
        const stack = ctx.config.stack;
        if (!w) {
            return [finding(TOKEN_EXPIRY_ITEM, "launch window", "fail", "no launch window is declared, so token expiry cannot be judged", { observed: "none", expected: "hotdash:launch.windowStart and windowEnd", source: "stack config", fix: `pulumi config set --path hotdash:launch.windowEnd <YYYY-MM-DD> --stack ${stack}` }, ctx.now)];
        }
        const today = ctx.now.toISOString().slice(0, 10);
        const from = today > w.end ? today : w.end;
        const required = addDays(from, w.minTokenValidityDays);
        const expected = `expires after ${required} (window ends ${w.end}, plus ${w.minTokenValidityDays} days)`;
        const out: Finding[] = [];
        const judge = (vendor: string, expires: string | undefined, source: string, fix: string, missing: string): Finding => {
            if (!expires) return finding(TOKEN_EXPIRY_ITEM, `${vendor} token`, "fail", `${vendor} token: ${missing}`, { observed: "unknown", expected, source, fix }, ctx.now);
            if (expires === "never") return finding(TOKEN_EXPIRY_ITEM, `${vendor} token`, "pass", `${vendor} token: does not expire`, { observed: "never", expected, source }, ctx.now);
            if (expires < required) {
                const when = expires <= w.end ? "inside the launch window" : `before ${required}`;
                return finding(TOKEN_EXPIRY_ITEM, `${vendor} token`, "fail", `${vendor} token expires ${expires}, ${when}`, { observed: expires, expected, source, fix }, ctx.now);
            }
            return finding(TOKEN_EXPIRY_ITEM, `${vendor} token`, "pass", `${vendor} token valid until ${expires}`, { observed: expires, expected, source }, ctx.now);
        };
        // Fly's token states its own expiry (its macaroon's validity window); Supabase's is declared, no API tells it
        const fly = flyTokenExpires(ctx.secret("flyApiToken"));
        const flyFix = `create a Fly token that outlives the window (fly tokens create org --expiry <hours>h), then ${fixToken(ctx, "flyApiToken")}`;
        out.push(judge("fly", fly || undefined, "the Fly token's validity window", flyFix, "its validity window cannot be read"));
        const supabaseFix = `pulumi config set --path hotdash:tokenExpiry.supabase <YYYY-MM-DD> --stack ${stack} (after creating a longer-lived token)`;
        out.push(judge("supabase", ctx.config.tokenExpiry.supabase, "hotdash:tokenExpiry.supabase", supabaseFix, "no expiry declared"));
        out.push(finding(TOKEN_EXPIRY_ITEM, "chatwoot token", "pass", "chatwoot token: Chatwoot access tokens do not expire", { observed: "never", expected, source: "Chatwoot" }, ctx.now));
        return out;
    },
};
