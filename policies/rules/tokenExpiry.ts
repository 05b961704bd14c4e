/**
 * HD-TOK-002: each vendor token stays valid at least N days (`hotdash:launch.minTokenValidityDays`, default 14)
 * after the later of the launch window's end and today. A Fly token states its own expiry (its macaroons' validity
 * window, read by the program); no API tells the Supabase token's, so it is declared in config when the token is
 * created (`hotdash:tokenExpiry.supabase`); Chatwoot tokens do not expire.
 */
import { fixCommand } from "../../components/config/validate";
import type { Check } from "../framework/finding";
import { checks, type Rule } from "../framework/rule";
import { asRecord, at, isUnknown } from "../framework/unknown";
import { isUtcDate, utcDay } from "../framework/waivers";
import { TOKEN_FORMATS } from "./tokenFormat";

export const DEFAULT_MIN_TOKEN_VALIDITY_DAYS = 14;

function addDays(day: string, days: number): string {
    return utcDay(new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000));
}

export const tokenExpiry: Rule = {
    id: "HD-TOK-002",
    title: "Tokens stay valid past the launch window",
    description: "Each vendor token's expiry (the Fly token's own, the Supabase token's as declared) is at least N days (launch.minTokenValidityDays, default 14) after the later of the launch window's end and today.",
    severity: "high",
    enforcement: "mandatory",
    remediation: [
        "Create a new token with a longer life (for Fly: `fly tokens create org --expiry <duration>`), store it with `pulumi config set --secret ...`.",
        "For Supabase, declare its expiry: `pulumi config set --path hotdash:tokenExpiry.supabase <YYYY-MM-DD> --stack <stack>` (a Fly token carries its own).",
        "Revoke the old token once the new one is deployed.",
    ],
    url: "https://fly.io/docs/flyctl/tokens-create/",
    check(view, ctx) {
        const facts = view.launchFacts();
        if (!facts) return [checks.notDeclared("LaunchFacts", "LaunchFacts (the launch's own facts)", "token expiries recorded")];
        const window = at(facts.props, "launchWindow");
        if (isUnknown(window)) return [checks.unknown("launch.window", "the launch window", "a launch window", facts.urn)];
        const w = asRecord(window);
        const end = w?.["end"];
        if (!w || typeof end !== "string" || !isUtcDate(end)) {
            return [checks.fail("launch.window", "launch.window: no launch window is declared, so token validity cannot be judged", "no window", "launch.windowStart and launch.windowEnd", {
                urn: facts.urn,
                fix: `${fixCommand(ctx.stack, "launch.windowStart", "<YYYY-MM-DD>")} && ${fixCommand(ctx.stack, "launch.windowEnd", "<YYYY-MM-DD>")}`,
            })];
        }
        const daysRaw = w["minTokenValidityDays"];
        const days = typeof daysRaw === "number" && Number.isFinite(daysRaw) && daysRaw >= 0 ? daysRaw : DEFAULT_MIN_TOKEN_VALIDITY_DAYS;
        const today = utcDay(ctx.now);
        const fromToday = today > end;
        const required = addDays(fromToday ? today : end, days);
        const why = fromToday ? `${days} days after today, ${today}` : `${days} days after the launch window ends on ${end}`;
        const out: Check[] = [];
        for (const vendor of ["fly", "supabase", "chatwoot"] as const) {
            const label = TOKEN_FORMATS[vendor].label;
            const subject = `tokens.${vendor}`;
            const expected = `expires on or after ${required}`;
            const expires = at(facts.props, "tokens", vendor, "expires");
            // a Fly token is replaced, not re-declared: its expiry is part of the token
            const fix = vendor === "fly"
                ? `fly tokens create org --expiry <duration> (long enough), then ${fixCommand(ctx.stack, "flyApiToken", "<fly-api-token>", { secret: true })}`
                : fixCommand(ctx.stack, `tokenExpiry.${vendor}`, "<YYYY-MM-DD>");
            if (isUnknown(expires)) out.push(checks.unknown(subject, `the expiry of ${label}`, expected, facts.urn));
            else if (expires === "never") out.push(checks.pass(subject, `${subject}: ${label} does not expire`, "never", expected, facts.urn));
            else if ((expires === undefined || expires === null || expires === "") && vendor === "fly") {
                out.push(checks.fail(subject, `${subject}: ${label} states no readable expiry (it is not a Fly macaroon: see HD-TOK-001)`, "unreadable", expected, { urn: facts.urn, fix }));
            } else if (expires === undefined || expires === null || expires === "") out.push(checks.fail(subject, `${subject}: no expiry is declared for ${label}`, "undeclared", expected, { urn: facts.urn, fix }));
            else if (typeof expires !== "string" || !isUtcDate(expires)) out.push(checks.fail(subject, `${subject}: expiry ${JSON.stringify(expires)} is not a UTC date (YYYY-MM-DD)`, String(expires), expected, { urn: facts.urn, fix }));
            else if (expires < required) out.push(checks.fail(subject, `${subject}: ${label} expires ${expires}, before ${required} (${why})`, expires, expected, { urn: facts.urn, fix }));
            else out.push(checks.pass(subject, `${subject}: ${label} expires ${expires}, on or after ${required}`, expires, expected, facts.urn));
        }
        return out;
    },
};
