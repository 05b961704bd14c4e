/**
 * The HotDash services as their users reach them at `https://<app>.fly.dev`: a `/health` endpoint that the Fly
 * checks, the monitoring and the go/no-go probe. A test can make one unhealthy.
 */
import { type SandboxContext, type SandboxResponse, VendorServer } from "./server";

export class AppServer extends VendorServer {
    /** False makes `/health` answer 503, as a failing service would. */
    healthy = true;

    constructor(ctx: SandboxContext, readonly appName: string) {
        super(appName, ctx);
        const health = (): SandboxResponse => (this.healthy
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
