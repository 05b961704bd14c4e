/**
 * A Slack incoming webhook (`https://hooks.slack.com/services/...`): accepts a JSON message with `text`, `blocks` or
 * `attachments` and answers `ok` in plain text, as Slack does; anything else gets Slack's documented error strings
 * (api.slack.com/changelog/2016-05-17-changes-to-errors-for-incoming-webhooks, and the `no_text` and
 * `invalid_blocks` answers of the messaging docs). Alertmanager posts the launch alerts here; tests read `messages`.
 */
import { SLACK_WEBHOOK_PATH } from "./credentials";
import { type SandboxContext, type SandboxResponse, VendorServer } from "./server";

export { SLACK_WEBHOOK_PATH };

export class SlackServer extends VendorServer {
    readonly messages: unknown[] = [];

    constructor(ctx: SandboxContext) {
        super("slack", ctx);
        this.route("POST", SLACK_WEBHOOK_PATH, (req) => {
            const refused = slackRefusal(req.body);
            if (refused) return { status: 400, text: refused };
            this.messages.push(req.body);
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

    /** Slack answers errors as bare strings: an unknown webhook is `no_service`, a body it cannot parse `invalid_payload`. */
    protected override error(status: number, message: string): SandboxResponse {
        if (status === 404) return { status, text: "no_service" };
        if (status === 400) return { status, text: "invalid_payload" };
        return { status, text: message };
    }
}

/**
 * What Slack answers with 400 to a message body, or undefined for one it posts: `invalid_payload` for a body that is
 * not a JSON object or whose fields have the wrong types, `invalid_blocks_format` / `invalid_blocks` for blocks that
 * are not a list of typed blocks, `no_text` when there is nothing to show.
 */
export function slackRefusal(body: unknown): string | undefined {
    if (typeof body !== "object" || body === null || Array.isArray(body)) return "invalid_payload";
    const { text, blocks, attachments } = body as { text?: unknown; blocks?: unknown; attachments?: unknown };
    if (text !== undefined && typeof text !== "string") return "invalid_payload";
    if (blocks !== undefined) {
        if (!Array.isArray(blocks)) return "invalid_blocks_format";
        if (blocks.some((b) => typeof b !== "object" || b === null || typeof (b as { type?: unknown }).type !== "string")) return "invalid_blocks";
    }
    if (attachments !== undefined) {
        if (!Array.isArray(attachments) || attachments.some((a) => typeof a !== "object" || a === null || Array.isArray(a))) return "invalid_payload";
    }
    const hasText = typeof text === "string" && text.trim() !== "";
    const hasBlocks = Array.isArray(blocks) && blocks.length > 0;
    const hasAttachments = Array.isArray(attachments) && attachments.length > 0;
    return hasText || hasBlocks || hasAttachments ? undefined : "no_text";
}
