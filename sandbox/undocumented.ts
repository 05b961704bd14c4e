/**
 * The sandbox routes that answer without a vendor document to check them against, each with the reason. Every other
 * route is an operation of its vendor's OpenAPI document, and its answers are validated against it (sandbox/server.ts
 * refuses to register a route that is neither).
 */
import { AGENT_APPROVE_PATH, AGENT_WEBHOOK_PATH, APPS } from "../components/catalog";
import { SLACK_WEBHOOK_PATH } from "./credentials";

export interface UndocumentedRoute {
    /** Sandbox server names the route belongs to. */
    readonly servers: readonly string[];
    readonly method: string;
    /** The route template as the server registers it. */
    readonly template: string;
    readonly reason: string;
}

const OUR_APPS = [APPS.agentService.name, APPS.llamaindexMcp.name];

export const UNDOCUMENTED_ROUTES: readonly UndocumentedRoute[] = [
    {
        servers: ["slack"], method: "POST", template: SLACK_WEBHOOK_PATH,
        reason: "Slack publishes no OpenAPI document for incoming webhooks; the handler answers with the documented error strings (sandbox/slack.ts)",
    },
    ...["GET", "HEAD", "POST", "PATCH", "DELETE"].map((method) => ({
        servers: ["supabase-rest"], method, template: "/rest/v1/{table}",
        reason: "PostgREST's OpenAPI document is generated per database schema at `/rest/v1/`; the sandbox serves one table",
    })),
    {
        servers: ["fly"], method: "GET", template: "/prometheus/{org}/api/v1/{endpoint}",
        reason: "Fly's managed Prometheus (api.fly.io/prometheus/<org>) is not part of the Machines API document; the sandbox passes the query to a real Prometheus, whose answers are its own",
    },
    {
        servers: ["chatwoot"], method: "GET", template: "/health",
        reason: "Chatwoot's swagger leaves out its Rails health route (`get '/health', to: 'health#show'`, answering {\"status\":\"woot\"})",
    },
    {
        servers: ["chatwoot"], method: "GET", template: "/api",
        reason: "Chatwoot's swagger leaves out `ApiController#index` (version, timestamp, queue and data services)",
    },
    ...["GET", "HEAD"].map((method) => ({
        servers: OUR_APPS, method, template: "/health",
        reason: "our own apps' liveness endpoint, whose only contract is 200 when healthy (components/catalog.ts healthPath)",
    })),
    {
        servers: [APPS.agentService.name], method: "GET", template: "/metrics",
        reason: "Prometheus text exposition, checked by the monitoring tests that scrape it (components/monitoring/metrics.ts)",
    },
    {
        servers: [APPS.agentService.name], method: "POST", template: AGENT_APPROVE_PATH,
        reason: "our own approval endpoint, which the approval queue's UI calls (sandbox/agentService.ts)",
    },
    {
        servers: [APPS.agentService.name], method: "POST", template: AGENT_WEBHOOK_PATH,
        reason: "our own receiver of Chatwoot's signed deliveries; its contract is the signature scheme (providers/chatwoot/signature.ts)",
    },
];

/** Why `method template` of `server` answers unvalidated, or undefined when it is not listed. */
export function undocumentedReason(server: string, method: string, template: string): string | undefined {
    return UNDOCUMENTED_ROUTES.find((r) => r.servers.includes(server) && r.method === method && r.template === template)?.reason;
}
