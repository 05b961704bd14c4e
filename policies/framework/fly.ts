/** Reading Fly machine groups and URLs out of planned props: shared by the rules, pure. */
import { APPS } from "../../components/catalog";
import type { PlannedResource, StackView } from "./stack";
import { asRecord, at, isUnknown, type Unknown } from "./unknown";

/** A machine group's `config` (MachineConfig), `UNKNOWN`, or undefined when absent. */
export function groupConfig(g: PlannedResource): Readonly<Record<string, unknown>> | Unknown | undefined {
    const c = g.props["config"];
    return isUnknown(c) ? c : asRecord(c);
}

/** A machine group's services: the list (empty when it has none), or `UNKNOWN` while its config is not known. */
export function groupServices(g: PlannedResource): readonly unknown[] | Unknown {
    const config = groupConfig(g);
    const services = isUnknown(config) ? config : config?.["services"];
    if (isUnknown(services)) return services;
    return Array.isArray(services) ? services : [];
}

/** A machine group's plain env, `UNKNOWN` when its config or env is not known yet, `{}` when it has none. */
export function groupEnv(g: PlannedResource): Readonly<Record<string, unknown>> | Unknown {
    const env = at(g.props, "config", "env");
    if (isUnknown(env)) return env;
    return asRecord(env) ?? {};
}

/** The app a resource belongs to (its `app` input), or "" when unknown. */
export function appOf(r: PlannedResource): string {
    const app = r.props["app"];
    return typeof app === "string" ? app : "";
}

/**
 * Whether the catalog says this machine group takes public traffic; undefined for a group the catalog does not
 * know (an app outside the launch's three), which rules then judge by what it declares.
 */
export function isPublicGroup(view: StackView, g: PlannedResource): boolean | undefined {
    const key = view.appKeyOf(appOf(g));
    const group = g.props["group"];
    if (!key || typeof group !== "string") return undefined;
    return APPS[key].processes[group]?.public;
}

/** An http(s) URL, or undefined for anything else. */
export function httpUrl(value: unknown): URL | undefined {
    if (typeof value !== "string" || !/^https?:\/\//i.test(value.trim())) return undefined;
    try {
        return new URL(value.trim());
    } catch {
        return undefined;
    }
}

/** `scheme://host[:port]`: what messages show of a URL (never its path, query or credentials). */
export function origin(url: URL): string {
    return `${url.protocol}//${url.host}`;
}

/** Fly's private networking (6PN `.internal`, Flycast `.flycast`): reachable only inside the org, never public. */
export function isPrivateHost(hostname: string): boolean {
    return hostname.endsWith(".internal") || hostname.endsWith(".flycast");
}

const LOOPBACK = ["127.0.0.1", "localhost", "[::1]", "::1"];

export function isLoopback(hostname: string): boolean {
    return LOOPBACK.includes(hostname);
}
