/**
 * HD-WHK-002: the webhook's HMAC secret reaches every receiver, the agent service's Fly secrets and the Supabase
 * Edge Function secrets, as `CHATWOOT_WEBHOOK_SECRET`, and all receivers hold the same value (compared, never
 * shown). A value not known until apply (a webhook not yet registered) cannot be compared, so it blocks like any
 * unknown: the gate passes once the receivers hold the registered webhook's secret.
 */
import type { Check } from "../framework/finding";
import { checks, type Rule } from "../framework/rule";
import type { PlannedResource } from "../framework/stack";
import { asRecord, at, isUnknown } from "../framework/unknown";

export const WEBHOOK_SECRET_NAME = "CHATWOOT_WEBHOOK_SECRET";

export const webhookSecretDistribution: Rule = {
    id: "HD-WHK-002",
    title: "Webhook secret reaches every receiver",
    description: "While the Chatwoot webhook exists, CHATWOOT_WEBHOOK_SECRET is among the agent service's Fly secrets and the Supabase secrets, with one value.",
    severity: "critical",
    enforcement: "mandatory",
    remediation: [
        "Pass the webhook's secret output to the agent service's secrets and to the Supabase secrets (index.ts wires both).",
        "Run `pulumi up` so the receivers get the value; rotating it (hotdash:webhookRotation) rolls both.",
        "Run `npx launch policy --stack <stack>` again.",
    ],
    url: "https://www.chatwoot.com/hc/user-guide/articles/1677693021-how-to-use-webhooks",
    check(view) {
        const enabled = at(view.launchFacts()?.props, "webhooksEnabled");
        const hooks = view.ofType("ChatwootWebhook");
        if (hooks.length === 0 && enabled !== true) {
            if (isUnknown(enabled)) return [checks.unknown(WEBHOOK_SECRET_NAME, "hotdash:webhooksEnabled", "the secret at every receiver when enabled")];
            return [checks.na(WEBHOOK_SECRET_NAME, "webhooks are off: no webhook secret to distribute")];
        }
        const out: Check[] = [];
        const values: string[] = [];
        const receiver = (r: PlannedResource, label: string): void => {
            const map = r.props["values"];
            if (isUnknown(map)) {
                out.push(checks.unknown(r.name, `the set of ${label.replace(/s$/, "")} names`, `${WEBHOOK_SECRET_NAME} among them`, r.urn));
                return;
            }
            const v = asRecord(map)?.[WEBHOOK_SECRET_NAME];
            if (isUnknown(v)) out.push(checks.unknown(r.name, `the value of ${WEBHOOK_SECRET_NAME} in the ${label}`, `${WEBHOOK_SECRET_NAME} set to the webhook's secret`, r.urn));
            else if (v === undefined || v === null) out.push(checks.fail(r.name, `${r.name}: ${WEBHOOK_SECRET_NAME} is missing from the ${label}`, "missing", `${WEBHOOK_SECRET_NAME} set`, { urn: r.urn }));
            else if (v === "") out.push(checks.fail(r.name, `${r.name}: ${WEBHOOK_SECRET_NAME} is empty in the ${label}`, "empty", `${WEBHOOK_SECRET_NAME} set`, { urn: r.urn }));
            else {
                if (typeof v === "string") values.push(v);
                out.push(checks.pass(r.name, `${r.name}: ${WEBHOOK_SECRET_NAME} is among the ${label}`, "set", `${WEBHOOK_SECRET_NAME} set`, r.urn));
            }
        };
        const agent = view.appNames().agentService;
        const agentSecrets = view.ofApp("FlySecrets", agent)[0];
        if (agentSecrets) receiver(agentSecrets, "Fly secrets");
        else out.push(checks.fail(agent, `${agent}: no Fly secrets are declared, so ${WEBHOOK_SECRET_NAME} cannot reach it`, "no FlySecrets", `${WEBHOOK_SECRET_NAME} among its Fly secrets`));
        const supabase = view.ofType("SupabaseSecrets");
        if (supabase.length === 0) out.push(checks.notDeclared("SupabaseSecrets", "The Supabase Edge Function secrets (SupabaseSecrets)", `${WEBHOOK_SECRET_NAME} among them`));
        for (const s of supabase) receiver(s, "Supabase secrets");
        for (const h of hooks) {
            const secret = h.props["secret"];
            if (isUnknown(secret)) out.push(checks.unknown(h.name, "the webhook's secret", `the secret every receiver holds`, h.urn));
            else if (typeof secret === "string" && secret) values.push(secret);
        }
        if (new Set(values).size > 1) {
            out.push(checks.fail(WEBHOOK_SECRET_NAME, `${WEBHOOK_SECRET_NAME}: the receivers do not all hold the webhook's current secret`, "different values", "one value everywhere"));
        }
        return out;
    },
};
