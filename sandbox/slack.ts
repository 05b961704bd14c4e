/**
 * A Slack incoming webhook (`https://hooks.slack.com/services/...`): accepts `{"text": ...}` (or blocks) as JSON and
 * answers `ok` in plain text, as Slack does. Alertmanager posts the launch alerts here; tests read `messages`.
 */
import { type SandboxContext, type SandboxResponse, VendorServer } from "./server";

export const SLACK_WEBHOOK_PATH = "/services/T0HOTDASH/B0LAUNCH/sandboxwebhooksecret";

export class SlackServer extends VendorServer {
    readonly messages: unknown[] = [];

    constructor(ctx: SandboxContext) {
        super("slack", ctx);
        this.route("POST", SLACK_WEBHOOK_PATH, (req) => {
            const body = req.body as { text?: unknown; blocks?: unknown; attachments?: unknown } | undefined;
            if (!body || (body.text === undefined && body.blocks === undefined && body.attachments === undefined)) {
                return { status: 400, text: "no_text" };
            }
            this.messages.push(body);
            return { status: 200, text: "ok" };
        });
    }

    override reset(): void {
        this.messages.length = 0;
    }

    override snapshot(): unknown {
        return this.messages;
    }

    override restore(state: unknown): void {
        this.messages.splice(0, this.messages.length, ...(state as unknown[]));
    }

    protected override error(status: number, message: string): SandboxResponse {
        return { status, text: status === 404 ? "no_service" : message };
    }
}
