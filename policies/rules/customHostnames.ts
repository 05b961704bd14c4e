/**
 * HD-SSL-003: a custom hostname (anything but `*.fly.dev`, Fly's private network and loopback) that one of the
 * launch's own URLs points at has a Fly certificate, so Fly serves it with a valid TLS certificate.
 */
import type { Check } from "../framework/finding";
import { groupEnv, httpUrl, isLoopback, isPrivateHost } from "../framework/fly";
import { checks, type Rule } from "../framework/rule";
import { asRecord, isUnknown } from "../framework/unknown";

/** The env vars and Supabase secrets that hold the launch's own public URLs (the checklist's names). */
export const OWN_URL_VARS: readonly string[] = ["CHATWOOT_BASE_URL", "LLAMAINDEX_SERVICE_URL", "AGENT_SERVICE_URL", "FRONTEND_URL"];

function customHost(value: unknown): string | undefined {
    const url = httpUrl(value);
    if (!url) return undefined;
    const h = url.hostname;
    if (isLoopback(h) || isPrivateHost(h) || h.endsWith(".fly.dev") || /^[\d.]+$/.test(h) || h.startsWith("[")) return undefined;
    return h;
}

export const customHostnames: Rule = {
    id: "HD-SSL-003",
    title: "Custom hostnames have a certificate",
    description: "Every custom hostname the launch's URLs use has a Fly certificate (FlyCertificate); *.fly.dev is covered by Fly's own.",
    severity: "high",
    enforcement: "mandatory",
    remediation: [
        "Set the app's hostname so its component declares the certificate: `pulumi config set --path hotdash:apps.<app>.hostname <hostname> --stack <stack>`.",
        "Create the DNS records the certificate's dnsRequirements list (`fly certs setup <hostname> -a <app>`).",
        "Run `npx launch policy --stack <stack>` again.",
    ],
    url: "https://fly.io/docs/networking/custom-domain/",
    check(view) {
        const out: Check[] = [];
        const hosts = new Map<string, string>(); // hostname -> where it was seen
        for (const g of view.ofType("FlyMachineGroup")) {
            const env = groupEnv(g);
            if (isUnknown(env)) {
                out.push(checks.unknown(g.name, "the machine config's env", "a certificate for every custom hostname", g.urn));
                continue;
            }
            for (const name of OWN_URL_VARS) {
                const h = customHost(env[name]);
                if (h && !hosts.has(h)) hosts.set(h, `env ${name} of ${g.name}`);
            }
        }
        for (const s of view.ofType("SupabaseSecrets")) {
            const values = asRecord(s.props["values"]);
            for (const name of OWN_URL_VARS) {
                const h = customHost(values?.[name]);
                if (h && !hosts.has(h)) hosts.set(h, `Supabase secret ${name}`);
            }
        }
        for (const w of view.ofType("ChatwootWebhook")) {
            for (const field of ["url", "baseUrl"]) {
                const h = customHost(w.props[field]);
                if (h && !hosts.has(h)) hosts.set(h, `${field} of ${w.name}`);
            }
        }
        const certs = view.ofType("FlyCertificate");
        const certHosts = new Map<string, string>();
        let unknownCert = false;
        for (const c of certs) {
            const h = c.props["hostname"];
            if (isUnknown(h)) unknownCert = true;
            else if (typeof h === "string" && h.trim()) certHosts.set(h.trim().toLowerCase(), c.name);
            else out.push(checks.fail(c.name, `${c.name}: certificate has no hostname`, "no hostname", "a DNS hostname", { urn: c.urn }));
        }
        for (const [host, seen] of hosts) {
            const cert = certHosts.get(host.toLowerCase());
            if (cert) out.push(checks.pass(host, `${host}: certificate declared (${cert})`, cert, "a FlyCertificate", undefined));
            else if (unknownCert) out.push(checks.unknown(host, "a certificate's hostname", `a FlyCertificate for ${host}`));
            else out.push(checks.fail(host, `${host}: custom hostname (${seen}) has no Fly certificate`, "no FlyCertificate", `a FlyCertificate for ${host}`));
        }
        const referenced = new Set([...hosts.keys()].map((h) => h.toLowerCase()));
        for (const [host, cert] of certHosts) {
            if (!referenced.has(host)) out.push(checks.pass(host, `${host}: certificate declared (${cert})`, cert, "a FlyCertificate"));
        }
        if (out.length === 0) out.push(checks.na("hostnames", "no custom hostname: every public URL is on fly.dev, whose certificate Fly manages"));
        return out;
    },
};
