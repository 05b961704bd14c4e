/**
 * Defense in depth: rules never put a secret's value in a message, and every rendered string still goes through a
 * redactor that replaces each known secret value (as written, JSON-escaped or XML-escaped) with `[redacted]`.
 */
import type { StackView } from "./stack";
import { asRecord, isUnknown } from "./unknown";

/** Values shorter than this are not redacted: they would shred ordinary text and protect nothing. */
export const MIN_REDACTED_LENGTH = 6;

export const REDACTED = "[redacted]";

function xmlEscape(s: string): string {
    return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}

/** A function that replaces every occurrence of the given secrets in a string. */
export function redactor(secrets: Iterable<string>): (text: string) => string {
    const forms = new Set<string>();
    for (const s of secrets) {
        if (typeof s !== "string" || s.length < MIN_REDACTED_LENGTH) continue;
        forms.add(s);
        forms.add(JSON.stringify(s).slice(1, -1));
        forms.add(xmlEscape(s));
    }
    const ordered = [...forms].sort((a, b) => b.length - a.length);
    if (ordered.length === 0) return (text) => text;
    return (text) => {
        let out = text;
        for (const f of ordered) if (out.includes(f)) out = out.split(f).join(REDACTED);
        return out;
    };
}

/** Every string inside a value. */
export function stringsIn(v: unknown, into: string[] = []): string[] {
    if (typeof v === "string") into.push(v);
    else if (Array.isArray(v)) for (const x of v) stringsIn(x, into);
    else if (v !== null && typeof v === "object" && !isUnknown(v)) for (const x of Object.values(v)) stringsIn(x, into);
    return into;
}

/** Secret values the planned stack itself carries: Fly and Supabase secrets, the webhook's HMAC secret. */
export function secretValuesIn(view: StackView): string[] {
    const out: string[] = [];
    for (const r of [...view.ofType("FlySecrets"), ...view.ofType("SupabaseSecrets")]) stringsIn(asRecord(r.props["values"]) ?? {}, out);
    for (const r of view.ofType("ChatwootWebhook")) stringsIn(r.props["secret"], out);
    return out;
}
