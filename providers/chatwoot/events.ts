/** Chatwoot facts the provider checks and the sandbox reproduces (chatwoot/chatwoot v4.15.1). */

/** `Webhook::ALLOWED_WEBHOOK_EVENTS` in app/models/webhook.rb. */
export const CHATWOOT_EVENTS: readonly string[] = [
    "conversation_status_changed", "conversation_updated", "conversation_created", "contact_created", "contact_updated",
    "message_created", "message_updated", "webwidget_triggered", "inbox_created", "inbox_updated",
    "conversation_typing_on", "conversation_typing_off",
];

/** The first Chatwoot release whose webhooks carry a per-webhook signing secret (PR #13573). */
export const CHATWOOT_MIN_SIGNING_VERSION = "4.11.2";
