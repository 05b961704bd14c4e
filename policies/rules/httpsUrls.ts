/**
 * HD-SSL-001: every public URL the stack hands out is https: URLs in machines' plain env, in the Supabase Edge
 * Function secrets, and Chatwoot's base URL for the webhook. Plain http is accepted only where the config check
 * accepts it (loopback, in the sandbox) and on Fly's private network (`.internal`, `.flycast`), which is never
 * public. The webhook's own URL is HD-WHK-001's.
 */
import { urlProblem } from "../../components/config/validate";
import type { Check } from "../framework/finding";
import { groupEnv, httpUrl, isPrivateHost, origin } from "../framework/fly";
import { checks, type Rule } from "../framework/rule";
import { asRecord, isUnknown } from "../framework/unknown";

export const httpsUrls: Rule = {
    id: "HD-SSL-001",
    title: "Public URLs are https",
    description: "Every URL the stack hands to apps, Edge Functions or Chatwoot is https:// (plain http only on loopback in the sandbox or on Fly's private network).",
    severity: "high",
    enforcement: "mandatory",
    remediation: [
        "Set the config value the URL comes from to its https:// form, e.g. `pulumi config set --path hotdash:apps.<app>.publicUrl https://<host> --stack <stack>`.",
        "Run `npx launch policy --stack <stack>` again.",
    ],
    url: "https://fly.io/docs/networking/services/",
    check(view) {
        const out: Check[] = [];
        const environment = view.environment();
        const judge = (value: string): { ok: boolean; url: URL } | undefined => {
            const url = httpUrl(value);
            if (!url) return undefined;
            return { ok: urlProblem(value.trim(), environment) === undefined || isPrivateHost(url.hostname), url };
        };
        // what a passing set of URLs is: https, or plain http where it is allowed
        const allowed = (urls: readonly URL[]): string => urls.every((u) => u.protocol === "https:") ? "all https" : "all https or allowed http (sandbox loopback, Fly private network)";
        for (const g of view.ofType("FlyMachineGroup")) {
            const env = groupEnv(g);
            if (isUnknown(env)) {
                out.push(checks.unknown(g.name, "the machine config's env", "every URL https", g.urn));
                continue;
            }
            const seen: URL[] = [];
            let bad = 0;
            for (const [name, value] of Object.entries(env)) {
                if (isUnknown(value)) {
                    if (name.endsWith("_URL")) {
                        bad++;
                        out.push(checks.unknown(g.name, `env ${name}`, `${name} https`, g.urn));
                    }
                    continue;
                }
                const verdict = judge(String(value));
                if (!verdict) continue;
                seen.push(verdict.url);
                if (!verdict.ok) {
                    bad++;
                    out.push(checks.fail(g.name, `${g.name}: env ${name} is ${origin(verdict.url)}, not https`, origin(verdict.url), `${name} https://`, { urn: g.urn }));
                }
            }
            if (seen.length > 0 && bad === 0) out.push(checks.pass(g.name, `${g.name}: ${seen.length} URL${seen.length === 1 ? "" : "s"} in env, ${allowed(seen)}`, `${seen.length} URLs`, "https", g.urn));
        }
        for (const s of view.ofType("SupabaseSecrets")) {
            const values = s.props["values"];
            if (isUnknown(values)) {
                out.push(checks.unknown(s.name, "the Supabase secrets", "every URL https", s.urn));
                continue;
            }
            const seen: URL[] = [];
            let bad = 0;
            for (const [name, value] of Object.entries(asRecord(values) ?? {})) {
                const verdict = typeof value === "string" ? judge(value) : undefined;
                if (!verdict) continue;
                seen.push(verdict.url);
                if (!verdict.ok) {
                    bad++;
                    // a secret's value: say only that it is http
                    out.push(checks.fail(s.name, `${s.name}: Supabase secret ${name} uses http://, not https`, "http://", `${name} https://`, { urn: s.urn }));
                }
            }
            if (seen.length > 0 && bad === 0) out.push(checks.pass(s.name, `${s.name}: ${seen.length} URL${seen.length === 1 ? "" : "s"} among the Supabase secrets, ${allowed(seen)}`, `${seen.length} URLs`, "https", s.urn));
        }
        for (const w of view.ofType("ChatwootWebhook")) {
            const base = w.props["baseUrl"];
            if (isUnknown(base)) {
                out.push(checks.unknown(w.name, "baseUrl", "https", w.urn));
                continue;
            }
            const verdict = typeof base === "string" ? judge(base) : undefined;
            if (!verdict) continue;
            out.push(verdict.ok
                ? checks.pass(w.name, `${w.name}: Chatwoot base URL ${origin(verdict.url)}, ${allowed([verdict.url])}`, origin(verdict.url), "https", w.urn)
                : checks.fail(w.name, `${w.name}: Chatwoot base URL is ${origin(verdict.url)}, not https`, origin(verdict.url), "https://", { urn: w.urn }));
        }
        return out;
    },
};
