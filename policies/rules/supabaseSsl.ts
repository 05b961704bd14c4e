/** HD-SSL-004: the Supabase project refuses Postgres connections without SSL. */
import type { Check } from "../framework/finding";
import { checks, type Rule } from "../framework/rule";
import { isUnknown } from "../framework/unknown";

export const supabaseSsl: Rule = {
    id: "HD-SSL-004",
    title: "Supabase SSL enforcement is on",
    description: "The stack declares Supabase SSL enforcement (SupabaseSslEnforcement) with enabled: true, so Postgres refuses plaintext connections.",
    severity: "high",
    enforcement: "mandatory",
    remediation: [
        "Declare the SupabaseSslEnforcement resource with enabled: true (the Supabase component does, once it is in index.ts).",
        "Expect a short database restart when it is applied.",
        "Run `npx launch policy --stack <stack>` again.",
    ],
    url: "https://supabase.com/docs/guides/platform/ssl-enforcement",
    check(view) {
        const all = view.ofType("SupabaseSslEnforcement");
        if (all.length === 0) return [checks.notDeclared("SupabaseSslEnforcement", "Supabase SSL enforcement (SupabaseSslEnforcement)", "enabled: true")];
        return all.map((r): Check => {
            const enabled = r.props["enabled"];
            if (isUnknown(enabled)) return checks.unknown(r.name, "enabled", "enabled: true", r.urn);
            return enabled === true
                ? checks.pass(r.name, `${r.name}: SSL enforcement is on`, "enabled: true", "enabled: true", r.urn)
                : checks.fail(r.name, `${r.name}: SSL enforcement is off`, `enabled: ${JSON.stringify(enabled ?? null)}`, "enabled: true", { urn: r.urn });
        });
    },
};
