/**
 * HD-SEC-001: nothing secret travels in a machine's plain env, which Fly shows to anyone with read access and keeps
 * in every machine config: a secret the launch requires, a variable named like a secret, a token of a known vendor
 * format, credentials inside a URL, or a high-entropy value. Messages name the variable, never its value.
 */
import { REQUIRED_ENV } from "../../components/appEnv";
import type { Check } from "../framework/finding";
import { groupEnv } from "../framework/fly";
import { checks, type Rule } from "../framework/rule";
import { isUnknown } from "../framework/unknown";

const REQUIRED_SECRETS: ReadonlySet<string> = new Set(Object.values(REQUIRED_ENV).flatMap((r) => r.secrets));
const SECRET_NAME = /(SECRET|TOKEN|PASSWORD|PASSWD|PRIVATE_?KEY|API_?KEY|ACCESS_?KEY|CREDENTIAL)/i;
const TOKEN_PREFIX = /^(sbp_|sb_secret_|fm[12][ra]?_|FlyV1 |sk_(live|test)_|xox[abpr]-|ghp_|github_pat_|glpat-|AKIA[0-9A-Z]{12})/;
const JWT = /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/;
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/\s@]*:[^/\s@]+@/i;

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
    const counts = new Map<string, number>();
    for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    let bits = 0;
    for (const n of counts.values()) {
        const p = n / s.length;
        bits -= p * Math.log2(p);
    }
    return bits;
}

/** Why a plain env var looks secret, or undefined. Judged by name alone when the value is not known yet. */
export function secretReason(name: string, value: unknown): string | undefined {
    if (REQUIRED_SECRETS.has(name)) return "is a secret the launch requires as a Fly secret";
    const known = typeof value === "string" ? value.trim() : undefined;
    if (known === "") return undefined;
    if (SECRET_NAME.test(name)) return "has a secret's name";
    if (known === undefined) return undefined;
    if (TOKEN_PREFIX.test(known) || JWT.test(known)) return "holds a token of a known format";
    if (URL_WITH_PASSWORD.test(known)) return "holds credentials in a URL";
    // random keys: long hex, or long token-alphabet strings mixing letters and digits with high entropy
    if (/^[a-f0-9]{32,}$/i.test(known) && entropy(known) >= 3) return "holds a high-entropy value";
    if (/^[A-Za-z0-9+/=_-]{20,}$/.test(known) && /[A-Za-z]/.test(known) && /\d/.test(known) && entropy(known) >= 4.2) return "holds a high-entropy value";
    return undefined;
}

export const plainEnvSecrets: Rule = {
    id: "HD-SEC-001",
    title: "No secret in a machine's plain env",
    description: "No plain env var of any machine holds a secret (by name, known token format, URL credentials or entropy): secrets go to Fly secrets.",
    severity: "critical",
    enforcement: "mandatory",
    remediation: [
        "Move the variable from the app's env to its secrets (the `secrets` of the app in components/appEnv.ts).",
        "Rotate the value: it has been visible in the machine config.",
        "Run `npx launch policy --stack <stack>` again; if it is a false positive, waive it (hotdash:waivers) with the reason.",
    ],
    url: "https://fly.io/docs/apps/secrets/",
    check(view) {
        const out: Check[] = [];
        for (const g of view.ofType("FlyMachineGroup")) {
            const env = groupEnv(g);
            if (isUnknown(env)) {
                out.push(checks.unknown(g.name, "the machine config's env", "no secret in plain env", g.urn));
                continue;
            }
            const names = Object.keys(env);
            let bad = 0;
            for (const name of names) {
                const value = env[name];
                const why = secretReason(name, isUnknown(value) ? undefined : value);
                if (!why) continue;
                bad++;
                out.push(checks.fail(g.name, `${g.name}: plain env ${name} ${why}; it must be a Fly secret`, `${name} in plain env`, "secrets in Fly secrets only", { urn: g.urn }));
            }
            if (bad === 0) out.push(checks.pass(g.name, `${g.name}: no secret in plain env (${names.length} vars checked)`, `${names.length} vars`, "no secret", g.urn));
        }
        return out;
    },
};
