/**
 * The machine config of one process group, from the app's declared facts. Pure: the component feeds it resolved
 * values, and tests assert it directly. Every public group gets port 80 (forced to HTTPS) and 443 (TLS), and an
 * HTTP check on its health path; a worker group gets no service, as flyctl maps `[processes]`.
 */
import type { MachineConfig, MachineService } from "../../providers/fly/machineConfig";

export interface GuestSize {
    /** `shared` or `performance`. */
    readonly cpuKind: "shared" | "performance";
    readonly cpus: number;
    readonly memoryMb: number;
}

/** A file written into the machine: generated content, or a Fly secret's value (never written out here). */
export type MachineFileSpec =
    | { readonly guestPath: string; readonly content: string }
    | { readonly guestPath: string; readonly secretName: string };

export interface ProcessGroupSpec {
    /** Machines in the group. */
    readonly machines: number;
    /** Command the machines run; the image's default when absent. */
    readonly cmd?: readonly string[];
    /** Whether the group serves the app's public hostname. */
    readonly public: boolean;
    /** Image of this group, pinned by digest. Defaults to the app's image. */
    readonly image?: string;
    /** Files this group's machines get, besides the app's. Defaults to none. */
    readonly files?: readonly MachineFileSpec[];
}

export interface GroupConfigInput {
    readonly image: string;
    readonly region: string;
    readonly group: string;
    readonly spec: ProcessGroupSpec;
    readonly env: Readonly<Record<string, string>>;
    readonly internalPort: number;
    readonly healthPath: string;
    readonly guest: GuestSize;
    readonly metrics?: { readonly port: number; readonly path: string };
    readonly files?: readonly MachineFileSpec[];
}

export const DEFAULT_GUEST: GuestSize = { cpuKind: "shared", cpus: 1, memoryMb: 512 };

/** The HTTP service of a public group: 80 redirects to HTTPS, 443 terminates TLS, and the health check. */
export function publicService(internalPort: number, healthPath: string): MachineService {
    return {
        protocol: "tcp",
        internal_port: internalPort,
        autostart: true,
        autostop: "off",
        min_machines_running: 1,
        ports: [
            { port: 80, handlers: ["http"], force_https: true },
            { port: 443, handlers: ["tls", "http"] },
        ],
        concurrency: { type: "requests", soft_limit: 200, hard_limit: 250 },
        checks: [{ type: "http", port: internalPort, method: "GET", path: healthPath, interval: "15s", timeout: "5s", grace_period: "30s" }],
    };
}

export function groupMachineConfig(input: GroupConfigInput): MachineConfig {
    return {
        image: input.image,
        // FLY_PROCESS_GROUP and PRIMARY_REGION are what flyctl sets; Fly's DNS and the apps rely on them
        env: { ...input.env, FLY_PROCESS_GROUP: input.group, PRIMARY_REGION: input.region },
        ...(input.spec.cmd ? { init: { cmd: [...input.spec.cmd] } } : {}),
        guest: { cpu_kind: input.guest.cpuKind, cpus: input.guest.cpus, memory_mb: input.guest.memoryMb },
        restart: { policy: "on-failure", max_retries: 10 },
        ...(input.spec.public ? { services: [publicService(input.internalPort, input.healthPath)] } : {}),
        ...(input.metrics ? { metrics: { port: input.metrics.port, path: input.metrics.path } } : {}),
        ...(input.files?.length ? { files: input.files.map(machineFile) } : {}),
        stop_config: { signal: "SIGTERM", timeout: "30s" },
    };
}

/** Fly's file entry: generated content goes base64-encoded in `raw_value`, a secret by name. */
function machineFile(f: MachineFileSpec): { guest_path: string; raw_value?: string; secret_name?: string } {
    return "content" in f
        ? { guest_path: f.guestPath, raw_value: Buffer.from(f.content, "utf8").toString("base64") }
        : { guest_path: f.guestPath, secret_name: f.secretName };
}
