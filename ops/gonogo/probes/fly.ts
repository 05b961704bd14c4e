/** Fly: every machine of every app started with all its checks passing; custom hostnames' certificates issued and renewing. */
import { MONITOR_APP } from "../../../components/monitoring/files";
import { FlyCertificatesApi, type FlyMachine, FlyMachinesApi } from "../../../providers/fly/client";
import { certificateReady } from "../../../providers/fly/certificate";
import type { Finding } from "../../../policies/framework/finding";
import { CERT_ITEM, MACHINES_ITEM } from "../checklist";
import { finding, type Probe, type ProbeContext, reason } from "../probe";
import { flyApi } from "./clients";

function machineProblems(machines: readonly FlyMachine[]): string[] {
    const out: string[] = [];
    for (const m of machines) {
        if (m.state !== "started") out.push(`${m.id} is ${m.state}`);
        for (const c of m.checks ?? []) if (c.status !== "passing") out.push(`${m.id} check ${c.name} is ${c.status}`);
    }
    return out;
}

/** The machines of one app, judged. */
export async function machinesFinding(ctx: ProbeContext, app: string): Promise<Finding> {
    const source = `Fly Machines API: GET /apps/${app}/machines`;
    const expected = "every machine started, every check passing";
    try {
        const machines = (await flyApi(ctx, FlyMachinesApi).listMachines(app)).filter((m) => m.state !== "destroyed");
        const groups = [...new Set(machines.map((m) => m.config.metadata?.["fly_process_group"] ?? "app"))].sort().join(", ");
        const problems = machineProblems(machines);
        const observed = `${machines.length} machines (${groups || "none"})${problems.length ? `; ${problems.join("; ")}` : ", all started and passing"}`;
        if (!machines.length) return finding(MACHINES_ITEM, app, "fail", `${app}: no machine`, { observed, expected, source, fix: `npx launch up --stack ${ctx.config.stack}` }, ctx.now);
        if (problems.length) return finding(MACHINES_ITEM, app, "fail", `${app}: ${problems.join("; ")}`, { observed, expected, source, fix: `fly checks list -a ${app}` }, ctx.now);
        return finding(MACHINES_ITEM, app, "pass", `${app}: ${machines.length} machines started, checks passing`, { observed, expected, source }, ctx.now);
    } catch (err) {
        return finding(MACHINES_ITEM, app, "fail", `${app}: could not list machines: ${reason(err)}`, { observed: "no answer", expected, source }, ctx.now);
    }
}

export const machinesProbe: Probe = {
    name: "fly machines",
    run: (ctx) => Promise.all([...Object.values(ctx.config.apps).map((a) => a.name), MONITOR_APP].map((app) => machinesFinding(ctx, app))),
};

export const certificatesProbe: Probe = {
    name: "fly certificates",
    async run(ctx) {
        const withHost = Object.values(ctx.config.apps).filter((a) => a.hostname);
        if (!withHost.length) {
            return [finding(CERT_ITEM, "certificates", "n/a", "no custom hostname: every app is served on <app>.fly.dev with Fly's own certificate (its /health is fetched over HTTPS in GNG-HLT-001)", { observed: "no custom hostname", expected: "issued, renewing", source: "hotdash:apps.*.hostname" }, ctx.now)];
        }
        const horizon = ctx.config.launch?.end ?? ctx.now.toISOString().slice(0, 10);
        return Promise.all(withHost.map(async (app) => {
            const hostname = app.hostname!;
            const source = `Fly Machines API: GET /apps/${app.name}/certificates/${hostname}`;
            const expected = `issued by Fly (ACME, renewed by Fly), valid past ${horizon}`;
            try {
                const cert = await flyApi(ctx, FlyCertificatesApi).getCertificate(app.name, hostname);
                if (!cert) return finding(CERT_ITEM, hostname, "fail", `${hostname}: no certificate on ${app.name}`, { observed: "none", expected, source, fix: `npx launch up --stack ${ctx.config.stack}` }, ctx.now);
                const active = (cert.certificates ?? []).find((c) => c.status === "active");
                const observed = `status ${cert.status}${active?.expires_at ? `, expires ${active.expires_at}` : ""}`;
                if (!certificateReady(cert)) return finding(CERT_ITEM, hostname, "fail", `${hostname}: certificate not issued (${cert.status})`, { observed, expected, source, fix: `fly certs show ${hostname} -a ${app.name}` }, ctx.now);
                if (active?.expires_at && active.expires_at.slice(0, 10) <= horizon) {
                    return finding(CERT_ITEM, hostname, "fail", `${hostname}: certificate expires ${active.expires_at}, inside the launch window, so it is not renewing`, { observed, expected, source, fix: `fly certs check ${hostname} -a ${app.name}` }, ctx.now);
                }
                return finding(CERT_ITEM, hostname, "pass", `${hostname}: certificate issued, renewed by Fly`, { observed, expected, source }, ctx.now);
            } catch (err) {
                return finding(CERT_ITEM, hostname, "fail", `${hostname}: could not read the certificate: ${reason(err)}`, { observed: "no answer", expected, source }, ctx.now);
            }
        }));
    },
};
