/** Each app's `/health` as its users reach it: over HTTPS, 200, within the checklist's 500 ms (hotdash:monitoring.p95LatencyMs). */
import { APPS } from "../../../components/catalog";
import type { AppConfig } from "../../../components/config/types";
import { HEALTH_ITEM } from "../checklist";
import { finding, type Probe, reason } from "../probe";
import { rawClient } from "./clients";

export const healthProbe: Probe = {
    name: "apps /health",
    async run(ctx) {
        const limit = ctx.config.monitoring.p95LatencyMs;
        return Promise.all(Object.values(ctx.config.apps).map(async (app: AppConfig) => {
            const url = `${app.publicUrl}${APPS[app.key].healthPath}`;
            const source = `GET ${url}`;
            const expected = `200 over HTTPS within ${limit} ms`;
            const https = url.startsWith("https://");
            if (!https && ctx.config.environment !== "sandbox") {
                return finding(HEALTH_ITEM, app.name, "fail", `${app.name}: ${url} is not HTTPS`, { observed: "http", expected, source, fix: `pulumi config set --path hotdash:apps.${app.key}.publicUrl https://${app.name}.fly.dev --stack ${ctx.config.stack}` }, ctx.now);
            }
            const t0 = performance.now();
            try {
                const res = await rawClient(app.name, app.publicUrl, { timeoutMs: 10_000 }).sendOnce({ method: "GET", path: APPS[app.key].healthPath });
                const ms = Math.round(performance.now() - t0);
                const observed = `${res.status} in ${ms} ms${https ? "" : " (sandbox: http on loopback)"}`;
                if (res.status !== 200) {
                    return finding(HEALTH_ITEM, app.name, "fail", `${app.name}: /health answered ${res.status}`, { observed, expected, source, fix: `fly logs -a ${app.name}` }, ctx.now);
                }
                if (ms > limit) {
                    return finding(HEALTH_ITEM, app.name, "fail", `${app.name}: /health took ${ms} ms, over the ${limit} ms target`, { observed, expected, source, fix: `fly status -a ${app.name}` }, ctx.now);
                }
                return finding(HEALTH_ITEM, app.name, "pass", `${app.name}: healthy in ${ms} ms`, { observed, expected, source }, ctx.now);
            } catch (err) {
                return finding(HEALTH_ITEM, app.name, "fail", `${app.name}: /health did not answer: ${reason(err)}`, { observed: "no answer", expected, source, fix: `fly status -a ${app.name}` }, ctx.now);
            }
        }));
    },
};
