/**
 * HD-SSL-004: Supabase reports that the project refuses Postgres connections without SSL. The stack always asks for
 * enforcement, so the request proves nothing: the rule judges what Supabase last reported (`enforced`, recorded when
 * the change applied or on refresh). Before the first apply nothing is reported, and that unknown blocks.
 */
import type { Check } from "../framework/finding";
import { checks, type Rule } from "../framework/rule";
import { isUnknown } from "../framework/unknown";

const fix = (stack: string): string =>
    `\`pulumi up --stack ${stack}\` turns enforcement on and waits until Supabase applies it; \`pulumi refresh --stack ${stack}\` records Supabase's current setting`;

export const supabaseSsl: Rule = {
    id: "HD-SSL-004",
    title: "Supabase SSL enforcement is on",
    description: "Supabase reports SSL enforcement on and applied for the project's database (SupabaseSslEnforcement's `enforced`), so Postgres refuses plaintext connections.",
    severity: "high",
    enforcement: "mandatory",
    remediation: [
        "Declare the SupabaseSslEnforcement resource with enabled: true (the Supabase component does, once it is in index.ts).",
        "Run `pulumi up --stack <stack>`: it turns enforcement on and waits for Supabase to apply it (a short database restart).",
        "If it was turned off in the dashboard since, `pulumi refresh --stack <stack>` records that and the next `up` turns it back on.",
        "Run `pulumi preview --policy-pack policies --stack <stack>` again.",
    ],
    url: "https://supabase.com/docs/guides/platform/ssl-enforcement",
    check(view, ctx) {
        const all = view.ofType("SupabaseSslEnforcement");
        if (all.length === 0) return [checks.notDeclared("SupabaseSslEnforcement", "Supabase SSL enforcement (SupabaseSslEnforcement)", "enabled: true")];
        const expected = "Supabase reports SSL enforcement on";
        return all.map((r): Check => {
            const { enabled, enforced } = r.props;
            if (enabled === false) return checks.fail(r.name, `${r.name}: the stack turns SSL enforcement off`, "enabled: false", "enabled: true", { urn: r.urn, fix: "declare it with enabled: true (components/supabase/project.ts)" });
            if (isUnknown(enforced) || enforced === undefined || enforced === null) return checks.unknown(r.name, "whether Supabase enforces SSL (reported once applied)", expected, r.urn);
            return enforced === true
                ? checks.pass(r.name, `${r.name}: Supabase reports SSL enforcement on`, "enforced: true", expected, r.urn)
                : checks.fail(r.name, `${r.name}: Supabase reports SSL enforcement off or not applied`, `enforced: ${JSON.stringify(enforced)}`, expected, { urn: r.urn, fix: fix(ctx.stack) });
        });
    },
};
