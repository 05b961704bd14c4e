/**
 * The HotDash services as their users reach them at `https://<app>.fly.dev`: a `/health` endpoint that the Fly
 * checks, the monitoring and the go/no-go probe. A request Fly's proxy forces to one machine (`fly-force-instance-id`,
 * as Fly's own checks are) is answered by that machine: not at all when it is not running, with a 500 when its image
 * is a bad one. A test can also make the whole service unhealthy.
 */
import type { MachineServing } from "./fly";
import { type SandboxContext, type SandboxRequest, type SandboxResponse, VendorServer } from "./server";

/** Looks up the machine a request was forced to; undefined for a machine that does not exist. */
export type MachineLookup = (id: string) => MachineServing | undefined;

/**
 * The answer of the machine a request is forced to, when that machine cannot serve the health endpoint; undefined
 * when it can (or the request names no machine), so the service's own answer stands.
 */
export function forcedMachineHealth(appName: string, lookup: MachineLookup | undefined, req: SandboxRequest): SandboxResponse | undefined {
    const id = req.headers["fly-force-instance-id"];
    if (typeof id !== "string" || !lookup) return undefined;
    const m = lookup(id);
    if (!m || m.app !== appName || !m.started) return { status: 503, body: { error: `machine ${id} of ${appName} is not running` } };
    if (m.image === "unhealthy") return { status: 500, body: { status: "unhealthy", service: appName, error: "database connection refused" } };
    return undefined;
}

export class AppServer extends VendorServer {
    /** False makes `/health` answer 503, as a failing service would. */
    healthy = true;
    /** The machines that serve this app (the sandbox's Fly), for requests forced to one of them. Defaults to none. */
    servedBy?: MachineLookup;

    constructor(ctx: SandboxContext, readonly appName: string) {
        super(appName, ctx);
        const health = (req: SandboxRequest): SandboxResponse => forcedMachineHealth(appName, this.servedBy, req) ?? (this.healthy
            ? { status: 200, body: { status: "ok", service: appName } }
            : { status: 503, body: { status: "unhealthy", service: appName } });
        this.route("GET", "/health", health);
        this.route("HEAD", "/health", health);
    }

    override reset(): void {
        this.healthy = true;
    }

    protected override error(status: number, message: string): SandboxResponse {
        return { status, body: { error: message } };
    }
}
