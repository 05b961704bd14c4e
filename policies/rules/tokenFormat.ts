/**
 * HD-TOK-001: each vendor token has the vendor's real format, checked as the vendors' own code checks it: Fly's
 * macaroons decoded as superfly/macaroon encodes them, Supabase's CLI pattern, Chatwoot's has_secure_token. The
 * program classifies tokens (providers/launchFacts.ts) and records only the class on LaunchFacts, so no token ever
 * reaches a policy, and no message can show one.
 */
import { SECRET_SPECS, fixCommand } from "../../components/config/validate";
import type { Check } from "../framework/finding";
import { checks, type Rule } from "../framework/rule";
import { at, isUnknown } from "../framework/unknown";

type Vendor = "fly" | "supabase" | "chatwoot";

interface VendorFormat {
    readonly label: string;
    readonly secret: "flyApiToken" | "supabaseAccessToken" | "chatwootApiToken";
    /** Accepted classes and how the pass message names them. */
    readonly accepted: Readonly<Record<string, string>>;
    readonly expected: string;
}

export const TOKEN_FORMATS: Readonly<Record<Vendor, VendorFormat>> = {
    fly: {
        label: "the Fly API token", secret: "flyApiToken",
        accepted: { "fly-macaroon": "a Fly macaroon" },
        expected: "Fly macaroons (fm1r_, fm1a_ or fm2_ and base64 MessagePack, comma-separated, optionally after \"FlyV1 \") with a permission macaroon, as `fly tokens create org` prints",
    },
    supabase: {
        label: "the Supabase access token", secret: "supabaseAccessToken",
        accepted: { "supabase-pat": "a personal access token (sbp_)" },
        expected: "sbp_ (or sbp_oauth_) followed by 40 lowercase hex characters",
    },
    chatwoot: {
        label: "the Chatwoot API token", secret: "chatwootApiToken",
        accepted: { "chatwoot-token": "a Chatwoot access token" },
        expected: "24 base58 characters, as Chatwoot's Profile settings show the access token",
    },
};

export const tokenFormat: Rule = {
    id: "HD-TOK-001",
    title: "Vendor tokens have the vendor's format",
    description: "The Fly token is Fly macaroons (fm1r_/fm1a_/fm2_ base64 MessagePack, with a permission macaroon), the Supabase token is sbp_ plus 40 hex characters, the Chatwoot token is 24 base58 characters; only the format is checked, never the value.",
    severity: "critical",
    enforcement: "mandatory",
    remediation: [
        "Create the token with the vendor (`fly tokens create org`, Supabase Account > Access Tokens, Chatwoot Profile settings).",
        "Store it as a secret: `pulumi config set --secret hotdash:<flyApiToken|supabaseAccessToken|chatwootApiToken> <token> --stack <stack>`, or export FLY_API_TOKEN, SUPABASE_ACCESS_TOKEN or CHATWOOT_API_TOKEN.",
        "Run `npx launch policy --stack <stack>` again.",
    ],
    url: "https://fly.io/docs/flyctl/tokens-create/",
    check(view, ctx) {
        const facts = view.launchFacts();
        if (!facts) return [checks.notDeclared("LaunchFacts", "LaunchFacts (the launch's own facts)", "token formats recorded")];
        const out: Check[] = [];
        for (const vendor of ["fly", "supabase", "chatwoot"] as const) {
            const spec = TOKEN_FORMATS[vendor];
            const subject = `tokens.${vendor}`;
            const format = at(facts.props, "tokens", vendor, "format");
            if (isUnknown(format)) {
                out.push(checks.unknown(subject, `the format of ${spec.label}`, spec.expected, facts.urn));
                continue;
            }
            const fix = fixCommand(ctx.stack, spec.secret, SECRET_SPECS[spec.secret].placeholder, { secret: true });
            const accepted = typeof format === "string" ? spec.accepted[format] : undefined;
            if (accepted) out.push(checks.pass(subject, `${subject}: ${spec.label} is ${accepted}`, String(format), spec.expected, facts.urn));
            else if (format === "missing" || format === undefined) out.push(checks.fail(subject, `${subject}: ${spec.label} is missing`, "missing", spec.expected, { urn: facts.urn, fix }));
            else out.push(checks.fail(subject, `${subject}: ${spec.label} is malformed: expected ${spec.expected}`, String(format), spec.expected, { urn: facts.urn, fix }));
        }
        return out;
    },
};
