/**
 * Converges one process group of a Fly app to its declared machines, the way a careful operator deploys: existing
 * machines are adopted, changed ones are updated one at a time under a short lease that is refreshed and always
 * released, each must start and pass every check before the next is touched, a failing one is put back on its
 * previous config and the deploy stops there. Creates carry a launch id, so a retried create never duplicates.
 */
import { randomUUID } from "node:crypto";
import { type FlyMachine, type FlyMachinesApi, LAUNCH_ID_KEY } from "./client";
import { type MachineConfig, imageDigest, sameConfig } from "./machineConfig";

export interface GroupSpec {
    readonly app: string;
    /** Process group name, written to `metadata.fly_process_group` as flyctl does. */
    readonly group: string;
    readonly region: string;
    readonly count: number;
    /** Config of every machine in the group (image included); per-machine metadata and mounts are added here. */
    readonly config: MachineConfig;
    /** Secrets version every machine must run with (`min_secrets_version`). */
    readonly secretsVersion?: number;
    /** Volume id per machine index, mounted at `mountPath`. */
    readonly volumeIds?: readonly string[];
    readonly mountPath?: string;
}

export interface RolloutTimeouts {
    /** Time one machine has to start and pass every check. */
    readonly healthSeconds: number;
    /** How long a check may stay critical before the machine counts as failed. */
    readonly criticalGraceSeconds: number;
    /** Lease TTL; it is refreshed every third of it. */
    readonly leaseTtlSeconds: number;
    /** First pause between machine polls while waiting for checks; it doubles every 4 polls up to 1 s. */
    readonly pollMs: number;
}

export const DEFAULT_TIMEOUTS: RolloutTimeouts = { healthSeconds: 300, criticalGraceSeconds: 60, leaseTtlSeconds: 13, pollMs: 25 };

export interface GroupState {
    readonly machineIds: readonly string[];
    /** Whether any machine already existed when the stack first saw the group. */
    readonly adopted: boolean;
    /** Digest the group's oldest machine ran before this converge ("" when it had none). */
    readonly ranBefore: string;
}

/** The machines of `group` in `app`, oldest first. */
export async function groupMachines(fly: FlyMachinesApi, app: string, group: string): Promise<FlyMachine[]> {
    return machinesOfGroup(await fly.listMachines(app), group);
}

/** The live machines of `group` among an app's machines, oldest first. */
export function machinesOfGroup(all: readonly FlyMachine[], group: string): FlyMachine[] {
    return all
        .filter((m) => m.state !== "destroyed" && m.state !== "destroying" && m.config.metadata?.["fly_process_group"] === group)
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id.localeCompare(b.id)));
}

/** The config one machine of the group should run. */
export function machineConfigFor(spec: GroupSpec, launchId: string, mountVolume: string | undefined): MachineConfig {
    return {
        ...spec.config,
        metadata: { ...spec.config.metadata, fly_process_group: spec.group, fly_platform_version: "v2", [LAUNCH_ID_KEY]: launchId },
        ...(mountVolume && spec.mountPath ? { mounts: [{ volume: mountVolume, path: spec.mountPath }] } : {}),
    };
}

/**
 * Brings the group to `spec`. `forceUpdate` updates every machine even when its config matches (rotated secrets
 * reach a machine only through an update). Throws a message naming the machine and the failing check when a machine
 * does not become healthy; that machine is then back on its previous config and later machines are untouched.
 */
export async function converge(fly: FlyMachinesApi, spec: GroupSpec, timeouts: RolloutTimeouts, forceUpdate: boolean): Promise<GroupState> {
    const existing = await groupMachines(fly, spec.app, spec.group);
    const adopted = existing.length > 0;
    const keep = existing.slice(0, spec.count);
    const surplus = existing.slice(spec.count);
    const deploy: Deploy = { description: `hotdash-launch ${randomUUID()}`, releases: [] };
    const ids: string[] = [];
    const desired = new Map(keep.map((m) => [m.id, machineConfigFor(spec, m.config.metadata?.[LAUNCH_ID_KEY] ?? randomUUID(), m.config.mounts?.[0]?.volume)]));
    const stale = keep.filter((m) => forceUpdate || !sameConfig(m.config, desired.get(m.id)!));
    // the next machine's lease is taken while the current one boots, so a deploy waits on health, not on leases
    const prefetch = (m: FlyMachine | undefined): Promise<Held> | undefined => {
        if (!m) return undefined;
        const p = hold(fly, spec.app, m.id, timeouts, deploy);
        p.catch(() => undefined); // handled where it is awaited; this only keeps an early failure from going unhandled
        return p;
    };
    let next = prefetch(stale[0]);
    try {
        for (let i = 0; i < stale.length; i++) {
            const held = await next!;
            next = prefetch(stale[i + 1]);
            try {
                await updateOne(fly, spec, stale[i]!, desired.get(stale[i]!.id)!, timeouts, held.nonce);
            } finally {
                held.release();
            }
        }
        ids.push(...keep.map((m) => m.id));
        for (let i = keep.length; i < spec.count; i++) {
            ids.push(await createOne(fly, spec, spec.volumeIds?.[i], timeouts));
        }
        for (const m of surplus) await destroyOne(fly, spec.app, m.id, timeouts, deploy);
    } finally {
        if (next) await next.then((h) => h.release(), () => undefined);
        await Promise.all(deploy.releases);
    }
    return { machineIds: ids, adopted, ranBefore: existing[0] ? imageDigest(existing[0].config.image) : "" };
}

/** Destroys every machine of the group. */
export async function destroyGroup(fly: FlyMachinesApi, app: string, group: string, timeouts: RolloutTimeouts): Promise<void> {
    const deploy: Deploy = { description: `hotdash-launch ${randomUUID()}`, releases: [] };
    try {
        for (const m of await groupMachines(fly, app, group)) await destroyOne(fly, app, m.id, timeouts, deploy);
    } finally {
        await Promise.all(deploy.releases);
    }
}

/** One deploy: the description its leases carry, and the lease releases still in flight (awaited before it returns). */
interface Deploy {
    readonly description: string;
    readonly releases: Promise<void>[];
}

async function createOne(fly: FlyMachinesApi, spec: GroupSpec, volume: string | undefined, timeouts: RolloutTimeouts): Promise<string> {
    const launchId = randomUUID();
    const config = machineConfigFor(spec, launchId, volume);
    const m = await fly.createMachine(spec.app, {
        name: `${spec.app}-${spec.group}-${launchId.slice(0, 8)}`,
        region: spec.region,
        config,
        ...(spec.secretsVersion !== undefined ? { min_secrets_version: spec.secretsVersion } : {}),
    }, launchId);
    const failure = await awaitHealthy(fly, spec.app, m.id, m.instance_id, timeouts);
    if (failure) {
        throw new Error(`${spec.app}: new machine ${m.id} (${spec.group}) on ${imageDigest(config.image)} did not become healthy: ${failure}`);
    }
    return m.id;
}

async function updateOne(fly: FlyMachinesApi, spec: GroupSpec, m: FlyMachine, desired: MachineConfig, timeouts: RolloutTimeouts, nonce: string): Promise<void> {
    const secrets = spec.secretsVersion !== undefined ? { min_secrets_version: spec.secretsVersion } : {};
    const updated = await fly.updateMachine(spec.app, m.id, { config: desired, ...secrets }, nonce);
    const failure = await awaitHealthy(fly, spec.app, m.id, updated.instance_id, timeouts);
    if (!failure) return;
    // put the machine back on what it ran before, so the app keeps its capacity
    const restored = await fly.updateMachine(spec.app, m.id, { config: m.config, ...secrets }, nonce);
    const after = await awaitHealthy(fly, spec.app, m.id, restored.instance_id, timeouts);
    throw new Error(
        `${spec.app}: machine ${m.id} (${spec.group}) failed on ${imageDigest(desired.image)}: ${failure}. ` +
        (after
            ? `Putting it back on ${imageDigest(m.config.image)} failed too: ${after}.`
            : `It is back on ${imageDigest(m.config.image)}; the group's other machines were not touched.`),
    );
}

async function destroyOne(fly: FlyMachinesApi, app: string, id: string, timeouts: RolloutTimeouts, deploy: Deploy): Promise<void> {
    const held = await hold(fly, app, id, timeouts, deploy);
    try {
        await fly.destroyMachine(app, id, held.nonce);
    } finally {
        held.release();
    }
}

/** A lease being held: refreshed every third of its TTL until released. */
interface Held {
    readonly nonce: string;
    /** Stops refreshing and releases; the release joins the deploy's pending ones. */
    release(): void;
}

/** Takes a lease on the machine and keeps it alive; someone else's lease is an error that says what to do. */
async function hold(fly: FlyMachinesApi, app: string, id: string, timeouts: RolloutTimeouts, deploy: Deploy): Promise<Held> {
    const { lease, heldBy } = await fly.acquireLease(app, id, timeouts.leaseTtlSeconds, deploy.description);
    if (!lease) {
        throw new Error(`${app}: machine ${id} is leased by someone else (${heldBy}); another deploy may be running. ` +
            `Wait for it to finish, or for its lease to expire, and run again.`);
    }
    const refresh = setInterval(() => {
        fly.refreshLease(app, id, lease.nonce, timeouts.leaseTtlSeconds).catch(() => undefined); // next tick retries
    }, (timeouts.leaseTtlSeconds * 1000) / 3);
    refresh.unref();
    let released = false;
    return {
        nonce: lease.nonce,
        release: () => {
            if (released) return;
            released = true;
            clearInterval(refresh);
            // it expires within its TTL anyway if this fails
            deploy.releases.push(fly.releaseLease(app, id, lease.nonce).catch(() => undefined));
        },
    };
}

/**
 * Waits for the machine (at `version`) to start and pass every check. Returns undefined when healthy, or why not:
 * it stopped or failed (at once), a check stayed critical past the grace period, or time ran out.
 */
export async function awaitHealthy(fly: FlyMachinesApi, app: string, id: string, version: string, timeouts: RolloutTimeouts): Promise<string | undefined> {
    const deadline = Date.now() + timeouts.healthSeconds * 1000;
    let started = false;
    let criticalSince: number | undefined;
    let last: FlyMachine | undefined;
    let polls = 0;
    while (Date.now() < deadline) {
        if (!started) {
            const reached = await fly.waitFor(app, id, ["started", "stopped", "failed"], (deadline - Date.now()) / 1000, version);
            if (reached === "started") started = true;
        }
        last = await fly.getMachine(app, id);
        if (!last) return "the machine disappeared";
        if (last.state === "stopped" || last.state === "failed") {
            const exit = last.events?.find((e) => e.type === "exit");
            return `it ${last.state} instead of starting${exit ? ` (exit event: ${exit.status})` : ""}`;
        }
        if (last.state === "started" && last.instance_id === version) {
            started = true;
            const expected = checkCount(last.config);
            const checks = last.checks ?? [];
            if (checks.length >= expected && checks.every((c) => c.status === "passing")) return undefined;
            const critical = checks.find((c) => c.status === "critical");
            if (critical) {
                criticalSince ??= Date.now();
                if (Date.now() - criticalSince >= timeouts.criticalGraceSeconds * 1000) {
                    return `check "${critical.name}" is critical: ${critical.output ?? "no output"}`;
                }
            } else {
                criticalSince = undefined;
            }
        }
        // quick polls first (checks usually pass within a second of boot), then slower, within Fly's Get Machine limit
        await new Promise((r) => setTimeout(r, Math.min(1000, timeouts.pollMs * 2 ** Math.floor(polls++ / 4))));
    }
    const failing = last?.checks?.find((c) => c.status !== "passing");
    return `not healthy after ${timeouts.healthSeconds} s (state ${last?.state ?? "unknown"}` +
        `${failing ? `, check "${failing.name}" ${failing.status}: ${failing.output ?? ""}` : ""})`;
}

/** Checks a machine config declares: named top-level checks plus every service check. */
function checkCount(config: MachineConfig): number {
    return Object.keys(config.checks ?? {}).length + (config.services ?? []).reduce((n, s) => n + (s.checks?.length ?? 0), 0);
}
