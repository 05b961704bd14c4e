/**
 * Every documented route the sandbox serves, walked through its life (create, read, change, delete) and its usual
 * refusals: no answer falls outside the vendor's document (the log records any that would, each turned into a 500).
 */
import { strict as assert } from "node:assert";
import { SANDBOX_CREDENTIALS as C } from "../../sandbox/credentials";
import { sleep } from "../../sandbox/server";
import { call, useSandbox } from "../helpers/sandbox";

const fly = { authorization: `Bearer ${C.flyOrgToken}` };
const supa = { authorization: `Bearer ${C.supabaseAccessToken}` };
const cw = { api_access_token: C.chatwootAdminToken };
const REF = C.supabaseProjectRef;

describe("sandbox answers keep to the vendors' documents", () => {
    const sandbox = useSandbox({ timeScale: 0.01 });
    const violations = (): string[] => sandbox().log.filter((r) => r.violation).map((r) => `${r.server} ${r.method} ${r.path}: ${r.violation}`);
    /** One call, paced under Fly's per-action bucket (burst 3, refilled every 10 ms at this scale). */
    const go = async (url: string, init: Parameters<typeof call>[1] = {}): Promise<Awaited<ReturnType<typeof call>>> => {
        await sleep(15);
        const r = await call(url, init);
        assert.notEqual(r.status, 500, `${init.method ?? "GET"} ${url}: ${r.text}`);
        return r;
    };

    it("Fly: apps, machines, leases, wait, secrets, IPs, certificates, volumes", async () => {
        const v1 = `${sandbox().urls.fly}/v1`;
        const app = `${v1}/apps/hotdash-agent-service`;
        await go(`${v1}/apps`, { method: "POST", headers: fly, body: { name: "hotdash-agent-service", org_slug: "hotdash" } });
        await go(`${v1}/apps`, { method: "POST", headers: fly, body: { name: "hotdash-agent-service", org_slug: "hotdash" } });
        await go(`${v1}/apps?org_slug=hotdash`, { headers: fly });
        await go(app, { headers: fly });
        await go(`${v1}/apps/nope`, { headers: fly });
        const vol = (await go(`${app}/volumes`, { method: "POST", headers: fly, body: { name: "data", region: "iad", size_gb: 1 } })).body as { id: string };
        await go(`${app}/volumes`, { headers: fly });
        await go(`${app}/volumes/${vol.id}`, { headers: fly });
        await go(`${app}/volumes/${vol.id}`, { method: "PUT", headers: fly, body: { snapshot_retention: 14 } });
        await go(`${app}/volumes/${vol.id}`, { method: "PUT", headers: fly, body: { snapshot_retention: 99 } });
        const secrets = (await go(`${app}/secrets`, { method: "POST", headers: fly, body: { values: { A: "1" } } })).body as { version: number };
        await go(`${app}/secrets`, { headers: fly });
        const config = { image: `registry.fly.io/hotdash-agent-service@sha256:${"a".repeat(64)}`, mounts: [{ volume: vol.id, path: "/data" }], services: [{ protocol: "tcp", internal_port: 8080, ports: [{ port: 443, handlers: ["tls", "http"] }], checks: [{ type: "http", port: 8080, path: "/health", interval: "15s", timeout: "5s" }] }] };
        const m = (await go(`${app}/machines`, { method: "POST", headers: fly, body: { region: "iad", config, min_secrets_version: secrets.version, lease_ttl: 30 } })).body as { id: string; instance_id: string; nonce: string };
        const one = `${app}/machines/${m.id}`;
        const nonce = { ...fly, "fly-machine-lease-nonce": m.nonce };
        await go(`${one}/lease`, { headers: fly });
        await go(`${one}/lease`, { method: "POST", headers: fly, body: { ttl: 30 } }); // held: 409
        await go(`${one}/lease`, { method: "POST", headers: nonce, body: { ttl: 30 } });
        await go(`${one}/wait?state=started&timeout=10`, { headers: fly });
        await go(one, { headers: fly });
        await go(`${app}/machines?include_deleted=true`, { headers: fly });
        await go(one, { method: "POST", headers: nonce, body: { config: { ...config, env: { X: "1" } } } });
        await go(`${one}/wait?state=started&timeout=10`, { headers: fly });
        await go(`${one}/stop`, { method: "POST", headers: nonce });
        await go(`${one}/start`, { method: "POST", headers: nonce });
        await go(`${one}/lease`, { method: "DELETE", headers: nonce });
        await go(`${app}/volumes/${vol.id}`, { method: "DELETE", headers: fly }); // attached: 412
        await go(one, { method: "DELETE", headers: fly }); // running: 412
        await go(`${one}?force=true`, { method: "DELETE", headers: fly });
        await go(`${one}/wait?state=destroyed&timeout=10`, { headers: fly });
        await go(`${app}/volumes/${vol.id}`, { method: "DELETE", headers: fly });
        const ip = (await go(`${app}/ip_assignments`, { method: "POST", headers: fly, body: { type: "v6" } })).body as { ip: string };
        await go(`${app}/ip_assignments`, { headers: fly });
        await go(`${app}/ip_assignments/${encodeURIComponent(ip.ip)}`, { method: "DELETE", headers: fly });
        await go(`${app}/certificates/acme`, { method: "POST", headers: fly, body: { hostname: "support.hotdash.example" } });
        await go(`${app}/certificates/acme`, { method: "POST", headers: fly, body: { hostname: "" } });
        await sleep(50); // issued after 20 ms at this scale
        await go(`${app}/certificates/support.hotdash.example`, { headers: fly });
        await go(`${app}/certificates/support.hotdash.example/check`, { method: "POST", headers: fly });
        await go(`${app}/certificates/support.hotdash.example`, { method: "DELETE", headers: fly });
        await go(app, { method: "DELETE", headers: fly });
        assert.deepEqual(violations(), []);
        assert.equal(sandbox().log.filter((r) => r.server === "fly").length, 38, "every call above reached the sandbox");
    });

    it("Supabase: project, health, secrets, SSL, backups, keys, add-ons, network restrictions", async () => {
        const p = `${sandbox().urls.supabase}/v1/projects/${REF}`;
        await go(`${sandbox().urls.supabase}/v1/profile`, { headers: supa });
        await go(p, { headers: supa });
        await go(`${p}/health?services=auth,db,rest,realtime`, { headers: supa });
        await go(`${p}/secrets`, { method: "POST", headers: supa, body: [{ name: "FOO", value: "bar" }] });
        await go(`${p}/secrets`, { headers: supa });
        await go(`${p}/secrets`, { method: "DELETE", headers: supa, body: ["FOO"] });
        await go(`${p}/ssl-enforcement`, { method: "PUT", headers: supa, body: { requestedConfig: { database: true } } });
        await go(`${p}/ssl-enforcement`, { headers: supa });
        await go(`${p}/database/backups`, { headers: supa });
        await go(`${p}/database/backups/schedule`, { headers: supa });
        await go(`${p}/database/backups/schedule`, { method: "PATCH", headers: supa, body: { schedule_for: "03:00:00" } });
        await go(`${p}/database/backups/restore-pitr`, { method: "POST", headers: supa, body: { recovery_time_target_unix: 1700000000 } });
        await go(`${p}/api-keys?reveal=false`, { headers: supa });
        await go(`${p}/billing/addons`, { headers: supa });
        await go(`${p}/network-restrictions`, { headers: supa });
        await go(`${p}/network-restrictions/apply`, { method: "POST", headers: supa, body: { dbAllowedCidrs: ["10.0.0.0/8"] } });
        await go(`${p}/network-restrictions`, { method: "PATCH", headers: supa, body: { add: { dbAllowedCidrs: ["192.168.0.0/16"] } } });
        await go(`${p}/secrets`, { headers: { authorization: "Bearer sbp_wrong" } });
        assert.deepEqual(violations(), []);
    });

    it("Chatwoot: profile, messages, webhooks", async () => {
        const base = `${sandbox().urls.chatwoot}/api/v1`;
        await go(`${base}/profile`, { headers: cw });
        const hooks = `${base}/accounts/1/webhooks`;
        const created = (await go(hooks, { method: "POST", headers: cw, body: { url: "https://agent.example/hook", subscriptions: ["message_created"] } })).body as { payload: { webhook: { id: number } } };
        const one = `${hooks}/${created.payload.webhook.id}`;
        await go(hooks, { headers: cw });
        await go(one, { method: "PATCH", headers: cw, body: { url: "https://agent.example/hook2" } });
        await go(one, { method: "PUT", headers: cw, body: { subscriptions: ["message_created", "inbox_created"] } });
        await go(`${base}/accounts/1/conversations/42/messages`, { method: "POST", headers: cw, body: { content: "hello", message_type: "incoming" } });
        await sandbox().chatwoot.settled();
        await go(hooks, { headers: { api_access_token: C.chatwootAgentToken } });
        await go(one, { method: "DELETE", headers: cw });
        await go(one, { method: "DELETE", headers: cw });
        assert.deepEqual(violations(), []);
    });
});
