/**
 * HD-ENV-001: every app gets the env vars and secrets `REQUIRED_ENV` (components/appEnv.ts, the one list the
 * components build from) names for it: plain vars on every machine group, with their exact value where one is
 * required, and secrets among the app's Fly secrets. A required secret found in plain env counts as provided here:
 * HD-SEC-001 reports it, so one fault gives one finding. The webhook secret exists only while the webhook does, so
 * HD-WHK-002 checks it.
 */
import { REQUIRED_ENV } from "../../components/appEnv";
import { APP_KEYS } from "../../components/catalog";
import type { Check } from "../framework/finding";
import { groupEnv } from "../framework/fly";
import { checks, plural, type Rule } from "../framework/rule";
import { asRecord, isUnknown } from "../framework/unknown";

/** Required secrets another rule owns, and which. */
export const DELEGATED_SECRETS: Readonly<Record<string, string>> = { CHATWOOT_WEBHOOK_SECRET: "HD-WHK-002" };

export const requiredEnv: Rule = {
    id: "HD-ENV-001",
    title: "Required env vars and secrets per app",
    description: "Every app's machines get the plain env vars (with their required values) and the Fly secrets that components/appEnv.ts REQUIRED_ENV lists for it.",
    severity: "critical",
    enforcement: "mandatory",
    remediation: [
        "Give the app the variable the finding names: a plain variable through its env builder in components/appEnv.ts, a secret through its `secrets` there, from config set with `pulumi config set --secret hotdash:<name> <value> --stack <stack>` (or its environment variable).",
        "Never edit REQUIRED_ENV to silence the rule: it is the list the apps need.",
        "Run `npx launch policy --stack <stack>` again.",
    ],
    url: "https://fly.io/docs/apps/secrets/",
    check(view) {
        const out: Check[] = [];
        const names = view.appNames();
        for (const key of APP_KEYS) {
            const app = names[key];
            const required = REQUIRED_ENV[key];
            const envNames = Object.keys(required.env);
            const groups = view.ofApp("FlyMachineGroup", app);
            const plainNames = new Set<string>();
            if (groups.length === 0) {
                out.push(checks.fail(app, `${app}: no machine group is declared`, "not declared", `machines with env ${envNames.join(", ")}`));
            }
            for (const g of groups) {
                const env = groupEnv(g);
                if (isUnknown(env)) {
                    out.push(checks.unknown(g.name, "the machine config's env", `env ${envNames.join(", ")}`, g.urn));
                    continue;
                }
                for (const n of Object.keys(env)) plainNames.add(n);
                let ok = true;
                for (const [name, value] of Object.entries(required.env)) {
                    const v = env[name];
                    if (v === undefined || v === null || v === "") {
                        ok = false;
                        out.push(checks.fail(g.name, `${g.name}: env ${name} is missing`, "missing", value === undefined ? `${name} set` : `${name}=${value}`, { urn: g.urn }));
                    } else if (value !== undefined && isUnknown(v)) {
                        ok = false;
                        out.push(checks.unknown(g.name, `env ${name}`, `${name}=${value}`, g.urn));
                    } else if (value !== undefined && v !== value) {
                        ok = false;
                        out.push(checks.fail(g.name, `${g.name}: env ${name} must be "${value}"`, "another value", `${name}=${value}`, { urn: g.urn }));
                    }
                }
                if (ok) out.push(checks.pass(g.name, `${g.name}: the ${plural(envNames.length, "required env var")} of ${app} ${envNames.length === 1 ? "is" : "are"} set`, envNames.join(", "), "all set", g.urn));
            }

            const needed = required.secrets.filter((n) => !(n in DELEGATED_SECRETS));
            if (needed.length === 0) continue;
            const secrets = view.ofApp("FlySecrets", app)[0];
            if (!secrets) {
                out.push(checks.fail(app, `${app}: no Fly secrets are declared; it needs ${needed.join(", ")}`, "no FlySecrets", `Fly secrets ${needed.join(", ")}`));
                continue;
            }
            const values = secrets.props["values"];
            if (isUnknown(values)) {
                out.push(checks.unknown(secrets.name, "the set of Fly secret names", `Fly secrets ${needed.join(", ")}`, secrets.urn));
                continue;
            }
            const map = asRecord(values) ?? {};
            let ok = true;
            for (const name of needed) {
                const v = map[name];
                if (v === undefined || v === null) {
                    if (plainNames.has(name)) continue; // HD-SEC-001 reports it in plain env
                    ok = false;
                    out.push(checks.fail(secrets.name, `${secrets.name}: Fly secret ${name} is missing`, "missing", `${name} among the Fly secrets`, { urn: secrets.urn }));
                } else if (v === "") {
                    ok = false;
                    out.push(checks.fail(secrets.name, `${secrets.name}: Fly secret ${name} is empty`, "empty", `${name} non-empty`, { urn: secrets.urn }));
                }
            }
            if (ok) out.push(checks.pass(secrets.name, `${secrets.name}: the ${plural(needed.length, "required Fly secret")} of ${app} ${needed.length === 1 ? "is" : "are"} set`, needed.join(", "), "all set", secrets.urn));
        }
        return out;
    },
};
