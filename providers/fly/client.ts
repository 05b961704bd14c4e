/**
 * A typed client for the Fly.io Machines API (`https://api.machines.dev/v1`, ../notes/fly-api.md), on the project's
 * HTTP layer. Creates that are not idempotent (apps, machines, volumes) pass a "did it happen?" check, so a retry
 * after a timeout never makes a second one.
 */
import { encodePath, HttpClient, isApiStatus } from "../http";
import type { MachineConfig } from "./machineConfig";

export interface FlyApp {
    readonly id: string;
    readonly name: string;
    readonly status?: string;
    readonly organization?: { readonly slug: string; readonly name?: string };
}

export interface FlyCheckStatus {
    readonly name: string;
    readonly status: "passing" | "warning" | "critical";
    readonly output?: string;
    readonly updated_at?: string;
}

export interface FlyMachine {
    readonly id: string;
    readonly name: string;
    readonly state: string;
    readonly region: string;
    readonly instance_id: string;
    readonly config: MachineConfig;
    readonly checks?: readonly FlyCheckStatus[];
    readonly events?: readonly { readonly type: string; readonly status: string; readonly timestamp: number }[];
    readonly nonce?: string;
}

export interface FlyLease {
    readonly nonce: string;
    /** Unix seconds. */
    readonly expires_at: number;
    readonly owner?: string;
}

export interface FlySecretDigest {
    readonly name: string;
    readonly digest: string;
}

export interface FlyIp {
    readonly ip: string;
    readonly type: string;
    readonly shared?: boolean;
}

export interface FlyVolume {
    readonly id: string;
    readonly name: string;
    readonly region: string;
    readonly size_gb: number;
    readonly state: string;
    readonly snapshot_retention: number;
    readonly auto_backup_enabled: boolean;
    readonly attached_machine_id?: string | null;
}

export interface FlyCertificate {
    readonly hostname: string;
    readonly status: string;
    readonly configured?: boolean;
    readonly certificates?: readonly { readonly status: string; readonly expires_at?: string }[];
    readonly dns_requirements?: Record<string, unknown>;
}

export interface CreateMachineRequest {
    readonly name: string;
    readonly region: string;
    readonly config: MachineConfig;
    readonly min_secrets_version?: number;
    readonly skip_launch?: boolean;
}

export interface FlyClientOptions {
    /** Machines API base URL, e.g. `https://api.machines.dev/v1`. */
    readonly apiUrl: string;
    /** An org or deploy token. Macaroons (`fm1r_`, `fm1a_`, `fm2_`) go as `FlyV1`, anything else as `Bearer`. */
    readonly token: string;
}

/** `Authorization` header value for a Fly token, the way Fly's own client picks the scheme. */
export function flyAuthorization(token: string): string {
    const bare = token.replace(/^(FlyV1|Bearer)\s+/i, "").trim();
    return /^fm[12][ra]?_/.test(bare) ? `FlyV1 ${bare}` : `Bearer ${bare}`;
}

/**
 * The HTTP client every area of the Machines API talks through, carrying Fly's authorization. The API comes in areas,
 * one class each, because a dynamic provider's closure (its code, as Pulumi writes it to state with every resource)
 * takes in the whole class it calls through: each provider calls through the area it needs and carries only that.
 */
export function flyHttp(opts: FlyClientOptions): HttpClient {
    const authorization = flyAuthorization(opts.token);
    return new HttpClient({
        vendor: "Fly Machines API",
        baseUrl: opts.apiUrl,
        authHeaders: () => ({ authorization }),
        requestIdHeaders: ["fly-request-id"],
    });
}

/** An area of the Machines API, as its class is made. */
export type FlyApi<A> = new (http: HttpClient) => A;

/** Apps. */
export class FlyAppsApi {
    constructor(readonly http: HttpClient) {}

    getApp(name: string): Promise<FlyApp | undefined> {
        return this.http.send<FlyApp>({ method: "GET", path: encodePath`/apps/${name}`, allow404: true });
    }

    createApp(name: string, org: string): Promise<FlyApp> {
        return this.http.send<FlyApp>({
            method: "POST", path: "/apps", body: { name, org_slug: org },
            didItHappen: () => this.getApp(name),
        });
    }

    async deleteApp(name: string): Promise<void> {
        await this.http.send({ method: "DELETE", path: encodePath`/apps/${name}`, allow404: true });
    }
}

/** An app's secrets. */
export class FlySecretsApi {
    constructor(readonly http: HttpClient) {}

    async listSecrets(app: string): Promise<FlySecretDigest[]> {
        const res = await this.http.send<{ secrets: FlySecretDigest[] }>({ method: "GET", path: encodePath`/apps/${app}/secrets` });
        return res.secrets;
    }

    /**
     * Sets (string) and unsets (null) secrets in one call and returns the new secrets version. Setting the same
     * values twice is harmless, so a lost answer is safely sent again.
     */
    async setSecrets(app: string, values: Readonly<Record<string, string | null>>): Promise<{ version: number; secrets: FlySecretDigest[] }> {
        const res = await this.http.send<{ secrets: FlySecretDigest[]; version?: number; Version?: number }>({
            method: "POST", path: encodePath`/apps/${app}/secrets`, body: { values }, idempotent: true,
            secrets: Object.values(values).filter((v): v is string => v !== null),
        });
        return { version: res.version ?? res.Version ?? 0, secrets: res.secrets };
    }
}

/** An app's IP addresses. */
export class FlyIpsApi {
    constructor(readonly http: HttpClient) {}

    async listIps(app: string): Promise<FlyIp[]> {
        const res = await this.http.send<{ ips: FlyIp[] }>({ method: "GET", path: encodePath`/apps/${app}/ip_assignments` });
        return res.ips;
    }

    allocateIp(app: string, type: string): Promise<FlyIp> {
        return this.http.send<FlyIp>({
            method: "POST", path: encodePath`/apps/${app}/ip_assignments`, body: { type },
            didItHappen: async () => (await this.listIps(app)).find((ip) => ip.type === type),
        });
    }

    async releaseIp(app: string, ip: string): Promise<void> {
        await this.http.send({ method: "DELETE", path: encodePath`/apps/${app}/ip_assignments/${ip}`, allow404: true });
    }
}

/** An app's machines, and the leases a deploy holds on them. */
export class FlyMachinesApi {
    constructor(readonly http: HttpClient) {}

    listMachines(app: string): Promise<FlyMachine[]> {
        return this.http.send<FlyMachine[]>({ method: "GET", path: encodePath`/apps/${app}/machines` });
    }

    getMachine(app: string, id: string): Promise<FlyMachine | undefined> {
        return this.http.send<FlyMachine>({ method: "GET", path: encodePath`/apps/${app}/machines/${id}`, allow404: true });
    }

    /**
     * Creates a machine. Not idempotent (a timed-out create may have made one), so the request carries a launch id
     * in its metadata and the check looks for a machine with that id before anything is sent again.
     */
    createMachine(app: string, req: CreateMachineRequest, launchId: string): Promise<FlyMachine> {
        return this.http.send<FlyMachine>({
            method: "POST", path: encodePath`/apps/${app}/machines`, body: req, timeoutMs: 60000,
            didItHappen: async () => (await this.listMachines(app)).find((m) => m.config.metadata?.[LAUNCH_ID_KEY] === launchId),
        });
    }

    /** Replaces a machine's whole config; under a lease, its nonce must come along. Repeating it is harmless. */
    updateMachine(app: string, id: string, body: Omit<CreateMachineRequest, "name" | "region">, nonce?: string): Promise<FlyMachine> {
        return this.http.send<FlyMachine>({
            method: "POST", path: encodePath`/apps/${app}/machines/${id}`, body, idempotent: true, timeoutMs: 60000,
            ...(nonce ? { headers: { "fly-machine-lease-nonce": nonce } } : {}),
        });
    }

    async destroyMachine(app: string, id: string, nonce?: string): Promise<void> {
        await this.http.send({
            method: "DELETE", path: encodePath`/apps/${app}/machines/${id}`, query: { force: true }, allow404: true,
            ...(nonce ? { headers: { "fly-machine-lease-nonce": nonce } } : {}),
        });
    }

    /**
     * Blocks until the machine is in one of `states` (Fly's wait, at most 60 s per call) and returns the state
     * reached; undefined when the wait timed out or failed in transit, and the caller should look at the machine.
     */
    async waitFor(app: string, id: string, states: readonly string[], timeoutSeconds: number, version?: string): Promise<string | undefined> {
        try {
            const res = await this.http.sendOnce({
                method: "GET", path: encodePath`/apps/${app}/machines/${id}/wait`,
                query: { state: states.join(","), timeout: Math.max(1, Math.min(60, Math.ceil(timeoutSeconds))), ...(version ? { version } : {}) },
                timeoutMs: (Math.min(60, timeoutSeconds) + 15) * 1000,
            });
            return res.status === 200 ? ((res.body as { state?: string } | undefined)?.state ?? states[0]) : undefined;
        } catch {
            return undefined; // a dropped wait proves nothing either way
        }
    }

    /** The lease on a machine, if one is held. */
    async getLease(app: string, id: string): Promise<(FlyLease & { description?: string }) | undefined> {
        const res = await this.http.send<{ data: FlyLease & { description?: string } }>({
            method: "GET", path: encodePath`/apps/${app}/machines/${id}/lease`, allow404: true,
        });
        return res?.data;
    }

    /**
     * Takes a lease described by `description` (unique per deploy). If the answer is lost, the lease may be ours
     * already: the check reads the machine's lease and keeps it when the description is ours. Someone else's lease
     * comes back as `heldBy`.
     */
    async acquireLease(app: string, id: string, ttlSeconds: number, description: string): Promise<{ lease?: FlyLease; heldBy?: string }> {
        const ours = async (): Promise<{ data: FlyLease } | undefined> => {
            const lease = await this.getLease(app, id);
            return lease && lease.description === description ? { data: lease } : undefined;
        };
        try {
            const res = await this.http.send<{ data: FlyLease }>({
                method: "POST", path: encodePath`/apps/${app}/machines/${id}/lease`, query: { ttl: ttlSeconds }, body: { ttl: ttlSeconds, description },
                didItHappen: ours,
            });
            return { lease: res.data };
        } catch (err) {
            if (!isApiStatus(err, 409)) throw err;
            const mine = await ours();
            return mine ? { lease: mine.data } : { heldBy: err.vendorMessage ?? "another deploy" };
        }
    }

    /** Extends a lease we hold. Repeating it is harmless. */
    async refreshLease(app: string, id: string, nonce: string, ttlSeconds: number): Promise<void> {
        await this.http.send({
            method: "POST", path: encodePath`/apps/${app}/machines/${id}/lease`, query: { ttl: ttlSeconds }, body: { ttl: ttlSeconds },
            headers: { "fly-machine-lease-nonce": nonce }, idempotent: true,
        });
    }

    async releaseLease(app: string, id: string, nonce: string): Promise<void> {
        await this.http.send({
            method: "DELETE", path: encodePath`/apps/${app}/machines/${id}/lease`,
            headers: { "fly-machine-lease-nonce": nonce }, allow404: true,
        });
    }
}

/** An app's volumes. */
export class FlyVolumesApi {
    constructor(readonly http: HttpClient) {}

    listVolumes(app: string): Promise<FlyVolume[]> {
        return this.http.send<FlyVolume[]>({ method: "GET", path: encodePath`/apps/${app}/volumes` });
    }

    getVolume(app: string, id: string): Promise<FlyVolume | undefined> {
        return this.http.send<FlyVolume>({ method: "GET", path: encodePath`/apps/${app}/volumes/${id}`, allow404: true });
    }

    /** Creates a volume; the check looks for a new volume of that name and region, ignoring `known` ones. */
    createVolume(app: string, body: { name: string; region: string; size_gb: number; snapshot_retention: number; auto_backup_enabled: boolean; encrypted: boolean }, known: readonly string[]): Promise<FlyVolume> {
        return this.http.send<FlyVolume>({
            method: "POST", path: encodePath`/apps/${app}/volumes`, body,
            didItHappen: async () => (await this.listVolumes(app)).find((v) => v.name === body.name && v.region === body.region && !known.includes(v.id)),
        });
    }

    updateVolume(app: string, id: string, body: { snapshot_retention: number; auto_backup_enabled: boolean }): Promise<FlyVolume> {
        return this.http.send<FlyVolume>({ method: "PUT", path: encodePath`/apps/${app}/volumes/${id}`, body });
    }

    async deleteVolume(app: string, id: string): Promise<void> {
        await this.http.send({ method: "DELETE", path: encodePath`/apps/${app}/volumes/${id}`, allow404: true });
    }
}

/** An app's TLS certificates. */
export class FlyCertificatesApi {
    constructor(readonly http: HttpClient) {}

    getCertificate(app: string, hostname: string): Promise<FlyCertificate | undefined> {
        return this.http.send<FlyCertificate>({ method: "GET", path: encodePath`/apps/${app}/certificates/${hostname}`, allow404: true });
    }

    /** Requests an ACME certificate; requesting one that exists returns it, so a lost answer is safely repeated. */
    requestCertificate(app: string, hostname: string): Promise<FlyCertificate> {
        return this.http.send<FlyCertificate>({
            method: "POST", path: encodePath`/apps/${app}/certificates/acme`, body: { hostname }, idempotent: true,
        });
    }

    async deleteCertificate(app: string, hostname: string): Promise<void> {
        await this.http.send({ method: "DELETE", path: encodePath`/apps/${app}/certificates/${hostname}`, allow404: true });
    }
}

/** The metadata key carrying a machine's launch id (what makes a retried create find its machine). */
export const LAUNCH_ID_KEY = "hotdash_launch_id";
