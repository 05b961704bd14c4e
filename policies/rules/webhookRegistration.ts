/**
 * HD-WHK-001: while webhooks are on, the Chatwoot webhook is registered on an https URL and subscribed to
 * `message_created` (what brings conversations to the agent service). Off until launch hour is fine: n/a.
 */
import { urlProblem } from "../../components/config/validate";
import type { Check } from "../framework/finding";
import { httpUrl, origin } from "../framework/fly";
import { checks, type Rule } from "../framework/rule";
import { at, isUnknown } from "../framework/unknown";

export const REQUIRED_SUBSCRIPTION = "message_created";

export const webhookRegistration: Rule = {
    id: "HD-WHK-001",
    title: "Chatwoot webhook: https and message_created",
    description: "When hotdash:webhooksEnabled is true, a ChatwootWebhook is declared on an https URL and subscribed to message_created.",
    severity: "critical",
    enforcement: "mandatory",
    remediation: [
        "Declare the webhook (the Chatwoot webhook component does when hotdash:webhooksEnabled is true).",
        "Point it at the agent service's https URL and subscribe it to message_created.",
        "Run `npx launch policy --stack <stack>` again.",
    ],
    url: "https://www.chatwoot.com/hc/user-guide/articles/1677693021-how-to-use-webhooks",
    check(view) {
        const enabled = at(view.launchFacts()?.props, "webhooksEnabled");
        const hooks = view.ofType("ChatwootWebhook");
        if (hooks.length === 0) {
            if (enabled === true) return [checks.notDeclared("ChatwootWebhook", "The Chatwoot webhook (ChatwootWebhook)", "registered while hotdash:webhooksEnabled is true")];
            if (isUnknown(enabled)) return [checks.unknown("ChatwootWebhook", "hotdash:webhooksEnabled", "a webhook when enabled")];
            return [checks.na("ChatwootWebhook", "webhooks are off (hotdash:webhooksEnabled is false) until launch hour")];
        }
        const environment = view.environment();
        const out: Check[] = [];
        for (const h of hooks) {
            const url = h.props["url"];
            const subs = h.props["subscriptions"];
            let ok = true;
            const parsed = httpUrl(url);
            if (isUnknown(url)) {
                ok = false;
                out.push(checks.unknown(h.name, "url", "an https URL", h.urn));
            } else if (!parsed || urlProblem(String(url).trim(), environment) !== undefined) {
                ok = false;
                out.push(checks.fail(h.name, `${h.name}: url is ${parsed ? origin(parsed) : JSON.stringify(url ?? null)}, not https`, parsed ? origin(parsed) : "no URL", "an https URL", { urn: h.urn }));
            }
            if (isUnknown(subs)) {
                ok = false;
                out.push(checks.unknown(h.name, "subscriptions", REQUIRED_SUBSCRIPTION, h.urn));
            } else if (!Array.isArray(subs) || !subs.includes(REQUIRED_SUBSCRIPTION)) {
                ok = false;
                out.push(checks.fail(h.name, `${h.name}: ${REQUIRED_SUBSCRIPTION} is not subscribed, so no conversation reaches the agent service`, Array.isArray(subs) ? subs.join(", ") || "none" : "none", REQUIRED_SUBSCRIPTION, { urn: h.urn }));
            }
            if (ok && parsed) out.push(checks.pass(h.name, `${h.name}: ${origin(parsed)}${parsed.pathname} subscribed to ${REQUIRED_SUBSCRIPTION}`, `${origin(parsed)}${parsed.pathname}`, `https, ${REQUIRED_SUBSCRIPTION}`, h.urn));
        }
        return out;
    },
};
