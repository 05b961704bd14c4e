/**
 * Fly machine configs: the shape the stack sends, and the comparison that decides whether a machine needs an
 * update. Fly echoes configs back with its own spellings (booleans for autostop, dropped empty lists, platform
 * metadata), so both sides are normalized first; comparing raw JSON would redeploy on every run.
 */
import { createHash } from "node:crypto";

export interface MachinePort {
    readonly port: number;
    readonly handlers: readonly string[];
    readonly force_https?: boolean;
}

export interface MachineServiceCheck {
    readonly type: "http" | "tcp";
    readonly port?: number;
    readonly method?: string;
    readonly path?: string;
    readonly interval: string;
    readonly timeout: string;
    readonly grace_period?: string;
}

export interface MachineService {
    readonly protocol: "tcp" | "udp";
    readonly internal_port: number;
    readonly autostart?: boolean;
    readonly autostop?: "off" | "stop" | "suspend" | boolean;
    readonly min_machines_running?: number;
    readonly ports: readonly MachinePort[];
    readonly concurrency?: { readonly type: string; readonly soft_limit: number; readonly hard_limit: number };
    readonly checks?: readonly MachineServiceCheck[];
}

export interface MachineCheck {
    readonly type: "http" | "tcp";
    readonly port: number;
    readonly method?: string;
    readonly path?: string;
    readonly interval: string;
    readonly timeout: string;
    readonly grace_period?: string;
    readonly kind?: "informational" | "readiness";
}

export interface MachineConfig {
    readonly image: string;
    readonly env?: Readonly<Record<string, string>>;
    readonly init?: { readonly cmd?: readonly string[] };
    readonly guest?: { readonly cpu_kind: string; readonly cpus: number; readonly memory_mb: number };
    readonly metadata?: Readonly<Record<string, string>>;
    readonly restart?: { readonly policy: "no" | "always" | "on-failure" | "spot-price"; readonly max_retries?: number };
    readonly services?: readonly MachineService[];
    readonly checks?: Readonly<Record<string, MachineCheck>>;
    readonly mounts?: readonly { readonly volume: string; readonly path: string }[];
    readonly metrics?: { readonly port: number; readonly path: string };
    readonly stop_config?: { readonly signal?: string; readonly timeout?: string };
    readonly files?: readonly { readonly guest_path: string; readonly secret_name?: string; readonly raw_value?: string }[];
}

/** Metadata written by Fly or flyctl, or per machine by us: never a reason to update. */
const VOLATILE_METADATA: readonly string[] = [
    "fly_flyctl_version", "fly_release_id", "fly_release_version", "fly_platform_version", "hotdash_launch_id",
];

/**
 * The config reduced to what decides behaviour: `autostop` as a string, empty lists and maps and nulls dropped,
 * volatile metadata removed, object keys sorted.
 */
export function normalizeConfig(config: MachineConfig): unknown {
    const metadata = Object.fromEntries(Object.entries(config.metadata ?? {}).filter(([k]) => !VOLATILE_METADATA.includes(k)));
    const services = (config.services ?? []).map((s) => ({
        ...s,
        autostop: s.autostop === true ? "stop" : s.autostop === false || s.autostop === undefined ? "off" : s.autostop,
        autostart: s.autostart ?? true,
    }));
    return prune({ ...config, metadata, services });
}

/** True when two configs would run the same machine. */
export function sameConfig(a: MachineConfig, b: MachineConfig): boolean {
    return JSON.stringify(normalizeConfig(a)) === JSON.stringify(normalizeConfig(b));
}

/** A short, stable digest of a normalized config, stored in state to notice drift without storing the config twice. */
export function configDigest(config: MachineConfig): string {
    return createHash("sha256").update(JSON.stringify(normalizeConfig(config))).digest("hex").slice(0, 16);
}

/** The `sha256:<hex>` digest of an image reference pinned by digest, or the reference itself when it has none. */
export function imageDigest(image: string): string {
    const at = image.lastIndexOf("@");
    return at >= 0 ? image.slice(at + 1) : image;
}

function prune(value: unknown): unknown {
    if (Array.isArray(value)) {
        const items = value.map(prune).filter((v) => v !== undefined);
        return items.length ? items : undefined;
    }
    if (value !== null && typeof value === "object") {
        const entries = Object.keys(value).sort()
            .map((k) => [k, prune((value as Record<string, unknown>)[k])] as const)
            .filter(([, v]) => v !== undefined);
        return entries.length ? Object.fromEntries(entries) : undefined;
    }
    return value === null ? undefined : value;
}
