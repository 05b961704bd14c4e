/**
 * The three services of the launch checklist, as facts the whole project shares: config defaults, components,
 * policies, the sandbox and the go/no-go all read them from here.
 */

import type { AppKey } from "../providers/launchFacts";

// defined with the LaunchFacts resource that records the app names by key (providers import nothing from components/)
export type { AppKey };

export interface ProcessGroupFacts {
    /** Command run by the group's machines; undefined runs the image's default. */
    readonly cmd?: readonly string[];
    /** Whether the group takes traffic on the app's public hostname (Chatwoot's worker does not). */
    readonly public: boolean;
}

export interface AppFacts {
    /** Fly app name from the launch checklist; `<name>.fly.dev` is its public hostname. */
    readonly name: string;
    /** Port the web process listens on inside the machine. */
    readonly internalPort: number;
    /** Liveness path probed by Fly's HTTP check, the monitoring and the go/no-go. */
    readonly healthPath: string;
    /** Process groups and what each runs. */
    readonly processes: Readonly<Record<string, ProcessGroupFacts>>;
    /** Machines per process group unless config says otherwise. */
    readonly defaultMachines: number;
}

export const APPS: Readonly<Record<AppKey, AppFacts>> = {
    agentService: {
        name: "hotdash-agent-service",
        internalPort: 8080,
        healthPath: "/health",
        processes: { app: { public: true } },
        defaultMachines: 2,
    },
    llamaindexMcp: {
        name: "hotdash-llamaindex-mcp",
        internalPort: 8080,
        healthPath: "/health",
        processes: { app: { public: true } },
        defaultMachines: 2,
    },
    chatwoot: {
        name: "hotdash-chatwoot",
        internalPort: 3000,
        healthPath: "/health",
        processes: {
            web: { cmd: ["bundle", "exec", "rails", "s", "-p", "3000", "-b", "0.0.0.0"], public: true },
            worker: { cmd: ["bundle", "exec", "sidekiq", "-C", "config/sidekiq.yml"], public: false },
        },
        defaultMachines: 1,
    },
};

export const APP_KEYS: readonly AppKey[] = ["agentService", "llamaindexMcp", "chatwoot"];

/** Where the agent service receives Chatwoot's signed webhooks. */
export const AGENT_WEBHOOK_PATH = "/webhooks/chatwoot";
/** The agent service's approval endpoint: an operator approves a pending draft by its id, and the reply goes out. */
export const AGENT_APPROVE_PATH = "/approvals/{id}/approve";

/** `https://<app>.fly.dev`, the public URL Fly serves for an app with shared IPs. */
export function flyDevUrl(appName: string): string {
    return `https://${appName}.fly.dev`;
}
